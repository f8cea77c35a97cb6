package app

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
)

// The editor's forms as the browser posts them, and how each is read into
// the store's input. A form keeps the text exactly as typed, so that a tab
// drawn again with errors shows what the person wrote, not what it parsed to.

// jobForm is the Job tab (and the new-study page) as the browser sends it.
type jobForm struct {
	Name, When, Want, SoThat   string
	Role, CustomRole           string // Role is an avatar, or "custom" for CustomRole
	MarketSize, MinN, Language string
	Intro, Thanks              string
	FourForces, AttentionCheck bool
	panelForm
	AttentionChecks            string // how many, 1 to surveys.MaxAttentionChecks
	Push, Pull, Anxiety, Habit string
}

// checkCounts are the numbers of attention checks a study may ask.
var checkCounts = func() []int {
	out := make([]int, surveys.MaxAttentionChecks)
	for i := range out {
		out[i] = i + 1
	}
	return out
}()

func readJobForm(c *fiber.Ctx) jobForm {
	return jobForm{
		Name: c.FormValue("name"), When: c.FormValue("when"), Want: c.FormValue("want"), SoThat: c.FormValue("so_that"),
		Role: c.FormValue("role"), CustomRole: c.FormValue("role_custom"),
		MarketSize: c.FormValue("market_size"), MinN: c.FormValue("min_n"), Language: c.FormValue("language"),
		Intro: c.FormValue("intro"), Thanks: c.FormValue("thanks"), panelForm: readPanelForm(c),
		FourForces: c.FormValue("four_forces") != "", AttentionCheck: c.FormValue("attention_check") != "", AttentionChecks: c.FormValue("attention_checks"),
		Push: c.FormValue("push"), Pull: c.FormValue("pull"), Anxiety: c.FormValue("anxiety"), Habit: c.FormValue("habit"),
	}
}

func jobFormOf(st surveys.Study) jobForm {
	f := jobForm{Name: st.Name, Role: st.RespondentRole, MinN: strconv.Itoa(st.MinN),
		Intro: st.Intro, Thanks: st.Thanks, panelForm: panelFormOf(st)}
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
	f.AttentionChecks = strconv.Itoa(st.AttentionChecks)
	w := st.ForcesWording
	f.Push, f.Pull, f.Anxiety, f.Habit = w.Push, w.Pull, w.Anxiety, w.Habit
}

// forceBox is one of the four forces' wording boxes on the Job tab.
type forceBox struct{ Name, Label, Hint, Value string }

// Forces are the Job tab's four wording boxes, in the order the survey asks
// them.
func (f jobForm) Forces() []forceBox {
	return []forceBox{
		{"push", "Push", "frustration with the current way", f.Push},
		{"pull", "Pull", "attraction of a new way", f.Pull},
		{"anxiety", "Anxiety", "worry about switching", f.Anxiety},
		{"habit", "Habit", "pull of the current way", f.Habit},
	}
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
	in := surveys.StudyInput{Name: &f.Name, RespondentRole: &role, Intro: &f.Intro, Thanks: &f.Thanks}
	f.panelForm.input(&in)
	var bad problem.List
	if v, ok := marketSize(f.MarketSize); ok {
		in.MarketSize = &v
	} else {
		bad.Add("market_size", marketSizeRule)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.MinN)); err == nil {
		in.MinN = &n
	} else {
		bad.Add("min_n", "must be a whole number")
	}
	if structural {
		in.Job, in.Language, in.FourForces, in.AttentionCheck = f.job(), &f.Language, &f.FourForces, &f.AttentionCheck
		in.ForcesWording = &surveys.ForcesWordingInput{Push: &f.Push, Pull: &f.Pull, Anxiety: &f.Anxiety, Habit: &f.Habit}
		// A form from before the count existed leaves it as stored.
		if f.AttentionChecks != "" {
			if n, err := strconv.Atoi(f.AttentionChecks); err == nil {
				in.AttentionChecks = &n
			} else {
				bad.Add("attention_checks", "must be a whole number")
			}
		}
	}
	return in, bad.Err()
}

