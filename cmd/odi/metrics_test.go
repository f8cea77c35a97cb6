package main

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardeningMetricsAddr: with --metrics-addr, /metrics is served on that
// listener only; the public address answers 404 for it and still serves
// everything else.
func TestHardeningMetricsAddr(t *testing.T) {
	t.Parallel()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metrics := "http://" + free.Addr().String()
	free.Close()
	_, base, _ := startODI(t, filepath.Join(t.TempDir(), "odi.db"), "--metrics-addr", free.Addr().String())

	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		url  string
		want int
	}{
		{base + "/healthz", http.StatusOK},
		{base + "/metrics", http.StatusNotFound},
		{metrics + "/metrics", http.StatusOK},
		{metrics + "/healthz", http.StatusNotFound},
		{metrics + "/login", http.StatusNotFound},
	} {
		status, body := get(tc.url)
		if status != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.url, status, tc.want)
		}
		if status == http.StatusOK && strings.HasSuffix(tc.url, "/metrics") && !strings.Contains(body, "odi_http_requests_total") {
			t.Errorf("GET %s: no odi_http_requests_total in %.200q", tc.url, body)
		}
		t.Logf("GET %s: %d", tc.url, status)
	}
}
