package app

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
)

// editor is one drawing of an editor tab: the study as the request resolved
// it, and what the handler adds to it when a change did not go through.
type editor struct {
	tab      string // job, outcomes or questions
	design   *surveys.Design
	editable bool // a draft, whose structure may still change
	// form is the form being corrected, as posted: a jobForm, memberForm,
	// outcomeForm, stepForm, importForm, questionForm, roleQuestionForm or
	// rewordForm; nil for none, or for a button (move, delete).
	form   any
	fields map[string]string // the form's bad fields, by input name
	alert  []string          // what stopped the change, above the tabs
}

// newEditor is tab of the study the request names, with form (or nil) on it.
func newEditor(c *fiber.Ctx, tab string, form any) editor {
	d := designOf(c)
	return editor{tab: tab, design: d, editable: d.Study.Status == surveys.StatusDraft, form: form, fields: map[string]string{}}
}

// showEditor draws e. The page's values are worked out here, each form
// filled from what was posted or else from the study, and each error put
// beside the form it belongs to, so the templates only print.
func (s *Server) showEditor(c *fiber.Ctx, e editor) error {
	d := e.design
	// A published study's wording may still be fixed (Rewordable), each fix
	// kept in the change log.
	data := fiber.Map{"Title": d.Study.Name, "D": d, "Tab": e.tab, "Editable": e.editable, "Rewordable": !e.editable, "Fields": e.fields,
		"Styles": []string{"editor.css"}, "Scripts": []string{"editor.js"}}
	if e.alert != nil {
		data["Alert"] = e.alert
	}
	if d.Study.Slug != nil {
		data["PublicURL"] = s.baseURL() + "/s/" + *d.Study.Slug
	}
	switch e.tab {
	case "job":
		if err := s.jobTab(c, e, data); err != nil {
			return err
		}
	case "outcomes":
		data["View"], data["Minutes"] = outcomesView(d, e.form, e.fields), fieldwork.Preview(d).Minutes
	case "questions":
		questionsTab(e, data)
	}
	return s.render(c, "study_"+e.tab, data)
}

// jobTab fills the Job tab: the job form and the collaborators with their
// own form. The errors go beside whichever of the two was posted.
func (s *Server) jobTab(c *fiber.Ctx, e editor, data fiber.Map) error {
	d := e.design
	members, err := s.store.Members(c.UserContext(), d)
	if err != nil {
		return err
	}
	f := e.jobForm()
	data["Members"], data["ManageMembers"] = members, surveys.CanManageMembers(userOf(c), &d.Study)
	data["Form"], data["Avatars"], data["CheckCounts"] = f, surveys.Avatars, checkCounts
	data["JobLint"], data["JobLinted"] = jobLint(cmp.Or(f.Language, d.Study.Language), f.When, f.Want, f.SoThat), true
	jobFields, memberFields := e.fields, map[string]string{}
	if m, ok := e.form.(memberForm); ok {
		jobFields, memberFields = map[string]string{}, e.fields
		data["MemberEmail"] = m.Email
	}
	data["Fields"], data["MemberFields"] = jobFields, memberFields
	return nil
}

// questionsTab fills the Questions tab. Which form was posted decides where
// its errors go: beside the question or role-question form, beside the
// question whose wording was being fixed (a published study), or, for a
// template or a button (move, delete), above the template buttons.
func questionsTab(e editor, data fiber.Map) {
	if rf, ok := e.form.(rewordForm); ok {
		data["Reword"] = rf // its errors stay in Fields
		return
	}
	var roleChoices []surveys.Question
	for _, q := range e.design.Questions {
		if q.Kind == surveys.KindSingle {
			roleChoices = append(roleChoices, q)
		}
	}
	form, fields, roleFields := questionForm{Kind: surveys.KindSingle}, map[string]string{}, map[string]string{}
	switch f, posted := e.form.(questionForm); {
	case posted && f.Template == "":
		form, fields = f, e.fields
	case e.form == roleQuestionForm{}:
		roleFields = e.fields
	default: // a template's, or a button's (move, delete)
		data["TemplateErrors"] = sortedMessages(e.fields)
	}
	data["RoleChoices"], data["RoleFields"], data["Kinds"] = roleChoices, roleFields, questionKinds
	data["Form"], data["EditKey"], data["Fields"] = form, form.Editing, fields
}

// jobForm is the job form as the Job tab shows it: as posted when it is
// being corrected (but for the structure a published study keeps), else as
// stored.
func (e editor) jobForm() jobForm {
	f, ok := e.form.(jobForm)
	if !ok {
		return jobFormOf(e.design.Study)
	}
	if !e.editable {
		f.keepStructure(e.design.Study)
	}
	return f
}

// sortedMessages lists the messages of fields for an alert, where there is
// no input to put each beside.
func sortedMessages(fields map[string]string) []string {
	return slices.Sorted(maps.Values(fields))
}

// outcomesTab is the Outcomes tab laid out by step, in survey order, with the
// values and errors of whichever form is being corrected put beside it.
type outcomesTab struct {
	Roles         []string // the role question's options, when the study has one: each outcome's boxes
	Groups        []stepGroup
	NewStep       stepForm
	NewStepFields map[string]string
	ImportErrors  []importError
}

// importError is one problem of a refused outcomes file, listed at the top of
// the tab with a link to it beside the upload form.
type importError struct {
	ID, Text string
}

// stepGroup is one job step and its outcomes.
type stepGroup struct {
	Step        surveys.Step // ID 0: outcomes whose step was deleted
	Shown       string       // the title respondents read above the step's outcomes
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
	for _, q := range d.Questions {
		if q.Key == d.Study.RoleQuestion {
			v.Roles = q.Options
		}
	}
	at := map[int64]int{}
	for i, sp := range d.Steps {
		at[sp.ID] = i
		v.Groups = append(v.Groups, stepGroup{Step: sp, Shown: fieldwork.StepTitle(d.Study.Language, sp.Name, sp.Title), Up: i - 1, Down: i + 1, First: i == 0, Last: i == len(d.Steps)-1,
			Rename: stepForm{ID: sp.ID, Name: sp.Name, Title: sp.Title}, Add: outcomeForm{Step: sp.Name}})
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
			Edit: outcomeForm{ID: o.ID, Statement: o.Statement, Code: o.Code, Step: o.Step, Roles: o.Roles}})
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
		for i, k := range keys {
			text := k + ": " + fields[k]
			v.ImportErrors = append(v.ImportErrors, importError{ID: fmt.Sprintf("import-err-%d", i+1), Text: strings.ToUpper(text[:1]) + text[1:]})
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
