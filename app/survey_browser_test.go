package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"odi/surveys"
	"odi/surveys/fieldwork"
)

// surveyAnswer is what the browser tests answer for an outcome: varied, so
// the response is not straight-lined, and checkable afterwards.
func surveyAnswer(code string) (imp, sat int) {
	n, _ := strconv.Atoi(code[1:])
	return n%5 + 1, (n*3+1)%5 + 1
}

// surveyBrowserStudy publishes 30 outcomes over five steps after one profile
// page, and serves it.
func surveyBrowserStudy(t *testing.T) (*Server, string, string) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	_, slug := surveyStudy(t, c, 30, 5, `{"intro": "Thank you for helping us understand how teams keep track of their work.\nIt takes a few minutes."}`,
		`{"template": "company_size"}`,
		`{"key": "nps", "text": "How likely are you to recommend your current tool to a colleague?", "kind": "nps"}`)
	return s, serve(t, s), slug
}

// wantStoredComplete checks the response behind token is complete with
// every outcome rated as surveyAnswer says.
func wantStoredComplete(t *testing.T, s *Server, slug, token string) {
	t.Helper()
	resp, err := s.fieldwork.Resume(t.Context(), slug, token)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != surveys.Complete || resp.Answers["company_size"] != "10-49" || resp.Answers["nps"] != "8" {
		t.Fatalf("stored %s with answers %v", resp.Status, resp.Answers)
	}
	for _, it := range surveyItems(t, s, slug) {
		imp, sat := resp.Rating(it.Slot)
		if wi, ws := surveyAnswer(it.Code); int(imp) != wi || int(sat) != ws {
			t.Errorf("%s stored %d/%d, want %d/%d", it.Code, imp, sat, wi, ws)
		}
	}
	if len(resp.ItemOrder) != 30 {
		t.Errorf("stored order %v", resp.ItemOrder)
	}
}