// memberForm is the Job tab's collaborators form.
type memberForm struct{ Email string }

// outcomeForm is an outcome as the add box (ID 0) or an edit form holds it.
type outcomeForm struct {
	ID                    int64
	Statement, Code, Step string
	Roles                 []string // the roles ticked: the outcome is asked only of them; none is every role
}

// rolesField is the hidden field an edit form with role boxes sends, so
// that no box ticked (every role) differs from a form without the boxes.
const rolesField = "roles_shown"

// roleQuestionForm marks the role question form as the one with errors.
type roleQuestionForm struct{}

func readOutcomeForm(c *fiber.Ctx) outcomeForm {
	return outcomeForm{Statement: c.FormValue("statement"), Code: c.FormValue("code"), Step: c.FormValue("step")}
}

// readOutcomeChange reads what an outcome's edit form or its up/down
// buttons send: each only the fields it changes. form is the edit form,
// nil for a button.
func readOutcomeChange(c *fiber.Ctx, id int64) (form any, in surveys.OutcomeInput, err error) {
	in = surveys.OutcomeInput{Statement: optional(c, "statement"), Code: optional(c, "code"), Step: optional(c, "step")}
	in.Position, err = optionalInt(c, "position")
	if c.FormValue(rolesField) != "" {
		roles := []string{}
		for _, b := range c.Request().PostArgs().PeekMulti("roles") {
			roles = append(roles, string(b))
		}
		in.Roles = &roles
	}
	if in.Statement != nil {
		f := outcomeForm{ID: id, Statement: *in.Statement, Code: c.FormValue("code"), Step: c.FormValue("step")}
		if in.Roles != nil {
			f.Roles = *in.Roles
		}
		form = f
	}
	return form, in, err
}

// rewordForm is a published study's question as its "Fix wording" form
// holds it: its text and its options' texts (one per line) may change.
type rewordForm struct {
	Key, Text, Options string
}

// input is q with the form's wording: each option line rewords the option
// in its place, and the screen-out options and quota keys follow it.
func (f rewordForm) input(q surveys.Question) (surveys.QuestionInput, error) {
	options := lines(f.Options)
	var moved error
	if len(options) != len(q.Options) {
		moved = problem.Invalid("options", fmt.Sprintf("keep one line for each of the %d options, in their order: a published question's options can be reworded, not added, removed or moved", len(q.Options)))
		options = q.Options
	}
	renamed := func(o string) string {
		if i := slices.Index(q.Options, o); i >= 0 {
			return options[i]
		}
		return o
	}
	r := q
	r.Text, r.Options, r.ScreenOut, r.Quotas = f.Text, options, nil, map[string]int{}
	for _, o := range q.ScreenOut {
		r.ScreenOut = append(r.ScreenOut, renamed(o))
	}
	for o, n := range q.Quotas {
		r.Quotas[renamed(o)] = n
	}
	in, err := questionFormOf(r).input()
	if moved != nil {
		return in, alsoInvalid(moved, surveys.CheckQuestion(in))
	}
	return in, err
}

// stepForm is the new-step box (ID 0) or a step's rename form, which also
// titles the step for respondents.
type stepForm struct {
	ID          int64
	Name, Title string
}

// readStepChange reads what a step's rename form or its up/down buttons
// send. form is the rename form, nil for a button.
func readStepChange(c *fiber.Ctx, id int64) (form any, in surveys.StepInput, err error) {
	in = surveys.StepInput{Name: optional(c, "name"), Title: optional(c, "title")}
	in.Position, err = optionalInt(c, "position")
	if in.Name != nil {
		f := stepForm{ID: id, Name: *in.Name}
		if in.Title != nil {
			f.Title = *in.Title
		}
		form = f
	}
	return form, in, err
}

