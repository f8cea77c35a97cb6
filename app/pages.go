package app

import (
	"context"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
)

var templateFuncs = template.FuncMap{
	"date":  func(t time.Time) string { return t.Format("2 Jan 2006 15:04") },
	"add":   func(a, b int) int { return a + b }, // a neighbour's place, for move buttons
	"lines": func(s []string) string { return strings.Join(s, "\n") },
	"has":   slices.Contains[[]string], // a box ticked among those listed
}

// render writes a page inside the common layout; PassLocalsToViews hands every
// page the user and the CSRF token.
func (s *Server) render(c *fiber.Ctx, page string, data fiber.Map) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if _, ok := data["Notice"]; !ok && c.Method() == fiber.MethodGet {
		if n := s.takeNotice(c); n != "" {
			data["Notice"] = n
		}
	}
	return c.Render(page, data)
}

// analysisTab serves the GET of an analysis tab (Fieldwork, Results,
// Segments, Share): the tab as it stands, with nothing posted to it. The
// handlers that take a post show the same tab with what they did.
func analysisTab(show func(*fiber.Ctx, *surveys.Design, fiber.Map) error) fiber.Handler {
	return func(c *fiber.Ctx) error { return show(c, designOf(c), fiber.Map{}) }
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
