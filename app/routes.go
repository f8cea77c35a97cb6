package app

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"odi/static"
)

// access says who may call a route. The access-matrix test walks this table, so
// a route cannot be added without deciding who it is for.
type access int

const (
	public     access = iota // anyone; a handler that takes a token from the URL checks it itself
	form                     // anyone, from a browser form: CSRF-protected (login, setup)
	researcher               // a session or API token; CSRF-protected on sessions
	admin                    // as researcher, and the role admin
)

type route struct {
	method   string
	path     string
	access   access
	handlers []fiber.Handler // per-route middleware first, the handler last
}

func r(method, path string, a access, handlers ...fiber.Handler) route {
	return route{method, path, a, handlers}
}

// routeTable is every route odi serves.
func (s *Server) routeTable() []route {
	return []route{
		r("GET", "/healthz", public, s.healthz),
		r("GET", "/metrics", public, s.metrics.handler()),
		r("GET", "/static/*", public, s.asset),

		r("GET", "/setup", form, s.setupPage),
		r("POST", "/setup", form, s.setup),
		r("GET", "/login", form, s.loginPage),
		r("POST", "/login", form, s.loginThrottle(), s.login),
		r("POST", "/logout", researcher, s.logout),

		r("GET", "/", researcher, s.home),
		r("GET", "/studies", researcher, s.studiesPage),
		r("GET", "/settings/tokens", researcher, s.tokensPage),
		r("POST", "/settings/tokens", researcher, s.createToken),
		r("POST", "/settings/tokens/:id/revoke", researcher, s.revokeToken),
		r("GET", "/admin/users", admin, s.usersPage),
		r("POST", "/admin/users", admin, s.createUser),

		r("GET", "/api/v1/s/:slug", public, s.surveyDefinition),
		r("POST", "/api/v1/s/:slug/responses", public, s.submitLimit, s.submit),
		r("PATCH", "/api/v1/s/:slug/responses/:token", public, s.submitLimit, s.autosave),

		r("GET", "/api/v1/studies", researcher, s.listStudies),
		r("POST", "/api/v1/studies", researcher, s.createStudy),
		r("GET", "/api/v1/studies/:id", researcher, s.getStudy),
		r("PATCH", "/api/v1/studies/:id", researcher, s.updateStudy),
		r("DELETE", "/api/v1/studies/:id", researcher, s.deleteStudy),
		r("POST", "/api/v1/studies/:id/publish", researcher, s.lifecycle("publish")),
		r("POST", "/api/v1/studies/:id/close", researcher, s.lifecycle("close")),
		r("POST", "/api/v1/studies/:id/reopen", researcher, s.lifecycle("reopen")),
		r("POST", "/api/v1/studies/:id/duplicate", researcher, s.lifecycle("duplicate")),
		r("POST", "/api/v1/studies/:id/members", researcher, s.addMember),
		r("POST", "/api/v1/studies/:id/steps", researcher, create(s.store.AddStep)),
		r("PATCH", "/api/v1/studies/:id/steps/:step_id", researcher, s.updateStep),
		r("DELETE", "/api/v1/studies/:id/steps/:step_id", researcher, s.deleteStep),
		r("GET", "/api/v1/studies/:id/outcomes", researcher, list(s.store.Outcomes)),
		r("POST", "/api/v1/studies/:id/outcomes", researcher, create(s.store.AddOutcome)),
		r("POST", "/api/v1/studies/:id/outcomes/import", researcher, s.importOutcomes),
		r("PATCH", "/api/v1/studies/:id/outcomes/:outcome_id", researcher, s.updateOutcome),
		r("DELETE", "/api/v1/studies/:id/outcomes/:outcome_id", researcher, s.deleteOutcome),
		r("POST", "/api/v1/studies/:id/invitations", researcher, s.createInvitations),
		r("GET", "/api/v1/studies/:id/responses.csv", researcher, s.exportResponses),
		r("POST", "/api/v1/studies/:id/responses/import", researcher, s.importResponses),
		r("GET", "/api/v1/studies/:id/fieldwork", researcher, list(s.store.Fieldwork)),
		r("GET", "/api/v1/studies/:id/responses", researcher, s.listResponses),
		r("PATCH", "/api/v1/studies/:id/responses/:respondent_id", researcher, s.updateResponse),
		r("DELETE", "/api/v1/studies/:id/responses/:respondent_id", researcher, s.deleteResponse),
		r("GET", "/api/v1/studies/:id/opportunities", researcher, s.opportunities),
		r("POST", "/api/v1/studies/:id/segments/discover", researcher, s.discoverSegments),
		r("POST", "/api/v1/studies/:id/segmentations", researcher, create(s.store.SaveSegmentation)),
		r("GET", "/api/v1/studies/:id/segmentations", researcher, list(s.store.Segmentations)),
		r("POST", "/api/v1/studies/:id/shares", researcher, s.createShare),
		r("GET", "/api/v1/studies/:id/shares", researcher, list(s.store.Shares)),
		r("DELETE", "/api/v1/studies/:id/shares/:share_id", researcher, s.revokeShare),
		r("GET", "/api/v1/studies/:id/questions", researcher, list(s.store.Questions)),
		r("POST", "/api/v1/studies/:id/questions", researcher, create(s.store.AddQuestion)),
		r("PATCH", "/api/v1/studies/:id/questions/:key", researcher, s.updateQuestion),
		r("DELETE", "/api/v1/studies/:id/questions/:key", researcher, s.deleteQuestion),
	}
}

func (s *Server) routes() {
	for _, h := range s.common() {
		s.app.Use(h)
	}
	csrf := s.csrfProtect()
	for _, rt := range s.routeTable() {
		var chain []fiber.Handler
		switch rt.access {
		case form:
			chain = append(chain, csrf)
		case researcher:
			chain = append(chain, s.authenticate, csrf)
		case admin:
			chain = append(chain, s.authenticate, s.requireAdmin, csrf)
		}
		s.app.Add(rt.method, rt.path, append(chain, rt.handlers...)...)
	}
}

var assets = http.FS(static.Assets)

func (s *Server) asset(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return filesystem.SendFile(c, assets, c.Params("*"))
}
