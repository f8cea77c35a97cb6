package mailing

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/surveystest"
)

// openStudy is an open study of one outcome in st, as its owner sees it.
func openStudy(t *testing.T, st *surveys.Store) *surveys.Design {
	t.Helper()
	ctx := context.Background()
	u := surveystest.User(t, st, "r@example.com", accounts.RoleResearcher)
	name, stmt := "Mail", "Minimize the time it takes to find a decision"
	study, err := st.CreateStudy(ctx, u, surveys.StudyInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddOutcome(ctx, u, study.ID, surveys.OutcomeInput{Statement: &stmt}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Publish(ctx, u, study.ID); err != nil {
		t.Fatal(err)
	}
	d, err := st.Design(ctx, u, study.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSendersSharingADatabaseSendEachMessageOnce runs three senders, as three
// instances behind one PostgreSQL would, over one queue: the conditional
// claim gives each message to exactly one of them. A SQLite file has one
// odi, whose sender takes any claim it finds at start for a dead one's, so
// there it runs one.
func TestSendersSharingADatabaseSendEachMessageOnce(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, st *surveys.Store) {
		sink := surveystest.SMTP(t)
		d := openStudy(t, st)
		var in Input
		in.Subject, in.Body = "Hello", "{link}"
		for i := range 60 {
			in.Recipients = append(in.Recipients, RecipientInput{Email: fmt.Sprintf("p%02d@example.com", i)})
		}
		store := New(st)
		id, err := store.Create(context.Background(), d, in)
		if err != nil {
			t.Fatal(err)
		}
		smtpCfg, _ := ParseSMTP("smtp://" + sink.Addr)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		senders := 3
		if st.Dialect() == "sqlite" {
			senders = 1
		}
		for range senders {
			snd := New(st).NewSender(SenderConfig{SMTP: smtpCfg, From: "r@example.com", BaseURL: "http://odi.test", Rate: 1000}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			wg.Go(func() { snd.Run(ctx) })
		}
		sink.WaitFor(t, 60, 30*time.Second)
		time.Sleep(200 * time.Millisecond) // a duplicate would arrive meanwhile
		cancel()
		wg.Wait()
		seen := map[string]int{}
		for _, m := range sink.Accepted() {
			seen[m.To]++
		}
		for _, r := range in.Recipients {
			if seen[r.Email] != 1 {
				t.Errorf("%s got %d messages, want 1", r.Email, seen[r.Email])
			}
		}
		p, err := store.Progress(context.Background(), d, id)
		if err != nil || p.Recipients != 60 || p.Sent != 60 || p.Pending+p.Failed+p.Started+p.OptedOut != 0 {
			t.Fatalf("progress %+v, %v; want 60 recipients, 60 sent", p, err)
		}
		// p00 opts out, twice: the reminder goes to the other 59.
		secret, err := st.Accounts().Secret(context.Background(), "mail_secret")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := store.OptOut(context.Background(), token(secret, "optout", id, "p00@example.com")); err != nil {
				t.Fatal(err)
			}
		}
		res, err := store.Remind(context.Background(), d, id, ReminderInput{Subject: "Again", Body: "{link}"})
		if err != nil || res.Queued != 59 {
			t.Fatalf("reminder: %+v, %v; want 59 queued, nobody having answered and one opted out", res, err)
		}
		if p, _ := store.Progress(context.Background(), d, id); p.OptedOut != 1 || p.Reminders[0].Pending != 59 {
			t.Fatalf("progress %+v, want 1 opted out and 59 reminders waiting", p)
		}
	})
}

// TestClearTextOnlyToLoopback sends to a server that offers no STARTTLS on
// an address of this machine that is not loopback: odi refuses to send in
// clear text there (and will retry), while on loopback the same server gets
// the message.
func TestClearTextOnlyToLoopback(t *testing.T) {
	var ip net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Skip("this machine has no IPv4 address but loopback")
	}
	msg := gomail.NewMsg()
	msg.From("r@example.com")
	msg.To("p@example.com")
	msg.SetBodyString(gomail.TypeTextPlain, "hello")
	// Elsewhere: refused before a password or a message goes out.
	sink := surveystest.SMTPOn(t, net.JoinHostPort(ip.String(), "0"))
	cfg, err := ParseSMTP("smtp://user:secret@" + sink.Addr)
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.deliver(context.Background(), msg)
	if err == nil || len(sink.Accepted()) != 0 {
		t.Fatalf("%s without STARTTLS: sent (err %v), want refused", sink.Addr, err)
	}
	if permanent(err) {
		t.Errorf("refusing clear text is not the server's final no: %v", err)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "tls") {
		t.Errorf("the error does not say TLS: %v", err)
	}
	// On loopback: sent.
	sink = surveystest.SMTP(t)
	if cfg, err = ParseSMTP("smtp://" + sink.Addr); err != nil {
		t.Fatal(err)
	}
	if err := cfg.deliver(context.Background(), msg); err != nil || len(sink.Accepted()) != 1 {
		t.Fatalf("loopback without TLS: %v, %d accepted; want sent", err, len(sink.Accepted()))
	}
}

func TestParseSMTP(t *testing.T) {
	tests := []struct {
		in   string
		want SMTP
		err  bool
	}{
		{"smtp://mail.example.com", SMTP{Host: "mail.example.com", Port: 587}, false},
		{"smtp://ana:p%40ss@mail.example.com:2525", SMTP{Host: "mail.example.com", Port: 2525, User: "ana", Password: "p@ss"}, false},
		{"smtps://ana:x@mail.example.com", SMTP{Host: "mail.example.com", Port: 465, Implicit: true, User: "ana", Password: "x"}, false},
		{"smtp://[::1]:25", SMTP{Host: "::1", Port: 25}, false},
		{"http://mail.example.com", SMTP{}, true},
		{"smtp://", SMTP{}, true},
		{"smtp://mail.example.com:99999", SMTP{}, true},
		{"mail.example.com:25", SMTP{}, true},
	}
	for _, tt := range tests {
		got, err := ParseSMTP(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseSMTP(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseRecipients(t *testing.T) {
	tests := []struct {
		name, in string
		want     []RecipientInput
		err      string
	}{
		{"pasted", "ana@example.com,P-1\n\nben@example.com\n", []RecipientInput{{"ana@example.com", "P-1"}, {"ben@example.com", ""}}, ""},
		{"header in any order", "\ufeffpanel_id,name,Email\nP-7,Ana,ana@example.com\n", []RecipientInput{{"ana@example.com", "P-7"}}, ""},
		{"header without panel ids", "email\nana@example.com\n", []RecipientInput{{"ana@example.com", ""}}, ""},
		{"empty", "\n \n", nil, "give at least one"},
		{"not CSV", "a@b.c,\"x\n", nil, "line 1 is not CSV"},
	}
	for _, tt := range tests {
		got, err := ParseRecipients(strings.NewReader(tt.in))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}
