package fieldwork

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"odi/surveys"
	"odi/surveys/problem"
)

// apply checks a submission against the study and merges it into r. Every bad
// field is reported at once.
func (f *form) apply(in *Submission, r *surveys.Response) problem.List {
	var fields problem.List
	if r.Answers == nil {
		r.Answers = make(map[string]string, min(len(in.Answers), len(f.questions)))
	}
	var strayAnswers, strayRatings, strayForces strays
	for key, v := range in.Answers {
		q, ok := f.questions[key]
		if !ok {
			strayAnswers.add(key)
			continue
		}
		val, msg := answer(q, v)
		if msg != "" {
			fields.Add("answers."+key, msg)
			continue
		}
		if val == "" {
			delete(r.Answers, key)
		} else {
			r.Answers[key] = val
		}
	}
	strayAnswers.report(&fields, "answers", "is not a question of this survey", "keys that are not questions of this survey")
	if len(r.Ratings) < 2*f.nSlots {
		r.Ratings = append(r.Ratings, make([]byte, 2*f.nSlots-len(r.Ratings))...)
	}
	for code, rt := range in.Ratings {
		slot, ok := f.slots[code]
		if !ok {
			strayRatings.add(code)
			continue
		}
		for i, v := range [2]RatingValue{rt.Importance, rt.Satisfaction} {
			scale := [2]string{ScaleImportance, ScaleSatisfaction}[i]
			field := "ratings." + code + "." + scale
			if ask := f.asks[code]; ask != "" && ask != scale && (v.n != 0 || v.bad) {
				fields.Add(field, "is not asked in this survey: it asks only "+ask)
				continue
			}
			v.merge(&r.Ratings[2*slot+i], field, &fields)
		}
	}
	strayRatings.report(&fields, "ratings", "is not an outcome of this survey", "keys that are not outcomes of this survey")
	f.route(in, r, &fields)
	if msg := f.applyChecks(in.Attention, r); msg != "" {
		fields.Add("attention", msg)
	}
	if len(in.Forces) > 0 {
		if !f.forces {
			fields.Add("forces", "this survey does not ask the four forces")
		} else {
			if len(r.Forces) != 4 {
				r.Forces = make([]byte, 4)
			}
			for name, v := range in.Forces {
				i := slices.Index(surveys.ForceNames[:], name)
				if i < 0 {
					strayForces.add(name)
					continue
				}
				n, ok := v.whole(1, 10)
				if !ok && !v.null() {
					fields.Add("forces."+name, "must be a whole number from 1 to 10")
					continue
				}
				r.Forces[i] = byte(n)
			}
			strayForces.report(&fields, "forces", "is not a force: use push, pull, anxiety and habit",
				"keys that are not forces (use push, pull, anxiety and habit)")
		}
	}
	if len(in.Order) > 0 {
		if msg := f.checkOrder(in.Order); msg != "" {
			fields.Add("order", msg)
		} else {
			r.ItemOrder = in.Order
		}
	}
	if in.Complete {
		for _, q := range f.ordered {
			if q.Required && r.Answers[q.Key] == "" && !screenedBy(r, f) {
				if _, bad := fields["answers."+q.Key]; !bad {
					fields.Add("answers."+q.Key, "is required")
				}
			}
		}
	}
	return fields
}

// route holds r to the outcomes of its respondent's role: a rating sent
// for an outcome asked of other roles is refused, one kept from before the
// role changed is cleared (a not-asked outcome holds no rating, so results
// tell it from a missing one by the role alone), and a complete response
// must answer the role and rate every outcome asked of it.
func (f *form) route(in *Submission, r *surveys.Response, fields *problem.List) {
	if f.roleKey == "" {
		return
	}
	role := r.Answers[f.roleKey]
	if role == "" {
		if in.Complete && !screenedBy(r, f) {
			fields.Add("answers."+f.roleKey, "is required: it is the role question, which routes the outcomes")
		}
		return
	}
	for code, roles := range f.roles {
		if slices.Contains(roles, role) {
			continue
		}
		if rt, sent := in.Ratings[code]; sent && (rt.Importance.n != 0 || rt.Satisfaction.n != 0) {
			fields.Add("ratings."+code, fmt.Sprintf("is not asked of the role %s", brief(role)))
		}
		slot := f.slots[code]
		r.Ratings[2*slot], r.Ratings[2*slot+1] = 0, 0
	}
	if !in.Complete || screenedBy(r, f) {
		return
	}
	for _, code := range f.codes {
		if roles := f.roles[code]; roles != nil && !slices.Contains(roles, role) {
			continue
		}
		slot := f.slots[code]
		for i, scale := range [2]string{ScaleImportance, ScaleSatisfaction} {
			if ask := f.asks[code]; (ask == "" || ask == scale) && r.Ratings[2*slot+i] == 0 {
				fields.Add("ratings."+code+"."+scale, fmt.Sprintf("is required: the outcome is asked of the role %s", brief(role)))
			}
		}
	}
}

