package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"odi/surveys/score"
)

// comparison is the outcome × group heat map of opportunity, in the order of
// all respondents, with each group's n above its column.
func (b *book) comparison(sh *sheet) {
	groups := b.in.Groups
	all := groups[0].Outcomes
	widths := []float64{6, 8, 60}
	for range groups {
		widths = append(widths, 14)
	}
	sh.widths(widths...)
	note := "n per group"
	if slices.ContainsFunc(groups, func(g Group) bool { return g.LowN }) {
		note = fmt.Sprintf("n per group (* fewer than %d: read with care)", b.in.Study.MinN)
	}
	sh.text(3, 1, note, b.st.label)
	header := []string{"Rank", "Code", "Outcome"}
	for _, g := range groups {
		header = append(header, g.Label)
	}
	sh.header(1, 2, header)
	for gi, g := range groups {
		style := b.st.integer
		if g.LowN {
			style = b.st.lowN
		}
		sh.value(4+gi, 1, g.N, style)
	}
	lastCol := colName(3 + len(groups))
	lastRow := len(all) + 2
	if len(all) > 0 {
		sh.style("D3", fmt.Sprintf("%s%d", lastCol, lastRow), b.st.dec1)
	}
	for i, o := range b.in.Comparison {
		row := i + 3
		sh.value(1, row, o.Rank, b.st.integer)
		sh.text(2, row, o.Code, b.st.text)
		sh.text(3, row, o.Statement, b.st.wrap)
		for gi, c := range o.Cells {
			if c.NotAsked {
				sh.text(4+gi, row, "not asked", b.st.label)
				continue
			}
			if c.N == 0 {
				continue
			}
			sh.float(4+gi, row, c.Opportunity)
			if m := score.Marks(c, o.Cells[0]); m != nil {
				ref := cell(4+gi, row)
				sh.style(ref, ref, b.markStyle(sh, strings.Join(m, " ")))
			}
		}
	}
	sh.freeze(4, 3)
	sh.filter(fmt.Sprintf("A2:%s%d", lastCol, lastRow))
	if len(all) == 0 {
		return
	}
	sh.text(3, lastRow+2, SignificanceLegend, b.st.wrap)
	// Fixed anchors, so the same colour means the same opportunity in every
	// column and every workbook: 0 pale, 10 (solid) amber, 20 red.
	sh.format(fmt.Sprintf("D3:%s%d", lastCol, lastRow), []excelize.ConditionalFormatOptions{{
		Type: "3_color_scale", Criteria: "=",
		MinType: "num", MinValue: "0", MinColor: "F4F6FA",
		MidType: "num", MidValue: "10", MidColor: "FCD97D",
		MaxType: "num", MaxValue: "20", MaxColor: "E0645C",
	}})
}

// SignificanceLegend says what the marks beside an opportunity mean.
const SignificanceLegend = "I↑ I↓: importance, S↑ S↓: satisfaction significantly higher or lower in the group than in everyone else " +
	"(the share rating 4 or 5; pooled two-proportion z test, two-sided, Benjamini-Hochberg at 5% across the group's outcomes and both scales)."

// markStyle is the one-decimal style followed by the marks, made on first
// use: the cell keeps its number, so the heat map's colours and sorting
// still work.
func (b *book) markStyle(sh *sheet, marks string) int {
	if id, ok := b.st.marked[marks]; ok {
		return id
	}
	id, err := b.f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`0.0" ` + marks + `"`), Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		sh.fail(fmt.Errorf("style for %q: %w", marks, err))
		return 0
	}
	b.st.marked[marks] = id
	return id
}

// guides are the lines of equal opportunity the landscape draws: importance
// + max(importance − satisfaction, 0) = c runs from (c/2, 0) to (10, 20 − c)
// when c ≥ 10.
var guides = []float64{10, 12, 15}

// maxLabelledPoints is the most outcomes the landscape chart labels, one
// series each, well under Excel's 255 series a chart.
const maxLabelledPoints = 150

