package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
)

// The access matrix: every route of routeTable × every kind of caller, with the
// expected answer worked out from the route's access level and the shape of
// its path. A new route needs no new line here unless its path names a kind of
// resource the matrix does not know, and then the test fails saying so.

// accessWorld is one server with the people the matrix calls as.
type accessWorld struct {
	t                      *testing.T
	s                      *Server
	owner, stranger, admin *surveys.User
	tokens                 map[string]string // user email -> API token
}

// accessFixture is one published study of the owner's with one of everything
// a path can name.
type accessFixture struct {
	studyID, stepID, outcomeID, shareID, tokenID int64
	slug, questionKey, respondentID              string
	resumeToken, shareToken                      string
}

func newAccessWorld(t *testing.T) *accessWorld {
	s := newTestServer(t)
	w := &accessWorld{t: t, s: s, tokens: map[string]string{}}
	w.owner = mustUser(t, s, "owner@example.com", surveys.RoleResearcher)
	w.stranger = mustUser(t, s, "stranger@example.com", surveys.RoleResearcher)
	w.admin = mustUser(t, s, "admin@example.com", surveys.RoleAdmin)
	for _, u := range []*surveys.User{w.owner, w.stranger, w.admin} {
		w.tokens[u.Email] = mustToken(t, s, u)
	}
	return w
}

func (w *accessWorld) fixture() *accessFixture {
	t, ctx, st := w.t, context.Background(), w.s.store
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := &accessFixture{questionKey: "size"}
	name, stepName, stmt := "Access matrix", "Plan", "Minimize the time it takes to plan the work"
	study, err := st.CreateStudy(ctx, w.owner, surveys.StudyInput{Name: &name})
	must(err)
	f.studyID = study.ID
	step, err := st.AddStep(ctx, w.owner, f.studyID, surveys.StepInput{Name: &stepName})
	must(err)
	f.stepID = step.ID
	o, err := st.AddOutcome(ctx, w.owner, f.studyID, surveys.OutcomeInput{Statement: &stmt, Step: &stepName})
	must(err)
	f.outcomeID = o.ID
	_, err = st.AddQuestion(ctx, w.owner, f.studyID, surveys.QuestionInput{Key: f.questionKey, Text: "Size?", Kind: surveys.KindSingle,
		Options: []string{"small", "large"}, Segment: true})
	must(err)
	study, err = st.Publish(ctx, w.owner, f.studyID)
	must(err)
	f.slug = *study.Slug
	res, _, err := st.Submit(ctx, f.slug, surveys.Submission{SubmissionID: uuid.NewString(),
		Answers: map[string]any{"size": "small"}, Ratings: map[string]any{o.Code: map[string]any{"importance": 4.0}}})
	must(err)
	f.respondentID, f.resumeToken = res.RespondentID, res.ResumeToken
	tok, sh, err := st.CreateShare(ctx, w.owner, f.studyID, surveys.ShareInput{})
	must(err)
	f.shareID, f.shareToken = sh.ID, tok
	_, spare, err := st.CreateToken(ctx, w.owner.ID, "spare")
	must(err)
	f.tokenID = spare.ID
	return f
}

