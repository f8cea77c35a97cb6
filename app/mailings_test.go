package app

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"

	"odi/surveys/mailing"
	"odi/surveys/surveystest"
)

// mailServer is a server that sends its e-mail to sink, serving (so that
// its sender runs) on loopback at base, with retries 50 ms apart; and a
// researcher's API client.
func mailServer(t *testing.T, sink *surveystest.SMTPSink) (s *Server, c *client, base string) {
	t.Helper()
	cfg := Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.BaseURL = "http://odi.test"
	smtpCfg, err := mailing.ParseSMTP("smtp://" + sink.Addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SMTP, cfg.MailFrom, cfg.MailRate, cfg.MailBackoff = &smtpCfg, "Research <research@odi.test>", 1000, 50*time.Millisecond
	s = New(cfg, surveystest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	base = serve(t, s)
	return s, api(t, s, "r@example.com", "researcher"), base
}

// mailStudy is an open study of one outcome and no questions: a response
// completes with one rating.
func mailStudy(t *testing.T, c *client) (int64, string) {
	t.Helper()
	id := newStudy(t, c, "Mail")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": "Minimize the time it takes to find a decision"}), http.StatusCreated)
	return id, publish(t, c, base)
}

type mailingProgress struct {
	Recipients, Pending, Sent, Failed, Skipped, Started, Completed int
	OptedOut                                                       int `json:"opted_out"`
	Failures                                                       []struct {
		Email, Reason string
		Attempts      int
	}
}

func progressOf(t *testing.T, c *client, studyID, mailingID int64) mailingProgress {
	t.Helper()
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/mailings/%d", studyID, mailingID), nil)
	wantStatus(t, r, http.StatusOK)
	var p mailingProgress
	r.json(t, &p)
	return p
}

// settled waits until no message of the mailing waits to be sent.
func settled(t *testing.T, c *client, studyID, mailingID int64) mailingProgress {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p := progressOf(t, c, studyID, mailingID)
		if p.Pending == 0 {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailing %d still has %d messages pending: %+v", mailingID, p.Pending, p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func createMailing(t *testing.T, c *client, studyID int64, body string, emails ...string) int64 {
	t.Helper()
	var rec []map[string]string
	for _, e := range emails {
		addr, panel, _ := strings.Cut(e, "|")
		rec = append(rec, map[string]string{"email": addr, "panel_id": panel})
	}
	r := c.send("POST", fmt.Sprintf("/api/v1/studies/%d/mailings", studyID), map[string]any{"subject": "Your view on decisions", "body": body, "recipients": rec})
	wantStatus(t, r, http.StatusCreated)
	var out struct{ ID int64 }
	r.json(t, &out)
	return out.ID
}

var (
	inviteLink = regexp.MustCompile(`http://odi\.test/s/([^?\s]+)\?i=([A-Za-z0-9_-]+)`)
	optOutLink = regexp.MustCompile(`http://odi\.test/unsubscribe/([A-Za-z0-9_-]+)`)
)

// byRecipient indexes messages by their envelope recipient.
func byRecipient(t *testing.T, mails []surveystest.Mail) map[string]surveystest.Mail {
	t.Helper()
	out := map[string]surveystest.Mail{}
	for _, m := range mails {
		if _, dup := out[m.To]; dup {
			t.Fatalf("%s got two messages", m.To)
		}
		out[m.To] = m
	}
	return out
}

func submitInvited(c *client, slug, token string) reply {
	return c.send("POST", "/api/v1/s/"+slug+"/responses", map[string]any{"submission_id": uuid.NewString(), "invitation": token,
		"ratings": map[string]any{"O01": map[string]int{"importance": 4, "satisfaction": 2}}, "complete": true})
}

func TestMailingSendsPersonalLinksWithOneClickOptOutAndRemindsNonCompleters(t *testing.T) {
	t.Parallel()
	sink := surveystest.SMTP(t)
	s, c, _ := mailServer(t, sink)
	id, slug := mailStudy(t, c)
	body := "Hello,\n\nyour link: {link}\n\nThanks"
	// The same address twice, in other case, is one recipient.
	mid := createMailing(t, c, id, body, "ana@example.com|P-1", "ben@example.com|P-2", "cem@example.com", "Ana@Example.com|P-9")
	mails := byRecipient(t, sink.WaitFor(t, 3, 20*time.Second))
	if len(mails) != 3 {
		t.Fatalf("got messages to %d addresses, want 3", len(mails))
	}
	tokens := map[string]string{}
	optouts := map[string]string{}
	for to, m := range mails {
		if got := m.Header.Get("From"); got != `"Research" <research@odi.test>` {
			t.Errorf("%s: From %q", to, got)
		}
		if m.Header.Get("To") != "<"+to+">" || m.Header.Get("Subject") != "Your view on decisions" {
			t.Errorf("%s: To %q, Subject %q", to, m.Header.Get("To"), m.Header.Get("Subject"))
		}
		if !strings.HasPrefix(m.Header.Get("Message-Id"), "<odi.") {
			t.Errorf("%s: Message-ID %q", to, m.Header.Get("Message-Id"))
		}
		unsub := optOutLink.FindStringSubmatch(m.Header.Get("List-Unsubscribe"))
		if unsub == nil || m.Header.Get("List-Unsubscribe") != "<"+unsub[0]+">" {
			t.Fatalf("%s: List-Unsubscribe %q", to, m.Header.Get("List-Unsubscribe"))
		}
		if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("%s: List-Unsubscribe-Post %q", to, got)
		}
		if !strings.Contains(m.Body, unsub[0]) {
			t.Errorf("%s: the text has no opt-out link %s:\n%s", to, unsub[0], m.Body)
		}
		link := inviteLink.FindStringSubmatch(m.Body)
		if link == nil || link[1] != slug || !strings.HasPrefix(m.Body, "Hello,\n\nyour link: "+link[0]+"\n\nThanks") {
			t.Fatalf("%s: body without the personal link in place of {link}:\n%s", to, m.Body)
		}
		tokens[to], optouts[to] = link[2], unsub[1]
	}
	if tokens["ana@example.com"] == tokens["ben@example.com"] || optouts["ana@example.com"] == optouts["ben@example.com"] {
		t.Fatal("two recipients got the same link")
	}

	// Ana's link works once, and her response carries her panel id.
	anon := newClient(t, s)
	wantStatus(t, submitInvited(anon, slug, tokens["ana@example.com"]), http.StatusCreated)
	wantStatus(t, submitInvited(anon, slug, tokens["ana@example.com"]), http.StatusConflict)
	var list struct {
		Responses []struct {
			ExternalID string `json:"external_id"`
			Status     string
		}
	}
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses", id), nil).json(t, &list)
	if len(list.Responses) != 1 || list.Responses[0].ExternalID != "P-1" || list.Responses[0].Status != "complete" {
		t.Fatalf("responses %+v, want Ana's complete one with panel id P-1", list.Responses)
	}

	// Ben opts out: the page asks first; the one-click POST, twice, counts once.
	page := anon.get("/unsubscribe/" + optouts["ben@example.com"])
	if page.status != http.StatusOK || !strings.Contains(page.body, "Stop e-mail") {
		t.Fatalf("opt-out page: %d %s", page.status, page.body)
	}
	if p := progressOf(t, c, id, mid); p.OptedOut != 0 {
		t.Fatalf("opening the opt-out page opted out: %+v", p)
	}
	for range 2 {
		r := anon.do("POST", "/unsubscribe/"+optouts["ben@example.com"], "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click")
		wantStatus(t, r, http.StatusOK)
	}
	wantStatus(t, anon.do("POST", "/unsubscribe/"+strings.Repeat("x", 43), "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"), http.StatusNotFound)
	want := mailingProgress{Recipients: 3, Sent: 3, Started: 1, Completed: 1, OptedOut: 1}
	if p := progressOf(t, c, id, mid); fmt.Sprint(p) != fmt.Sprint(want) {
		t.Fatalf("progress %+v, want %+v", p, want)
	}

	// The reminder reaches only Cem: Ana completed, Ben opted out.
	r := c.send("POST", fmt.Sprintf("/api/v1/studies/%d/mailings/%d/remind", id, mid), map[string]any{"subject": "Reminder", "body": "Still time: {link}"})
	wantStatus(t, r, http.StatusOK)
	var rem struct{ Queued int }
	r.json(t, &rem)
	if rem.Queued != 1 {
		t.Fatalf("reminder queued %d, want 1: %s", rem.Queued, r.body)
	}
	all := sink.WaitFor(t, 4, 20*time.Second)
	last := all[3]
	if last.To != "cem@example.com" || last.Header.Get("Subject") != "Reminder" || !strings.Contains(last.Body, "?i="+tokens["cem@example.com"]) {
		t.Fatalf("reminder to %s, subject %q, body %q: want Cem's own link again", last.To, last.Header.Get("Subject"), last.Body)
	}

	// Ben gets nothing more from this study, even in a new mailing.
	again := createMailing(t, c, id, body, "ben@example.com", "dan@example.com")
	p := settled(t, c, id, again)
	if p.Sent != 1 || p.Skipped != 1 || p.OptedOut != 1 {
		t.Fatalf("new mailing to an opted-out address: %+v, want 1 sent, 1 skipped", p)
	}
	time.Sleep(100 * time.Millisecond)
	if got := sink.Accepted(); len(got) != 5 || got[4].To != "dan@example.com" {
		t.Fatalf("got %d messages, the last to %s; want 5, the last to dan", len(got), got[len(got)-1].To)
	}
}

func TestMailingRetriesTemporaryFailuresAndRecordsPermanentOnes(t *testing.T) {
	t.Parallel()
	sink := surveystest.SMTP(t)
	sink.Reject = func(to string, try int) *smtp.SMTPError {
		switch {
		case to == "flaky@example.com" && try <= 2:
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		case to == "gone@example.com":
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
		}
		return nil
	}
	_, c, _ := mailServer(t, sink)
	id, _ := mailStudy(t, c)
	mid := createMailing(t, c, id, "{link}", "flaky@example.com", "gone@example.com", "ok@example.com")
	p := settled(t, c, id, mid)
	if p.Sent != 2 || p.Failed != 1 || len(p.Failures) != 1 {
		t.Fatalf("progress %+v, want 2 sent and gone@ failed", p)
	}
	f := p.Failures[0]
	if f.Email != "gone@example.com" || f.Attempts != 1 || !strings.Contains(f.Reason, "550") || !strings.Contains(f.Reason, "no such mailbox") {
		t.Fatalf("failure %+v, want gone@ after 1 attempt with the server's 550", f)
	}
	if n := sink.Tries("flaky@example.com"); n != 3 {
		t.Fatalf("flaky@ offered %d times, want 3 (two 451s, then accepted)", n)
	}
	if n := sink.Tries("gone@example.com"); n != 1 {
		t.Fatalf("gone@ offered %d times, want 1: a 5xx is final", n)
	}
	if got := byRecipient(t, sink.Accepted()); len(got) != 2 {
		t.Fatalf("accepted %d messages, want 2", len(got))
	}
}

func TestScheduledReminderWaitsForItsDay(t *testing.T) {
	surveystest.Long(t, "waits out the sender's rounds, 4 s")
	t.Parallel()
	sink := surveystest.SMTP(t)
	s, c, _ := mailServer(t, sink)
	id, _ := mailStudy(t, c)
	mid := createMailing(t, c, id, "{link}", "ana@example.com")
	sink.WaitFor(t, 1, 20*time.Second)
	r := c.send("POST", fmt.Sprintf("/api/v1/studies/%d/mailings/%d/remind", id, mid), map[string]any{"subject": "Later", "body": "{link}", "after_days": 3})
	wantStatus(t, r, http.StatusOK)
	var rem struct {
		Queued int
		SendAt time.Time `json:"send_at"`
	}
	r.json(t, &rem)
	var mailed struct {
		CreatedAt time.Time `json:"created_at"`
	}
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/mailings/%d", id, mid), nil).json(t, &mailed)
	created := mailed.CreatedAt
	if rem.Queued != 0 || !rem.SendAt.Equal(created.AddDate(0, 0, 3)) {
		t.Fatalf("scheduled reminder: queued %d at %v, want 0 now and 3 days after %v", rem.Queued, rem.SendAt, created)
	}
	time.Sleep(2500 * time.Millisecond) // a sender round or more
	if n := len(sink.Accepted()); n != 1 {
		t.Fatalf("%d messages before the reminder's day, want 1", n)
	}
	// Its day comes: the next round queues and sends it.
	if err := s.store.DB().Exec("UPDATE mail_reminders SET send_at = ?", time.Now().UTC().Add(-time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	got := sink.WaitFor(t, 2, 20*time.Second)
	if got[1].To != "ana@example.com" || got[1].Header.Get("Subject") != "Later" {
		t.Fatalf("second message %s %q, want the reminder to ana", got[1].To, got[1].Header.Get("Subject"))
	}
}

func TestWithoutSMTPMailingsAnswer409AndThePageSaysHowToConfigure(t *testing.T) {
	s, c := researcherServer(t)
	id, _ := mailStudy(t, c)
	for _, path := range []string{"/mailings", "/mailings/1/remind"} {
		r := c.send("POST", fmt.Sprintf("/api/v1/studies/%d%s", id, path), map[string]any{"subject": "x", "body": "{link}", "recipients": []any{}})
		wantStatus(t, r, http.StatusConflict)
		if !strings.Contains(r.body, "--smtp-url smtp://user:password@host:587") || !strings.Contains(r.body, "ODI_MAIL_FROM") {
			t.Fatalf("409 without the explanation: %s", r.body)
		}
	}
	w := newClient(t, s)
	w.login("r@example.com")
	page := w.get(fmt.Sprintf("/studies/%d/fieldwork", id))
	if page.status != http.StatusOK || !strings.Contains(page.body, "odi sends no e-mail until it is given an SMTP server") || strings.Contains(page.body, `action="/studies/`+itoa(id)+`/mailings"`) {
		t.Fatalf("fieldwork page without SMTP: %d, explanation or a form missing/present wrongly", page.status)
	}
	// The forms' own routes refuse too, should a stale page post to them.
	for _, path := range []string{"/mailings", "/mailings/1/remind"} {
		r := w.postForm(fmt.Sprintf("/studies/%d%s", id, path), url.Values{"_csrf": {w.csrf()}, "subject": {"x"}, "body": {"{link}"}})
		if r.status != http.StatusConflict || !strings.Contains(r.body, "--smtp-url smtp://user:password@host:587") {
			t.Fatalf("POST %s without SMTP: %d, want 409 saying how to configure", path, r.status)
		}
	}
}

func TestMailingFormTakesPastedOrUploadedRecipientsAndNamesBadOnes(t *testing.T) {
	t.Parallel()
	sink := surveystest.SMTP(t)
	s, c, _ := mailServer(t, sink)
	id, _ := mailStudy(t, c)
	w := newClient(t, s)
	w.login("r@example.com")
	path := fmt.Sprintf("/studies/%d/mailings", id)
	form := url.Values{"_csrf": {w.csrf()}, "subject": {"Hi"}, "body": {"no link here"}, "recipients": {"ana@example.com\nnot-an-address,P-2"}}
	r := w.postForm(path, form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "must contain {link}") || !strings.Contains(r.body, "recipient 2 (email)") {
		t.Fatalf("bad form: %d, want 422 naming the body and recipient 2", r.status)
	}
	// An uploaded CSV with a header, columns in any order.
	r = w.upload(path, "list.csv", "panel_id,name,email\nP-7,Ana,ana@example.com\nP-8,Ben,ben@example.com\n", "subject", "Hi", "body", "Go: {link}")
	wantStatus(t, r, http.StatusSeeOther)
	mails := byRecipient(t, sink.WaitFor(t, 2, 20*time.Second))
	if _, ok := mails["ben@example.com"]; !ok || len(mails) != 2 {
		t.Fatalf("uploaded list sent to %v", mails)
	}
	// The server has both messages a moment before the sender records them.
	var page reply
	waitFor(t, "the mailing's progress", func() bool {
		page = w.get(fmt.Sprintf("/studies/%d/fieldwork", id))
		return strings.Contains(page.body, "Sent: 2 of 2")
	})
	if !strings.Contains(page.body, `id="mailing-1"`) {
		t.Fatalf("fieldwork page shows no mailing progress")
	}
	// The reminder form: now, to both (neither answered), or on a later day.
	remind := path + "/1/remind"
	r = w.postForm(remind, url.Values{"_csrf": {w.csrf()}, "subject": {"Again"}, "body": {"{link}"}, "after_days": {"0"}})
	wantRedirect(t, r, fmt.Sprintf("/studies/%d/fieldwork?reminded=2#mailing-1", id))
	sink.WaitFor(t, 4, 20*time.Second)
	r = w.postForm(remind, url.Values{"_csrf": {w.csrf()}, "subject": {"Later"}, "body": {"{link}"}, "after_days": {"7"}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "reminded=0&scheduled=") {
		t.Fatalf("scheduled reminder: %d to %q", r.status, r.header.Get("Location"))
	}
	page = w.get(r.header.Get("Location"))
	if !strings.Contains(page.body, "Reminder scheduled for ") || !strings.Contains(page.body, "Later — scheduled for") {
		t.Fatalf("the tab does not show the scheduled reminder")
	}
	r = w.postForm(remind, url.Values{"_csrf": {w.csrf()}, "subject": {"Again"}, "body": {"no link"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Message must contain {link}") {
		t.Fatalf("reminder without {link}: %d", r.status)
	}
}
