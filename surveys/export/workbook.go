// Package export writes a study's results for people who work in
// spreadsheets: the Excel workbook (export.xlsx) and the ranked tables as one
// CSV file. It knows nothing of HTTP or storage: callers hand it what the
// store computed, so the researcher's download and a stakeholder's share link
// produce the same file from the same numbers.
package export

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/score"
)

// Input is everything a workbook shows.
type Input struct {
	Design        *surveys.Design
	Opportunities *results.Opportunities   // all respondents first, then the segment groups
	Fieldwork     *fieldwork.Summary       // nil leaves counts and dates out
	Query         results.OpportunityQuery // how the scores were asked for: filters, partial responses
	Responses     Rows                     // nil leaves the Responses sheet out
	Generated     time.Time                // zero means now
}

// Rows yields a study's responses in the wide layout of Design.WideHeader,
// one row per call of yield, which may reuse row once it returns. An error
// from yield stops the rows and is returned.
type Rows func(yield func(row []string) error) error

// Opportunity classes, best first, and the colours the pages use for them.
var (
	classes      = []string{"extreme", "high", "solid", "served", "overserved"}
	classColours = map[string]string{
		"extreme": "9B1C1C", "high": "C2410C", "solid": "A16207", "served": "5B6474", "overserved": "1D4ED8",
	}
)

// RankedHeader is the header row of every ranked table.
var RankedHeader = []string{"Rank", "Code", "Step", "Outcome", "Importance", "Satisfaction", "Opportunity", "Class", "n",
	"Importance CI low", "Importance CI high", "Satisfaction CI low", "Satisfaction CI high",
	"Mean importance", "Mean satisfaction", "Gap"}

// Workbook writes the study's workbook to w. Sheets, in order: Summary,
// Opportunities, one per segment group, Segment comparison, Landscape,
// Outcomes, Responses (only when in.Responses is set) and Quality.
func Workbook(w io.Writer, in Input) error {
	if in.Design == nil || in.Opportunities == nil || len(in.Opportunities.Groups) == 0 {
		return errors.New("workbook: a design and scored opportunities are required")
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
	groups []results.Group // the segment groups, without all respondents
	names  []string        // their sheet names
}

type styles struct {
	header, title, section, label, wrap, text, integer, dec1, dec3, percent, date, lowN int
	leftInt, leftDate                                                                   int // values beside labels
	classDXF                                                                            map[string]int
	quoted                                                                              map[int]int // style -> the same with quotePrefix
}

func newBook(in Input) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f, in: in, groups: in.Opportunities.Groups[1:]}
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
		title:    style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}}),
		section:  style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}}),
		label:    style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top}),
		wrap:     style(&excelize.Style{Alignment: wrapTop}),
		text:     style(&excelize.Style{Alignment: top}),
		integer:  style(&excelize.Style{NumFmt: 1, Alignment: top}),
		dec1:     style(&excelize.Style{CustomNumFmt: &one, Alignment: top}),
		dec3:     style(&excelize.Style{CustomNumFmt: &three, Alignment: top}),
		percent:  style(&excelize.Style{NumFmt: 10, Alignment: top}),
		date:     style(&excelize.Style{NumFmt: 22, Alignment: top}),
		leftInt:  style(&excelize.Style{NumFmt: 1, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}),
		leftDate: style(&excelize.Style{NumFmt: 22, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}),
		lowN:     style(&excelize.Style{CustomNumFmt: ptr(`0"*"`), Font: &excelize.Font{Italic: true}}),
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
func (b *book) text(sheet string, col, row int, s string, style int) error {
	s = clip(s)
	ref := cell(col, row)
	if err := b.f.SetCellStr(sheet, ref, s); err != nil {
		return err
	}
	if formulaLead(s) {
		style = b.quoted(style)
	}
	if style != 0 {
		return b.f.SetCellStyle(sheet, ref, ref, style)
	}
	return nil
}

// float writes v exactly: excelize would otherwise cut it to Excel's 15
// significant digits, and the workbook should hold the numbers the API gives.
func (b *book) float(sheet string, col, row int, v float64) error {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	decimals := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		decimals = len(s) - i - 1
	}
	return b.f.SetCellFloat(sheet, cell(col, row), v, decimals, 64)
}

