package app

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/sample"
)

// TestSignificanceAndWavesInBrowser opens the Results tab of a sample study
// split by company size and compared with a second wave, and saves the
// segment comparison with its significance legend and the comparison of
// the waves at phone and laptop widths.
func TestSignificanceAndWavesInBrowser(t *testing.T) {
	b, s, c, base := researcherBrowser(t)
	ctx := b.ctx
	u, _ := s.accounts.UserByEmail(t.Context(), "r@example.com")
	first := loadSample(t, s, u, sample.Generate(sample.Config{Respondents: 400, Seed: 1, Start: fieldwork.DemoStart()}))
	second := loadSample(t, s, u, sample.Generate(sample.Config{Respondents: 300, Seed: 2, Start: fieldwork.DemoStart()}))
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
	b.must("scroll the heat map", chromedp.Do(ctx, chromedp.EmulateViewport(390, 900),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#comparison .table-wrap").scrollLeft = 400`), chromedp.Sleep(100*time.Millisecond)))
	gap, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#comparison tbody th").getBoundingClientRect().left - document.querySelector("#comparison .table-wrap").getBoundingClientRect().left`))
	b.must("measure the outcome column", err)
	if gap < -1 || gap > 1 {
		t.Errorf("scrolled sideways, the outcome column is %.0f px from the table's left edge", gap)
	}
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`#comparison .table-wrap`)))
	b.must("screenshot the scrolled heat map", err)
	b.must("write", os.WriteFile(filepath.Join("..", "testout", "results-heatmap-scrolled-390.png"), png, 0o644))
	b.must("scroll back", chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#comparison .table-wrap").scrollLeft = 0`)))
	// The filter menu offers the No answer group, and the filtered view
	// says whom it counts.
	b.load("results to filter", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/results", base, second.ID)))
	b.must("pick No answer", chromedp.Do(ctx, chromedp.SetValue(css(`#filter`), "company_size:no_answer")))
	b.load("filtered", chromedp.Submit(css(`#filter`)))
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || !strings.HasPrefix(title, "Results for Company size: No answer · ") {
		t.Errorf("filtered page title %q (%v)", title, err)
	}
	screenshots(t, ctx, "results-filtered")
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
		b.must("resize", chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Sleep(100*time.Millisecond)))
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
		b.must("measure", err)
		if overflow {
			t.Errorf("the page overflows horizontally at %d px", w)
		}
		// What a reader sees with each part scrolled into view: the top of
		// the heat map, its legend, the top of the waves' table.
		for name, sel := range map[string]string{"results-heatmap": "table.heat", "results-heatmap-legend": "#sig-legend", "results-waves": "#waves",
			"results-landscape": "#landscape", "results-toc": "nav.toc", "results-no-answer": "#group-no_answer"} {
			b.must("scroll to "+sel, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "start"})`, sel)),
				chromedp.Sleep(100*time.Millisecond)))
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			b.must("screenshot "+name, err)
			dir := filepath.Join("..", "testout")
			b.must("mkdir", os.MkdirAll(dir, 0o755))
			b.must("write", os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644))
		}
	}

	// Fieldwork: progress toward the sample size, per company size.
	b.load("fieldwork", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/fieldwork?half_width=1.5", base, second.ID)))
	if n := b.count("#sample-size progress"); n == 0 {
		t.Errorf("no progress toward the sample size on Fieldwork")
	}
	for _, w := range []int64{390, 1280} {
		b.must("resize", chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Sleep(100*time.Millisecond)))
		b.must("scroll", chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#sample-size").scrollIntoView({block: "start"})`),
			chromedp.Sleep(100*time.Millisecond)))
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		b.must("screenshot", err)
		b.must("write", os.WriteFile(filepath.Join("..", "testout", fmt.Sprintf("fieldwork-sample-size-%d.png", w)), png, 0o644))
	}
}
