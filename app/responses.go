package app

import (
	"fmt"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/export"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
)

// exportResponses is the wide responses file. As it is, every answer is kept
// exactly so that the file imports back; ?safe=1 is the same file for a
// spreadsheet, where text that starts like a formula cannot run as one.
func (s *Server) exportResponses(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	safe, err := strconv.ParseBool(c.Query("safe", "0"))
	if err != nil {
		return problem.Invalid("safe", "must be 1 or 0")
	}
	ctx, d := c.UserContext(), designOf(c)
	write := export.ResponsesCSV
	if safe {
		write = export.SafeResponsesCSV
	}
	rows, err := s.results.WideResponses(ctx, d)
	if err != nil {
		return err
	}
	return sendFile(c, csvType, fmt.Sprintf(`attachment; filename="study-%d-responses.csv"`, id),
		func(w io.Writer) error { return write(w, rows) })
}

// responseQuery reads ?flag=&excluded=1|0&status=&sort=&offset=&limit=, the
// review filters of the responses API and the Fieldwork tab alike.
func responseQuery(c *fiber.Ctx, limit int) (fieldwork.ResponseQuery, error) {
	q := fieldwork.ResponseQuery{Flag: c.Query("flag"), Status: c.Query("status"), Sort: c.Query("sort"),
		Offset: c.QueryInt("offset"), Limit: c.QueryInt("limit", limit)}
	if v := c.Query("excluded"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return q, problem.Invalid("excluded", "must be 1 or 0")
		}
		q.Excluded = &b
	}
	return q, nil
}

func (s *Server) listResponses(c *fiber.Ctx) error {
	q, err := responseQuery(c, 100)
	if err != nil {
		return err
	}
	list, err := s.fieldwork.Responses(c.UserContext(), designOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// decideResponses serves POST .../responses/exclusions: the researcher's
// ruling on the responses named, or on every one with a flag.
func (s *Server) decideResponses(c *fiber.Ctx) error {
	return serveJSON(c, fiber.StatusOK, func(in fieldwork.Decision) (map[string]int, error) {
		n, err := s.fieldwork.Decide(c.UserContext(), designOf(c), in)
		return map[string]int{"changed": n}, err
	})
}

func (s *Server) updateResponse(c *fiber.Ctx) error {
	var in struct {
		Excluded *bool `json:"excluded"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.Excluded == nil {
		return problem.Invalid("excluded", "is required")
	}
	return noContent(c, s.fieldwork.SetExcluded(c.UserContext(), designOf(c), c.Params("respondent_id"), *in.Excluded))
}

func (s *Server) deleteResponse(c *fiber.Ctx) error {
	return noContent(c, s.fieldwork.DeleteResponse(c.UserContext(), designOf(c), c.Params("respondent_id")))
}
