package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"odi/surveys/surveystest"
)

// TestMain stops the package's one Chromium, if a test started it.
func TestMain(m *testing.M) {
	code := m.Run()
	chromium.stop()
	os.Exit(code)
}

// chromium is the one headless Debian Chromium of a `go test` run: the
// first browser test starts it, and every browser test then drives it in a
// browser context of its own, so no cookie or storage passes from one test
// to the next. Starting Chromium takes seconds; a browser context, a few
// milliseconds.
var chromium sharedChromium

type sharedChromium struct {
	mu     sync.Mutex
	ctx    context.Context // the browser's first tab: the browser lives as long as it
	cancel context.CancelFunc
}

// newBrowser gives a test a tab in a fresh browser context of the shared
// Chromium.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	surveystest.Long(t, "drives Chromium")
	browser, err := chromium.get(t)
	if errors.Is(err, exec.ErrNotFound) {
		surveystest.Need(t, "Chromium (apt-get install chromium)")
	}
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// A whole browser test takes 5-50 s on a quiet machine; on a busy one
	// (CI beside other builds) every step is slower, so the deadline only
	// guards against a hang.
	ctx, cancelTimeout := context.WithTimeout(newProfile(t, browser), 4*time.Minute)
	t.Cleanup(cancelTimeout)
	return ctx
}

// get is the running browser; it starts one if none runs yet or the last
// one died. Chromium now and then dies while it starts on a busy machine,
// before it prints where to reach it: it then starts once more, with a
// fresh profile, before the test fails.
func (c *sharedChromium) get(t *testing.T) (context.Context, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx != nil && c.ctx.Err() == nil {
		return c.ctx, nil
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		return nil, err
	}
	c.stopLocked()
	if err = c.start(path); err != nil {
		t.Logf("once more: start chromium: %v", err)
		err = c.start(path)
	}
	return c.ctx, err
}

// start starts one browser with a temporary profile that chromedp removes
// when the browser stops.
func (c *sharedChromium) start(path string) error {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
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
	c.ctx, c.cancel = ctx, func() { cancelCtx(); cancelAlloc() }
	// The first action starts the browser.
	if err := chromedp.Do(ctx); err != nil {
		c.stopLocked()
		return err
	}
	return nil
}

// stop ends the browser, and with it every tab still open.
func (c *sharedChromium) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked()
}

func (c *sharedChromium) stopLocked() {
	if c.cancel != nil {
		c.cancel()
	}
	c.ctx, c.cancel = nil, nil
}

// newProfile opens a browser context of its own, as a separate person's
// browser would be: cookies and storage start empty.
func newProfile(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	profile, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(profile); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	return profile
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
	for _, w := range widths {
		err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 800), chromedp.Sleep(100*time.Millisecond))
		if err != nil {
			t.Fatalf("resize to %d: %v", w, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s at %d: %v", name, w, err)
		}
		saveScreenshot(t, name, w, png)
	}
	chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
}

