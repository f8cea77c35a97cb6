package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/results"
	"odi/surveys/surveystest"
)

// newProxiedServer trusts the address app.Test connects from as a reverse
// proxy, so a test names each client's address in X-Forwarded-For.
func newProxiedServer(t *testing.T) *Server {
	t.Helper()
	cfg := Defaults()
	cfg.Addr, cfg.BaseURL = "127.0.0.1:0", "http://odi.test"
	cfg.Proxies = []string{"0.0.0.0"}
	return New(cfg, surveystest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func (c *client) loginFrom(addr, email, password string) reply {
	c.t.Helper()
	tok := csrfMeta.FindStringSubmatch(c.get("/login").body)[1]
	return c.do("POST", "/login", "application/x-www-form-urlencoded",
		url.Values{"email": {email}, "password": {password}, "_csrf": {tok}}.Encode(), "X-Forwarded-For", addr)
}

// TestHardeningLoginBackoffPerAccountAndAddress: a run of wrong passwords for
// one account from one address is slowed down, and not forever: the right
// password still works from another address at once, and from the same
// address once the backoff has passed.
func TestHardeningLoginBackoffPerAccountAndAddress(t *testing.T) {
	t.Parallel()
	s := newProxiedServer(t)
	u := mustUser(t, s, "victim@example.com", accounts.RoleResearcher)
	attacker := newClient(t, s)
	statuses := []int{}
	for range accountFailuresFree + 1 {
		statuses = append(statuses, attacker.loginFrom("203.0.113.7", u.Email, "wrong password!").status)
	}
	for i, st := range statuses {
		if st != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401 (%v)", i+1, st, statuses)
		}
	}
	r := attacker.loginFrom("203.0.113.7", u.Email, "olive-kettle-93")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Fatalf("right password during the backoff: %d Retry-After %q, want 429 and 1", r.status, r.header.Get("Retry-After"))
	}
	if !strings.Contains(r.body, "try again in 1s") {
		t.Errorf("the page does not say how long to wait: %s", r.body)
	}
	victim := newClient(t, s)
	if r := victim.loginFrom("198.51.100.2", u.Email, "olive-kettle-93"); r.status != http.StatusSeeOther {
		t.Fatalf("right password from another address during the backoff: %d, want 303", r.status)
	}
	time.Sleep(1100 * time.Millisecond)
	if r := newClient(t, s).loginFrom("203.0.113.7", u.Email, "olive-kettle-93"); r.status != http.StatusSeeOther {
		t.Fatalf("right password after the backoff: %d, want 303", r.status)
	}
	t.Logf("%d wrong passwords answered %v; the next try waited 1 s; another address got in at once", len(statuses), statuses)
}

