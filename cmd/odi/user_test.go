package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHardeningUserDisableEnablePasswd: the CLI's account chores take effect
// on a running server at once: a disabled account's token and login stop
// working, a new password set on stdin logs in and the old one does not.
func TestHardeningUserDisableEnablePasswd(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "odi.db")
	odi := func(stdin string, args ...string) (string, int) { return runODI(t, db, stdin, args...) }
	if out, code := odi("olive-kettle-93\n", "user", "add", "--email", "admin@example.com", "--role", "admin"); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	if out, code := odi("olive-kettle-93\n", "user", "add", "--email", "ana@example.com"); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	token, _ := odi("", "token", "create", "--email", "ana@example.com")
	_, base, _ := startODI(t, db)
	api := func() int {
		req, _ := http.NewRequest("GET", base+"/api/v1/studies", nil)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := api(); got != http.StatusOK {
		t.Fatalf("token before: %d", got)
	}
	if out, code := odi("", "user", "disable", "--email", "ana@example.com"); code != 0 || !strings.Contains(out, "disabled ana@example.com") {
		t.Fatalf("user disable: %d %q", code, out)
	}
	if got := api(); got != http.StatusUnauthorized {
		t.Fatalf("token of a disabled account: %d, want 401", got)
	}
	if got := webLogin(t, base, "ana@example.com", "olive-kettle-93"); got != http.StatusUnauthorized {
		t.Fatalf("login of a disabled account: %d, want 401", got)
	}
	if out, code := odi("", "user", "enable", "--email", "ana@example.com"); code != 0 {
		t.Fatalf("user enable: %d %q", code, out)
	}
	if got := api(); got != http.StatusUnauthorized {
		t.Fatalf("a token revoked by disabling works again after enabling: %d", got)
	}
	for _, tc := range []struct {
		stdin string
		code  int
		msg   string
	}{
		{"short\n", 1, "password: must be at least 10 characters"},
		{"iloveyou12\n", 1, "password: is one of the most common passwords"},
		{"tulip-harbour-57\n", 0, "password of ana@example.com changed"},
	} {
		if out, code := odi(tc.stdin, "user", "passwd", "--email", "ana@example.com"); code != tc.code || !strings.Contains(out, tc.msg) {
			t.Errorf("passwd %q: exit %d %q, want %d with %q", tc.stdin, code, out, tc.code, tc.msg)
		}
	}
	if got := webLogin(t, base, "ana@example.com", "olive-kettle-93"); got != http.StatusUnauthorized {
		t.Fatalf("login with the old password: %d, want 401", got)
	}
	if got := webLogin(t, base, "ana@example.com", "tulip-harbour-57"); got != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d, want 303", got)
	}
	if out, code := odi("", "user", "disable", "--email", "admin@example.com"); code != 1 || !strings.Contains(out, "last admin") {
		t.Fatalf("disabling the last admin: %d %q", code, out)
	}
	if out, code := odi("", "user", "forget", "--email", "ana@example.com"); code != 2 || !strings.Contains(out, "usage: odi user") {
		t.Fatalf("unknown verb: %d %q", code, out)
	}
}

var csrfMeta = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// webLogin logs in through the real form, as a browser would, and answers
// the status of the form's POST.
func webLogin(t *testing.T, base, email, password string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfMeta.FindSubmatch(page)
	if m == nil {
		t.Fatalf("login page has no CSRF token: %s", page)
	}
	resp, err = c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "_csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
