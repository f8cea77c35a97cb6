package app

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"odi/surveys"
)

// The respondent's survey page, /s/:slug. It is a plain multi-step form that
// works with JavaScript off: every step posts to /s/:slug, the server stores
// the progress (Store.Submit on Start, Store.Update after each step), keeps
// the resume token in a cookie scoped to the survey and redirects to the next
// step. survey.js only adds autosave and same-device resume on top.

const (
	resumeCookie = "odi_resume"
	resumeMaxAge = 60 * 24 * 60 * 60 // seconds: long enough to come back to a paused survey

	stepWelcome   = "welcome"
	stepQuestions = "questions"
	stepOutcomes  = "outcomes"
	stepForces    = "forces"
)

var forceNames = [4]string{"push", "pull", "anxiety", "habit"}

// surveyFlow is a study's survey cut into the steps a respondent pages
// through; steps[0] is the welcome.
type surveyFlow struct {
	design *surveys.Design
	sv     *surveys.Survey
	lang   string
	steps  []flowStep
	order  []string
	kinds  map[string]surveys.Question
}

type flowStep struct {
	kind      string
	title     string
	questions []surveys.Question
	items     []surveys.Item // in this respondent's order
}

// newFlow lays out the survey for one respondent: the outcomes in the order
// stored with r, or shuffled from r's respondent id when it has none yet, or
// from seed when there is no response ("" keeps the design's order).
func newFlow(d *surveys.Design, r *surveys.Response, seed string) *surveyFlow {
	sv := d.Survey()
	var order []string
	switch {
	case r != nil && len(r.ItemOrder) > 0:
		order = r.ItemOrder
	case r != nil:
		order = outcomeOrder(sv, r.RespondentID)
	case seed != "":
		order = outcomeOrder(sv, seed)
	}
	f := &surveyFlow{design: d, sv: sv, lang: sv.Language, order: order, kinds: map[string]surveys.Question{}}
	f.steps = append(f.steps, flowStep{kind: stepWelcome, title: sv.Title})
	for _, qs := range [][]surveys.Question{sv.Screeners, sv.Profile} {
		if len(qs) > 0 {
			f.steps = append(f.steps, flowStep{kind: stepQuestions, title: f.msg("about_you"), questions: qs})
		}
		for _, q := range qs {
			f.kinds[q.Key] = q
		}
	}
	rank := make(map[string]int, len(order))
	for i, code := range order {
		rank[code] = i
	}
	at := func(code string) int {
		if i, ok := rank[code]; ok {
			return i
		}
		return len(order)
	}
	for _, pg := range sv.Pages {
		items := slices.Clone(pg.Items)
		slices.SortStableFunc(items, func(a, b surveys.Item) int { return at(a.Code) - at(b.Code) })
		title := pg.Step
		if title == "" {
			title = sv.Title
		}
		f.steps = append(f.steps, flowStep{kind: stepOutcomes, title: title, items: items})
	}
	if sv.Forces != nil {
		f.steps = append(f.steps, flowStep{kind: stepForces, title: f.msg("forces")})
	}
	return f
}

func (f *surveyFlow) msg(key string) string { return surveys.Msg(f.lang, key) }

// last is the index of the final step.
func (f *surveyFlow) last() int { return len(f.steps) - 1 }

// outcomeOrder shuffles the outcomes within each job step with a generator
// seeded from seed: each respondent gets their own order, and the same one
// every time the page is drawn. The order is stored with the response.
func outcomeOrder(sv *surveys.Survey, seed string) []string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x6f6469))
	var out []string
	for _, pg := range sv.Pages {
		codes := make([]string, len(pg.Items))
		for i, it := range pg.Items {
			codes[i] = it.Code
		}
		rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
		out = append(out, codes...)
	}
	return out
}

// answers is what a respondent has given so far, keyed as the form names
// its fields.
type answers struct {
	q      map[string]string // question key -> stored answer (multi joined with ;)
	imp    map[string]int    // outcome code -> 1..5, 0 = none
	sat    map[string]int
	forces map[string]int
}

