package export

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"
)

// Opportunity classes, best first, and the colours the pages use for them.
var (
	classes      = []string{"extreme", "high", "solid", "served", "overserved"}
	classColours = map[string]string{
		"extreme": "9B1C1C", "high": "C2410C", "solid": "A16207", "served": "5B6474", "overserved": "1D4ED8",
	}
)

// Workbook writes the study's workbook to w. Sheets, in order: Summary,
// Opportunities, one per segment group, Segment comparison, Segment canvas
// (only when in.Canvas is set), Typing tool (only when in.Typing is set),
// Wave comparison (only when in.Waves is set), Landscape, Outcomes, Responses (only when in.Responses is set) and Quality.
func Workbook(w io.Writer, in Input) error {
	if len(in.Groups) == 0 {
		return errors.New("workbook: scored opportunities are required")
	}
	if in.Generated.IsZero() {
		in.Generated = time.Now().UTC()
	}
	b, err := newBook(in)
	if err != nil {
		return err
	}
	defer b.f.Close()
	if err := b.build(); err != nil {
		return err
	}
	// excelize assembles the whole zip in a buffer and then copies it to the
	// writer it is given. Its zip writer hook is handed w itself instead, so
	// the parts stream out as they are compressed and the buffer stays empty
	// (its only other use, patching the headers of parts over 4 GB, never
	// applies: no sheet of a study comes near that). Deflate runs at its
	// fastest level, about half the time of the default for a file a few
	// percent larger.
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, fastDeflate)
		return zw
	})
	if err := b.f.Write(io.Discard); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// flateWriters keeps compressors between the parts of a workbook and between
// workbooks, as archive/zip does for its own: each one is a megabyte.
var flateWriters sync.Pool

type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flateWriters.Put(p.Writer)
	return err
}

func fastDeflate(out io.Writer) (io.WriteCloser, error) {
	if fw, ok := flateWriters.Get().(*flate.Writer); ok {
		fw.Reset(out)
		return pooledFlate{fw}, nil
	}
	fw, err := flate.NewWriter(out, flate.BestSpeed)
	return pooledFlate{fw}, err
}

// book is a workbook being built.
type book struct {
	f      *excelize.File
	in     Input
	st     styles
	groups []Group  // the segment groups, without all respondents
	names  []string // their sheet names
}

type styles struct {
	header, title, section, label, wrap, text, integer, dec1, dec3, percent, date, timestamp, lowN int
	leftInt, leftDate                                                                              int // values beside labels
	classDXF                                                                                       map[string]int
	quoted                                                                                         map[int]int    // style -> the same with quotePrefix
	marked                                                                                         map[string]int // significance marks -> the style that shows them
}

func newBook(in Input) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f, in: in, groups: in.Groups[1:]}
	labels := make([]string, len(b.groups))
	for i, g := range b.groups {
		labels[i] = g.Label
	}
	b.names = SheetNames(labels)
	if err := b.newStyles(); err != nil {
		f.Close()
		return nil, err
	}
	return b, nil
}

func (b *book) newStyles() error {
	f := b.f
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	top := &excelize.Alignment{Vertical: "top"}
	wrapTop := &excelize.Alignment{Vertical: "top", WrapText: true}
	one, three := "0.0", "0.000"
	b.st = styles{
		header: style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "bottom", WrapText: true},
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EBF0"}},
			Border: []excelize.Border{{Type: "bottom", Color: "8A93A3", Style: 1}}}),
		title:     style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}}),
		section:   style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}}),
		label:     style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top}),
		wrap:      style(&excelize.Style{Alignment: wrapTop}),
		text:      style(&excelize.Style{Alignment: top}),
		integer:   style(&excelize.Style{NumFmt: 1, Alignment: top}),
		dec1:      style(&excelize.Style{CustomNumFmt: &one, Alignment: top}),
		dec3:      style(&excelize.Style{CustomNumFmt: &three, Alignment: top}),
		percent:   style(&excelize.Style{NumFmt: 10, Alignment: top}),
		date:      style(&excelize.Style{NumFmt: 22, Alignment: top}),
		timestamp: style(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm:ss"), Alignment: top}),
		leftInt:   style(&excelize.Style{NumFmt: 1, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}),
		leftDate:  style(&excelize.Style{NumFmt: 22, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}),
		lowN:      style(&excelize.Style{CustomNumFmt: ptr(`0"*"`), Font: &excelize.Font{Italic: true}}),
	}
	if err != nil {
		return fmt.Errorf("workbook styles: %w", err)
	}
	b.st.classDXF = map[string]int{}
	for _, c := range classes {
		id, err := f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{classColours[c]}},
		})
		if err != nil {
			return fmt.Errorf("workbook styles: %w", err)
		}
		b.st.classDXF[c] = id
	}
	b.st.quoted = map[int]int{}
	b.st.marked = map[string]int{}
	return nil
}