// respondInBrowser answers the survey at one width with JavaScript on:
// half of it, then the tab closes; the link reopened in a new tab continues
// where the respondent left off, and they finish. withoutCookie clears the
// resume cookie before reopening, so only localStorage can bring them back.
func respondInBrowser(t *testing.T, browser context.Context, s *Server, base, slug string, width int64, withoutCookie bool) {
	profile := newProfile(t, browser)
	link := base + "/s/" + slug

	tabCtx, closeTab := chromedp.NewContext(profile)
	b := newSurveyTab(t, tabCtx, width)
	b.load("open link", chromedp.Navigate(link))
	if got := b.text("h1"); got != "Team knowledge" {
		t.Fatalf("welcome says %q", got)
	}
	if width == 375 {
		b.screenshots("survey-welcome")
	}
	b.next()
	b.click(`input[name="q.company_size"][value="10-49"]`)
	b.click(`input[name="q.nps"][value="8"]`)
	b.fits("the profile step")
	if width == 375 {
		b.screenshots("survey-profile")
	}
	b.next()
	b.rateSteps("Define", "Locate")
	if got := b.text("h1"); got != fieldwork.StepTitle("en", "Prepare", "") {
		t.Fatalf("after Locate: %q", got)
	}
	b.fits("an outcome step")
	if width == 375 {
		// The smallest phones: the options stack rather than squeeze.
		newSurveyTab(t, tabCtx, 320).fits("an outcome step")
		b.must("viewport", chromedp.Do(tabCtx, chromedp.EmulateViewport(width, 800)))
	}
	half := b.shown()[:3]
	b.rate(half)
	token, err := chromedp.Run(tabCtx, chromedp.AttributeValue(chromedp.CSS("#survey"), "data-token"))
	b.must("token", err)
	// Autosave: the three outcomes reach the database without pressing Next.
	waitFor(t, "autosave of "+strings.Join(half, ","), func() bool {
		r, err := s.fieldwork.Resume(t.Context(), slug, token.Value)
		if err != nil {
			return false
		}
		for _, it := range surveyItems(t, s, slug) {
			if imp, sat := r.Rating(it.Slot); slices.Contains(half, it.Code) && (imp == 0 || sat == 0) {
				return false
			}
		}
		return true
	})
	if saved := b.text("#saved"); saved != "Saved" {
		t.Errorf("saved indicator says %q", saved)
	}
	if width == 1280 {
		// Half of the step answered, with the saved indicator showing.
		screenshots(t, tabCtx, "survey-outcomes")
	}
	closeTab()

	if withoutCookie {
		id := chromedp.FromContext(profile).BrowserContextID
		_, err := chromedp.CallBrowser(profile, storage.ClearCookies, storage.ClearCookiesParams{BrowserContextID: id})
		b.must("clear cookies", err)
	}
	tabCtx, closeTab = chromedp.NewContext(profile)
	defer closeTab()
	b = newSurveyTab(t, tabCtx, width)
	b.load("reopen link", chromedp.Navigate(link))
	b.must("resumed", chromedp.Do(tabCtx, chromedp.WaitVisible(chromedp.CSS(".it"))))
	if got, want := b.text("h1"), fieldwork.StepTitle("en", "Prepare", ""); got != want {
		t.Fatalf("reopened at %q, want %q (Prepare)", got, want)
	}
	if n := b.checked(); n != 6 {
		t.Fatalf("reopened with %d ratings checked, want 6", n)
	}
	b.rate(b.shown()[3:])
	b.next()
	b.rateSteps("Execute", "Monitor")
	if got := b.text("h1"); got != "Team knowledge" || !strings.Contains(b.text("main"), "Thank you") {
		t.Fatalf("end page: %q / %q", got, b.text("main"))
	}
	wantStoredComplete(t, s, slug, token.Value)
	// The device forgets the finished response: the link opened again, by
	// the next person at this computer, starts afresh.
	kept, err := chromedp.Run(tabCtx, chromedp.Evaluate[*string](`localStorage.getItem(`+strconv.Quote("odi:"+slug)+`)`))
	b.must("read localStorage", err)
	if kept != nil {
		t.Fatalf("localStorage still holds the token %q", *kept)
	}
	b.load("open link again", chromedp.Navigate(link))
	if got := b.text("main"); !strings.Contains(got, "Start") || strings.Contains(got, surveys.Messages["en"]["thanks"]) {
		t.Fatalf("the link opened after finishing shows %q", got)
	}
}

