package app

import (
	"io/fs"
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
	operator                 // whoever runs odi: anyone on the main listener, or only on --metrics-addr's when set
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
		r("GET", "/metrics", operator, s.metrics.handler()),
		r("GET", "/static/*", public, s.asset),

		r("GET", "/setup", form, s.setupPage),
		r("POST", "/setup", form, s.setup),
		r("GET", "/login", form, s.loginPage),
		r("POST", "/login", form, s.login),
		r("GET", "/reset", form, s.resetPage),
		r("POST", "/reset", form, s.resetPassword),
		r("POST", "/logout", researcher, s.logout),

		r("GET", "/", researcher, s.home),
		r("GET", "/studies", researcher, s.studiesPage),
		r("GET", "/settings/tokens", researcher, s.tokensPage),
		r("POST", "/settings/tokens", researcher, s.createToken),
		r("POST", "/settings/tokens/:id/revoke", researcher, s.revokeToken),
		r("GET", "/settings/password", researcher, s.passwordPage),
		r("POST", "/settings/password", researcher, s.changePassword),
		r("GET", "/admin/users", admin, s.usersPage),
		r("POST", "/admin/users", admin, s.createUser),
		r("POST", "/admin/users/:user_id/disable", admin, s.userAction("disable")),
		r("POST", "/admin/users/:user_id/enable", admin, s.userAction("enable")),
		r("POST", "/admin/users/:user_id/reset", admin, s.userAction("reset")),
		r("GET", "/admin/users/:user_id/delete", admin, s.deleteUserPage),
		r("POST", "/admin/users/:user_id/delete", admin, s.userAction("delete")),

		r("GET", "/api/v1/s/:slug", public, s.surveyDefinition),
		r("POST", "/api/v1/s/:slug/responses", public, s.submitLimit, jsonOnly, s.submit),
		r("PATCH", "/api/v1/s/:slug/responses/:token", public, s.submitLimit, jsonOnly, s.autosave),

		// Respondent pages
		r("GET", "/s/:slug", public, s.surveyPage),
		r("POST", "/s/:slug", public, s.submitLimit, s.surveyStep),
		r("GET", "/studies/:id/preview", researcher, s.surveyPreview),

		r("GET", "/api/v1/studies", researcher, s.listStudies),
		r("POST", "/api/v1/studies", researcher, s.createStudy),
		r("GET", "/api/v1/studies/:id", researcher, getStudy),
		r("PATCH", "/api/v1/studies/:id", researcher, s.updateStudy),
		r("DELETE", "/api/v1/studies/:id", researcher, s.deleteStudy),
		r("POST", "/api/v1/studies/:id/publish", researcher, s.lifecycle("publish")),
		r("POST", "/api/v1/studies/:id/close", researcher, s.lifecycle("close")),
		r("POST", "/api/v1/studies/:id/reopen", researcher, s.lifecycle("reopen")),
		r("POST", "/api/v1/studies/:id/duplicate", researcher, s.lifecycle("duplicate")),
		r("POST", "/api/v1/studies/:id/members", researcher, s.addMember),
		r("GET", "/api/v1/studies/:id/members", researcher, list(s.store.Members)),
		r("DELETE", "/api/v1/studies/:id/members/:user_id", researcher, remove(idOf("user_id"), s.store.RemoveMember)),
		r("POST", "/api/v1/studies/:id/steps", researcher, create(s.store.AddStep)),
		r("PATCH", "/api/v1/studies/:id/steps/:step_id", researcher, update(idOf("step_id"), s.store.UpdateStep)),
		r("DELETE", "/api/v1/studies/:id/steps/:step_id", researcher, remove(idOf("step_id"), s.store.DeleteStep)),
		r("GET", "/api/v1/studies/:id/outcomes", researcher, listOutcomes),
		r("POST", "/api/v1/studies/:id/outcomes", researcher, create(s.store.AddOutcome)),
		r("POST", "/api/v1/studies/:id/outcomes/import", researcher, s.importOutcomes),
		r("PATCH", "/api/v1/studies/:id/outcomes/:outcome_id", researcher, update(idOf("outcome_id"), s.store.UpdateOutcome)),
		r("DELETE", "/api/v1/studies/:id/outcomes/:outcome_id", researcher, remove(idOf("outcome_id"), s.store.DeleteOutcome)),
		r("POST", "/api/v1/studies/:id/invitations", researcher, s.createInvitations),
		r("GET", "/api/v1/studies/:id/responses.csv", researcher, s.exportResponses),
		r("POST", "/api/v1/studies/:id/responses/import", researcher, s.importResponses),
		r("GET", "/api/v1/studies/:id/fieldwork", researcher, list(s.fieldwork.Summary)),
		r("GET", "/api/v1/studies/:id/responses", researcher, s.listResponses),
		r("PATCH", "/api/v1/studies/:id/responses/:respondent_id", researcher, s.updateResponse),
		r("DELETE", "/api/v1/studies/:id/responses/:respondent_id", researcher, s.deleteResponse),
		r("GET", "/api/v1/studies/:id/opportunities", researcher, s.opportunities),
		r("POST", "/api/v1/studies/:id/segments/discover", researcher, s.discoverSegments),
		r("POST", "/api/v1/studies/:id/segmentations", researcher, create(s.results.SaveSegmentation)),
		r("GET", "/api/v1/studies/:id/segmentations", researcher, list(s.results.Segmentations)),
		r("POST", "/api/v1/studies/:id/shares", researcher, s.createShare),
		r("GET", "/api/v1/studies/:id/shares", researcher, list(s.results.Shares)),
		r("DELETE", "/api/v1/studies/:id/shares/:share_id", researcher, remove(idOf("share_id"), s.results.RevokeShare)),
		r("GET", "/api/v1/studies/:id/questions", researcher, listQuestions),
		r("POST", "/api/v1/studies/:id/questions", researcher, create(s.store.AddQuestion)),
		r("PATCH", "/api/v1/studies/:id/questions/:key", researcher, update(keyOf("key"), s.store.UpdateQuestion)),
		r("DELETE", "/api/v1/studies/:id/questions/:key", researcher, remove(keyOf("key"), s.store.DeleteQuestion)),

		// Exports and share pages
		r("GET", "/api/v1/studies/:id/export.xlsx", researcher, s.exportWorkbook),
		r("GET", "/api/v1/studies/:id/opportunities.csv", researcher, s.exportRankedCSV),
		r("GET", "/r/:token", public, s.reportPage),
		r("GET", "/r/:token/export.xlsx", public, s.sharedWorkbook),
		r("GET", "/r/:token/canvas", public, s.sharedCanvasPage),

		// Study editor pages
		r("GET", "/studies/new", researcher, s.newStudyPage),
		r("POST", "/studies", researcher, s.createStudyPage),
		r("GET", "/studies/:id", researcher, s.studyPage),
		r("GET", "/studies/:id/job", researcher, s.tabPage("job")),
		r("POST", "/studies/:id/job", researcher, s.saveJob),
		r("POST", "/studies/:id/publish", researcher, s.studyAction("publish")),
		r("POST", "/studies/:id/close", researcher, s.studyAction("close")),
		r("POST", "/studies/:id/reopen", researcher, s.studyAction("reopen")),
		r("POST", "/studies/:id/duplicate", researcher, s.studyAction("duplicate")),
		r("POST", "/studies/:id/members", researcher, s.addMemberPage),
		r("POST", "/studies/:id/members/:user_id/delete", researcher, removePage(s, idOf("user_id"), s.store.RemoveMember, to("job#collaborators"))),
		r("GET", "/studies/:id/delete", researcher, s.deleteStudyPage),
		r("POST", "/studies/:id/delete", researcher, s.studyAction("delete")),
		r("GET", "/studies/:id/outcomes", researcher, s.tabPage("outcomes")),
		r("POST", "/studies/:id/outcomes", researcher, s.addOutcomePage),
		r("POST", "/studies/:id/outcomes/import", researcher, s.importOutcomesPage),
		r("POST", "/studies/:id/outcomes/:outcome_id", researcher, s.saveOutcomePage),
		r("POST", "/studies/:id/outcomes/:outcome_id/delete", researcher, removePage(s, idOf("outcome_id"), s.store.DeleteOutcome, func(c *fiber.Ctx) string { return "outcomes" + anchor(c) })),
		r("POST", "/studies/:id/steps", researcher, s.addStepPage),
		r("POST", "/studies/:id/steps/:step_id", researcher, s.saveStepPage),
		r("POST", "/studies/:id/steps/:step_id/delete", researcher, removePage(s, idOf("step_id"), s.store.DeleteStep, to("outcomes"))),
		r("GET", "/studies/:id/questions", researcher, s.tabPage("questions")),
		r("POST", "/studies/:id/questions", researcher, s.addQuestionPage),
		r("GET", "/studies/:id/questions/:key", researcher, s.editQuestionPage),
		r("POST", "/studies/:id/questions/:key", researcher, s.saveQuestionPage),
		r("POST", "/studies/:id/questions/:key/delete", researcher, removePage(s, keyOf("key"), s.store.DeleteQuestion, to("questions"))),
		r("POST", "/api/v1/studies/:id/outcomes/lint", researcher, s.lintOutcome),

		// Analysis pages
		r("GET", "/studies/:id/fieldwork", researcher, s.fieldworkPage),
		r("POST", "/studies/:id/invitations", researcher, s.createInvitationsPage),
		r("POST", "/studies/:id/responses/:respondent_id/exclude", researcher, s.excludePage),
		r("GET", "/studies/:id/results", researcher, s.resultsPage),
		r("POST", "/studies/:id/responses/import", researcher, s.importResponsesPage),
		r("GET", "/studies/:id/segments", researcher, s.segmentsPage),
		r("POST", "/studies/:id/segments", researcher, s.discoverPage),
		r("POST", "/studies/:id/segmentations", researcher, s.saveSegmentationPage),
		r("GET", "/studies/:id/canvas", researcher, s.canvasPage),
		r("GET", "/studies/:id/share", researcher, s.sharePage),
		r("POST", "/studies/:id/shares", researcher, s.createSharePage),
		r("POST", "/studies/:id/shares/:share_id/revoke", researcher, s.revokeSharePage),
	}
}

