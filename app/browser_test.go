package app

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"odi/surveys/surveystest"
)

// newBrowser starts headless Debian Chromium for one test. Chromium now and
// then dies while it starts on a busy machine, before it prints where to
// reach it: it then starts once more, with a fresh profile, before the test
// fails.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped with -short: starts Chromium")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		surveystest.Need(t, "Chromium (apt-get install chromium)")
	}
	ctx, err := startChromium(t, path)
	if err != nil {
		t.Logf("once more: start chromium: %v", err)
		ctx, err = startChromium(t, path)
	}
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// A whole browser test takes 5-50 s on a quiet machine; on a busy one
	// (CI beside other builds) every step is slower, so the deadline only
	// guards against a hang.
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancelTimeout)
	return ctx
}

// startChromium starts one browser with a profile of its own; it lives as
// long as the context returned.
func startChromium(t *testing.T, path string) (context.Context, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
		// chromedp waits 20 s for Chromium to say where it listens, which
		// a start on a busy machine can take.
		chromedp.WSURLReadTimeout(time.Minute),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	// The first action starts the browser.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		return nil, err
	}
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	return ctx, nil
}

// serve runs s on a loopback port for a browser and returns its base URL.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

// css selects by CSS selector, the way every page test finds its elements.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// screenshots saves the current page at a phone and a laptop width under
// testout/, which CI keeps as artifacts and people look at.
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	screenshotsAt(t, ctx, name, 390, 1280)
}

// screenshotsAt saves the current page at each of widths.
func screenshotsAt(t *testing.T, ctx context.Context, name string, widths ...int64) {
	t.Helper()
	dir := filepath.Join("..", "testout")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, w := range widths {
		err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 800), chromedp.Sleep(100*time.Millisecond))
		if err != nil {
			t.Fatalf("resize to %d: %v", w, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s at %d: %v", name, w, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+itoa(w)+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
}

// browserTab drives a test's Chromium tab a step at a time; a step that
// fails ends the test with what it was doing.
type browserTab struct {
	t   *testing.T
	ctx context.Context
}

func (b browserTab) must(what string, err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// load runs steps that end in a navigation (a form post and its redirect, a
// link) and waits for the next page to load, which must not be an error.
func (b browserTab) load(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	b.must(what, err)
	if resp.Status >= 400 {
		main, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("main")))
		b.t.Fatalf("%s: %s answered %d: %s", what, resp.URL, resp.Status, main)
	}
}

func (b browserTab) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	b.must("read "+sel, err)
	return v
}

func (b browserTab) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	b.must("count "+sel, err)
	return n
}

// researcherBrowser is how most browser tests begin: Chromium, a served
// test server and its researcher r@example.com, logged in on the tab and
// behind the API client c.
func researcherBrowser(t *testing.T) (tab browserTab, s *Server, c *client, base string) {
	t.Helper()
	tab = browserTab{t, newBrowser(t)}
	s = newTestServer(t)
	c = api(t, s, "r@example.com", "researcher")
	base = serve(t, s)
	tab.login(base, "r@example.com")
	return tab, s, c, base
}

// login logs in through the form of the odi at base, as a test user.
func (b browserTab) login(base, email string) {
	b.t.Helper()
	b.must("log in", chromedp.Do(b.ctx, logInSteps(base, email)...))
}

// logInSteps log a tab in through the form of the odi at base as email,
// with the test password, and wait for the page a logged-in user lands on.
func logInSteps(base, email string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/login"),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), "olive-kettle-93"),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`header.top nav`)),
	}
}

func TestFirstRunInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newTestServer(t)
	base := serve(t, s)
	link, err := s.SetupLink(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	link = base + link[strings.Index(link, "/setup"):]

	err = chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshots(t, ctx, "setup")
	signIn := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS(`#email`), "admin@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "a good password"),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`.empty`)),
	}
	// Untick the sample study: this is the path to an empty study list.
	err = chromedp.Do(ctx, append([]chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(`input[name=sample]`))}, signIn...)...)
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "No studies yet") {
		t.Fatalf("after setup: %q", body)
	}
	screenshots(t, ctx, "studies-empty")

	// Log out and back in through the login form.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`header form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshots(t, ctx, "login")
	if err := chromedp.Do(ctx, signIn...); err != nil {
		t.Fatal(err)
	}

	// The used link says so; the users list reads as labelled cards on a phone.
	tab := browserTab{t, ctx}
	tab.must("used setup link", chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`main h1`)))) // a 410
	if text := tab.text(`main`); !strings.Contains(text, "already set up") {
		t.Fatalf("the used setup link shows %q", text)
	}
	screenshots(t, ctx, "setup-used")
	mustUser(t, s, "a-rather-long-researcher-address@example.com", "researcher")
	tab.load("users", chromedp.Navigate(base+"/admin/users"))
	screenshots(t, ctx, "users")
}