// value writes a number, date or fixed text of odi's own.
func (b *book) value(sheet string, col, row int, v any, style int) error {
	ref := cell(col, row)
	var err error
	if x, ok := v.(float64); ok {
		err = b.float(sheet, col, row, x)
	} else {
		err = b.f.SetCellValue(sheet, ref, v)
	}
	if err != nil {
		return err
	}
	if style != 0 {
		return b.f.SetCellStyle(sheet, ref, ref, style)
	}
	return nil
}

// headerRow writes a header at row, starting in column col.
func (b *book) headerRow(sheet string, col, row int, header []string) error {
	for i, h := range header {
		if err := b.text(sheet, col+i, row, h, b.st.header); err != nil {
			return err
		}
	}
	return nil
}

// freeze keeps the rows above row and the columns before col in view.
func (b *book) freeze(sheet string, col, row int) error {
	top := cell(col, row)
	pane := "bottomLeft"
	if col > 1 {
		pane = "bottomRight"
	}
	return b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: col - 1, YSplit: row - 1, TopLeftCell: top,
		ActivePane: pane, Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: pane}}})
}

func (b *book) widths(sheet string, widths ...float64) error {
	for i, w := range widths {
		c := colName(i + 1)
		if err := b.f.SetColWidth(sheet, c, c, w); err != nil {
			return err
		}
	}
	return nil
}

// classColours colours the class cells of a column, the text staying in the cell.
func (b *book) classFormat(sheet, rangeRef string) error {
	opts := make([]excelize.ConditionalFormatOptions, 0, len(classes))
	for _, c := range classes {
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Value: `"` + c + `"`, Format: ptr(b.st.classDXF[c])})
	}
	return b.f.SetConditionalFormat(sheet, rangeRef, opts)
}

