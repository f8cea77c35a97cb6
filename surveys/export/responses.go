package export

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

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
// times are dates (in UTC, to the second on screen), everything else is text
// written so no spreadsheet evaluates it.
func (b *book) responses(sh *sheet) {
	sw, err := b.f.NewStreamWriter(sh.name)
	if err != nil {
		sh.fail(err)
		return
	}
	cols := b.in.Responses.Columns
	ratings := len(cols) // the first rating column; status and the profile answers come before
	for i, c := range cols {
		if c.Kind == RatingColumn {
			ratings = i
			break
		}
	}
	vals := make([]any, len(cols))
	for i, c := range cols {
		vals[i] = excelize.Cell{StyleID: b.st.header, Value: c.Name}
	}
	sh.fail(sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}))
	sh.fail(sw.SetColWidth(1, 1, 38))
	sh.fail(sw.SetColWidth(2, ratings, 14))
	for i, c := range cols {
		if c.Kind == TimeColumn {
			sh.fail(sw.SetColWidth(i+1, i+1, 20))
		}
	}
	sh.fail(sw.SetRow("A1", vals))
	if sh.err != nil {
		return
	}
	quotedText := b.quoted(0)
	row := 1
	var ref []byte
	sh.fail(b.in.Responses.Rows(func(rec []string) error {
		row++
		for i := range vals {
			vals[i] = nil
			if i >= len(rec) || rec[i] == "" {
				continue
			}
			s := rec[i]
			switch cols[i].Kind {
			case RatingColumn:
				if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < len(smallInts) {
					vals[i] = smallInts[n]
					continue
				}
			case NumberColumn:
				if v, ok := number(s); ok {
					vals[i] = v
					continue
				}
			case TimeColumn:
				if t, err := time.Parse(time.RFC3339, s); err == nil {
					vals[i] = excelize.Cell{StyleID: b.st.timestamp, Value: t.UTC()}
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
	}))
	// Before Flush, which writes the filter into the streamed sheet.
	sh.filter(fmt.Sprintf("A1:%s%d", colName(max(1, len(cols))), row))
	if sh.err == nil {
		sh.err = sw.Flush()
	}
}
