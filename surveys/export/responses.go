package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"odi/surveys"
)

// WideCSV turns a function that writes the wide responses CSV, such as
// Store.ExportResponses, into Rows: it runs in its own goroutine and the CSV
// is parsed as it comes, so rows go from the database to the sheet without
// the whole file ever being held. The CSV's header row is skipped.
func WideCSV(write func(w io.Writer) error) Rows {
	return func(yield func(row []string) error) error {
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			err := write(pw)
			pw.CloseWithError(err)
			done <- err
		}()
		err := readWide(pr, yield)
		// Stops the writer if the reader gave up early; a no-op otherwise.
		pr.CloseWithError(errors.Join(err, io.ErrClosedPipe))
		werr := <-done
		if err != nil {
			return err
		}
		return werr
	}
}

func readWide(r io.Reader, yield func(row []string) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read responses: %w", err)
		}
		if header {
			header = false
			continue
		}
		if err := yield(rec); err != nil {
			return err
		}
	}
}

// Cell kinds of the Responses sheet.
const (
	kindText   = iota
	kindRating // a 1–5 rating or a 1–10 force: a whole number
	kindNumber // a number question or NPS: a number when it reads as one
)

// wideKinds says how each column of the wide layout is written.
func wideKinds(d *surveys.Design, header []string) []int {
	kinds := make([]int, len(header))
	numeric := map[string]bool{}
	for _, q := range d.Questions {
		numeric[q.Key] = q.Kind == surveys.KindNumber || q.Kind == surveys.KindNPS
	}
	for i, h := range header {
		switch {
		case i < 2:
			kinds[i] = kindText
		case i < 2+len(d.Questions):
			if numeric[h] {
				kinds[i] = kindNumber
			}
		default:
			kinds[i] = kindRating
		}
	}
	return kinds
}

// smallInts are the ratings boxed once: a row of 200 ratings then costs no
// allocation for its values.
var smallInts = func() []any {
	out := make([]any, 11)
	for i := range out {
		out[i] = i
	}
	return out
}()

// responses streams the wide layout into its sheet with excelize's
// StreamWriter, which spills to a temporary file, so memory stays flat
// whatever the number of responses. Ratings and number answers are numbers,
// everything else is text written so no spreadsheet evaluates it.
func (b *book) responses() error {
	sh := SheetResponses
	d := b.in.Design
	header := d.WideHeader()
	kinds := wideKinds(d, header)
	sw, err := b.f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 38); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2+len(d.Questions), 14); err != nil {
		return err
	}
	vals := make([]any, len(header))
	for i, h := range header {
		vals[i] = excelize.Cell{StyleID: b.st.header, Value: h}
	}
	if err := sw.SetRow("A1", vals); err != nil {
		return err
	}
	quotedText := b.quoted(0)
	row := 1
	var ref []byte
	err = b.in.Responses(func(rec []string) error {
		row++
		for i := range vals {
			vals[i] = nil
			if i >= len(rec) || rec[i] == "" {
				continue
			}
			s := rec[i]
			switch kinds[i] {
			case kindRating:
				if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < len(smallInts) {
					vals[i] = smallInts[n]
					continue
				}
			case kindNumber:
				if v, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXnN") {
					vals[i] = v
					continue
				}
			}
			s = clip(s)
			if formulaLead(s) {
				vals[i] = excelize.Cell{StyleID: quotedText, Value: s}
			} else {
				vals[i] = s
			}
		}
		ref = strconv.AppendInt(append(ref[:0], 'A'), int64(row), 10)
		return sw.SetRow(string(ref), vals)
	})
	if err != nil {
		return err
	}
	// Before Flush, which writes the filter into the streamed sheet.
	if err := b.f.AutoFilter(sh, fmt.Sprintf("A1:%s%d", colName(max(1, len(header))), row), nil); err != nil {
		return err
	}
	return sw.Flush()
}
