package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/mailing"
	"odi/surveys/programme"
	"odi/surveys/results"
)

// The access matrix: every route of routeTable × every kind of caller, with the
// expected answer worked out from the route's access level, the shape of its
// path and what the caller holds. Which routes are public at all is not taken
// from routes.go but pinned below, so a route declared public by mistake
// fails here instead of passing as "public, answers anyone".

// publicRoutes is every route that anyone may call without an account.
var publicRoutes = map[string]access{
	"GET /healthz":                           public,
	"GET /metrics":                           operator,
	"GET /static/*":                          public,
	"GET /favicon.ico":                       public,
	"GET /setup":                             form,
	"POST /setup":                            form,
	"GET /login":                             form,
	"POST /login":                            form,
	"GET /reset":                             form,
	"POST /reset":                            form,
	"GET /api/v1/s/:slug":                    public,
	"POST /api/v1/s/:slug/responses":         public,
	"PATCH /api/v1/s/:slug/responses/:token": public,
	"GET /s/:slug":                           public,
	"POST /s/:slug":                          public,
	"GET /r/:token":                          public,
	"GET /r/:token/export.xlsx":              public,
	"GET /r/:token/canvas":                   public,
	"GET /unsubscribe/:token":                public,
	"POST /unsubscribe/:token":               public,
}

// namesAStudy matches a path with a study id in it: never public, whatever
// else the route does.
var namesAStudy = regexp.MustCompile(`^(/api/v1)?/studies/:`)

func TestOnlyThePinnedRoutesArePublic(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range newTestServer(t).routeTable() {
		key := rt.method + " " + rt.path
		if namesAStudy.MatchString(rt.path) && rt.access < researcher {
			t.Errorf("%s names a study but is declared %s: a study's routes are for its researchers", key, accessName(rt.access))
		}
		if rt.access >= researcher {
			continue
		}
		seen[key] = true
		want, pinned := publicRoutes[key]
		switch {
		case !pinned:
			t.Errorf("%s is declared %s, so anyone may call it: decide whether that is meant; if it is, add it to publicRoutes in access_test.go, else give it researcher access", key, accessName(rt.access))
		case want != rt.access:
			t.Errorf("%s is declared %s, publicRoutes pins it as %s", key, accessName(rt.access), accessName(want))
		}
	}
	for key := range publicRoutes {
		if !seen[key] {
			t.Errorf("%s is pinned in publicRoutes but routeTable serves no such public route: remove it there", key)
		}
	}
}

func accessName(a access) string {
	return [...]string{public: "public", form: "form", operator: "operator", researcher: "researcher", admin: "admin"}[a]
}

// accessWorld is one server with the people the matrix calls as.
type accessWorld struct {
	t                      *testing.T
	s                      *Server
	owner, stranger, admin *accounts.User
	colleague              *accounts.User    // a collaborator on every fixture's study
	tokens                 map[string]string // user email -> API token
	elsewhere              string            // the resume token of a respondent of another study
}

// accessFixture is one published study of the owner's with one of everything
// a path can name.
type accessFixture struct {
	studyID, stepID, outcomeID, shareID, tokenID int64
	mailingID                                    int64
	programmeID                                  int64 // the owner's, of this study and another
	userID                                       int64 // an account an admin may disable, reset or delete
	slug, questionKey, respondentID              string
	segmentationKey                              string
	resumeToken, shareToken                      string
}