// paramValue is what the matrix puts in place of a path parameter, chosen by
// its name and the path before it. Anything it does not know is an error, so
// a route naming a new kind of resource cannot slip through unchecked.
func paramValue(path, param string, f *accessFixture) (value string, owned scope, err error) {
	before := path[:strings.Index(path, param)]
	switch {
	case param == ":id" && (before == "/api/v1/studies/" || before == "/studies/"):
		return itoa(f.studyID), ofStudy, nil
	case param == ":id" && before == "/settings/tokens/":
		return itoa(f.tokenID), personal, nil
	case param == ":step_id" && strings.HasSuffix(before, "/steps/"):
		return itoa(f.stepID), ofStudy, nil
	case param == ":outcome_id" && strings.HasSuffix(before, "/outcomes/"):
		return itoa(f.outcomeID), ofStudy, nil
	case param == ":key" && strings.HasSuffix(before, "/questions/"):
		return f.questionKey, ofStudy, nil
	case param == ":respondent_id" && strings.HasSuffix(before, "/responses/"):
		return url.PathEscape(f.respondentID), ofStudy, nil
	case param == ":share_id" && strings.HasSuffix(before, "/shares/"):
		return itoa(f.shareID), ofStudy, nil
	case param == ":slug" && (before == "/api/v1/s/" || before == "/s/"):
		return f.slug, anyone, nil
	case param == ":token" && before == "/api/v1/s/:slug/responses/":
		return f.resumeToken, anyone, nil
	case param == ":token" && before == "/r/":
		return f.shareToken, anyone, nil
	case param == "*" && before == "/static/":
		return "odi.css", anyone, nil
	}
	return "", anyone, fmt.Errorf("path parameter %s in %s has no rule in paramValue (access_test.go): say what it names", param, path)
}

