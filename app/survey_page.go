package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
)

// The respondent's survey page, /s/:slug. It is a plain multi-step form that
// works with JavaScript off: every step posts to /s/:slug, the server stores
// the progress (Store.Submit on Start, Store.Update after each step), keeps
// the resume token in a cookie scoped to the survey and redirects to the next
// step. survey.js only adds autosave and same-device resume on top. Once a
// response is finished the device forgets it, so whoever opens the link next
// on a shared computer starts afresh.

const (
	resumeCookie = "odi_resume"
	resumeMaxAge = 60 * 24 * 60 * 60 // seconds: long enough to come back to a paused survey

	attentionField = "attention" // the form field of the attention check
	attentionID    = "attention-check"
)

// surveyFlow is a survey laid out for one respondent; stages[0] is the welcome.
type surveyFlow struct {
	sv     *fieldwork.Survey
	lang   string
	stages []fieldwork.Stage
	order  []string
	kinds  map[string]surveys.Question
}

// newFlow lays out the survey for one respondent: the outcomes in the order
// stored with r, or shuffled from r's respondent id when it has none yet, or
// from seed when there is no response ("" keeps the design's order). The
// attention check, when asked, is placed from the same id or seed.
func newFlow(sv *fieldwork.Survey, r *surveys.Response, seed string) *surveyFlow {
	var order []string
	if r != nil {
		seed = r.RespondentID
		order = r.ItemOrder
	}
	if len(order) == 0 && seed != "" {
		order = sv.Order(seed)
	}
	f := &surveyFlow{sv: sv, lang: sv.Language, stages: sv.Stages(order, seed), order: order, kinds: map[string]surveys.Question{}}
	for _, q := range slices.Concat(sv.Screeners, sv.Profile) {
		f.kinds[q.Key] = q
	}
	return f
}

func (f *surveyFlow) msg(key string) string { return surveys.Msg(f.lang, key) }