func (b *book) build() error {
	steps := []struct {
		name string
		fn   func() error
	}{
		{SheetSummary, b.summary},
		{SheetOpportunities, func() error { return b.ranked(SheetOpportunities, b.in.Opportunities.Groups[0]) }},
	}
	for i, g := range b.groups {
		steps = append(steps, struct {
			name string
			fn   func() error
		}{b.names[i], func() error { return b.ranked(b.names[i], g) }})
	}
	steps = append(steps, []struct {
		name string
		fn   func() error
	}{
		{SheetComparison, b.comparison},
		{SheetLandscape, b.landscape},
		{SheetOutcomes, b.outcomes},
	}...)
	if b.in.Responses != nil {
		steps = append(steps, struct {
			name string
			fn   func() error
		}{SheetResponses, b.responses})
	}
	steps = append(steps, struct {
		name string
		fn   func() error
	}{SheetQuality, b.quality})

	for i, s := range steps {
		if i == 0 {
			if err := b.f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := b.f.NewSheet(s.name); err != nil {
			return fmt.Errorf("sheet %q: %w", s.name, err)
		}
	}
	// Before any sheet has content: SetActiveSheet visits every sheet, and a
	// visit to the streamed Responses sheet reads all of it back into
	// memory (282 MB and 2.6 s for 2,000 × 100, against 58 MB and 0.22 s).
	b.f.SetActiveSheet(0)
	for _, s := range steps {
		if err := s.fn(); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	st := b.in.Design.Study
	return b.f.SetDocProps(&excelize.DocProperties{
		Title: oneLine(st.Name), Creator: "odi", Description: "Opportunity scores (importance and satisfaction, top-two-box)",
		Created: b.in.Generated.UTC().Format(time.RFC3339),
	})
}

// ranked writes one group's ranked table with the header in row 1, and what
// the group is to the right of it.
func (b *book) ranked(sheet string, g results.Group) error {
	if err := b.headerRow(sheet, 1, 1, RankedHeader); err != nil {
		return err
	}
	if err := b.widths(sheet, 6, 8, 12, 60, 12, 12, 12, 12, 7, 11, 11, 11, 11, 11, 11, 9); err != nil {
		return err
	}
	last := len(g.Outcomes) + 1
	if len(g.Outcomes) > 0 {
		for _, r := range []struct {
			from, to string
			style    int
		}{{"A", "A", b.st.integer}, {"I", "I", b.st.integer}, {"E", "G", b.st.dec1}, {"J", "P", b.st.dec1}} {
			if err := b.f.SetCellStyle(sheet, r.from+"2", fmt.Sprintf("%s%d", r.to, last), r.style); err != nil {
				return err
			}
		}
	}
	for i, o := range g.Outcomes {
		if err := b.rankedRow(sheet, i+2, o); err != nil {
			return err
		}
	}
	if err := b.freeze(sheet, 1, 2); err != nil {
		return err
	}
	if err := b.f.AutoFilter(sheet, fmt.Sprintf("A1:P%d", last), nil); err != nil {
		return err
	}
	if len(g.Outcomes) > 0 {
		if err := b.classFormat(sheet, fmt.Sprintf("H2:H%d", last)); err != nil {
			return err
		}
	}
	// What this group is, beside the table so the table stays a clean range.
	if err := b.f.SetColWidth(sheet, "R", "R", 14); err != nil {
		return err
	}
	if err := b.f.SetColWidth(sheet, "S", "S", 28); err != nil {
		return err
	}
	lowN := "no"
	if g.LowN {
		lowN = fmt.Sprintf("yes: fewer than %d respondents, read with care", b.in.Design.Study.MinN)
	}
	info := []struct {
		label string
		v     any
		style int
		human bool
	}{
		{"Group", g.Label, b.st.wrap, true},
		{"Respondents (n)", g.N, b.st.integer, false},
		{"Low n", lowN, b.st.wrap, false},
		{"Segment priority", g.Priority, b.st.dec3, false},
		{"Segmented by", b.in.Opportunities.SegmentBy, b.st.text, true},
	}
	for i, it := range info {
		if err := b.text(sheet, 18, i+1, it.label, b.st.label); err != nil {
			return err
		}
		var err error
		if s, ok := it.v.(string); ok {
			err = b.text(sheet, 19, i+1, s, it.style)
		} else {
			err = b.value(sheet, 19, i+1, it.v, it.style)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *book) rankedRow(sheet string, row int, o score.Row) error {
	for _, c := range []struct{ col, v int }{{1, o.Rank}, {9, o.N}} {
		if err := b.f.SetCellInt(sheet, cell(c.col, row), int64(c.v)); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		col int
		v   float64
	}{
		{5, o.Importance}, {6, o.Satisfaction}, {7, o.Opportunity},
		{10, o.ImportanceCI[0]}, {11, o.ImportanceCI[1]}, {12, o.SatisfactionCI[0]}, {13, o.SatisfactionCI[1]},
		{14, o.MeanImportance}, {15, o.MeanSatisfaction}, {16, o.Gap},
	} {
		if err := b.float(sheet, c.col, row, c.v); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		col   int
		s     string
		style int
	}{
		{2, o.Code, b.st.text}, {3, o.Step, b.st.text}, {4, o.Statement, b.st.wrap}, {8, o.Class, b.st.text},
	} {
		if err := b.text(sheet, c.col, row, c.s, c.style); err != nil {
			return err
		}
	}
	return nil
}

// summary is the first sheet: the study, its fieldwork, the top outcomes and
// which segment to serve first.
func (b *book) summary() error {
	sh := SheetSummary
	d, in := b.in.Design, b.in
	st := d.Study
	if err := b.widths(sh, 24, 10, 60, 13, 12, 13, 13); err != nil {
		return err
	}
	if err := b.value(sh, 1, 1, "Opportunity report", b.st.title); err != nil {
		return err
	}
	row := 3
	kv := func(label string, v any, style int, human bool) error {
		if err := b.text(sh, 1, row, label, b.st.label); err != nil {
			return err
		}
		if err := b.f.MergeCell(sh, cell(2, row), cell(7, row)); err != nil {
			return err
		}
		var err error
		if s, ok := v.(string); ok && human {
			err = b.text(sh, 2, row, s, style)
		} else {
			err = b.value(sh, 2, row, v, style)
		}
		row++
		return err
	}
	dateOr := func(t *time.Time) any {
		if t == nil {
			return "—"
		}
		return t.UTC()
	}
	segBy := in.Opportunities.SegmentBy
	if segBy == "" {
		segBy = "not segmented"
	}
	market := any("not set (1)")
	if st.MarketSize != nil {
		market = *st.MarketSize
	}
	filters := "none: every respondent"
	if fs := in.Query.Filters; len(fs) > 0 {
		parts := make([]string, len(fs))
		for i, f := range fs {
			parts[i] = f.Key + " = " + f.Value
		}
		filters = strings.Join(parts, " and ")
	}
	counted := "complete responses not excluded by the researcher"
	if in.Query.IncludePartial {
		counted = "complete and in-progress responses not excluded by the researcher"
	}
	rows := []struct {
		label string
		v     any
		style int
		human bool
	}{
		{"Study", st.Name, b.st.wrap, true},
		{"Job", st.Job.Sentence(), b.st.wrap, true},
		{"Who was asked", st.RespondentRole, b.st.wrap, true},
		{"Status", st.Status, b.st.text, false},
		{"Segmented by", segBy, b.st.text, true},
		{"Filtered to", filters, b.st.wrap, true},
		{"Counted", counted, b.st.text, false},
		{"Minimum n per group", st.MinN, b.st.leftInt, false},
		{"Addressable market size", market, b.st.text, false},
		{"Published", dateOr(st.PublishedAt), b.st.leftDate, false},
		{"Closed", dateOr(st.ClosedAt), b.st.leftDate, false},
	}
	if fw := in.Fieldwork; fw != nil {
		var first *time.Time
		if len(fw.PerDay) > 0 {
			if t, err := time.Parse("2006-01-02", fw.PerDay[0].Day); err == nil {
				first = &t
			}
		}
		rows = append(rows, []struct {
			label string
			v     any
			style int
			human bool
		}{
			{"First response (day, UTC)", dateOr(first), b.st.leftDate, false},
			{"Last response", dateOr(fw.LastResponse), b.st.leftDate, false},
			{"Started", fw.Started, b.st.leftInt, false},
			{"Complete", fw.Counts[surveys.Complete], b.st.leftInt, false},
			{"In progress", fw.Counts[surveys.InProgress], b.st.leftInt, false},
			{"Screened out", fw.Counts[surveys.ScreenedOut], b.st.leftInt, false},
			{"Excluded by the researcher", fw.Counts["excluded"], b.st.leftInt, false},
		}...)
	}
	rows = append(rows, []struct {
		label string
		v     any
		style int
		human bool
	}{
		{"Respondents in the results (n)", in.Opportunities.Groups[0].N, b.st.leftInt, false},
		{"Generated", in.Generated.UTC(), b.st.leftDate, false},
		{"Classes", "Opportunity = importance + max(importance − satisfaction, 0), each 0–10 (share rating 4 or 5). " +
			"extreme ≥ 15, high ≥ 12, solid ≥ 10 are underserved; below 10, overserved when satisfaction > importance, else served.", b.st.wrap, false},
	}...)
	for _, r := range rows {
		if r.label == "Job" && len(st.Job.Sentence()) > 90 {
			if err := b.f.SetRowHeight(sh, row, 32); err != nil { // two lines of sentence
				return err
			}
		}
		if err := kv(r.label, r.v, r.style, r.human); err != nil {
			return err
		}
	}
	if err := b.f.SetRowHeight(sh, row-1, 45); err != nil { // the class note
		return err
	}

	// Top outcomes of all respondents.
	row++
	if err := b.value(sh, 1, row, "Top outcomes (all respondents)", b.st.section); err != nil {
		return err
	}
	row++
	if err := b.headerRow(sh, 1, row, []string{"Rank", "Code", "Outcome", "Opportunity", "Class", "Importance", "Satisfaction"}); err != nil {
		return err
	}
	all := in.Opportunities.Groups[0].Outcomes
	first := row + 1
	for _, o := range all[:min(10, len(all))] {
		row++
		for _, c := range []struct {
			col   int
			v     any
			style int
		}{{1, o.Rank, b.st.integer}, {4, o.Opportunity, b.st.dec1}, {6, o.Importance, b.st.dec1}, {7, o.Satisfaction, b.st.dec1}} {
			if err := b.value(sh, c.col, row, c.v, c.style); err != nil {
				return err
			}
		}
		for _, c := range []struct {
			col   int
			s     string
			style int
		}{{2, o.Code, b.st.text}, {3, o.Statement, b.st.wrap}, {5, o.Class, b.st.text}} {
			if err := b.text(sh, c.col, row, c.s, c.style); err != nil {
				return err
			}
		}
	}
	if row >= first {
		if err := b.classFormat(sh, fmt.Sprintf("E%d:E%d", first, row)); err != nil {
			return err
		}
	}

	// Segment priority: which group to serve first.
	if len(b.groups) == 0 {
		return nil
	}
	row += 2
	if err := b.value(sh, 1, row, "Segment priority", b.st.section); err != nil {
		return err
	}
	row++
	if err := b.text(sh, 1, row, "Mean importance × (1 − mean satisfaction) of each group's five top outcomes, "+
		"× its share of respondents × the market size. Highest first.", b.st.text); err != nil {
		return err
	}
	row++
	if err := b.headerRow(sh, 1, row, []string{"Segment", "n", "Top outcome", "Priority", "Low n"}); err != nil {
		return err
	}
	order := slices.Clone(b.groups)
	slices.SortStableFunc(order, func(x, y results.Group) int {
		switch {
		case x.Priority > y.Priority:
			return -1
		case x.Priority < y.Priority:
			return 1
		}
		return 0
	})
	for _, g := range order {
		row++
		top := ""
		if len(g.Outcomes) > 0 {
			top = g.Outcomes[0].Code + " " + g.Outcomes[0].Statement
		}
		lowN := ""
		if g.LowN {
			lowN = "low n"
		}
		if err := b.text(sh, 1, row, g.Label, b.st.wrap); err != nil {
			return err
		}
		if err := b.value(sh, 2, row, g.N, b.st.integer); err != nil {
			return err
		}
		if err := b.text(sh, 3, row, top, b.st.wrap); err != nil {
			return err
		}
		if err := b.value(sh, 4, row, g.Priority, b.st.dec3); err != nil {
			return err
		}
		if err := b.value(sh, 5, row, lowN, b.st.text); err != nil {
			return err
		}
	}
	return nil
}

// comparison is the outcome × group heat map of opportunity, in the order of
// all respondents, with each group's n above its column.
func (b *book) comparison() error {
	sh := SheetComparison
	groups := b.in.Opportunities.Groups
	all := groups[0].Outcomes
	widths := []float64{6, 8, 60}
	for range groups {
		widths = append(widths, 14)
	}
	if err := b.widths(sh, widths...); err != nil {
		return err
	}
	note := "n per group"
	if slices.ContainsFunc(groups, func(g results.Group) bool { return g.LowN }) {
		note = fmt.Sprintf("n per group (* fewer than %d: read with care)", b.in.Design.Study.MinN)
	}
	if err := b.text(sh, 3, 1, note, b.st.label); err != nil {
		return err
	}
	header := []string{"Rank", "Code", "Outcome"}
	for _, g := range groups {
		header = append(header, g.Label)
	}
	if err := b.headerRow(sh, 1, 2, header); err != nil {
		return err
	}
	for gi, g := range groups {
		style := b.st.integer
		if g.LowN {
			style = b.st.lowN
		}
		if err := b.value(sh, 4+gi, 1, g.N, style); err != nil {
			return err
		}
	}
	lastCol := colName(3 + len(groups))
	lastRow := len(all) + 2
	if len(all) > 0 {
		if err := b.f.SetCellStyle(sh, "D3", fmt.Sprintf("%s%d", lastCol, lastRow), b.st.dec1); err != nil {
			return err
		}
	}
	for i, o := range b.in.Opportunities.Comparison() {
		row := i + 3
		if err := b.value(sh, 1, row, o.Rank, b.st.integer); err != nil {
			return err
		}
		if err := b.text(sh, 2, row, o.Code, b.st.text); err != nil {
			return err
		}
		if err := b.text(sh, 3, row, o.Statement, b.st.wrap); err != nil {
			return err
		}
		for gi, c := range o.Cells {
			if c.N > 0 {
				if err := b.float(sh, 4+gi, row, c.Opportunity); err != nil {
					return err
				}
			}
		}
	}
	if err := b.freeze(sh, 4, 3); err != nil {
		return err
	}
	if err := b.f.AutoFilter(sh, fmt.Sprintf("A2:%s%d", lastCol, lastRow), nil); err != nil {
		return err
	}
	if len(all) == 0 {
		return nil
	}
	// Fixed anchors, so the same colour means the same opportunity in every
	// column and every workbook: 0 pale, 10 (solid) amber, 20 red.
	return b.f.SetConditionalFormat(sh, fmt.Sprintf("D3:%s%d", lastCol, lastRow), []excelize.ConditionalFormatOptions{{
		Type: "3_color_scale", Criteria: "=",
		MinType: "num", MinValue: "0", MinColor: "F4F6FA",
		MidType: "num", MidValue: "10", MidColor: "FCD97D",
		MaxType: "num", MaxValue: "20", MaxColor: "E0645C",
	}})
}

// guides are the lines of equal opportunity the landscape draws: importance
// + max(importance − satisfaction, 0) = c runs from (c/2, 0) to (10, 20 − c)
// when c ≥ 10.
var guides = []float64{10, 12, 15}

// landscape is the importance–satisfaction scatter chart of all
// respondents, one series per class, with the table it plots.
func (b *book) landscape() error {
	sh := SheetLandscape
	all := b.in.Opportunities.Groups[0].Outcomes
	if err := b.widths(sh, 8, 50, 12, 12, 12, 12, 7, 3, 16, 12, 12); err != nil {
		return err
	}
	if err := b.headerRow(sh, 1, 1, []string{"Code", "Outcome", "Importance", "Satisfaction", "Opportunity", "Class", "Rank"}); err != nil {
		return err
	}
	// Grouped by class, so each class is one contiguous series.
	rows := slices.Clone(all)
	classIndex := func(c string) int {
		if i := slices.Index(classes, c); i >= 0 {
			return i
		}
		return len(classes)
	}
	slices.SortStableFunc(rows, func(x, y score.Row) int { return classIndex(x.Class) - classIndex(y.Class) })
	last := len(rows) + 1
	if len(rows) > 0 {
		if err := b.f.SetCellStyle(sh, "C2", fmt.Sprintf("E%d", last), b.st.dec1); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(sh, "G2", fmt.Sprintf("G%d", last), b.st.integer); err != nil {
			return err
		}
	}
	type span struct {
		class       string
		first, last int
	}
	var spans []span
	for i, o := range rows {
		row := i + 2
		if err := b.text(sh, 1, row, o.Code, b.st.text); err != nil {
			return err
		}
		if err := b.text(sh, 2, row, o.Statement, b.st.wrap); err != nil {
			return err
		}
		for _, c := range []struct {
			col int
			v   float64
		}{{3, o.Importance}, {4, o.Satisfaction}, {5, o.Opportunity}, {7, float64(o.Rank)}} {
			if err := b.float(sh, c.col, row, c.v); err != nil {
				return err
			}
		}
		if err := b.text(sh, 6, row, o.Class, b.st.text); err != nil {
			return err
		}
		if n := len(spans); n > 0 && spans[n-1].class == o.Class {
			spans[n-1].last = row
		} else {
			spans = append(spans, span{o.Class, row, row})
		}
	}
	if err := b.freeze(sh, 1, 2); err != nil {
		return err
	}
	if err := b.f.AutoFilter(sh, fmt.Sprintf("A1:G%d", last), nil); err != nil {
		return err
	}
	if len(rows) > 0 {
		if err := b.classFormat(sh, fmt.Sprintf("F2:F%d", last)); err != nil {
			return err
		}
	}
	// The guide lines' points.
	if err := b.headerRow(sh, 9, 1, []string{"Guide", "Importance", "Satisfaction"}); err != nil {
		return err
	}
	for i, c := range guides {
		for j, p := range [][2]float64{{c / 2, 0}, {10, 20 - c}} {
			row := 2 + 2*i + j
			if err := b.value(sh, 9, row, fmt.Sprintf("Opportunity %g", c), b.st.text); err != nil {
				return err
			}
			if err := b.value(sh, 10, row, p[0], b.st.dec1); err != nil {
				return err
			}
			if err := b.value(sh, 11, row, p[1], b.st.dec1); err != nil {
				return err
			}
		}
	}
	if len(rows) == 0 {
		return b.text(sh, 9, 10, "No outcomes to plot yet.", b.st.text)
	}
	ref := func(col string, r1, r2 int) string { return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sh, col, r1, col, r2) }
	var series []excelize.ChartSeries
	for _, s := range spans {
		colour := classColours[s.class]
		if colour == "" {
			colour = "5B6474"
		}
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$F$%d", sh, s.first),
			Categories: ref("C", s.first, s.last),
			Values:     ref("D", s.first, s.last),
			Marker: excelize.ChartMarker{Symbol: "circle", Size: 7,
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}}},
		})
	}
	for i := range guides {
		row := 2 + 2*i
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$I$%d", sh, row),
			Categories: ref("J", row, row+1),
			Values:     ref("K", row, row+1),
			Line:       excelize.LineOptions{Type: excelize.LineSolid, Dash: excelize.LineDashDash, Width: 1},
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{[]string{"A16207", "C2410C", "9B1C1C"}[i]}},
			Marker:     excelize.ChartMarker{Symbol: "none"},
		})
	}
	zero, ten := 0.0, 10.0
	axis := func(title string) excelize.ChartAxis {
		return excelize.ChartAxis{Minimum: &zero, Maximum: &ten, MajorUnit: 2, MajorGridLines: true,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}}}
	}
	return b.f.AddChart(sh, "I10", &excelize.Chart{
		Type:      excelize.Scatter,
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Opportunity landscape (all respondents)"}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		XAxis:     axis("Importance"),
		YAxis:     axis("Satisfaction"),
		Dimension: excelize.ChartDimension{Width: 720, Height: 540},
		Format:    excelize.GraphicOptions{AltText: "Importance (x) against satisfaction (y) of every outcome, all respondents"},
	})
}

