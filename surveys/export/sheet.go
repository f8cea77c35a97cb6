package export

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheet writes one sheet of a book. It keeps the first error a write meets
// and makes every later write a no-op, so a sheet's method reads as its
// layout and book.build checks the error once, when the sheet is written.
type sheet struct {
	b    *book
	name string
	err  error
	page // what it takes to print it; see print.go
}

// fail keeps err unless an earlier error is kept already.
func (sh *sheet) fail(err error) {
	if sh.err == nil {
		sh.err = err
	}
}

// cell names a cell by 1-based column and row.
func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// text writes text that came from people (or may have) as a string cell
// that no spreadsheet evaluates; see safe.go.
func (sh *sheet) text(col, row int, s string, style int) {
	if sh.err != nil {
		return
	}
	s = clip(s)
	ref := cell(col, row)
	sh.wrote(col, row, s, style)
	sh.err = sh.b.f.SetCellStr(sh.name, ref, s)
	if formulaLead(s) {
		style = sh.b.quoted(style)
	}
	sh.style(ref, ref, style)
}

// float writes v exactly: excelize would otherwise cut it to Excel's 15
// significant digits, and the workbook should hold the numbers the API gives.
func (sh *sheet) float(col, row int, v float64) {
	if sh.err != nil {
		return
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	decimals := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		decimals = len(s) - i - 1
	}
	sh.wrote(col, row, "", 0)
	sh.err = sh.b.f.SetCellFloat(sh.name, cell(col, row), v, decimals, 64)
}

// int writes a whole number without boxing it as value would: the ranked
// tables write two on every row.
func (sh *sheet) int(col, row, v int) {
	if sh.err != nil {
		return
	}
	sh.wrote(col, row, "", 0)
	sh.err = sh.b.f.SetCellInt(sh.name, cell(col, row), int64(v))
}

// value writes a number, date or fixed text of odi's own.
func (sh *sheet) value(col, row int, v any, style int) {
	ref := cell(col, row)
	if x, ok := v.(float64); ok {
		sh.float(col, row, x)
	} else if sh.err == nil {
		text, _ := v.(string)
		sh.wrote(col, row, text, style)
		sh.err = sh.b.f.SetCellValue(sh.name, ref, v)
	}
	sh.style(ref, ref, style)
}

// header writes a header at row, starting in column col.
func (sh *sheet) header(col, row int, header []string) {
	for i, h := range header {
		sh.text(col+i, row, h, sh.b.st.header)
	}
}

// style gives the cells from the first to the last reference a style; 0
// leaves them as they are.
func (sh *sheet) style(first, last string, style int) {
	if sh.err != nil || style == 0 {
		return
	}
	sh.err = sh.b.f.SetCellStyle(sh.name, first, last, style)
}

// widths sets the widths of the columns from A on.
func (sh *sheet) widths(widths ...float64) {
	for i, w := range widths {
		sh.width(i+1, w)
	}
}

func (sh *sheet) width(col int, w float64) {
	if sh.err != nil {
		return
	}
	c := colName(col)
	sh.setWidth(col, w)
	sh.err = sh.b.f.SetColWidth(sh.name, c, c, w)
}

func (sh *sheet) height(row int, h float64) {
	if sh.err != nil {
		return
	}
	sh.setHeight(row)
	sh.err = sh.b.f.SetRowHeight(sh.name, row, h)
}

func (sh *sheet) merge(first, last string) {
	if sh.err != nil {
		return
	}
	sh.merged(first, last)
	sh.err = sh.b.f.MergeCell(sh.name, first, last)
}

// freeze keeps the rows above row and the columns before col in view.
func (sh *sheet) freeze(col, row int) {
	if sh.err != nil {
		return
	}
	top := cell(col, row)
	pane := "bottomLeft"
	if col > 1 {
		pane = "bottomRight"
	}
	sh.titleRows = row - 1
	sh.err = sh.b.f.SetPanes(sh.name, &excelize.Panes{Freeze: true, XSplit: col - 1, YSplit: row - 1, TopLeftCell: top,
		ActivePane: pane, Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: pane}}})
}

// filter puts the spreadsheet's filter buttons on a table, its header first.
func (sh *sheet) filter(rangeRef string) {
	if sh.err != nil {
		return
	}
	sh.err = sh.b.f.AutoFilter(sh.name, rangeRef, nil)
}

func (sh *sheet) format(rangeRef string, opts []excelize.ConditionalFormatOptions) {
	if sh.err != nil {
		return
	}
	sh.err = sh.b.f.SetConditionalFormat(sh.name, rangeRef, opts)
}

// classColours colours the class cells of a column, the text staying in the cell.
func (sh *sheet) classColours(rangeRef string) {
	opts := make([]excelize.ConditionalFormatOptions, 0, len(classes))
	for _, c := range classes {
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Value: `"` + c + `"`, Format: ptr(sh.b.st.classDXF[c])})
	}
	sh.format(rangeRef, opts)
}

func (sh *sheet) chart(ref string, c *excelize.Chart) {
	if sh.err != nil {
		return
	}
	sh.charted(ref, c.Dimension)
	sh.err = sh.b.f.AddChart(sh.name, ref, c)
}

// fact is one line of a block of labelled values.
type fact struct {
	label string
	v     any
	style int
	human bool // v is text that came from people, written with text
}

// fact writes f's label in col and its value beside it, merged across the
// columns up to mergeTo when that is further right.
func (sh *sheet) fact(col, row int, f fact, mergeTo int) {
	sh.text(col, row, f.label, sh.b.st.label)
	if mergeTo > col+1 {
		sh.merge(cell(col+1, row), cell(mergeTo, row))
	}
	if s, ok := f.v.(string); ok && f.human {
		sh.text(col+1, row, s, f.style)
	} else {
		sh.value(col+1, row, f.v, f.style)
	}
}
