package export

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// page is what a sheet needs to print well, gathered as it is written:
// its extent (cells and charts), the header rows frozen at its top, its
// column widths, merged cells, rows of set height and wrapped text.
// printable turns it into the sheet's print settings.
type page struct {
	maxCol, maxRow int
	titleRows      int
	widthOf        map[int]float64 // column widths set, in characters
	spans          map[[2]int]int  // a merged range's first cell (col, row) -> its last column
	fixed          map[int]bool    // rows whose height a sheet set itself
	wraps          []wrappedCell
}

type wrappedCell struct {
	col, row int
	text     string
	bold     bool
}

// Excel's default row: 15 points a line of 11-point text; a column width
// counts characters of the digit 0, a little wider than the average letter
// of a statement, so a width holds about that many characters (a bold one
// fewer).
const (
	lineHeight    = 15.0
	defaultWidth  = 8.43
	boldCharRatio = 0.9
	columnPixels  = 7.0 // per character of width, plus 5 of padding
	rowPixels     = 20.0
	maxRowHeight  = 409 // points, the tallest row Excel allows
)

// wrote notes a cell written, and a wrapping one's text.
func (sh *sheet) wrote(col, row int, text string, style int) {
	sh.maxCol, sh.maxRow = max(sh.maxCol, col), max(sh.maxRow, row)
	if text != "" && (style == sh.b.st.wrap || style == sh.b.st.header) {
		sh.wraps = append(sh.wraps, wrappedCell{col, row, text, style == sh.b.st.header})
	}
}

func (p *page) setWidth(col int, w float64) {
	if p.widthOf == nil {
		p.widthOf = map[int]float64{}
	}
	p.widthOf[col] = w
}

func (p *page) setHeight(row int) {
	if p.fixed == nil {
		p.fixed = map[int]bool{}
	}
	p.fixed[row] = true
}

func (p *page) merged(first, last string) {
	c1, r1, err1 := excelize.CellNameToCoordinates(first)
	c2, _, err2 := excelize.CellNameToCoordinates(last)
	if err1 != nil || err2 != nil {
		return
	}
	if p.spans == nil {
		p.spans = map[[2]int]int{}
	}
	p.spans[[2]int{c1, r1}] = c2
}

// charted extends the sheet's extent over a chart anchored at ref.
func (p *page) charted(ref string, d excelize.ChartDimension) {
	col, row, err := excelize.CellNameToCoordinates(ref)
	if err != nil {
		return
	}
	for w := float64(d.Width); w > 0; col++ {
		w -= p.colWidth(col)*columnPixels + 5
	}
	p.maxCol = max(p.maxCol, col-1)
	p.maxRow = max(p.maxRow, row+int(math.Ceil(float64(d.Height)/rowPixels)))
}

func (p *page) colWidth(col int) float64 {
	if w, ok := p.widthOf[col]; ok {
		return w
	}
	return defaultWidth
}

// lines is how many lines text takes in a cell width characters wide.
func lines(text string, width float64, bold bool) int {
	if bold {
		width *= boldCharRatio
	}
	n := 0
	for _, para := range strings.Split(text, "\n") {
		n += max(1, int(math.Ceil(float64(utf8.RuneCountInString(para))/math.Max(1, width-1))))
	}
	return n
}

// printable sets how a sheet prints: across the page width (as many pages
// down as it takes), landscape, its frozen header rows on every page, the
// cells and charts it holds as the print area, and every row of wrapped
// text tall enough for its lines: Excel keeps a row one line tall unless
// told, and the next row's text would cover the rest.
func (sh *sheet) printable() {
	if sh.err != nil || sh.maxRow == 0 {
		return
	}
	f := sh.b.f
	tall := map[int]int{}
	for _, w := range sh.wraps {
		if sh.fixed[w.row] {
			continue
		}
		width := sh.colWidth(w.col)
		if last, ok := sh.spans[[2]int{w.col, w.row}]; ok {
			for c := w.col + 1; c <= last; c++ {
				width += sh.colWidth(c)
			}
		}
		tall[w.row] = max(tall[w.row], lines(w.text, width, w.bold))
	}
	for row, n := range tall {
		if n > 1 && sh.err == nil {
			sh.err = f.SetRowHeight(sh.name, row, min(lineHeight*float64(n), maxRowHeight))
		}
	}
	quoted := "'" + strings.ReplaceAll(sh.name, "'", "''") + "'"
	names := []excelize.DefinedName{{Name: "_xlnm.Print_Area", Scope: sh.name,
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quoted, colName(sh.maxCol), sh.maxRow)}}
	if sh.titleRows > 0 {
		names = append(names, excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sh.name,
			RefersTo: fmt.Sprintf("%s!$1:$%d", quoted, sh.titleRows)})
	}
	for _, n := range names {
		if sh.err == nil {
			sh.err = f.SetDefinedName(&n)
		}
	}
	landscape, one, any := "landscape", 1, 0
	if sh.err == nil {
		sh.err = f.SetPageLayout(sh.name, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &any})
	}
	fit := true
	if sh.err == nil {
		sh.err = f.SetSheetProps(sh.name, &excelize.SheetPropsOptions{FitToPage: &fit})
	}
}
