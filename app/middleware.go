package app

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
	"odi/surveys/results"
)

const (
	localUser   = "user"
	localDesign = "design"
	localShare  = "share"
	localCSRF   = "csrf"
	setupKey    = "setup_token"
)

// common is the middleware every request passes through, outermost first.
func (s *Server) common() []fiber.Handler {
	hs := []fiber.Handler{
		requestid.New(),
		s.accessLog,
		recover.New(recover.Config{
			EnableStackTrace: true,
			StackTraceHandler: func(c *fiber.Ctx, e any) {
				s.log.Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(e), "stack", string(debug.Stack()))
			},
		}),
		helmet.New(helmet.Config{
			ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
				"form-action 'self'; base-uri 'self'; frame-ancestors 'none'",
			XFrameOptions:             "DENY",
			ReferrerPolicy:            "same-origin",
			CrossOriginEmbedderPolicy: "unsafe-none",
		}),
	}
	if s.cfg.Secure() {
		hs = append(hs, strictTransport)
	}
	return append(hs, s.readBody)
}

// strictTransport tells browsers to reach odi, and any host under its name,
// only over https for two years. odi speaks plain http behind a proxy that
// ends TLS, so the request's own scheme says nothing (helmet's HSTS looks
// at that); the https public URL does. Over http the header would be
// ignored, or, on an odi reached only by http, wrong.
func strictTransport(c *fiber.Ctx) error {
	c.Set(fiber.HeaderStrictTransportSecurity, "max-age=63072000; includeSubDomains")
	return c.Next()
}

// accessLog writes one structured line per request and feeds the metrics, keyed
// by route pattern so /studies/1 and /studies/2 share a series.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler write the status before it is logged.
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	d := time.Since(start)
	status := c.Response().StatusCode()
	route := c.Route().Path
	s.metrics.observe(c.Method(), route, status, d)
	s.log.Info("request", "method", c.Method(), "route", route, "path", loggedPath(c), "status", status,
		"duration_ms", float64(d.Microseconds())/1000, "request_id", requestID(c))
	return nil
}

// loggedPath is the request's path as the log may keep it: a share link's or
// resume token's secret is replaced, since whoever reads the logs must not
// be able to open the report or the response it unlocks.
func loggedPath(c *fiber.Ctx) string {
	p := c.Path()
	for _, name := range c.Route().Params {
		if name == "token" {
			if v := c.Params(name); v != "" {
				p = strings.Replace(p, v, "REDACTED", 1)
			}
		}
	}
	return p
}

// authenticate resolves the caller from a bearer token or the session cookie and
// answers 401 (API) or redirects to the login page (pages) when there is none.
func (s *Server) authenticate(c *fiber.Ctx) error {
	u, err := s.currentUser(c)
	if err != nil {
		return err
	}
	if u == nil {
		if strings.HasPrefix(c.Path(), "/api/") {
			return errAuthRequired
		}
		return c.Redirect("/login?next=" + urlQueryEscape(c.OriginalURL()))
	}
	c.Locals(localUser, u)
	return c.Next()
}

func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if u := userOf(c); u == nil || !u.IsAdmin() {
		return problem.ErrNotFound
	}
	return c.Next()
}

// namesStudy tells whether a route acts on one study named by :id.
func namesStudy(path string) bool {
	return strings.HasPrefix(path, "/api/v1/studies/:id") || strings.HasPrefix(path, "/studies/:id")
}

// studyAccess resolves the study a route names, with its design, once for
// the whole request: the handler and the domain methods it calls read the
// design it leaves in the context and never look the study up again. A
// study the caller may not see is a 404 before anything else is read, so
// that a stranger learns nothing about it from validation messages or lock
// conflicts.
func (s *Server) studyAccess(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.Design(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	c.Locals(localDesign, d)
	return c.Next()
}

// namesShare tells whether a route is a stakeholder's, behind a share link.
func namesShare(path string) bool { return strings.HasPrefix(path, "/r/:token") }

// shareAccess resolves a share link to the study it opens and what it
// allows: its routes then read the study the way a researcher's do, held to
// the link's Share. A link that does not work says nothing of why.
func (s *Server) shareAccess(c *fiber.Ctx) error {
	sh, d, err := s.results.SharedStudy(c.UserContext(), c.Params("token"))
	if err != nil {
		return s.reportNotFound(c, err)
	}
	c.Locals(localShare, sh)
	c.Locals(localDesign, d)
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return c.Next()
}

// designOf is the study a request names, resolved by studyAccess or
// shareAccess.
func designOf(c *fiber.Ctx) *surveys.Design {
	d, _ := c.Locals(localDesign).(*surveys.Design)
	return d
}

// shareOf is the share link a stakeholder's request came through.
func shareOf(c *fiber.Ctx) *results.Share {
	sh, _ := c.Locals(localShare).(*results.Share)
	return sh
}

func userOf(c *fiber.Ctx) *accounts.User {
	u, _ := c.Locals(localUser).(*accounts.User)
	return u
}
