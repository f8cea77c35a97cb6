package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// listen serves s on a real loopback listener until the test ends, for what
// only the HTTP server itself enforces, and returns its base URL.
func listen(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

// An ordinary body over --body-limit is refused before it is read; an
// import's file may be larger, up to --import-limit. Through a real listener:
// the HTTP server enforces the limits, before any handler runs.
func TestBodyLimitsArePerRoute(t *testing.T) {
	base := newTestServer(t)
	cfg := base.cfg
	cfg.BodyLimit, cfg.ImportLimit = 64<<10, 1<<20
	s := New(cfg, base.store, base.log)
	c := api(t, s, "r@example.com", "researcher")
	id, slug := publishedStudy(t, s, c)
	draft := newStudy(t, c, "Draft")
	big := `{"submission_id": "` + strings.Repeat("x", 100<<10) + `"}`

	tests := []struct {
		name, method, path, contentType, body string
		want                                  int
	}{
		{"submission over the body limit", "POST", "/api/v1/s/" + slug + "/responses", "application/json", big, http.StatusRequestEntityTooLarge},
		{"study edit over the body limit", "PATCH", "/api/v1/studies/" + itoa(draft), "application/json", big, http.StatusRequestEntityTooLarge},
		{"outcomes file over the body limit, under the import limit", "POST", "/api/v1/studies/" + itoa(draft) + "/outcomes/import", "text/csv",
			"statement\n" + strings.Repeat("Minimize the time it takes to find a decision\n", 2500), http.StatusUnprocessableEntity},
		{"responses file under the import limit", "POST", "/api/v1/studies/" + itoa(id) + "/responses/import", "text/csv",
			"respondent_id,status\n" + strings.Repeat("r,complete\n", 10000), http.StatusUnprocessableEntity},
		{"responses file over the import limit", "POST", "/api/v1/studies/" + itoa(id) + "/responses/import", "text/csv",
			strings.Repeat("x", 2<<20), http.StatusRequestEntityTooLarge},
	}
	url := listen(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, url+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tt.contentType)
			req.Header.Set("Authorization", "Bearer "+c.bearer)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("%d bytes: status %d, want %d: %.200s", len(tt.body), resp.StatusCode, tt.want, body)
			}
		})
	}
}

// Behind a trusted proxy each respondent is throttled on their own address;
// from an untrusted peer X-Forwarded-For changes nothing.
func TestFloodLimitTrustsOnlyConfiguredProxies(t *testing.T) {
	for _, tt := range []struct {
		name     string
		proxies  []string
		want429s bool
	}{
		{"no proxy configured", nil, true},
		{"behind a trusted proxy", []string{"0.0.0.0/0"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := newTestServer(t)
			cfg := base.cfg
			cfg.SubmitLimit, cfg.Proxies = 3, tt.proxies
			s := New(cfg, base.store, base.log)
			c := api(t, s, "r@example.com", "researcher")
			_, slug := publishedStudy(t, s, c)
			anon := newClient(t, s)
			limited := 0
			for i := range 10 {
				r := anon.do("POST", "/api/v1/s/"+slug+"/responses?dry_run=1", "application/json", `{}`,
					"X-Forwarded-For", "203.0.113."+itoa(i+1))
				if r.status == http.StatusTooManyRequests {
					limited++
				}
			}
			if (limited > 0) != tt.want429s {
				t.Fatalf("%d of 10 respondents from 10 addresses got 429", limited)
			}
		})
	}
}

// The kv table keeps session ids hashed: a copy of the database does not
// log anyone in.
func TestSessionIDsAreStoredHashed(t *testing.T) {
	s := newTestServer(t)
	mustUser(t, s, "ana@example.com", "researcher")
	c := newClient(t, s)
	c.login("ana@example.com")
	sid := c.cookies["odi_session"]
	if sid == "" {
		t.Fatal("no session cookie after login")
	}
	var keys []string
	if err := s.store.DB().Table("kv").Pluck("key", &keys).Error; err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.Contains(k, sid) {
			t.Fatalf("the session id is a kv key in clear: %q", k)
		}
	}
	if r := c.get("/studies"); r.status != http.StatusOK {
		t.Fatalf("the hashed session does not log in: %d", r.status)
	}
}
