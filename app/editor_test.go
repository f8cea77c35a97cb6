package app

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"odi/surveys"
)

// loggedIn logs a new researcher in through the login form, as a browser does.
func loggedIn(t *testing.T, s *Server, email string) *client {
	t.Helper()
	mustUser(t, s, email, "researcher")
	c := newClient(t, s)
	c.login(email)
	return c
}

// submit posts a page's form with the CSRF token the page carries.
func (c *client) submit(path string, v url.Values) reply {
	c.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("_csrf", c.csrf())
	return c.postForm(path, v)
}

// upload posts a file through a multipart form, as the import form does,
// with the form's other fields given as name, value pairs.
func (c *client) upload(path, name, data string, fields ...string) reply {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", c.csrf())
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	fw, _ := w.CreateFormFile("file", name)
	fw.Write([]byte(data))
	w.Close()
	return c.do("POST", path, w.FormDataContentType(), buf.String())
}

func wantRedirect(t *testing.T, r reply, location string) {
	t.Helper()
	if r.status != http.StatusSeeOther || r.header.Get("Location") != location {
		t.Fatalf("got %d to %q, want 303 to %q: %s", r.status, r.header.Get("Location"), location, r.body)
	}
}

// wantMarked checks a 422 page marks the input with id as invalid and shows,
// right after it, the error that aria-describedby points to.
func wantMarked(t *testing.T, r reply, id, msgPart string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", r.status, r.body)
	}
	tag := regexp.MustCompile(`<(?:input|textarea|select)\b[^>]*\sid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(r.body)
	if !strings.Contains(tag, `aria-invalid="true"`) || !regexp.MustCompile(`aria-describedby="[^"]*\b`+regexp.QuoteMeta(id)+`-err"`).MatchString(tag) {
		t.Errorf("input #%s is not marked invalid and pointed at its error: %s", id, tag)
	}
	msg := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(id) + `-err">([^<]*)</p>`).FindStringSubmatch(r.body)
	if msg == nil || !strings.Contains(msg[1], msgPart) {
		t.Errorf("error of #%s: %v, want it to contain %q", id, msg, msgPart)
	}
}

func wantBody(t *testing.T, r reply, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Errorf("page (%d) lacks %q", r.status, p)
		}
	}
}

// design is study id's design as its owner r@example.com reads it.
func (c *client) design(id int64) *surveys.Design {
	c.t.Helper()
	return mustDesign(c.t, c.s, userByEmail(c.t, c.s, "r@example.com"), id)
}

// newDraft creates a study through the new-study form.
func newDraft(t *testing.T, c *client) (int64, string) {
	t.Helper()
	r := c.submit("/studies", url.Values{"name": {"Stop losing context"},
		"when": {"the team grows past 10 people"}, "want": {"put our work into a shared workspace"}, "so_that": {"stop answering the same question"}})
	var id int64
	if _, err := fmt.Sscanf(r.header.Get("Location"), "/studies/%d/job", &id); err != nil || r.status != http.StatusSeeOther {
		t.Fatalf("create study: %d %q", r.status, r.header.Get("Location"))
	}
	return id, fmt.Sprintf("/studies/%d", id)
}

func TestNewStudyFormCreatesADraftOrMarksTheName(t *testing.T) {
	s, c := loggedInServer(t)
	wantBody(t, c.get("/studies/new"), `action="/studies"`, `name="_csrf"`, `id="job-sentence"`)
	wantBody(t, c.get("/studies"), `href="/studies/new"`)

	r := c.submit("/studies", url.Values{"name": {"  "}, "when": {"the team grows"}})
	wantMarked(t, r, "name", "Name is required")
	wantBody(t, r, `value="the team grows"`) // what was typed stays
	if d, _ := s.store.ListStudies(t.Context(), userByEmail(t, s, "r@example.com")); len(d) != 0 {
		t.Fatalf("an invalid form stored %d studies", len(d))
	}

	id, base := newDraft(t, c)
	page := c.get(base)
	if page.status != http.StatusFound || page.header.Get("Location") != base+"/job" {
		t.Fatalf("study page: %d to %q", page.status, page.header.Get("Location"))
	}
	job := c.get(base + "/job")
	wantBody(t, job, "When the team grows past 10 people, I want to put our work into a shared workspace, so I can stop answering the same question.",
		`<span class="chip draft">draft</span>`, `action="`+base+`/publish"`, `href="`+base+`/delete"`, `href="`+base+`/preview"`)
	if d := c.design(id); d.Study.Status != surveys.StatusDraft || len(d.Steps) != 8 {
		t.Fatalf("new study: %s with %d steps", d.Study.Status, len(d.Steps))
	}
	wantBody(t, c.get("/studies"), `action="`+base+`/duplicate"`)
}

