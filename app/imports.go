package app

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
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

// zipMagic begins every XLSX workbook (a zip), whatever name or type it was
// sent under.
var zipMagic = []byte("PK\x03\x04")

// namedWorkbook tells whether a multipart file's name or type says it is
// an XLSX workbook.
func namedWorkbook(filename, contentType string) bool {
	return strings.HasSuffix(strings.ToLower(filename), ".xlsx") || contentType == xlsxType
}

// uploadedFile returns an import's bytes, sent either as the raw body or as
// the multipart field "file", and whether they are an XLSX workbook. For
// files read whole, such as outcomes; responses stream (uploadedReader).
func uploadedFile(c *fiber.Ctx) ([]byte, bool, error) {
	// A file read whole gains nothing from streaming out of a spooled form
	// (spooledPart), and its handlers read the form's other fields after it
	// (a study from a file's proposal and the file's name): the form is
	// parsed first, as those reads need. A form that does not parse is
	// refused below, naming the field.
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		_, _ = c.MultipartForm()
	}
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
// A body over --body-limit is read from the file readBody spooled it to: a
// raw one as it is, a multipart form's file part as it streams out of the
// form (spooledPart), unless the handler read the form already; then, as
// with a smaller form, from where the form's parser put it (a temporary
// file over 8 kB). Streaming the part consumes the form: a handler that
// reads other fields of it must read them before. A smaller raw body is read from memory. A file on disk is
// handed on as the *os.File, which lets a workbook be read in place
// (fieldwork's newXLSXSource) rather than into memory.
func uploadedReader(c *fiber.Ctx) (io.Reader, bool, func(), error) {
	var r interface {
		io.Reader
		io.ReaderAt
	}
	done := func() {}
	ct := c.Get(fiber.HeaderContentType)
	isXLSX := strings.HasPrefix(ct, xlsxType)
	multipart := strings.HasPrefix(ct, fiber.MIMEMultipartForm)
	spooled, _ := c.Context().RequestBodyStream().(*os.File) // readBody's
	if multipart && spooled != nil {
		if at, err := spooled.Seek(0, io.SeekCurrent); err == nil && at == 0 {
			return spooledPart(ct, spooled)
		}
	}
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
		isXLSX = namedWorkbook(fh.Filename, fh.Header.Get("Content-Type"))
	} else if spooled != nil {
		r = spooled
	} else {
		r = bytes.NewReader(c.Request().Body())
	}
	head := make([]byte, len(zipMagic))
	n, _ := r.ReadAt(head, 0)
	if n == 0 && !multipart {
		return nil, false, nil, problem.Invalid("file", "the request body is empty: send the file as text/csv or XLSX")
	}
	if bytes.Equal(head[:n], zipMagic) {
		isXLSX = true // a workbook sent under another name or type
	}
	return r, isXLSX, done, nil
}

// spooledPart finds the multipart field "file" in the form readBody spooled
// to f and streams it, rather than have the form's parser copy hundreds of
// megabytes to a second temporary file first. A workbook is the exception:
// it needs random access, so its part alone is copied to a file of its own.
// The part's name, type or first bytes say whether it is one, as for
// uploadedReader.
func spooledPart(contentType string, f *os.File) (io.Reader, bool, func(), error) {
	missing := problem.Invalid("file", "attach the file as the multipart field \"file\"")
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil, false, nil, missing
	}
	mr := multipart.NewReader(f, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, false, nil, missing
		}
		if part.FormName() != "file" || part.FileName() == "" {
			continue
		}
		isXLSX := namedWorkbook(part.FileName(), part.Header.Get("Content-Type"))
		br := bufio.NewReaderSize(part, 1<<16)
		if head, _ := br.Peek(len(zipMagic)); bytes.Equal(head, zipMagic) {
			isXLSX = true // a workbook sent under another name or type
		}
		if !isXLSX {
			return br, false, func() {}, nil
		}
		x, err := os.CreateTemp("", "odi-upload-*.xlsx")
		if err != nil {
			return nil, false, nil, fmt.Errorf("spool an uploaded workbook: %w", err)
		}
		done := func() {
			x.Close()
			os.Remove(x.Name())
		}
		_, err = io.Copy(x, br)
		if err == nil {
			_, err = x.Seek(0, io.SeekStart)
		}
		if err != nil {
			done()
			return nil, false, nil, fmt.Errorf("spool an uploaded workbook: %w", err)
		}
		return x, true, done, nil
	}
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
