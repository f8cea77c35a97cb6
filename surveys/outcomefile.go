package surveys

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxOutcomeRows bounds an outcomes file; a study with more outcomes than this
// could not be answered by anyone.
const maxOutcomeRows = 1000

// ReadOutcomesFile reads an outcomes file (CSV, or XLSX when isXLSX) with a
// header row naming the columns statement, code and step in any order.
func ReadOutcomesFile(data []byte, isXLSX bool) ([]OutcomeInput, error) {
	var (
		rows [][]string
		err  error
	)
	if isXLSX {
		rows, err = xlsxRows(data)
	} else {
		rows, err = csvRows(data)
	}
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, Invalid("file", "is empty")
	}
	col := map[string]int{"statement": -1, "code": -1, "step": -1}
	for i, h := range rows[0] {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, ok := col[h]; ok {
			col[h] = i
		}
	}
	if col["statement"] < 0 {
		return nil, Invalid("file", "needs a header row with a statement column (and optionally code and step)")
	}
	if len(rows)-1 > maxOutcomeRows {
		return nil, Invalid("file", fmt.Sprintf("has more than %d rows; at most %d outcomes fit in one study", maxOutcomeRows, maxOutcomeRows))
	}
	cell := func(row []string, name string) *string {
		i := col[name]
		if i < 0 || i >= len(row) {
			return nil
		}
		v := strings.TrimSpace(row[i])
		return &v
	}
	var out []OutcomeInput
	for _, row := range rows[1:] {
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue // blank lines are not rows
		}
		out = append(out, OutcomeInput{Statement: cell(row, "statement"), Code: cell(row, "code"), Step: cell(row, "step")})
	}
	return out, nil
}

func csvRows(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 BOM
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, Invalid("file", fmt.Sprintf("is not valid CSV at line %d: %v", pe.Line, pe.Err))
			}
			return nil, Invalid("file", "is not valid CSV")
		}
		rows = append(rows, rec)
	}
}

// maxXLSXUnzipped bounds what an uploaded workbook may unpack to. A thousand
// outcomes take well under a megabyte; without a bound, excelize would inflate
// a small zip bomb to gigabytes in memory or in the temporary folder.
const maxXLSXUnzipped = 64 << 20

// maxXLSXColumns bounds how wide an outcomes sheet may be.
const maxXLSXColumns = 200

func xlsxRows(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxXLSXUnzipped, UnzipXMLSizeLimit: maxXLSXUnzipped})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, Invalid("file", fmt.Sprintf("unpacks to more than %d MB; an outcomes workbook is far smaller", maxXLSXUnzipped>>20))
		}
		return nil, Invalid("file", "is not a readable XLSX workbook")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, Invalid("file", "has no sheet")
	}
	// Stream the rows and stop once the file is clearly too long: GetRows would
	// pad every row out to its last cell, and a 100 KB sheet with one cell in
	// column XFD on each of 20,000 rows then costs 20 GB.
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, Invalid("file", "first sheet cannot be read: "+err.Error())
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if len(rows) > maxOutcomeRows+1 {
			break // header + one row too many: ReadOutcomesFile says so
		}
		row, err := it.Columns()
		if err != nil {
			return nil, Invalid("file", "first sheet cannot be read: "+err.Error())
		}
		if len(row) > maxXLSXColumns {
			return nil, Invalid("file", fmt.Sprintf("has cells beyond column %d of the first sheet; keep statement, code and step in the first columns", maxXLSXColumns))
		}
		rows = append(rows, row)
	}
	if err := it.Error(); err != nil {
		return nil, Invalid("file", "first sheet cannot be read: "+err.Error())
	}
	return rows, nil
}
