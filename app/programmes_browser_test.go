package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestProgrammeInBrowser finds programmes from the study list, is told to
// tick two studies when it ticks one, makes a programme of the planted
// studies and reads its pairs, as TestCrossJobCountsPlantedOverlapByPanelID
// counts them.
func TestProgrammeInBrowser(t *testing.T) {
	tab, s, c, base := researcherBrowser(t)
	ctx := tab.ctx
	planted, a, b, _ := plantedProgramme(t, s, c)
	tab.load("studies", chromedp.Navigate(base+"/studies"))
	screenshots(t, ctx, "studies-with-programmes")
	tab.load("programmes", chromedp.Click(chromedp.CSS(`a[href="/programmes"]`)))
	if got := tab.text("main table.list"); !strings.Contains(got, "Workspace buyers") {
		t.Errorf("the programmes list lacks the planted programme: %q", got)
	}

	tick := func(id int64) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=study_ids][value="%d"]`, id)))
	}
	_, err := chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.CSS(`#name`), "Two jobs"), tick(a), chromedp.Submit(chromedp.CSS(`#name`)))
	tab.must("create with one study", err)
	if got := tab.text("#study_ids-err"); !strings.Contains(got, "from 2 to 20 studies") {
		t.Errorf("one study ticked: error %q", got)
	}
	screenshots(t, ctx, "programmes")
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
	screenshots(t, ctx, "programme")
}
