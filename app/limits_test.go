package app

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// An ordinary body over --body-limit is refused before it is read; an
// import's file may be larger, up to --import-limit. Through a real listener:
// the HTTP server enforces the limits, before any handler runs.
func TestBodyLimitsArePerRoute(t *testing.T) {
	t.Parallel()
	s := serverWith(t, func(cfg *Config) { cfg.BodyLimit, cfg.ImportLimit = 64<<10, 1<<20 })
	c := api(t, s, "r@example.com", "researcher")
	id, slug := publishedStudy(t, s, c)
	draft := newStudy(t, c, "Draft")
	big := `{"submission_id": "` + strings.Repeat("x", 100<<10) + `"}`

	tests := []struct {
		name, method, path, contentType, body string
		want                                  int
		anonymous                             bool // send no credentials
	}{
		{"submission over the body limit", "POST", "/api/v1/s/" + slug + "/responses", "application/json", big, http.StatusRequestEntityTooLarge, false},
		{"study edit over the body limit", "PATCH", "/api/v1/studies/" + itoa(draft), "application/json", big, http.StatusRequestEntityTooLarge, false},
		{"outcomes file over the body limit, under the import limit", "POST", "/api/v1/studies/" + itoa(draft) + "/outcomes/import", "text/csv",
			"statement\n" + strings.Repeat("Minimize the time it takes to find a decision\n", 2500), http.StatusUnprocessableEntity, false},
		{"responses file under the import limit", "POST", "/api/v1/studies/" + itoa(id) + "/responses/import", "text/csv",
			"respondent_id,status\n" + strings.Repeat("r,complete\n", 10000), http.StatusUnprocessableEntity, false},
		{"a segmentation's members over the body limit, under the import limit", "POST", "/api/v1/studies/" + itoa(id) + "/segmentations", "application/json",
			`{"key": "needs", "labels": ["a"], "members": {"` + strings.Repeat("x", 100<<10) + `": 0}}`, http.StatusUnprocessableEntity, false},
		{"responses file over the import limit", "POST", "/api/v1/studies/" + itoa(id) + "/responses/import", "text/csv",
			strings.Repeat("x", 2<<20), http.StatusRequestEntityTooLarge, false},
		{"an anonymous file over the body limit", "POST", "/api/v1/studies/" + itoa(id) + "/responses/import", "text/csv",
			strings.Repeat("x", 100<<10), http.StatusUnauthorized, true}, // refused unread, saying why
		{"a file for a new study, over the body limit, under the import limit", "POST", "/api/v1/studies/from-file?dry_run=1", "text/csv",
			"O01_imp,O01_sat\n" + strings.Repeat("4,2\n", 30000), http.StatusOK, false},
		{"an anonymous file for a new study over the body limit", "POST", "/api/v1/studies/from-file", "text/csv",
			strings.Repeat("x", 100<<10), http.StatusUnauthorized, true},
		{"a large body on a path that only ends like an import", "POST", "/r/x/import", "text/csv",
			strings.Repeat("x", 100<<10), http.StatusRequestEntityTooLarge, false},
	}
	url := serve(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bearer := c.bearer
			if tt.anonymous {
				bearer = ""
			}
			if got := sendForStatus(t, url, bearer, tt.method, tt.path, tt.contentType, tt.body); got != tt.want {
				t.Fatalf("%d bytes: status %d, want %d", len(tt.body), got, tt.want)
			}
		})
	}
}

// sendForStatus sends a request and returns its status. It writes the headers
// first and the body only while the server has not answered: a server that
// refuses a body by its Content-Length answers and closes the connection
// before reading it, and a client that insisted on writing it all would see
// only the reset.
func sendForStatus(t *testing.T, base, bearer, method, path, contentType, body string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	auth := ""
	if bearer != "" {
		auth = "Authorization: Bearer " + bearer + "\r\n"
	}
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: odi.test\r\n%sContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		method, path, auth, contentType, len(body))
	go io.Copy(conn, strings.NewReader(body)) // fails harmlessly once the server has answered and closed
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Behind a trusted proxy each respondent is throttled on their own address;
// from an untrusted peer X-Forwarded-For changes nothing.
func TestFloodLimitTrustsOnlyConfiguredProxies(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		proxies  []string
		want429s bool
	}{
		{"no proxy configured", nil, true},
		{"behind a trusted proxy", []string{"0.0.0.0/32"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := serverWith(t, func(cfg *Config) { cfg.SubmitLimit, cfg.Proxies = 3, tt.proxies })
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
			if tt.proxies == nil {
				return
			}
			// One client writing a new address of its own at the front of
			// the header each time is still one client: the proxy appended
			// its real address.
			spoofed := 0
			for i := range 10 {
				r := anon.do("POST", "/api/v1/s/"+slug+"/responses?dry_run=1", "application/json", `{}`,
					"X-Forwarded-For", "10.9.9."+itoa(i+1)+", 198.51.100.7")
				if r.status == http.StatusTooManyRequests {
					spoofed++
				}
			}
			if spoofed == 0 {
				t.Fatalf("a client picking its own X-Forwarded-For was never throttled")
			}
		})
	}
}
