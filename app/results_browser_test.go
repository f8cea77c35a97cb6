package app

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/score"
)

// TestReportInBrowser opens a stakeholder share link of the sample study in
// Chromium, at phone and laptop widths, and downloads the workbook through
// the page's own link.
func TestReportInBrowser(t *testing.T) {
	b, s, base := servedBrowser(t)
	c := api(t, s, "r@example.com", "researcher")
	st, _ := loadSample(t, s, "r@example.com", sample.Config{Respondents: 400, Seed: 1, Start: fieldwork.DemoStart()})
	token, _ := newShareLink(t, c, st.ID, `{"name": "Board review", "segment_by": "company_size"}`)
	var opps results.Opportunities
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities?segment_by=company_size", st.ID), nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &opps)

	b.must("open the share link", chromedp.Do(b.ctx,
		chromedp.Navigate(base+"/r/"+token),
		chromedp.WaitVisible(chromedp.CSS(`table.ranked`)),
	))
	if h1 := b.text(`h1`); h1 != st.Name {
		t.Errorf("heading %q, want %q", h1, st.Name)
	}
	if firstCode, want := b.text(`table.ranked tbody tr:first-child .code`), opps.Groups[0].Outcomes[0].Code; firstCode != want {
		t.Errorf("first ranked outcome %q, want %q", firstCode, want)
	}
	counts, err := chromedp.Run(b.ctx, chromedp.Evaluate[map[string]int](`({
		points: document.querySelectorAll('svg .pt').length,
		controls: document.querySelectorAll('form, input, select, textarea, [contenteditable], button:not(.sort)').length,
		sorts: document.querySelectorAll('table.ranked th[data-sort] > button.sort').length,
		tables: document.querySelectorAll('table.ranked').length,
		heatRows: document.querySelectorAll('table.heat tbody tr').length,
		heatCols: document.querySelectorAll('table.heat thead th.group').length,
	})`))
	b.must("count what the page holds", err)
	outcomes := len(opps.Groups[0].Outcomes)
	if counts["points"] != outcomes || counts["controls"] != 0 || counts["heatRows"] != outcomes || counts["heatCols"] != len(opps.Groups) ||
		counts["sorts"] != 6*counts["tables"] {
		t.Errorf("page has %v; want %d points and heat rows, %d groups, 6 sort buttons a table and no other control", counts, outcomes, len(opps.Groups))
	}
	checkSorting(t, b.ctx, opps.Groups[0].Outcomes)
	// The stylesheet applies under the CSP: chips carry their class colour.
	bg, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.chip.extreme')).backgroundColor`))
	if err != nil || bg != "rgb(155, 28, 28)" {
		t.Errorf("extreme chip background %q (%v)", bg, err)
	}
	// Nothing overflows the phone width but the scrolling tables.
	b.must("resize", chromedp.Do(b.ctx, chromedp.EmulateViewport(375, 800)))
	wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || wide > 375 {
		t.Errorf("page is %d px wide at 375 (%v)", wide, err)
	}
	screenshots(t, b.ctx, "report")

	// Download the workbook the way a stakeholder's browser does: the page's link.
	dl, err := chromedp.Run(b.ctx, chromedp.Evaluate[map[string]any](`fetch(document.querySelector('a[download]').href)
		.then(r => r.arrayBuffer().then(b => ({status: r.status, type: r.headers.get('content-type'), size: b.byteLength,
			magic: String.fromCharCode(...new Uint8Array(b.slice(0, 2)))})))`, chromedp.EvalAwaitPromise))
	b.must("download the workbook", err)
	if dl["status"] != float64(200) || dl["magic"] != "PK" || dl["size"].(float64) < 10000 || !strings.Contains(fmt.Sprint(dl["type"]), "spreadsheetml") {
		t.Errorf("workbook download: %v", dl)
	}

	// The researcher's list of links names the one the stakeholder used.
	b.login(base, "r@example.com")
	b.load("share tab", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/share", base, st.ID)))
	if name := b.text(`table.list td.who`); name != "Board review" {
		t.Errorf("the share list names the link %q", name)
	}
	screenshots(t, b.ctx, "share-tab")
}

// checkSorting sorts the first ranked table on the page by its headers, with
// the mouse and with the keyboard, and checks the order and aria-sort.
func checkSorting(t *testing.T, ctx context.Context, rows []score.Row) {
	t.Helper()
	order := func() ([]string, map[string]string) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
			Codes []string
			Sort  map[string]string
		}](`(() => { const t = document.querySelector('table.ranked'); const sort = {};
			t.querySelectorAll('th[aria-sort]').forEach(th => sort[th.dataset.sort] = th.getAttribute('aria-sort'));
			return {codes: [...t.tBodies[0].rows].map(r => r.querySelector('.code').textContent), sort}; })()`))
		if err != nil {
			t.Fatal(err)
		}
		return got.Codes, got.Sort
	}
	codes := func(less func(a, b score.Row) int) []string {
		s := slices.Clone(rows)
		slices.SortStableFunc(s, less)
		out := make([]string, len(s))
		for i, r := range s {
			out[i] = r.Code
		}
		return out
	}
	byRank := codes(func(a, b score.Row) int { return a.Rank - b.Rank })
	if got, sort := order(); !slices.Equal(got, byRank) || sort["rank"] != "ascending" || len(sort) != 1 {
		t.Fatalf("before sorting: %v %v, want rank order %v", got, sort, byRank)
	}
	button := func(key string) string { return `table.ranked th[data-sort=` + key + `] button` }
	// The mouse: importance, largest first; ties stay in rank order.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(button("importance")))); err != nil {
		t.Fatal(err)
	}
	want := codes(func(a, b score.Row) int { return cmp.Or(cmp.Compare(b.Importance, a.Importance), a.Rank-b.Rank) })
	if got, sort := order(); !slices.Equal(got, want) || sort["importance"] != "descending" || len(sort) != 1 {
		t.Errorf("by importance: %v %v, want %v descending", got, sort, want)
	}
	// The keyboard: focus the code header, Enter sorts A→Z, Space again Z→A.
	err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(button("code"))), chromedp.KeyEvent("\r"))
	if err != nil {
		t.Fatal(err)
	}
	want = codes(func(a, b score.Row) int { return score.CompareCodes(a.Code, b.Code) })
	if got, sort := order(); !slices.Equal(got, want) || sort["code"] != "ascending" || len(sort) != 1 {
		t.Errorf("by code: %v %v, want %v ascending", got, sort, want)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(want)
	if got, sort := order(); !slices.Equal(got, want) || sort["code"] != "descending" {
		t.Errorf("by code again: %v %v, want %v descending", got, sort, want)
	}
	// Back to rank order, as the server sent it.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(button("rank")))); err != nil {
		t.Fatal(err)
	}
	if got, sort := order(); !slices.Equal(got, byRank) || sort["rank"] != "ascending" {
		t.Errorf("by rank again: %v %v, want %v", got, sort, byRank)
	}
}

