package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
)

// The study editor: the pages a researcher designs a study with. Each form
// posts to one handler that reads it, calls one store method, and either
// redirects back to its tab or shows the tab again (422) with every bad field
// marked beside the input it came from. Nothing here needs JavaScript;
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

// studyPage sends /studies/:id to its first tab, after checking the caller may
// see the study so that a stranger gets 404 rather than a redirect.
func (s *Server) studyPage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.Study(c.UserContext(), userOf(c), id); err != nil {
		return err
	}
	return c.Redirect(studyPath(id, "job"))
}

// tabPage shows one tab as stored.
func (s *Server) tabPage(tab string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		return s.editorPage(c, id, tab, fiber.Map{})
	}
}

func (s *Server) editQuestionPage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return s.editorPage(c, id, "questions", fiber.Map{"EditKey": c.Params("key")})
}

func (s *Server) deleteStudyPage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, err := s.store.Study(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return s.render(c, "study_delete", fiber.Map{"Title": "Delete " + st.Name, "Study": st, "Styles": []string{"editor.css"}})
}

func (s *Server) saveJob(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := readJobForm(c)
	// A published study's structural inputs are disabled, so browsers leave
	// them out: their absence means "unchanged", not "cleared".
	in, err := f.input(c.Request().PostArgs().Has("when"))
	if err == nil {
		_, err = s.store.UpdateStudy(c.UserContext(), userOf(c), id, in)
	} else {
		err = alsoInvalid(err, s.store.CheckStudyEdit(c.UserContext(), userOf(c), id, in))
	}
	return s.formDone(c, err, id, "job", fiber.Map{"Form": f})
}

// alsoInvalid joins the errors of a form's inputs that could not be read
// with what the store says of the others, so that one submit names every bad
// field. An error other than a ValidationError from the store wins: a locked
// or missing study is the first thing to hear about.
func alsoInvalid(form, store error) error {
	fe, se := validation(form), validation(store)
	switch {
	case store != nil && se == nil:
		return store
	case se == nil || fe == nil:
		return form
	}
	fields := maps.Clone(se.Fields)
	maps.Copy(fields, fe.Fields)
	return &problem.Validation{Fields: fields}
}

// studyAction serves the lifecycle buttons. Each goes back to the tab it was
// pressed on, except duplicate (to the copy) and delete (to the list).
func (s *Server) studyAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		tab := c.FormValue("tab")
		if !slices.Contains(editorTabs, tab) {
			tab = "job"
		}
		next := studyPath(id, tab)
		if action == "delete" {
			err, next = s.store.DeleteStudy(c.UserContext(), userOf(c), id), "/studies"
		} else {
			var st *surveys.Study
			if st, err = s.runLifecycle(c, action, id); err == nil && action == "duplicate" {
				next = studyPath(st.ID, "job")
			}
		}
		if ve := validation(err); ve != nil {
			c.Status(fiber.StatusUnprocessableEntity)
			return s.editorPage(c, id, tab, fiber.Map{"Alert": slices.Sorted(maps.Values(ve.Fields))})
		}
		if msg, ok := refusal(err); ok {
			c.Status(fiber.StatusConflict)
			return s.editorPage(c, id, tab, fiber.Map{"Alert": []string{msg}})
		}
		if err != nil {
			return err
		}
		return c.Redirect(next, fiber.StatusSeeOther)
	}
}

// addMemberPage serves the Job tab's collaborators form.
func (s *Server) addMemberPage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	email := c.FormValue("email")
	_, err = s.store.AddMember(c.UserContext(), userOf(c), id, surveys.MemberInput{Email: email})
	return s.formDone(c, err, id, "job#collaborators", fiber.Map{"MemberEmail": email})
}

func (s *Server) addOutcomePage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := outcomeForm{Statement: c.FormValue("statement"), Code: c.FormValue("code"), Step: c.FormValue("step")}
	_, err = s.store.AddOutcome(c.UserContext(), userOf(c), id, surveys.OutcomeInput{Statement: &f.Statement, Code: &f.Code, Step: &f.Step})
	return s.formDone(c, err, id, "outcomes"+anchor(c), fiber.Map{"Form": f})
}

