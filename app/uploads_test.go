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