// merge writes a sent rating into dst, or names field as bad.
func (v RatingValue) merge(dst *byte, field string, fields *problem.List) {
	switch {
	case !v.sent:
	case v.bad:
		fields.Add(field, "must be a whole number from 1 to 5")
	default:
		*dst = v.n
	}
}

// screenedBy tells whether an answer so far ends the survey.
func screenedBy(r *surveys.Response, f *form) bool {
	for _, q := range f.ordered {
		if a, ok := r.Answers[q.Key]; ok && slices.Contains(q.ScreenOut, a) {
			return true
		}
	}
	return false
}

// maxText is the most characters (not bytes) a text answer may hold.
const maxText = 5000

// answer turns a submitted value into the stored text, or says what is wrong.
// An empty value clears the answer.
func answer(q surveys.Question, v Value) (string, string) {
	if v.null() {
		return "", ""
	}
	if v.hasNUL() {
		return "", "must not contain the NUL character (U+0000)"
	}
	switch q.Kind {
	case surveys.KindSingle:
		if v.kind != valText {
			return "", "must be one of the options"
		}
		if v.text == "" {
			return "", ""
		}
		if !slices.Contains(q.Options, v.text) {
			return "", brief(v.text) + " is not one of the options"
		}
		return v.text, ""
	case surveys.KindMulti:
		var picked []string
		switch v.kind {
		case valList:
			picked = v.list
		case valText:
			if v.text != "" {
				picked = strings.SplitN(v.text, ";", len(q.Options)+1)
			}
		default:
			return "", "must be a list of options"
		}
		if len(picked) > len(q.Options) {
			return "", fmt.Sprintf("must pick at most %d options", len(q.Options))
		}
		var out []string
		for _, p := range picked {
			if !slices.Contains(q.Options, p) {
				return "", brief(p) + " is not one of the options"
			}
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		// Keep the question's option order so exports are stable.
		slices.SortFunc(out, func(a, b string) int { return slices.Index(q.Options, a) - slices.Index(q.Options, b) })
		return strings.Join(out, ";"), ""
	case surveys.KindNumber:
		var f float64
		switch v.kind {
		case valNumber:
			f = v.num
		case valText:
			if strings.TrimSpace(v.text) == "" {
				return "", ""
			}
			var err error
			if f, err = strconv.ParseFloat(strings.TrimSpace(v.text), 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return "", "must be a number"
			}
		default:
			return "", "must be a number"
		}
		if q.MinValue != nil && f < *q.MinValue {
			return "", "must be at least " + strconv.FormatFloat(*q.MinValue, 'f', -1, 64)
		}
		if q.MaxValue != nil && f > *q.MaxValue {
			return "", "must be at most " + strconv.FormatFloat(*q.MaxValue, 'f', -1, 64)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), ""
	case surveys.KindNPS:
		if v.kind == valText {
			// A form sends text; a script may send either.
			if strings.TrimSpace(v.text) == "" {
				return "", ""
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v.text), 64)
			if err != nil {
				return "", "must be a whole number from 0 to 10"
			}
			v = Number(f)
		}
		n, ok := v.whole(0, 10)
		if !ok {
			return "", "must be a whole number from 0 to 10"
		}
		return strconv.Itoa(n), ""
	default: // text
		if v.kind != valText {
			return "", "must be text"
		}
		// One kind of line break, whatever the browser or file sent: a CSV
		// reader drops a CR before LF even inside quotes, so an answer kept
		// with CRs would not survive an export and import unchanged.
		s := lineBreaks.Replace(strings.TrimSpace(v.text))
		if utf8.RuneCountInString(s) > maxText {
			return "", fmt.Sprintf("must be at most %d characters", maxText)
		}
		return s, ""
	}
}

var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")