// saveOutcomePage serves both an outcome's edit form and its up/down buttons:
// each sends only the fields it changes.
func (s *Server) saveOutcomePage(c *fiber.Ctx) error {
	id, oid, err := studyAndKey(c, idOf("outcome_id"))
	if err != nil {
		return err
	}
	in := surveys.OutcomeInput{Statement: optional(c, "statement"), Code: optional(c, "code"), Step: optional(c, "step")}
	in.Position, err = optionalInt(c, "position")
	if err == nil {
		_, err = s.store.UpdateOutcome(c.UserContext(), userOf(c), id, oid, in)
	}
	data := fiber.Map{}
	if in.Statement != nil {
		data["Form"] = outcomeForm{ID: oid, Statement: *in.Statement, Code: c.FormValue("code"), Step: c.FormValue("step")}
	}
	return s.formDone(c, err, id, fmt.Sprintf("outcomes#o-%d", oid), data)
}

func (s *Server) importOutcomesPage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	data, isXLSX, err := uploadedFile(c)
	if err == nil {
		var rows []surveys.OutcomeInput
		if rows, err = surveys.ReadOutcomesFile(data, isXLSX); err == nil {
			_, err = s.store.ImportOutcomes(c.UserContext(), userOf(c), id, rows)
		}
	}
	return s.formDone(c, err, id, "outcomes#import", fiber.Map{"Form": importForm{}})
}

func (s *Server) addStepPage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := stepForm{Name: c.FormValue("name")}
	_, err = s.store.AddStep(c.UserContext(), userOf(c), id, surveys.StepInput{Name: &f.Name})
	return s.formDone(c, err, id, "outcomes#add-step", fiber.Map{"Form": f})
}

// saveStepPage serves a step's rename form and its up/down buttons.
func (s *Server) saveStepPage(c *fiber.Ctx) error {
	id, stepID, err := studyAndKey(c, idOf("step_id"))
	if err != nil {
		return err
	}
	in := surveys.StepInput{Name: optional(c, "name")}
	in.Position, err = optionalInt(c, "position")
	if err == nil {
		_, err = s.store.UpdateStep(c.UserContext(), userOf(c), id, stepID, in)
	}
	data := fiber.Map{}
	if in.Name != nil {
		data["Form"] = stepForm{ID: stepID, Name: *in.Name}
	}
	return s.formDone(c, err, id, fmt.Sprintf("outcomes#step-%d", stepID), data)
}

// questionFromForm reads the question form. When part of it cannot be read,
// err names those fields and every rule the rest breaks, so the form shows
// all of them at once.
func questionFromForm(c *fiber.Ctx) (questionForm, surveys.QuestionInput, error) {
	f := readQuestionForm(c)
	in, err := f.input()
	if err != nil {
		err = alsoInvalid(err, surveys.CheckQuestion(in))
	}
	return f, in, err
}

func (s *Server) addQuestionPage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f, in, err := questionFromForm(c)
	if err == nil {
		_, err = s.store.AddQuestion(c.UserContext(), userOf(c), id, in)
	}
	return s.formDone(c, err, id, "questions", fiber.Map{"Form": f})
}

func (s *Server) saveQuestionPage(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f, in, err := questionFromForm(c)
	if err == nil {
		_, err = s.store.UpdateQuestion(c.UserContext(), userOf(c), id, c.Params("key"), in)
	}
	return s.formDone(c, err, id, "questions", fiber.Map{"Form": f, "EditKey": c.Params("key")})
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

// removePage serves the editor's delete buttons: take one thing out of a
// study, then back to the place back names (or the tab with the reason why
// not), as formDone does.
func removePage[K any](s *Server, key func(*fiber.Ctx) (K, error), fn func(context.Context, *accounts.User, int64, K) error, back func(*fiber.Ctx) string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, k, err := studyAndKey(c, key)
		if err != nil {
			return err
		}
		return s.formDone(c, fn(c.UserContext(), userOf(c), id, k), id, back(c), fiber.Map{})
	}
}

// to is a fixed place for removePage to go back to.
func to(place string) func(*fiber.Ctx) string {
	return func(*fiber.Ctx) string { return place }
}

// formDone answers a form post: back to where the form was (a tab and an
// anchor) when it worked; the tab again with the submitted values and every
// bad field marked (422) when the input was wrong, or with the reason (409)
// when the study's state refuses the change.
func (s *Server) formDone(c *fiber.Ctx, err error, id int64, to string, data fiber.Map) error {
	tab, _, _ := strings.Cut(to, "#")
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		data["Fields"] = byInput(ve.Fields)
		return s.editorPage(c, id, tab, data)
	}
	if msg, ok := refusal(err); ok {
		c.Status(fiber.StatusConflict)
		data["Alert"] = []string{msg}
		return s.editorPage(c, id, tab, data)
	}
	if err != nil {
		return err
	}
	return c.Redirect(studyPath(id, to), fiber.StatusSeeOther)
}

