package app

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/score"
)

// TestReportInBrowser opens a stakeholder share link of the sample study in
// Chromium, at phone and laptop widths, and downloads the workbook through
// the page's own link.
func TestReportInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newTestServer(t)
	base := serve(t, s)
	u := mustUser(t, s, "r@example.com", "researcher")
	st := loadSample(t, s, u, sample.Generate(sample.Config{Respondents: 400, Seed: 1, Start: fieldwork.DemoStart()}))
	c := newClient(t, s)
	c.bearer = mustToken(t, s, u)
	token, _ := newShareLink(t, c, st.ID, `{"name": "Board review", "segment_by": "company_size"}`)
	var opps results.Opportunities
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities?segment_by=company_size", st.ID), nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &opps)

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/r/"+token),
		chromedp.WaitVisible(chromedp.CSS(`table.ranked`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != st.Name {
		t.Errorf("heading %q, want %q", h1, st.Name)
	}
	firstCode, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.ranked tbody tr:first-child .code`)))
	if err != nil {
		t.Fatal(err)
	}
	if want := opps.Groups[0].Outcomes[0].Code; firstCode != want {
		t.Errorf("first ranked outcome %q, want %q", firstCode, want)
	}
	counts, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`({
		points: document.querySelectorAll('svg .pt').length,
		controls: document.querySelectorAll('form, input, select, textarea, [contenteditable], button:not(.sort)').length,
		sorts: document.querySelectorAll('table.ranked th[data-sort] > button.sort').length,
		tables: document.querySelectorAll('table.ranked').length,
		heatRows: document.querySelectorAll('table.heat tbody tr').length,
		heatCols: document.querySelectorAll('table.heat thead th.group').length,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	outcomes := len(opps.Groups[0].Outcomes)
	if counts["points"] != outcomes || counts["controls"] != 0 || counts["heatRows"] != outcomes || counts["heatCols"] != len(opps.Groups) ||
		counts["sorts"] != 6*counts["tables"] {
		t.Errorf("page has %v; want %d points and heat rows, %d groups, 6 sort buttons a table and no other control", counts, outcomes, len(opps.Groups))
	}
	checkSorting(t, ctx, opps.Groups[0].Outcomes)
	// The stylesheet applies under the CSP: chips carry their class colour.
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.chip.extreme')).backgroundColor`))
	if err != nil || bg != "rgb(155, 28, 28)" {
		t.Errorf("extreme chip background %q (%v)", bg, err)
	}
	// Nothing overflows the phone width but the scrolling tables.
	err = chromedp.Do(ctx, chromedp.EmulateViewport(375, 800))
	if err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || wide > 375 {
		t.Errorf("page is %d px wide at 375 (%v)", wide, err)
	}
	screenshots(t, ctx, "report")

	// Download the workbook the way a stakeholder's browser does: the page's link.
	dl, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`fetch(document.querySelector('a[download]').href)
		.then(r => r.arrayBuffer().then(b => ({status: r.status, type: r.headers.get('content-type'), size: b.byteLength,
			magic: String.fromCharCode(...new Uint8Array(b.slice(0, 2)))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if dl["status"] != float64(200) || dl["magic"] != "PK" || dl["size"].(float64) < 10000 || !strings.Contains(fmt.Sprint(dl["type"]), "spreadsheetml") {
		t.Errorf("workbook download: %v", dl)
	}

	// The researcher's list of links names the one the stakeholder used.
	tab := browserTab{t, ctx}
	tab.login(base, "r@example.com")
	tab.load("share tab", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/share", base, st.ID)))
	if name := tab.text(`table.list td.who`); name != "Board review" {
		t.Errorf("the share list names the link %q", name)
	}
	screenshots(t, ctx, "share-tab")
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
