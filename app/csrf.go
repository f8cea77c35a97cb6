package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/accounts"
)

// CSRF tokens are derived, never stored:
//   - on a logged-in session, the token is a MAC of the session id, so it is
//     bound to that session and changes with it at every login;
//   - before login (the login and setup forms), the token is a MAC of a random
//     nonce kept in a cookie and an expiry, so an anonymous page view writes
//     nothing to the database.
//
// A token taken from one browser is worthless with another browser's cookies.
const (
	csrfHeader    = "X-Csrf-Token"
	csrfField     = "_csrf"
	preCSRFCookie = "odi_csrf"
	preCSRFMaxAge = 12 * time.Hour
)

func (s *Server) csrfMAC(c *fiber.Ctx, parts ...string) (string, error) {
	key, err := s.accounts.Secret(c.UserContext(), "csrf_secret")
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// csrfToken is the token for the forms of the page being answered: the
// session's own when someone is logged in, a pre-session one otherwise
// (which sets the nonce cookie when the browser has none yet).
func (s *Server) csrfToken(c *fiber.Ctx) (string, error) {
	if sid := c.Cookies(sessionCookie); sid != "" && userOf(c) != nil {
		return s.csrfMAC(c, "session", sid)
	}
	nonce := c.Cookies(preCSRFCookie)
	if !validNonce(nonce) {
		nonce = accounts.NewSecret("")
		c.Cookie(&fiber.Cookie{Name: preCSRFCookie, Value: nonce, Path: "/", MaxAge: int(preCSRFMaxAge / time.Second),
			HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.Secure()})
	}
	exp := strconv.FormatInt(time.Now().Add(preCSRFMaxAge).Unix(), 10)
	mac, err := s.csrfMAC(c, "pre", nonce, exp)
	if err != nil {
		return "", err
	}
	return exp + "." + mac, nil
}

// validNonce accepts what NewSecret makes: 43 URL-safe characters.
func validNonce(n string) bool {
	if len(n) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(n)
	return err == nil
}

// csrfValid checks a sent token against the session, or against the
// pre-session nonce and expiry it was made with.
func (s *Server) csrfValid(c *fiber.Ctx, sent string) (bool, error) {
	if sent == "" {
		return false, nil
	}
	if sid := c.Cookies(sessionCookie); sid != "" && userOf(c) != nil {
		want, err := s.csrfMAC(c, "session", sid)
		return hmac.Equal([]byte(sent), []byte(want)), err
	}
	exp, mac, ok := strings.Cut(sent, ".")
	nonce := c.Cookies(preCSRFCookie)
	if !ok || !validNonce(nonce) {
		return false, nil
	}
	until, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || time.Now().Unix() > until {
		return false, nil
	}
	want, err := s.csrfMAC(c, "pre", nonce, exp)
	return hmac.Equal([]byte(mac), []byte(want)), err
}

// csrfProtect guards every cookie-authenticated change and hands pages their
// token. Scripts using a bearer token carry no ambient credential, so they
// are exempt.
func (s *Server) csrfProtect(c *fiber.Ctx) error {
	if _, ok := bearer(c); ok {
		return c.Next()
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
	default:
		sent := c.Get(csrfHeader)
		if sent == "" {
			sent = c.FormValue(csrfField)
		}
		ok, err := s.csrfValid(c, sent)
		if err != nil {
			return err
		}
		if !ok || !s.sameOrigin(c) {
			// The error page still carries a good token, for its logout button.
			if tok, err := s.csrfToken(c); err == nil {
				c.Locals(localCSRF, tok)
			}
			return fiber.NewError(fiber.StatusForbidden, "missing or invalid CSRF token: reload the page and try again")
		}
	}
	tok, err := s.csrfToken(c)
	if err != nil {
		return err
	}
	c.Locals(localCSRF, tok)
	return c.Next()
}

// sameOrigin is the second line behind the token: a browser names the page
// a request comes from in Origin (or, failing that, Referer), and a change
// sent from another site's page is refused even if it carries a token.
func (s *Server) sameOrigin(c *fiber.Ctx) bool {
	from := c.Get(fiber.HeaderOrigin)
	if from == "" || from == "null" {
		from = c.Get(fiber.HeaderReferer)
	}
	if from == "" {
		return true // a client that sends neither: the token alone decides
	}
	u, err := url.Parse(from)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, c.Hostname()) {
		return true
	}
	base, err := url.Parse(s.baseURL())
	return err == nil && strings.EqualFold(u.Host, base.Host)
}