// refusal is what a page says when the study's state refuses a change (409).
func refusal(err error) (string, bool) {
	switch {
	case errors.Is(err, surveys.ErrLocked):
		return "This study is published, so its structure is locked: every respondent answers the same survey. " +
			"Duplicate it to change the job, language, four forces, outcomes or questions.", true
	case errors.Is(err, problem.ErrConflict):
		_, why, _ := strings.Cut(err.Error(), problem.ErrConflict.Error()+": ")
		if why == "" {
			why = "the study changed meanwhile: reload the page and try again"
		}
		return strings.ToUpper(why[:1]) + why[1:] + ".", true
	}
	return "", false
}

// editorPage shows a tab of a study. data holds what the handler adds: the form
// being corrected and its Fields, an Alert, or the question being edited.
func (s *Server) editorPage(c *fiber.Ctx, id int64, tab string, data fiber.Map) error {
	d, err := s.store.Design(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	fields, _ := data["Fields"].(map[string]string)
	if fields == nil {
		fields = map[string]string{}
	}
	editable := d.Study.Status == surveys.StatusDraft
	data["Title"], data["D"], data["Tab"], data["Editable"], data["Fields"] = d.Study.Name, d, tab, editable, fields
	data["Styles"], data["Scripts"] = []string{"editor.css"}, []string{"editor.js"}
	if d.Study.Slug != nil {
		data["PublicURL"] = s.baseURL() + "/s/" + *d.Study.Slug
	}
	switch tab {
	case "job":
		f, ok := data["Form"].(jobForm)
		if !ok {
			f = jobFormOf(d.Study)
		} else if !editable {
			f.keepStructure(d.Study)
		}
		data["Form"], data["Avatars"] = f, surveys.Avatars
		members, err := s.store.Members(c.UserContext(), d)
		if err != nil {
			return err
		}
		data["Members"], data["ManageMembers"] = members, surveys.CanManageMembers(userOf(c), &d.Study)
		// The collaborators form's errors belong beside it, not the job form.
		data["MemberFields"] = map[string]string{}
		if _, ok := data["MemberEmail"]; ok {
			data["MemberFields"], data["Fields"] = fields, map[string]string{}
		}
	case "outcomes":
		data["View"] = outcomesView(d, data["Form"], fields)
		data["Minutes"] = fieldwork.Preview(d).Minutes
	case "questions":
		if key, ok := data["EditKey"].(string); ok {
			at := slices.IndexFunc(d.Questions, func(q surveys.Question) bool { return q.Key == key })
			if at < 0 {
				return problem.ErrNotFound
			}
			if _, ok := data["Form"]; !ok {
				data["Form"] = questionFormOf(d.Questions[at])
			}
		}
		// A template button's errors belong beside the buttons, not the form.
		if f, ok := data["Form"].(questionForm); !ok || f.Template != "" {
			data["Form"], data["Fields"] = questionForm{Kind: surveys.KindSingle}, map[string]string{}
			data["TemplateErrors"] = slices.Sorted(maps.Values(fields))
		}
		data["Kinds"] = questionKinds
	}
	return s.render(c, "study_"+tab, data)
}

func studyPath(id int64, to string) string { return fmt.Sprintf("/studies/%d/%s", id, to) }

func validation(err error) *problem.Validation {
	var ve *problem.Validation
	if errors.As(err, &ve) {
		return ve
	}
	return nil
}

var itemField = regexp.MustCompile(`^(\w+)\[([^\]]+)\](?:\.(\w+))?$`)

// byInput files the errors of list items ("options[1]", "bands[0].max")
// under the one textarea that holds the list, naming the line, so that each
// message appears beside the input a person can fix.
func byInput(fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		name, msg := k, fields[k]
		if m := itemField.FindStringSubmatch(k); m != nil {
			item := m[2]
			if n, err := strconv.Atoi(item); err == nil {
				item = "line " + strconv.Itoa(n+1)
			}
			if m[3] != "" {
				msg = m[3] + " " + msg
			}
			name, msg = m[1], item+": "+msg
		}
		if out[name] != "" {
			msg = out[name] + "; " + msg
		}
		out[name] = msg
	}
	return out
}

