package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"odi/surveys/surveystest"
)

// TestMailingInBrowser sends a mailing from the Fieldwork tab's form in
// Chromium, sees its progress there, and opts a recipient out through the
// link in the message; each page is saved at phone and laptop widths, and
// the Fieldwork tab of a server without SMTP too.
func TestMailingInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	sink := surveystest.SMTP(t)
	_, c, base := mailServer(t, sink)
	id, _ := mailStudy(t, c)
	tab := browserTab{t, ctx}
	tab.login(base, "r@example.com")
	fieldwork := fmt.Sprintf("%s/studies/%d/fieldwork", base, id)
	tab.load("fieldwork", chromedp.Navigate(fieldwork))
	tab.must("recipients", chromedp.Do(ctx, chromedp.SetValue(css(`#mail-recipients`), "ana@example.com,P-1\nben@example.com,P-2\ncem@example.com")))
	tab.load("send", chromedp.Click(css(`#mailings form.mail-form button`)))
	sink.WaitFor(t, 3, 20*time.Second)
	time.Sleep(200 * time.Millisecond)
	tab.load("progress", chromedp.Navigate(fieldwork+"#mailings"))
	if got := tab.text(`#mailings .mailing label[for$="-sent"]`); got != "Sent: 3 of 3" {
		t.Errorf("the tab says %q, want Sent: 3 of 3", got)
	}
	tab.must("remind form", chromedp.Do(ctx, chromedp.Click(css(`details.remind summary`))))
	screenshotsAt(t, ctx, "fieldwork-mailing", 390, 1280)

	link := optOutLink.FindString(sink.Accepted()[0].Body)
	tab.load("opt-out page", chromedp.Navigate(strings.Replace(link, "http://odi.test", base, 1)))
	screenshotsAt(t, ctx, "unsubscribe", 390, 1280)
	tab.load("opt out", chromedp.Click(css(`form button`)))
	if got := tab.text(`h1`); got != "You will get no more e-mail about this survey" {
		t.Fatalf("after the button: %q", got)
	}
	screenshotsAt(t, ctx, "unsubscribed", 390, 1280)
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
	screenshotsAt(t, ctx, "fieldwork-nosmtp", 390, 1280)
}
