package app

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"odi/surveys"
)

// surveySteps are the job steps a rated test study spreads its outcomes over.
var surveySteps = []string{"Define", "Locate", "Prepare", "Execute", "Monitor"}

// surveyStudy publishes a study with n outcomes spread evenly over the first
// steps of surveySteps, plus the given questions (JSON) and study settings.
func surveyStudy(t *testing.T, c *client, n, steps int, settings string, questions ...string) (int64, string) {
	t.Helper()
	id := newStudy(t, c, "Team knowledge")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	if settings != "" {
		wantStatus(t, c.send("PATCH", base, settings), http.StatusOK)
	}
	for i := range n {
		step := surveySteps[i*steps/n]
		st := fmt.Sprintf("Minimize the time it takes to find decision number %d made by the team", i+1)
		wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": st, "step": step}), http.StatusCreated)
	}
	for _, q := range questions {
		wantStatus(t, c.send("POST", base+"/questions", q), http.StatusCreated)
	}
	return id, publish(t, c, base)
}

// surveyRespondent answers a survey the way a browser without JavaScript does.
type surveyRespondent struct {
	*client
	t    *testing.T
	slug string
}

func newSurveyRespondent(t *testing.T, s *Server, slug string) *surveyRespondent {
	return &surveyRespondent{client: newClient(t, s), t: t, slug: slug}
}

var (
	surveySIDField = regexp.MustCompile(`name="sid" value="([^"]+)"`)
	surveyHidden   = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// start opens the link and presses Start; it returns the first step's page.
func (r *surveyRespondent) start(query string) reply {
	r.t.Helper()
	page := r.get("/s/" + r.slug + query)
	wantStatus(r.t, page, http.StatusOK)
	m := surveySIDField.FindStringSubmatch(page.body)
	if m == nil {
		r.t.Fatalf("welcome page has no submission id: %s", page.body)
	}
	// The welcome page's hidden inputs (the invitation, the panel link) go
	// along, as a browser sends them.
	v := url.Values{}
	for _, in := range surveyHidden.FindAllStringSubmatch(page.body, -1) {
		v.Set(in[1], html.UnescapeString(in[2]))
	}
	v.Set("p", "0")
	v.Set("go", "next")
	return r.follow(r.postForm("/s/"+r.slug, v))
}

// step posts page p with the answers in v and follows the redirect.
func (r *surveyRespondent) step(p int, v url.Values) reply {
	r.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("p", strconv.Itoa(p))
	if v.Get("go") == "" {
		v.Set("go", "next")
	}
	return r.follow(r.postForm("/s/"+r.slug, v))
}

func (r *surveyRespondent) follow(res reply) reply {
	r.t.Helper()
	if res.status != http.StatusSeeOther {
		return res
	}
	return r.get(res.header.Get("Location"))
}

func (r *surveyRespondent) token() string { return r.cookies[resumeCookie] }

var surveyRatingName = regexp.MustCompile(`name="i\.(O\d+)" value="1"`)

// codes lists the outcomes on a page, in the order shown.
func shownCodes(page string) []string {
	var out []string
	for _, m := range surveyRatingName.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// rateShown answers every outcome on page: importance from imp, satisfaction 6 - it.
func rateShown(page string, imp func(code string) int) url.Values {
	v := url.Values{}
	for _, code := range shownCodes(page) {
		v.Set("i."+code, strconv.Itoa(imp(code)))
		v.Set("s."+code, strconv.Itoa(6-imp(code)))
	}
	return v
}

func wantPage(t *testing.T, r reply, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Fatalf("page (status %d) lacks %q:\n%s", r.status, p, r.body)
		}
	}
}