var anchorPattern = regexp.MustCompile(`^[a-z]+(-[0-9]+)?$`)

// anchor is where on the page a form asks to land after it is done, from its
// hidden field "at"; anything but a plain element id is ignored.
func anchor(c *fiber.Ctx) string {
	if at := c.FormValue("at"); anchorPattern.MatchString(at) {
		return "#" + at
	}
	return ""
}

// optional reads a form field that a form may leave out: nil when absent.
func optional(c *fiber.Ctx, name string) *string {
	if !c.Request().PostArgs().Has(name) {
		return nil
	}
	v := c.FormValue(name)
	return &v
}

func optionalInt(c *fiber.Ctx, name string) (*int, error) {
	v := optional(c, name)
	if v == nil {
		return nil, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(*v))
	if err != nil {
		return nil, problem.Invalid(name, "must be a whole number")
	}
	return &n, nil
}

// jobForm is the Job tab (and the new-study page) as the browser sends it.
type jobForm struct {
	Name, When, Want, SoThat   string
	Role, CustomRole           string // Role is an avatar, or "custom" for CustomRole
	MarketSize, MinN, Language string
	Intro, Thanks, RedirectURL string
	FourForces, AttentionCheck bool
	Push, Pull, Anxiety, Habit string
}

func readJobForm(c *fiber.Ctx) jobForm {
	return jobForm{
		Name: c.FormValue("name"), When: c.FormValue("when"), Want: c.FormValue("want"), SoThat: c.FormValue("so_that"),
		Role: c.FormValue("role"), CustomRole: c.FormValue("role_custom"),
		MarketSize: c.FormValue("market_size"), MinN: c.FormValue("min_n"), Language: c.FormValue("language"),
		Intro: c.FormValue("intro"), Thanks: c.FormValue("thanks"), RedirectURL: c.FormValue("redirect_url"),
		FourForces: c.FormValue("four_forces") != "", AttentionCheck: c.FormValue("attention_check") != "",
		Push: c.FormValue("push"), Pull: c.FormValue("pull"), Anxiety: c.FormValue("anxiety"), Habit: c.FormValue("habit"),
	}
}

func jobFormOf(st surveys.Study) jobForm {
	f := jobForm{Name: st.Name, Role: st.RespondentRole, MinN: strconv.Itoa(st.MinN),
		Intro: st.Intro, Thanks: st.Thanks, RedirectURL: st.RedirectURL}
	if st.RespondentRole != "" && !slices.Contains(surveys.Avatars, st.RespondentRole) {
		f.Role, f.CustomRole = "custom", st.RespondentRole
	}
	if st.MarketSize != nil {
		f.MarketSize = strconv.FormatFloat(*st.MarketSize, 'f', -1, 64)
	}
	f.keepStructure(st)
	return f
}

// keepStructure shows the stored structural fields, which a published study's
// form cannot change.
func (f *jobForm) keepStructure(st surveys.Study) {
	f.When, f.Want, f.SoThat = st.Job.When, st.Job.Want, st.Job.SoThat
	f.Language, f.FourForces, f.AttentionCheck = st.Language, st.FourForces, st.AttentionCheck
	w := st.ForcesWording
	f.Push, f.Pull, f.Anxiety, f.Habit = w.Push, w.Pull, w.Anxiety, w.Habit
}

func (f jobForm) job() *surveys.Job {
	return &surveys.Job{When: f.When, Want: f.Want, SoThat: f.SoThat}
}

// Sentence is the job statement as the page shows it.
func (f jobForm) Sentence() string { return f.job().Sentence() }

// input turns the form into a study edit; structural fields only when the
// form carried them.
func (f jobForm) input(structural bool) (surveys.StudyInput, error) {
	role := f.Role
	if role == "custom" {
		role = f.CustomRole
	}
	// An empty redirect box clears the panel's redirect.
	in := surveys.StudyInput{Name: &f.Name, RespondentRole: &role, Intro: &f.Intro, Thanks: &f.Thanks, RedirectURL: &f.RedirectURL}
	fields := map[string]string{}
	// People write market sizes the way they read them: "1,200,000".
	size := strings.NewReplacer(",", "", " ", "", "_", "").Replace(f.MarketSize)
	if size == "" {
		in.MarketSize = new(0.0)
	} else if v, err := strconv.ParseFloat(size, 64); err == nil {
		in.MarketSize = &v
	} else {
		fields["market_size"] = "must be a number, like 250000"
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.MinN)); err == nil {
		in.MinN = &n
	} else {
		fields["min_n"] = "must be a whole number"
	}
	if structural {
		in.Job, in.Language, in.FourForces, in.AttentionCheck = f.job(), &f.Language, &f.FourForces, &f.AttentionCheck
		in.ForcesWording = &surveys.ForcesWordingInput{Push: &f.Push, Pull: &f.Pull, Anxiety: &f.Anxiety, Habit: &f.Habit}
	}
	if len(fields) > 0 {
		return in, &problem.Validation{Fields: fields}
	}
	return in, nil
}

