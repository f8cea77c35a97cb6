package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

const sessionCookie = "odi_session"

// startSession logs u in under a fresh session and sets its cookie.
func (s *Server) startSession(c *fiber.Ctx, u *accounts.User) error {
	if old := c.Cookies(sessionCookie); old != "" {
		if err := s.accounts.DeleteSession(c.UserContext(), old); err != nil {
			return err
		}
	}
	id, err := s.accounts.CreateSession(c.UserContext(), u)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, id, accounts.SessionLifetime)
	return nil
}

// endSession logs this browser out.
func (s *Server) endSession(c *fiber.Ctx) error {
	if id := c.Cookies(sessionCookie); id != "" {
		if err := s.accounts.DeleteSession(c.UserContext(), id); err != nil {
			return err
		}
	}
	s.setSessionCookie(c, "", -1)
	return nil
}

func (s *Server) setSessionCookie(c *fiber.Ctx, id string, life time.Duration) {
	ck := &fiber.Cookie{Name: sessionCookie, Value: id, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.Secure()}
	if life > 0 {
		ck.MaxAge = int(life / time.Second)
		ck.Expires = time.Now().Add(life)
	} else {
		ck.MaxAge = -1
		ck.Expires = time.Unix(0, 0)
	}
	c.Cookie(ck)
}

// currentUser resolves the caller from a bearer token or the session
// cookie; nil when there is neither (or the session has ended).
func (s *Server) currentUser(c *fiber.Ctx) (*accounts.User, error) {
	return s.userFrom(c.UserContext(), c.Get(fiber.HeaderAuthorization), c.Cookies(sessionCookie))
}

// userFrom resolves a caller from the Authorization header and the session
// cookie's value. It reads only headers, so it also serves before a
// request's body has been read.
func (s *Server) userFrom(ctx context.Context, authorization, sessionID string) (*accounts.User, error) {
	if tok, ok := bearerToken(authorization); ok {
		u, err := s.accounts.UserByToken(ctx, tok)
		if errors.Is(err, problem.ErrUnauthorized) {
			return nil, fiber.NewError(fiber.StatusUnauthorized, "invalid or revoked API token")
		}
		return u, err
	}
	if sessionID == "" {
		return nil, nil
	}
	u, err := s.accounts.SessionUser(ctx, sessionID)
	if errors.Is(err, problem.ErrUnauthorized) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	return u, nil
}

func bearer(c *fiber.Ctx) (string, bool) { return bearerToken(c.Get(fiber.HeaderAuthorization)) }

func bearerToken(h string) (string, bool) {
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}