// outcomes lists the statements in survey order with their parsed parts and,
// in the researcher's workbook, their lint: a share link's design carries
// none, since stakeholders read results, not drafting advice.
func (b *book) outcomes() error {
	sh := SheetOutcomes
	if err := b.widths(sh, 8, 12, 60, 14, 18, 24, 30, 50); err != nil {
		return err
	}
	header := []string{"Code", "Step", "Statement", "Direction", "Metric", "Object of control", "Contextual clarifier"}
	linted := b.in.Design.Linted
	if linted {
		header = append(header, "Lint")
	}
	if err := b.headerRow(sh, 1, 1, header); err != nil {
		return err
	}
	for i, o := range b.in.Design.Outcomes {
		row := i + 2
		cells := []string{o.Code, o.Step, o.Statement, o.Parsed.Direction, o.Parsed.Metric, o.Parsed.Object, o.Parsed.Clarifier}
		if linted {
			lint := make([]string, len(o.Lint))
			for j, l := range o.Lint {
				lint[j] = l.Rule + ": " + l.Message
			}
			cells = append(cells, strings.Join(lint, "; "))
		}
		for col, s := range cells {
			style := b.st.wrap
			if col < 2 {
				style = b.st.text
			}
			if err := b.text(sh, col+1, row, s, style); err != nil {
				return err
			}
		}
	}
	if err := b.freeze(sh, 1, 2); err != nil {
		return err
	}
	last, err := excelize.ColumnNumberToName(len(header))
	if err != nil {
		return err
	}
	return b.f.AutoFilter(sh, fmt.Sprintf("A1:%s%d", last, len(b.in.Design.Outcomes)+1), nil)
}