// outcomeForm is an outcome as the add box (ID 0) or an edit form holds it.
type outcomeForm struct {
	ID                    int64
	Statement, Code, Step string
}

// stepForm is the new-step box (ID 0) or a step's rename form.
type stepForm struct {
	ID   int64
	Name string
}

// importForm marks the upload form as the one with errors.
type importForm struct{}

// outcomesTab is the Outcomes tab laid out by step, in survey order, with the
// values and errors of whichever form is being corrected put beside it.
type outcomesTab struct {
	Groups        []stepGroup
	NewStep       stepForm
	NewStepFields map[string]string
	ImportErrors  []string
}

// stepGroup is one job step and its outcomes.
type stepGroup struct {
	Step        surveys.Step // ID 0: outcomes whose step was deleted
	Up, Down    int          // positions the step's up/down buttons send
	First, Last bool
	Rows        []outcomeRow
	Rename      stepForm
	RenameOpen  bool
	Add         outcomeForm
	Fields      map[string]string // of the rename form or the add box
}

type outcomeRow struct {
	surveys.Outcome
	Up, Down    int
	First, Last bool
	Edit        outcomeForm
	Open        bool
	Fields      map[string]string
}

func outcomesView(d *surveys.Design, form any, fields map[string]string) outcomesTab {
	var v outcomesTab
	at := map[int64]int{}
	for i, sp := range d.Steps {
		at[sp.ID] = i
		v.Groups = append(v.Groups, stepGroup{Step: sp, Up: i - 1, Down: i + 1, First: i == 0, Last: i == len(d.Steps)-1,
			Rename: stepForm{ID: sp.ID, Name: sp.Name}, Add: outcomeForm{Step: sp.Name}})
	}
	for _, o := range d.Outcomes {
		i, ok := 0, false
		if o.StepID != nil {
			i, ok = at[*o.StepID]
		}
		if !ok {
			if len(v.Groups) == len(d.Steps) {
				v.Groups = append(v.Groups, stepGroup{First: true, Last: true})
			}
			i = len(v.Groups) - 1
		}
		g := &v.Groups[i]
		g.Rows = append(g.Rows, outcomeRow{Outcome: o, Up: len(g.Rows) - 1, Down: len(g.Rows) + 1,
			Edit: outcomeForm{ID: o.ID, Statement: o.Statement, Code: o.Code, Step: o.Step}})
	}
	for gi := range v.Groups {
		g := &v.Groups[gi]
		if n := len(g.Rows); n > 0 {
			g.Rows[0].First, g.Rows[n-1].Last = true, true
		}
		for ri := range g.Rows {
			if f, ok := form.(outcomeForm); ok && f.ID == g.Rows[ri].ID {
				g.Rows[ri].Edit, g.Rows[ri].Open, g.Rows[ri].Fields = f, true, fields
			}
		}
		switch f := form.(type) {
		case outcomeForm:
			if f.ID == 0 && g.Step.ID != 0 && strings.EqualFold(f.Step, g.Step.Name) {
				g.Add, g.Fields = f, fields
			}
		case stepForm:
			if f.ID != 0 && f.ID == g.Step.ID {
				g.Rename, g.RenameOpen, g.Fields = f, true, fields
			}
		}
	}
	switch f := form.(type) {
	case stepForm:
		if f.ID == 0 {
			v.NewStep, v.NewStepFields = f, fields
		}
	case importForm:
		// In file order: "row 10" after "row 9".
		keys := slices.SortedFunc(maps.Keys(fields), func(a, b string) int {
			return cmp.Or(cmp.Compare(rowNumber(a), rowNumber(b)), strings.Compare(a, b))
		})
		for _, k := range keys {
			v.ImportErrors = append(v.ImportErrors, k+": "+fields[k])
		}
	}
	return v
}