// last is the index of the final step.
func (f *surveyFlow) last() int { return len(f.stages) - 1 }

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
	switch st.Kind {
	case fieldwork.StageQuestions:
		in.Answers = map[string]fieldwork.Value{}
		for _, q := range st.Questions {
			var v string
			if q.Kind == surveys.KindMulti {
				var picked []string
				for _, b := range c.Request().PostArgs().PeekMulti("q." + q.Key) {
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
				in.Attention = formRating(c.FormValue(attentionField))
				a.Attention, _ = strconv.Atoi(c.FormValue(attentionField))
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
func (f *surveyFlow) missing(p int, a *fieldwork.Answers) map[string]string {
	errs := map[string]string{}
	for _, field := range f.stages[p].Missing(a) {
		name := formField(field)
		switch name[0] {
		case 'q':
			errs[name] = f.msg("required")
		case 'f':
			errs[name] = f.msg("force")
		default:
			errs[name] = f.msg("rating")
		}
	}
	return errs
}

// fieldErrors turns the store's validation messages into the respondent's
// language, keyed by form field; anything not on the page goes under "".
func (f *surveyFlow) fieldErrors(ve *problem.Validation, errs map[string]string) {
	for field, msg := range ve.Fields {
		name := formField(field)
		switch {
		case name == "":
			errs[""] = msg
		case name[0] == 'q':
			errs[name] = f.answerError(f.kinds[name[2:]], msg)
		case name[0] == 'f':
			errs[name] = f.msg("force")
		default:
			errs[name] = f.msg("rating")
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

// What the templates draw. Everything is worked out here so the templates
// only loop and print.

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
}

type itemView struct {
	ID, Statement string
	Scales        []scaleView // importance and satisfaction; importance alone for the attention check
	Check         bool        // the attention check
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
			iv = itemView{ID: attentionID, Statement: it.Statement, Check: true, Scales: []scaleView{{
				ID: attentionField, Name: attentionField, Legend: it.Statement, Short: f.msg("importance"),
				Error: errs[attentionField], Choices: ratingChoices(f.sv.Scale.Importance, a.Attention)}}}
		} else {
			r := a.Ratings[it.Code]
			iv = itemView{ID: "o-" + it.Code, Statement: it.Statement, Scales: []scaleView{
				{ID: "i-" + it.Code, Name: "i." + it.Code, Legend: it.Importance, Short: f.msg("importance"),
					Error: errs["i."+it.Code], Choices: ratingChoices(f.sv.Scale.Importance, r[0])},
				{ID: "s-" + it.Code, Name: "s." + it.Code, Legend: it.Statement + " — " + it.Satisfaction, Short: f.msg("satisfaction"),
					Error: errs["s."+it.Code], Choices: ratingChoices(f.sv.Scale.Satisfaction, r[1])},
			}}
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
	sid      string // the submission id Start will use
	invite   string
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
		"Errors": links, "Wide": step.Kind == fieldwork.StageOutcomes, "SID": d.sid, "Invitation": d.invite, "Notice": d.notice,
	}
	if d.preview != 0 {
		data["Method"] = "get"
		data["Preview"] = f.msg("preview")
		data["StudyID"] = d.preview
		data["Saved"] = false
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("survey", data, "survey_layout")
}

// drawEnd shows a page with nothing left to answer: thanks, screened out,
// closed, not found. sv is nil for a survey that does not exist; redirect
// sends the respondent on to a panel; preview is the study id when a
// researcher previews. Shown for a real survey, it tells survey.js to forget
// the response on this device.
func (s *Server) drawEnd(c *fiber.Ctx, sv *fieldwork.Survey, key, redirect string, preview int64) error {
	lang, title, slug := "en", "", ""
	if sv != nil {
		lang, title, slug = sv.Language, sv.Title, sv.Slug
	}
	msg := surveys.Msg(lang, key)
	if key == "thanks" && sv != nil && strings.TrimSpace(sv.Thanks) != "" {
		msg = sv.Thanks
	}
	if title == "" {
		title = msg
	}
	data := fiber.Map{"Lang": lang, "Title": title, "Heading": title, "Message": msg,
		"Kind": key, "Redirect": redirect, "M": messages(lang), "Slug": slug}
	if preview != 0 {
		data["Preview"] = surveys.Msg(lang, "preview")
		data["StudyID"] = preview
		data["Slug"] = ""
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("survey_end", data, "survey_layout")
}

// surveyOf loads the open survey behind the link. A closed study (410) or an
// unknown link (404) gets its polite page here, and ok is false.
func (s *Server) surveyOf(c *fiber.Ctx) (sv *fieldwork.Survey, ok bool, err error) {
	sv, err = s.fieldwork.PublicSurvey(c.UserContext(), c.Params("slug"))
	switch {
	case errors.Is(err, surveys.ErrClosed):
		c.Status(fiber.StatusGone)
		return nil, false, s.drawEnd(c, sv, "closed", "", 0)
	case errors.Is(err, problem.ErrNotFound):
		c.Status(fiber.StatusNotFound)
		return nil, false, s.drawEnd(c, nil, "not_found", "", 0)
	case err != nil:
		return nil, false, err
	}
	return sv, true, nil
}

func (s *Server) setResume(c *fiber.Ctx, slug, token string) {
	c.Cookie(&fiber.Cookie{Name: resumeCookie, Value: token, Path: "/s/" + slug, MaxAge: resumeMaxAge,
		HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.Secure()})
}

func (s *Server) clearResume(c *fiber.Ctx, slug string) {
	c.Cookie(&fiber.Cookie{Name: resumeCookie, Value: "", Path: "/s/" + slug, Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.Secure()})
}

// resumed loads the response behind token; an unknown token is no response.
func (s *Server) resumed(c *fiber.Ctx, token string) (*surveys.Response, error) {
	if token == "" {
		return nil, nil
	}
	r, err := s.fieldwork.Resume(c.UserContext(), c.Params("slug"), token)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, nil
	}
	return r, err
}

// endKey is the end page of a finished response; endURL shows it. The end
// page is drawn from the address alone: the device has forgotten the response.
func endKey(status string) string {
	if status == surveys.ScreenedOut {
		return "screened_out"
	}
	return "thanks"
}

func endURL(slug, status string) string { return "/s/" + slug + "?end=" + endKey(status) }

// surveyPage draws the step a respondent is on: the welcome for a new one,
// where they left off for one who comes back (by cookie or ?r= link).
func (s *Server) surveyPage(c *fiber.Ctx) error {
	sv, ok, err := s.surveyOf(c)
	if !ok {
		return err
	}
	ctx, slug := c.UserContext(), c.Params("slug")
	if end := c.Query("end"); end == "thanks" || end == "screened_out" {
		return s.drawEnd(c, sv, end, "", 0)
	}
	// A resume link wins over the cookie. An invitation link is for the
	// person it was sent to: a response this device holds is theirs only if
	// it came from the same invitation. A link that leads to nothing of
	// theirs is marked stale, so survey.js forgets it.
	invite := c.Query("i")
	var r *surveys.Response
	var token string
	stale, byCookie := false, false
	for i, cand := range [2]string{c.Query("r"), c.Cookies(resumeCookie)} {
		if cand == "" || r != nil {
			continue
		}
		got, err := s.resumed(c, cand)
		if err != nil {
			return err
		}
		if got == nil && i == 1 {
			s.clearResume(c, slug)
		}
		if got != nil && invite != "" {
			same, err := s.fieldwork.FromInvitation(ctx, got, invite)
			if err != nil {
				return err
			}
			if !same {
				got = nil
			}
		}
		if got == nil {
			stale = stale || i == 0
			continue
		}
		r, token, byCookie = got, cand, i == 1
	}
	if r != nil && r.Status != surveys.InProgress {
		// Finished: this device forgets it, so the next person starts afresh.
		if c.Cookies(resumeCookie) == token {
			s.clearResume(c, slug)
		}
		if !byCookie {
			return s.drawEnd(c, sv, endKey(r.Status), "", 0)
		}
		r, stale = nil, true
	}
	if r == nil {
		token = ""
	} else if !byCookie {
		s.setResume(c, slug, token)
	}
	f := newFlow(sv, r, "")
	a := sv.AnswersOf(r)
	p := 0
	if r != nil {
		p = fieldwork.ResumeAt(f.stages, a)
		if q := c.Query("p"); q != "" {
			// Any earlier step may be revisited, none skipped.
			n, _ := strconv.Atoi(q)
			p = min(max(n, 0), p)
		}
	}
	return s.drawSurvey(c, surveyPageData{flow: f, p: p, a: a, action: "/s/" + slug, token: token, stale: stale,
		answered: r != nil && r.Answered(), sid: uuid.NewString(), invite: invite,
		resumeAt: s.baseURL() + "/s/" + slug + "?r=" + token})
}

// surveyStep takes one posted step: Start makes the response, every later
// step saves its answers and moves on, or draws the step again with what
// needs attention.
func (s *Server) surveyStep(c *fiber.Ctx) error {
	sv, ok, err := s.surveyOf(c)
	if !ok {
		return err
	}
	ctx, slug := c.UserContext(), c.Params("slug")
	stepURL := func(p int) string { return fmt.Sprintf("/s/%s?p=%d", slug, p) }
	p, _ := strconv.Atoi(c.FormValue("p"))
	// A welcome page without a resume token was drawn for someone new: their
	// Start is theirs, whatever response the cookie holds.
	token := c.FormValue("r")
	if token == "" && p != 0 {
		token = c.Cookies(resumeCookie)
	}
	r, err := s.resumed(c, token)
	if err != nil {
		return err
	}
	if r != nil && r.Status != surveys.InProgress {
		s.clearResume(c, slug)
		return c.Redirect(endURL(slug, r.Status), fiber.StatusSeeOther)
	}
	if r == nil {
		if p != 0 {
			// The progress is not ours to find (cookie gone): start again.
			return c.Redirect("/s/"+slug, fiber.StatusSeeOther)
		}
		return s.startSurvey(c, sv)
	}
	f := newFlow(sv, r, "")
	a := sv.AnswersOf(r)
	if p <= 0 || p > f.last() {
		return c.Redirect(stepURL(fieldwork.ResumeAt(f.stages, a)), fiber.StatusSeeOther)
	}
	in := f.read(p, c, a)
	if len(r.ItemOrder) == 0 {
		in.Order = f.order
	}
	back := c.FormValue("go") == "back"
	redraw := func(errs map[string]string) error {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.drawSurvey(c, surveyPageData{flow: f, p: p, a: a, errs: errs, action: "/s/" + slug, token: token,
			resumeAt: s.baseURL() + "/s/" + slug + "?r=" + token})
	}
	errs := map[string]string{}
	if !back {
		errs = f.missing(p, a)
	}
	var ve *problem.Validation
	if err := s.fieldwork.Check(ctx, slug, in); errors.As(err, &ve) {
		f.fieldErrors(ve, errs)
	} else if err != nil {
		return err
	}
	if len(errs) > 0 {
		return redraw(errs)
	}
	if !back && p == f.last() {
		// Finishing needs every earlier step answered, even if a step was
		// skipped by editing the address.
		if at := fieldwork.ResumeAt(f.stages, a); at < p {
			return c.Redirect(stepURL(at), fiber.StatusSeeOther)
		}
		in.Complete = true
	}
	res, err := s.fieldwork.Update(ctx, slug, token, in)
	if errors.As(err, &ve) {
		f.fieldErrors(ve, errs)
		return redraw(errs)
	}
	if err != nil {
		return err
	}
	if back {
		return c.Redirect(stepURL(p-1), fiber.StatusSeeOther)
	}
	return s.afterSave(c, sv, res, stepURL(p+1))
}

// startSurvey makes the response when a respondent presses Start. The
// submission id comes from the welcome page, so pressing Start twice stores
// one response.
func (s *Server) startSurvey(c *fiber.Ctx, sv *fieldwork.Survey) error {
	slug := c.Params("slug")
	sid := c.FormValue("sid")
	if _, err := uuid.Parse(sid); err != nil {
		sid = uuid.NewString()
	}
	f := newFlow(sv, nil, sid)
	invite := c.FormValue("i")
	res, _, err := s.fieldwork.Submit(c.UserContext(), slug, fieldwork.Submission{SubmissionID: sid, Invitation: invite, Order: f.order})
	var ve *problem.Validation
	switch {
	case errors.As(err, &ve) && ve.Fields["invitation"] != "":
		c.Status(fiber.StatusUnprocessableEntity)
		return s.drawSurvey(c, surveyPageData{flow: f, a: fieldwork.NewAnswers(), action: "/s/" + slug,
			sid: uuid.NewString(), notice: f.msg("invitation_invalid")})
	case errors.Is(err, problem.ErrConflict) && invite != "":
		c.Status(fiber.StatusConflict)
		return s.drawSurvey(c, surveyPageData{flow: f, a: fieldwork.NewAnswers(), action: "/s/" + slug,
			sid: uuid.NewString(), notice: f.msg("invitation_used")})
	case err != nil:
		return err
	}
	s.setResume(c, slug, res.ResumeToken)
	return s.afterSave(c, sv, res, fmt.Sprintf("/s/%s?p=1", slug))
}

// afterSave moves on: to the next step, or to the end page once the response
// is complete or screened out, which the device then forgets. A panel's
// redirect is drawn as a page that forwards, since the form-action policy
// would refuse a redirect off-site.
func (s *Server) afterSave(c *fiber.Ctx, sv *fieldwork.Survey, res *fieldwork.SubmitResult, next string) error {
	if res.Status == surveys.InProgress {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	s.clearResume(c, sv.Slug)
	if res.Redirect != "" {
		return s.drawEnd(c, sv, endKey(res.Status), res.Redirect, 0)
	}
	return c.Redirect(endURL(sv.Slug, res.Status), fiber.StatusSeeOther)
}

// surveyPreview draws the respondent page of a study for its researcher.
// Nothing is stored: the form pages with GET and its answers are dropped.
func (s *Server) surveyPreview(c *fiber.Ctx) error {
	d := designOf(c)
	sv, id := fieldwork.Preview(d), d.Study.ID
	f := newFlow(sv, nil, "preview")
	p := c.QueryInt("p")
	switch c.Query("go") {
	case "next":
		p++
	case "back":
		p--
	}
	if p > f.last() {
		return s.drawEnd(c, sv, "thanks", "", id)
	}
	p = min(max(p, 0), f.last())
	return s.drawSurvey(c, surveyPageData{flow: f, p: p, a: fieldwork.NewAnswers(), action: fmt.Sprintf("/studies/%d/preview", id), preview: id})
}
