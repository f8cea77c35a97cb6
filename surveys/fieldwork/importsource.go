package fieldwork

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"odi/surveys/problem"
)

// rowSource gives a responses file row by row, as CSV or as the first sheet
// of a workbook; io.EOF after the last.
type rowSource interface {
	next() ([]string, error)
}

// openRows opens a responses file as rows: the first sheet of a workbook
// when xlsx, else CSV. The CSV reader is made only for CSV, since it reads
// ahead (to skip a byte order mark) and would eat a workbook's first bytes.
func openRows(data io.Reader, xlsx bool) (rowSource, func(), error) {
	if !xlsx {
		return newCSVSource(data), func() {}, nil
	}
	x, err := newXLSXSource(data)
	if err != nil {
		return nil, nil, err
	}
	return x, x.Close, nil
}

type csvSource struct{ r *csv.Reader }

func newCSVSource(data io.Reader) csvSource {
	br := bufio.NewReaderSize(data, 1<<16)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	r := csv.NewReader(br)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1 // a short row is named by the import, with its line
	return csvSource{r}
}

func (s csvSource) next() ([]string, error) { return s.r.Read() }

// maxImportUnzipped bounds what a responses workbook may unpack to: a
// 100,000 × 100 sheet is about 400 MB of XML, streamed from a temporary file
// rather than held (excelize keeps only a sheet's shared strings in memory).
const maxImportUnzipped = 2 << 30

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
}

// newXLSXSource opens a workbook's first sheet as a stream of rows. A
// workbook given as a file on disk (an upload, app/imports.go) is read in
// place; any other is read whole into memory first, as excelize needs random
// access to the zip.
func newXLSXSource(data io.Reader) (*xlsxSource, error) {
	opt := excelize.Options{UnzipSizeLimit: maxImportUnzipped, UnzipXMLSizeLimit: 16 << 20}
	var f *excelize.File
	var err error
	if file, ok := data.(*os.File); ok {
		f, err = excelize.OpenFile(file.Name(), opt)
	} else {
		f, err = excelize.OpenReader(data, opt)
	}
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, problem.Invalid("file", fmt.Sprintf("unpacks to more than %d GB", maxImportUnzipped>>30))
		}
		return nil, problem.Invalid("file", "is not a readable XLSX workbook")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, problem.Invalid("file", "has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, problem.Invalid("file", "first sheet cannot be read: "+err.Error())
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

func (s *xlsxSource) next() ([]string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, problem.Invalid("file", "first sheet cannot be read: "+err.Error())
		}
		return nil, io.EOF
	}
	cells, err := s.rows.Columns()
	if err != nil {
		return nil, problem.Invalid("file", "first sheet cannot be read: "+err.Error())
	}
	return cells, nil
}

func (s *xlsxSource) Close() {
	s.rows.Close()
	s.f.Close()
}