func fullJobForm() url.Values {
	return url.Values{
		"name": {"Stop losing context"}, "when": {"the team grows past 10 people"}, "want": {"put our work into a shared workspace"},
		"so_that": {"stop answering the same question"}, "role": {"custom"}, "role_custom": {"team lead"},
		"market_size": {"1,200,000"}, "min_n": {"50"}, "language": {"fr"}, "intro": {"Merci"}, "thanks": {"Merci beaucoup"},
		"panel": {"1"}, "panel_param": {"pid"}, "url_fields": {"src, wave"}, "end_complete": {"https://panel.example/done?id={panel_id}"},
		"end_screened_out": {"https://panel.example/out?id={panel_id}&src={src}"}, "four_forces": {"on"},
		"push": {"Push?"}, "pull": {"Pull?"}, "anxiety": {"Anxiety?"}, "habit": {"Habit?"},
		"attention_check": {"on"}, "attention_checks": {"3"},
	}
}

func TestJobFormSavesEverythingOrMarksEachBadField(t *testing.T) {
	_, c := loggedInServer(t)
	id, base := newDraft(t, c)

	tests := []struct {
		name, field, value, input, msg string
	}{
		{"blank name", "name", "", "name", "is required"},
		{"long when", "when", strings.Repeat("w", 501), "when", "at most 500"},
		{"market size", "market_size", "lots", "market_size", "must be a number"},
		{"min n", "min_n", "0", "min_n", "at least 1"},
		{"min n text", "min_n", "thirty", "min_n", "whole number"},
		{"language", "language", "de", "language", "one of: en, fr"},
		{"end url", "end_complete", "javascript:alert(1)", "end_complete", "http(s) URL"},
		{"end url placeholder", "end_quota_full", "https://p.example/?x={nope}", "end_quota_full", "{nope}"},
		{"panel parameter", "panel_param", "p id", "panel_param", "URL parameter name"},
		{"push wording", "push", strings.Repeat("p", 301), "push", "at most 300"},
		{"four attention checks", "attention_checks", "4", "attention_checks", "at most 3"},
		{"attention checks text", "attention_checks", "three", "attention_checks", "whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := fullJobForm()
			v.Set(tt.field, tt.value)
			wantMarked(t, c.submit(base+"/job", v), tt.input, tt.msg)
			if st := c.design(id).Study; st.Language != "en" || st.MinN != 30 || st.FourForces || st.AttentionCheck || st.AttentionChecks != 1 {
				t.Fatalf("a rejected form changed the study: %+v", st)
			}
		})
	}

	// Inputs the form cannot read and inputs the store refuses are marked
	// together, on the first submit.
	v := fullJobForm()
	v.Set("name", " ")
	v.Set("market_size", "lots")
	v.Set("min_n", "0")
	v.Set("push", "")
	r := c.submit(base+"/job", v)
	wantMarked(t, r, "name", "is required")
	wantMarked(t, r, "market_size", "must be a number")
	wantMarked(t, r, "min_n", "at least 1")
	wantMarked(t, r, "push", "is required when four forces is on")
	wantBody(t, r, "Nothing was saved")
	if st := c.design(id).Study; st.Name != "Stop losing context" || st.FourForces {
		t.Fatalf("a rejected form changed the study: %+v", st)
	}

	wantRedirect(t, c.submit(base+"/job", fullJobForm()), base+"/job")
	wantBody(t, c.get(base+"/job"), `id="notice">Saved.</p>`)
	st := c.design(id).Study
	if st.RespondentRole != "team lead" || st.MarketSize == nil || *st.MarketSize != 1.2e6 || st.MinN != 50 || st.Language != "fr" ||
		!st.FourForces || st.ForcesWording.Habit != "Habit?" || st.PanelParam != "pid" || !slices.Equal(st.URLFields, []string{"src", "wave"}) ||
		st.EndURLs != (surveys.EndURLs{Complete: "https://panel.example/done?id={panel_id}", ScreenedOut: "https://panel.example/out?id={panel_id}&src={src}"}) || st.Thanks != "Merci beaucoup" ||
		!st.AttentionCheck || st.AttentionChecks != 3 {
		t.Fatalf("saved study: %+v", st)
	}
	page := c.get(base + "/job")
	wantBody(t, page, `value="custom" id="role-custom" checked`, `value="team lead"`, `value="1200000"`, `<option value="fr" selected>`,
		`id="attention_check" name="attention_check" value="on" role="switch" checked`, `<option value="3" selected>3</option>`)

	// An avatar is stored as itself; switching four forces off sticks.
	v = fullJobForm()
	v.Set("role", "job executor")
	v.Del("four_forces")
	v.Set("market_size", "")
	wantRedirect(t, c.submit(base+"/job", v), base+"/job")
	if st := c.design(id).Study; st.RespondentRole != "job executor" || st.FourForces || st.MarketSize != nil {
		t.Fatalf("after the second save: %+v", st)
	}
}

