package app

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
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

// A body over --body-limit on an import route is read only for a caller who
// may see the study; anyone else is answered on the headers alone, told why,
// instead of being asked for the body (Expect: 100-continue, as curl sends
// for a large file, makes the server say which it does).
func TestHardeningLargeBodyNeedsAccessToTheStudy(t *testing.T) {
	t.Parallel()
	s, url := uploadServer(t)
	owner := api(t, s, "owner@example.com", "researcher")
	id := newStudy(t, owner, "Mine")
	stranger := api(t, s, "stranger@example.com", "researcher")
	browser := newClient(t, s)
	browser.login("owner@example.com")
	path := "/api/v1/studies/" + itoa(id) + "/outcomes/import"
	body := "statement\n" + strings.Repeat("Minimize the time it takes to find a decision\n", 2500) // 115 kB, twice the body limit

	tests := []struct {
		name   string
		header []string
		read   bool // the server asks for the body
		want   int
		msg    string // in the answer
	}{
		{"no credentials", nil, false, http.StatusUnauthorized, "authentication required"},
		{"a made-up bearer token", []string{"Authorization", "Bearer odi_made-up"}, false, http.StatusUnauthorized, "invalid or revoked API token"},
		{"a made-up session cookie", []string{"Cookie", sessionCookie + "=made-up"}, false, http.StatusUnauthorized, "authentication required"},
		{"a user without access to the study", []string{"Authorization", "Bearer " + stranger.bearer}, false, http.StatusNotFound, "not found"},
		{"the owner's token", []string{"Authorization", "Bearer " + owner.bearer}, true, http.StatusUnprocessableEntity, "validation failed"},
		{"the owner's session", []string{
			"Cookie", sessionCookie + "=" + browser.cookies[sessionCookie],
			"X-Csrf-Token", browser.csrf(),
		}, true, http.StatusUnprocessableEntity, "validation failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startUpload(t, url, path, len(body), tt.header...)
			status, msg := r.answer()
			if read := status == http.StatusContinue; read != tt.read {
				t.Fatalf("asked for the body: %v, want %v (%d %s)", read, tt.read, status, msg)
			}
			if tt.read {
				r.send(body)
				status, msg = r.answer()
			}
			if status != tt.want || !strings.Contains(msg, tt.msg) {
				t.Fatalf("got %d %s, want %d with %q", status, msg, tt.want, tt.msg)
			}
		})
	}
}

// At most uploadSlots large bodies are taken at once. One more is told to
// come back shortly, and a client that vanishes mid-upload gives its place
// back at once.
func TestHardeningLargeUploadsAreBounded(t *testing.T) {
	t.Parallel()
	s, url := uploadServer(t)
	owner := api(t, s, "owner@example.com", "researcher")
	path := "/api/v1/studies/" + itoa(newStudy(t, owner, "Mine")) + "/responses/import"
	auth := []string{"Authorization", "Bearer " + owner.bearer}
	const size = 1 << 20

	var held []*upload
	for range uploadSlots {
		r := startUpload(t, url, path, size, auth...)
		if status, msg := r.answer(); status != http.StatusContinue {
			t.Fatalf("upload %d of %d refused: %d %s", len(held)+1, uploadSlots, status, msg)
		}
		r.send(strings.Repeat("x", 1000))
		held = append(held, r)
	}
	extra := startUpload(t, url, path, size, auth...)
	status, msg := extra.answer()
	if status != http.StatusServiceUnavailable || extra.resp.Header.Get("Retry-After") == "" || !strings.Contains(msg, "too many uploads") {
		t.Fatalf("upload %d: %d %s (Retry-After %q), want 503 saying why, with Retry-After", uploadSlots+1, status, msg, extra.resp.Header.Get("Retry-After"))
	}

	// The place is free once the server has read the end of the vanished
	// body, which a busy machine may take a while to do.
	held[0].conn.Close() // gone mid-upload
	deadline := time.Now().Add(30 * time.Second)
	for attempt := 1; ; attempt++ {
		status, msg := startUpload(t, url, path, size, auth...).answer()
		if status == http.StatusContinue {
			t.Logf("%d uploads in flight, one more answered 503; once a client vanished mid-upload, the next was taken on attempt %d", uploadSlots, attempt)
			break
		}
		if status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("attempt %d after a client vanished mid-upload: %d %s", attempt, status, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// uploadLimits is a server whose body limit is 64 kB and import limit 4 MB;
// uploadServer serves one.
func uploadLimits(t *testing.T) *Server {
	return serverWith(t, func(cfg *Config) { cfg.BodyLimit, cfg.ImportLimit = 64<<10, 4<<20 })
}

func uploadServer(t *testing.T) (*Server, string) {
	s := uploadLimits(t)
	return s, serve(t, s)
}

// upload is a POST on its own connection that expects 100-continue: the
// server answers its headers with 100 when it will read the body, and the
// body goes only when the test says.
type upload struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	resp *http.Response
}

func startUpload(t *testing.T, base, path string, length int, header ...string) *upload {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var h strings.Builder
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&h, "%s: %s\r\n", header[i], header[i+1])
	}
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: odi.test\r\nContent-Type: text/csv\r\nContent-Length: %d\r\nExpect: 100-continue\r\n%s\r\n",
		path, length, h.String())
	return &upload{t: t, conn: conn, br: bufio.NewReader(conn)}
}

