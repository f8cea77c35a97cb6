package app

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
)

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv; charset=utf-8"
)

// uploadedFile returns an import's bytes, sent either as the raw body or as
// the multipart field "file", and whether they are an XLSX workbook. For
// files read whole, such as outcomes; responses stream (uploadedReader).
func uploadedFile(c *fiber.Ctx) ([]byte, bool, error) {
	r, isXLSX, done, err := uploadedReader(c)
	if err != nil {
		return nil, false, err
	}
	defer done()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, false, fmt.Errorf("read uploaded file: %w", err)
	}
	return data, isXLSX, nil
}

// uploadedReader opens an import's file, sent either as the raw body or as
// the multipart field "file", says whether it is an XLSX workbook (by its
// name, its type or its first bytes), and gives a function that closes it.
// A multipart file over 8 kB is read from the temporary file the form's
// parser spooled it to; a raw body over --body-limit from the one readBody
// spooled it to, and a smaller one from memory. A file on disk is handed on
// as the *os.File, which lets a workbook be read in place (fieldwork's
// newXLSXSource) rather than into memory.
func uploadedReader(c *fiber.Ctx) (io.Reader, bool, func(), error) {
	var r interface {
		io.Reader
		io.ReaderAt
	}
	done := func() {}
	ct := c.Get(fiber.HeaderContentType)
	isXLSX := strings.HasPrefix(ct, xlsxType)
	multipart := strings.HasPrefix(ct, fiber.MIMEMultipartForm)
	if multipart {
		fh, err := c.FormFile("file")
		if err != nil {
			return nil, false, nil, problem.Invalid("file", "attach the file as the multipart field \"file\"")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, false, nil, fmt.Errorf("open uploaded file: %w", err)
		}
		r, done = f, func() { f.Close() }
		isXLSX = strings.HasSuffix(strings.ToLower(fh.Filename), ".xlsx") || fh.Header.Get("Content-Type") == xlsxType
	} else if f, ok := c.Context().RequestBodyStream().(*os.File); ok { // readBody's
		r = f
	} else {
		r = bytes.NewReader(c.Request().Body())
	}
	head := make([]byte, 4)
	n, _ := r.ReadAt(head, 0)
	if n == 0 && !multipart {
		return nil, false, nil, problem.Invalid("file", "the request body is empty: send the file as text/csv or XLSX")
	}
	if bytes.Equal(head[:n], []byte("PK\x03\x04")) {
		isXLSX = true // a workbook sent under another name or type
	}
	return r, isXLSX, done, nil
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
