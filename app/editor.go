package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// The study editor: the pages a researcher designs a study with. Each form
// posts to one handler that reads it (editor_forms.go), calls one store
// method, and either redirects back to its tab or shows the tab again (422)
// with every bad field marked beside the input it came from
// (editor_view.go draws a tab). Nothing here needs JavaScript;
// static/assets/editor.js only adds the live sentence, lint as you type,
// drag-to-reorder, hiding inputs that do not apply, and the copy button.

// editorTabs are the tabs served from this file, in the order of the work.
var editorTabs = []string{"job", "outcomes", "questions"}

func (s *Server) newStudyPage(c *fiber.Ctx) error {
	return s.render(c, "study_new", newStudyData(jobForm{}, nil))
}

func newStudyData(f jobForm, fields map[string]string) fiber.Map {
	return fiber.Map{"Title": "New study", "Form": f, "Fields": fields, "Editable": true,
		"Styles": []string{"editor.css"}, "Scripts": []string{"editor.js"}}
}

func (s *Server) createStudyPage(c *fiber.Ctx) error {
	f := readJobForm(c)
	st, err := s.store.CreateStudy(c.UserContext(), userOf(c), surveys.StudyInput{Name: &f.Name, Job: f.job()})
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "study_new", newStudyData(f, ve.Fields))
	}
	if err != nil {
		return err
	}
	return c.Redirect(studyPath(st.ID, "job"), fiber.StatusSeeOther)
}

// studyPage sends /studies/:id to its first tab; the study-access
// middleware has already answered 404 to a stranger, not a redirect.
func (s *Server) studyPage(c *fiber.Ctx) error {
	return c.Redirect(studyPath(designOf(c).Study.ID, "job"))
}

// tabPage shows one tab as stored.
func (s *Server) tabPage(tab string) fiber.Handler {
	return func(c *fiber.Ctx) error { return s.showEditor(c, newEditor(c, tab, nil)) }
}

func (s *Server) editQuestionPage(c *fiber.Ctx) error {
	q, err := editedQuestion(c)
	if err != nil {
		return err
	}
	return s.showEditor(c, newEditor(c, "questions", questionFormOf(q)))
}

// editedQuestion is the question /studies/:id/questions/:key names.
func editedQuestion(c *fiber.Ctx) (surveys.Question, error) {
	key := c.Params("key")
	return itemOf(designOf(c).Questions, func(q surveys.Question) bool { return q.Key == key })
}

// itemOf is the element of a study's list that match finds: the outcome,
// step or question a route names.
func itemOf[T any](list []T, match func(T) bool) (T, error) {
	if at := slices.IndexFunc(list, match); at >= 0 {
		return list[at], nil
	}
	var none T
	return none, problem.ErrNotFound
}

// itemNamed is the item of list whose id the path parameter param gives.
func itemNamed[T any](c *fiber.Ctx, param string, list []T, id func(T) int64) (T, error) {
	n, err := idParam(c, param)
	if err != nil {
		var none T
		return none, err
	}
	return itemOf(list, func(v T) bool { return id(v) == n })
}

func (s *Server) deleteStudyPage(c *fiber.Ctx) error {
	d := designOf(c)
	cf := confirmation{Title: "Delete “" + d.Study.Name + "”?",
		Says:   "This removes the study with its outcomes, questions and every response. It cannot be undone.",
		Button: "Delete study", Back: studyPath(d.Study.ID, "job")}
	if d.Study.Status != surveys.StatusDraft {
		cf.Note = "If you only want to stop new responses, close the study instead."
	}
	return s.ask(c, d, cf)
}

func (s *Server) saveJob(c *fiber.Ctx) error {
	d, f := designOf(c), readJobForm(c)
	// A published study's structural inputs are disabled, so browsers leave
	// them out: their absence means "unchanged", not "cleared".
	in, err := f.input(c.Request().PostArgs().Has("when"))
	if err == nil {
		_, err = s.store.UpdateStudy(c.UserContext(), userOf(c), d.Study.ID, in)
	} else {
		err = alsoInvalid(err, s.store.CheckStudyEdit(c.UserContext(), d, in))
	}
	return s.formDone(c, err, "job", f)
}

