package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"odi/surveys/surveystest"
)

// recordedLogs is a slog handler that keeps every record, for tests of what
// the server logs.
type recordedLogs struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *recordedLogs) Enabled(context.Context, slog.Level) bool { return true }
func (l *recordedLogs) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *recordedLogs) WithGroup(string) slog.Handler            { return l }

func (l *recordedLogs) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Clone())
	return nil
}

// atLeast is every record logged at level or above.
func (l *recordedLogs) atLeast(level slog.Level) []slog.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []slog.Record
	for _, r := range l.records {
		if r.Level >= level {
			out = append(out, r)
		}
	}
	return out
}

// TestHardeningStaticTraversalIs404WithoutError: paths under /static that
// climb out of it or name no file are a quiet 404 over the wire, never a 500
// with an ERROR line an attacker can fill the log with.
func TestHardeningStaticTraversalIs404WithoutError(t *testing.T) {
	t.Parallel()
	logs := &recordedLogs{}
	cfg := Defaults()
	s := New(cfg, surveystest.SQLite(t), slog.New(logs))
	base := serve(t, s)
	cases := []struct {
		path string
		want int
	}{
		{"/static/odi.css", http.StatusOK},
		{"/static/../../etc/passwd", http.StatusNotFound},
		{"/static/%2e%2e/x", http.StatusNotFound},
		{"/static/x/../../y", http.StatusNotFound},
		{"/static/..%2f..%2fetc/passwd", http.StatusNotFound},
		{"/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd", http.StatusNotFound},
		{"/static/./odi.css", http.StatusNotFound},
		{"/static//odi.css", http.StatusNotFound},
		{"/static/..", http.StatusNotFound},
		{"/static/.", http.StatusNotFound},
		{"/static/", http.StatusNotFound},
	}
	for _, tc := range cases {
		req, err := http.NewRequest("GET", base+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if req.URL.RequestURI() != tc.path {
			t.Fatalf("the client would send %q, not %q", req.URL.RequestURI(), tc.path)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.want)
		}
	}
	loud := logs.atLeast(slog.LevelWarn)
	for _, r := range loud {
		t.Errorf("logged at %s: %s", r.Level, r.Message)
	}
	t.Logf("%d paths under /static over a real listener: odi.css 200, every traversal or empty name 404; %d records logged, %d at WARN or above",
		len(cases), len(logs.atLeast(slog.LevelDebug)), len(loud))
}

// Browsers ask for /favicon.ico on every site without being told: odi has one.
func TestFaviconIsServed(t *testing.T) {
	r := newClient(t, parallelServer(t)).get("/favicon.ico")
	if r.status != http.StatusOK || !strings.HasPrefix(r.body, "\x00\x00\x01\x00") || r.header.Get("Content-Type") != "image/x-icon" {
		t.Fatalf("/favicon.ico: %d %q %q", r.status, r.header.Get("Content-Type"), r.body[:min(len(r.body), 8)])
	}
}
