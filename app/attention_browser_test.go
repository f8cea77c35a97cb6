package app

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"odi/surveys"
)

// TestAttentionChecksInBrowser: the researcher sets three attention checks
// on the Job tab (the count shows only while the switch is on); a
// respondent with JavaScript meets them on three different pages, and
// survey.js saves each check as it is answered, before Next.
func TestAttentionChecksInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives Chromium")
	}
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	id := newStudy(t, c, "Attention")
	apiBase := fmt.Sprintf("/api/v1/studies/%d", id)
	for i := range 8 {
		st := fmt.Sprintf("Minimize the time it takes to find decision number %d made by the team", i+1)
		wantStatus(t, c.send("POST", apiBase+"/outcomes", map[string]string{"statement": st, "step": surveySteps[i*4/8]}), http.StatusCreated)
	}
	base := serve(t, s)
	browser := newBrowser(t)

	ed := &surveyTab{t: t, ctx: browser, width: 1280}
	ed.load("log in", chromedp.Navigate(base+"/login"))
	ed.load("log in", chromedp.SendKeys(chromedp.CSS(`#email`), "r@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "olive-kettle-93"), chromedp.Submit(chromedp.CSS(`#password`)))
	ed.load("job tab", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/job", base, id)))
	visible := func() bool {
		v, err := chromedp.Run(browser, chromedp.Evaluate[bool](`!document.getElementById("attention-count").hidden`))
		ed.must("read #attention-count", err)
		return v
	}
	if visible() {
		t.Fatal("the number of checks shows while the switch is off")
	}
	ed.click(`#attention_check`)
	if !visible() {
		t.Fatal("the number of checks stays hidden with the switch on")
	}
	ed.must("choose 3", chromedp.Do(browser, chromedp.SetValue(chromedp.CSS(`#attention_checks`), "3")))
	ed.must("scroll", chromedp.Do(browser, chromedp.ScrollIntoView(chromedp.CSS(`#attention_checks`))))
	screenshotsAt(t, browser, "editor-attention-checks", 390, 1280)
	ed.load("save job", chromedp.Submit(chromedp.CSS(`#attention_checks`)))
	var st surveys.Study
	c.send("GET", apiBase, nil).json(t, &struct{ Study *surveys.Study }{&st})
	if !st.AttentionCheck || st.AttentionChecks != 3 {
		t.Fatalf("saved attention_check %v, attention_checks %d", st.AttentionCheck, st.AttentionChecks)
	}
	var pub struct{ Slug string }
	c.send("POST", apiBase+"/publish", nil).json(t, &pub)

	tab, closeTab := chromedp.NewContext(newProfile(t, browser))
	defer closeTab()
	b := &surveyTab{t: t, ctx: tab, width: 390}
	b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(390, 800)))
	b.load("open link", chromedp.Navigate(base+"/s/"+pub.Slug))
	b.next()
	token, err := chromedp.Run(tab, chromedp.AttributeValue(chromedp.CSS("#survey"), "data-token"))
	b.must("token", err)
	var pages []int
	for p := 1; p <= len(surveySteps[:4]); p++ {
		b.rate(b.shown())
		nodes, err := chromedp.Run(tab, chromedp.Nodes(chromedp.CSS(`#attention-check`), chromedp.AtLeast(0)))
		b.must("look for a check", err)
		if len(nodes) > 0 {
			check, _ := strconv.Atoi(nodes[0].AttributeValue("data-check"))
			b.click(`input[name="attention"][value="2"]`)
			waitFor(t, fmt.Sprintf("autosave of check %d", check+1), func() bool {
				r, err := s.fieldwork.Resume(t.Context(), pub.Slug, token.Value)
				return err == nil && r.Answers[surveys.AttentionKey(check)] == "2"
			})
			if len(pages) == 0 {
				b.fits("a page with a check")
				screenshotsAt(t, tab, "survey-attention-check", 390, 1280)
				b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(390, 800)))
			}
			pages = append(pages, p)
		}
		b.next()
	}
	if len(pages) != 3 || len(slices.Compact(pages)) != 3 {
		t.Fatalf("checks on pages %v, want three different pages", pages)
	}
	r, err := s.fieldwork.Resume(t.Context(), pub.Slug, token.Value)
	if err != nil || r.Status != surveys.Complete {
		t.Fatalf("response %+v: %v", r, err)
	}
	flags := slices.DeleteFunc(reviewedFlags(t, c, id, r.RespondentID), func(f string) bool { return f == surveys.FlagSpeeding })
	if len(flags) != 0 {
		t.Fatalf("three right answers flagged %v", flags)
	}
}