// surveyItems are the outcomes of a published survey, page by page.
func surveyItems(t *testing.T, s *Server, slug string) []fieldwork.Item {
	t.Helper()
	sv, err := s.fieldwork.PublicSurvey(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	var out []fieldwork.Item
	for _, pg := range sv.Pages {
		out = append(out, pg.Items...)
	}
	return out
}

// rateSteps answers every outcome of each step in turn, on the page that
// must be that step's.
func (b *surveyTab) rateSteps(steps ...string) {
	b.t.Helper()
	for _, step := range steps {
		if got, want := b.text("h1"), fieldwork.StepTitle("en", step, ""); got != want {
			b.t.Fatalf("step %q, want %s (%s): %s", got, want, step, b.text("main"))
		}
		b.rate(b.shown())
		b.next()
	}
}

// TestSurveyInBrowser fills the 30-outcome survey three times at once in
// one Chromium: on a phone (resumed from localStorage), on a laptop (resumed
// by cookie) and with JavaScript off.
func TestSurveyInBrowser(t *testing.T) {
	s, base, slug := surveyBrowserStudy(t)
	browser := newBrowser(t)
	t.Run("phone resumes from localStorage", func(t *testing.T) {
		t.Parallel()
		respondInBrowser(t, browser, s, base, slug, 375, true)
	})
	t.Run("laptop resumes by cookie", func(t *testing.T) {
		t.Parallel()
		respondInBrowser(t, browser, s, base, slug, 1280, false)
	})
	t.Run("without JavaScript", func(t *testing.T) {
		t.Parallel()
		respondWithoutJavaScript(t, browser, s, base, slug)
	})
}

func respondWithoutJavaScript(t *testing.T, browser context.Context, s *Server, base, slug string) {
	tab, closeTab := chromedp.NewContext(newProfile(t, browser))
	defer closeTab()
	b := newSurveyTab(t, tab, 1280)
	_, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	b.must("disable JavaScript", err)
	b.load("open link", chromedp.Navigate(base+"/s/"+slug))
	b.next()
	// Next with nothing answered: the errors are shown and announced.
	if resp := b.next(); resp.Status != 422 {
		t.Fatalf("empty profile answered %d", resp.Status)
	}
	if role, err := chromedp.Run(tab, chromedp.AttributeValue(chromedp.CSS(".errors"), "role")); err != nil || role.Value != "alert" {
		t.Fatalf("error summary role %q (%v)", role.Value, err)
	}
	if msg := b.text("#q-company_size-e"); msg != "Please answer this question." {
		t.Fatalf("field error %q", msg)
	}
	b.screenshots("survey-errors")
	b.click(`input[name="q.company_size"][value="10-49"]`)
	b.click(`input[name="q.nps"][value="8"]`)
	b.next()
	var token string
	for _, ck := range mustCookies(t, tab) {
		if ck.Name == resumeCookie {
			token = ck.Value
		}
	}
	if token == "" {
		t.Fatal("no resume cookie")
	}
	b.rateSteps(surveySteps...)
	if !strings.Contains(b.text("main"), "Thank you") {
		t.Fatalf("end page: %q", b.text("main"))
	}
	wantStoredComplete(t, s, slug, token)
	// A shared computer: the next person to open the link starts afresh.
	for _, ck := range mustCookies(t, tab) {
		if ck.Name == resumeCookie {
			t.Fatal("the resume cookie outlived the finished response")
		}
	}
	b.load("open link again", chromedp.Navigate(base+"/s/"+slug))
	if got := b.text("h1"); got != "Team knowledge" || !strings.Contains(b.text("main"), "Start") {
		t.Fatalf("the link opened after finishing shows %q / %q", got, b.text("main"))
	}
}

// TestAttentionChecksInBrowser: the researcher sets three attention checks
// on the Job tab (the count shows only while the switch is on); a
// respondent with JavaScript meets them on three different pages, and
// survey.js saves each check as it is answered, before Next.
func TestAttentionChecksInBrowser(t *testing.T) {
	researcher, s, c, base := researcherBrowser(t)
	ed := &surveyTab{t: t, ctx: researcher.ctx, width: 1280}
	id := newStudy(t, c, "Attention")
	apiBase := fmt.Sprintf("/api/v1/studies/%d", id)
	for i := range 8 {
		st := fmt.Sprintf("Minimize the time it takes to find decision number %d made by the team", i+1)
		wantStatus(t, c.send("POST", apiBase+"/outcomes", map[string]string{"statement": st, "step": surveySteps[i*4/8]}), http.StatusCreated)
	}

	ed.load("job tab", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/job", base, id)))
	visible := func() bool {
		v, err := chromedp.Run(ed.ctx, chromedp.Evaluate[bool](`!document.getElementById("attention-count").hidden`))
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
	ed.must("choose 3", chromedp.Do(ed.ctx, chromedp.SetValue(chromedp.CSS(`#attention_checks`), "3")))
	ed.must("scroll", chromedp.Do(ed.ctx, chromedp.ScrollIntoView(chromedp.CSS(`#attention_checks`))))
	screenshots(t, ed.ctx, "editor-attention-checks")
	ed.load("save job", chromedp.Submit(chromedp.CSS(`#attention_checks`)))
	var st surveys.Study
	c.send("GET", apiBase, nil).json(t, &struct{ Study *surveys.Study }{&st})
	if !st.AttentionCheck || st.AttentionChecks != 3 {
		t.Fatalf("saved attention_check %v, attention_checks %d", st.AttentionCheck, st.AttentionChecks)
	}
	var pub struct{ Slug string }
	c.send("POST", apiBase+"/publish", nil).json(t, &pub)

	b := newSurveyTab(t, newBrowser(t), 390)
	b.load("open link", chromedp.Navigate(base+"/s/"+pub.Slug))
	b.next()
	token, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS("#survey"), "data-token"))
	b.must("token", err)
	var pages []int
	for p := 1; p <= len(surveySteps[:4]); p++ {
		b.rate(b.shown())
		nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSS(`#attention-check`), chromedp.AtLeast(0)))
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
				b.screenshots("survey-attention-check")
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

// TestAvatarsInBrowser: a purchase decision-maker fills the survey in
// Chromium and meets only the outcomes asked of their role, on a phone and
// a laptop; the researcher's Results page compares the roles, saying what
// each was not asked.
func TestAvatarsInBrowser(t *testing.T) {
	r, _, c, base := researcherBrowser(t)
	id, slug := avatarStudy(t, c)

	for _, width := range []int64{390, 1280} {
		b := newSurveyTab(t, newBrowser(t), width)
		b.load("open link", chromedp.Navigate(base+"/s/"+slug))
		b.next()
		b.click(fmt.Sprintf(`input[name="q.role"][value=%q]`, roleBuyer))
		if width == 390 {
			b.screenshots("avatars-survey-role")
		}
		b.next()
		var seen []string
		for page := 0; b.count(`.it`) > 0; page++ {
			shown := b.shown()
			seen = append(seen, shown...)
			if page == 1 {
				b.screenshots("avatars-survey-buyer-page2", width)
			}
			b.fits("page of ratings")
			b.rate(shown)
			b.next()
		}
		if !strings.Contains(b.text("main"), "Thank you") {
			t.Fatalf("end page at %d px: %q", width, b.text("main"))
		}
		if !slices.Equal(seen, []string{"O01", "O03"}) {
			t.Errorf("the decision-maker saw %v at %d px, want O01 and O03", seen, width)
		}
	}

	// An executor too, through the API, so both roles have a column.
	path := "/api/v1/s/" + slug + "/responses"
	wantStatus(t, c.send("POST", path, sub(true, map[string]any{"role": roleExec},
		map[string]any{"O01": map[string]int{"importance": 5, "satisfaction": 1}, "O02": map[string]int{"importance": 4, "satisfaction": 2}})), http.StatusCreated)

	r.load("results", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/results", base, id)))
	r.load("compare roles", chromedp.Click(css(`a[href$="segment_by=role#comparison"]`)))
	// O02 is asked of executors only, O03 of decision-makers only: each is
	// not asked of the three other roles.
	if n := r.count(`#comparison .not-asked`); n != 6 {
		t.Errorf("%d cells say not asked, want 6", n)
	}
	if !strings.Contains(r.text(`#comparison`), "n = 2") {
		t.Errorf("no n per cell: %s", r.text(`#comparison`))
	}
	screenshots(t, r.ctx, "avatars-compare-roles")

	// The heat map alone, to read: a full page is too tall to see it.
	for _, w := range []int64{390, 1280} {
		r.must("viewport", chromedp.Do(r.ctx, chromedp.EmulateViewport(w, 800)))
		r.screenshotOf("avatars-comparison", `#comparison`, w)
	}

	// The editor of a draft: the role question form, and an outcome's boxes.
	draft := newStudy(t, c, "Avatars draft")
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/questions", draft), `{"template": "role"}`), http.StatusCreated)
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/outcomes", draft),
		map[string]any{"statement": "Minimize the time it takes to approve a purchase", "roles": []string{roleBuyer}}), http.StatusCreated)
	r.load("questions tab", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/questions", base, draft)))
	picked, err := chromedp.Run(r.ctx, chromedp.Value(css(`#role_question`)))
	r.must("read the role question", err)
	if picked != "role" {
		t.Errorf("role question selected: %q", picked)
	}
	screenshots(t, r.ctx, "avatars-questions-tab")
	r.load("outcomes tab", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/outcomes", base, draft)))
	_, err = chromedp.Run(r.ctx, chromedp.Evaluate[bool](`document.querySelector('details.o-edit').open = true`))
	r.must("open the edit form", err)
	if n := r.count(`fieldset.roles input[type=checkbox]`); n != 4 {
		t.Errorf("%d role boxes, want the 4 avatars", n)
	}
	screenshots(t, r.ctx, "avatars-outcomes-tab")
}