// rowNumber is N in an import error's key "row N: field", or 0 for the file.
func rowNumber(key string) int {
	var n int
	fmt.Sscanf(key, "row %d:", &n)
	return n
}

var questionKinds = []struct{ Value, Label string }{
	{surveys.KindSingle, "Single choice"},
	{surveys.KindMulti, "Multiple choice"},
	{surveys.KindNumber, "Number"},
	{surveys.KindText, "Free text"},
	{surveys.KindNPS, "NPS (0–10)"},
}

// questionForm is a profile question as the form holds it: lists one item a
// line, bands as "label: min-max", quotas as "option: n".
type questionForm struct {
	Template, Key, Text, Kind string
	Options, ScreenOut        string
	Min, Max, Bands, Quotas   string
	Required, Segment         bool
}

func readQuestionForm(c *fiber.Ctx) questionForm {
	return questionForm{
		Template: c.FormValue("template"), Key: c.FormValue("key"), Text: c.FormValue("text"), Kind: c.FormValue("kind"),
		Options: c.FormValue("options"), ScreenOut: c.FormValue("screen_out"),
		Min: c.FormValue("min"), Max: c.FormValue("max"), Bands: c.FormValue("bands"), Quotas: c.FormValue("quotas"),
		Required: c.FormValue("required") != "", Segment: c.FormValue("segment") != "",
	}
}

func questionFormOf(q surveys.Question) questionForm {
	f := questionForm{Key: q.Key, Text: q.Text, Kind: q.Kind, Required: q.Required, Segment: q.Segment,
		Options: strings.Join(q.Options, "\n"), ScreenOut: strings.Join(q.ScreenOut, "\n"),
		Min: formatNumber(q.MinValue), Max: formatNumber(q.MaxValue)}
	bands := make([]string, len(q.Bands))
	for i, b := range q.Bands {
		bands[i] = fmt.Sprintf("%s: %s-%s", b.Label, formatNumber(&b.Min), formatNumber(&b.Max))
	}
	f.Bands = strings.Join(bands, "\n")
	quotas := make([]string, 0, len(q.Quotas))
	for _, k := range slices.Sorted(maps.Keys(q.Quotas)) {
		quotas = append(quotas, fmt.Sprintf("%s: %d", k, q.Quotas[k]))
	}
	f.Quotas = strings.Join(quotas, "\n")
	return f
}

func formatNumber(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

var bandLine = regexp.MustCompile(`^(.+):\s*(-?[0-9.]+)\s*-\s*(-?[0-9.]+)$`)

// input reads the form's text into a question; a line it cannot read is an
// error naming the line.
func (f questionForm) input() (surveys.QuestionInput, error) {
	if f.Template != "" {
		return surveys.QuestionInput{Template: f.Template}, nil
	}
	in := surveys.QuestionInput{Key: strings.TrimSpace(f.Key), Text: f.Text, Kind: f.Kind,
		Options: lines(f.Options), ScreenOut: lines(f.ScreenOut), Required: f.Required, Segment: f.Segment}
	fields := map[string]string{}
	for name, v := range map[string]*string{"min": &f.Min, "max": &f.Max} {
		if strings.TrimSpace(*v) == "" {
			continue
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(*v), 64)
		if err != nil {
			fields[name] = "must be a number"
			continue
		}
		if name == "min" {
			in.Min = &n
		} else {
			in.Max = &n
		}
	}
	for i, l := range lines(f.Bands) {
		m := bandLine.FindStringSubmatch(l)
		if m == nil {
			fields["bands"] = fmt.Sprintf("line %d: write label: min-max, like small: 1-49", i+1)
			break
		}
		lo, _ := strconv.ParseFloat(m[2], 64)
		hi, _ := strconv.ParseFloat(m[3], 64)
		in.Bands = append(in.Bands, surveys.Band{Label: strings.TrimSpace(m[1]), Min: lo, Max: hi})
	}
	for i, l := range lines(f.Quotas) {
		k, v, ok := cutLast(l, ":")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil {
			fields["quotas"] = fmt.Sprintf("line %d: write option: number, like 10-49: 50", i+1)
			break
		}
		if in.Quotas == nil {
			in.Quotas = map[string]int{}
		}
		in.Quotas[strings.TrimSpace(k)] = n
	}
	if len(fields) > 0 {
		return in, &problem.Validation{Fields: fields}
	}
	return in, nil
}

// lines splits a textarea into its non-blank lines.
func lines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
