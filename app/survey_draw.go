package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
)

// Drawing a step of the respondent page: what the templates draw.
// Everything is worked out here so the templates only loop and print.

type choiceView struct {
	Value   string
	Label   string
	Checked bool
}

type questionView struct {
	ID, Name, Kind, Text, Error string
	Optional                    bool
	Input                       string // radio or checkbox for choice questions
	Choices                     []choiceView
	Value, Min, Max             string
	Low, High                   string // NPS anchors
}

type scaleView struct {
	ID, Name, Legend, Short, Error string
	Choices                        []choiceView
	Sat                            bool // satisfaction: under its heading in the wide grid, also when importance is not asked
}

type itemView struct {
	ID, Statement string
	Scales        []scaleView // importance and satisfaction, those the outcome asks; importance alone for an attention check
	Check         bool        // an attention check
	CheckIndex    int         // which check (from 0), for survey.js
	Bad           bool
}

type errorLink struct{ ID, Text string }

type stepView struct {
	Kind, Title string
	Questions   []questionView
	Items       []itemView
	Forces      []scaleView
	Lead        string
}

func (f *surveyFlow) view(p int, a *fieldwork.Answers, errs map[string]string) (stepView, []errorLink) {
	st := f.stages[p]
	v := stepView{Kind: st.Kind, Title: st.Title}
	var links []errorLink
	for _, q := range st.Questions {
		qv := questionView{ID: "q-" + q.Key, Name: "q." + q.Key, Kind: q.Kind, Text: q.Text, Error: errs["q."+q.Key],
			Optional: !q.Required, Value: a.Questions[q.Key]}
		switch q.Kind {
		case surveys.KindSingle, surveys.KindMulti:
			qv.Input = "radio"
			picked := []string{a.Questions[q.Key]}
			if q.Kind == surveys.KindMulti {
				qv.Input = "checkbox"
				picked = strings.Split(a.Questions[q.Key], ";")
			}
			for _, o := range q.Options {
				qv.Choices = append(qv.Choices, choiceView{Value: o, Label: o, Checked: slices.Contains(picked, o)})
			}
		case surveys.KindNPS:
			qv.Input = "radio"
			for n := range 11 {
				s := strconv.Itoa(n)
				qv.Choices = append(qv.Choices, choiceView{Value: s, Label: s, Checked: a.Questions[q.Key] == s})
			}
			qv.Low, qv.High = f.msg("nps_low"), f.msg("nps_high")
		case surveys.KindNumber:
			if q.MinValue != nil {
				qv.Min = strconv.FormatFloat(*q.MinValue, 'f', -1, 64)
			}
			if q.MaxValue != nil {
				qv.Max = strconv.FormatFloat(*q.MaxValue, 'f', -1, 64)
			}
		}
		if qv.Error != "" {
			links = append(links, errorLink{qv.ID, q.Text})
		}
		v.Questions = append(v.Questions, qv)
	}
	if st.Kind == fieldwork.StageOutcomes {
		v.Lead = f.sv.Lead
	}
	for _, it := range st.Items {
		var iv itemView
		if it.Attention {
			iv = itemView{ID: attentionID, Statement: it.Statement, Check: true, CheckIndex: it.Check, Scales: []scaleView{{
				ID: attentionField, Name: attentionField, Legend: it.Statement, Short: f.msg("importance"),
				Error: errs[attentionField], Choices: ratingChoices(f.sv.Scale.Importance, a.Attention[it.Check])}}}
		} else {
			r := a.Ratings[it.Code]
			iv = itemView{ID: "o-" + it.Code, Statement: it.Statement}
			if it.Importance != "" {
				iv.Scales = append(iv.Scales, scaleView{ID: "i-" + it.Code, Name: "i." + it.Code, Legend: it.Importance, Short: f.msg("importance"),
					Error: errs["i."+it.Code], Choices: ratingChoices(f.sv.Scale.Importance, r[0])})
			}
			if it.Satisfaction != "" {
				iv.Scales = append(iv.Scales, scaleView{ID: "s-" + it.Code, Name: "s." + it.Code, Legend: it.Statement + " — " + it.Satisfaction, Short: f.msg("satisfaction"),
					Error: errs["s."+it.Code], Choices: ratingChoices(f.sv.Scale.Satisfaction, r[1]), Sat: true})
			}
		}
		for _, sc := range iv.Scales {
			iv.Bad = iv.Bad || sc.Error != ""
		}
		if iv.Bad {
			links = append(links, errorLink{iv.ID, it.Statement})
		}
		v.Items = append(v.Items, iv)
	}
	if st.Kind == fieldwork.StageForces {
		w := f.sv.Forces
		for i, text := range [4]string{w.Push, w.Pull, w.Anxiety, w.Habit} {
			name := surveys.ForceNames[i]
			sc := scaleView{ID: "f-" + name, Name: "f." + name, Legend: text, Short: text, Error: errs["f."+name]}
			for n := 1; n <= 10; n++ {
				sc.Choices = append(sc.Choices, choiceView{Value: strconv.Itoa(n), Checked: a.Forces[name] == n})
			}
			if sc.Error != "" {
				links = append(links, errorLink{sc.ID, text})
			}
			v.Forces = append(v.Forces, sc)
		}
	}
	if msg := errs[""]; msg != "" {
		links = append(links, errorLink{"", msg})
	}
	return v, links
}

