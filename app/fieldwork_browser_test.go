package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/sample"
)

// TestFieldworkReviewInBrowser filters the sample's responses in Chromium
// with the Fieldwork tab's plain GET form, ticks every row of the view with
// "All on this page" and includes them, and comes back to the same view with
// the notice; the Fieldwork and Results tabs are saved at phone and laptop
// widths for people to look at.
func TestFieldworkReviewInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newTestServer(t)
	u := mustUser(t, s, "r@example.com", "researcher")
	ds := sample.Generate(sample.Config{Respondents: 600, Seed: 3, Start: fieldwork.DemoStart()})
	st := loadSample(t, s, u, ds)
	speeders := plantedCount(ds, flagged(surveys.FlagSpeeding))
	base := serve(t, s)
	tab := browserTab{t, ctx}
	must, load, count := tab.must, tab.load, tab.count
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		must("location", err)
		return loc
	}

	tab.login(base, "r@example.com")
	load("fieldwork", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/fieldwork", base, st.ID)))
	must("filter", chromedp.Do(ctx, chromedp.SetValue(css(`#f-flag`), "speeding"), chromedp.SetValue(css(`#f-sort`), "fastest")))
	load("show", chromedp.Click(css(`.review-filters button`)))
	// The form sends its empty selects too: they filter nothing.
	if loc := location(); !strings.Contains(loc, "?flag=speeding&status=&excluded=&sort=fastest#responses") {
		t.Fatalf("the filter form went to %s", loc)
	}
	if rows, chips := count(`table.responses tbody tr`), count(`table.responses td[data-label=Flags] .chip`); rows != speeders || chips < speeders {
		t.Errorf("%d rows with %d flag chips, want the %d planted speeders", rows, chips, speeders)
	}
	screenshotsAt(t, ctx, "fieldwork-review", 390, 1280)

	must("tick all", chromedp.Do(ctx, chromedp.Click(css(`input[data-select-all]`))))
	if n := count(`input[name=respondent_id][form=selected]:checked`); n != speeders {
		t.Fatalf("\"All on this page\" ticked %d rows, want %d", n, speeders)
	}
	load("include selected", chromedp.Click(css(`#selected button[value=include]`)))
	if loc := location(); !strings.Contains(loc, "flag=speeding&saved="+itoa(speeders)+"&sort=fastest#responses") {
		t.Errorf("after including, the browser is at %s", loc)
	}
	if notice, want := tab.text(`#responses .notice`), fmt.Sprintf("Saved: %d responses included.", speeders); notice != want {
		t.Errorf("notice %q, want %q", notice, want)
	}
	if n := count(`table.responses .chip.in`); n != speeders {
		t.Errorf("%d of the view's rows are in the results, want all %d", n, speeders)
	}
	screenshotsAt(t, ctx, "fieldwork-decided", 390, 1280)

	load("results", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/results", base, st.ID)))
	line := tab.text(`p.cleaning`)
	straight := plantedCount(ds, flagged(surveys.FlagStraightLining))
	want := fmt.Sprintf("n = %d after cleaning: %d responses left out by the study's rule (%d straight-lining)", plantedCount(ds, clean)+speeders, straight, straight)
	if !strings.HasPrefix(line, want) {
		t.Errorf("Results say %q, want %q…", line, want)
	}
	screenshotsAt(t, ctx, "results-cleaning", 390, 1280)
}
