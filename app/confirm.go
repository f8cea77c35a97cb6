package app

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/results"
)

// A delete button on a study's tabs asks first: its form posts without
// confirm, which draws a page saying what will go, whose button posts the
// same form again with confirm=1. It works without JavaScript, and a page
// reloaded or opened twice deletes nothing by surprise. Deleting a study
// or an account asks on a page of its own (GET .../delete), the same page.

// confirmation is what the page asking first says.
type confirmation struct {
	Title  string // the question, "Delete outcome O03?"
	Says   string // what goes, and what stays
	Note   string // a gentler way to the same end, when there is one
	Button string
	Back   string // where Cancel goes back to; for a study's tabs, the tab and place
}

// ask draws the page asking first; its form posts to the page's own
// address. d, for something of a study's, names the study in the crumb and
// the title.
func (s *Server) ask(c *fiber.Ctx, d *surveys.Design, cf confirmation) error {
	title := cf.Title
	if d != nil {
		title += " · " + d.Study.Name
	}
	return s.render(c, "confirm", fiber.Map{"Title": title, "D": d, "Confirm": cf,
		"Action": c.Path(), "At": anchor(c), "Styles": []string{"editor.css"}})
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
		cf.Back = studyPath(d.Study.ID, cf.Back)
		return s.ask(c, d, cf)
	}
}

func askOutcome(c *fiber.Ctx, d *surveys.Design) (confirmation, error) {
	o, err := itemNamed(c, "outcome_id", d.Outcomes, func(o surveys.Outcome) int64 { return o.ID })
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{Title: "Delete outcome " + o.Code + "?", Says: "“" + o.Statement + "” leaves the survey.",
		Button: "Delete " + o.Code, Back: "outcomes" + anchor(c)}, nil
}

func askStep(c *fiber.Ctx, d *surveys.Design) (confirmation, error) {
	step, err := itemNamed(c, "step_id", d.Steps, func(st surveys.Step) int64 { return st.ID })
	if err != nil {
		return confirmation{}, err
	}
	n := 0
	for _, o := range d.Outcomes {
		if o.StepID != nil && *o.StepID == step.ID {
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
	return confirmation{Title: "Delete step “" + step.Name + "”?", Says: says, Button: "Delete step", Back: "outcomes#step-" + strconv.FormatInt(step.ID, 10)}, nil
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
	shares, err := s.results.Shares(c.UserContext(), d)
	if err != nil {
		return confirmation{}, err
	}
	sh, err := itemNamed(c, "share_id", shares, func(sh results.Share) int64 { return sh.ID })
	if err != nil {
		return confirmation{}, err
	}
	name := "“" + sh.Name + "”"
	if sh.Name == "" {
		name = fmt.Sprintf("#%d", sh.ID)
	}
	return confirmation{Title: "Revoke the share link " + name + "?", Says: "Whoever has it can no longer open the report or download the workbook. This cannot be undone: a new link has a new address.",
		Button: "Revoke link", Back: "share"}, nil
}