func TestLoginBackoffDoublesToItsCap(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want time.Duration
	}{{1, 0}, {5, 0}, {6, time.Second}, {7, 2 * time.Second}, {10, 16 * time.Second}, {15, 512 * time.Second}, {16, loginBackoffMax}, {1000, loginBackoffMax}} {
		if got := loginBackoff(tc.n, accountFailuresFree); got != tc.want {
			t.Errorf("after %d failures: wait %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestHardeningLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ next, want string }{
		{"/studies/3/results?segment_by=size", "/studies/3/results?segment_by=size"},
		{"/", "/"},
		{"", "/studies"},
		{"https://evil.example/", "/studies"},
		{"//evil.example", "/studies"},
		{"/\t/evil.example", "/studies"},
		{"/\n/evil.example", "/studies"},
		{"/\\evil.example", "/studies"},
		{"\\\\evil.example", "/studies"},
		{" //evil.example", "/studies"},
		{"\x01//evil.example", "/studies"},
		{"/%09/evil.example", "/%09/evil.example"}, // still encoded: a path on this site
		{"javascript:alert(1)", "/studies"},
		{"/ok\x00", "/studies"},
	} {
		if got := safeNext(tc.next); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
	// Through the real form: /login?next=/%09/host arrives decoded as "/\t/host".
	s := newTestServer(t)
	mustUser(t, s, "r@example.com", accounts.RoleResearcher)
	c := newClient(t, s)
	page := c.get("/login?next=/%09/evil.example")
	tok := csrfMeta.FindStringSubmatch(page.body)[1]
	r := c.postForm("/login", url.Values{"email": {"r@example.com"}, "password": {"olive-kettle-93"}, "_csrf": {tok}, "next": {"/\t/evil.example"}})
	if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != "/studies" {
		t.Fatalf("login with next=/<tab>/evil.example: %d to %q, want 303 to /studies", r.status, loc)
	}
}

// TestHardeningCSRFTokenIsBoundToTheSession: a token and cookie pair taken
// anonymously, or another user's token, does not work with a victim's
// session; a token changes at login; the Origin check stays.
func TestHardeningCSRFTokenIsBoundToTheSession(t *testing.T) {
	s := parallelServer(t)
	mustUser(t, s, "victim@example.com", accounts.RoleResearcher)
	mustUser(t, s, "other@example.com", accounts.RoleResearcher)

	attacker := newClient(t, s)
	anonToken := csrfMeta.FindStringSubmatch(attacker.get("/login").body)[1]

	victim := newClient(t, s)
	victim.get("/login")
	preLogin := victim.token
	victim.login("victim@example.com")
	sessionToken := victim.csrf()
	if sessionToken == preLogin {
		t.Fatal("the CSRF token did not change at login")
	}
	other := newClient(t, s)
	other.login("other@example.com")

	create := func(token string, extra ...string) int {
		// The attacker's nonce cookie travels with the victim's session, as a
		// cookie planted on the victim's browser would.
		c := newClient(t, s)
		c.cookies["odi_session"] = victim.cookies["odi_session"]
		c.cookies[preCSRFCookie] = attacker.cookies[preCSRFCookie]
		return c.do("POST", "/settings/tokens", "application/x-www-form-urlencoded", url.Values{"name": {"x"}, "_csrf": {token}}.Encode(), extra...).status
	}
	for name, tc := range map[string]struct {
		token string
		extra []string
		want  int
	}{
		"anonymous token and cookie":    {anonToken, nil, http.StatusForbidden},
		"another user's session token":  {other.csrf(), nil, http.StatusForbidden},
		"the victim's pre-login token":  {preLogin, nil, http.StatusForbidden},
		"no token":                      {"", nil, http.StatusForbidden},
		"own token from another origin": {sessionToken, []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		"own token, same origin":        {sessionToken, []string{"Origin", "http://example.com"}, http.StatusCreated},
		"own token":                     {sessionToken, nil, http.StatusCreated},
	} {
		if got := create(tc.token, tc.extra...); got != tc.want {
			t.Errorf("%s: %d, want %d", name, got, tc.want)
		}
	}
}

// TestHardeningAnonymousLoginPageWritesNothing: a login page view stores no
// row (the pre-session token is signed, not stored), and its token works.
func TestHardeningAnonymousLoginPageWritesNothing(t *testing.T) {
	s := parallelServer(t)
	mustUser(t, s, "r@example.com", accounts.RoleResearcher)
	rows := func() (n int64) {
		if err := s.store.DB().Table("kv").Where("key NOT LIKE ?", "secret:%").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		var sessions int64
		s.store.DB().Table("sessions").Count(&sessions)
		return n + sessions
	}
	before := rows()
	for range 50 {
		newClient(t, s).get("/login")
	}
	if after := rows(); after != before {
		t.Fatalf("50 anonymous login page views wrote %d rows", after-before)
	}
	c := newClient(t, s)
	c.login("r@example.com")
	t.Logf("50 anonymous GET /login: %d rows written; their token logs in", rows()-before-1)
}

// TestHardeningAccessLogRedactsSecretLinks: share and resume tokens in a
// path do not reach the log.
func TestHardeningAccessLogRedactsSecretLinks(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	cfg := Defaults()
	cfg.Addr, cfg.BaseURL = "127.0.0.1:0", "http://odi.test"
	s := New(cfg, surveystest.SQLite(t), slog.New(slog.NewTextHandler(&logs, nil)))
	c := newClient(t, s)
	secret := "Q2FsbGVyIHdpdGhvdXQgdGhlIHNlY3JldCBsaW5rIQ0"
	for _, p := range []string{"/r/" + secret, "/r/" + secret + "/canvas", "/r/" + secret + "/export.xlsx"} {
		c.get(p)
	}
	c.do("PATCH", "/api/v1/s/some-survey/responses/"+secret, "application/json", "{}")
	if strings.Contains(logs.String(), secret) {
		t.Fatalf("a secret token reached the log:\n%s", logs.String())
	}
	if n := strings.Count(logs.String(), "REDACTED"); n != 4 {
		t.Fatalf("%d redacted paths logged, want 4:\n%s", n, logs.String())
	}
}

var resetURL = regexp.MustCompile(`http://odi\.test/reset\?token=([A-Za-z0-9_-]+)`)

// TestHardeningAdminEndsAUsersAccess: disabling a user ends their session,
// their API token and the share links they made at once; deleting one
// hands their studies to the admin; an admin cannot lock themselves out.
func TestHardeningAdminEndsAUsersAccess(t *testing.T) {
	s := parallelServer(t)
	ctx := context.Background()
	adminUser := mustUser(t, s, "admin@example.com", accounts.RoleAdmin)
	ana := mustUser(t, s, "ana@example.com", accounts.RoleResearcher)
	token := mustToken(t, s, ana)
	browser := newClient(t, s)
	browser.login(ana.Email)
	st, err := s.store.CreateStudy(ctx, ana, surveys.StudyInput{Name: ptr("Ana's study")})
	if err != nil {
		t.Fatal(err)
	}
	shareToken, _, err := s.results.CreateShare(ctx, ana, mustDesign(t, s, ana, st.ID), results.ShareInput{})
	if err != nil {
		t.Fatal(err)
	}
	script := newClient(t, s)
	script.bearer = token
	reader := newClient(t, s)
	live := func() [3]int {
		return [3]int{browser.get("/studies").status, script.do("GET", "/api/v1/studies", "", "").status, reader.get("/r/" + shareToken).status}
	}
	if got := live(); got != [3]int{200, 200, 200} {
		t.Fatalf("before: session, token, share link answered %v", got)
	}

	admin := newClient(t, s)
	admin.login(adminUser.Email)
	if r := admin.postForm("/admin/users/"+itoa(adminUser.ID)+"/disable", url.Values{"_csrf": {admin.csrf()}}); r.status != http.StatusConflict {
		t.Fatalf("an admin disabling themselves: %d, want 409", r.status)
	}
	r := admin.postForm("/admin/users/"+itoa(ana.ID)+"/disable", url.Values{"_csrf": {admin.csrf()}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "ana@example.com is disabled") {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	if got := live(); got[0] != http.StatusFound || got[1] != http.StatusUnauthorized || got[2] != http.StatusNotFound {
		t.Fatalf("after disabling: session, token, share link answered %v, want login redirect, 401, 404", got)
	}
	if r := newClient(t, s).loginFrom("", ana.Email, "olive-kettle-93"); r.status != http.StatusUnauthorized {
		t.Fatalf("a disabled user logging in: %d, want 401", r.status)
	}

	// A reset link: shown to the admin once, works once.
	r = admin.postForm("/admin/users/"+itoa(ana.ID)+"/enable", url.Values{"_csrf": {admin.csrf()}})
	if r.status != http.StatusOK {
		t.Fatalf("enable: %d", r.status)
	}
	r = admin.postForm("/admin/users/"+itoa(ana.ID)+"/reset", url.Values{"_csrf": {admin.csrf()}})
	m := resetURL.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no reset link shown: %s", r.body)
	}
	ana2 := newClient(t, s)
	page := ana2.get("/reset?token=" + m[1])
	if page.status != http.StatusOK {
		t.Fatalf("reset page: %d", page.status)
	}
	form := url.Values{"token": {m[1]}, "password": {"tulip-harbour-57"}, "confirm_password": {"tulip-harbour-75"}, "_csrf": {ana2.token}}
	if r := ana2.postForm("/reset", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, mismatch) {
		t.Fatalf("reset typed twice differently: %d, want 422 saying %q: %s", r.status, mismatch, r.body)
	}
	form.Set("confirm_password", "tulip-harbour-57")
	if r := ana2.postForm("/reset", form); r.status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := ana2.postForm("/reset", form); r.status != http.StatusNotFound {
		t.Fatalf("the reset link used twice: %d, want 404", r.status)
	}
	if r := ana2.loginFrom("", ana.Email, "tulip-harbour-57"); r.status != http.StatusSeeOther {
		t.Fatalf("log in with the new password: %d", r.status)
	}

	// Delete: the study passes to the admin.
	wantBody(t, admin.get("/admin/users/"+itoa(ana.ID)+"/delete"), "<h1>Delete "+ana.Email+"?</h1>",
		"Its 1 study passes to you, with every response.", `action="/admin/users/`+itoa(ana.ID)+`/delete"`, `href="/admin/users">Cancel</a>`)
	r = admin.postForm("/admin/users/"+itoa(ana.ID)+"/delete", url.Values{"_csrf": {admin.csrf()}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "1 of their studies passed to you") {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if got, err := s.store.Study(ctx, adminUser, st.ID); err != nil || got.OwnerID != adminUser.ID {
		t.Fatalf("the deleted user's study: %v, %v", got, err)
	}
	if r := ana2.get("/studies"); r.status != http.StatusFound {
		t.Fatalf("the deleted user's session: %d, want a login redirect", r.status)
	}
}

// TestHardeningRemovedCollaboratorLosesTheirShareLinks: removing a
// collaborator revokes the links they made of that study, not the owner's;
// the Share tab names each link's creator.
func TestHardeningRemovedCollaboratorLosesTheirShareLinks(t *testing.T) {
	s := parallelServer(t)
	ctx := context.Background()
	owner := mustUser(t, s, "owner@example.com", accounts.RoleResearcher)
	colleague := mustUser(t, s, "colleague@example.com", accounts.RoleResearcher)
	st, err := s.store.CreateStudy(ctx, owner, surveys.StudyInput{Name: ptr("Shared study")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.AddMember(ctx, owner, st.ID, surveys.MemberInput{Email: colleague.Email}); err != nil {
		t.Fatal(err)
	}
	theirs, _, err := s.results.CreateShare(ctx, colleague, mustDesign(t, s, colleague, st.ID), results.ShareInput{})
	if err != nil {
		t.Fatal(err)
	}
	mine, _, err := s.results.CreateShare(ctx, owner, mustDesign(t, s, owner, st.ID), results.ShareInput{})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	c.login(owner.Email)
	page := c.get("/studies/" + itoa(st.ID) + "/share")
	if !strings.Contains(page.body, `<td data-label="By">colleague@example.com</td>`) || !strings.Contains(page.body, `<td data-label="By">owner@example.com</td>`) {
		t.Fatalf("the Share tab does not name each link's creator: %s", page.body)
	}
	r := c.postForm("/studies/"+itoa(st.ID)+"/members/"+itoa(colleague.ID)+"/delete", url.Values{"_csrf": {c.csrf()}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("remove collaborator: %d %s", r.status, r.body)
	}
	reader := newClient(t, s)
	if got := reader.get("/r/" + theirs).status; got != http.StatusNotFound {
		t.Fatalf("the removed collaborator's link: %d, want 404", got)
	}
	if got := reader.get("/r/" + mine).status; got != http.StatusOK {
		t.Fatalf("the owner's link: %d, want 200", got)
	}
	var shares []results.Share
	c.do("GET", "/api/v1/studies/"+itoa(st.ID)+"/shares", "", "").json(t, &shares)
	if len(shares) != 2 || shares[1].Creator != colleague.Email || shares[1].RevokedAt == nil || shares[0].RevokedAt != nil {
		t.Fatalf("shares after removal: %+v", shares)
	}
}

// TestHardeningPasswordRules: short and common passwords are refused with
// the field named, on every path that sets one.
func TestHardeningPasswordRules(t *testing.T) {
	s := parallelServer(t)
	admin := newClient(t, s)
	mustUser(t, s, "admin@example.com", accounts.RoleAdmin)
	admin.login("admin@example.com")
	for _, tc := range []struct{ password, want string }{
		{"short-1", "must be at least 10 characters"},
		{"password123", "is one of the most common passwords"},
		{"Qwertyuiop", "is one of the most common passwords"},
		{"olive-kettle-93", ""},
	} {
		r := admin.postForm("/admin/users", url.Values{"email": {"n" + strconv.Itoa(len(tc.password)) + "@example.com"}, "password": {tc.password}, "role": {"researcher"}, "_csrf": {admin.csrf()}})
		switch {
		case tc.want == "" && r.status != http.StatusSeeOther:
			t.Errorf("%q refused: %d", tc.password, r.status)
		case tc.want != "" && (r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "password "+tc.want)):
			t.Errorf("%q: %d, want 422 saying %q", tc.password, r.status, tc.want)
		}
	}
	// A user changing their own password: the current one must be right,
	// and their other sessions end.
	mustUser(t, s, "ana@example.com", accounts.RoleResearcher)
	laptop, phone := newClient(t, s), newClient(t, s)
	laptop.login("ana@example.com")
	phone.login("ana@example.com")
	change := func(current, next string) reply {
		return laptop.postForm("/settings/password", url.Values{"current_password": {current}, "new_password": {next}, "confirm_password": {next}, "_csrf": {laptop.csrf()}})
	}
	r := laptop.postForm("/settings/password", url.Values{"current_password": {"olive-kettle-93"}, "new_password": {"tulip-harbour-57"}, "confirm_password": {"tulip-harbour-75"}, "_csrf": {laptop.csrf()}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, mismatch) {
		t.Fatalf("new password typed twice differently: %d, want 422 saying %q", r.status, mismatch)
	}
	if r := change("not it at all", "tulip-harbour-57"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "is not your current password") {
		t.Fatalf("wrong current password: %d", r.status)
	}
	if r := change("olive-kettle-93", "tulip-harbour-57"); r.status != http.StatusOK || !strings.Contains(r.body, "Your password is changed") {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if laptop.get("/studies").status != http.StatusOK || phone.get("/studies").status != http.StatusFound {
		t.Fatal("after a password change, this session must stay and the other end")
	}
}

// mismatch is how both forms that set a password show a second typing that
// differs from the first, beside its box.
const mismatch = `<p class="field-error" id="confirm_password-err">It does not match the new password</p>`

func ptr[T any](v T) *T { return &v }