func newAnswers() *answers {
	return &answers{q: map[string]string{}, imp: map[string]int{}, sat: map[string]int{}, forces: map[string]int{}}
}

func answersOf(d *surveys.Design, r *surveys.Response) *answers {
	a := newAnswers()
	if r == nil {
		return a
	}
	for k, v := range r.Answers {
		a.q[k] = v
	}
	for _, o := range d.Outcomes {
		i, s := r.Rating(o.Slot)
		a.imp[o.Code], a.sat[o.Code] = int(i), int(s)
	}
	for i, name := range forceNames {
		if i < len(r.Forces) {
			a.forces[name] = int(r.Forces[i])
		}
	}
	return a
}

// read takes step p's fields from a posted form into a and returns them as
// a submission. A field left empty clears its answer: the page shows the
// whole state of its questions.
func (f *surveyFlow) read(p int, c *fiber.Ctx, a *answers) surveys.Submission {
	var in surveys.Submission
	step := f.steps[p]
	switch step.kind {
	case stepQuestions:
		in.Answers = map[string]any{}
		for _, q := range step.questions {
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
			in.Answers[q.Key] = v
			a.q[q.Key] = v
		}
	case stepOutcomes:
		in.Ratings = map[string]any{}
		for _, it := range step.items {
			pair := map[string]any{"importance": nil, "satisfaction": nil}
			if v := c.FormValue("i." + it.Code); v != "" {
				pair["importance"] = v
			}
			if v := c.FormValue("s." + it.Code); v != "" {
				pair["satisfaction"] = v
			}
			in.Ratings[it.Code] = pair
			a.imp[it.Code], _ = strconv.Atoi(c.FormValue("i." + it.Code))
			a.sat[it.Code], _ = strconv.Atoi(c.FormValue("s." + it.Code))
		}
	case stepForces:
		in.Forces = map[string]any{}
		for _, name := range forceNames {
			var v any
			if s := c.FormValue("f." + name); s != "" {
				v = s
			}
			in.Forces[name] = v
			a.forces[name], _ = strconv.Atoi(c.FormValue("f." + name))
		}
	}
	return in
}

// missing names the unanswered fields of step p: required questions, both
// ratings of every outcome, all four forces.
func (f *surveyFlow) missing(p int, a *answers) map[string]string {
	errs := map[string]string{}
	step := f.steps[p]
	for _, q := range step.questions {
		if q.Required && strings.TrimSpace(a.q[q.Key]) == "" {
			errs["q."+q.Key] = f.msg("required")
		}
	}
	for _, it := range step.items {
		if a.imp[it.Code] == 0 {
			errs["i."+it.Code] = f.msg("rating")
		}
		if a.sat[it.Code] == 0 {
			errs["s."+it.Code] = f.msg("rating")
		}
	}
	if step.kind == stepForces {
		for _, name := range forceNames {
			if a.forces[name] == 0 {
				errs["f."+name] = f.msg("force")
			}
		}
	}
	return errs
}

// resumeAt is where a returning respondent continues: the first step with
// something unanswered, or the last one.
func (f *surveyFlow) resumeAt(a *answers) int {
	for p := 1; p < f.last(); p++ {
		if len(f.missing(p, a)) > 0 {
			return p
		}
	}
	return f.last()
}