// quality counts the responses by status and by quality flag.
func (b *book) quality() error {
	sh := SheetQuality
	if err := b.widths(sh, 44, 12); err != nil {
		return err
	}
	if err := b.headerRow(sh, 1, 1, []string{"Measure", "Value"}); err != nil {
		return err
	}
	row := 1
	put := func(label string, v any, style int) error {
		row++
		if err := b.value(sh, 1, row, label, b.st.text); err != nil {
			return err
		}
		return b.value(sh, 2, row, v, style)
	}
	if fw := b.in.Fieldwork; fw != nil {
		for _, m := range []struct {
			label string
			v     int
		}{
			{"Started", fw.Started},
			{"Complete", fw.Counts[surveys.Complete]},
			{"In progress", fw.Counts[surveys.InProgress]},
			{"Screened out", fw.Counts[surveys.ScreenedOut]},
			{"Excluded from the results by the researcher", fw.Counts["excluded"]},
			{"Carrying any quality flag", fw.Flagged},
		} {
			if err := put(m.label, m.v, b.st.integer); err != nil {
				return err
			}
		}
	}
	if fw := b.in.Fieldwork; fw != nil {
		for _, f := range surveys.QualityFlagNames {
			if err := put("Flag: "+strings.ReplaceAll(f, "_", " "), fw.Flags[f], b.st.integer); err != nil {
				return err
			}
		}
	}
	if fw := b.in.Fieldwork; fw != nil {
		if err := put("Completion rate (complete / (complete + in progress))", fw.CompletionRate, b.st.percent); err != nil {
			return err
		}
		if err := put("Median time to complete (seconds)", fw.MedianSeconds, b.st.integer); err != nil {
			return err
		}
	}
	row++
	if err := b.value(sh, 1, row+1, "Flagged responses stay in the results until the researcher excludes them; "+
		"straight lining = the same ratings for every outcome, speeding = under a third of the median time.", b.st.wrap); err != nil {
		return err
	}
	if err := b.f.SetRowHeight(sh, row+1, 48); err != nil {
		return err
	}
	return b.freeze(sh, 1, 2)
}