// TestSignificanceAndWavesInBrowser opens the Results tab of a sample study
// split by company size and compared with a second wave, and saves the
// segment comparison with its significance legend and the comparison of
// the waves at phone and laptop widths.
func TestSignificanceAndWavesInBrowser(t *testing.T) {
	b, s, c, base := researcherBrowser(t)
	first, _ := loadSample(t, s, "r@example.com", sample.Config{Respondents: 400, Seed: 1, Start: fieldwork.DemoStart()})
	second, _ := loadSample(t, s, "r@example.com", sample.Config{Respondents: 300, Seed: 2, Start: fieldwork.DemoStart()})
	// Three respondents who skipped company size: the No answer group.
	var d surveys.Design
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d", second.ID), nil).json(t, &d)
	var csv strings.Builder
	csv.WriteString("respondent_id,status,company_size")
	for _, o := range d.Outcomes {
		fmt.Fprintf(&csv, ",%s_imp,%s_sat", o.Code, o.Code)
	}
	for j := range 3 {
		fmt.Fprintf(&csv, "\nskip%d,complete,", j)
		for i := range d.Outcomes {
			fmt.Fprintf(&csv, ",%d,%d", 1+(i+j)%5, 1+(i/2+j)%5)
		}
	}
	wantStatus(t, c.do("POST", fmt.Sprintf("/api/v1/studies/%d/responses/import", second.ID), "text/csv", csv.String()+"\n"), http.StatusCreated)

	b.load("results", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/results?segment_by=company_size&with=%d", base, second.ID, first.ID)))
	if got := b.text("#group-no_answer h2"); !strings.HasPrefix(got, "Company size: No answer, n = 3") {
		t.Errorf("the group of those who skipped company size is headed %q", got)
	}
	if got := b.text("#group-1-9 h2"); !strings.HasPrefix(got, "Company size: 1-9, n = ") {
		t.Errorf("a group is headed %q", got)
	}
	// The contents link every part of the page, and the landscape names
	// every point.
	if n, want := b.count(`nav.toc a[href^="#"]`), 3+b.count(`section.group`); n < want {
		t.Errorf("the page's contents have %d links, want at least %d", n, want)
	}
	if n := b.count(`figure.landscape .pt text`); n != len(d.Outcomes) {
		t.Errorf("%d labels on the landscape, want %d", n, len(d.Outcomes))
	}
	// Scrolled sideways, the heat map keeps its outcome column in view.
	b.must("scroll the heat map", chromedp.Do(b.ctx, chromedp.EmulateViewport(390, 900),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#comparison .table-wrap").scrollLeft = 400`), chromedp.Sleep(100*time.Millisecond)))
	gap, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`document.querySelector("#comparison tbody th").getBoundingClientRect().left - document.querySelector("#comparison .table-wrap").getBoundingClientRect().left`))
	b.must("measure the outcome column", err)
	if gap < -1 || gap > 1 {
		t.Errorf("scrolled sideways, the outcome column is %.0f px from the table's left edge", gap)
	}
	b.screenshotOf("results-heatmap-scrolled", `#comparison .table-wrap`, 390)
	b.must("scroll back", chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#comparison .table-wrap").scrollLeft = 0`)))
	// The filter menu offers the No answer group, and the filtered view
	// says whom it counts.
	b.load("results to filter", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/results", base, second.ID)))
	b.must("pick No answer", chromedp.Do(b.ctx, chromedp.SetValue(css(`#filter`), "company_size:no_answer")))
	b.load("filtered", chromedp.Submit(css(`#filter`)))
	if title, err := chromedp.Run(b.ctx, chromedp.Title()); err != nil || !strings.HasPrefix(title, "Results for Company size: No answer · ") {
		t.Errorf("filtered page title %q (%v)", title, err)
	}
	screenshots(t, b.ctx, "results-filtered")
	b.load("results", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/results?segment_by=company_size&with=%d", base, second.ID, first.ID)))
	if n := b.count("table.heat abbr.sig"); n == 0 {
		t.Errorf("no significant cell marked in the segment comparison")
	}
	if got := b.text("#sig-legend"); got == "" {
		t.Errorf("no legend under the segment comparison")
	}
	if n := b.count("#waves tbody tr"); n == 0 {
		t.Errorf("no rows in the comparison of the waves")
	}
	for _, w := range []int64{390, 1280} {
		b.fitsAt("the page", w, 900)
		// What a reader sees with each part scrolled into view: the top of
		// the heat map, its legend, the top of the waves' table.
		for name, sel := range map[string]string{"results-heatmap": "table.heat", "results-heatmap-legend": "#sig-legend", "results-waves": "#waves",
			"results-landscape": "#landscape", "results-toc": "nav.toc", "results-no-answer": "#group-no_answer"} {
			b.screenshotScrolled(name, sel, w)
		}
	}

	// Fieldwork: progress toward the sample size, per company size.
	b.load("fieldwork", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/fieldwork?half_width=1.5", base, second.ID)))
	if n := b.count("#sample-size progress"); n == 0 {
		t.Errorf("no progress toward the sample size on Fieldwork")
	}
	for _, w := range []int64{390, 1280} {
		b.resize(w, 900)
		b.screenshotScrolled("fieldwork-sample-size", "#sample-size", w)
	}
}

// TestWeightingInBrowser sets a weighting on the Results tab as a
// researcher would: percentages that do not add up are refused beside the
// question, then targets with an option nobody chose and a trim too low for
// the sample are saved, and the page warns of both and shows effective n
// beside n.
func TestWeightingInBrowser(t *testing.T) {
	b, _, c, base := researcherBrowser(t)
	question := `{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "medium", "large"], "segment": true}`
	id := goldenStudy(t, c, []string{question}, "statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\n", skewedCSV(0, 80, 20, 0))
	results := fmt.Sprintf("%s/studies/%d/results", base, id)
	b.load("results", chromedp.Navigate(results))
	if n := b.count("#weighting input[inputmode=decimal]"); n != 4 {
		t.Fatalf("%d inputs in the Weighting section, want 3 options and the trim", n)
	}
	if got := b.text("#weighting .weight-options"); !strings.Contains(got, "sample 80.0%") || !strings.Contains(got, "sample 0.0%") || !strings.Contains(got, "sample 20.0%") {
		t.Errorf("the sample's shares beside the inputs: %q", got)
	}
	// team_size is the first weightable question: options small, medium, large.
	fill := func(small, medium, large, trim string) {
		for sel, v := range map[string]string{"#w-0-0": small, "#w-0-1": medium, "#w-0-2": large, "#trim": trim} {
			b.must("type "+sel, chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = %q`, sel, v))))
		}
		_, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`#weighting button.primary`)))
		b.must("save weighting", err)
	}
	// shoot saves what a reader sees scrolled to sel, at each width.
	shoot := func(name, sel string) {
		for _, w := range []int64{390, 1280} {
			b.fitsAt("the page", w, 1000)
			b.screenshotScrolled("results-weighting-"+name, sel, w)
		}
		b.must("resize", chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900)))
	}
	fill("40", "", "40", "")
	shoot("refused", "#weighting form")
	if got := b.text("#weighting fieldset .field-error"); !strings.Contains(got, "add up to 0.8 (80%)") {
		t.Errorf("percentages adding up to 80: error %q", got)
	}
	if v, _ := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#w-0-0"))); v != "40" {
		t.Errorf("the refused form lost what was typed: %q", v)
	}
	fill("40", "20", "40", "2")
	status := b.text("#weighting .weighting-status")
	for _, want := range []string{"Converged\nno", "Respondents weighted\n100", "Largest weight\n2.00"} {
		if !strings.Contains(status, want) {
			t.Errorf("status %q lacks %q", status, want)
		}
	}
	warnings := b.text("#weighting")
	for _, want := range []string{"Empty target cells: nobody in the sample is in team_size: medium", "Trimmed: 20 respondents", "Not converged"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("the Weighting section does not say %q", want)
		}
	}
	if h := b.text("#group-all h2"); !strings.Contains(h, "n = 100 · effective n = ") {
		t.Errorf("group heading %q", h)
	}
	screenshots(t, b.ctx, "results-weighting")
	shoot("section", "#weighting")
	shoot("form", "#weighting form")
	b.load("unweighted", chromedp.Navigate(results+"?weighted=0"))
	if h := b.text("#group-all h2"); strings.Contains(h, "effective") || !strings.Contains(b.text("#weighted"), "Unweighted") {
		t.Errorf("?weighted=0: heading %q", h)
	}
	b.load("results again", chromedp.Navigate(results))
	b.load("remove", chromedp.Click(chromedp.CSS(`#weighting form[action$="/delete"] button`)))
	if got := b.text("#weighting"); !strings.Contains(got, "Removed") || b.count("#weighting .weighting-status") != 0 {
		t.Errorf("after removing: %q", got)
	}
}

// TestSegmentCanvasInBrowser: on the Segments tab a researcher opens a
// segment's canvas, ticks a proposed verbatim, types another, an
// alternative and a market size, and saves; a market size that is no
// number is refused beside its field. The stakeholder's share canvas then
// shows the canvas, and at a laptop's width nothing of it, the profile
// tables' Lift column included, runs past the page. Screenshots at 390 and
// 1280 px.
func TestSegmentCanvasInBrowser(t *testing.T) {
	b, _, c, base := researcherBrowser(t)
	id, _ := canvasStudy(t, c)
	token, _ := newShareLink(t, c, id, `{}`)
	b.load("segments tab", chromedp.Navigate(base+studyPath(id, "segments")))
	screenshots(t, b.ctx, "segments-saved")
	b.load("open the canvas editor", chromedp.Click(chromedp.CSS(`#saved a[href$="segment=s1#edit"]`)))
	if n := b.count(`#c-verbatims input[name=verbatim]`); n != 3 {
		t.Fatalf("%d verbatims proposed, want the 3 distinct answers of s1's members", n)
	}
	b.must("edit", chromedp.Do(b.ctx,
		chromedp.SetValue(chromedp.CSS(`#c-label`), "Stop losing context"),
		chromedp.Click(chromedp.CSS(`#c-verbatims input[value="Context dies in DMs"]`)),
		chromedp.SetValue(chromedp.CSS(`#c-verbatims-new`), "We ship late"),
		chromedp.SetValue(chromedp.CSS(`#c-alternatives`), "Email threads"),
		chromedp.SetValue(chromedp.CSS(`#c-market_size`), "1200"),
	))
	b.load("save", chromedp.Click(chromedp.CSS(`#edit button.primary`)))
	if got := b.text("#edit .notice"); got != "Saved." {
		t.Fatalf("after saving: %q", got)
	}
	canvas := b.text("article.canvas")
	for _, want := range []string{"Stop losing context", "“Context dies in DMs”", "“We ship late”", "Email threads", "1 of them gave a kept verbatim"} {
		if !strings.Contains(canvas, want) {
			t.Errorf("the canvas lacks %q", want)
		}
	}
	screenshots(t, b.ctx, "segment-canvas-editor")
	var err error

	b.must("bad market size", chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(`#c-market_size`), "lots")))
	_, err = chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`#edit button.primary`)))
	b.must("save a bad market size", err)
	if got := b.text("#canvas-errors"); !strings.Contains(got, "market_size") {
		t.Fatalf("the refused form says %q", got)
	}
	if v, _ := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`#c-market_size`))); v != "lots" {
		t.Errorf("the refused form lost what was typed: %q", v)
	}

	// The Results tab split by the segmentation shows each segment's
	// priority index, with its formula in the tooltip.
	b.load("results by needs", chromedp.Navigate(base+studyPath(id, "results")+"?segment_by=needs"))
	if got := b.text("table.heat tfoot"); !strings.Contains(got, "Segment priority index") || !strings.Contains(got, "160") {
		t.Errorf("the comparison's priority row says %q", got)
	}
	tip, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(`table.heat tfoot td.priority:nth-of-type(3)`), "title"))
	b.must("read the tooltip", err)
	if !strings.Contains(tip.Value, "importance 0.67 × dissatisfaction 0.67 × share 100% × market size 1200") || !strings.Contains(tip.Value, "index 160") {
		t.Errorf("s1's priority tooltip says %q", tip.Value)
	}
	screenshots(t, b.ctx, "results-priority-index")

	b.load("share canvas", chromedp.Navigate(base+"/r/"+token+"/canvas?segmentation=needs&segment=s1"))
	screenshots(t, b.ctx, "share-canvas")
	for _, w := range []int64{390, 1280} {
		b.must("resize", chromedp.Do(b.ctx, chromedp.EmulateViewport(w, 800)))
		// Every cell of the profile tables lies inside its own table's
		// column of the grid and inside the page: none runs under the next
		// table (at a phone's width the tables stack into cards).
		over, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`(() => {
			const tables = [...document.querySelectorAll(".profiles")].flatMap(p => {
				const cols = getComputedStyle(p).gridTemplateColumns.split(" ").map(parseFloat);
				return [...p.querySelectorAll("table.lifts")].map(t => ({t, track: cols[0]}));
			});
			let n = 0;
			for (const {t, track} of tables) {
				for (const c of t.querySelectorAll("td, th")) {
					const r = c.getBoundingClientRect();
					if (r.width > 0 && (r.right > document.documentElement.clientWidth + 1 || t.getBoundingClientRect().width > track + 1)) n++;
				}
			}
			return n;
		})()`))
		b.must("measure", err)
		if over > 0 {
			t.Errorf("at %d px, %d cells of the profile tables run out of their column", w, over)
		}
	}
}

