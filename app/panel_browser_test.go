package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"odi/surveys"
)

// TestPanelLinkInBrowser: a panel respondent with JavaScript opens the
// panel's link on a phone, stops, opens the link again (survey.js resumes
// the response this device holds), finishes, and the page goes to the end
// URL with the panel id and the URL field filled in and escaped. The same
// link once more answers 409 with a page that says so. The researcher's
// Fieldwork tab counts the open link's responses, and the Job tab holds the
// panel settings; each page is looked at 390 and 1280 px wide.
func TestPanelLinkInBrowser(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := publishedStudy(t, s, c)
	base := serve(t, s)
	// The end URL is odi's own /healthz, so the browser lands somewhere
	// real and the test reads where it went.
	wantStatus(t, c.send("PATCH", "/api/v1/studies/"+itoa(id), map[string]any{"panel_param": "pid", "url_fields": []string{"src"},
		"end_urls": map[string]string{"complete": base + "/healthz?id={panel_id}&src={src}&st={status}"}}), http.StatusOK)
	browser := newBrowser(t)
	tab, closeTab := chromedp.NewContext(newProfile(t, browser))
	defer closeTab()
	b := &surveyTab{t: t, ctx: tab, width: 390}
	b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(390, 800)))

	link := base + "/s/" + slug + panelLinkQuery("B 1&2", "x/y")
	b.load("open the panel's link", chromedp.Navigate(link))
	screenshotsAt(t, tab, "panel-welcome", 390, 1280)
	b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(390, 800)))
	b.next()
	b.click(`input[name="q.uses_slack"][value="Yes"]`)
	b.next()
	b.click(`input[name="q.company_size"][value="small"]`)
	b.next()
	b.rate(b.shown()[:1])
	// survey.js saves the rating as it is given; wait for "Saved".
	b.must("autosave", chromedp.Do(tab, chromedp.Poll[chromedp.Void](`document.getElementById("saved").textContent === "Saved"`, chromedp.WithPollingTimeout(10*time.Second))))

	// The panel sends the respondent back to the same link: this device
	// holds the response, and survey.js continues it.
	b.load("open the link again", chromedp.Navigate(link))
	b.must("resumed", chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`.it`))))
	if got := b.checked(); got != 2 {
		t.Fatalf("the resumed page has %d ratings checked, want the 2 saved (one outcome's importance and satisfaction)", got)
	}
	b.rate(b.shown())
	b.next()
	for _, force := range surveys.ForceNames {
		b.click(fmt.Sprintf(`input[name="f.%s"][value="6"]`, force))
	}
	b.next()
	// The end page forwards after 2 s; the address changes under the test,
	// so it is read until it is the end URL's.
	var where string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !strings.Contains(where, "/healthz"); {
		time.Sleep(300 * time.Millisecond)
		where, _ = chromedp.Run(tab, chromedp.Evaluate[string](`location.href`))
	}
	// "B 1&2" and "x/y" escaped by hand: B+1%262 and x%2Fy.
	if want := base + "/healthz?id=B+1%262&src=x%2Fy&st=complete"; where != want {
		t.Fatalf("the end went to %s, want %s", where, want)
	}
	if got := byPanelID(t, s, "B 1&2"); len(got) != 1 || got[0].Status != surveys.Complete || got[0].URLFields["src"] != "x/y" {
		t.Fatalf("stored %+v, want one complete response from src x/y", got)
	}

	// A second finish by the same panel id: refused, and said so.
	n := countResponses(t, s)
	resp := b.load("open the link after finishing", chromedp.Navigate(link))
	if resp.Status != http.StatusConflict || !strings.Contains(b.text("main"), "already finished") {
		t.Fatalf("the link after finishing answered %d: %s", resp.Status, b.text("main"))
	}
	b.fits("the already-finished page")
	screenshotsAt(t, tab, "panel-done", 390, 1280)
	if got := countResponses(t, s); got != n {
		t.Fatalf("%d responses after opening the link again, want %d", got, n)
	}

	// The researcher's pages.
	researcher := browserTab{t: t, ctx: tab}
	researcher.login(base, "r@example.com")
	b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(390, 800)))
	researcher.load("fieldwork", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/fieldwork", base, id)))
	if got := b.text(`table.channels tbody tr`); !strings.Contains(got, "Open link") {
		t.Fatalf("channels: %q", got)
	}
	b.fits("the Fieldwork tab")
	screenshotsAt(t, tab, "panel-fieldwork", 390, 1280)
	b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(390, 800)))
	researcher.load("job", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/job", base, id)))
	b.fits("the Job tab")
	if v, err := chromedp.Run(tab, chromedp.Value(chromedp.CSS(`#panel_param`))); err != nil || v != "pid" {
		t.Fatalf("panel parameter shows %q (%v)", v, err)
	}
	screenshotsAt(t, tab, "panel-job", 390, 1280)
}