// importForm marks the upload form as the one with errors.
type importForm struct{}

// questionForm is a profile question as the form holds it: lists one item a
// line, bands as "label: min-max", quotas as "option: n".
type questionForm struct {
	Editing                   string // the key of the question the form edits; "" when it adds one
	Template, Key, Text, Kind string
	Options, ScreenOut        string
	Min, Max, Bands, Quotas   string
	Required, Segment         bool
	CurrentSolution           bool
}

// readQuestionForm reads the question form. When part of it cannot be
// read, err names those fields and every rule the rest breaks, so the form
// shows all of them at once.
func readQuestionForm(c *fiber.Ctx) (questionForm, surveys.QuestionInput, error) {
	f := questionForm{
		Editing:  c.Params("key"),
		Template: c.FormValue("template"), Key: c.FormValue("key"), Text: c.FormValue("text"), Kind: c.FormValue("kind"),
		Options: c.FormValue("options"), ScreenOut: c.FormValue("screen_out"),
		Min: c.FormValue("min"), Max: c.FormValue("max"), Bands: c.FormValue("bands"), Quotas: c.FormValue("quotas"),
		Required: c.FormValue("required") != "", Segment: c.FormValue("segment") != "",
		CurrentSolution: c.FormValue("current_solution") != "",
	}
	in, err := f.input()
	if err != nil {
		err = alsoInvalid(err, surveys.CheckQuestion(in))
	}
	return f, in, err
}

func questionFormOf(q surveys.Question) questionForm {
	f := questionForm{Editing: q.Key, Key: q.Key, Text: q.Text, Kind: q.Kind, Required: q.Required, Segment: q.Segment,
		CurrentSolution: q.CurrentSolution, Options: strings.Join(q.Options, "\n"), ScreenOut: strings.Join(q.ScreenOut, "\n"),
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
		Options: lines(f.Options), ScreenOut: lines(f.ScreenOut), Required: f.Required, Segment: f.Segment,
		CurrentSolution: f.CurrentSolution}
	var bad problem.List
	for name, v := range map[string]*string{"min": &f.Min, "max": &f.Max} {
		if strings.TrimSpace(*v) == "" {
			continue
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(*v), 64)
		if err != nil {
			bad.Add(name, "must be a number")
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
			bad.Add("bands", fmt.Sprintf("line %d: write label: min-max, like small: 1-49", i+1))
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
			bad.Add("quotas", fmt.Sprintf("line %d: write option: number, like 10-49: 50", i+1))
			break
		}
		if in.Quotas == nil {
			in.Quotas = map[string]int{}
		}
		in.Quotas[strings.TrimSpace(k)] = n
	}
	return in, bad.Err()
}

// marketSizeRule is what the Job tab and a segment's canvas say of a market
// size marketSize cannot read.
const marketSizeRule = "must be a number, like 250000"

// marketSize reads a market size as people write it, "1,200,000" or
// "250 000"; left empty, there is none (0). Whether it may be negative is
// the store's rule.
func marketSize(text string) (float64, bool) {
	text = strings.NewReplacer(",", "", " ", "", "_", "").Replace(strings.TrimSpace(text))
	if text == "" {
		return 0, true
	}
	v, err := strconv.ParseFloat(text, 64)
	return v, err == nil
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

// alsoInvalid joins the errors of a form's inputs that could not be read
// with what the store says of the others, so that one submit names every bad
// field. An error other than a Validation from the store wins: a locked or
// missing study is the first thing to hear about. Where both name a field,
// the form's words stand: they say what to type.
func alsoInvalid(form, store error) error {
	if store != nil && validation(store) == nil {
		return store
	}
	var bad problem.List
	for _, err := range []error{form, store} {
		if err := bad.Merge(err); err != nil {
			return err
		}
	}
	return bad.Err()
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
