package fieldwork

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
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

// csvSource reads a CSV file as encoding/csv does (ReuseRecord, any number
// of fields a record), itself while a line holds no quote: the usual
// export's line is then one string cut at its commas, where encoding/csv
// searches each field for a quote and copies it. From the first line with a
// quote, or one longer than the buffer, encoding/csv reads the rest.
type csvSource struct {
	br    *bufio.Reader
	r     *csv.Reader // from the first line it must read, nil before
	lines int         // lines read before r took over, for its errors' line numbers
	rec   []string
}

func newCSVSource(data io.Reader) *csvSource {
	br := bufio.NewReaderSize(data, 1<<16)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	return &csvSource{br: br}
}

func (s *csvSource) next() ([]string, error) {
	for s.r == nil {
		line, err := s.br.ReadSlice('\n')
		if err != nil && err != io.EOF || bytes.IndexByte(line, '"') >= 0 {
			s.handOver(line)
			break
		}
		if len(line) == 0 {
			return nil, io.EOF
		}
		s.lines++
		// As encoding/csv: a record ends at \n or \r\n, and at the end of
		// the file also at a \r; an empty line is no record.
		if n := len(line); line[n-1] == '\n' {
			line = line[:n-1]
			if n >= 2 && line[n-2] == '\r' {
				line = line[:n-2]
			}
		} else if line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) == 0 {
			continue
		}
		text := string(line) // the record's one allocation: its fields are cut from it
		s.rec = s.rec[:0]
		for {
			i := strings.IndexByte(text, ',')
			if i < 0 {
				break
			}
			s.rec = append(s.rec, text[:i])
			text = text[i+1:]
		}
		return append(s.rec, text), nil
	}
	rec, err := s.r.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		pe.StartLine += s.lines
		pe.Line += s.lines
	}
	return rec, err
}

// handOver gives the rest of the file, from line, to encoding/csv.
func (s *csvSource) handOver(line []byte) {
	s.r = csv.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(line)), s.br))
	s.r.ReuseRecord = true
	s.r.FieldsPerRecord = -1 // a short row is named by the import, with its line
}

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