func TestPublishedJobFormLocksTheStructure(t *testing.T) {
	_, c := loggedInServer(t)
	id, base := newDraft(t, c)
	wantRedirect(t, c.submit(base+"/outcomes", url.Values{"statement": {"Minimize the time it takes to find a decision"}, "step": {"Define"}}), base+"/outcomes")
	wantRedirect(t, c.submit(base+"/publish", url.Values{"tab": {"job"}, "confirm": {"1"}}), base+"/job")

	page := c.get(base + "/job")
	for _, input := range []string{"when", "want", "so_that", "language", "four_forces", "push", "attention_check", "attention_checks"} {
		if !regexp.MustCompile(`id="` + input + `"[^>]*disabled`).MatchString(page.body) {
			t.Errorf("#%s is not disabled once published", input)
		}
	}
	wantBody(t, page, "Locked since publishing", `class="chip open"`, `value="http://odi.test/s/`)

	// The browser leaves the disabled inputs out; the rest saves.
	v := fullJobForm()
	for _, k := range []string{"when", "want", "so_that", "language", "four_forces", "push", "pull", "anxiety", "habit", "attention_check", "attention_checks"} {
		v.Del(k)
	}
	v.Set("name", "Renamed")
	wantRedirect(t, c.submit(base+"/job", v), base+"/job")
	if st := c.design(id).Study; st.Name != "Renamed" || st.Job.When != "the team grows past 10 people" || st.Language != "en" {
		t.Fatalf("after saving a published study: %+v", st)
	}
	// A stale form that still carries a changed job is refused, and says why.
	r := c.submit(base+"/job", fullJobForm())
	if r.status != http.StatusConflict || !strings.Contains(r.body, "structure is locked") || !strings.Contains(r.body, "duplicate it to change the job") {
		t.Fatalf("stale form: %d", r.status)
	}
	if st := c.design(id).Study; st.Language != "en" || st.FourForces || st.Name != "Renamed" {
		t.Fatalf("a refused stale form changed the study: %+v", st)
	}
}

