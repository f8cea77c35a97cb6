package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSegmentCanvasInBrowser: on the Segments tab a researcher opens a
// segment's canvas, ticks a proposed verbatim, types another, an
// alternative and a market size, and saves; a market size that is no
// number is refused beside its field. The stakeholder's share canvas then
// shows the canvas, and at a laptop's width nothing of it, the profile
// tables' Lift column included, runs past the page. Screenshots at 390 and
// 1280 px.
func TestSegmentCanvasInBrowser(t *testing.T) {
	b, _, c, base := researcherBrowser(t)
	ctx := b.ctx
	id, _ := canvasStudy(t, c)
	token, _ := newShareLink(t, c, id, `{}`)
	b.load("segments tab", chromedp.Navigate(base+studyPath(id, "segments")))
	screenshots(t, ctx, "segments-saved")
	b.load("open the canvas editor", chromedp.Click(chromedp.CSS(`#saved a[href$="segment=s1#edit"]`)))
	if n := b.count(`#c-verbatims input[name=verbatim]`); n != 3 {
		t.Fatalf("%d verbatims proposed, want the 3 distinct answers of s1's members", n)
	}
	b.must("edit", chromedp.Do(ctx,
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
	screenshots(t, ctx, "segment-canvas-editor")
	var err error

	b.must("bad market size", chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#c-market_size`), "lots")))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#edit button.primary`)))
	b.must("save a bad market size", err)
	if got := b.text("#canvas-errors"); !strings.Contains(got, "market_size") {
		t.Fatalf("the refused form says %q", got)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#c-market_size`))); v != "lots" {
		t.Errorf("the refused form lost what was typed: %q", v)
	}

	// The Results tab split by the segmentation shows each segment's
	// priority index, with its formula in the tooltip.
	b.load("results by needs", chromedp.Navigate(base+studyPath(id, "results")+"?segment_by=needs"))
	if got := b.text("table.heat tfoot"); !strings.Contains(got, "Segment priority index") || !strings.Contains(got, "160") {
		t.Errorf("the comparison's priority row says %q", got)
	}
	tip, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`table.heat tfoot td.priority:nth-of-type(3)`), "title"))
	b.must("read the tooltip", err)
	if !strings.Contains(tip.Value, "importance 0.67 × dissatisfaction 0.67 × share 100% × market size 1200") || !strings.Contains(tip.Value, "index 160") {
		t.Errorf("s1's priority tooltip says %q", tip.Value)
	}
	screenshots(t, ctx, "results-priority-index")

	b.load("share canvas", chromedp.Navigate(base+"/r/"+token+"/canvas?segmentation=needs&segment=s1"))
	screenshots(t, ctx, "share-canvas")
	for _, w := range []int64{390, 1280} {
		b.must("resize", chromedp.Do(ctx, chromedp.EmulateViewport(w, 800)))
		// Every cell of the profile tables lies inside its own table's
		// column of the grid and inside the page: none runs under the next
		// table (at a phone's width the tables stack into cards).
		over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => {
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
