package app

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStudyFromFileInBrowser goes the way a researcher does with
// JavaScript: the chosen file is read into a proposal on the same page, the
// statement and a question are corrected, and the same file, still chosen,
// creates the study, landing on its results.
func TestStudyFromFileInBrowser(t *testing.T) {
	b, _, _, base := researcherBrowser(t)
	ctx := b.ctx
	file, err := filepath.Abs("../surveys/fieldwork/testdata/surveymonkey_export.csv")
	b.must("find the fixture", err)

	b.load("open the page", chromedp.Navigate(base+"/studies"))
	b.load("follow the link", chromedp.Click(chromedp.CSS(`a[href="/studies/from-file"]`)))
	b.must("read the file", chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file}),
		chromedp.WaitVisible(chromedp.CSS(`#pname`))))
	if n := b.count(`input[name=o_statement]`); n != 3 {
		t.Fatalf("%d outcomes proposed, want 3", n)
	}
	if n := b.count(`input[name=q_keep]`); n != 5 {
		t.Fatalf("%d questions proposed, want 5", n)
	}
	b.must("look at 390 px", chromedp.Do(ctx, chromedp.EmulateViewport(390, 800)))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	b.must("measure", err)
	if overflow {
		t.Errorf("the proposal overflows a 390 px screen")
	}
	screenshots(t, ctx, "study-from-file-proposal")

	// A bad code is refused with the page again, the corrections kept and
	// the file asked for again, as without JavaScript.
	b.must("refuse a bad code", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#o-code-1`), "2 bad"),
		chromedp.Click(chromedp.CSS(`button[value=create]`)),
		chromedp.WaitVisible(chromedp.CSS(`#from-file-errors .alert`))))
	if alert := b.text(`#from-file-errors .alert`); !strings.Contains(alert, "outcomes[1].code") {
		t.Errorf("the refusal says %q, want outcomes[1].code named", alert)
	}
	screenshots(t, ctx, "study-from-file-refused")
	b.must("choose the file again", chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file})))
	if code, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#o-code-1`))); err != nil || code != "2 bad" {
		t.Errorf("choosing the file again replaced the corrections: code %q (%v)", code, err)
	}
	b.must("fix the code", chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#o-code-1`), "O02")))

	b.must("correct", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#pname`), "Decision logs"),
		chromedp.SetValue(chromedp.CSS(`#o-st-0`), "Minimize the time it takes to find a decision"),
		chromedp.SetValue(chromedp.CSS(`#q-key-0`), "role"),
		chromedp.Click(chromedp.CSS(`input[name=q_keep][value="12"]`)), // "Other (please specify)"
	))
	b.load("create", chromedp.Click(chromedp.CSS(`button[value=create]`)))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	b.must("where", err)
	if !strings.HasSuffix(loc, "/results") {
		t.Fatalf("landed on %s, want the study's results", loc)
	}
	if main := b.text("main"); !strings.Contains(main, "Minimize the time it takes to find a decision") || !strings.Contains(main, "Decision logs") {
		t.Errorf("the results do not show the corrected study: %.300s", main)
	}
	if n := b.count(`form[action$="/reopen"]`); n != 0 {
		t.Errorf("an imported study offers to reopen it")
	}
	screenshots(t, ctx, "study-from-file-results")

	b.load("the list", chromedp.Navigate(base+"/studies"))
	if chip := b.text(`.chip.imported`); chip != "imported" {
		t.Errorf("the list marks the study %q", chip)
	}
	screenshots(t, ctx, "study-from-file-list")
}