// fieldErrors turns the store's validation messages into the respondent's
// language, keyed by form field; anything not on the page goes under "".
func (f *surveyFlow) fieldErrors(ve *surveys.ValidationError, errs map[string]string) {
	for field, msg := range ve.Fields {
		parts := strings.SplitN(field, ".", 3)
		switch {
		case parts[0] == "answers" && len(parts) > 1:
			q := f.kinds[parts[1]]
			errs["q."+parts[1]] = f.answerError(q, msg)
		case parts[0] == "ratings" && len(parts) > 1:
			name := "i." + parts[1]
			if len(parts) > 2 && parts[2] == "satisfaction" {
				name = "s." + parts[1]
			}
			errs[name] = f.msg("rating")
		case parts[0] == "forces" && len(parts) > 1:
			errs["f."+parts[1]] = f.msg("force")
		default:
			errs[""] = msg
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
	Code, Statement string
	Scales          [2]scaleView
	Bad             bool
}

type errorLink struct{ ID, Text string }

type stepView struct {
	Kind, Title string
	Questions   []questionView
	Items       []itemView
	Forces      []scaleView
	Lead        string
}

func (f *surveyFlow) view(p int, a *answers, errs map[string]string) (stepView, []errorLink) {
	step := f.steps[p]
	v := stepView{Kind: step.kind, Title: step.title}
	var links []errorLink
	for _, q := range step.questions {
		qv := questionView{ID: "q-" + q.Key, Name: "q." + q.Key, Kind: q.Kind, Text: q.Text, Error: errs["q."+q.Key],
			Optional: !q.Required, Value: a.q[q.Key]}
		switch q.Kind {
		case surveys.KindSingle, surveys.KindMulti:
			qv.Input = "radio"
			picked := []string{a.q[q.Key]}
			if q.Kind == surveys.KindMulti {
				qv.Input = "checkbox"
				picked = strings.Split(a.q[q.Key], ";")
			}
			for _, o := range q.Options {
				qv.Choices = append(qv.Choices, choiceView{Value: o, Label: o, Checked: slices.Contains(picked, o)})
			}
		case surveys.KindNPS:
			qv.Input = "radio"
			for n := range 11 {
				s := strconv.Itoa(n)
				qv.Choices = append(qv.Choices, choiceView{Value: s, Label: s, Checked: a.q[q.Key] == s})
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
	if step.kind == stepOutcomes {
		want := strings.TrimRight(strings.TrimSpace(f.design.Study.Job.Want), ".,;: ")
		if want != "" {
			v.Lead = fmt.Sprintf(f.msg("rate_lead"), want)
		} else {
			v.Lead = f.msg("rate_lead_bare")
		}
	}
	for _, it := range step.items {
		iv := itemView{Code: it.Code, Statement: it.Statement}
		iv.Scales[0] = scaleView{ID: "i-" + it.Code, Name: "i." + it.Code, Legend: it.Importance,
			Short: f.msg("importance"), Error: errs["i."+it.Code], Choices: ratingChoices(f.sv.Scale.Importance, a.imp[it.Code])}
		iv.Scales[1] = scaleView{ID: "s-" + it.Code, Name: "s." + it.Code, Legend: it.Statement + " — " + it.Satisfaction,
			Short: f.msg("satisfaction"), Error: errs["s."+it.Code], Choices: ratingChoices(f.sv.Scale.Satisfaction, a.sat[it.Code])}
		iv.Bad = iv.Scales[0].Error != "" || iv.Scales[1].Error != ""
		if iv.Bad {
			links = append(links, errorLink{"o-" + it.Code, it.Statement})
		}
		v.Items = append(v.Items, iv)
	}
	if step.kind == stepForces {
		w := f.sv.Forces
		texts := [4]string{w.Push, w.Pull, w.Anxiety, w.Habit}
		defaults := [4]string{surveys.DefaultForces.Push, surveys.DefaultForces.Pull, surveys.DefaultForces.Anxiety, surveys.DefaultForces.Habit}
		for i, name := range forceNames {
			text := texts[i]
			if strings.TrimSpace(text) == "" {
				text = defaults[i]
			}
			sc := scaleView{ID: "f-" + name, Name: "f." + name, Legend: text, Short: text, Error: errs["f."+name]}
			for n := 1; n <= 10; n++ {
				s := strconv.Itoa(n)
				sc.Choices = append(sc.Choices, choiceView{Value: s, Checked: a.forces[name] == n})
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
	a        *answers
	errs     map[string]string
	action   string // where the form goes
	token    string // resume token, "" before Start and in the preview
	stale    bool   // a resume token was given but is unknown
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
		"Saved": d.token != "" && d.p > 0 && len(links) == 0, "ResumeURL": d.resumeAt,
		"Errors": links, "Wide": step.Kind == stepOutcomes, "SID": d.sid, "Invitation": d.invite, "Notice": d.notice,
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
// closed, not found. redirect sends the respondent on to a panel; preview is
// the study id when a researcher previews.
func (s *Server) drawEnd(c *fiber.Ctx, d *surveys.Design, key, redirect string, preview int64) error {
	lang, title := "en", ""
	if d != nil {
		lang, title = d.Study.Language, d.Study.Name
	}
	msg := surveys.Msg(lang, key)
	if key == "thanks" && d != nil && strings.TrimSpace(d.Study.Thanks) != "" {
		msg = d.Study.Thanks
	}
	if title == "" {
		title = msg
	}
	data := fiber.Map{"Lang": lang, "Title": title, "Heading": title, "Message": msg,
		"Kind": key, "Redirect": redirect, "M": messages(lang)}
	if preview != 0 {
		data["Preview"] = surveys.Msg(lang, "preview")
		data["StudyID"] = preview
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("survey_end", data, "survey_layout")
}

// surveyDesign loads the open study behind the link. A closed study (410) or
// an unknown link (404) gets its polite page here, and ok is false.
func (s *Server) surveyDesign(c *fiber.Ctx) (d *surveys.Design, ok bool, err error) {
	d, err = s.store.PublicDesign(c.UserContext(), c.Params("slug"))
	switch {
	case errors.Is(err, surveys.ErrClosed):
		c.Status(fiber.StatusGone)
		return nil, false, s.drawEnd(c, d, "closed", "", 0)
	case errors.Is(err, surveys.ErrNotFound):
		c.Status(fiber.StatusNotFound)
		return nil, false, s.drawEnd(c, nil, "not_found", "", 0)
	case err != nil:
		return nil, false, err
	}
	return d, true, nil
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
	r, err := s.store.Resume(c.UserContext(), c.Params("slug"), token)
	if errors.Is(err, surveys.ErrNotFound) {
		return nil, nil
	}
	return r, err
}

// surveyPage draws the step a respondent is on: the welcome for a new one,
// where they left off for one who comes back (by cookie or ?r= link).
func (s *Server) surveyPage(c *fiber.Ctx) error {
	d, ok, err := s.surveyDesign(c)
	if !ok {
		return err
	}
	slug := c.Params("slug")
	// A resume link wins over the cookie; a link that leads nowhere is
	// marked stale so survey.js forgets it, and the cookie still counts.
	var r *surveys.Response
	token, stale := c.Query("r"), false
	if token != "" {
		if r, err = s.resumed(c, token); err != nil {
			return err
		}
		if r != nil {
			s.setResume(c, slug, token)
		} else {
			stale = true
		}
	}
	if r == nil && c.Cookies(resumeCookie) != "" {
		token = c.Cookies(resumeCookie)
		if r, err = s.resumed(c, token); err != nil {
			return err
		}
		if r == nil {
			s.clearResume(c, slug)
		}
	}
	if r == nil {
		token = ""
	}
	if r != nil && r.Status != surveys.InProgress {
		return s.drawEnd(c, d, endKey(r.Status), "", 0)
	}
	f := newFlow(d, r, "")
	a := answersOf(d, r)
	p := 0
	if r != nil {
		p = f.resumeAt(a)
		if q := c.Query("p"); q != "" {
			// Any earlier step may be revisited, none skipped.
			n, _ := strconv.Atoi(q)
			p = min(max(n, 0), p)
		}
	}
	return s.drawSurvey(c, surveyPageData{flow: f, p: p, a: a, action: "/s/" + slug, token: token, stale: stale,
		sid: uuid.NewString(), invite: c.Query("i"), resumeAt: s.baseURL() + "/s/" + slug + "?r=" + token})
}

func endKey(status string) string {
	if status == surveys.ScreenedOut {
		return "screened_out"
	}
	return "thanks"
}

// surveyStep takes one posted step: Start makes the response, every later
// step saves its answers and moves on, or draws the step again with what
// needs attention.
func (s *Server) surveyStep(c *fiber.Ctx) error {
	d, ok, err := s.surveyDesign(c)
	if !ok {
		return err
	}
	ctx, slug := c.UserContext(), c.Params("slug")
	stepURL := func(p int) string { return fmt.Sprintf("/s/%s?p=%d", slug, p) }
	token := c.FormValue("r")
	if token == "" {
		token = c.Cookies(resumeCookie)
	}
	r, err := s.resumed(c, token)
	if err != nil {
		return err
	}
	if r != nil && r.Status != surveys.InProgress {
		return c.Redirect("/s/"+slug, fiber.StatusSeeOther)
	}
	p, _ := strconv.Atoi(c.FormValue("p"))
	if r == nil {
		if p != 0 {
			// The progress is not ours to find (cookie gone): start again.
			return c.Redirect("/s/"+slug, fiber.StatusSeeOther)
		}
		return s.startSurvey(c, d)
	}
	f := newFlow(d, r, "")
	a := answersOf(d, r)
	if p <= 0 || p > f.last() {
		return c.Redirect(stepURL(f.resumeAt(a)), fiber.StatusSeeOther)
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
	var ve *surveys.ValidationError
	if err := s.store.Check(ctx, slug, in); errors.As(err, &ve) {
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
		if at := f.resumeAt(a); at < p {
			return c.Redirect(stepURL(at), fiber.StatusSeeOther)
		}
		in.Complete = true
	}
	res, err := s.store.Update(ctx, slug, token, in)
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
	return s.afterSave(c, d, res, stepURL(p+1))
}

// startSurvey makes the response when a respondent presses Start. The
// submission id comes from the welcome page, so pressing Start twice stores
// one response.
func (s *Server) startSurvey(c *fiber.Ctx, d *surveys.Design) error {
	slug := c.Params("slug")
	sid := c.FormValue("sid")
	if _, err := uuid.Parse(sid); err != nil {
		sid = uuid.NewString()
	}
	f := newFlow(d, nil, sid)
	invite := c.FormValue("i")
	res, _, err := s.store.Submit(c.UserContext(), slug, surveys.Submission{SubmissionID: sid, Invitation: invite, Order: f.order})
	var ve *surveys.ValidationError
	switch {
	case errors.As(err, &ve) && ve.Fields["invitation"] != "":
		c.Status(fiber.StatusUnprocessableEntity)
		return s.drawSurvey(c, surveyPageData{flow: f, a: newAnswers(), action: "/s/" + slug,
			sid: uuid.NewString(), notice: f.msg("invitation_invalid")})
	case errors.Is(err, surveys.ErrConflict) && invite != "":
		c.Status(fiber.StatusConflict)
		return s.drawSurvey(c, surveyPageData{flow: f, a: newAnswers(), action: "/s/" + slug,
			sid: uuid.NewString(), notice: f.msg("invitation_used")})
	case err != nil:
		return err
	}
	s.setResume(c, slug, res.ResumeToken)
	return s.afterSave(c, d, res, fmt.Sprintf("/s/%s?p=1", slug))
}

// afterSave moves on: to the next step, or to the end page once the response
// is complete or screened out. A panel's redirect is drawn as a page that
// forwards, since the form-action policy would refuse a redirect off-site.
func (s *Server) afterSave(c *fiber.Ctx, d *surveys.Design, res *surveys.SubmitResult, next string) error {
	if res.Status == surveys.InProgress {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	if res.Redirect != "" {
		return s.drawEnd(c, d, endKey(res.Status), res.Redirect, 0)
	}
	return c.Redirect("/s/"+c.Params("slug"), fiber.StatusSeeOther)
}

// surveyPreview draws the respondent page of a study for its researcher.
// Nothing is stored: the form pages with GET and its answers are dropped.
func (s *Server) surveyPreview(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.Design(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	f := newFlow(d, nil, "preview")
	p := c.QueryInt("p")
	switch c.Query("go") {
	case "next":
		p++
	case "back":
		p--
	}
	if p > f.last() {
		return s.drawEnd(c, d, "thanks", "", id)
	}
	p = min(max(p, 0), f.last())
	return s.drawSurvey(c, surveyPageData{flow: f, p: p, a: newAnswers(), action: fmt.Sprintf("/studies/%d/preview", id), preview: id})
}
