package app

import (
	"cmp"
	"slices"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
	"odi/surveys/statement"
)

// Lint where researchers write: the Job tab's job statement as it is typed,
// and every warning of the study once more before it is published, when the
// job and outcomes are about to be locked.

// lintJob is the JSON endpoint behind the Job tab's lint as you type: the
// warnings of a job statement not saved yet, in the survey language the
// form shows ("" for the study's).
func lintJob(c *fiber.Ctx) error {
	var in struct {
		When     string `json:"when"`
		Want     string `json:"want"`
		SoThat   string `json:"so_that"`
		Language string `json:"language"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	lang := cmp.Or(in.Language, designOf(c).Study.Language)
	if lang != "en" && lang != "fr" {
		return problem.Invalid("language", "must be en or fr")
	}
	return c.JSON(fiber.Map{"job_lint": jobLint(lang, in.When, in.Want, in.SoThat)})
}

// jobLint is statement.LintJob with [] for none, as the study's job_lint.
func jobLint(lang, when, want, soThat string) []statement.Issue {
	if issues := statement.LintJob(lang, when, want, soThat); issues != nil {
		return issues
	}
	return []statement.Issue{}
}

// warning is one lint warning shown before publishing: of the job
// statement (no code), or of the outcome with Code.
type warning struct {
	Code      string `json:"code,omitempty"`
	Statement string `json:"statement,omitempty"`
	statement.Issue
}

// publishWarnings lists every lint warning of a study as its researchers
// see it: the job statement's first, then the outcomes' in survey order.
func publishWarnings(d *surveys.Design) []warning {
	out := []warning{}
	for _, i := range d.Study.JobLint {
		out = append(out, warning{Issue: i})
	}
	for _, o := range d.Outcomes {
		for _, i := range o.Lint {
			out = append(out, warning{Code: o.Code, Statement: o.Statement, Issue: i})
		}
	}
	return out
}

// outcomeWarnings are one outcome's warnings on the publish check.
type outcomeWarnings struct {
	Code, Statement string
	Issues          []statement.Issue
}

// needsPublishCheck reports whether pressing Publish should first show the
// checklist: the study is a draft that can be published (it has outcomes;
// without, publishing says why itself) and the researcher has not
// confirmed yet. Publishing locks the survey, so it is always confirmed.
func needsPublishCheck(c *fiber.Ctx, d *surveys.Design) bool {
	return c.FormValue("confirm") == "" && d.Study.Status == surveys.StatusDraft && len(d.Outcomes) > 0
}

// longSurvey is the expected length, in minutes, past which the checklist
// warns: completion drops on longer surveys, and panels pay by the minute.
const longSurvey = 15

// checklist is what the publish check says of a study besides its lint: who
// is screened out, which quotas cap the sample, how long the survey takes.
type checklist struct {
	Screeners, Quotas []string // question texts
	Minutes, Limit    int      // Limit: longSurvey
	Long              bool
}

func checklistOf(d *surveys.Design) checklist {
	sv := fieldwork.Preview(d)
	cl := checklist{Minutes: sv.Minutes, Limit: longSurvey, Long: sv.Minutes > longSurvey}
	for _, q := range d.Questions {
		if len(q.ScreenOut) > 0 {
			cl.Screeners = append(cl.Screeners, q.Text)
		}
		if len(q.Quotas) > 0 {
			cl.Quotas = append(cl.Quotas, q.Text)
		}
	}
	return cl
}

// showPublishCheck draws the checklist and the warnings above a Publish
// button ("Publish anyway" when there are warnings); tab is where Publish
// was pressed, and where Cancel goes back to.
func (s *Server) showPublishCheck(c *fiber.Ctx, tab string) error {
	d := designOf(c)
	var outcomes []outcomeWarnings
	n := len(d.Study.JobLint)
	for _, o := range d.Outcomes {
		if len(o.Lint) > 0 {
			outcomes = append(outcomes, outcomeWarnings{o.Code, o.Statement, o.Lint})
			n += len(o.Lint)
		}
	}
	return s.render(c, "study_publish", fiber.Map{"Title": "Publish " + d.Study.Name, "D": d, "Tab": tab,
		"Editable": true, "PublishCheck": true, "JobLint": d.Study.JobLint, "Outcomes": outcomes, "Count": n, "Check": checklistOf(d),
		"Sentence": d.Study.Job.Sentence(), "Styles": []string{"editor.css"}})
}

// lifecycleTabs are the tabs whose head has the lifecycle buttons.
var lifecycleTabs = append(slices.Clone(editorTabs), "fieldwork", "results", "segments", "share")

// pressedOn is the tab a lifecycle button was pressed on, or job: where the
// button goes back to.
func pressedOn(c *fiber.Ctx) string {
	if tab := c.FormValue("tab"); slices.Contains(lifecycleTabs, tab) {
		return tab
	}
	return "job"
}

// editorTabOr is tab when the editor draws it (with a refusal above it),
// else job.
func editorTabOr(tab string) string {
	if slices.Contains(editorTabs, tab) {
		return tab
	}
	return "job"
}