func TestOutcomeFormsAddEditReorderAndDelete(t *testing.T) {
	_, c := loggedInServer(t)
	id, base := newDraft(t, c)
	d := c.design(id)
	define := d.Steps[0]
	add := func(statement, code, step string) reply {
		return c.submit(base+"/outcomes", url.Values{"statement": {statement}, "code": {code}, "step": {step}, "at": {fmt.Sprintf("add-%d", define.ID)}})
	}

	wantRedirect(t, add("Minimize the time it takes to find a past decision", "", "Define"), fmt.Sprintf("%s/outcomes#add-%d", base, define.ID))
	wantRedirect(t, add("Minimize the likelihood of working from an outdated spec", "", "Define"), fmt.Sprintf("%s/outcomes#add-%d", base, define.ID))
	wantRedirect(t, add("Minimize the time it takes to find a past decision in Slack", "", "Define"), fmt.Sprintf("%s/outcomes#add-%d", base, define.ID))

	r := add("Reduce the cost of onboarding", "o01", "Define")
	wantMarked(t, r, fmt.Sprintf("add-%d-code", define.ID), "already used")
	wantBody(t, r, ">Reduce the cost of onboarding</textarea>")
	wantMarked(t, add("  ", "", "Define"), fmt.Sprintf("add-%d-statement", define.ID), "is required")
	if n := len(c.design(id).Outcomes); n != 3 {
		t.Fatalf("%d outcomes after rejected adds, want 3", n)
	}

	page := c.get(base + "/outcomes")
	wantBody(t, page,
		`<span class="k">direction</span> minimize`, `<span class="k">metric</span> time`,
		`<span class="rule">solution</span>`, `<span class="rule">duplicate</span>`,
		"3 outcomes · about 1 minute to complete", `enctype="multipart/form-data"`)

	d = c.design(id)
	o1, o2 := d.Outcomes[0], d.Outcomes[1]
	// Edit: a bad code is marked inside that row's open edit form.
	r = c.submit(fmt.Sprintf("%s/outcomes/%d", base, o1.ID), url.Values{"statement": {"Minimize the time it takes to find a decision"}, "code": {"1x"}, "step": {"Define"}})
	wantMarked(t, r, fmt.Sprintf("o-%d-code", o1.ID), "start with a letter")
	wantBody(t, r, `<details class="o-edit" open>`, ">Minimize the time it takes to find a decision</textarea>")
	wantRedirect(t, c.submit(fmt.Sprintf("%s/outcomes/%d", base, o1.ID), url.Values{"statement": {"Minimize the time it takes to find a decision"}, "code": {"D1"}, "step": {"Locate"}}),
		fmt.Sprintf("%s/outcomes#o-%d", base, o1.ID))
	d = c.design(id)
	if got := d.Outcomes[len(d.Outcomes)-1]; got.Code != "D1" || got.Step != "Locate" || got.Statement != "Minimize the time it takes to find a decision" {
		t.Fatalf("edited outcome: %+v", got)
	}

	// Down moves O02 below O03 within Define; up moves it back.
	wantRedirect(t, c.submit(fmt.Sprintf("%s/outcomes/%d", base, o2.ID), url.Values{"position": {"1"}}), fmt.Sprintf("%s/outcomes#o-%d", base, o2.ID))
	if got := outcomeCodes(c.design(id)); got != "O03 O02 D1" {
		t.Fatalf("after moving O02 down: %s", got)
	}
	wantRedirect(t, c.submit(fmt.Sprintf("%s/outcomes/%d", base, o2.ID), url.Values{"position": {"0"}}), fmt.Sprintf("%s/outcomes#o-%d", base, o2.ID))
	if got := outcomeCodes(c.design(id)); got != "O02 O03 D1" {
		t.Fatalf("after moving O02 up: %s", got)
	}

	// Delete asks first, keeping the place to go back to; nothing goes yet.
	del := fmt.Sprintf("%s/outcomes/%d/delete", base, o2.ID)
	ask := c.submit(del, url.Values{"at": {fmt.Sprintf("step-%d", define.ID)}})
	wantStatus(t, ask, http.StatusOK)
	wantBody(t, ask, "<h1>Delete outcome O02?</h1>", `action="`+del+`"`, `name="confirm" value="1"`, fmt.Sprintf(`name="at" value="step-%d"`, define.ID),
		fmt.Sprintf(`href="%s/outcomes#step-%d">Cancel</a>`, base, define.ID))
	if got := outcomeCodes(c.design(id)); got != "O02 O03 D1" {
		t.Fatalf("asking deleted: %s", got)
	}
	wantRedirect(t, c.submit(del, url.Values{"at": {fmt.Sprintf("step-%d", define.ID)}, "confirm": {"1"}}), fmt.Sprintf("%s/outcomes#step-%d", base, define.ID))
	wantBody(t, c.get(base+"/outcomes"), `id="notice">Deleted.</p>`)
	if got := outcomeCodes(c.design(id)); got != "O03 D1" {
		t.Fatalf("after delete: %s", got)
	}
	// A redirect anchor is an element id or nothing.
	wantRedirect(t, c.submit(base+"/outcomes", url.Values{"statement": {"Minimize the effort it takes to plan a sprint"}, "step": {"Locate"}, "at": {"x\r\nLocation: //evil"}}), base+"/outcomes")

	// The lint endpoint checks a draft against the other statements.
	var res surveys.Linted
	r = c.postJSON(fmt.Sprintf("/api/v1/studies/%d/outcomes/lint", id), map[string]any{"statement": "Minimize the time it takes to find a decision"})
	wantStatus(t, r, http.StatusOK)
	r.json(t, &res)
	if res.Parsed.Direction != "minimize" || len(res.Lint) != 1 || res.Lint[0].Rule != "duplicate" {
		t.Fatalf("lint of a duplicate: %+v", res)
	}
	c.postJSON(fmt.Sprintf("/api/v1/studies/%d/outcomes/lint", id), map[string]any{"statement": "Minimize the time it takes to find a decision", "outcome_id": o1.ID}).json(t, &res)
	if len(res.Lint) != 0 {
		t.Fatalf("an outcome is its own duplicate: %+v", res.Lint)
	}
}

