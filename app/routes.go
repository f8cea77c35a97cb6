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

// routeTable is every route odi serves. A page route stands beside the API
// route it mirrors: the API answers scripts (and editor.js, survey.js) in
// JSON, the page answers a browser's form with a redirect, or the page
// again with what went wrong. Both call the same store method.
func (s *Server) routeTable() []route {
	return []route{
		// Running odi.
		r("GET", "/healthz", public, s.healthz),
		r("GET", "/metrics", operator, s.metrics.handler()),
		r("GET", "/static/*", public, s.asset),
		r("GET", "/favicon.ico", public, s.favicon),

		// Getting in: the first admin, login, a password-reset link.
		r("GET", "/setup", form, s.setupPage),
		r("POST", "/setup", form, s.setup),
		r("GET", "/login", form, s.loginPage),
		r("POST", "/login", form, s.login),
		r("GET", "/reset", form, s.resetPage),
		r("POST", "/reset", form, s.resetPassword),
		r("POST", "/logout", researcher, s.logout),

		// A researcher's own settings, and the admin's users.
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

		// Respondents: survey.js's API beside the page that needs no
		// JavaScript, and the researcher's preview of that page.
		r("GET", "/api/v1/s/:slug", public, s.surveyDefinition),
		r("GET", "/s/:slug", public, s.surveyPage),
		r("POST", "/api/v1/s/:slug/responses", public, s.submitLimit, jsonOnly, s.submit),
		r("PATCH", "/api/v1/s/:slug/responses/:token", public, s.submitLimit, jsonOnly, s.autosave),
		r("POST", "/s/:slug", public, s.submitLimit, s.surveyStep),
		r("GET", "/studies/:id/preview", researcher, s.surveyPreview),
		// The opt-out link of every e-mail invitation: a page to confirm,
		// and the one-click POST of RFC 8058.
		r("GET", "/unsubscribe/:token", public, s.optOutPage),
		r("POST", "/unsubscribe/:token", public, s.submitLimit, s.optOut),

		// Studies: the list, a new one (or one from a file), one, deleting
		// one. /studies/new and /studies/from-file come before /studies/:id,
		// which would take them for an id.
		r("GET", "/", researcher, s.home),
		r("GET", "/api/v1/studies", researcher, s.listStudies),
		r("GET", "/studies", researcher, s.studiesPage),
		r("POST", "/api/v1/studies", researcher, s.createStudy),
		r("GET", "/api/v1/panel-presets", researcher, panelPresets),
		r("GET", "/studies/new", researcher, s.newStudyPage),
		r("POST", "/studies", researcher, s.createStudyPage),
		r("POST", "/api/v1/studies/from-file", researcher, s.studyFromFile),
		r("GET", "/studies/from-file", researcher, s.studyFromFilePage),
		r("POST", "/studies/from-file", researcher, s.studyFromFileForm),
		r("GET", "/api/v1/studies/:id", researcher, getStudy),
		r("GET", "/studies/:id", researcher, s.studyPage),
		r("DELETE", "/api/v1/studies/:id", researcher, s.deleteStudy),
		r("GET", "/studies/:id/delete", researcher, s.deleteStudyPage),
		r("POST", "/studies/:id/delete", researcher, s.studyAction("delete")),

		// A study's life: the buttons above every tab.
		r("POST", "/api/v1/studies/:id/publish", researcher, s.lifecycle("publish")),
		r("POST", "/studies/:id/publish", researcher, s.studyAction("publish")),
		r("POST", "/api/v1/studies/:id/close", researcher, s.lifecycle("close")),
		r("POST", "/studies/:id/close", researcher, s.studyAction("close")),
		r("POST", "/api/v1/studies/:id/reopen", researcher, s.lifecycle("reopen")),
		r("POST", "/studies/:id/reopen", researcher, s.studyAction("reopen")),
		r("POST", "/api/v1/studies/:id/duplicate", researcher, s.lifecycle("duplicate")),
		r("POST", "/studies/:id/duplicate", researcher, s.studyAction("duplicate")),

		// The Job tab: the study's own fields, and its collaborators.
		r("PATCH", "/api/v1/studies/:id", researcher, change(fiber.StatusOK, s.store.UpdateStudy)),
		r("GET", "/studies/:id/job", researcher, s.tabPage("job")),
		r("POST", "/api/v1/studies/:id/job/lint", researcher, lintJob),
		r("POST", "/studies/:id/job", researcher, s.saveJob),
		r("GET", "/api/v1/studies/:id/members", researcher, list(s.store.Members)),
		r("POST", "/api/v1/studies/:id/members", researcher, create(s.store.AddMember)),
		r("POST", "/studies/:id/members", researcher, s.addMemberPage),
		r("DELETE", "/api/v1/studies/:id/members/:user_id", researcher, deleteOne(idOf("user_id"), s.store.RemoveMember, noContent)),
		r("POST", "/studies/:id/members/:user_id/delete", researcher, deleteOne(idOf("user_id"), s.store.RemoveMember, s.deleted(to("job#collaborators")))),

		// The Outcomes tab: the job steps and their outcomes. The import
		// page comes before /outcomes/:outcome_id, which would take
		// "import" for an id.
		r("GET", "/api/v1/studies/:id/outcomes", researcher, listOutcomes),
		r("GET", "/studies/:id/outcomes", researcher, s.tabPage("outcomes")),
		r("POST", "/api/v1/studies/:id/steps", researcher, create(s.store.AddStep)),
		r("POST", "/studies/:id/steps", researcher, s.addStepPage),
		r("PATCH", "/api/v1/studies/:id/steps/:step_id", researcher, update(idOf("step_id"), s.store.UpdateStep)),
		r("POST", "/studies/:id/steps/:step_id", researcher, updatePage(s, "step_id", readStepChange, s.store.UpdateStep, "outcomes#step-%d")),
		r("DELETE", "/api/v1/studies/:id/steps/:step_id", researcher, deleteOne(idOf("step_id"), s.store.DeleteStep, noContent)),
		r("POST", "/studies/:id/steps/:step_id/delete", researcher, s.confirmFirst(askStep, deleteOne(idOf("step_id"), s.store.DeleteStep, s.deleted(to("outcomes"))))),
		r("POST", "/api/v1/studies/:id/outcomes", researcher, create(s.store.AddOutcome)),
		r("POST", "/studies/:id/outcomes", researcher, s.addOutcomePage),
		r("POST", "/api/v1/studies/:id/outcomes/lint", researcher, s.lintOutcome),
		r("POST", "/api/v1/studies/:id/outcomes/import", researcher, s.importOutcomes),
		r("POST", "/studies/:id/outcomes/import", researcher, s.importOutcomesPage),
		r("GET", "/studies/:id/outcomes/import", researcher, importedOutcomes),
		r("PATCH", "/api/v1/studies/:id/outcomes/:outcome_id", researcher, update(idOf("outcome_id"), s.store.UpdateOutcome)),
		r("POST", "/studies/:id/outcomes/:outcome_id", researcher, updatePage(s, "outcome_id", readOutcomeChange, s.store.UpdateOutcome, "outcomes#o-%d")),
		r("DELETE", "/api/v1/studies/:id/outcomes/:outcome_id", researcher, deleteOne(idOf("outcome_id"), s.store.DeleteOutcome, noContent)),
		r("POST", "/studies/:id/outcomes/:outcome_id/delete", researcher, s.confirmFirst(askOutcome, deleteOne(idOf("outcome_id"), s.store.DeleteOutcome, s.deleted(toAnchor("outcomes"))))),

		// The Questions tab: the profile questions.
		r("GET", "/api/v1/studies/:id/questions", researcher, listQuestions),
		r("GET", "/studies/:id/questions", researcher, s.tabPage("questions")),
		r("POST", "/api/v1/studies/:id/questions", researcher, create(s.store.AddQuestion)),
		r("POST", "/studies/:id/questions", researcher, s.addQuestionPage),
		r("GET", "/studies/:id/questions/:key", researcher, s.editQuestionPage),
		r("PATCH", "/api/v1/studies/:id/questions/:key", researcher, update(keyOf("key"), s.store.UpdateQuestion)),
		r("POST", "/studies/:id/questions/:key", researcher, s.saveQuestionPage),
		r("POST", "/studies/:id/questions/:key/move", researcher, s.moveQuestionPage),
		r("POST", "/studies/:id/role-question", researcher, s.roleQuestionPage),
		r("POST", "/studies/:id/questions/:key/wording", researcher, s.rewordQuestionPage),
		r("DELETE", "/api/v1/studies/:id/questions/:key", researcher, deleteOne(keyOf("key"), s.store.DeleteQuestion, noContent)),
		r("POST", "/studies/:id/questions/:key/delete", researcher, s.confirmFirst(askQuestion, deleteOne(keyOf("key"), s.store.DeleteQuestion, s.deleted(to("questions"))))),

		// Fieldwork: invitations, mailings (e-mail invitations), the cleaning rule (the study's
		// exclude_flags, which PATCH /api/v1/studies/:id also takes), and the
		// responses as they come in.
		r("GET", "/api/v1/studies/:id/fieldwork", researcher, list(s.fieldwork.Summary)),
		r("GET", "/studies/:id/fieldwork", researcher, analysisTab(s.showFieldwork)),
		r("POST", "/studies/:id/cleaning", researcher, s.saveRulePage),
		r("POST", "/api/v1/studies/:id/invitations", researcher, s.createInvitations),
		r("POST", "/studies/:id/invitations", researcher, s.createInvitationsPage),
		r("GET", "/api/v1/studies/:id/mailings", researcher, list(s.mail.Mailings)),
		r("POST", "/api/v1/studies/:id/mailings", researcher, s.needsMail, s.createMailing),
		r("POST", "/studies/:id/mailings", researcher, s.needsMail, s.createMailingPage),
		r("GET", "/api/v1/studies/:id/mailings/:mailing_id", researcher, item(idOf("mailing_id"), s.mail.Progress)),
		r("POST", "/api/v1/studies/:id/mailings/:mailing_id/remind", researcher, s.needsMail, keyed(idOf("mailing_id"), s.mail.Remind)),
		r("POST", "/studies/:id/mailings/:mailing_id/remind", researcher, s.needsMail, s.remindPage),
		r("GET", "/api/v1/studies/:id/responses", researcher, s.listResponses),
		r("POST", "/api/v1/studies/:id/responses/exclusions", researcher, s.decideResponses),
		r("POST", "/studies/:id/responses/exclusions", researcher, s.decidePage),
		r("GET", "/api/v1/studies/:id/responses.csv", researcher, s.untilGone, s.exportResponses),
		r("POST", "/api/v1/studies/:id/responses/import", researcher, s.importResponses),
		r("POST", "/studies/:id/responses/import", researcher, s.importResponsesPage),
		r("PATCH", "/api/v1/studies/:id/responses/:respondent_id", researcher, s.updateResponse),
		r("POST", "/studies/:id/responses/:respondent_id/exclude", researcher, s.excludePage),
		r("DELETE", "/api/v1/studies/:id/responses/:respondent_id", researcher, s.deleteResponse),

		// Results and segments, and the exports of both.
		r("GET", "/api/v1/studies/:id/opportunities", researcher, s.opportunities),
		r("GET", "/studies/:id/results", researcher, analysisTab(s.showResults)),
		r("GET", "/api/v1/studies/:id/compare", researcher, s.compareWaves),
		r("GET", "/api/v1/studies/:id/sample-size", researcher, s.sampleSize),
		// PUT rakes to the targets sent and keeps them, answering how the
		// weights came out; GET is that answer, null when not weighted.
		r("GET", "/api/v1/studies/:id/weighting", researcher, list(s.results.WeightingStatus)),
		r("PUT", "/api/v1/studies/:id/weighting", researcher, act(fiber.StatusOK, s.results.SetWeighting)),
		r("POST", "/studies/:id/weighting", researcher, s.saveWeightingPage),
		r("DELETE", "/api/v1/studies/:id/weighting", researcher, s.deleteWeighting),
		r("POST", "/studies/:id/weighting/delete", researcher, s.deleteWeightingPage),
		r("GET", "/api/v1/studies/:id/opportunities.csv", researcher, s.untilGone, s.exportRankedCSV),
		r("GET", "/api/v1/studies/:id/export.xlsx", researcher, s.untilGone, s.exportWorkbook),
		r("GET", "/studies/:id/segments", researcher, analysisTab(s.showSegments)),
		r("POST", "/api/v1/studies/:id/segments/discover", researcher, s.untilGone, s.discoverSegments),
		r("POST", "/studies/:id/segments", researcher, s.untilGone, s.discovered(s.discoverPage)),
		r("GET", "/api/v1/studies/:id/segmentations", researcher, list(s.results.Segmentations)),
		r("POST", "/api/v1/studies/:id/segmentations", researcher, act(fiber.StatusCreated, s.results.SaveSegmentation)),
		r("POST", "/studies/:id/segmentations", researcher, s.discovered(s.saveSegmentationPage)),
		r("GET", "/api/v1/studies/:id/segmentations/:key", researcher, item(keyOf("key"), s.results.SegmentationDetail)),
		r("PATCH", "/api/v1/studies/:id/segmentations/:key/segments/:segment_id", researcher, keyed(segmentRef, s.results.UpdateSegmentCanvas)),
		r("POST", "/studies/:id/segmentations/:key/segments/:segment_id", researcher, s.saveCanvasPage),
		r("POST", "/api/v1/studies/:id/segmentations/:key/typing-tool", researcher, keyed(keyOf("key"), s.results.FitTypingTool)),
		r("POST", "/studies/:id/segmentations/:key/typing-tool", researcher, s.typingToolPage),
		r("POST", "/api/v1/studies/:id/segmentations/:key/classify", researcher, keyed(keyOf("key"), s.results.Classify)),
		r("POST", "/api/v1/studies/:id/segmentations/:key/typing-survey", researcher, s.createTypingSurvey),
		r("POST", "/studies/:id/segmentations/:key/typing-survey", researcher, s.typingSurveyPage),
		r("GET", "/studies/:id/canvas", researcher, s.canvasPage),

		// Sharing with stakeholders: the links, and what a link opens.
		r("GET", "/api/v1/studies/:id/shares", researcher, list(s.results.Shares)),
		r("GET", "/studies/:id/share", researcher, analysisTab(s.showShares)),
		r("POST", "/api/v1/studies/:id/shares", researcher, s.createShare),
		r("POST", "/studies/:id/shares", researcher, s.createSharePage),
		r("DELETE", "/api/v1/studies/:id/shares/:share_id", researcher, s.revokeShare(noContent)),
		r("POST", "/studies/:id/shares/:share_id/revoke", researcher, s.confirmFirst(s.askShare, s.revokeShare(s.shareRevoked))),
		r("GET", "/r/:token", public, s.reportPage),
		r("GET", "/r/:token/export.xlsx", public, s.untilGone, s.sharedWorkbook),
		r("GET", "/r/:token/canvas", public, s.sharedCanvasPage),

		// Programmes: studies of one population, and the people who
		// answered several of them. Each is its creator's alone.
		r("GET", "/api/v1/programmes", researcher, s.listProgrammes),
		r("GET", "/programmes", researcher, s.programmesPage),
		r("POST", "/api/v1/programmes", researcher, s.createProgramme),
		r("POST", "/programmes", researcher, s.createProgrammePage),
		r("GET", "/api/v1/programmes/:id/cross-job", researcher, s.getCrossJob),
		r("GET", "/programmes/:id", researcher, s.programmePage),
		r("GET", "/api/v1/programmes/:id/people.csv", researcher, s.exportPeople),
		r("DELETE", "/api/v1/programmes/:id", researcher, s.deleteProgramme),
		r("POST", "/programmes/:id/delete", researcher, s.deleteProgrammePage),
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

// favicon answers the address browsers ask for an icon without being told.
func (s *Server) favicon(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return filesystem.SendFile(c, assets, "favicon.ico")
}
