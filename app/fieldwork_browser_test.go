package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// TestFieldworkReviewInBrowser filters the sample's responses in Chromium
// with the Fieldwork tab's plain GET form, ticks every row of the view with
// "All on this page" and includes them, and comes back to the same view with
// the notice; the Fieldwork and Results tabs are saved at phone and laptop
// widths for people to look at.
func TestFieldworkReviewInBrowser(t *testing.T) {
	tab, s, _, base := researcherBrowser(t)
	st, ds := loadSample(t, s, "r@example.com", sample.Config{Respondents: 600, Seed: 3, Start: fieldwork.DemoStart()})
	speeders := plantedCount(ds, flagged(surveys.FlagSpeeding))
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(tab.ctx, chromedp.Location())
		tab.must("location", err)
		return loc
	}

	tab.load("fieldwork", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/fieldwork", base, st.ID)))
	tab.must("filter", chromedp.Do(tab.ctx, chromedp.SetValue(css(`#f-flag`), "speeding"), chromedp.SetValue(css(`#f-sort`), "fastest")))
	tab.load("show", chromedp.Click(css(`.review-filters button`)))
	// The form sends its empty selects too: they filter nothing.
	if loc := location(); !strings.Contains(loc, "?flag=speeding&status=&excluded=&sort=fastest#responses") {
		t.Fatalf("the filter form went to %s", loc)
	}
	if rows, chips := tab.count(`table.responses tbody tr`), tab.count(`table.responses td[data-label=Flags] .chip`); rows != speeders || chips < speeders {
		t.Errorf("%d rows with %d flag chips, want the %d planted speeders", rows, chips, speeders)
	}
	screenshots(t, tab.ctx, "fieldwork-review")

	tab.must("tick all", chromedp.Do(tab.ctx, chromedp.Click(css(`input[data-select-all]`))))
	if n := tab.count(`input[name=respondent_id][form=selected]:checked`); n != speeders {
		t.Fatalf("\"All on this page\" ticked %d rows, want %d", n, speeders)
	}
	tab.load("include selected", chromedp.Click(css(`#selected button[value=include]`)))
	if loc := location(); !strings.Contains(loc, "flag=speeding&saved="+itoa(speeders)+"&sort=fastest#responses") {
		t.Errorf("after including, the browser is at %s", loc)
	}
	if notice, want := tab.text(`#responses .notice`), fmt.Sprintf("Saved: %d responses included.", speeders); notice != want {
		t.Errorf("notice %q, want %q", notice, want)
	}
	if n := tab.count(`table.responses .chip.in`); n != speeders {
		t.Errorf("%d of the view's rows are in the results, want all %d", n, speeders)
	}
	screenshots(t, tab.ctx, "fieldwork-decided")

	tab.load("results", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/results", base, st.ID)))
	line := tab.text(`p.cleaning`)
	straight := plantedCount(ds, flagged(surveys.FlagStraightLining))
	want := fmt.Sprintf("n = %d after cleaning: %d responses left out by the study's rule (%d straight-lining)", plantedCount(ds, clean)+speeders, straight, straight)
	if !strings.HasPrefix(line, want) {
		t.Errorf("Results say %q, want %q…", line, want)
	}
	screenshots(t, tab.ctx, "results-cleaning")
}

// TestMailingInBrowser sends a mailing from the Fieldwork tab's form in
// Chromium, sees its progress there, and opts a recipient out through the
// link in the message; each page is saved at phone and laptop widths, and
// the Fieldwork tab of a server without SMTP too.
func TestMailingInBrowser(t *testing.T) {
	tab := browserTab{t, newBrowser(t)}
	sink := surveystest.SMTP(t)
	_, c, base := mailServer(t, sink)
	id, _ := mailStudy(t, c)
	tab.login(base, "r@example.com")
	fieldwork := fmt.Sprintf("%s/studies/%d/fieldwork", base, id)
	tab.load("fieldwork", chromedp.Navigate(fieldwork))
	tab.must("recipients", chromedp.Do(tab.ctx, chromedp.SetValue(css(`#mail-recipients`), "ana@example.com,P-1\nben@example.com,P-2\ncem@example.com")))
	tab.load("send", chromedp.Click(css(`#mailings form.mail-form button`)))
	sink.WaitFor(t, 3, 20*time.Second)
	time.Sleep(200 * time.Millisecond)
	tab.load("progress", chromedp.Navigate(fieldwork+"#mailings"))
	if got := tab.text(`#mailings .mailing label[for$="-sent"]`); got != "Sent: 3 of 3" {
		t.Errorf("the tab says %q, want Sent: 3 of 3", got)
	}
	tab.must("remind form", chromedp.Do(tab.ctx, chromedp.Click(css(`details.remind summary`))))
	screenshots(t, tab.ctx, "fieldwork-mailing")

	link := optOutLink.FindString(sink.Accepted()[0].Body)
	tab.load("opt-out page", chromedp.Navigate(strings.Replace(link, "http://odi.test", base, 1)))
	screenshots(t, tab.ctx, "unsubscribe")
	tab.load("opt out", chromedp.Click(css(`form button`)))
	if got := tab.text(`h1`); got != "You will get no more e-mail about this survey" {
		t.Fatalf("after the button: %q", got)
	}
	screenshots(t, tab.ctx, "unsubscribed")
	if p := progressOf(t, c, id, 1); p.OptedOut != 1 || p.Sent != 3 {
		t.Fatalf("progress %+v, want 3 sent, 1 opted out", p)
	}

	plain := newTestServer(t)
	pc := api(t, plain, "r@example.com", "researcher")
	pid, _ := mailStudy(t, pc)
	pbase := serve(t, plain)
	tab.login(pbase, "r@example.com")
	tab.load("fieldwork without SMTP", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/fieldwork#mailings", pbase, pid)))
	if got := tab.text(`#mailings .notice`); !strings.Contains(got, "--smtp-url") {
		t.Fatalf("without SMTP the tab says %q", got)
	}
	screenshots(t, tab.ctx, "fieldwork-nosmtp")
}

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
	b := newSurveyTab(t, newBrowser(t), 390)

	link := base + "/s/" + slug + panelLinkQuery("B 1&2", "x/y")
	b.load("open the panel's link", chromedp.Navigate(link))
	b.screenshots("panel-welcome")
	b.next()
	b.click(`input[name="q.uses_slack"][value="Yes"]`)
	b.next()
	b.click(`input[name="q.company_size"][value="small"]`)
	b.next()
	b.rate(b.shown()[:1])
	// survey.js saves the rating as it is given; wait for "Saved".
	b.must("autosave", chromedp.Do(b.ctx, chromedp.Poll[chromedp.Void](`document.getElementById("saved").textContent === "Saved"`, chromedp.WithPollingTimeout(10*time.Second))))

	// The panel sends the respondent back to the same link: this device
	// holds the response, and survey.js continues it.
	b.load("open the link again", chromedp.Navigate(link))
	b.must("resumed", chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(`.it`))))
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
		where, _ = chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href`))
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
	b.screenshots("panel-done")
	if got := countResponses(t, s); got != n {
		t.Fatalf("%d responses after opening the link again, want %d", got, n)
	}

	// The researcher's pages.
	researcher := browserTab{t: t, ctx: b.ctx}
	researcher.login(base, "r@example.com")
	researcher.load("fieldwork", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/fieldwork", base, id)))
	if got := b.text(`table.channels tbody tr`); !strings.Contains(got, "Open link") {
		t.Fatalf("channels: %q", got)
	}
	b.fits("the Fieldwork tab")
	b.screenshots("panel-fieldwork")
	researcher.load("job", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/job", base, id)))
	b.fits("the Job tab")
	if v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`#panel_param`))); err != nil || v != "pid" {
		t.Fatalf("panel parameter shows %q (%v)", v, err)
	}
	b.screenshots("panel-job")
}
