package app

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
)

// The handlers of a study's structure: job steps, outcomes, profile questions.

func (s *Server) updateStep(c *fiber.Ctx) error {
	id, stepID, err := twoIDs(c, "step_id")
	if err != nil {
		return err
	}
	var in surveys.StepInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.store.UpdateStep(c.UserContext(), userOf(c), id, stepID, in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) deleteStep(c *fiber.Ctx) error {
	id, stepID, err := twoIDs(c, "step_id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteStep(c.UserContext(), userOf(c), id, stepID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func twoIDs(c *fiber.Ctx, second string) (int64, int64, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return 0, 0, err
	}
	other, err := idParam(c, second)
	return id, other, err
}

func (s *Server) updateOutcome(c *fiber.Ctx) error {
	id, oid, err := twoIDs(c, "outcome_id")
	if err != nil {
		return err
	}
	var in surveys.OutcomeInput
	if err := decode(c, &in); err != nil {
		return err
	}
	o, err := s.store.UpdateOutcome(c.UserContext(), userOf(c), id, oid, in)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (s *Server) deleteOutcome(c *fiber.Ctx) error {
	id, oid, err := twoIDs(c, "outcome_id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteOutcome(c.UserContext(), userOf(c), id, oid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// uploadedFile returns an import's bytes, sent either as the raw body or as
// the multipart field "file", and whether they are an XLSX workbook.
func uploadedFile(c *fiber.Ctx) ([]byte, bool, error) {
	ct := c.Get(fiber.HeaderContentType)
	if strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return nil, false, surveys.Invalid("file", "attach the file as the multipart field \"file\"")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, false, err
		}
		defer f.Close()
		data := make([]byte, fh.Size)
		if _, err := f.Read(data); err != nil && fh.Size > 0 {
			return nil, false, err
		}
		return data, strings.HasSuffix(strings.ToLower(fh.Filename), ".xlsx") || fh.Header.Get("Content-Type") == xlsxType, nil
	}
	if len(c.Body()) == 0 {
		return nil, false, surveys.Invalid("file", "the request body is empty: send the file as text/csv or XLSX")
	}
	return c.Body(), strings.HasPrefix(ct, xlsxType), nil
}

func (s *Server) importOutcomes(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	data, isXLSX, err := uploadedFile(c)
	if err != nil {
		return err
	}
	rows, err := surveys.ReadOutcomesFile(data, isXLSX)
	if err != nil {
		return err
	}
	n, err := s.store.ImportOutcomes(c.UserContext(), userOf(c), id, rows)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"imported": n})
}

func (s *Server) updateQuestion(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in surveys.QuestionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	q, err := s.store.UpdateQuestion(c.UserContext(), userOf(c), id, c.Params("key"), in)
	if err != nil {
		return err
	}
	return c.JSON(q)
}

func (s *Server) deleteQuestion(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteQuestion(c.UserContext(), userOf(c), id, c.Params("key")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
