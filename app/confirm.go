package app

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// A delete button on a study's tabs asks first: its form posts without
// confirm, which draws a page saying what will go, whose button posts the
// same form again with confirm=1. It works without JavaScript, and a page
// reloaded or opened twice deletes nothing by surprise.

// confirmation is what the page asking first says.
type confirmation struct {
	Title  string // the question, "Delete outcome O03?"
	Says   string // what goes, and what stays
	Button string
	Back   string // the tab and place Cancel goes back to
}

// confirmFirst serves a delete button: without confirm=1 it asks, with it,
// do deletes.
func (s *Server) confirmFirst(ask func(*fiber.Ctx, *surveys.Design) (confirmation, error), do fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.FormValue("confirm") == "1" {
			return do(c)
		}
		d := designOf(c)
		cf, err := ask(c, d)
		if err != nil {
			return err
		}
		return s.render(c, "confirm", fiber.Map{"Title": cf.Title + " · " + d.Study.Name, "D": d, "Confirm": cf,
			"Action": c.Path(), "At": anchor(c), "Back": studyPath(d.Study.ID, cf.Back), "Styles": []string{"editor.css"}})
	}
}

func askOutcome(c *fiber.Ctx, d *surveys.Design) (confirmation, error) {
	id, err := idParam(c, "outcome_id")
	if err != nil {
		return confirmation{}, err
	}
	o, err := itemOf(d.Outcomes, func(o surveys.Outcome) bool { return o.ID == id })
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{Title: "Delete outcome " + o.Code + "?", Says: "“" + o.Statement + "” leaves the survey.",
		Button: "Delete " + o.Code, Back: "outcomes" + anchor(c)}, nil
}

func askStep(c *fiber.Ctx, d *surveys.Design) (confirmation, error) {
	id, err := idParam(c, "step_id")
	if err != nil {
		return confirmation{}, err
	}
	step, err := itemOf(d.Steps, func(st surveys.Step) bool { return st.ID == id })
	if err != nil {
		return confirmation{}, err
	}
	n := 0
	for _, o := range d.Outcomes {
		if o.StepID != nil && *o.StepID == id {
			n++
		}
	}
	says := fmt.Sprintf("Its %d outcomes stay, without a step.", n)
	switch n {
	case 0:
		says = "It has no outcomes."
	case 1:
		says = "Its one outcome stays, without a step."
	}
	return confirmation{Title: "Delete step “" + step.Name + "”?", Says: says, Button: "Delete step", Back: "outcomes#step-" + strconv.FormatInt(id, 10)}, nil
}

func askQuestion(c *fiber.Ctx, d *surveys.Design) (confirmation, error) {
	q, err := editedQuestion(c)
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{Title: "Delete question " + q.Key + "?", Says: "“" + q.Text + "” leaves the survey.",
		Button: "Delete " + q.Key, Back: "questions"}, nil
}

// askShare is the question before revoking a share link, which, unlike a
// draft's outcome, cannot be made again with the same address.
func (s *Server) askShare(c *fiber.Ctx, d *surveys.Design) (confirmation, error) {
	id, err := idParam(c, "share_id")
	if err != nil {
		return confirmation{}, err
	}
	shares, err := s.results.Shares(c.UserContext(), d)
	if err != nil {
		return confirmation{}, err
	}
	at := slices.IndexFunc(shares, func(sh results.Share) bool { return sh.ID == id })
	if at < 0 {
		return confirmation{}, problem.ErrNotFound
	}
	name := "“" + shares[at].Name + "”"
	if shares[at].Name == "" {
		name = fmt.Sprintf("#%d", id)
	}
	return confirmation{Title: "Revoke the share link " + name + "?", Says: "Whoever has it can no longer open the report or download the workbook. This cannot be undone: a new link has a new address.",
		Button: "Revoke link", Back: "share"}, nil
}
