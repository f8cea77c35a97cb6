package surveys

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"odi/surveys/problem"
)

// zipMagic opens every XLSX file, which is a zip archive. A CSV file never
// starts with it, so a workbook is recognised even when its upload came
// without a name or type saying so.
var zipMagic = []byte("PK\x03\x04")

// row is one line of an outcomes file and the number it has in the file
// (1 for the header), as a spreadsheet shows it.
type row struct {
	line  int
	cells []string
}

// ReadOutcomesFile reads an outcomes file (CSV, or XLSX when isXLSX or when
// the bytes are a zip archive) with a header row naming the columns
// statement, code and step in any order. Blank rows are skipped; each
// outcome keeps its row number for error messages.
func ReadOutcomesFile(data []byte, isXLSX bool) ([]OutcomeInput, error) {
	var (
		rows []row
		err  error
	)
	if isXLSX || bytes.HasPrefix(data, zipMagic) {
		rows, err = xlsxRows(data)
	} else {
		rows, err = csvRows(data)
	}
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, problem.Invalid("file", "is empty")
	}
	col := map[string]int{"statement": -1, "code": -1, "step": -1}
	for i, h := range rows[0].cells {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, ok := col[h]; ok {
			col[h] = i
		}
	}
	if col["statement"] < 0 {
		return nil, problem.Invalid("file", "needs a header row with a statement column (and optionally code and step)")
	}
	if len(rows)-1 > MaxOutcomes {
		return nil, problem.Invalid("file", fmt.Sprintf("has more than %d rows; at most %d outcomes fit in one study", MaxOutcomes, MaxOutcomes))
	}
	cell := func(r row, name string) *string {
		i := col[name]
		if i < 0 || i >= len(r.cells) {
			return nil
		}
		v := strings.TrimSpace(r.cells[i])
		return &v
	}
	out := make([]OutcomeInput, 0, len(rows)-1)
	for _, r := range rows[1:] {
		out = append(out, OutcomeInput{Statement: cell(r, "statement"), Code: cell(r, "code"), Step: cell(r, "step"), Line: r.line})
	}
	return out, nil
}

// blank tells whether a row holds nothing but spaces.
func blank(cells []string) bool {
	return strings.TrimSpace(strings.Join(cells, "")) == ""
}

// csvRows reads CSV strictly: a quote left open would otherwise swallow every
// row after it into one cell and import the file short, without a word.
func csvRows(data []byte) ([]row, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 BOM
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows []row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		if blank(rec) {
			continue // csv skips empty lines itself; lines of spaces and commas go too
		}
		line, _ := r.FieldPos(0)
		if len(rows) > MaxOutcomes {
			return append(rows, row{line: line}), nil // header + one row too many: ReadOutcomesFile says so
		}
		rows = append(rows, row{line: line, cells: rec})
	}
}

// csvError names the row a CSV mistake is on and how to mend it.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return problem.Invalid("file", "is not valid CSV")
	}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return problem.Invalid("file", fmt.Sprintf("row %d: a quoted cell is never closed, or has text after its closing quote; end the cell with \" and write a quote inside it as \"\"", pe.StartLine))
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return problem.Invalid("file", fmt.Sprintf("row %d: a cell holds a quote (\") but does not start with one; put the whole cell in quotes and double the quote inside (\"\")", pe.Line))
	}
	return problem.Invalid("file", fmt.Sprintf("row %d: is not valid CSV: %v", pe.Line, pe.Err))
}

// maxXLSXUnzipped bounds what an uploaded workbook may unpack to. A thousand
// outcomes take well under a megabyte; without a bound, excelize would inflate
// a small zip bomb to gigabytes in memory or in the temporary folder.
const maxXLSXUnzipped = 64 << 20

// maxXLSXColumns bounds how wide an outcomes sheet may be.
const maxXLSXColumns = 200

func xlsxRows(data []byte) ([]row, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxXLSXUnzipped, UnzipXMLSizeLimit: maxXLSXUnzipped})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, problem.Invalid("file", fmt.Sprintf("unpacks to more than %d MB; an outcomes workbook is far smaller", maxXLSXUnzipped>>20))
		}
		return nil, problem.Invalid("file", "is not a readable XLSX workbook")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, problem.Invalid("file", "has no sheet")
	}
	// Stream the rows and stop once the file is clearly too long: GetRows would
	// pad every row out to its last cell, and a 100 KB sheet with one cell in
	// column XFD on each of 20,000 rows then costs 20 GB.
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, problem.Invalid("file", "first sheet cannot be read: "+err.Error())
	}
	defer it.Close()
	var rows []row
	for line := 1; it.Next(); line++ {
		cells, err := it.Columns()
		if err != nil {
			return nil, problem.Invalid("file", "first sheet cannot be read: "+err.Error())
		}
		if len(cells) > maxXLSXColumns {
			return nil, problem.Invalid("file", fmt.Sprintf("has cells beyond column %d of the first sheet; keep statement, code and step in the first columns", maxXLSXColumns))
		}
		if blank(cells) {
			continue // the iterator gives missing rows as empty ones, so line stays the sheet's row number
		}
		if len(rows) > MaxOutcomes {
			return append(rows, row{line: line}), nil // header + one row too many: ReadOutcomesFile says so
		}
		rows = append(rows, row{line: line, cells: cells})
	}
	if err := it.Error(); err != nil {
		return nil, problem.Invalid("file", "first sheet cannot be read: "+err.Error())
	}
	return rows, nil
}
