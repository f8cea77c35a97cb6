package app

import (
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// uploadedFile returns an import's bytes, sent either as the raw body or as
// the multipart field "file", and whether they are an XLSX workbook.
func uploadedFile(c *fiber.Ctx) ([]byte, bool, error) {
	ct := c.Get(fiber.HeaderContentType)
	if strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return nil, false, problem.Invalid("file", "attach the file as the multipart field \"file\"")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, false, fmt.Errorf("open uploaded file: %w", err)
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, false, fmt.Errorf("read uploaded file: %w", err)
		}
		// A workbook sent under another name or type is still recognised by
		// its bytes, in ReadOutcomesFile.
		return data, strings.HasSuffix(strings.ToLower(fh.Filename), ".xlsx") || fh.Header.Get("Content-Type") == xlsxType, nil
	}
	if len(c.Body()) == 0 {
		return nil, false, problem.Invalid("file", "the request body is empty: send the file as text/csv or XLSX")
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
