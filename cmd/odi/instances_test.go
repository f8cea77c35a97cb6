package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"odi/surveys/surveystest"
)

// proxied is a deployment of two odi instances on one PostgreSQL behind
// HAProxy. Every request of the test goes through the proxy: by default
// round robin, or to the instance a request names in X-Odi-Instance (a or
// b), and the proxy says in X-Served-By which instance answered.
type proxied struct {
	base  string // the proxy
	db    string
	token string // an admin's API token
	a, b  *odiProc
}

// haproxyConfig is the proxy of proxied; README.md, "Several instances",
// shows the same configuration without the test's routing header.
const haproxyConfig = `global
  maxconn 2000
defaults
  mode http
  option forwardfor
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend web
  bind 127.0.0.1:%d
  default_backend odi
backend odi
  balance roundrobin
  use-server a if { req.hdr(x-odi-instance) -m str a }
  use-server b if { req.hdr(x-odi-instance) -m str b }
  http-response set-header X-Served-By %%s
  server a %s
  server b %s
`

func startProxied(t *testing.T, env ...string) *proxied {
	t.Helper()
	bin := surveystest.Tool(t, "haproxy", "two instances on PostgreSQL behind HAProxy", "HAProxy (apt install haproxy)")
	db := surveystest.PostgresURL(t)
	p := &proxied{db: db, token: demoDB(t, db, 40)}
	env = append(env, "ODI_TRUSTED_PROXIES=127.0.0.1")
	p.a, p.b = launch(t, db, env...), launch(t, db, env...)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	host := func(p *odiProc) string { return strings.TrimPrefix(p.base, "http://") }
	if err := os.WriteFile(cfg, fmt.Appendf(nil, haproxyConfig, port, host(p.a), host(p.b)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-db", "-f", cfg)
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p.base = fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("HAProxy did not serve /healthz within 30 s: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// browser is a client with its own cookies, as one person's browser.
type browser struct {
	t *testing.T
	p *proxied
	c *http.Client
}

func (p *proxied) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, p: p, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// api sends a JSON request with the admin's token through the proxy to the
// named instance, decodes the answer into out (when not nil) and returns
// the status.
func (b *browser) api(instance, method, path string, in, out any) int {
	b.t.Helper()
	var body io.Reader
	if in != nil {
		raw, _ := json.Marshal(in)
		body = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, b.p.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+b.p.token)
	req.Header.Set("X-Odi-Instance", instance)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Errorf("%s %s: %v", method, path, err)
		return 0
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		b.t.Logf("%s %s on %s: %d %s", method, path, instance, resp.StatusCode, raw)
	} else if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			b.t.Errorf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode
}

// do sends a request through the proxy to the named instance ("" for round
// robin) and returns the status, the body and the instance that answered.
func (b *browser) do(instance, method, path string, form url.Values, header ...string) (int, string, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.p.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if instance != "" {
		req.Header.Set("X-Odi-Instance", instance)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	served := resp.Header.Get("X-Served-By")
	if instance != "" && served != instance {
		b.t.Fatalf("%s %s was answered by %q, not %q", method, path, served, instance)
	}
	return resp.StatusCode, string(raw), served
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf reads the form token of a page from one instance.
func (b *browser) csrf(instance, path string) string {
	b.t.Helper()
	status, page, _ := b.do(instance, "GET", path, nil)
	m := csrfInput.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		b.t.Fatalf("GET %s on %s: %d, no form token", path, instance, status)
	}
	return m[1]
}

// TestTwoInstancesBehindAProxyServeOneDeployment: what one instance writes or
// decides holds on the other, through a real HAProxy: a log-in made on one is
// a session on the other, a form token from one is good on the other, failed
// logins count across both, a submission retried on the other instance is
// stored once, a quota filled from both at once is never overfilled, a study
// closed on one takes no response on the other, and a mailing is sent once
// per recipient although both instances work the queue.
func TestTwoInstancesBehindAProxyServeOneDeployment(t *testing.T) {
	sink := surveystest.SMTP(t)
	p := startProxied(t, "ODI_SMTP_URL=smtp://"+sink.Addr, "ODI_MAIL_FROM=research@example.com", "ODI_MAIL_RATE=200")
	odiCmd(t, "olive-kettle-93\n", "user", "add", "--email", "r@example.com", "--role", "researcher", "--db", p.db)

	// Round robin really alternates, so the rest does cross instances.
	anon := p.browser(t)
	seen := map[string]int{}
	for range 4 {
		_, _, by := anon.do("", "GET", "/healthz", nil)
		seen[by]++
	}
	if seen["a"] != 2 || seen["b"] != 2 {
		t.Fatalf("round robin served %v", seen)
	}

	t.Run("session and form tokens", func(t *testing.T) {
		b := p.browser(t)
		tok := b.csrf("a", "/login")
		status, _, _ := b.do("b", "POST", "/login", url.Values{"_csrf": {tok}, "email": {"r@example.com"}, "password": {"olive-kettle-93"}})
		if status != http.StatusSeeOther {
			t.Fatalf("log in on b with a's form token: %d", status)
		}
		if status, page, _ := b.do("a", "GET", "/studies", nil); status != http.StatusOK || !strings.Contains(page, "r@example.com") {
			t.Fatalf("the session made on b, on a: %d", status)
		}
		tok = b.csrf("b", "/studies/new")
		status, _, _ = b.do("a", "POST", "/studies", url.Values{"_csrf": {tok}, "name": {"Made across"}})
		if status != http.StatusSeeOther {
			t.Fatalf("a form of b's page posted to a: %d", status)
		}
		if status, _, _ := b.do("a", "POST", "/studies", url.Values{"_csrf": {"x" + tok}, "name": {"Forged"}}); status != http.StatusForbidden {
			t.Fatalf("a wrong form token: %d, want 403", status)
		}
	})

	t.Run("login throttling", func(t *testing.T) {
		b := p.browser(t)
		wrong := func(instance string) int {
			status, _, _ := b.do(instance, "POST", "/login", url.Values{"_csrf": {b.csrf(instance, "/login")}, "email": {"ops@example.com"}, "password": {"not-the-password"}})
			return status
		}
		// Five failures are free; the sixth makes the next attempt wait a
		// second, whichever instance it reaches.
		for i, instance := range []string{"a", "b", "a", "b", "a", "b"} {
			if status := wrong(instance); status != http.StatusUnauthorized {
				t.Fatalf("failure %d on %s: %d, want 401", i+1, instance, status)
			}
		}
		if status := wrong("a"); status != http.StatusTooManyRequests {
			t.Fatalf("the seventh attempt, on a after six failures split over both: %d, want 429", status)
		}
	})

	study := findStudy(t, p.a.base, p.token)
	api := p.browser(t)
	rng := rand.New(rand.NewPCG(7, 7))
	studyPath := func(id int64, rest string) string { return fmt.Sprintf("/api/v1/studies/%d%s", id, rest) }

	t.Run("a retried submission is stored once", func(t *testing.T) {
		body := study.submission(rng)
		var first, again struct {
			RespondentID string `json:"respondent_id"`
		}
		if status := api.api("a", "POST", "/api/v1/s/"+study.Slug+"/responses", body, &first); status != http.StatusCreated {
			t.Fatalf("first submission on a: %d", status)
		}
		if status := api.api("b", "POST", "/api/v1/s/"+study.Slug+"/responses", body, &again); status != http.StatusOK || again != first {
			t.Fatalf("the retry on b: %d %q, first %q", status, again.RespondentID, first.RespondentID)
		}
		if n := len(wideResponses(t, p.base, p.token, study.ID)); n != 41 {
			t.Fatalf("%d responses stored, want the demo's 40 and one", n)
		}
	})

	t.Run("a quota filled from both instances at once", func(t *testing.T) {
		var st struct{ ID int64 }
		var pub struct{ Slug string }
		for _, step := range []struct {
			instance, path string
			body, out      any
			want           int
		}{
			{"a", "", map[string]string{"name": "Quota"}, &st, http.StatusCreated},
			{"b", "/outcomes", map[string]string{"statement": "Minimize the time it takes to find a decision"}, nil, http.StatusCreated},
			{"a", "/questions", map[string]any{"key": "size", "text": "Company size", "kind": "single", "segment": true,
				"options": []string{"small", "large"}, "quotas": map[string]int{"small": 20}}, nil, http.StatusCreated},
			{"b", "/publish", nil, &pub, http.StatusOK},
		} {
			path := "/api/v1/studies" // the first step makes the study
			if st.ID != 0 {
				path = studyPath(st.ID, step.path)
			}
			if status := api.api(step.instance, "POST", path, step.body, step.out); status != step.want {
				t.Fatalf("POST %s: %d, want %d", step.path, status, step.want)
			}
		}
		ls := &liveStudy{ID: st.ID, Slug: pub.Slug}
		getJSON(t, p.base+"/api/v1/s/"+ls.Slug, "", &ls.survey)
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[string]int{}
		for i := range 60 {
			body := ls.submission(rng)
			body["answers"].(map[string]any)["size"] = "small"
			body["complete"] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				var res struct{ Status string }
				status := api.api([]string{"a", "b"}[i%2], "POST", "/api/v1/s/"+ls.Slug+"/responses", body, &res)
				mu.Lock()
				got[fmt.Sprint(status, " ", res.Status)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if got["201 complete"] != 20 || got["201 quota_full"] != 40 {
			t.Fatalf("60 small companies completing on both instances at once: %v, want 20 complete and 40 over quota", got)
		}
	})

	t.Run("a study closed on one instance", func(t *testing.T) {
		if status := api.api("a", "POST", studyPath(study.ID, "/close"), nil, nil); status != http.StatusOK {
			t.Fatalf("close on a: %d", status)
		}
		body := study.submission(rng)
		if status := api.api("b", "POST", "/api/v1/s/"+study.Slug+"/responses", body, nil); status != http.StatusGone {
			t.Fatalf("a submission on b right after the close on a: %d, want 410", status)
		}
		if status := api.api("b", "POST", studyPath(study.ID, "/reopen"), nil, nil); status != http.StatusOK {
			t.Fatalf("reopen on b: %d", status)
		}
		if status := api.api("a", "POST", "/api/v1/s/"+study.Slug+"/responses", body, nil); status != http.StatusCreated {
			t.Fatalf("the same submission on a right after the reopen on b: %d, want 201", status)
		}
	})

	t.Run("a design change on one instance, seen by the other", func(t *testing.T) {
		type outcome struct {
			ID   int64
			Lint []struct{ Rule string }
		}
		var st struct{ ID int64 }
		var first, second outcome
		api.api("a", "POST", "/api/v1/studies", map[string]string{"name": "Lint"}, &st)
		stmt := map[string]string{"statement": "Minimize the time it takes to find a decision"}
		api.api("a", "POST", studyPath(st.ID, "/outcomes"), stmt, &first)
		var seen struct{ Outcomes []outcome }
		api.api("b", "GET", studyPath(st.ID, ""), nil, &seen) // b lints the study and keeps it
		if len(seen.Outcomes) != 1 || len(seen.Outcomes[0].Lint) != 0 {
			t.Fatalf("b sees %+v, want one outcome without lint", seen.Outcomes)
		}
		api.api("a", "POST", studyPath(st.ID, "/outcomes"), stmt, &second)
		api.api("b", "GET", studyPath(st.ID, ""), nil, &seen)
		if len(seen.Outcomes) != 2 || len(seen.Outcomes[1].Lint) == 0 {
			t.Fatalf("after a second, equal statement added on a, b sees %+v, want it marked a duplicate", seen.Outcomes)
		}
		api.api("a", "PATCH", studyPath(st.ID, fmt.Sprintf("/outcomes/%d", first.ID)),
			map[string]string{"statement": "Minimize the likelihood of missing a deadline"}, nil)
		api.api("b", "GET", studyPath(st.ID, ""), nil, &seen)
		if len(seen.Outcomes) != 2 || len(seen.Outcomes[1].Lint) != 0 {
			t.Fatalf("after the first was reworded on a, b sees %+v, want no lint", seen.Outcomes)
		}
	})

	t.Run("one message per recipient", func(t *testing.T) {
		to := addresses("m", 40)
		m := mailTo(t, p.base, p.token, study.ID, to)
		mp := drained(t, p.a, p.token, study.ID, m)
		got := map[string]int{}
		for _, msg := range sink.Accepted() {
			got[msg.To]++
		}
		for _, addr := range to {
			if got[addr] != 1 {
				t.Errorf("%s got %d messages", addr, got[addr])
			}
		}
		if mp.Sent != 40 {
			t.Errorf("progress %+v, want 40 sent", mp)
		}
	})
}