func TestSurveyPageCompletesWithoutJavaScript(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := publishedStudy(t, s, c)
	en := surveys.Messages["en"]
	r := newSurveyRespondent(t, s, slug)

	welcome := r.get("/s/" + slug)
	wantStatus(t, welcome, http.StatusOK)
	wantPage(t, welcome, "<h1>Respondents</h1>", en["privacy"], "<p class=\"meta\">About ", ">Start<", `lang="en"`)
	if strings.Contains(welcome.body, "style=") || strings.Contains(welcome.body, "<script>") {
		t.Fatal("the page has inline style or script, which the CSP refuses")
	}

	screeners := r.start("")
	wantPage(t, screeners, "Do you use Slack?", "Page 1 of 4", "<progress")
	if r.token() == "" {
		t.Fatal("Start set no resume cookie")
	}
	profile := r.step(1, url.Values{"q.uses_slack": {"Yes"}})
	wantPage(t, profile, "Size?", "Seats?", "Recommend?", "Tools?", `type="checkbox"`, en["nps_high"])
	outcomes := r.step(2, url.Values{"q.company_size": {"small"}, "q.seats": {"12"}, "q.nps": {"9"}, "q.tools": {"Jira", "Slack"}})
	wantPage(t, outcomes, "<fieldset", "<legend>", en["imp5"], en["sat1"], en["importance"], "Page 3 of 4")
	shown := shownCodes(outcomes.body)
	if len(shown) != 2 {
		t.Fatalf("outcome page shows %v", shown)
	}
	forces := r.step(3, url.Values{"i.O01": {"5"}, "s.O01": {"2"}, "i.O02": {"4"}, "s.O02": {"1"}})
	wantPage(t, forces, surveys.DefaultForces.Push, en["forces_hint"], ">Finish<")
	token := r.token()
	done := r.step(4, url.Values{"f.push": {"8"}, "f.pull": {"7"}, "f.anxiety": {"3"}, "f.habit": {"2"}, "r": {token}})
	// The study sends respondents back to their panel.
	wantStatus(t, done, http.StatusOK)
	wantPage(t, done, en["thanks"], `http-equiv="refresh"`, "https://panel.example/done?pid=&amp;s=complete")

	resp := storedResponse(t, s, slug, token)
	if resp.Status != surveys.Complete || resp.Answers["tools"] != "Slack;Jira" || resp.Answers["seats"] != "12" || resp.Answers["nps"] != "9" {
		t.Fatalf("stored %s %v", resp.Status, resp.Answers)
	}
	if i, sa := resp.Rating(0); i != 5 || sa != 2 {
		t.Errorf("O01 stored as %d/%d", i, sa)
	}
	if i, sa := resp.Rating(1); i != 4 || sa != 1 {
		t.Errorf("O02 stored as %d/%d", i, sa)
	}
	if string(resp.Forces) != "\x08\x07\x03\x02" || !slices.Equal(resp.ItemOrder, shown) {
		t.Errorf("forces %v, order %v (shown %v)", resp.Forces, resp.ItemOrder, shown)
	}
	// The device forgets the finished response, so the next person to open
	// the link starts afresh; a repeated last post changes nothing.
	if r.token() != "" {
		t.Fatal("the resume cookie outlived the finished response")
	}
	wantPage(t, r.get("/s/"+slug), ">Start<")
	again := r.postForm("/s/"+slug, url.Values{"p": {"4"}, "go": {"next"}, "f.push": {"1"}, "r": {token}})
	if again.status != http.StatusSeeOther || again.header.Get("Location") != "/s/"+slug+"?end=thanks" {
		t.Fatalf("post after finishing: %d %s", again.status, again.header.Get("Location"))
	}
	wantPage(t, r.follow(again), en["thanks"], `data-slug="`+slug+`"`)
	if resp := storedResponse(t, s, slug, token); resp.Forces[0] != 8 {
		t.Errorf("the repeated post changed push to %d", resp.Forces[0])
	}
}

