package app

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"odi/surveys/fieldwork"
	"odi/surveys/sample"
)

// TestSignificanceAndWavesInBrowser opens the Results tab of a sample study
// split by company size and compared with a second wave, and saves the
// segment comparison with its significance legend and the comparison of
// the waves at phone and laptop widths.
func TestSignificanceAndWavesInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newTestServer(t)
	base := serve(t, s)
	u := mustUser(t, s, "r@example.com", "researcher")
	first := loadSample(t, s, u, sample.Generate(sample.Config{Respondents: 400, Seed: 1, Start: fieldwork.DemoStart()}))
	second := loadSample(t, s, u, sample.Generate(sample.Config{Respondents: 300, Seed: 2, Start: fieldwork.DemoStart()}))
	b := browserTab{t, ctx}
	b.login(base, "r@example.com")
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
		for name, sel := range map[string]string{"results-heatmap": "table.heat", "results-heatmap-legend": "#sig-legend", "results-waves": "#waves"} {
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