func newAccessWorld(t *testing.T) *accessWorld {
	s := newTestServer(t)
	w := &accessWorld{t: t, s: s, tokens: map[string]string{}}
	w.owner = mustUser(t, s, "owner@example.com", accounts.RoleResearcher)
	w.stranger = mustUser(t, s, "stranger@example.com", accounts.RoleResearcher)
	w.admin = mustUser(t, s, "admin@example.com", accounts.RoleAdmin)
	w.colleague = mustUser(t, s, "colleague@example.com", accounts.RoleResearcher)
	for _, u := range []*accounts.User{w.owner, w.stranger, w.admin} {
		w.tokens[u.Email] = mustToken(t, s, u)
	}
	w.elsewhere = w.fixture().resumeToken
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
	_, err = st.AddMember(ctx, w.owner, f.studyID, surveys.MemberInput{Email: w.colleague.Email})
	must(err)
	study, err = st.Publish(ctx, w.owner, f.studyID)
	must(err)
	f.slug = *study.Slug
	res, _, err := w.s.fieldwork.Submit(ctx, f.slug, fieldwork.Submission{SubmissionID: uuid.NewString(),
		Answers: map[string]fieldwork.Value{"size": fieldwork.Text("small")}, Ratings: map[string]fieldwork.Rating{o.Code: {Importance: fieldwork.Rated(4)}}})
	must(err)
	f.respondentID, f.resumeToken = res.RespondentID, res.ResumeToken
	f.segmentationKey = "needs"
	_, err = w.s.results.SaveSegmentation(ctx, mustDesign(t, w.s, w.owner, f.studyID), results.SegmentationInput{Key: f.segmentationKey,
		Labels: []string{"One", "Two"}, Members: map[string]int{f.respondentID: 0}})
	must(err)
	tok, sh, err := w.s.results.CreateShare(ctx, w.owner, mustDesign(t, w.s, w.owner, f.studyID), results.ShareInput{})
	must(err)
	f.shareID, f.shareToken = sh.ID, tok
	f.mailingID, err = w.s.mail.Create(ctx, mustDesign(t, w.s, w.owner, f.studyID),
		mailing.Input{Subject: "Hello", Body: "{link}", Recipients: []mailing.RecipientInput{{Email: "ana@example.com"}}})
	must(err)
	other, err := st.CreateStudy(ctx, w.owner, surveys.StudyInput{Name: &name})
	must(err)
	p, err := w.s.programmes.Create(ctx, w.owner, programme.Input{Name: name, StudyIDs: []int64{f.studyID, other.ID}})
	must(err)
	f.programmeID = p.ID
	_, spare, err := st.Accounts().CreateToken(ctx, w.owner.ID, "spare")
	must(err)
	f.tokenID = spare.ID
	f.userID = mustUser(t, w.s, uuid.NewString()+"@example.com", accounts.RoleResearcher).ID
	return f
}

// guessedToken is what a caller without a secret link puts in its place: the
// shape of a real token, the value of none.
const guessedToken = "Q2FsbGVyIHdpdGhvdXQgdGhlIHNlY3JldCBsaW5rIQ0"

// scope is whose a thing named in a path is.
type scope int

const (
	anyone   scope = iota // a public link: a slug
	ofStudy               // in the owner's study: the owner, collaborators and admins
	personal              // the owner's own (an API token): nobody else, admins included
)

// filled is a route's path filled in for one caller, with what its expected
// answer turns on.
type filled struct {
	path   string
	owned  scope // whose the most private thing the path names is
	secret bool  // the path carries a secret link: a resume or share token
	held   bool  // ... and the caller holds the real one and put it there
}

// paramValue is what caller c puts in place of a path parameter, chosen by
// its name and the path before it. Anything it does not know is an error, so
// a route naming a new kind of resource cannot slip through unchecked.
func paramValue(path, param string, f *accessFixture, c *caller, w *accessWorld) (value string, owned scope, secret, held bool, err error) {
	before := path[:strings.Index(path, param)]
	switch {
	case param == ":id" && (before == "/api/v1/studies/" || before == "/studies/"):
		return itoa(f.studyID), ofStudy, false, false, nil
	case param == ":id" && (before == "/api/v1/programmes/" || before == "/programmes/"):
		return itoa(f.programmeID), personal, false, false, nil
	case param == ":id" && before == "/settings/tokens/":
		return itoa(f.tokenID), personal, false, false, nil
	case param == ":step_id" && strings.HasSuffix(before, "/steps/"):
		return itoa(f.stepID), ofStudy, false, false, nil
	case param == ":outcome_id" && strings.HasSuffix(before, "/outcomes/"):
		return itoa(f.outcomeID), ofStudy, false, false, nil
	case param == ":key" && strings.HasSuffix(before, "/questions/"):
		return f.questionKey, ofStudy, false, false, nil
	case param == ":key" && strings.HasSuffix(before, "/segmentations/"):
		return f.segmentationKey, ofStudy, false, false, nil
	case param == ":segment_id" && strings.HasSuffix(before, "/segments/"):
		return "s1", ofStudy, false, false, nil
	case param == ":respondent_id" && strings.HasSuffix(before, "/responses/"):
		return url.PathEscape(f.respondentID), ofStudy, false, false, nil
	case param == ":share_id" && strings.HasSuffix(before, "/shares/"):
		return itoa(f.shareID), ofStudy, false, false, nil
	case param == ":mailing_id" && strings.HasSuffix(before, "/mailings/"):
		return itoa(f.mailingID), ofStudy, false, false, nil
	case param == ":token" && before == "/unsubscribe/":
		// Held only by the recipient's mailbox: no caller here has it.
		return guessedToken, anyone, true, false, nil
	case param == ":user_id" && strings.HasSuffix(before, "/members/"):
		return itoa(w.colleague.ID), ofStudy, false, false, nil
	case param == ":user_id" && before == "/admin/users/":
		return itoa(f.userID), anyone, false, false, nil
	case param == ":slug" && (before == "/api/v1/s/" || before == "/s/"):
		return f.slug, anyone, false, false, nil
	case param == ":token" && before == "/api/v1/s/:slug/responses/":
		tok := guessedToken
		if c != nil && c.resume != nil {
			tok = c.resume(w, f)
		}
		return url.PathEscape(tok), anyone, true, tok == f.resumeToken, nil
	case param == ":token" && before == "/r/":
		if c != nil && c.kind == asShareHolder {
			return f.shareToken, anyone, true, true, nil
		}
		return guessedToken, anyone, true, false, nil
	case param == "*" && before == "/static/":
		return "odi.css", anyone, false, false, nil
	}
	return "", anyone, false, false, fmt.Errorf("path parameter %s in %s has no rule in paramValue (access_test.go): say what it names", param, path)
}

