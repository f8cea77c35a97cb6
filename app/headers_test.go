package app

import (
	"io"
	"log/slog"
	"testing"

	"odi/surveys/surveystest"
)

// TestHardeningHSTSWhenBaseURLIsHTTPS: every answer, pages, assets, API
// errors and 404s alike, tells browsers to stay on https when odi's public
// URL is https, and none does when it is http.
func TestHardeningHSTSWhenBaseURLIsHTTPS(t *testing.T) {
	t.Parallel()
	paths := []string{"/healthz", "/login", "/static/odi.css", "/api/v1/studies", "/no-such-page"}
	for _, tc := range []struct{ baseURL, want string }{
		{"https://odi.example.com", "max-age=63072000; includeSubDomains"},
		{"http://odi.example.com", ""},
		{"", ""},
	} {
		cfg := Defaults()
		cfg.BaseURL = tc.baseURL
		s := New(cfg, surveystest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
		c := newClient(t, s)
		for _, p := range paths {
			r := c.get(p)
			if got := r.header.Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("base URL %q, GET %s (%d): Strict-Transport-Security %q, want %q", tc.baseURL, p, r.status, got, tc.want)
			}
		}
		t.Logf("base URL %q: %d answers (200, 401, 404), Strict-Transport-Security %q", tc.baseURL, len(paths), tc.want)
	}
}