func (s *Server) routes() {
	for _, a := range []*fiber.App{s.app, s.ops} {
		if a == nil {
			continue
		}
		for _, h := range s.common() {
			a.Use(h)
		}
	}
	csrf := s.csrfProtect
	for _, rt := range s.routeTable() {
		app := s.app
		if rt.access == operator && s.ops != nil {
			app = s.ops // and so 404 on the main listener
		}
		var chain []fiber.Handler
		switch rt.access {
		case form:
			chain = append(chain, csrf)
		case researcher:
			chain = append(chain, s.authenticate, csrf)
		case admin:
			chain = append(chain, s.authenticate, s.requireAdmin, csrf)
		}
		switch {
		case rt.access >= researcher && namesStudy(rt.path):
			chain = append(chain, s.studyAccess)
		case rt.access == public && namesShare(rt.path):
			chain = append(chain, s.shareAccess)
		}
		app.Add(rt.method, rt.path, append(chain, rt.handlers...)...)
	}
}

var assets = http.FS(static.Assets)

func (s *Server) asset(c *fiber.Ctx) error {
	// A name with "..", an empty or a "." segment names no embedded file;
	// the file system would refuse it as invalid, which is a client's
	// mistake, not the server's error.
	name := c.Params("*")
	if !fs.ValidPath(name) || name == "." {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return filesystem.SendFile(c, assets, name)
}
