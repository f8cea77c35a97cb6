package app

import (
	"context"
	"html/template"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

var templateFuncs = template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2 Jan 2006 15:04") },
}

// render writes a page inside the common layout; PassLocalsToViews hands every
// page the user and the CSRF token.
func (s *Server) render(c *fiber.Ctx, page string, data fiber.Map) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render(page, data)
}

func (s *Server) home(c *fiber.Ctx) error {
	return c.Redirect("/studies")
}

func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check: database unreachable", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "database unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