func ratingChoices(words [5]string, picked int) []choiceView {
	out := make([]choiceView, 5)
	for i, w := range words {
		out[i] = choiceView{Value: strconv.Itoa(i + 1), Label: w, Checked: picked == i+1}
	}
	return out
}

// messages is the catalogue of lang for the templates, English filling gaps.
func messages(lang string) map[string]string {
	m := make(map[string]string, len(surveys.Messages["en"]))
	for k := range surveys.Messages["en"] {
		m[k] = surveys.Msg(lang, k)
	}
	return m
}

// surveyPageData is one drawing of the respondent page.
type surveyPageData struct {
	flow     *surveyFlow
	p        int
	a        *fieldwork.Answers
	errs     map[string]string
	action   string // where the form goes
	token    string // resume token, "" before Start and in the preview
	answered bool   // the response holds an answer, so "Saved" means something
	stale    bool   // a resume token was given but leads to nothing to continue
	preview  int64  // the study id when previewing
	role     string // the preview's role, carried from page to page
	sid      string // the submission id Start will use
	invite   string
	link     panelLink // the panel id and URL fields the link carried, for Start
	notice   string
	resumeAt string // absolute resume link
}

func (s *Server) drawSurvey(c *fiber.Ctx, d surveyPageData) error {
	f := d.flow
	step, links := f.view(d.p, d.a, d.errs)
	n := f.last()
	title := f.sv.Title
	if d.p > 0 {
		title = step.Title + " · " + f.sv.Title
	}
	if len(links) > 0 {
		title = "⚠ " + title
	}
	minutes := fmt.Sprintf(f.msg("minutes"), f.sv.Minutes)
	if f.sv.Minutes == 1 {
		minutes = f.msg("minute")
	}
	next := f.msg("next")
	if d.p == 0 {
		next = f.msg("start")
	} else if d.p == n {
		next = f.msg("finish")
	}
	data := fiber.Map{
		"Lang": f.lang, "Title": title, "M": messages(f.lang), "Survey": f.sv, "Step": step,
		"P": d.p, "N": n, "Done": d.p - 1, "PageOf": fmt.Sprintf(f.msg("page_of"), d.p, n),
		"Minutes": minutes, "Next": next,
		"Action": d.action, "Method": "post", "Slug": f.sv.Slug, "Token": d.token, "Stale": d.stale,
		"Saved": d.token != "" && d.answered && d.p > 0 && len(links) == 0, "ResumeURL": d.resumeAt,
		"Errors": links, "Wide": step.Kind == fieldwork.StageOutcomes, "SID": d.sid, "Invitation": d.invite, "Link": d.link.hidden(), "Notice": d.notice,
	}
	if d.preview != 0 {
		data["Method"] = "get"
		data["Preview"] = f.msg("preview")
		data["StudyID"] = d.preview
		data["Saved"] = false
		data["PreviewRole"] = d.role
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("survey", data, "survey_layout")
}