func outcomeCodes(d *surveys.Design) string {
	var cs []string
	for _, o := range d.Outcomes {
		cs = append(cs, o.Code)
	}
	return strings.Join(cs, " ")
}

func TestStepFormsAddRenameReorderAndDelete(t *testing.T) {
	_, c := loggedInServer(t)
	id, base := newDraft(t, c)
	steps := c.design(id).Steps

	wantRedirect(t, c.submit(base+"/steps", url.Values{"name": {"Hand over"}}), base+"/outcomes#add-step")
	wantMarked(t, c.submit(base+"/steps", url.Values{"name": {"hand over"}}), "new-step", "already has this name")
	r := c.submit(fmt.Sprintf("%s/steps/%d", base, steps[1].ID), url.Values{"name": {"define"}})
	wantMarked(t, r, fmt.Sprintf("step-%d-name", steps[1].ID), "already has this name")
	wantBody(t, r, `<details class="step-edit" open>`)
	wantRedirect(t, c.submit(fmt.Sprintf("%s/steps/%d", base, steps[1].ID), url.Values{"name": {"Find"}}), fmt.Sprintf("%s/outcomes#step-%d", base, steps[1].ID))
	wantRedirect(t, c.submit(fmt.Sprintf("%s/steps/%d", base, steps[1].ID), url.Values{"position": {"0"}}), fmt.Sprintf("%s/outcomes#step-%d", base, steps[1].ID))
	wantBody(t, c.submit(fmt.Sprintf("%s/steps/%d/delete", base, steps[2].ID), nil), "Delete step “"+steps[2].Name+"”?")
	wantRedirect(t, c.submit(fmt.Sprintf("%s/steps/%d/delete", base, steps[2].ID), url.Values{"confirm": {"1"}}), base+"/outcomes")

	var names []string
	for _, sp := range c.design(id).Steps {
		names = append(names, sp.Name)
	}
	if got := strings.Join(names, ","); got != "Find,Define,Confirm,Execute,Monitor,Modify,Conclude,Hand over" {
		t.Fatalf("steps: %s", got)
	}

	// A step's title for respondents: the default is shown until one is set.
	define := c.design(id).Steps[1]
	tab := c.get(base + "/outcomes")
	wantBody(t, tab, `Respondents read: <q>Getting ready</q>`, `placeholder="Getting ready"`)
	wantMarked(t, c.submit(fmt.Sprintf("%s/steps/%d", base, define.ID), url.Values{"name": {"Define"}, "title": {strings.Repeat("t", 101)}}),
		fmt.Sprintf("step-%d-title", define.ID), "100")
	wantRedirect(t, c.submit(fmt.Sprintf("%s/steps/%d", base, define.ID), url.Values{"name": {"Define"}, "title": {" Before you begin "}}),
		fmt.Sprintf("%s/outcomes#step-%d", base, define.ID))
	if got := c.design(id).Steps[1]; got.Name != "Define" || got.Title != "Before you begin" {
		t.Fatalf("after titling: %+v", got)
	}
	wantBody(t, c.get(base+"/outcomes"), `Respondents read: <q>Before you begin</q>`, `value="Before you begin"`)
}

