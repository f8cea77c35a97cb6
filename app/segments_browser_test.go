package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"odi/surveys/sample"
)

// TestSegmentsTooSmallInBrowser: three segments asked of a study whose
// min_n the smallest does not reach show why they are not recommended, at
// a phone's width and a laptop's.
func TestSegmentsTooSmallInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives Chromium")
	}
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	owner, _ := s.accounts.UserByEmail(t.Context(), "r@example.com")
	st, err := s.fieldwork.LoadSample(t.Context(), owner, sample.Generate(sample.Config{Respondents: 400, Seed: 3}))
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.send("PATCH", fmt.Sprintf("/api/v1/studies/%d", st.ID), `{"min_n": 100}`), http.StatusOK)
	base := serve(t, s)
	ctx := newBrowser(t)
	b := &surveyTab{t: t, ctx: ctx, width: 1280}
	b.load("log in", chromedp.Navigate(base+"/login"))
	b.load("log in", chromedp.SendKeys(chromedp.CSS(`#email`), "r@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "olive-kettle-93"), chromedp.Submit(chromedp.CSS(`#password`)))
	b.load("segments tab", chromedp.Navigate(base+studyPath(st.ID, "segments")))
	b.must("choose 3", chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#k`), "3")))
	b.load("discover", chromedp.Click(chromedp.CSS(`form[action$="/segments"] button.primary`)))
	if got := b.text("#too-small"); !strings.Contains(got, "Not recommended") || !strings.Contains(got, "minimum n of 100") {
		t.Fatalf("the warning says %q", got)
	}
	screenshotsAt(t, ctx, "segments-too-small", 390, 1280)
}
