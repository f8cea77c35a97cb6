package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestAPIWithoutSessionOrTokenIs401(t *testing.T) {
	s := parallelServer(t)
	for _, path := range []string{"/api/v1/studies"} {
		r := newClient(t, s).do("GET", path, "", "")
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"error"`) {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	r := newClient(t, s).do("GET", "/studies", "", "")
	if r.status != http.StatusFound || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
		t.Errorf("page without session: %d to %q, want redirect to login", r.status, r.header.Get("Location"))
	}
}

// TestTokensPageRevokesAToken covers the settings page's part; that a revoked
// token is refused everywhere is TestRevokedAPITokenIs401's.
func TestTokensPageRevokesAToken(t *testing.T) {
	s := parallelServer(t)
	u := mustUser(t, s, "r@example.com", "researcher")
	c := newClient(t, s)
	c.bearer = mustToken(t, s, u)
	if r := c.do("GET", "/api/v1/studies", "", ""); r.status != http.StatusOK || strings.TrimSpace(r.body) != "[]" {
		t.Fatalf("with token: %d %s", r.status, r.body)
	}

	// The owner revokes it through the page; the stolen copy stops working.
	web := newClient(t, s)
	web.login("r@example.com")
	tokens, _ := s.accounts.ListTokens(t.Context(), u.ID)
	page := web.get("/settings/tokens")
	tok := csrfMeta.FindStringSubmatch(page.body)[1]
	if r := web.postForm("/settings/tokens/"+itoa(tokens[0].ID)+"/revoke", url.Values{"_csrf": {tok}}); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/api/v1/studies", "", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d %s", r.status, r.body)
	}
	page = web.get("/settings/tokens")
	if !strings.Contains(page.body, "<td>revoked</td>") || strings.Contains(page.body, "/settings/tokens/"+itoa(tokens[0].ID)+"/revoke") {
		t.Fatalf("the tokens page after revoking: %s", page.body)
	}
}

func TestCookieSessionNeedsCSRFToken(t *testing.T) {
	_, c := loggedInServer(t)

	forged := c.do("POST", "/settings/tokens", "application/x-www-form-urlencoded", "name=x&_csrf=forged-token")
	if forged.status != http.StatusForbidden {
		t.Fatalf("forged CSRF token: %d, want 403", forged.status)
	}
	missing := c.do("POST", "/settings/tokens", "application/x-www-form-urlencoded", "name=x")
	if missing.status != http.StatusForbidden {
		t.Fatalf("no CSRF token: %d, want 403", missing.status)
	}
	page := c.get("/settings/tokens")
	tok := csrfMeta.FindStringSubmatch(page.body)[1]
	ok := c.postForm("/settings/tokens", url.Values{"name": {"laptop"}, "_csrf": {tok}})
	if ok.status != http.StatusCreated || !strings.Contains(ok.body, "odi_") {
		t.Fatalf("with the page's token: %d", ok.status)
	}
}

// TestLogoutEndsTheSession: the session id's rotation at login is
// TestSessionIDRotatesAtLogin's.
func TestLogoutEndsTheSession(t *testing.T) {
	s, c := loggedInServer(t)
	if r := c.get("/studies"); r.status != http.StatusOK || !strings.Contains(r.body, "No studies yet") {
		t.Fatalf("study list after login: %d", r.status)
	}
	held := c.cookies["odi_session"]
	logout := c.postForm("/logout", url.Values{"_csrf": {c.csrf()}})
	if logout.status != http.StatusSeeOther {
		t.Fatalf("logout: %d %s", logout.status, logout.body)
	}
	if r := c.get("/studies"); r.status != http.StatusFound {
		t.Fatalf("after logout: %d, want redirect to login", r.status)
	}
	replay := newClient(t, s)
	replay.cookies["odi_session"] = held
	if r := replay.do("GET", "/api/v1/studies", "", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("the session id kept from before logout: %d, want 401", r.status)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	s := parallelServer(t)
	mustUser(t, s, "r@example.com", "researcher")
	c := newClient(t, s)
	page := c.get("/login")
	tok := csrfMeta.FindStringSubmatch(page.body)[1]
	r := c.postForm("/login", url.Values{"email": {"r@example.com"}, "password": {"olive-kettle-93"}, "_csrf": {tok}})
	var set string
	for _, h := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(h, "odi_session=") {
			set = strings.ToLower(h)
		}
	}
	if !strings.Contains(set, "httponly") || !strings.Contains(set, "samesite=lax") {
		t.Fatalf("session cookie %q lacks HttpOnly or SameSite=Lax", set)
	}
}

// With the sample box ticked, as the setup page offers it, the new admin
// lands on the sample study's results: real numbers at once.
func TestSetupWithTheSampleLandsOnItsResults(t *testing.T) {
	s := parallelServer(t)
	link, err := s.SetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	token := link[strings.Index(link, "token=")+len("token="):]
	c := newClient(t, s)
	page := c.get("/setup?token=" + token)
	if !strings.Contains(page.body, `name="sample" value="1" checked`) {
		t.Fatalf("the sample box is not offered ticked: %s", page.body)
	}
	tok := csrfMeta.FindStringSubmatch(page.body)[1]
	r := c.postForm("/setup", url.Values{"token": {token}, "email": {"admin@example.com"}, "password": {"olive-kettle-93"}, "sample": {"1"}, "_csrf": {tok}})
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/studies/") || !strings.HasSuffix(loc, "/results") {
		t.Fatalf("setup with the sample: %d to %q", r.status, loc)
	}
	results := c.get(loc)
	if results.status != http.StatusOK || !strings.Contains(results.body, "(sample)") || !strings.Contains(results.body, "extreme") {
		t.Fatalf("sample results: %d %.300s", results.status, results.body)
	}
}

func TestSetupLinkCreatesFirstAdminOnce(t *testing.T) {
	s := parallelServer(t)
	token := "known-setup-token"
	if err := s.accounts.Set(t.Context(), setupKey, []byte(hashForTest(token)), 0); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	if r := c.get("/setup?token=wrong"); r.status != http.StatusNotFound {
		t.Fatalf("wrong token: %d", r.status)
	}
	page := c.get("/setup?token=" + token)
	if page.status != http.StatusOK {
		t.Fatalf("setup page: %d", page.status)
	}
	tok := csrfMeta.FindStringSubmatch(page.body)[1]
	bad := c.postForm("/setup", url.Values{"token": {token}, "email": {"nope"}, "password": {"x"}, "_csrf": {tok}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "must be an email address") {
		t.Fatalf("bad setup input: %d", bad.status)
	}
	ok := c.postForm("/setup", url.Values{"token": {token}, "email": {"admin@example.com"}, "password": {"olive-kettle-93"}, "_csrf": {tok}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("setup: %d %s", ok.status, ok.body)
	}
	if r := c.get("/admin/users"); r.status != http.StatusOK || !strings.Contains(r.body, "admin@example.com") {
		t.Fatalf("admin page after setup: %d", r.status)
	}
	// The used link says so and points to the login, on a page and a post.
	again := newClient(t, s)
	if r := again.get("/setup?token=" + token); r.status != http.StatusGone || !strings.Contains(r.body, "already set up") || !strings.Contains(r.body, `href="/login"`) {
		t.Fatalf("setup link reused: %d %.300s", r.status, r.body)
	}
	tok = csrfMeta.FindStringSubmatch(again.get("/login").body)[1]
	if r := again.postForm("/setup", url.Values{"token": {token}, "email": {"eve@example.com"}, "password": {"olive-kettle-93"}, "_csrf": {tok}}); r.status != http.StatusGone {
		t.Fatalf("a second admin through the used link: %d", r.status)
	}
}

func TestAdminPagesAreHiddenFromResearchers(t *testing.T) {
	_, c := loggedInServer(t)
	if r := c.get("/admin/users"); r.status != http.StatusNotFound {
		t.Fatalf("researcher on admin page: %d", r.status)
	}
}

func TestPanicBecomes500WithRequestID(t *testing.T) {
	s := parallelServer(t)
	s.App().Get("/boom", func(c *fiber.Ctx) error { panic("boom") })
	r := newClient(t, s).do("GET", "/boom", "", "")
	rid := r.header.Get("X-Request-Id")
	if r.status != http.StatusInternalServerError || rid == "" || !strings.Contains(r.body, rid) || strings.Contains(r.body, "goroutine") {
		t.Fatalf("panic: %d %q (request id %q)", r.status, r.body, rid)
	}
}

func TestHealthzMetricsAndSecurityHeaders(t *testing.T) {
	s := parallelServer(t)
	c := newClient(t, s)
	h := c.do("GET", "/healthz", "", "")
	if h.status != http.StatusOK || !strings.Contains(h.body, `"ok"`) {
		t.Fatalf("healthz: %d %s", h.status, h.body)
	}
	for _, hdr := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Request-Id"} {
		if h.header.Get(hdr) == "" {
			t.Errorf("missing header %s", hdr)
		}
	}
	if !strings.Contains(h.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP without frame-ancestors: %q", h.header.Get("Content-Security-Policy"))
	}
	m := c.do("GET", "/metrics", "", "")
	for _, want := range []string{`odi_http_requests_total{method="GET",route="/healthz",status="200"} 1`, "go_sql_open_connections"} {
		if !strings.Contains(m.body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	s.store.Close()
	if r := c.do("GET", "/healthz", "", ""); r.status != http.StatusServiceUnavailable {
		t.Errorf("healthz with the database closed: %d", r.status)
	}
}