func (u *upload) send(body string) {
	if _, err := io.WriteString(u.conn, body); err != nil {
		u.t.Fatalf("send the body: %v", err)
	}
}

// answer reads the server's next answer: 100 Continue or the final one.
func (u *upload) answer() (status int, body string) {
	u.t.Helper()
	u.conn.SetReadDeadline(time.Now().Add(time.Minute))
	resp, err := http.ReadResponse(u.br, nil)
	if err != nil {
		u.t.Fatalf("read the answer: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	u.resp = resp
	return resp.StatusCode, string(b)
}

// Bodies stream in, so a body of unknown length (chunked) is bounded as it
// is read: past --body-limit, or --import-limit on an import, it is refused
// with 413 naming the limit, and the connection that still carries the rest
// of it is closed rather than read as the next request.
func TestChunkedBodiesAreBoundedAsTheyArrive(t *testing.T) {
	t.Parallel()
	s, url := uploadServer(t) // body limit 64 kB, import limit 4 MB
	owner := api(t, s, "owner@example.com", "researcher")
	id := newStudy(t, owner, "Mine")
	imp := "/api/v1/studies/" + itoa(id) + "/responses/import"

	tests := []struct {
		name, path, bearer string
		size               int
		want               int
		msg                string
	}{
		{"an anonymous body over the body limit", "/api/v1/studies/" + itoa(id), "", 100 << 10, http.StatusRequestEntityTooLarge, "limit of 65536 bytes"},
		{"an anonymous file over the body limit on an import", imp, "", 100 << 10, http.StatusRequestEntityTooLarge, "limit of 65536 bytes"},
		{"the owner's file under the import limit", imp, owner.bearer, 1 << 20, http.StatusUnprocessableEntity, "validation failed"},
		{"the owner's file over the import limit", imp, owner.bearer, 5 << 20, http.StatusRequestEntityTooLarge, "limit of 4194304 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			auth := ""
			if tt.bearer != "" {
				auth = "Authorization: Bearer " + tt.bearer + "\r\n"
			}
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: odi.test\r\n%sContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n", tt.path, auth)
			go func() { // fails harmlessly once the server has answered and closed
				chunk := strings.Repeat("x", 32<<10)
				for sent := 0; sent < tt.size; sent += len(chunk) {
					if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
						return
					}
				}
				// Then a second request, which a server that lost track of
				// the first body's end would answer.
				fmt.Fprintf(conn, "0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: odi.test\r\n\r\n")
			}()
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want || !strings.Contains(string(b), tt.msg) {
				t.Fatalf("got %d %s, want %d with %q", resp.StatusCode, b, tt.want, tt.msg)
			}
			if tt.want == http.StatusRequestEntityTooLarge {
				if next, err := http.ReadResponse(br, nil); err == nil {
					t.Fatalf("after the refused body, the connection answered another request: %d", next.StatusCode)
				}
			}
		})
	}
}