var pathParam = regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*[?+]?(<[^>]*>)?|\*`)

// scope is whose a thing named in a path is.
type scope int

const (
	anyone   scope = iota // a public link: a slug, a token handed out
	ofStudy               // in the owner's study: the owner, collaborators and admins
	personal              // the owner's own (an API token): nobody else, admins included
)

// concrete fills a route's path from a fixture and says whose the most
// private thing it names is.
func concrete(path string, f *accessFixture) (string, scope, error) {
	owned := anyone
	var firstErr error
	out := pathParam.ReplaceAllStringFunc(path, func(p string) string {
		if strings.ContainsAny(p, "?+<") {
			if firstErr == nil {
				firstErr = fmt.Errorf("path parameter %s in %s: optional and constrained parameters have no rule in paramValue", p, path)
			}
			return p
		}
		v, o, err := paramValue(path, p, f)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		owned = max(owned, o)
		return v
	})
	return out, owned, firstErr
}

// caller is one kind of visitor.
type caller struct {
	name   string
	kind   string // "outsider" (no account), "stranger", "owner", "admin"
	bearer func(w *accessWorld, f *accessFixture) string
	cookie func(f *accessFixture) *http.Cookie
}

var callers = []caller{
	{name: "anonymous", kind: "outsider"},
	{name: "respondent (resume token)", kind: "outsider",
		bearer: func(_ *accessWorld, f *accessFixture) string { return f.resumeToken },
		cookie: func(f *accessFixture) *http.Cookie { return &http.Cookie{Name: resumeCookie, Value: f.resumeToken} }},
	{name: "share holder (token as bearer)", kind: "outsider",
		bearer: func(_ *accessWorld, f *accessFixture) string { return f.shareToken }},
	{name: "share holder (no credentials)", kind: "outsider"},
	{name: "researcher, not a collaborator", kind: "stranger",
		bearer: func(w *accessWorld, _ *accessFixture) string { return w.tokens[w.stranger.Email] }},
	{name: "owner", kind: "owner",
		bearer: func(w *accessWorld, _ *accessFixture) string { return w.tokens[w.owner.Email] }},
	{name: "admin", kind: "admin",
		bearer: func(w *accessWorld, _ *accessFixture) string { return w.tokens[w.admin.Email] }},
}

// outcome classes.
const (
	wantAllowed = "allowed"      // reaches the handler: not 401/403/404, not a login redirect, not 5xx
	wantAnswers = "answers"      // not 401, not a login redirect, not 5xx (public pages may 404 a bad token)
	wantCSRF    = "csrf refused" // 403
	wantUnauth  = "unauthorised" // 401 (API, or any bearer) or a redirect to /login (pages)
	wantHidden  = "not found"    // 404
	wantOK      = "2xx"          // a public page or API with live values in its path
	wantNo5xx   = "no 5xx"       // whatever the handler decides, short of failing
)

// expect is the matrix's rule.
func expect(rt route, c caller, owned scope) string {
	hasBearer := c.bearer != nil
	switch rt.access {
	case public:
		if rt.method == "GET" {
			return wantOK // every path parameter is filled with a live value
		}
		return wantAnswers
	case form:
		switch {
		case rt.method == "GET":
			return wantAnswers
		case hasBearer: // exempt from CSRF, as scripts are; then the form decides (a login fails: 401)
			return wantNo5xx
		}
		return wantCSRF
	case researcher:
		switch c.kind {
		case "outsider":
			return wantUnauth
		case "stranger":
			if owned != anyone {
				return wantHidden
			}
		case "admin":
			if owned == personal {
				return wantHidden
			}
		}
		return wantAllowed
	case admin:
		switch c.kind {
		case "outsider":
			return wantUnauth
		case "stranger", "owner":
			return wantHidden
		}
		return wantAllowed
	}
	panic(fmt.Sprintf("route %s %s: access level %d has no rule in expect (access_test.go)", rt.method, rt.path, rt.access))
}

func loginRedirect(r reply) bool {
	return r.status >= 300 && r.status < 400 && strings.HasPrefix(r.header.Get("Location"), "/login?next=")
}

func meets(class string, r reply, api, hasBearer bool) bool {
	switch class {
	case wantAllowed:
		return r.status < 500 && r.status != 401 && r.status != 403 && r.status != 404 && !loginRedirect(r)
	case wantAnswers:
		return r.status < 500 && r.status != 401 && !loginRedirect(r)
	case wantCSRF:
		return r.status == 403
	case wantUnauth:
		if api || hasBearer {
			return r.status == 401
		}
		return loginRedirect(r)
	case wantHidden:
		return r.status == 404
	case wantOK:
		return r.status >= 200 && r.status < 300
	case wantNo5xx:
		return r.status < 500
	}
	return false
}

// call makes one request as c, with an empty body of the kind the route takes.
func (w *accessWorld) call(rt route, path string, c caller, f *accessFixture) reply {
	cl := newClient(w.t, w.s)
	if c.bearer != nil {
		cl.bearer = c.bearer(w, f)
	}
	if c.cookie != nil {
		ck := c.cookie(f)
		cl.cookies[ck.Name] = ck.Value
	}
	api := strings.HasPrefix(rt.path, "/api/")
	switch {
	case rt.method == "GET" || rt.method == "DELETE":
		return cl.do(rt.method, path, "", "", "Accept", "text/html")
	case api:
		return cl.do(rt.method, path, "application/json", "{}")
	default:
		return cl.do(rt.method, path, "application/x-www-form-urlencoded", "", "Accept", "text/html")
	}
}

func TestAccessMatrix(t *testing.T) {
	w := newAccessWorld(t)
	shared := w.fixture()
	routes := w.s.routeTable()
	passed, failed := 0, 0
	for _, rt := range routes {
		if _, _, err := concrete(rt.path, shared); err != nil {
			t.Errorf("%s %s: %v", rt.method, rt.path, err)
			continue
		}
		for _, c := range callers {
			// A caller who gets in may change things (delete the study, revoke
			// the token), so each such cell gets its own fixture.
			f := shared
			class := expect(rt, c, ofStudy)
			if rt.method != "GET" && class != wantUnauth && class != wantHidden && class != wantCSRF {
				f = w.fixture()
			}
			path, owned, _ := concrete(rt.path, f)
			class = expect(rt, c, owned)
			r := w.call(rt, path, c, f)
			if meets(class, r, strings.HasPrefix(rt.path, "/api/"), c.bearer != nil) {
				passed++
				continue
			}
			failed++
			body := r.body
			if len(body) > 200 {
				body = body[:200] + "…"
			}
			t.Errorf("%s %s as %s: want %s, got %d (Location %q) %s", rt.method, path, c.name, class, r.status, r.header.Get("Location"), body)
		}
	}
	t.Logf("access matrix: %d routes × %d callers, %d cells passed, %d failed", len(routes), len(callers), passed, failed)
}

// TestAccessMatrixRejectsUnknownPathParameters proves the matrix fails loudly
// on a route it cannot fill in, rather than skipping it.
func TestAccessMatrixRejectsUnknownPathParameters(t *testing.T) {
	f := &accessFixture{}
	for _, p := range []string{"/api/v1/studies/:id/widgets/:widget_id", "/api/v1/things/:id", "/x/:slug", "/api/v1/studies/:id?", "/a/:id<int>"} {
		if _, _, err := concrete(p, f); err == nil {
			t.Errorf("%s: filled in without a rule", p)
		}
	}
	if _, _, err := concrete("/api/v1/studies/:id/steps/:step_id", f); err != nil {
		t.Errorf("known path: %v", err)
	}
}

// TestEveryCookieSessionChangeNeedsCSRFToken posts, patches and deletes on
// every researcher and admin route with a logged-in browser session and a
// forged or missing CSRF token: each is 403 and nothing changes.
func TestEveryCookieSessionChangeNeedsCSRFToken(t *testing.T) {
	w := newAccessWorld(t)
	f := w.fixture()
	owner, adm := newClient(t, w.s), newClient(t, w.s)
	owner.login(w.owner.Email)
	adm.login(w.admin.Email)
	checked := 0
	for _, rt := range w.s.routeTable() {
		if rt.method == "GET" || (rt.access != researcher && rt.access != admin) {
			continue
		}
		path, _, err := concrete(rt.path, f)
		if err != nil {
			t.Errorf("%s %s: %v", rt.method, rt.path, err)
			continue
		}
		c := owner
		if rt.access == admin {
			c = adm
		}
		for _, hdr := range [][]string{{"X-Csrf-Token", "forged-" + c.csrf()}, {"X-Csrf-Token", ""}} {
			r := c.do(rt.method, path, "application/json", "{}", hdr...)
			if r.status != http.StatusForbidden {
				t.Errorf("%s %s with a session and CSRF token %q: %d, want 403", rt.method, path, hdr[1], r.status)
			}
			checked++
		}
	}
	var n int64
	w.s.store.DB().Model(&surveys.Study{}).Count(&n)
	if n != 1 {
		t.Errorf("refused requests changed the studies: %d, want 1", n)
	}
	if d, err := w.s.store.Design(context.Background(), w.owner, f.studyID); err != nil || d.Study.Name != "Access matrix" {
		t.Errorf("study after refused requests: %v", err)
	}
	t.Logf("%d forged or missing CSRF tokens refused", checked)
}

// TestSessionIDRotatesAtLogin checks that the id a browser held before login
// (perhaps planted) is not the one that carries the login.
func TestSessionIDRotatesAtLogin(t *testing.T) {
	w := newAccessWorld(t)
	c := newClient(t, w.s)
	c.get("/login")
	c.cookies["odi_session"] = "planted-" + uuid.NewString()
	planted := c.cookies["odi_session"]
	c.login(w.owner.Email)
	if c.cookies["odi_session"] == planted || c.cookies["odi_session"] == "" {
		t.Fatalf("session id not rotated at login: %q", c.cookies["odi_session"])
	}
	attacker := newClient(t, w.s)
	attacker.cookies["odi_session"] = planted
	if r := attacker.do("GET", "/api/v1/studies", "", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("the planted id after the victim's login: %d, want 401", r.status)
	}
	if r := c.do("GET", "/api/v1/studies", "", ""); r.status != http.StatusOK {
		t.Fatalf("the rotated id: %d", r.status)
	}
}

// TestLoginThrottleAnswers429 checks that a run of failed logins is stopped,
// and that the right password does not get through the throttle either.
func TestLoginThrottleAnswers429(t *testing.T) {
	w := newAccessWorld(t)
	c := newClient(t, w.s)
	tok := csrfMeta.FindStringSubmatch(c.get("/login").body)[1]
	statuses := map[int]int{}
	for range 12 {
		statuses[c.postForm("/login", url.Values{"email": {w.owner.Email}, "password": {"wrong password"}, "_csrf": {tok}}).status]++
	}
	if statuses[http.StatusUnauthorized] != 10 || statuses[http.StatusTooManyRequests] != 2 {
		t.Fatalf("12 failed logins answered %v, want 10×401 then 429", statuses)
	}
	if r := c.postForm("/login", url.Values{"email": {w.owner.Email}, "password": {"password123"}, "_csrf": {tok}}); r.status != http.StatusTooManyRequests {
		t.Fatalf("right password while throttled: %d, want 429", r.status)
	}
}

// TestResumeTokenReachesOnlyItsOwnResponse: a respondent's token works on their
// own response and nowhere else, not on another study's link.
func TestResumeTokenReachesOnlyItsOwnResponse(t *testing.T) {
	w := newAccessWorld(t)
	a, b := w.fixture(), w.fixture()
	anon := newClient(t, w.s)
	patch := func(slug, token string) int {
		return anon.do("PATCH", "/api/v1/s/"+slug+"/responses/"+url.PathEscape(token), "application/json",
			`{"answers": {"size": "large"}}`).status
	}
	if got := patch(a.slug, a.resumeToken); got != http.StatusOK {
		t.Fatalf("own token on own study: %d", got)
	}
	for _, tc := range []struct{ slug, token, what string }{
		{a.slug, b.resumeToken, "another study's respondent token"},
		{b.slug, a.resumeToken, "own token on another study's link"},
		{a.slug, a.resumeToken + "x", "a altered token"},
		{a.slug, "", "no token"},
	} {
		if got := patch(tc.slug, tc.token); got != http.StatusNotFound && !(tc.token == "" && got == http.StatusMethodNotAllowed) {
			t.Errorf("%s: %d, want 404", tc.what, got)
		}
	}
	if _, err := w.s.store.Resume(context.Background(), a.slug, b.resumeToken); err == nil {
		t.Error("Resume with another study's token found a response")
	}
	// The respondent page does not show a stranger's wantAnswers either.
	c := newClient(t, w.s)
	c.cookies[resumeCookie] = b.resumeToken
	r := c.get("/s/" + a.slug)
	if r.status != http.StatusOK {
		t.Fatalf("survey page with another study's resume cookie: %d", r.status)
	}
	resp, _ := w.s.store.Resume(context.Background(), b.slug, b.resumeToken)
	if resp == nil || strings.Contains(r.body, resp.RespondentID) {
		t.Errorf("survey page shows the other respondent's id")
	}
}

// TestRevokedAPITokenIs401 checks a revoked token is refused on the API and on
// pages alike, while the account's other tokens keep working.
func TestRevokedAPITokenIs401(t *testing.T) {
	w := newAccessWorld(t)
	plain, tok, err := w.s.store.CreateToken(context.Background(), w.owner.ID, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, w.s)
	c.bearer = plain
	if r := c.do("GET", "/api/v1/studies", "", ""); r.status != http.StatusOK {
		t.Fatalf("before revoking: %d", r.status)
	}
	if err := w.s.store.RevokeToken(context.Background(), w.owner.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/studies", "/studies", "/settings/tokens"} {
		if r := c.do("GET", path, "", ""); r.status != http.StatusUnauthorized {
			t.Errorf("revoked token on %s: %d, want 401", path, r.status)
		}
	}
	if r := c.do("POST", "/api/v1/studies", "application/json", `{"name": "x"}`); r.status != http.StatusUnauthorized {
		t.Errorf("revoked token creating a study: %d, want 401", r.status)
	}
	other := newClient(t, w.s)
	other.bearer = w.tokens[w.owner.Email]
	if r := other.do("GET", "/api/v1/studies", "", ""); r.status != http.StatusOK {
		t.Errorf("the owner's other token after revoking one: %d", r.status)
	}
}