// TestTypingToolAndSurveyInBrowser: on the Segments tab, a researcher
// discovers segments (the candidates table, and the comparison with
// discovery on principal components, one click away), fits a six-item typing tool of
// the saved segmentation, and creates its typing survey, which opens on its
// Fieldwork tab; a respondent answers the survey's one page, each outcome
// with the scales it asks. Screenshots of the tab and the survey at a
// phone's width and a laptop's.
func TestTypingToolAndSurveyInBrowser(t *testing.T) {
	b, s, c, base := researcherBrowser(t)
	st, _ := loadSample(t, s, "r@example.com", sample.Config{Respondents: 600, Seed: 3})
	var d results.Discovery
	c.send("POST", fmt.Sprintf("/api/v1/studies/%d/segments/discover", st.ID), `{"k": 3}`).json(t, &d)
	members := map[string]int{}
	for i, sg := range d.Segments {
		for _, m := range sg.Members {
			members[m] = i
		}
	}
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/segmentations", st.ID),
		map[string]any{"key": "needs", "labels": []string{"Stop losing context", "Look organized to investors", "Ship faster as the team scales"}, "members": members}),
		http.StatusCreated)

	b.load("segments tab", chromedp.Navigate(base+studyPath(st.ID, "segments")))
	b.load("discover", chromedp.Click(chromedp.CSS(`form[action$="/segments"] button.primary`)))
	if n := b.count("table.candidates tbody tr"); n != 5 {
		t.Fatalf("%d candidates listed, want 5", n)
	}
	b.load("segments tab", chromedp.Navigate(base+studyPath(st.ID, "segments")))
	b.must("six items", chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(`#items-needs`), "6")))
	b.load("fit", chromedp.Click(chromedp.CSS(`form[action$="/typing-tool"] button`)))
	if got := b.text("#typing-needs"); !strings.Contains(got, "Asks 6 ratings") {
		t.Fatalf("the typing tool says %q", got)
	}
	if n := b.count("#typing-needs table.items tbody tr"); n != 6 {
		t.Fatalf("%d items listed, want 6", n)
	}
	b.load("create the typing survey", chromedp.Click(chromedp.CSS(`form[action$="/typing-survey"] button`)))
	link, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`#public-url`)))
	b.must("read the survey link", err)
	_, slug, ok := strings.Cut(link, "/s/")
	if !ok || !strings.Contains(b.text("main"), "short survey") {
		t.Fatalf("the typing survey's Fieldwork tab shows the link %q", link)
	}
	b.load("segments tab", chromedp.Navigate(base+studyPath(st.ID, "segments")))
	if n := b.count("ul.typing-surveys li"); n != 1 {
		t.Fatalf("%d typing surveys listed, want 1", n)
	}
	b.load("discover", chromedp.Click(chromedp.CSS(`form[action$="/segments"] button.primary`)))
	screenshots(t, b.ctx, "segments-typing")
	// The other solution, on principal components, one click away.
	b.load("show the components' solution", chromedp.Click(chromedp.CSS(`table.spaces form button`)))
	if got := b.text("#discovery h2"); !strings.Contains(got, "principal components") {
		t.Fatalf("after Show, the discovery says %q", got)
	}

	// The respondent's one page: six ratings, an outcome asking only
	// satisfaction keeps it under its heading on a wide screen.
	b.load("survey", chromedp.Navigate(base+"/s/"+slug))
	b.load("start", chromedp.Click(chromedp.CSS(`button.primary`)))
	if n := b.count(".it fieldset.sc"); n != 6 {
		t.Fatalf("the survey asks %d ratings, want 6", n)
	}
	screenshots(t, b.ctx, "typing-survey")
}

