package app

import (
	"bufio"
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
)

func (s *Server) exportResponses(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	// Check access before streaming, so an error is still a proper status.
	if _, err := s.store.Study(c.UserContext(), userOf(c), id); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="study-%d-responses.csv"`, id))
	var buf bytes.Buffer
	w := bufio.NewWriterSize(&buf, 1<<16)
	if err := s.store.ExportResponses(c.UserContext(), userOf(c), id, w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return c.Send(buf.Bytes())
}

func (s *Server) importResponses(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	data, _, err := uploadedFile(c)
	if err != nil {
		return err
	}
	n, err := s.store.ImportResponses(c.UserContext(), userOf(c), id, bytes.NewReader(data))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"imported": n})
}

func (s *Server) listResponses(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	list, err := s.store.Responses(c.UserContext(), userOf(c), id, c.QueryInt("offset"), c.QueryInt("limit", 100))
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) updateResponse(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Excluded *bool `json:"excluded"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.Excluded == nil {
		return surveys.Invalid("excluded", "is required")
	}
	if err := s.store.SetExcluded(c.UserContext(), userOf(c), id, c.Params("respondent_id"), *in.Excluded); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) deleteResponse(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteResponse(c.UserContext(), userOf(c), id, c.Params("respondent_id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