// landscape is the importance–satisfaction scatter chart of all
// respondents, one series per class, with the table it plots.
func (b *book) landscape(sh *sheet) {
	sh.widths(8, 50, 12, 12, 12, 12, 7, 3, 16, 12, 12)
	sh.header(1, 1, []string{"Code", "Outcome", "Importance", "Satisfaction", "Opportunity", "Class", "Rank"})
	// Grouped by class, so each class is one contiguous series.
	rows := slices.Clone(b.in.Groups[0].Outcomes)
	classIndex := func(c string) int {
		if i := slices.Index(classes, c); i >= 0 {
			return i
		}
		return len(classes)
	}
	slices.SortStableFunc(rows, func(x, y score.Row) int { return classIndex(x.Class) - classIndex(y.Class) })
	last := len(rows) + 1
	if len(rows) > 0 {
		sh.style("C2", fmt.Sprintf("E%d", last), b.st.dec1)
		sh.style("G2", fmt.Sprintf("G%d", last), b.st.integer)
	}
	type span struct {
		class       string
		first, last int
	}
	var spans []span
	for i, o := range rows {
		row := i + 2
		sh.text(1, row, o.Code, b.st.text)
		sh.text(2, row, o.Statement, b.st.wrap)
		sh.float(3, row, o.Importance)
		sh.float(4, row, o.Satisfaction)
		sh.float(5, row, o.Opportunity)
		sh.float(7, row, float64(o.Rank))
		sh.text(6, row, o.Class, b.st.text)
		if n := len(spans); n > 0 && spans[n-1].class == o.Class {
			spans[n-1].last = row
		} else {
			spans = append(spans, span{o.Class, row, row})
		}
	}
	sh.freeze(1, 2)
	sh.filter(fmt.Sprintf("A1:G%d", last))
	if len(rows) > 0 {
		sh.classColours(fmt.Sprintf("F2:F%d", last))
	}
	// The guide lines' points.
	sh.header(9, 1, []string{"Guide", "Importance", "Satisfaction"})
	for i, c := range guides {
		for j, p := range [][2]float64{{c / 2, 0}, {10, 20 - c}} {
			row := 2 + 2*i + j
			sh.value(9, row, fmt.Sprintf("Opportunity %g", c), b.st.text)
			sh.value(10, row, p[0], b.st.dec1)
			sh.value(11, row, p[1], b.st.dec1)
		}
	}
	if len(rows) == 0 {
		sh.text(9, 10, "No outcomes to plot yet.", b.st.text)
		return
	}
	ref := func(col string, r1, r2 int) string {
		return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sh.name, col, r1, col, r2)
	}
	marker := func(class string) excelize.ChartMarker {
		colour := classColours[class]
		if colour == "" {
			colour = "5B6474"
		}
		return excelize.ChartMarker{Symbol: "circle", Size: 7, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}}}
	}
	// Each outcome is a series named by its code cell, so the series-name
	// data label writes its code beside its point; past maxLabelledPoints
	// (Excel draws at most 255 series) the outcomes are one series a
	// class, unlabelled, and the legend names the classes.
	labelled := len(rows) <= maxLabelledPoints
	var series []excelize.ChartSeries
	if labelled {
		for i, o := range rows {
			row := i + 2
			series = append(series, excelize.ChartSeries{Name: fmt.Sprintf("'%s'!$A$%d", sh.name, row),
				Categories: ref("C", row, row), Values: ref("D", row, row), Marker: marker(o.Class)})
		}
	} else {
		for _, s := range spans {
			series = append(series, excelize.ChartSeries{Name: fmt.Sprintf("'%s'!$F$%d", sh.name, s.first),
				Categories: ref("C", s.first, s.last), Values: ref("D", s.first, s.last), Marker: marker(s.class)})
		}
	}
	// A labelled chart writes every series' name at its points: the guide
	// lines' would crowd the axis, so they are named by a cell holding a
	// space (an empty one reads "Column K" in LibreOffice) and the title
	// says what they are.
	guideName := func(row int) string {
		if labelled {
			sh.value(8, row, " ", b.st.text)
			return fmt.Sprintf("'%s'!$H$%d", sh.name, row)
		}
		return fmt.Sprintf("'%s'!$I$%d", sh.name, row)
	}
	for i := range guides {
		row := 2 + 2*i
		series = append(series, excelize.ChartSeries{
			Name:       guideName(row),
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
	title, legend := "Opportunity landscape (all respondents)", excelize.ChartLegend{Position: "bottom"}
	if labelled {
		// A legend of every code would crowd out the chart: the codes are
		// on the points, their classes in column F.
		title += ": codes as in column A, coloured by class; dashed lines at opportunity 10, 12 and 15"
		legend.Position = "none"
	}
	sh.chart("I10", &excelize.Chart{
		Type:      excelize.Scatter,
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend:    legend,
		PlotArea:  excelize.ChartPlotArea{ShowSerName: labelled},
		XAxis:     axis("Importance"),
		YAxis:     axis("Satisfaction"),
		Dimension: excelize.ChartDimension{Width: 720, Height: 540},
		Format:    excelize.GraphicOptions{AltText: "Importance (x) against satisfaction (y) of every outcome, all respondents"},
	})
}