// TestSegmentsTooSmallInBrowser: three segments asked of a study whose
// min_n the smallest does not reach show why they are not recommended, at
// a phone's width and a laptop's.
func TestSegmentsTooSmallInBrowser(t *testing.T) {
	b, s, c, base := researcherBrowser(t)
	st, _ := loadSample(t, s, "r@example.com", sample.Config{Respondents: 400, Seed: 3})
	wantStatus(t, c.send("PATCH", fmt.Sprintf("/api/v1/studies/%d", st.ID), `{"min_n": 100}`), http.StatusOK)
	b.load("segments tab", chromedp.Navigate(base+studyPath(st.ID, "segments")))
	b.must("choose 3", chromedp.Do(b.ctx, chromedp.SetValue(css(`#k`), "3")))
	b.load("discover", chromedp.Click(css(`form[action$="/segments"] button.primary`)))
	if got := b.text("#too-small"); !strings.Contains(got, "Not recommended") || !strings.Contains(got, "minimum n of 100") {
		t.Fatalf("the warning says %q", got)
	}
	screenshots(t, b.ctx, "segments-too-small")

	// Automatic: the k big enough merges planted segments and is unstable.
	b.must("choose automatic", chromedp.Do(b.ctx, chromedp.SetValue(css(`#k`), "auto")))
	b.load("discover", chromedp.Click(css(`form[action$="/segments"] button.primary`)))
	if got := b.text("#unstable"); !strings.Contains(got, "The data shows no stable needs segments") {
		t.Fatalf("the unstable notice says %q", got)
	}
	if n := b.count("table.candidates tbody tr"); n != 5 {
		t.Fatalf("%d candidates listed, want 5", n)
	}
	screenshots(t, b.ctx, "segments-unstable")
}

