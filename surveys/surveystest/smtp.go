package surveystest

import (
	"bytes"
	"io"
	"log"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message an SMTPSink accepted, its body decoded, with "\n"
// line ends.
type Mail struct {
	From   string
	To     string
	Header mail.Header
	Body   string
}

// SMTPSink is a real SMTP server on loopback that keeps what it accepts.
// Reject decides, per recipient and attempt (1, 2, …), whether to refuse a
// message with an SMTP error; Hold names recipients whose message is read in
// full and then never answered, as a server that is slow to reply: the
// client, killed meanwhile, never learns whether it was delivered.
type SMTPSink struct {
	Addr string

	mu       sync.Mutex
	accepted []Mail
	tries    map[string]int
	Reject   func(to string, try int) *smtp.SMTPError
	Hold     func(to string) bool
	Held     chan string // the recipients held, as their messages arrive
	release  chan struct{}
}

// SMTP starts an SMTPSink on loopback for the test, closed when it ends.
func SMTP(t testing.TB) *SMTPSink { return SMTPOn(t, "127.0.0.1:0") }

// SMTPOn starts an SMTPSink listening on addr.
func SMTPOn(t testing.TB, addr string) *SMTPSink {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	k := &SMTPSink{Addr: ln.Addr().String(), tries: map[string]int{}, Held: make(chan string, 100), release: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{k: k}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients killed mid-message are the point of some tests
	go srv.Serve(ln)
	t.Cleanup(func() { close(k.release); srv.Close() })
	return k
}

// Accepted is every message accepted so far.
func (k *SMTPSink) Accepted() []Mail {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]Mail(nil), k.accepted...)
}

// Tries is how many times a message to the address was offered.
func (k *SMTPSink) Tries(to string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.tries[to]
}

// WaitFor waits until at least n messages were accepted, failing the test
// after timeout.
func (k *SMTPSink) WaitFor(t testing.TB, n int, timeout time.Duration) []Mail {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := k.Accepted()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the SMTP server got %d messages, want %d", len(got), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type sinkSession struct {
	k        *SMTPSink
	from, to string
}

func (s *sinkSession) Reset()        { s.from, s.to = "", "" }
func (s *sinkSession) Logout() error { return nil }

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.k.mu.Lock()
	s.k.tries[to]++
	try, reject := s.k.tries[to], s.k.Reject
	s.k.mu.Unlock()
	s.to = to
	if reject != nil {
		if err := reject(to, try); err != nil {
			return err
		}
	}
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.k.Hold != nil && s.k.Hold(s.to) {
		s.k.Held <- s.to
		<-s.k.release
		return &smtp.SMTPError{Code: 451, Message: "held"}
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	s.k.mu.Lock()
	s.k.accepted = append(s.k.accepted, Mail{From: s.from, To: s.to, Header: m.Header, Body: strings.ReplaceAll(string(text), "\r\n", "\n")})
	s.k.mu.Unlock()
	return nil
}
