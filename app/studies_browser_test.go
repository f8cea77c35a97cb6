package app

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFirstRunInBrowser sets odi up through its setup link as the first
// admin, without the sample study, so the study list is empty; logs out and
// back in through the login form; finds that the used setup link says so;
// and reads the users list. Each page at phone and laptop widths.
func TestFirstRunInBrowser(t *testing.T) {
	b, s, base := servedBrowser(t)
	link, err := s.SetupLink(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	link = base + link[strings.Index(link, "/setup"):]

	b.must("open the setup link", chromedp.Do(b.ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	))
	screenshots(t, b.ctx, "setup")
	signIn := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS(`#email`), "admin@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "a good password"),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`.empty`)),
	}
	// Untick the sample study: this is the path to an empty study list.
	b.must("set up", chromedp.Do(b.ctx, append([]chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(`input[name=sample]`))}, signIn...)...))
	if body := b.text(`main`); !strings.Contains(body, "No studies yet") {
		t.Fatalf("after setup: %q", body)
	}
	screenshots(t, b.ctx, "studies-empty")

	// Log out and back in through the login form.
	b.must("log out", chromedp.Do(b.ctx,
		chromedp.Click(chromedp.CSS(`header form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
	))
	screenshots(t, b.ctx, "login")
	b.must("log in", chromedp.Do(b.ctx, signIn...))

	// The used link says so; the users list reads as labelled cards on a phone.
	b.must("used setup link", chromedp.Do(b.ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`main h1`)))) // a 410
	if text := b.text(`main`); !strings.Contains(text, "already set up") {
		t.Fatalf("the used setup link shows %q", text)
	}
	screenshots(t, b.ctx, "setup-used")
	mustUser(t, s, "a-rather-long-researcher-address@example.com", "researcher")
	b.load("users", chromedp.Navigate(base+"/admin/users"))
	screenshots(t, b.ctx, "users")
}

// TestStudyFromFileInBrowser goes the way a researcher does with
// JavaScript: the chosen file is read into a proposal on the same page, the
// statement and a question are corrected, and the same file, still chosen,
// creates the study, landing on its results.
func TestStudyFromFileInBrowser(t *testing.T) {
	b, _, _, base := researcherBrowser(t)
	file, err := filepath.Abs("../surveys/fieldwork/testdata/surveymonkey_export.csv")
	b.must("find the fixture", err)

	b.load("open the page", chromedp.Navigate(base+"/studies"))
	b.load("follow the link", chromedp.Click(chromedp.CSS(`a[href="/studies/from-file"]`)))
	b.must("read the file", chromedp.Do(b.ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file}),
		chromedp.WaitVisible(chromedp.CSS(`#pname`))))
	if n := b.count(`input[name=o_statement]`); n != 3 {
		t.Fatalf("%d outcomes proposed, want 3", n)
	}
	if n := b.count(`input[name=q_keep]`); n != 5 {
		t.Fatalf("%d questions proposed, want 5", n)
	}
	b.fitsAt("the proposal", 390, 800)
	screenshots(t, b.ctx, "study-from-file-proposal")

	// A bad code is refused with the page again, the corrections kept and
	// the file asked for again, as without JavaScript.
	b.must("refuse a bad code", chromedp.Do(b.ctx,
		chromedp.SetValue(chromedp.CSS(`#o-code-1`), "2 bad"),
		chromedp.Click(chromedp.CSS(`button[value=create]`)),
		chromedp.WaitVisible(chromedp.CSS(`#from-file-errors .alert`))))
	if alert := b.text(`#from-file-errors .alert`); !strings.Contains(alert, "outcomes[1].code") {
		t.Errorf("the refusal says %q, want outcomes[1].code named", alert)
	}
	screenshots(t, b.ctx, "study-from-file-refused")
	b.must("choose the file again", chromedp.Do(b.ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file})))
	if code, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`#o-code-1`))); err != nil || code != "2 bad" {
		t.Errorf("choosing the file again replaced the corrections: code %q (%v)", code, err)
	}
	b.must("fix the code", chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(`#o-code-1`), "O02")))

	b.must("correct", chromedp.Do(b.ctx,
		chromedp.SetValue(chromedp.CSS(`#pname`), "Decision logs"),
		chromedp.SetValue(chromedp.CSS(`#o-st-0`), "Minimize the time it takes to find a decision"),
		chromedp.SetValue(chromedp.CSS(`#q-key-0`), "role"),
		chromedp.Click(chromedp.CSS(`input[name=q_keep][value="12"]`)), // "Other (please specify)"
	))
	b.load("create", chromedp.Click(chromedp.CSS(`button[value=create]`)))
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
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
	screenshots(t, b.ctx, "study-from-file-results")

	b.load("the list", chromedp.Navigate(base+"/studies"))
	if chip := b.text(`.chip.imported`); chip != "imported" {
		t.Errorf("the list marks the study %q", chip)
	}
	screenshots(t, b.ctx, "study-from-file-list")
}

// TestProgrammeInBrowser finds programmes from the study list, is told to
// tick two studies when it ticks one, makes a programme of the planted
// studies and reads its pairs, as TestCrossJobCountsPlantedOverlapByPanelID
// counts them.
func TestProgrammeInBrowser(t *testing.T) {
	tab, s, c, base := researcherBrowser(t)
	planted, a, b, _ := plantedProgramme(t, s, c)
	tab.load("studies", chromedp.Navigate(base+"/studies"))
	screenshots(t, tab.ctx, "studies-with-programmes")
	tab.load("programmes", chromedp.Click(chromedp.CSS(`a[href="/programmes"]`)))
	if got := tab.text("main table.list"); !strings.Contains(got, "Workspace buyers") {
		t.Errorf("the programmes list lacks the planted programme: %q", got)
	}

	tick := func(id int64) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=study_ids][value="%d"]`, id)))
	}
	_, err := chromedp.RunResponse(tab.ctx, chromedp.SendKeys(chromedp.CSS(`#name`), "Two jobs"), tick(a), chromedp.Submit(chromedp.CSS(`#name`)))
	tab.must("create with one study", err)
	if got := tab.text("#study_ids-err"); !strings.Contains(got, "from 2 to 20 studies") {
		t.Errorf("one study ticked: error %q", got)
	}
	screenshots(t, tab.ctx, "programmes")
	tab.load("create", tick(b), chromedp.Submit(chromedp.CSS(`#name`)))
	if got := tab.text("h1"); got != "Two jobs" {
		t.Fatalf("after creating: heading %q", got)
	}
	rows := tab.text("#pairs tbody")
	// The studies in the order the list shows them, newest first.
	if !strings.Contains(rows, "Onboard people\tFind decisions\t9\t3") {
		t.Errorf("pairs %q, want Onboard people × Find decisions: 9 both, 3 high in both", rows)
	}

	tab.load("planted", chromedp.Navigate(fmt.Sprintf("%s/programmes/%d", base, planted)))
	if n := tab.count("#pairs tbody tr"); n != 3 {
		t.Errorf("%d pairs on the planted programme's page, want 3", n)
	}
	if got := tab.text("#studies"); !strings.Contains(got, "no saved segmentation") || !strings.Contains(got, "Underserved") {
		t.Errorf("studies table %q", got)
	}
	screenshots(t, tab.ctx, "programme")
}