// saveScreenshot writes png, taken width px wide, under testout/.
func saveScreenshot(t *testing.T, name string, width int64, png []byte) {
	t.Helper()
	dir := filepath.Join("..", "testout")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-"+itoa(width)+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
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

// resize gives the tab a viewport w px wide and h px high.
func (b browserTab) resize(w, h int64) {
	b.t.Helper()
	b.must("resize", chromedp.Do(b.ctx, chromedp.EmulateViewport(w, h), chromedp.Sleep(100*time.Millisecond)))
}

// fitsAt resizes the tab and fails the test when what is on it then
// scrolls sideways.
func (b browserTab) fitsAt(what string, w, h int64) {
	b.t.Helper()
	b.resize(w, h)
	overflow, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	b.must("measure", err)
	if overflow {
		b.t.Errorf("%s overflows horizontally at %d px", what, w)
	}
}

// screenshotScrolled saves what a reader of the tab, width px wide, sees
// with sel scrolled to the top.
func (b browserTab) screenshotScrolled(name, sel string, width int64) {
	b.t.Helper()
	b.must("scroll to "+sel, chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "start"})`, sel)),
		chromedp.Sleep(100*time.Millisecond)))
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	b.must("screenshot "+name, err)
	saveScreenshot(b.t, name, width, png)
}

// screenshotOf saves the element sel alone, for a part a whole page is too
// tall to read.
func (b browserTab) screenshotOf(name, sel string, width int64) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.Screenshot(css(sel)))
	b.must("screenshot "+sel, err)
	saveScreenshot(b.t, name, width, png)
}

// servedBrowser is how a browser test begins: a tab in Chromium, and a
// test server served at base with no one logged in yet.
func servedBrowser(t *testing.T) (tab browserTab, s *Server, base string) {
	t.Helper()
	tab = browserTab{t, newBrowser(t)}
	s = newTestServer(t)
	return tab, s, serve(t, s)
}

// researcherBrowser is servedBrowser with the server's researcher
// r@example.com logged in on the tab and behind the API client c.
func researcherBrowser(t *testing.T) (tab browserTab, s *Server, c *client, base string) {
	t.Helper()
	tab, s, base = servedBrowser(t)
	c = api(t, s, "r@example.com", "researcher")
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

// surveyTab drives one respondent's tab.
type surveyTab struct {
	t     *testing.T
	ctx   context.Context
	width int64
}

// newSurveyTab is the tab ctx as a respondent's screen, width px wide.
func newSurveyTab(t *testing.T, ctx context.Context, width int64) *surveyTab {
	t.Helper()
	b := &surveyTab{t: t, ctx: ctx, width: width}
	b.must("viewport", chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)))
	return b
}

// screenshots saves the page at a phone's and a laptop's width, or at the
// widths given, and gives the tab its own width back.
func (b *surveyTab) screenshots(name string, widths ...int64) {
	b.t.Helper()
	if len(widths) == 0 {
		widths = []int64{390, 1280}
	}
	screenshotsAt(b.t, b.ctx, name, widths...)
	b.must("viewport", chromedp.Do(b.ctx, chromedp.EmulateViewport(b.width, 800)))
}

func (b *surveyTab) must(what string, err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("%s (%d px): %v", what, b.width, err)
	}
}

// load runs steps that end in a navigation and waits for the new page.
func (b *surveyTab) load(what string, steps ...chromedp.Action[chromedp.Void]) *network.Response {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	b.must(what, err)
	return resp
}

func (b *surveyTab) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	b.must("read "+sel, err)
	return strings.TrimSpace(v)
}

func (b *surveyTab) click(sel string) {
	b.t.Helper()
	b.must("click "+sel, chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel))))
}

func (b *surveyTab) next() *network.Response {
	b.t.Helper()
	return b.load("next", chromedp.Click(chromedp.CSS(`.nav button[value=next]`)))
}

// shown lists the outcome codes on the page, in the order shown.
func (b *surveyTab) shown() []string {
	b.t.Helper()
	attrs, err := chromedp.Run(b.ctx, chromedp.AttributesAll(chromedp.CSSAll(`input[name^="i."][value="1"]`)))
	b.must("list outcomes", err)
	out := make([]string, len(attrs))
	for i, a := range attrs {
		out[i] = strings.TrimPrefix(a["name"], "i.")
	}
	return out
}

// rate answers the given outcomes on the page with real mouse clicks. The
// radios are looked up once per page: a lookup per click would double the
// time the test takes.
func (b *surveyTab) rate(codes []string) {
	b.t.Helper()
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSSAll(`.it input[type=radio]`)))
	b.must("list radios", err)
	radio := map[string]*chromedp.Node{}
	for _, n := range nodes {
		radio[n.AttributeValue("name")+"="+n.AttributeValue("value")] = n
	}
	for _, code := range codes {
		imp, sat := surveyAnswer(code)
		for _, key := range []string{fmt.Sprintf("i.%s=%d", code, imp), fmt.Sprintf("s.%s=%d", code, sat)} {
			n := radio[key]
			if n == nil {
				b.t.Fatalf("no radio %s on the page", key)
			}
			b.must("click "+key, chromedp.Do(b.ctx, chromedp.MouseClickNode(n)))
		}
	}
}

// fits fails when the page scrolls sideways at the tab's width.
func (b *surveyTab) fits(what string) {
	b.t.Helper()
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
	b.must("measure "+what, err)
	if w > b.width {
		b.t.Errorf("%s is %d px wide at %d px", what, w, b.width)
	}
}

func (b *surveyTab) checked() int {
	b.t.Helper()
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSSAll(`.it input:checked`), chromedp.AtLeast(0)))
	b.must("count checked", err)
	return len(nodes)
}

func (b *surveyTab) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	b.must("count "+sel, err)
	return n
}

// waitFor polls ok until it holds. The deadline only guards against a hang:
// a busy machine may take many seconds to get there.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func mustCookies(t *testing.T, ctx context.Context) []*network.Cookie {
	t.Helper()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Cookies
}
