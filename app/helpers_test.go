package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// newTestServer is the real router on a fresh SQLite file.
func newTestServer(t testing.TB) *Server {
	t.Helper()
	cfg := Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.BaseURL = "http://odi.test"
	s := New(cfg, surveystest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(s.fieldwork.Close) // before the store's own cleanup closes the database
	return s
}

// serverWith is newTestServer with its configuration changed first, for a
// test of the limits and flags a deployment sets.
func serverWith(t testing.TB, change func(*Config)) *Server {
	t.Helper()
	base := newTestServer(t)
	cfg := base.cfg
	change(&cfg)
	return New(cfg, base.store, base.log)
}

// parallelServer is newTestServer for a test that runs beside the others:
// its server and SQLite file are its own.
func parallelServer(t *testing.T) *Server {
	t.Parallel()
	return newTestServer(t)
}

// countResponses is how many responses the database holds, of any study.
func countResponses(t *testing.T, s *Server) int64 {
	t.Helper()
	var n int64
	if err := s.store.DB().Model(&surveys.Response{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// researcherServer is parallelServer with r@example.com, a researcher,
// calling its API with a token.
func researcherServer(t *testing.T) (*Server, *client) {
	s := parallelServer(t)
	return s, api(t, s, "r@example.com", "researcher")
}

// loggedInServer is researcherServer for the web pages: r@example.com logged
// in through the login form, as a browser is.
func loggedInServer(t *testing.T) (*Server, *client) {
	s := parallelServer(t)
	return s, loggedIn(t, s, "r@example.com")
}

// App is the Fiber application, for tests that drive it with app.Test.
func (s *Server) App() *fiber.App { return s.app }

func mustUser(t testing.TB, s *Server, email, role string) *accounts.User {
	t.Helper()
	u, err := s.accounts.CreateUser(context.Background(), accounts.NewUser{Email: email, Password: "olive-kettle-93", Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// userByEmail is the stored account of email, made with mustUser or through
// the setup and admin pages.
func userByEmail(t testing.TB, s *Server, email string) *accounts.User {
	t.Helper()
	u, err := s.accounts.UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// loadSample stores a study generated from cfg, owned by the account of
// email, as odi demo does; the dataset is what the study holds.
func loadSample(t testing.TB, s *Server, email string, cfg sample.Config) (*surveys.Study, *sample.Dataset) {
	t.Helper()
	ds := sample.Generate(cfg)
	st, err := s.fieldwork.LoadSample(t.Context(), userByEmail(t, s, email), ds)
	if err != nil {
		t.Fatal(err)
	}
	return st, ds
}

func mustToken(t testing.TB, s *Server, u *accounts.User) string {
	t.Helper()
	plain, _, err := s.accounts.CreateToken(context.Background(), u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// client is a browser-like caller: it keeps cookies between requests.
type client struct {
	t       testing.TB
	s       *Server
	cookies map[string]string
	bearer  string
	token   string // the CSRF token of the last page that carried one
}

func newClient(t testing.TB, s *Server) *client {
	return &client{t: t, s: s, cookies: map[string]string{}}
}

type reply struct {
	status int
	header http.Header
	body   string
}

func (r reply) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

func (c *client) do(method, path, contentType, body string, header ...string) reply {
	c.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.s.App().Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == "odi_session" {
			c.token = "" // a new session has a token of its own
		}
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	if m := csrfMeta.FindSubmatch(b); m != nil {
		c.token = string(m[1])
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (c *client) get(path string) reply { return c.do("GET", path, "", "", "Accept", "text/html") }

// postForm submits a form the way the page does, with the CSRF token it was given.
func (c *client) postForm(path string, v url.Values) reply {
	return c.do("POST", path, "application/x-www-form-urlencoded", v.Encode())
}

func (c *client) postJSON(path string, body any) reply {
	c.t.Helper()
	b, _ := json.Marshal(body)
	return c.do("POST", path, "application/json", string(b), "X-Csrf-Token", c.csrf())
}

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// csrf is the token the server issued, as a page's meta tag carries it; a
// client that has seen no page yet opens one to get it.
func (c *client) csrf() string {
	if c.token == "" {
		c.get("/studies")
	}
	return c.token
}

// login logs in through the real form.
func (c *client) login(email string) {
	c.t.Helper()
	page := c.get("/login")
	m := csrfMeta.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("login page has no CSRF token: %d %s", page.status, page.body)
	}
	r := c.postForm("/login", url.Values{"email": {email}, "password": {"olive-kettle-93"}, "_csrf": {m[1]}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("login as %s: %d %s", email, r.status, r.body)
	}
}

func itoa[T int64 | int](n T) string { return strconv.FormatInt(int64(n), 10) }

func hashForTest(s string) string { return accounts.HashSecret(s) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// mustDesign is a study's design as the study-access middleware resolves it.
func mustDesign(t testing.TB, s *Server, u *accounts.User, id int64) *surveys.Design {
	t.Helper()
	return surveystest.Design(t, s.store, u, id)
}