// studyAction serves the lifecycle buttons. Each goes back to the tab it was
// pressed on (saying what it did), except duplicate (to the copy) and delete (to the list).
func (s *Server) studyAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		tab := pressedOn(c)
		if action == "publish" && needsPublishCheck(c, designOf(c)) {
			return s.showPublishCheck(c, tab)
		}
		id := designOf(c).Study.ID
		var st *surveys.Study
		var err error
		if action == "delete" {
			err = s.store.DeleteStudy(c.UserContext(), userOf(c), id)
		} else {
			st, err = s.runLifecycle(c, action)
		}
		switch ve := validation(err); {
		case ve != nil:
			// A button has no inputs to mark: what stops it goes above the tabs.
			c.Status(fiber.StatusUnprocessableEntity)
			e := newEditor(c, editorTabOr(tab), nil)
			e.alert = sortedMessages(ve.Fields)
			return s.showEditor(c, e)
		case err != nil:
			return s.formDone(c, err, editorTabOr(tab), nil)
		case action == "delete":
			return c.Redirect("/studies", fiber.StatusSeeOther)
		case action == "duplicate":
			return c.Redirect(studyPath(st.ID, "job"), fiber.StatusSeeOther)
		}
		s.flash(c, action)
		return c.Redirect(studyPath(id, tab), fiber.StatusSeeOther)
	}
}

// addMemberPage serves the Job tab's collaborators form.
func (s *Server) addMemberPage(c *fiber.Ctx) error {
	f := memberForm{Email: c.FormValue("email")}
	_, err := s.store.AddMember(c.UserContext(), userOf(c), designOf(c).Study.ID, surveys.MemberInput{Email: f.Email})
	return s.formDone(c, err, "job#collaborators", f)
}

func (s *Server) addOutcomePage(c *fiber.Ctx) error {
	f := readOutcomeForm(c)
	in := surveys.OutcomeInput{Statement: &f.Statement, Code: &f.Code, Step: &f.Step}
	_, err := s.store.AddOutcome(c.UserContext(), userOf(c), designOf(c).Study.ID, in)
	return s.formDone(c, err, "outcomes"+anchor(c), f)
}

// importOutcomesPage serves the Outcomes tab's upload form: a refused file
// shows the tab again with every problem listed; an imported one goes back
// to the tab saying how many outcomes were added.
func (s *Server) importOutcomesPage(c *fiber.Ctx) error {
	data, isXLSX, err := uploadedFile(c)
	n := 0
	if err == nil {
		var rows []surveys.OutcomeInput
		if rows, err = surveys.ReadOutcomesFile(data, isXLSX); err == nil {
			n, err = s.store.ImportOutcomes(c.UserContext(), userOf(c), designOf(c).Study.ID, rows)
		}
	}
	return s.formDoneSaying(c, err, "outcomes#import", importForm{}, fmt.Sprintf("imported.%d", n))
}

// importedOutcomes answers the address of the upload form, which a browser
// shows after a refused file: reloading it, or opening it again, lands on
// the form instead of a 405.
func importedOutcomes(c *fiber.Ctx) error {
	return c.Redirect(studyPath(designOf(c).Study.ID, "outcomes#import"), fiber.StatusSeeOther)
}

func (s *Server) addStepPage(c *fiber.Ctx) error {
	f := stepForm{Name: c.FormValue("name")}
	_, err := s.store.AddStep(c.UserContext(), userOf(c), designOf(c).Study.ID, surveys.StepInput{Name: &f.Name})
	return s.formDone(c, err, "outcomes#add-step", f)
}

// updatePage serves the forms that change one step or outcome on the
// Outcomes tab, the page twin of update: an edit form or the up/down
// buttons, read by read, change the thing the path parameter param names,
// then go back to it on the tab (back, a format taking its id).
func updatePage[In, Out any](s *Server, param string, read func(*fiber.Ctx, int64) (any, In, error),
	fn func(context.Context, *accounts.User, int64, int64, In) (Out, error), back string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, param)
		if err != nil {
			return err
		}
		form, in, err := read(c, id)
		if err == nil {
			_, err = fn(c.UserContext(), userOf(c), designOf(c).Study.ID, id, in)
		}
		return s.formDone(c, err, fmt.Sprintf(back, id), form)
	}
}

func (s *Server) addQuestionPage(c *fiber.Ctx) error {
	f, in, err := readQuestionForm(c)
	if err == nil {
		_, err = s.store.AddQuestion(c.UserContext(), userOf(c), designOf(c).Study.ID, in)
	}
	return s.formDone(c, err, "questions", f)
}

func (s *Server) saveQuestionPage(c *fiber.Ctx) error {
	q, err := editedQuestion(c)
	if err != nil {
		return err
	}
	f, in, err := readQuestionForm(c)
	if err == nil {
		_, err = s.store.UpdateQuestion(c.UserContext(), userOf(c), designOf(c).Study.ID, q.Key, in)
	}
	return s.formDone(c, err, "questions", f)
}