var pathParam = regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*[?+]?(<[^>]*>)?|\*`)

// concrete fills a route's path from a fixture as caller c would (nil: a
// caller holding no secret link).
func concrete(path string, f *accessFixture, c *caller, w *accessWorld) (filled, error) {
	out := filled{}
	var firstErr error
	out.path = pathParam.ReplaceAllStringFunc(path, func(p string) string {
		if strings.ContainsAny(p, "?+<") {
			if firstErr == nil {
				firstErr = fmt.Errorf("path parameter %s in %s: optional and constrained parameters have no rule in paramValue", p, path)
			}
			return p
		}
		v, owned, secret, held, err := paramValue(path, p, f, c, w)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		out.owned = max(out.owned, owned)
		out.secret = out.secret || secret
		out.held = out.held || held
		return v
	})
	return out, firstErr
}

// callerKind is who a caller is.
type callerKind int

const (
	asAnonymous   callerKind = iota // no credentials, no secret link
	asRespondent                    // holds the resume token of their own response
	asShareHolder                   // holds a share link of the study
	asStranger                      // a researcher who is not a collaborator on the study
	asOwner
	asAdmin
)

// caller is one person, presenting what they hold one way.
type caller struct {
	name   string
	kind   callerKind
	bearer func(w *accessWorld, f *accessFixture) string
	cookie func(w *accessWorld, f *accessFixture) *http.Cookie
	resume func(w *accessWorld, f *accessFixture) string // the resume token they put in a path
}

func ownResume(_ *accessWorld, f *accessFixture) string { return f.resumeToken }

var callers = []caller{
	{name: "anonymous", kind: asAnonymous},
	{name: "respondent (own resume token as cookie)", kind: asRespondent, resume: ownResume,
		cookie: func(_ *accessWorld, f *accessFixture) *http.Cookie {
			return &http.Cookie{Name: resumeCookie, Value: f.resumeToken}
		}},
	{name: "respondent (own resume token as bearer)", kind: asRespondent, resume: ownResume,
		bearer: func(_ *accessWorld, f *accessFixture) string { return f.resumeToken }},
	{name: "respondent of another study (their resume token as cookie)", kind: asRespondent,
		resume: func(w *accessWorld, _ *accessFixture) string { return w.elsewhere },
		cookie: func(w *accessWorld, _ *accessFixture) *http.Cookie {
			return &http.Cookie{Name: resumeCookie, Value: w.elsewhere}
		}},
	{name: "share holder (token as bearer)", kind: asShareHolder,
		bearer: func(_ *accessWorld, f *accessFixture) string { return f.shareToken }},
	{name: "share holder (token as session cookie)", kind: asShareHolder,
		cookie: func(_ *accessWorld, f *accessFixture) *http.Cookie {
			return &http.Cookie{Name: "odi_session", Value: f.shareToken}
		}},
	{name: "researcher, not a collaborator", kind: asStranger,
		bearer: func(w *accessWorld, _ *accessFixture) string { return w.tokens[w.stranger.Email] }},
	{name: "owner", kind: asOwner,
		bearer: func(w *accessWorld, _ *accessFixture) string { return w.tokens[w.owner.Email] }},
	{name: "admin", kind: asAdmin,
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
func expect(rt route, c caller, p filled) string {
	hasBearer := c.bearer != nil
	switch rt.access {
	case public:
		switch {
		case p.secret && !p.held: // a guessed or foreign token opens nothing
			return wantHidden
		case rt.method == "GET" || p.held:
			return wantOK // every path parameter is filled with a live value
		}
		return wantAnswers
	case operator: // the matrix's server has no --metrics-addr: it answers anyone here
		return wantOK
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
		case asAnonymous, asRespondent, asShareHolder:
			return wantUnauth
		case asStranger:
			if p.owned != anyone {
				return wantHidden
			}
		case asAdmin:
			if p.owned == personal {
				return wantHidden
			}
		}
		return wantAllowed
	case admin:
		switch c.kind {
		case asAnonymous, asRespondent, asShareHolder:
			return wantUnauth
		case asStranger, asOwner:
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
		ck := c.cookie(w, f)
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
	t.Parallel()
	w := newAccessWorld(t)
	shared := w.fixture()
	routes := w.s.routeTable()
	passed, failed := 0, 0
	for _, rt := range routes {
		if _, err := concrete(rt.path, shared, nil, w); err != nil {
			t.Errorf("%s %s: %v", rt.method, rt.path, err)
			continue
		}
		for _, c := range callers {
			// A caller who gets in may change things (delete the study, revoke
			// the token), so each such cell gets its own fixture.
			f := shared
			p, _ := concrete(rt.path, f, &c, w)
			class := expect(rt, c, p)
			if rt.method != "GET" && class != wantUnauth && class != wantHidden && class != wantCSRF {
				f = w.fixture()
				p, _ = concrete(rt.path, f, &c, w)
			}
			r := w.call(rt, p.path, c, f)
			if meets(class, r, strings.HasPrefix(rt.path, "/api/"), c.bearer != nil) {
				passed++
				continue
			}
			failed++
			body := r.body
			if len(body) > 200 {
				body = body[:200] + "…"
			}
			t.Errorf("%s %s as %s: want %s, got %d (Location %q) %s", rt.method, p.path, c.name, class, r.status, r.header.Get("Location"), body)
		}
	}
	t.Logf("access matrix: %d routes × %d callers = %d cells, %d passed, %d failed", len(routes), len(callers), passed+failed, passed, failed)
}

// TestAccessMatrixRejectsUnknownPathParameters proves the matrix fails loudly
// on a route it cannot fill in, rather than skipping it.
func TestAccessMatrixRejectsUnknownPathParameters(t *testing.T) {
	f := &accessFixture{}
	for _, p := range []string{"/api/v1/studies/:id/widgets/:widget_id", "/api/v1/things/:id", "/x/:slug", "/api/v1/studies/:id?", "/a/:id<int>", "/r/:token/:page"} {
		if _, err := concrete(p, f, nil, nil); err == nil {
			t.Errorf("%s: filled in without a rule", p)
		}
	}
	if _, err := concrete("/api/v1/studies/:id/steps/:step_id", f, nil, nil); err != nil {
		t.Errorf("known path: %v", err)
	}
}

// TestEveryCookieSessionChangeNeedsCSRFToken posts, patches and deletes on
// every researcher and admin route with a logged-in browser session and a
// forged or missing CSRF token: each is 403 and nothing changes.
func TestEveryCookieSessionChangeNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	w := newAccessWorld(t)
	f := w.fixture()
	owner, adm := newClient(t, w.s), newClient(t, w.s)
	owner.login(w.owner.Email)
	adm.login(w.admin.Email)
	before := w.state(f)
	checked := 0
	for _, rt := range w.s.routeTable() {
		if rt.method == "GET" || (rt.access != researcher && rt.access != admin) {
			continue
		}
		p, err := concrete(rt.path, f, nil, w)
		if err != nil {
			t.Errorf("%s %s: %v", rt.method, rt.path, err)
			continue
		}
		path := p.path
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
	if after := w.state(f); after != before {
		t.Errorf("refused requests changed something:\nbefore %s\nafter  %s", before, after)
	}
	t.Logf("%d forged or missing CSRF tokens refused", checked)
}

// state is what a refused request must not change: the fixture's study as
// its owner sees it, and the number of rows in every table but kv (which
// holds sessions and CSRF tokens, and changes as the callers log in).
func (w *accessWorld) state(f *accessFixture) string {
	w.t.Helper()
	d, err := w.s.store.Design(context.Background(), w.owner, f.studyID)
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := json.Marshal(d)
	var tables []string
	w.s.store.DB().Raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'kv' ORDER BY name").Scan(&tables)
	for _, table := range tables {
		var n int64
		w.s.store.DB().Table(table).Count(&n)
		b = fmt.Appendf(b, " %s=%d", table, n)
	}
	return string(b)
}

// TestSessionIDRotatesAtLogin checks that the id a browser held before login
// (perhaps planted) is not the one that carries the login.
func TestSessionIDRotatesAtLogin(t *testing.T) {
	t.Parallel()
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

// TestResumeTokenReachesOnlyItsOwnResponse: a respondent's token works on their
// own response and nowhere else, not on another study's link.
func TestResumeTokenReachesOnlyItsOwnResponse(t *testing.T) {
	t.Parallel()
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
	if _, err := w.s.fieldwork.Resume(context.Background(), a.slug, b.resumeToken); err == nil {
		t.Error("Resume with another study's token found a response")
	}
	// The respondent page does not show a stranger's wantAnswers either.
	c := newClient(t, w.s)
	c.cookies[resumeCookie] = b.resumeToken
	r := c.get("/s/" + a.slug)
	if r.status != http.StatusOK {
		t.Fatalf("survey page with another study's resume cookie: %d", r.status)
	}
	resp, _ := w.s.fieldwork.Resume(context.Background(), b.slug, b.resumeToken)
	if resp == nil || strings.Contains(r.body, resp.RespondentID) {
		t.Errorf("survey page shows the other respondent's id")
	}
}

// TestRevokedAPITokenIs401 checks a revoked token is refused on the API and on
// pages alike, while the account's other tokens keep working.
func TestRevokedAPITokenIs401(t *testing.T) {
	t.Parallel()
	w := newAccessWorld(t)
	plain, tok, err := w.s.accounts.CreateToken(context.Background(), w.owner.ID, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, w.s)
	c.bearer = plain
	if r := c.do("GET", "/api/v1/studies", "", ""); r.status != http.StatusOK {
		t.Fatalf("before revoking: %d", r.status)
	}
	if err := w.s.accounts.RevokeToken(context.Background(), w.owner.ID, tok.ID); err != nil {
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

// TestSecretsAreStoredOnlyHashed makes one of every secret odi hands out — an
// API token, a share link, a resume token, invitation links, a login session
// and its CSRF token — and reads every row of every table: none holds a
// secret as given, so a copy of the database (a backup, say) opens nothing.
func TestSecretsAreStoredOnlyHashed(t *testing.T) {
	t.Parallel()
	w := newAccessWorld(t)
	f := w.fixture()
	invs, err := w.s.fieldwork.CreateInvitations(context.Background(), mustDesign(t, w.s, w.owner, f.studyID), fieldwork.InvitationsInput{Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	web := newClient(t, w.s)
	web.login(w.owner.Email)
	secrets := map[string]string{
		"API token":      w.tokens[w.owner.Email],
		"share token":    f.shareToken,
		"resume token":   f.resumeToken,
		"invitation":     invs[0].Token,
		"session id":     web.cookies["odi_session"],
		"CSRF token":     web.csrf(),
		"another invite": invs[1].Token,
	}
	for what, plain := range secrets {
		if len(plain) < 16 {
			t.Fatalf("%s %q: too short to be a secret, the fixture is wrong", what, plain)
		}
	}
	db := w.s.store.DB()
	var tables []string
	if err := db.Raw("SELECT name FROM sqlite_master WHERE type = 'table'").Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	cells, found := 0, map[string]bool{}
	for _, table := range tables {
		rows, err := db.Table(table).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				cell := fmt.Sprint(v)
				if b, ok := v.([]byte); ok {
					cell = string(b)
				}
				cells++
				for what, plain := range secrets {
					if strings.Contains(cell, plain) {
						t.Errorf("%s.%s holds the %s as given", table, cols[i], what)
					}
					if strings.Contains(cell, accounts.HashSecret(plain)) {
						found[what] = true
					}
				}
			}
		}
		rows.Close()
	}
	// Each secret odi must recognise later is there, hashed: the scan looked
	// where they are kept. A CSRF token need not be stored at all, nor a
	// resume token: it is checked by its MAC under the server's secret.
	for what := range secrets {
		if found[what] && what == "resume token" {
			t.Errorf("a table holds the hash of the resume token, which is checked by its MAC")
		}
		if !found[what] && what != "CSRF token" && what != "resume token" {
			t.Errorf("no table holds the hash of the %s: where is it kept?", what)
		}
	}
	t.Logf("%d cells of %d tables hold none of %d secrets as given", cells, len(tables), len(secrets))
}