func TestQuestionFormsReadListsBandsAndQuotas(t *testing.T) {
	_, c := loggedInServer(t)
	id, base := newDraft(t, c)

	wantRedirect(t, c.submit(base+"/questions", url.Values{"template": {"company_size"}}), base+"/questions")
	r := c.submit(base+"/questions", url.Values{"template": {"company_size"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "company_size is already used by another question") {
		t.Fatalf("template twice: %d", r.status)
	}

	tests := []struct {
		name   string
		form   url.Values
		input  string
		msg    string
		retain string
	}{
		{"key", url.Values{"key": {"Uses Slack"}, "text": {"x"}, "kind": {"text"}}, "q-key", "lower-case", `value="Uses Slack"`},
		{"options", url.Values{"key": {"a"}, "text": {"x"}, "kind": {"single"}, "options": {"Yes\nyes"}}, "q-options", "line 2: repeats", ">Yes\nyes</textarea>"},
		{"screen out", url.Values{"key": {"a"}, "text": {"x"}, "kind": {"single"}, "options": {"Yes\nNo"}, "screen_out": {"Maybe"}}, "q-screen", `line 1: &#34;Maybe&#34; is not one of the options`, ""},
		{"band line", url.Values{"key": {"a"}, "text": {"x"}, "kind": {"number"}, "bands": {"small: 1-9\nbig"}}, "q-bands", "line 2: write label: min-max", ""},
		{"band order", url.Values{"key": {"a"}, "text": {"x"}, "kind": {"number"}, "bands": {"small: 9-1"}}, "q-bands", "line 1: max must not be below min", ""},
		{"min", url.Values{"key": {"a"}, "text": {"x"}, "kind": {"number"}, "min": {"one"}}, "q-min", "must be a number", ""},
		{"quota line", url.Values{"key": {"a"}, "text": {"x"}, "kind": {"single"}, "options": {"A\nB"}, "segment": {"on"}, "quotas": {"A 5"}}, "q-quotas", "line 1: write option: number", ""},
		{"quota option", url.Values{"key": {"a"}, "text": {"x"}, "kind": {"single"}, "options": {"A\nB"}, "segment": {"on"}, "quotas": {"C: 5"}}, "q-quotas", "not an option", ""},
		{"text segment", url.Values{"key": {"a"}, "text": {"x"}, "kind": {"text"}, "segment": {"on"}}, "q-segment", "free text", ""},
		{"unreadable min beside a bad key", url.Values{"key": {"Team Size"}, "text": {"x"}, "kind": {"number"}, "min": {"one"}}, "q-key", "lower-case", `value="one"`},
		{"bad key beside an unreadable min", url.Values{"key": {"Team Size"}, "text": {"x"}, "kind": {"number"}, "min": {"one"}}, "q-min", "must be a number", `value="Team Size"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.submit(base+"/questions", tt.form)
			wantMarked(t, r, tt.input, tt.msg)
			if tt.retain != "" {
				wantBody(t, r, tt.retain)
			}
		})
	}

	wantRedirect(t, c.submit(base+"/questions", url.Values{"key": {"uses_slack"}, "text": {"Does your team use Slack?"}, "kind": {"single"},
		"options": {"Yes\r\nNo\r\n"}, "screen_out": {"No"}, "required": {"on"}}), base+"/questions")
	wantRedirect(t, c.submit(base+"/questions", url.Values{"key": {"team_size"}, "text": {"How many people are on your team?"}, "kind": {"number"},
		"min": {"1"}, "max": {"10000"}, "segment": {"on"}, "bands": {"small: 1-9\nlarge: 10-10000"}, "quotas": {"small: 40\nlarge: 60"}}), base+"/questions")
	qs := c.design(id).Questions
	if len(qs) != 3 || qs[1].Key != "uses_slack" || strings.Join(qs[1].Options, "|") != "Yes|No" || qs[1].ScreenOut[0] != "No" || !qs[1].Required ||
		len(qs[2].Bands) != 2 || qs[2].Bands[1] != (surveys.Band{Label: "large", Min: 10, Max: 10000}) || qs[2].Quotas["large"] != 60 || *qs[2].MaxValue != 10000 {
		t.Fatalf("questions: %+v", qs)
	}
	list := c.get(base + "/questions")
	wantBody(t, list, `<span class="chip mark screener">screener</span>`, `<span class="chip mark segment">segment</span>`,
		"Screens out: No", `<span class="quota">large: 60</span>`, `href="`+base+`/questions/team_size"`)

	// The edit page holds the question as the form writes it.
	edit := c.get(base + "/questions/team_size")
	wantBody(t, edit, "Edit question <code>team_size</code>", ">small: 1-9\nlarge: 10-10000</textarea>", ">large: 60\nsmall: 40</textarea>", `value="10000"`)
	if r := c.get(base + "/questions/nope"); r.status != http.StatusNotFound {
		t.Fatalf("edit page of a missing question: %d", r.status)
	}
	wantMarked(t, c.submit(base+"/questions/team_size", url.Values{"key": {"uses_slack"}, "text": {"x"}, "kind": {"text"}}), "q-key", "already used")
	wantRedirect(t, c.submit(base+"/questions/team_size", url.Values{"key": {"team"}, "text": {"Team size?"}, "kind": {"number"}}), base+"/questions")
	wantBody(t, c.submit(base+"/questions/uses_slack/delete", nil), "<h1>Delete question uses_slack?</h1>", `href="`+base+`/questions">Cancel</a>`)
	wantRedirect(t, c.submit(base+"/questions/uses_slack/delete", url.Values{"confirm": {"1"}}), base+"/questions")
	if qs := c.design(id).Questions; len(qs) != 2 || qs[1].Key != "team" || qs[1].Text != "Team size?" {
		t.Fatalf("after edit and delete: %+v", qs)
	}
}

func TestEditorPagesAreNotFoundForOtherResearchers(t *testing.T) {
	s := parallelServer(t)
	owner := loggedIn(t, s, "r@example.com")
	id, base := newDraft(t, owner)
	owner.submit(base+"/outcomes", url.Values{"statement": {"Minimize the time it takes to find a decision"}, "step": {"Define"}})
	owner.submit(base+"/questions", url.Values{"template": {"role"}})
	d := owner.design(id)
	o, step := d.Outcomes[0].ID, d.Steps[0].ID

	other := loggedIn(t, s, "other@example.com")
	for _, path := range []string{base, base + "/job", base + "/outcomes", base + "/questions", base + "/questions/role", base + "/delete"} {
		if r := other.get(path); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
	}
	for _, path := range []string{
		base + "/job", base + "/publish", base + "/close", base + "/reopen", base + "/duplicate", base + "/delete",
		base + "/outcomes", fmt.Sprintf("%s/outcomes/%d", base, o), fmt.Sprintf("%s/outcomes/%d/delete", base, o),
		base + "/steps", fmt.Sprintf("%s/steps/%d", base, step), fmt.Sprintf("%s/steps/%d/delete", base, step),
		base + "/questions", base + "/questions/role", base + "/questions/role/delete",
	} {
		v := fullJobForm()
		v.Set("statement", "Minimize x")
		v.Set("key", "k")
		v.Set("kind", "text")
		if r := other.submit(path, v); r.status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", path, r.status)
		}
	}
	if r := other.upload(base+"/outcomes/import", "o.csv", "statement\nMinimize x\n"); r.status != http.StatusNotFound {
		t.Errorf("import: %d, want 404", r.status)
	}
	if r := other.postJSON(fmt.Sprintf("/api/v1/studies/%d/outcomes/lint", id), map[string]string{"statement": "x"}); r.status != http.StatusNotFound {
		t.Errorf("lint: %d, want 404", r.status)
	}
	if after := owner.design(id); after.Study.Name != d.Study.Name || len(after.Outcomes) != 1 || len(after.Questions) != 1 || after.Study.Status != surveys.StatusDraft {
		t.Fatalf("a stranger changed the study: %+v", after.Study)
	}
}

func TestCollaboratorsSectionOnTheJobTab(t *testing.T) {
	s, c := loggedInServer(t)
	ana := loggedIn(t, s, "ana@example.com")
	_, base := newDraft(t, c)

	page := c.get(base + "/job")
	wantBody(t, page, `id="collaborators"`, "No collaborators yet.", `action="`+base+`/members"`)
	r := c.submit(base+"/members", url.Values{"email": {""}})
	wantMarked(t, r, "member-email", "is required")
	if strings.Contains(r.body, "Nothing was saved: please correct the fields marked below.") {
		t.Error("a collaborators error is reported as the job form's")
	}
	r = c.submit(base+"/members", url.Values{"email": {"nobody@example.com"}})
	wantMarked(t, r, "member-email", "no account with this email")
	wantBody(t, r, `value="nobody@example.com"`)

	wantRedirect(t, c.submit(base+"/members", url.Values{"email": {"ana@example.com"}}), base+"/job#collaborators")
	page = c.get(base + "/job")
	anaID := userByEmail(t, s, "ana@example.com").ID
	wantBody(t, page, "<span class=\"grow\">ana@example.com</span>", fmt.Sprintf(`action="%s/members/%d/delete"`, base, anaID))

	// The collaborator sees the study and who else works on it, not the controls.
	page = ana.get(base + "/job")
	wantBody(t, page, "ana@example.com")
	if strings.Contains(page.body, `action="`+base+`/members"`) || strings.Contains(page.body, "/delete\" class=\"inline\"") {
		t.Error("a collaborator is offered the collaborators controls")
	}
	if r := ana.submit(fmt.Sprintf("%s/members/%d/delete", base, anaID), nil); r.status != http.StatusNotFound {
		t.Errorf("a collaborator removing a collaborator: %d, want 404", r.status)
	}

	wantRedirect(t, c.submit(fmt.Sprintf("%s/members/%d/delete", base, anaID), nil), base+"/job#collaborators")
	wantBody(t, c.get(base+"/job"), "No collaborators yet.")
	if r := ana.get(base + "/job"); r.status != http.StatusNotFound {
		t.Fatalf("a removed collaborator: %d, want 404", r.status)
	}
}

// TestQuestionsMove: PATCH with only a position moves a question, as the
// Questions tab's ↑ and ↓ buttons do, and the respondent sees the new order.
func TestQuestionsMove(t *testing.T) {
	s, c := loggedInServer(t)
	id, base := newDraft(t, c)
	api := fmt.Sprintf("/api/v1/studies/%d", id)
	u := userByEmail(t, s, "r@example.com")
	script := newClient(t, s) // the API, with a token of the same researcher
	script.bearer = mustToken(t, s, u)
	for _, key := range []string{"a", "b", "c"} {
		wantStatus(t, script.send("POST", api+"/questions", map[string]any{"key": key, "text": "Question " + key, "kind": "text"}), http.StatusCreated)
	}
	order := func() string {
		t.Helper()
		var qs []surveys.Question
		script.send("GET", api+"/questions", nil).json(t, &qs)
		keys := ""
		for _, q := range qs {
			keys += q.Key
		}
		return keys
	}
	var moved surveys.Question
	r := script.send("PATCH", api+"/questions/c", map[string]int{"position": 0})
	wantStatus(t, r, http.StatusOK)
	r.json(t, &moved)
	if got := order(); got != "cab" || moved.Text != "Question c" || moved.Position != 0 {
		t.Fatalf("after moving c first: %s, answer %+v", got, moved)
	}
	wantFields(t, script.send("PATCH", api+"/questions/a", map[string]int{"position": -1}), map[string]string{"position": "0 or more"})
	// A move button the store refuses says why above the tab's buttons.
	if r := c.submit(base+"/questions/a/move", url.Values{"position": {"-1"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "<li>must be 0 or more</li>") {
		t.Fatalf("a refused move: %d, without the reason", r.status)
	}
	wantRedirect(t, c.submit(base+"/questions/a/move", url.Values{"position": {"2"}}), base+"/questions#q-a")
	if got := order(); got != "cba" {
		t.Fatalf("after the page moved a last: %s", got)
	}
	page := c.get(base + "/questions")
	if !strings.Contains(page.body, `action="/studies/`+fmt.Sprint(id)+`/questions/c/move"`) || strings.Count(page.body, "Move up") != 2 || strings.Count(page.body, "Move down") != 2 {
		t.Fatalf("the Questions tab lacks its move buttons")
	}
	// A rename with a move does both.
	wantStatus(t, script.send("PATCH", api+"/questions/b", map[string]any{"key": "b", "text": "Renamed", "kind": "text", "position": 0}), http.StatusOK)
	if got := order(); got != "bca" {
		t.Fatalf("after a rename with a move: %s", got)
	}
}
