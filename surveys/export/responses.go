package export

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"odi/surveys"
)

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

// number reads an answer of a number or NPS column as a number, when it is
// one as a person writes it: not hexadecimal, infinite or NaN, which
// ParseFloat also accepts.
func number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !strings.ContainsAny(s, "xXnN")
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
				if v, ok := number(s); ok {
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
