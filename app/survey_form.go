package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
)

// Reading a posted step of the respondent page: its answers, and what
// needs attention, in the respondent's language.

// formRating is a rating as the form sent it: a number for the store to
// check, the text itself when it is not one (the store names it), null when
// the field was left empty.
func formRating(v string) fieldwork.Value {
	if v == "" {
		return fieldwork.Value{}
	}
	if n, err := strconv.Atoi(v); err == nil {
		return fieldwork.Number(float64(n))
	}
	return fieldwork.Text(v)
}

// read takes step p's fields from a posted form into a and returns them as
// a submission. A field left empty clears its answer: the page shows the
// whole state of its questions.
func (f *surveyFlow) read(p int, c *fiber.Ctx, a *fieldwork.Answers) fieldwork.Submission {
	var in fieldwork.Submission
	st := f.stages[p]
	form := c.Request().PostArgs()
	if c.Method() == fiber.MethodGet { // the preview's pages, which store nothing
		form = c.Request().URI().QueryArgs()
	}
	switch st.Kind {
	case fieldwork.StageQuestions:
		in.Answers = map[string]fieldwork.Value{}
		for _, q := range st.Questions {
			var v string
			if q.Kind == surveys.KindMulti {
				var picked []string
				for _, b := range form.PeekMulti("q." + q.Key) {
					picked = append(picked, string(b))
				}
				v = strings.Join(picked, ";")
			} else {
				v = c.FormValue("q." + q.Key)
			}
			in.Answers[q.Key] = fieldwork.Text(v)
			a.Questions[q.Key] = v
		}
	case fieldwork.StageOutcomes:
		in.Ratings = map[string]fieldwork.Rating{}
		for _, it := range st.Items {
			if it.Attention {
				// One check a page: it goes in its place among the checks.
				v := c.FormValue(attentionField)
				checks := make([]fieldwork.RatingValue, it.Check+1)
				checks[it.Check] = fieldwork.ParseRating(v)
				in.Attention = fieldwork.CheckRatings(checks...)
				a.Attention[it.Check], _ = strconv.Atoi(v)
				continue
			}
			imp, sat := c.FormValue("i."+it.Code), c.FormValue("s."+it.Code)
			in.Ratings[it.Code] = fieldwork.Rating{Importance: fieldwork.ParseRating(imp), Satisfaction: fieldwork.ParseRating(sat)}
			var r [2]int
			r[0], _ = strconv.Atoi(imp)
			r[1], _ = strconv.Atoi(sat)
			a.Ratings[it.Code] = r
		}
	case fieldwork.StageForces:
		in.Forces = map[string]fieldwork.Value{}
		for _, name := range surveys.ForceNames {
			v := c.FormValue("f." + name)
			in.Forces[name] = formRating(v)
			a.Forces[name], _ = strconv.Atoi(v)
		}
	}
	return in
}

// formField is the form field of a submission's field name
// ("ratings.O01.satisfaction" is s.O01), "" for one the page does not show.
func formField(field string) string {
	parts := strings.SplitN(field, ".", 3)
	switch {
	case field == "attention":
		return attentionField
	case parts[0] == "answers" && len(parts) == 2:
		return "q." + parts[1]
	case parts[0] == "ratings" && len(parts) == 3 && parts[2] == "satisfaction":
		return "s." + parts[1]
	case parts[0] == "ratings" && len(parts) > 1:
		return "i." + parts[1]
	case parts[0] == "forces" && len(parts) == 2:
		return "f." + parts[1]
	}
	return ""
}

// missing names the unanswered fields of step p, keyed by form field, in the
// respondent's language.
func (f *surveyFlow) missing(p int, a *fieldwork.Answers) problem.List {
	var errs problem.List
	for _, field := range f.stages[p].Missing(a) {
		name := formField(field)
		switch name[0] {
		case 'q':
			errs.Add(name, f.msg("required"))
		case 'f':
			errs.Add(name, f.msg("force"))
		default:
			errs.Add(name, f.msg("rating"))
		}
	}
	return errs
}

// fieldErrors adds the store's validation messages to errs in the
// respondent's language, keyed by form field; anything not on the page goes
// under "".
func (f *surveyFlow) fieldErrors(ve *problem.Validation, errs *problem.List) {
	for field, msg := range ve.Fields {
		name := formField(field)
		switch {
		case name == "":
			errs.Add("", msg)
		case name[0] == 'q':
			errs.Add(name, f.answerError(f.kinds[name[2:]], msg))
		case name[0] == 'f':
			errs.Add(name, f.msg("force"))
		default:
			errs.Add(name, f.msg("rating"))
		}
	}
}

func (f *surveyFlow) answerError(q surveys.Question, storeMsg string) string {
	switch q.Kind {
	case surveys.KindNumber:
		num := func(p *float64) string { return strconv.FormatFloat(*p, 'f', -1, 64) }
		switch {
		case q.MinValue != nil && q.MaxValue != nil:
			return fmt.Sprintf(f.msg("number_range"), num(q.MinValue), num(q.MaxValue))
		case q.MinValue != nil:
			return fmt.Sprintf(f.msg("number_min"), num(q.MinValue))
		case q.MaxValue != nil:
			return fmt.Sprintf(f.msg("number_max"), num(q.MaxValue))
		}
		return f.msg("number")
	case surveys.KindText:
		if strings.Contains(storeMsg, "at most") {
			return f.msg("too_long")
		}
	}
	return f.msg("invalid")
}