// TestHardeningResultsDownloadsInBrowser opens the raw file's disclosure and
// fetches the download the page links, as a browser with its session does.
func TestHardeningResultsDownloadsInBrowser(t *testing.T) {
	b, s, c, base := researcherBrowser(t)
	id := formulaStudy(t, s, c)
	b.must("open the results", chromedp.Do(b.ctx,
		chromedp.Navigate(base+studyPath(id, "results")),
		chromedp.WaitVisible(css(`#raw-responses summary`)),
	))
	screenshots(t, b.ctx, "results-downloads")
	b.must("open the raw file's disclosure", chromedp.Do(b.ctx,
		chromedp.Click(css(`#raw-responses summary`)),
		chromedp.WaitVisible(css(`#raw-responses a`)),
	))
	screenshots(t, b.ctx, "results-downloads-raw")
	first, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch(document.querySelector('.controls a[href*="responses.csv"]').href)
		.then(r => r.text()).then(t => t.split('\n')[1])`, chromedp.EvalAwaitPromise))
	b.must("fetch the download", err)
	if !strings.HasPrefix(first, `'=cmd`) {
		t.Errorf("the page's download, fetched by the browser, starts %q", first)
	}
	t.Logf("browser: the download's first row starts %.12q; the raw link shows once the disclosure is opened", first)
}