// rewordQuestionPage serves a published study's "Fix wording" form of a
// question: its text and its options' texts change, the rest stays, and
// each change is logged.
func (s *Server) rewordQuestionPage(c *fiber.Ctx) error {
	q, err := editedQuestion(c)
	if err != nil {
		return err
	}
	f := rewordForm{Key: q.Key, Text: c.FormValue("text"), Options: c.FormValue("options")}
	in, err := f.input(q)
	if err == nil {
		_, err = s.store.UpdateQuestion(c.UserContext(), userOf(c), designOf(c).Study.ID, q.Key, in)
	}
	return s.formDone(c, err, "questions#q-"+q.Key, f)
}

// roleQuestionPage serves the Questions tab's role question form: which
// single-choice question routes respondents to their role's outcomes.
func (s *Server) roleQuestionPage(c *fiber.Ctx) error {
	key := c.FormValue("role_question")
	_, err := s.store.UpdateStudy(c.UserContext(), userOf(c), designOf(c).Study.ID, surveys.StudyInput{RoleQuestion: &key})
	return s.formDone(c, err, "questions#role-question", roleQuestionForm{})
}

// moveQuestionPage serves a question's ↑ and ↓ buttons: the PATCH of the
// API with only a position.
func (s *Server) moveQuestionPage(c *fiber.Ctx) error {
	q, err := editedQuestion(c)
	if err != nil {
		return err
	}
	pos, err := optionalInt(c, "position")
	if err == nil && pos == nil {
		err = problem.Invalid("position", "is required")
	}
	if err == nil {
		_, err = s.store.UpdateQuestion(c.UserContext(), userOf(c), designOf(c).Study.ID, q.Key, surveys.QuestionInput{Position: pos})
	}
	return s.formDone(c, err, "questions#q-"+q.Key, nil)
}

// lintOutcome is the JSON endpoint behind the editor's lint-as-you-type: it
// answers a statement's parts and lint warnings without storing anything.
func (s *Server) lintOutcome(c *fiber.Ctx) error {
	var in struct {
		Statement string `json:"statement"`
		OutcomeID int64  `json:"outcome_id"` // the outcome being edited, if any
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	return c.JSON(designOf(c).LintDraft(in.Statement, in.OutcomeID))
}

// formDone answers a form post: back to where the form was (to: a tab and
// an anchor) when it worked; the tab again with the submitted form and
// every bad field marked (422) when the input was wrong, or with the reason
// (409) when the study's state refuses the change.
func (s *Server) formDone(c *fiber.Ctx, err error, to string, form any) error {
	return s.formDoneSaying(c, err, to, form, "saved")
}

// formDoneSaying is formDone with the notice the page redirected to shows
// (a key of notices, see notice.go).
func (s *Server) formDoneSaying(c *fiber.Ctx, err error, to string, form any, notice string) error {
	tab, _, _ := strings.Cut(to, "#")
	e := newEditor(c, tab, form)
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		e.fields = byInput(ve.Fields)
		return s.showEditor(c, e)
	}
	if msg, ok := refusal(err); ok {
		c.Status(fiber.StatusConflict)
		e.alert = []string{msg}
		return s.showEditor(c, e)
	}
	if err != nil {
		return err
	}
	s.flash(c, notice)
	return c.Redirect(studyPath(e.design.Study.ID, to), fiber.StatusSeeOther)
}

// refusal is what a page says when the study's state refuses a change (409).
func refusal(err error) (string, bool) {
	switch {
	case errors.Is(err, surveys.ErrLocked):
		return "This study is published, so its structure is locked: every respondent answers the same survey. " +
			"Its wording may still be fixed (Fix wording, on the Outcomes and Questions tabs); " +
			"duplicate it to change the job, language, four forces, outcomes or questions.", true
	case errors.Is(err, problem.ErrConflict):
		_, why, _ := strings.Cut(err.Error(), problem.ErrConflict.Error()+": ")
		if why == "" {
			why = "the study changed meanwhile: reload the page and try again"
		}
		return strings.ToUpper(why[:1]) + why[1:] + ".", true
	}
	return "", false
}

func studyPath(id int64, to string) string { return fmt.Sprintf("/studies/%d/%s", id, to) }

func validation(err error) *problem.Validation {
	var ve *problem.Validation
	if errors.As(err, &ve) {
		return ve
	}
	return nil
}
