package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWeightingInBrowser sets a weighting on the Results tab as a
// researcher would: percentages that do not add up are refused beside the
// question, then targets with an option nobody chose and a trim too low for
// the sample are saved, and the page warns of both and shows effective n
// beside n.
func TestWeightingInBrowser(t *testing.T) {
	b, _, c, base := researcherBrowser(t)
	ctx := b.ctx
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
			b.must("type "+sel, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = %q`, sel, v))))
		}
		_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#weighting button.primary`)))
		b.must("save weighting", err)
	}
	// shoot saves what a reader sees scrolled to sel, at each width.
	shoot := func(name, sel string) {
		for _, w := range []int64{390, 1280} {
			b.must("resize", chromedp.Do(ctx, chromedp.EmulateViewport(w, 1000), chromedp.Sleep(100*time.Millisecond)))
			overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
			b.must("measure", err)
			if overflow {
				t.Errorf("the page overflows horizontally at %d px", w)
			}
			b.must("scroll", chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "start"})`, sel)),
				chromedp.Sleep(100*time.Millisecond)))
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			b.must("screenshot", err)
			b.must("write", os.WriteFile(filepath.Join("..", "testout", fmt.Sprintf("results-weighting-%s-%d.png", name, w)), png, 0o644))
		}
		b.must("resize", chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	}
	fill("40", "", "40", "")
	shoot("refused", "#weighting form")
	if got := b.text("#weighting fieldset .field-error"); !strings.Contains(got, "add up to 0.8 (80%)") {
		t.Errorf("percentages adding up to 80: error %q", got)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#w-0-0"))); v != "40" {
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
	screenshots(t, ctx, "results-weighting")
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