func ptr[T any](v T) *T { return &v }

// quoted is style id with quotePrefix set, made on first use. excelize has
// no option for the attribute, so the cell format is copied and marked in
// the style sheet directly; NewStyle keeps returning the unmarked original,
// which always comes first.
func (b *book) quoted(id int) int {
	if q, ok := b.st.quoted[id]; ok {
		return q
	}
	xfs := b.f.Styles.CellXfs
	xf := xfs.Xf[id]
	xf.QuotePrefix = ptr(true)
	xfs.Xf = append(xfs.Xf, xf)
	xfs.Count = len(xfs.Xf)
	q := len(xfs.Xf) - 1
	b.st.quoted[id] = q
	return q
}

// part is one sheet of the workbook: its name and the method that writes it.
type part struct {
	name  string
	write func(*sheet)
}

// parts are the workbook's sheets in order. A new sheet is one method that
// writes it, listed here.
func (b *book) parts() []part {
	parts := []part{
		{SheetSummary, b.summary},
		{SheetOpportunities, func(sh *sheet) { b.ranked(sh, b.in.Groups[0]) }},
	}
	for i, g := range b.groups {
		parts = append(parts, part{b.names[i], func(sh *sheet) { b.ranked(sh, g) }})
	}
	parts = append(parts, part{SheetComparison, b.comparison})
	if b.in.Canvas != nil {
		parts = append(parts, part{SheetCanvas, b.canvas})
	}
	if b.in.Typing != nil {
		parts = append(parts, part{SheetTyping, b.typing})
	}
	if b.in.Waves != nil {
		parts = append(parts, part{SheetWaves, b.waves})
	}
	parts = append(parts, part{SheetLandscape, b.landscape}, part{SheetOutcomes, b.outcomes})
	if b.in.Responses != nil {
		parts = append(parts, part{SheetResponses, b.responses})
	}
	return append(parts, part{SheetQuality, b.quality})
}

func (b *book) build() error {
	parts := b.parts()
	for i, p := range parts {
		if i == 0 {
			if err := b.f.SetSheetName("Sheet1", p.name); err != nil {
				return err
			}
		} else if _, err := b.f.NewSheet(p.name); err != nil {
			return fmt.Errorf("sheet %q: %w", p.name, err)
		}
	}
	// Before any sheet has content: SetActiveSheet visits every sheet, and a
	// visit to the streamed Responses sheet reads all of it back into
	// memory (282 MB and 2.6 s for 2,000 × 100, against 58 MB and 0.22 s).
	b.f.SetActiveSheet(0)
	for _, p := range parts {
		sh := &sheet{b: b, name: p.name}
		p.write(sh)
		if p.name != SheetResponses { // streamed: a setting would read it all back (see above); it is data, not a page
			sh.printable()
		}
		if sh.err != nil {
			return fmt.Errorf("sheet %s: %w", p.name, sh.err)
		}
	}
	return b.f.SetDocProps(&excelize.DocProperties{
		Title: oneLine(b.in.Study.Name), Creator: "odi", Description: "Opportunity scores (importance and satisfaction, top-two-box)",
		Created: b.in.Generated.UTC().Format(time.RFC3339),
	})
}
