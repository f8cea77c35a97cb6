package mailing

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP is where messages are handed over, as --smtp-url names it.
type SMTP struct {
	Host     string
	Port     int
	Implicit bool // smtps://: TLS from the first byte
	User     string
	Password string
}

// ParseSMTP reads smtp://user:pass@host:port (STARTTLS when the server
// offers it, required unless the server is on loopback) or smtps://… (TLS
// from the start). The port defaults to 587 and 465.
func ParseSMTP(raw string) (SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Path != "" && u.Path != "/" {
		return SMTP{}, errors.New("want smtp://user:password@host:port or smtps://…")
	}
	c := SMTP{Host: u.Hostname(), Implicit: u.Scheme == "smtps", Port: 587}
	if c.Implicit {
		c.Port = 465
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port < 1 || c.Port > 65535 {
			return SMTP{}, errors.New("the port must be 1-65535")
		}
	}
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	return c, nil
}

// loopback tells whether the server is on this machine, the one place a
// message (and a password) may travel without TLS.
func (c SMTP) loopback() bool {
	if c.Host == "localhost" {
		return true
	}
	ip := net.ParseIP(c.Host)
	return ip != nil && ip.IsLoopback()
}

// client is a go-mail client for one SMTP transaction.
func (c SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(30 * time.Second)}
	switch {
	case c.Implicit:
		opts = append(opts, gomail.WithSSL())
	case c.loopback():
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.User != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if c.loopback() {
			// A loopback server without TLS may still ask for a password.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(c.User), gomail.WithPassword(c.Password))
	}
	cl, err := gomail.NewClient(c.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client for %s: %w", c.Host, err)
	}
	return cl, nil
}

// deliver hands one message to the server in a transaction of its own.
func (c SMTP) deliver(ctx context.Context, m *gomail.Msg) error {
	cl, err := c.client()
	if err != nil {
		return err
	}
	return cl.DialAndSendWithContext(ctx, m)
}

// permanent tells whether a delivery error is the server's final no (a 5xx
// reply); anything else, a 4xx or a connection that failed, may work later.
func permanent(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		return code >= 500 && code < 600
	}
	return false
}

// ParseFrom checks --mail-from: an address, with or without a name.
func ParseFrom(raw string) (string, error) {
	a, err := mail.ParseAddress(raw)
	if err != nil {
		return "", errors.New(`want an address such as "Research team <research@example.com>"`)
	}
	return a.String(), nil
}
