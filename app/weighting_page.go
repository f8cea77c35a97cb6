package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// weightingView is the Results tab's Weighting section: a percentage per
// option of every question respondents answer with one option, the trim,
// and how the responses so far rake to the saved targets.
type weightingView struct {
	Questions             []weightQuestion
	Trim                  string
	TrimError             string
	Error                 string                   // about the targets as a whole
	Status                *results.WeightingStatus // nil when the study is not weighted
	EffectiveN, MaxWeight string
	Empty                 []string // target cells without respondents, as people read them
	Saved, Removed        bool
}

type weightQuestion struct {
	Key, Text, Error string
	Options          []weightOption
}

type weightOption struct {
	Name, Label, Value, Error string
	Sample                    string // the option's share of the sample, "" when nobody answered the question
}

// weightable are the questions a weighting can use: those whose every
// respondent is in one option (docs/scoring.md, "Weighting").
func weightable(d *surveys.Design) []surveys.Question {
	var out []surveys.Question
	for _, q := range d.Questions {
		if q.Kind != surveys.KindMulti && q.Kind != surveys.KindText && len(q.Groups()) > 0 {
			out = append(out, q)
		}
	}
	return out
}

// fieldName is the form field of option j of weightable question i: by
// position, as options may hold any character.
func fieldName(i, j int) string { return fmt.Sprintf("w-%d-%d", i, j) }

// readWeightingForm reads the percentages typed (blank: not a target; a
// question with every option blank is not weighted) and the trim.
func readWeightingForm(c *fiber.Ctx, d *surveys.Design) (results.WeightingInput, map[string]string, error) {
	in := results.WeightingInput{Targets: map[string]map[string]float64{}}
	typed := map[string]string{}
	var bad problem.List
	for i, q := range weightable(d) {
		for j, opt := range q.Groups() {
			name := fieldName(i, j)
			v := strings.TrimSpace(c.FormValue(name))
			if v == "" {
				continue
			}
			typed[name] = v
			pct, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			if err != nil {
				bad.Add("targets."+q.Key+"."+opt, "must be a percentage, e.g. 25")
				continue
			}
			if in.Targets[q.Key] == nil {
				in.Targets[q.Key] = map[string]float64{}
			}
			in.Targets[q.Key][opt] = pct / 100
		}
	}
	if v := strings.TrimSpace(c.FormValue("trim")); v != "" {
		typed["trim"] = v
		trim, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad.Add("trim", "must be a number, e.g. 5")
		}
		in.Trim = &trim
	}
	return in, typed, bad.Err()
}

// saveWeightingPage is the Weighting section's form: it saves the targets
// and comes back to the section, or shows the Results tab again with the
// percentages typed and what is wrong with them.
func (s *Server) saveWeightingPage(c *fiber.Ctx) error {
	d := designOf(c)
	in, typed, err := readWeightingForm(c, d)
	if err == nil {
		_, err = s.results.SetWeighting(c.UserContext(), d, in)
	}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showResults(c, d, fiber.Map{"WeightingTyped": typed, "WeightingFields": ve.Fields})
	}
	if err != nil {
		return err
	}
	return c.Redirect(studyPath(d.Study.ID, "results")+"?weighting=saved#weighting", fiber.StatusSeeOther)
}

// deleteWeightingPage removes the weighting from the Weighting section.
func (s *Server) deleteWeightingPage(c *fiber.Ctx) error {
	d := designOf(c)
	if err := s.results.DeleteWeighting(c.UserContext(), d); err != nil {
		return err
	}
	return c.Redirect(studyPath(d.Study.ID, "results")+"?weighting=removed#weighting", fiber.StatusSeeOther)
}

// weightingOnResults fills the Weighting section: the saved targets as
// percentages (or what was typed, when data carries a refused form) and
// how the responses rake to them.
func (s *Server) weightingOnResults(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	st, err := s.results.WeightingStatus(c.UserContext(), d)
	if err != nil {
		return err
	}
	sample, err := s.results.SampleShares(c.UserContext(), d)
	if err != nil {
		return err
	}
	typed, refused := data["WeightingTyped"].(map[string]string)
	fields, _ := data["WeightingFields"].(map[string]string)
	v := &weightingView{Status: st, Error: fields["targets"], TrimError: fields["trim"],
		Saved: c.Query("weighting") == "saved", Removed: c.Query("weighting") == "removed"}
	if refused {
		v.Trim = typed["trim"]
	} else if st != nil && st.Trim != nil {
		v.Trim = strconv.FormatFloat(*st.Trim, 'f', -1, 64)
	}
	for i, q := range weightable(d) {
		wq := weightQuestion{Key: q.Key, Text: q.Text, Error: fields["targets."+q.Key]}
		for j, opt := range q.Groups() {
			o := weightOption{Name: fieldName(i, j), Label: opt, Error: fields["targets."+q.Key+"."+opt]}
			if shares, ok := sample[q.Key]; ok {
				o.Sample = strconv.FormatFloat(shares[opt]*100, 'f', 1, 64) + "%"
			}
			switch {
			case refused:
				o.Value = typed[o.Name]
			case st != nil && st.Targets[q.Key] != nil:
				// Every option of a weighted question shows its share, 0 included.
				o.Value = strconv.FormatFloat(st.Targets[q.Key][opt]*100, 'f', -1, 64)
			}
			wq.Options = append(wq.Options, o)
		}
		v.Questions = append(v.Questions, wq)
	}
	if st != nil && st.Problem == "" {
		v.EffectiveN, v.MaxWeight = one(st.EffectiveN), two(st.MaxWeight)
		for _, e := range st.Empty {
			key, opt, _ := strings.Cut(e, ".")
			v.Empty = append(v.Empty, key+": "+opt)
		}
	}
	data["Weighting"] = v
	return nil
}