func TestSurveyPageRedrawsErrorsNextToEachField(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := publishedStudy(t, s, c)
	en := surveys.Messages["en"]
	r := newSurveyRespondent(t, s, slug)
	r.start("")

	// A required screener left empty.
	res := r.step(1, nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantPage(t, res, `role="alert"`, en["errors_banner"], `id="q-uses_slack-e"`, en["required"], `href="#q-uses_slack"`)

	r.step(1, url.Values{"q.uses_slack": {"Yes"}})
	// A number out of range keeps what was typed and says the range.
	res = r.step(2, url.Values{"q.seats": {"0"}, "q.company_size": {"small"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantPage(t, res, "Please enter a number from 1 to 500.", `value="0"`, `aria-invalid="true"`, `value="small" checked`)

	r.step(2, url.Values{"q.seats": {"3"}})
	// Ratings: each missing one is named next to its scale; given ones stay.
	res = r.step(3, url.Values{"i.O01": {"5"}, "s.O02": {"9"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantPage(t, res, `id="s-O01-e"`, `id="i-O02-e"`, `id="s-O02-e"`, `name="i.O01" value="5" checked`, `href="#o-O01"`)
	if strings.Contains(res.body, `id="i-O01-e"`) {
		t.Error("the given importance of O01 is reported missing")
	}
	if n := strings.Count(res.body, `class="err"`); n != 3 {
		t.Errorf("%d field errors, want 3", n)
	}
	// Back is allowed with the page half done, and keeps what was given.
	back := r.step(3, url.Values{"i.O01": {"5"}, "go": {"back"}})
	wantPage(t, back, "Seats?", `value="3"`)
	resp := storedResponse(t, s, slug, r.token())
	if i, _ := resp.Rating(0); i != 5 {
		t.Errorf("Back did not keep the importance of O01: %d", i)
	}
}

func TestSurveyPageScreenedOutEndsPolitely(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := surveyStudy(t, c, 3, 1, "",
		`{"key": "uses_slack", "text": "Do you use Slack?", "kind": "single", "options": ["Yes", "No"], "screen_out": ["No"], "required": true}`)
	en := surveys.Messages["en"]
	r := newSurveyRespondent(t, s, slug)
	r.start("")
	token := r.token()
	end := r.step(1, url.Values{"q.uses_slack": {"No"}})
	wantStatus(t, end, http.StatusOK)
	wantPage(t, end, en["screened_out"])
	if strings.Contains(end.body, "<form") {
		t.Fatal("the screened-out page still asks something")
	}
	resp := storedResponse(t, s, slug, token)
	if resp.Status != surveys.ScreenedOut {
		t.Fatalf("status %s", resp.Status)
	}
}

func TestSurveyPageClosedIs410AndUnknownIs404(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := surveyStudy(t, c, 2, 1, `{"language": "fr"}`)
	r := newSurveyRespondent(t, s, slug)
	wantPage(t, r.get("/s/"+slug), ">Commencer<", `lang="fr"`)
	r.start("")
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/close", id), nil), http.StatusOK)

	closed := r.get("/s/" + slug)
	wantStatus(t, closed, http.StatusGone)
	wantPage(t, closed, surveys.Messages["fr"]["closed"], "<h1>Team knowledge</h1>")
	wantStatus(t, r.step(1, url.Values{"i.O01": {"3"}}), http.StatusGone)

	missing := newClient(t, s).get("/s/no-such-survey")
	wantStatus(t, missing, http.StatusNotFound)
	wantPage(t, missing, surveys.Messages["en"]["not_found"])
	wantStatus(t, newClient(t, s).postForm("/s/no-such-survey", url.Values{"p": {"0"}}), http.StatusNotFound)
}

func TestSurveyPageResumesByCookieAndByLink(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := surveyStudy(t, c, 6, 3, "",
		`{"key": "role", "text": "Your role?", "kind": "single", "options": ["Dev", "Ops"], "required": true}`)
	r := newSurveyRespondent(t, s, slug)
	r.start("")
	first := r.step(1, url.Values{"q.role": {"Ops"}})
	wantPage(t, first, "<h1>Getting ready</h1>") // the step Define, in plain words
	half := shownCodes(first.body)
	r.step(2, url.Values{"i." + half[0]: {"4"}, "s." + half[0]: {"2"}, "i." + half[1]: {"5"}, "s." + half[1]: {"1"}})
	second := r.get("/s/" + slug + "?p=3")
	wantPage(t, second, "<h1>Finding what you need</h1>")
	// Half of the Locate step is answered, then the tab closes.
	loc := shownCodes(second.body)
	wantStatus(t, r.postForm("/s/"+slug, url.Values{"p": {"3"}, "go": {"back"}, "i." + loc[0]: {"3"}}), http.StatusSeeOther)

	// The same browser (cookie) comes back to the first unfinished step.
	again := r.get("/s/" + slug)
	wantPage(t, again, "<h1>Finding what you need</h1>", `name="i.`+loc[0]+`" value="3" checked`, "Saved")
	if !slices.Equal(shownCodes(again.body), loc) {
		t.Errorf("order changed on resume: %v then %v", loc, shownCodes(again.body))
	}
	// Steps already done can be revisited; later ones cannot be skipped to.
	wantPage(t, r.get("/s/"+slug+"?p=1"), `value="Ops" checked`)
	wantPage(t, r.get("/s/"+slug+"?p=4"), "<h1>Finding what you need</h1>")

	// Another device with the resume link, and the link it offers.
	token := r.token()
	wantPage(t, again, "http://odi.test/s/"+slug+"?r="+token)
	other := newSurveyRespondent(t, s, slug)
	byLink := other.get("/s/" + slug + "?r=" + url.QueryEscape(token))
	wantPage(t, byLink, "<h1>Finding what you need</h1>", `data-token="`+token+`"`)
	if other.token() != token {
		t.Fatal("the resume link did not set the cookie")
	}
	// A stranger starts afresh; a bad token is dropped.
	wantPage(t, newSurveyRespondent(t, s, slug).get("/s/"+slug), ">Start<")
	stale := newSurveyRespondent(t, s, slug).get("/s/" + slug + "?r=nope")
	wantPage(t, stale, ">Start<", `data-stale="1"`)
	// A dead link does not lose progress the cookie still finds.
	wantPage(t, r.get("/s/"+slug+"?r=nope"), "<h1>Finding what you need</h1>", `data-stale="1"`, `data-token="`+token+`"`)

	// Finishing from the other device.
	p := 3
	page := byLink
	for !strings.Contains(page.body, `class="end`) {
		page = other.step(p, rateShown(page.body, func(string) int { return 4 }))
		p++
	}
	resp := storedResponse(t, s, slug, token)
	if resp.Status != surveys.Complete {
		t.Fatalf("status %s after %d steps", resp.Status, p)
	}
	if n := countResponses(t, s); n != 1 {
		t.Fatalf("%d responses stored, want 1", n)
	}
}

func TestSurveyOutcomeOrderIsPerRespondentWithinSteps(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := surveyStudy(t, c, 30, 5, "")
	var orders [][]string
	for range 2 {
		r := newSurveyRespondent(t, s, slug)
		r.start("")
		resp := storedResponse(t, s, slug, r.token())
		if len(resp.ItemOrder) != 30 {
			t.Fatalf("stored order %v", resp.ItemOrder)
		}
		for i, code := range resp.ItemOrder {
			n, _ := strconv.Atoi(code[1:])
			if (n-1)/6 != i/6 {
				t.Fatalf("%s shown in step %d: order %v", code, i/6, resp.ItemOrder)
			}
		}
		page := r.get("/s/" + slug + "?p=1")
		if !slices.Equal(shownCodes(page.body), resp.ItemOrder[:6]) || !slices.Equal(shownCodes(r.get("/s/"+slug).body), resp.ItemOrder[:6]) {
			t.Fatalf("page shows %v, stored %v", shownCodes(page.body), resp.ItemOrder[:6])
		}
		page = r.step(1, rateShown(page.body, func(string) int { return 2 }))
		if !slices.Equal(shownCodes(page.body), resp.ItemOrder[6:12]) {
			t.Fatalf("second step shows %v, stored %v", shownCodes(page.body), resp.ItemOrder[6:12])
		}
		orders = append(orders, resp.ItemOrder)
	}
	if slices.Equal(orders[0], orders[1]) {
		t.Fatal("two respondents saw the same order")
	}
}

func TestSurveyInvitationLinkIsSingleUse(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := surveyStudy(t, c, 2, 1, "")
	var invs struct {
		Invitations []struct{ Token string } `json:"invitations"`
	}
	c.send("POST", fmt.Sprintf("/api/v1/studies/%d/invitations", id), map[string]any{"external_ids": []string{"panel-9"}}).json(t, &invs)
	q := "?i=" + invs.Invitations[0].Token
	r := newSurveyRespondent(t, s, slug)
	r.start(q)
	resp := storedResponse(t, s, slug, r.token())
	if resp.Source != surveys.SourceInvite || resp.ExternalID != "panel-9" {
		t.Fatalf("source %s, panel id %q", resp.Source, resp.ExternalID)
	}
	used := newSurveyRespondent(t, s, slug).start(q)
	wantStatus(t, used, http.StatusConflict)
	wantPage(t, used, surveys.Messages["en"]["invitation_used"])
	bad := newSurveyRespondent(t, s, slug).start("?i=nope")
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantPage(t, bad, surveys.Messages["en"]["invitation_invalid"])
}

func TestSurveyPreviewStoresNothing(t *testing.T) {
	s, c := researcherServer(t)
	id := newStudy(t, c, "Draft study")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.send("PATCH", base, `{"four_forces": true}`), http.StatusOK)
	for _, st := range []string{"Minimize the time it takes to find a decision", "Minimize the likelihood of losing a spec"} {
		wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": st}), http.StatusCreated)
	}
	wantStatus(t, c.send("POST", base+"/questions", `{"key": "role", "text": "Your role?", "kind": "single", "options": ["Dev", "Ops"], "required": true}`), http.StatusCreated)
	preview := fmt.Sprintf("/studies/%d/preview", id)
	banner := surveys.Messages["en"]["preview"]

	page := c.get(preview)
	wantStatus(t, page, http.StatusOK)
	wantPage(t, page, banner, "<h1>Draft study</h1>", `method="get"`, `data-preview="1"`)
	// Next checks a page's required answers as the live survey does; Back
	// does not; answers are not kept.
	page = c.get(preview + "?p=0&go=next")
	wantPage(t, page, banner, "Your role?")
	refused := c.get(preview + "?p=1&go=next")
	wantStatus(t, refused, http.StatusUnprocessableEntity)
	wantPage(t, refused, `id="errors"`, "Your role?", surveys.Messages["en"]["required"])
	page = c.get(preview + "?p=1&go=next&q.role=Dev")
	wantPage(t, page, "Minimize the time it takes to find a decision", `name="i.O01"`)
	wantStatus(t, c.get(preview+"?p=2&go=next&i.O01=4&s.O01=2"), http.StatusUnprocessableEntity)
	page = c.get(preview + "?p=2&go=next&i.O01=4&s.O01=2&i.O02=5&s.O02=1")
	wantPage(t, page, surveys.DefaultForces.Habit)
	wantPage(t, c.get(preview+"?p=2&go=back"), "Your role?")
	end := c.get(preview + "?p=3&go=next&f.push=7&f.pull=8&f.anxiety=3&f.habit=5")
	wantPage(t, end, banner, surveys.Messages["en"]["thanks"])

	if n := countResponses(t, s); n != 0 {
		t.Fatalf("preview stored %d responses", n)
	}
	// Only the study's people may preview it.
	other := api(t, s, "other@example.com", "researcher")
	wantStatus(t, other.get(preview), http.StatusNotFound)
	wantStatus(t, newClient(t, s).do("GET", preview, "", ""), http.StatusFound)
}

// TestSurveyPageWeighsUnder100KB measures what a surveyRespondent's browser fetches
// on first load (page, stylesheet, script) for a 30-outcome study, also for
// the heaviest step: all 30 outcomes on one page.
func TestSurveyPageWeighsUnder100KB(t *testing.T) {
	s, c := researcherServer(t)
	anon := newClient(t, s)
	assets := 0
	for _, path := range []string{"/static/survey.css", "/static/survey.js"} {
		res := anon.get(path)
		wantStatus(t, res, http.StatusOK)
		assets += len(res.body)
	}
	for _, steps := range []int{5, 1} {
		_, slug := surveyStudy(t, c, 30, steps, "",
			`{"template": "company_size"}`, `{"key": "nps", "text": "How likely are you to recommend us?", "kind": "nps"}`)
		r := newSurveyRespondent(t, s, slug)
		welcome := r.get("/s/" + slug)
		r.start("")
		r.step(1, url.Values{"q.company_size": {"1-9"}})
		heaviest := 0
		for p := 2; p <= 1+steps; p++ {
			page := r.get(fmt.Sprintf("/s/%s?p=%d", slug, p))
			if len(shownCodes(page.body)) == 0 {
				t.Fatalf("step %d shows no outcome", p)
			}
			heaviest = max(heaviest, len(page.body))
			r.step(p, rateShown(page.body, func(string) int { return 3 }))
		}
		first := len(welcome.body) + assets
		step := heaviest + assets
		t.Logf("30 outcomes in %d step(s): first load %d bytes (page %d + css/js %d); heaviest step %d bytes", steps, first, len(welcome.body), assets, step)
		if first >= 100_000 || step >= 100_000 {
			t.Fatalf("page weight over 100 KB: first load %d, heaviest step %d", first, step)
		}
	}
}

var (
	attentionRadios = regexp.MustCompile(`name="attention" value="(\d)"`)
	attentionItem   = regexp.MustCompile(`id="attention-check" data-check="(\d)"`)
)

// TestSurveyPageAttentionChecks: a study of three checks puts them on three
// different outcome pages, each at a place of the respondent's own that
// stays put when the page is drawn again; all three right leave the
// finished response unflagged, one wrong flags it, and a check is asked
// like any rating.
func TestSurveyPageAttentionChecks(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := attentionStudy(t, s, c, 10, 4, 3)
	en := surveys.Messages["en"]
	instruction := fmt.Sprintf(en["attention"], en["imp2"])

	// finish answers every outcome as surveyAnswer says and check i with
	// choose[i]; it returns where the checks were, in the order met.
	finish := func(choose [3]string) (places []string, flags []string) {
		r := newSurveyRespondent(t, s, slug)
		page := r.start("")
		token := r.token()
		pages := map[int]bool{}
		for p := 1; !strings.Contains(page.body, `class="end`); p++ {
			v := rateShown(page.body, func(code string) int { imp, _ := surveyAnswer(code); return imp })
			if m := attentionItem.FindStringSubmatch(page.body); m != nil {
				wantPage(t, page, instruction, `<legend><span class="vh">`+instruction)
				if n := len(attentionRadios.FindAllString(page.body, -1)); n != 5 {
					t.Fatalf("the check offers %d choices", n)
				}
				// Where it sits: the page, and the outcomes before it.
				before := shownCodes(page.body[:strings.Index(page.body, `id="attention-check"`)])
				places = append(places, fmt.Sprintf("check %s on page %d after %v", m[1], p, before))
				pages[p] = true
				again := r.get(fmt.Sprintf("/s/%s?p=%d", slug, p))
				if am := attentionItem.FindStringSubmatch(again.body); am == nil || am[1] != m[1] ||
					!slices.Equal(shownCodes(again.body[:strings.Index(again.body, `id="attention-check"`)]), before) {
					t.Fatal("the check moved when the page was drawn again")
				}
				// Left unanswered, it is named like a rating.
				res := r.step(p, v)
				wantStatus(t, res, http.StatusUnprocessableEntity)
				wantPage(t, res, `id="attention-e"`, en["rating"], `href="#attention-check"`)
				i, _ := strconv.Atoi(m[1])
				v.Set("attention", choose[i])
			}
			page = r.step(p, v)
		}
		if len(pages) != len(places) {
			t.Fatalf("two checks on one page: %v", places)
		}
		resp, err := s.fieldwork.Resume(t.Context(), slug, token)
		if err != nil || resp.Status != surveys.Complete {
			t.Fatalf("response %+v: %v", resp, err)
		}
		// Test respondents answer in milliseconds, all alike, from one
		// address: leave speeding and duplicates aside.
		return places, slices.DeleteFunc(reviewedFlags(t, c, id, resp.RespondentID), func(f string) bool {
			return f == surveys.FlagSpeeding || f == surveys.FlagDuplicate
		})
	}
	seen := map[string]bool{}
	for range 4 {
		places, flags := finish([3]string{"2", "2", "2"})
		if len(places) != 3 {
			t.Fatalf("%d checks asked, want 3: %v", len(places), places)
		}
		if len(flags) != 0 {
			t.Fatalf("the right answers flagged %v", flags)
		}
		seen[strings.Join(places, "; ")] = true
	}
	if len(seen) < 2 {
		t.Errorf("four respondents all had the checks at %v", seen)
	}
	for i := range 3 {
		choose := [3]string{"2", "2", "2"}
		choose[i] = "4"
		if _, flags := finish(choose); !slices.Equal(flags, []string{surveys.FlagAttention}) {
			t.Fatalf("check %d wrong flagged %v", i+1, flags)
		}
	}
}

// TestSurveyPageInvitationWinsOverTheDevice: on a shared computer, an
// invitation link starts its own person's survey rather than continuing the
// response this browser holds; the invited person's own link continues theirs.
func TestSurveyPageInvitationWinsOverTheDevice(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := surveyStudy(t, c, 2, 1, "",
		`{"key": "role", "text": "Your role?", "kind": "single", "options": ["Dev", "Ops"], "required": true}`)
	var invs struct {
		Invitations []struct{ Token string } `json:"invitations"`
	}
	c.send("POST", fmt.Sprintf("/api/v1/studies/%d/invitations", id), map[string]any{"external_ids": []string{"panel-1", "panel-2"}}).json(t, &invs)
	device := newSurveyRespondent(t, s, slug)
	device.start("")
	first := device.token()

	// Someone else's invitation on this device: a fresh welcome, and Start
	// makes their response, not a step of the one the cookie holds.
	welcome := device.get("/s/" + slug + "?i=" + invs.Invitations[0].Token)
	wantPage(t, welcome, ">Start<", `name="i" value="`+invs.Invitations[0].Token+`"`)
	if strings.Contains(welcome.body, `data-token=`) {
		t.Fatal("the invitation's welcome carries the other response's token")
	}
	// A resume token that is not the invitation's is forgotten by survey.js.
	wantPage(t, device.get("/s/"+slug+"?i="+invs.Invitations[0].Token+"&r="+url.QueryEscape(first)), ">Start<", `data-stale="1"`)
	page := device.start("?i=" + invs.Invitations[0].Token)
	wantPage(t, page, "Your role?")
	invited := device.token()
	resp, err := s.fieldwork.Resume(t.Context(), slug, invited)
	if err != nil || invited == first || resp.ExternalID != "panel-1" {
		t.Fatalf("invited response %+v (%v), token %q after %q", resp, err, invited, first)
	}
	// The same invitation opened again continues its response.
	wantPage(t, device.get("/s/"+slug+"?i="+invs.Invitations[0].Token), "Your role?", `data-token="`+invited+`"`)
	wantPage(t, device.get("/s/"+slug+"?i="+invs.Invitations[1].Token), ">Start<")
}

// TestSurveyPageInFrench: odi's own default texts — job step names, the
// four forces — are French in a French survey; the researcher's own stay.
func TestSurveyPageInFrench(t *testing.T) {
	s, c := researcherServer(t)
	id := newStudy(t, c, "Équipe")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.send("PATCH", base, `{"language": "fr", "four_forces": true, "forces_wording": {"habit": "Mon habitude ?"}}`), http.StatusOK)
	for _, step := range []string{"Define", "Locate"} {
		wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": "Minimize the time it takes to " + step, "step": step}), http.StatusCreated)
	}
	// The researcher titles the first step for respondents.
	var d surveys.Design
	c.send("GET", base, nil).json(t, &d)
	wantStatus(t, c.send("PATCH", fmt.Sprintf("%s/steps/%d", base, d.Steps[0].ID), `{"title": "Pour bien commencer"}`), http.StatusOK)
	slug := publish(t, c, base)
	r := newSurveyRespondent(t, s, slug)
	wantPage(t, r.start(""), "<h1>Pour bien commencer</h1>", ">Suivant<", ">Retour<")
	r.step(1, rateShown(r.get("/s/"+slug+"?p=1").body, func(string) int { return 3 }))
	forces := r.step(2, rateShown(r.get("/s/"+slug+"?p=2").body, func(string) int { return 3 }))
	wantPage(t, forces, "Dans quelle mesure votre façon actuelle de faire vous frustre-t-elle", "Mon habitude ?", ">Terminer<")
	if strings.Contains(forces.body, surveys.DefaultForces.Push) {
		t.Fatal("the French survey shows the English default of push")
	}
}

// TestSurveyPageKeyboardOrderAndSavedIndicator: Back comes before Next in
// the page as on the screen, Enter still means Next, and "Saved" is not
// claimed before anything is answered.
func TestSurveyPageKeyboardOrderAndSavedIndicator(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := surveyStudy(t, c, 2, 1, "",
		`{"key": "role", "text": "Your role?", "kind": "single", "options": ["Dev", "Ops"], "required": true}`)
	r := newSurveyRespondent(t, s, slug)
	first := r.start("")
	nav := first.body[strings.Index(first.body, `<div class="nav">`):]
	if b, n := strings.Index(nav, `value="back"`), strings.Index(nav, `value="next"`); b < 0 || n < 0 || b > n {
		t.Fatalf("Back at %d, Next at %d in %s", b, n, nav)
	}
	// The form's first submit button, which Enter presses, is a hidden Next.
	form := first.body[strings.Index(first.body, "<form"):]
	if strings.Index(form, "<button") != strings.Index(form, `<button class="vh" tabindex="-1" aria-hidden="true">`) {
		t.Fatal("the form's first button is not the hidden Next")
	}
	if strings.Contains(first.body, `role="status" data-msg="Saved">Saved<`) {
		t.Fatal(`"Saved" shows before anything is answered`)
	}
	// A form posted by Enter carries no go=: it moves on.
	next := r.follow(r.postForm("/s/"+slug, url.Values{"p": {"1"}, "q.role": {"Dev"}}))
	wantPage(t, next, "Minimize the time it takes to find decision number 1")
	wantPage(t, r.get("/s/"+slug+"?p=1"), `role="status" data-msg="Saved">Saved<`)
}

// TestRespondentErrorPage: an error on a respondent's page is drawn in the
// survey's layout and language, with a way back to the survey.
func TestRespondentErrorPage(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := surveyStudy(t, c, 2, 1, `{"language": "fr"}`)
	fr := surveys.Messages["fr"]
	draw := func(path string, code int) (bool, int, string) {
		fctx := &fasthttp.RequestCtx{}
		fctx.Request.SetRequestURI(path)
		ctx := s.App().AcquireCtx(fctx)
		defer s.App().ReleaseCtx(ctx)
		ok, err := s.respondentError(ctx, code, "req-1")
		if err != nil {
			t.Fatal(err)
		}
		return ok, fctx.Response.StatusCode(), string(fctx.Response.Body())
	}
	for _, tc := range []struct {
		code int
		want []string
	}{
		{http.StatusTooManyRequests, []string{template.HTMLEscapeString(fr["error_429"])}},
		{http.StatusBadRequest, []string{template.HTMLEscapeString(fr["error_400"])}},
		{http.StatusInternalServerError, []string{template.HTMLEscapeString(fr["error_500"]), "Référence\u00a0: req-1"}},
	} {
		ok, status, body := draw("/s/"+slug, tc.code)
		if !ok || status != tc.code {
			t.Fatalf("%d: drawn %v with status %d", tc.code, ok, status)
		}
		wantPage(t, reply{status: status, body: body}, append(tc.want, `lang="fr"`, "<h1>Team knowledge</h1>",
			`href="/s/`+slug+`"`, template.HTMLEscapeString(fr["back_to_survey"]), "/static/survey.css")...)
		if strings.Contains(body, "data-slug") || strings.Contains(body, "Back to odi") {
			t.Fatalf("%d: %s", tc.code, body)
		}
	}
	if ok, _, body := draw("/s/no-such-survey", http.StatusTooManyRequests); !ok || !strings.Contains(body, surveys.Messages["en"]["error_429"]) {
		t.Fatalf("an unknown survey's error in English: %v %s", ok, body)
	}
	if ok, _, _ := draw("/studies/1", http.StatusInternalServerError); ok {
		t.Fatal("a researcher's page got the respondent's error page")
	}
}
