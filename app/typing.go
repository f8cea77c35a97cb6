package app

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/problem"
	"odi/surveys/results"
)

// A saved segmentation's typing tool and typing survey, through the API and
// from the Segments tab's forms.

// createTypingSurvey makes and publishes the typing survey of a saved
// segmentation: 201 with the new study's id and survey link.
func (s *Server) createTypingSurvey(c *fiber.Ctx) error {
	st, err := s.results.CreateTypingSurvey(c.UserContext(), userOf(c), designOf(c), c.Params("key"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"study_id": st.ID, "slug": *st.Slug, "url": s.baseURL() + "/s/" + *st.Slug})
}

// typingToolPage fits a typing tool of the number of items the Segments
// tab's form gives, and comes back to the segmentation.
func (s *Server) typingToolPage(c *fiber.Ctx) error {
	d, key := designOf(c), c.Params("key")
	items, err := strconv.Atoi(strings.TrimSpace(c.FormValue("items")))
	if err != nil {
		err = problem.Invalid("items", "give a whole number of items from 1 to 20")
	} else {
		_, err = s.results.FitTypingTool(c.UserContext(), d, key, results.TypingInput{Items: items})
	}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showSegments(c, d, fiber.Map{"TypingKey": key, "Fields": ve.Fields, "Items": c.FormValue("items")})
	}
	if err != nil {
		return err
	}
	return c.Redirect(studyPath(d.Study.ID, "segments")+"#typing-"+key, fiber.StatusSeeOther)
}

// typingSurveyPage makes the typing survey from the Segments tab and opens
// it on its Fieldwork tab, where its link is.
func (s *Server) typingSurveyPage(c *fiber.Ctx) error {
	d := designOf(c)
	st, err := s.results.CreateTypingSurvey(c.UserContext(), userOf(c), d, c.Params("key"))
	if msg, ok := refusal(err); ok {
		c.Status(fiber.StatusConflict)
		return s.showSegments(c, d, fiber.Map{"TypingKey": c.Params("key"), "Alert": []string{msg}})
	}
	if err != nil {
		return err
	}
	return c.Redirect(studyPath(st.ID, "fieldwork"), fiber.StatusSeeOther)
}
