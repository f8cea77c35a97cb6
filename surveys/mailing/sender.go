package mailing

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/time/rate"
)

// SenderConfig is how a Sender sends.
type SenderConfig struct {
	SMTP    SMTP
	From    string  // the From: of every message
	BaseURL string  // odi's public URL, for the links in messages
	Rate    float64 // messages per second from this instance
	// Backoff is the wait before a temporary failure is retried, doubled
	// at each further attempt up to an hour; MaxAttempts the attempts
	// before a message is failed for good.
	Backoff     time.Duration
	MaxAttempts int
	// Lease is how long a claim lasts: a message claimed longer ago and
	// not settled belongs to an instance that died mid-send. It outlasts
	// the SMTP client's timeouts by far.
	Lease time.Duration
}

// Defaults for what a SenderConfig leaves zero.
const (
	DefaultBackoff     = time.Minute
	DefaultMaxAttempts = 6
	DefaultLease       = 10 * time.Minute
	maxBackoff         = time.Hour
	pollEvery          = 2 * time.Second // for what other instances queue, and reminders scheduled
)

// Sender works through the queue of a Store over SMTP.
type Sender struct {
	store *Store
	cfg   SenderConfig
	limit *rate.Limiter
	log   *slog.Logger
}

// NewSender sends the messages of s as cfg says.
func (s *Store) NewSender(cfg SenderConfig, log *slog.Logger) *Sender {
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	return &Sender{store: s, cfg: cfg, limit: rate.NewLimiter(rate.Limit(cfg.Rate), 1), log: log}
}

// Run sends until ctx ends; a message being handed over then is finished
// first. On SQLite, the only instance is this one, so whatever was claimed
// before it started was claimed by a process that died; on PostgreSQL
// another instance may be sending it, so its lease must run out first.
func (snd *Sender) Run(ctx context.Context) {
	stale := time.Now().UTC().Add(-snd.cfg.Lease)
	if snd.store.dialect == "sqlite" {
		stale = time.Now().UTC()
	}
	snd.recover(ctx, stale)
	for {
		snd.round(ctx)
		wake := time.NewTimer(snd.store.untilNext(ctx, time.Now().UTC()))
		select {
		case <-ctx.Done():
			wake.Stop()
			return
		case <-wake.C:
		case <-snd.store.queued:
			wake.Stop()
		}
		snd.recover(ctx, time.Now().UTC().Add(-snd.cfg.Lease))
	}
}

func (snd *Sender) recover(ctx context.Context, stale time.Time) {
	n, err := snd.store.recoverClaims(ctx, stale)
	if err != nil {
		snd.log.Warn("resolve interrupted mail", "err", err)
	} else if n > 0 {
		snd.log.Warn("mail interrupted while sending, recorded as failed and not resent", "messages", n)
	}
}

// round queues the reminders now due, then sends every message due.
func (snd *Sender) round(ctx context.Context) {
	if _, err := snd.store.queueDue(ctx, time.Now().UTC()); err != nil {
		snd.log.Warn("queue due reminders", "err", err)
	}
	for ctx.Err() == nil {
		if err := snd.limit.Wait(ctx); err != nil {
			return
		}
		o, err := snd.store.claim(ctx, time.Now().UTC())
		if err != nil {
			snd.log.Warn("claim mail", "err", err)
			return
		}
		if o == nil {
			return
		}
		snd.send(ctx, o)
	}
}

// send hands one claimed message over and records the outcome. Neither
// step stops for a shutdown: a message half-sent would be lost to the
// queue, as interrupted.
func (snd *Sender) send(ctx context.Context, o *outgoing) {
	ctx = context.WithoutCancel(ctx)
	msg, err := snd.message(ctx, o)
	if err == nil {
		sendCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err = snd.cfg.SMTP.deliver(sendCtx, msg)
		cancel()
	}
	state, reason, retry := Sent, "", time.Time{}
	switch {
	case err == nil:
	case permanent(err):
		state, reason = Failed, short(err)
	case o.Attempts >= snd.cfg.MaxAttempts:
		state, reason = Failed, fmt.Sprintf("gave up after %d attempts: %s", o.Attempts, short(err))
	default:
		wait := min(snd.cfg.Backoff<<(o.Attempts-1), maxBackoff)
		state, reason, retry = Pending, short(err), time.Now().UTC().Add(wait)
	}
	if err != nil {
		snd.log.Warn("mail not sent", "message", o.MessageID, "attempt", o.Attempts, "state", state, "err", err)
	}
	if err := snd.store.settle(ctx, o.MessageID, state, reason, retry); err != nil {
		snd.log.Error("record mail", "err", err)
	}
}

// short is an error as a recipient's row keeps it.
func short(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

// message is the e-mail of o: its text with the personal link, and the
// opt-out both in the text and as RFC 8058's one-click headers. The
// Message-ID stays the same through retries, so a server that did get an
// attempt can tell a second one apart.
func (snd *Sender) message(ctx context.Context, o *outgoing) (*gomail.Msg, error) {
	secret, err := snd.store.accounts.Secret(ctx, "mail_secret")
	if err != nil {
		return nil, err
	}
	link := snd.cfg.BaseURL + "/s/" + url.PathEscape(o.Slug) + "?i=" + token(secret, "invite", o.MailingID, o.Email)
	optout := snd.cfg.BaseURL + "/unsubscribe/" + token(secret, "optout", o.MailingID, o.Email)
	m := gomail.NewMsg()
	if err := m.From(snd.cfg.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", snd.cfg.From, err)
	}
	if err := m.To(o.Email); err != nil {
		return nil, fmt.Errorf("to %q: %w", o.Email, err)
	}
	m.Subject(o.Subject)
	host := "odi"
	if u, err := url.Parse(snd.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	m.SetMessageIDWithValue(fmt.Sprintf("odi.%d.%d@%s", o.MailingID, o.MessageID, host))
	m.SetDate()
	m.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+optout+">")
	m.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	body := strings.ReplaceAll(o.Body, LinkPlaceholder, link) +
		"\n\n-- \nTo get no more e-mail about this survey, open " + optout + "\n"
	m.SetBodyString(gomail.TypeTextPlain, body)
	return m, nil
}
