package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
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

	attentionField = "attention" // the form field of the page's attention check (one a page at most)
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
// attention checks, when asked, are placed from the same id or seed. The
// outcomes are those asked of role, the answer to the role question r holds
// when there is a response (the preview, which stores none, carries it).
func newFlow(sv *fieldwork.Survey, r *surveys.Response, seed, role string) *surveyFlow {
	var order []string
	if r != nil {
		seed = r.RespondentID
		order = r.ItemOrder
		role = sv.Role(&fieldwork.Answers{Questions: r.Answers})
	}
	if len(order) == 0 && seed != "" {
		order = sv.Order(seed)
	}
	f := &surveyFlow{sv: sv, lang: sv.Language, stages: sv.Stages(order, seed, role), order: order, kinds: map[string]surveys.Question{}}
	for _, q := range slices.Concat(sv.Screeners, sv.Profile) {
		f.kinds[q.Key] = q
	}
	return f
}

func (f *surveyFlow) msg(key string) string { return surveys.Msg(f.lang, key) }

// last is the index of the final step.
func (f *surveyFlow) last() int { return len(f.stages) - 1 }

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

// surveyPage draws the step a respondent is on: the welcome for a new one,
// where they left off for one who comes back (by cookie or ?r= link).
func (s *Server) surveyPage(c *fiber.Ctx) error {
	sv, ok, err := s.surveyOf(c)
	if !ok {
		return err
	}
	ctx, slug := c.UserContext(), c.Params("slug")
	if end := c.Query("end"); slices.Contains(endKeys, end) {
		return s.drawEnd(c, sv, end, "", 0)
	}
	link := linkOf(c, sv)
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
		if got != nil && link.panelID != "" && got.ExternalID != link.panelID {
			got = nil // another panel respondent's, on a shared device
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
	if r == nil && link.panelID != "" && invite == "" {
		// The panel sends its respondent back to the same link: a finished
		// panel id is told so, an unfinished one continues.
		resume, finished, err := s.fieldwork.PanelResponse(ctx, slug, link.panelID)
		if err != nil {
			return err
		}
		if finished {
			return s.panelDone(c, sv)
		}
		if r, err = s.resumed(c, resume); err != nil {
			return err
		}
		token, byCookie, stale = resume, false, false
	}
	if r == nil {
		token = ""
	} else if !byCookie {
		s.setResume(c, slug, token)
	}
	f := newFlow(sv, r, "", "")
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
		answered: r != nil && r.Answered(), sid: uuid.NewString(), invite: invite, link: link,
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
	f := newFlow(sv, r, "", "")
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
	var errs problem.List
	if !back {
		errs = f.missing(p, a)
	}
	var ve *problem.Validation
	if err := s.fieldwork.Check(ctx, slug, in); errors.As(err, &ve) {
		f.fieldErrors(ve, &errs)
	} else if err != nil {
		return err
	}
	if errs != nil {
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
	if errors.Is(err, fieldwork.ErrPanelFinished) {
		return s.panelDone(c, sv)
	}
	if errors.As(err, &ve) {
		f.fieldErrors(ve, &errs)
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
	f := newFlow(sv, nil, sid, "")
	invite, link := c.FormValue("i"), postedLink(c, sv)
	res, _, err := s.fieldwork.Submit(c.UserContext(), slug, fieldwork.Submission{SubmissionID: sid, Invitation: invite, Order: f.order,
		From: s.clientIP(c), PanelID: link.panelID, URLFields: link.fields})
	var ve *problem.Validation
	switch {
	case errors.Is(err, fieldwork.ErrPanelFinished):
		return s.panelDone(c, sv)
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

// surveyPreview draws the respondent page of a study for its researcher.
// Nothing is stored: the form pages with GET and its answers are dropped.
func (s *Server) surveyPreview(c *fiber.Ctx) error {
	d := designOf(c)
	sv, id := fieldwork.Preview(d), d.Study.ID
	// The preview stores nothing, so the role chosen on the questions page
	// rides along in the address to route the pages after it.
	role := c.Query("role")
	if picked := c.Query("q." + sv.RoleQuestion); sv.RoleQuestion != "" && picked != "" {
		role = picked
	}
	f := newFlow(sv, nil, "preview", role)
	p := min(max(c.QueryInt("p"), 0), f.last())
	page := surveyPageData{flow: f, p: p, a: fieldwork.NewAnswers(), action: fmt.Sprintf("/studies/%d/preview", id), preview: id, role: role}
	switch c.Query("go") {
	case "next":
		// Next checks the page's required answers as the live survey does,
		// so the researcher sees its error states; nothing else is kept.
		f.read(p, c, page.a)
		if page.errs = f.missing(p, page.a); len(page.errs) > 0 {
			c.Status(fiber.StatusUnprocessableEntity)
			return s.drawSurvey(c, page)
		}
		page.p++
	case "back":
		page.p = max(p-1, 0)
	}
	if page.p > f.last() {
		return s.drawEnd(c, sv, "thanks", "", id)
	}
	page.a = fieldwork.NewAnswers()
	if role != "" {
		page.a.Questions[sv.RoleQuestion] = role
	}
	return s.drawSurvey(c, page)
}
