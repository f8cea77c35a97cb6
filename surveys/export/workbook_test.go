package export_test

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"odi/surveys"
	"odi/surveys/export"
	"odi/surveys/results"
	"odi/surveys/score"
	"odi/surveys/statement"
)

func TestWorkbookSheetsAreNamedAndOrdered(t *testing.T) {
	s := worked(t)
	f, _ := workbook(t, s.input("team_size", true))
	want := []string{"Summary", "Opportunities", "small", "large", "Segment comparison", "Landscape", "Outcomes", "Responses", "Quality"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}

	f, _ = workbook(t, s.input("", false))
	want = []string{"Summary", "Opportunities", "Segment comparison", "Landscape", "Outcomes", "Quality"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("without segments or responses: sheets %q, want %q", got, want)
	}
}

// checkRanked compares a ranked sheet with the group the API returns: same
// rows, same order, numbers stored unrounded.
func checkRanked(t *testing.T, f *excelize.File, data []byte, sheet string, g results.Group) {
	t.Helper()
	rows := raw(t, f, sheet)
	if got := rows[0][:len(export.RankedHeader)]; !slices.Equal(got, export.RankedHeader) {
		t.Fatalf("%s header %q", sheet, got)
	}
	if !slices.Equal(export.RankedHeader[:9], []string{"Rank", "Code", "Step", "Outcome", "Importance", "Satisfaction", "Opportunity", "Class", "n"}) {
		t.Fatalf("ranked header starts %q", export.RankedHeader[:9])
	}
	if len(g.Outcomes) == 0 {
		t.Fatalf("%s: group %s has no outcomes", sheet, g.Key)
	}
	for i, o := range g.Outcomes {
		r := rows[i+1]
		want := []string{strconv.Itoa(o.Rank), o.Code, o.Step, o.Statement}
		if !slices.Equal(r[:4], want) || r[7] != o.Class || r[8] != strconv.Itoa(o.N) {
			t.Errorf("%s row %d: %q, want %q ... class %s n %d", sheet, i+2, r[:9], want, o.Class, o.N)
		}
		for col, v := range map[int]float64{4: o.Importance, 5: o.Satisfaction, 6: o.Opportunity,
			9: o.ImportanceCI[0], 10: o.ImportanceCI[1], 11: o.SatisfactionCI[0], 12: o.SatisfactionCI[1],
			13: o.MeanImportance, 14: o.MeanSatisfaction, 15: o.Gap} {
			if got := num(t, r[col]); got != v {
				t.Errorf("%s row %d %s = %v, want %v", sheet, i+2, export.RankedHeader[col], got, v)
			}
		}
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("%s panes %+v %v, want the header frozen", sheet, panes, err)
	}
	last := len(g.Outcomes) + 1
	if x := string(zipFile(t, data, sheetPath(t, data, sheet))); !strings.Contains(x, fmt.Sprintf(`<autoFilter ref="$A$1:$P$%d"`, last)) {
		t.Errorf("%s has no autofilter on A1:P%d", sheet, last)
	}
	for _, ref := range []string{"E2", "F2", "G2", "J2", "P2"} {
		id, _ := f.GetCellStyle(sheet, ref)
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0" {
			t.Errorf("%s %s number format %+v %v, want 0.0", sheet, ref, st, err)
		}
	}
	shown, _ := f.GetCellValue(sheet, "G2")
	if want := strconv.FormatFloat(g.Outcomes[0].Opportunity, 'f', 1, 64); shown != want {
		t.Errorf("%s G2 shows %q, want %q", sheet, shown, want)
	}
	cf, err := f.GetConditionalFormats(sheet)
	if err != nil {
		t.Fatal(err)
	}
	rules := cf[fmt.Sprintf("H2:H%d", last)]
	var values []string
	for _, r := range rules {
		values = append(values, r.Value)
	}
	if want := []string{`"extreme"`, `"high"`, `"solid"`, `"served"`, `"overserved"`}; !slices.Equal(values, want) {
		t.Errorf("%s class formatting %q, want %q", sheet, values, want)
	}
	for _, r := range rules {
		st, err := f.GetConditionalStyle(*r.Format)
		if err != nil || len(st.Fill.Color) == 0 {
			t.Errorf("%s class %s has no fill: %+v %v", sheet, r.Value, st, err)
		}
	}
}

func TestRankedSheetsMatchTheOpportunities(t *testing.T) {
	s := worked(t)
	in := s.input("team_size", true)
	f, data := workbook(t, in)
	checkRanked(t, f, data, "Opportunities", in.Opportunities.Groups[0])
	checkRanked(t, f, data, "small", in.Opportunities.Groups[1])
	checkRanked(t, f, data, "large", in.Opportunities.Groups[2])

	// docs/scoring.md, "Worked example": all respondents, O04 first at 160/9.
	rows := raw(t, f, "Opportunities")
	want := [][]string{
		{"1", "O04", "17.78", "extreme", "9"},
		{"2", "O02", "13.75", "high", "8"},
		{"3", "O01", "12.22", "high", "9"},
		{"4", "O03", "0.00", "overserved", "9"},
	}
	for i, w := range want {
		r := rows[i+1]
		got := []string{r[0], r[1], fmt.Sprintf("%.2f", num(t, r[6])), r[7], r[8]}
		if !slices.Equal(got, w) {
			t.Errorf("Opportunities row %d: %q, want %q", i+2, got, w)
		}
	}
	if got := num(t, rows[1][4]); math.Abs(got-80.0/9) > 1e-12 {
		t.Errorf("O04 importance %v, want 80/9", got)
	}
	small := raw(t, f, "small")
	if small[1][1] != "O01" || num(t, small[1][6]) != 20 || small[2][1] != "O04" || small[3][7] != "served" {
		t.Errorf("small: %q", small[1:4])
	}
	// Beside the table: what the group is.
	if small[0][17] != "Group" || small[0][18] != "small" || small[1][18] != "4" {
		t.Errorf("small group info: %q %q", small[0][17:], small[1][17:])
	}
}

func TestSegmentComparisonIsAHeatMapWithN(t *testing.T) {
	s := worked(t)
	in := s.input("team_size", false)
	f, _ := workbook(t, in)
	rows := raw(t, f, "Segment comparison")
	if want := []string{"Rank", "Code", "Outcome", "All respondents", "small", "large"}; !slices.Equal(rows[1], want) {
		t.Fatalf("header %q, want %q", rows[1], want)
	}
	if got := rows[0][3:]; !slices.Equal(got, []string{"9", "4", "5"}) {
		t.Errorf("n row %q, want 9 4 5", got)
	}
	id, _ := f.GetCellStyle("Segment comparison", "E1")
	if st, _ := f.GetStyle(id); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != `0"*"` {
		t.Errorf("low n is not marked with a star: %+v", st)
	}
	for i, o := range in.Opportunities.Groups[0].Outcomes {
		r := rows[i+2]
		if r[0] != strconv.Itoa(o.Rank) || r[1] != o.Code || r[2] != o.Statement {
			t.Errorf("row %d: %q", i+3, r[:3])
		}
		for gi, g := range in.Opportunities.Groups {
			for _, go_ := range g.Outcomes {
				if go_.Code == o.Code && num(t, r[3+gi]) != go_.Opportunity {
					t.Errorf("%s %s: %s, want %v", g.Key, o.Code, r[3+gi], go_.Opportunity)
				}
			}
		}
	}
	cf, _ := f.GetConditionalFormats("Segment comparison")
	scale := cf["D3:F6"]
	if len(scale) != 1 || scale[0].Type != "3_color_scale" || scale[0].MidValue != "10" {
		t.Errorf("heat map formatting %+v", cf)
	}
	panes, _ := f.GetPanes("Segment comparison")
	if !panes.Freeze || panes.YSplit != 2 || panes.XSplit != 3 {
		t.Errorf("panes %+v", panes)
	}
}

// TestSegmentComparisonMarksSignificantCells plants two significant
// differences (the worked example has none): each cell keeps its number and
// shows its marks through its number format, and the legend under the table
// says what they mean.
func TestSegmentComparisonMarksSignificantCells(t *testing.T) {
	s := worked(t)
	in := s.input("team_size", false)
	mark := func(group, code string, imp, sat bool) {
		for _, g := range in.Opportunities.Groups {
			for i, o := range g.Outcomes {
				if g.Key == group && o.Code == code {
					g.Outcomes[i].VsRest = &score.Test{ImportanceP: 0.001, SatisfactionP: 0.001, ImportanceSignificant: imp, SatisfactionSignificant: sat}
				}
			}
		}
	}
	mark("small", "O01", true, false) // importance 10 against 7.78 in all: higher
	mark("large", "O02", true, true)  // importance 10 against 8.75, satisfaction 0 against 3.75
	f, _ := workbook(t, in)
	rows := raw(t, f, "Segment comparison")
	formats := map[string]string{}
	for i, o := range in.Opportunities.Groups[0].Outcomes {
		for gi, col := range []string{"E", "F"} {
			ref := fmt.Sprintf("%s%d", col, i+3)
			id, _ := f.GetCellStyle("Segment comparison", ref)
			st, _ := f.GetStyle(id)
			if st != nil && st.CustomNumFmt != nil && *st.CustomNumFmt != "0.0" {
				formats[in.Opportunities.Groups[gi+1].Key+"/"+o.Code] = *st.CustomNumFmt
			}
			if num(t, rows[i+2][4+gi]) != in.Opportunities.Groups[gi+1].Outcomes[slices.IndexFunc(in.Opportunities.Groups[gi+1].Outcomes, func(r score.Row) bool { return r.Code == o.Code })].Opportunity {
				t.Errorf("%s: %q is no longer the opportunity", ref, rows[i+2][4+gi])
			}
		}
	}
	want := map[string]string{"small/O01": `0.0" I↑"`, "large/O02": `0.0" I↑ S↓"`}
	if !maps.Equal(formats, want) {
		t.Errorf("marked cells %v, want %v", formats, want)
	}
	legend := rows[len(rows)-1]
	if len(rows) != 8 || legend[2] != export.SignificanceLegend || !strings.Contains(legend[2], "Benjamini-Hochberg at 5%") {
		t.Errorf("legend row %d: %q", len(rows), legend)
	}
}

func TestLandscapeHasANativeScatterChartOfItsData(t *testing.T) {
	s := worked(t)
	in := s.input("team_size", false)
	f, data := workbook(t, in)
	cs := charts(t, data, "Landscape")
	if len(cs) != 1 {
		t.Fatalf("Landscape has %d charts, want 1", len(cs))
	}
	x := strings.ReplaceAll(string(cs[0]), "&#39;", "'")
	if !regexp.MustCompile(`<(c:)?scatterChart>`).MatchString(x) {
		t.Fatalf("chart is not a scatter chart: %.300s", x)
	}
	// One series an outcome, named by its code cell so that the series-name
	// data labels write the codes beside the points; then the three guide
	// lines.
	for _, ref := range []string{"'Landscape'!$C$2:$C$2", "'Landscape'!$D$3:$D$3", "'Landscape'!$D$4:$D$4", "'Landscape'!$C$5:$C$5", "'Landscape'!$J$6:$J$7",
		"'Landscape'!$A$2", "'Landscape'!$A$5"} {
		if !strings.Contains(x, ref) {
			t.Errorf("chart does not plot %s", ref)
		}
	}
	if !regexp.MustCompile(`<(c:)?dLbls>.*<(c:)?showSerName val="(1|true)"`).MatchString(x) {
		t.Errorf("the chart's points are not labelled with their series names: %.2000s", x)
	}
	rows := raw(t, f, "Landscape")
	got := map[string][2]float64{}
	for _, r := range rows[1:5] {
		got[r[0]] = [2]float64{num(t, r[2]), num(t, r[3])}
	}
	for _, o := range in.Opportunities.Groups[0].Outcomes {
		if got[o.Code] != [2]float64{o.Importance, o.Satisfaction} {
			t.Errorf("%s plotted at %v, want %v, %v", o.Code, got[o.Code], o.Importance, o.Satisfaction)
		}
	}
	if rows[1][5] != "extreme" || rows[4][5] != "overserved" {
		t.Errorf("landscape data not grouped by class: %q", rows[1:5])
	}
}

func TestOutcomesSheetHasParsedPartsAndLint(t *testing.T) {
	s := worked(t)
	s.design.Outcomes[3].Statement = "Use Slack and Notion"
	s.design.Outcomes[3].Lint = []statement.Issue{{Rule: "no_direction", Message: "start with a direction"},
		{Rule: "compound", Message: "two things", Rewrite: "Use Slack\nUse Notion"}}
	f, _ := workbook(t, s.input("", false))
	rows := raw(t, f, "Outcomes")
	if want := []string{"Code", "Step", "Statement", "Direction", "Metric", "Object of control", "Contextual clarifier", "Lint"}; !slices.Equal(rows[0], want) {
		t.Fatalf("header %q", rows[0])
	}
	for i, o := range s.design.Outcomes {
		r := append(rows[i+1], make([]string, 8)...)
		if r[0] != o.Code || r[1] != o.Step || r[2] != o.Statement || r[3] != o.Parsed.Direction || r[4] != o.Parsed.Metric || r[5] != o.Parsed.Object {
			t.Errorf("row %d: %q for %+v", i+2, r[:8], o)
		}
	}
	if r := append(rows[4], make([]string, 8)...); r[7] != "no_direction: start with a direction; compound: two things Try: Use Slack / Use Notion" {
		t.Errorf("lint %q", rows[4])
	}
}

func TestOutcomesSheetOfAShareLinkHasNoLint(t *testing.T) {
	s := worked(t)
	s.design.Linted = false // as SharedStudy loads it
	f, _ := workbook(t, s.input("", false))
	rows := raw(t, f, "Outcomes")
	if want := []string{"Code", "Step", "Statement", "Direction", "Metric", "Object of control", "Contextual clarifier"}; !slices.Equal(rows[0], want) {
		t.Fatalf("header %q", rows[0])
	}
	for i, r := range rows[1:] {
		if len(r) > 7 {
			t.Errorf("row %d has %d columns: %q", i+2, len(r), r)
		}
	}
}

func TestResponsesSheetIsTheWideLayout(t *testing.T) {
	s := worked(t)
	f, data := workbook(t, s.input("team_size", true))
	rows := raw(t, f, "Responses")
	if !slices.Equal(rows[0], s.header()) {
		t.Fatalf("header %q, want %q", rows[0], s.header())
	}
	s.responses[2].Excluded, s.responses[2].Flags = true, []string{surveys.FlagStraightLining, surveys.FlagSpeeding}
	f, data = workbook(t, s.input("team_size", true))
	rows = raw(t, f, "Responses")
	var want [][]string
	s.rows()(func(r []string) error { want = append(want, slices.Clone(r)); return nil })
	if len(rows)-1 != len(want) {
		t.Fatalf("%d response rows, want %d", len(rows)-1, len(want))
	}
	cols := s.design.WideColumns()
	times := 0
	for i, w := range want {
		got := append(rows[i+1], make([]string, len(w))...)[:len(w)]
		for j := range w {
			if cols[j].Kind == export.TimeColumn && w[j] != "" {
				// A date and time cell: the serial day number of the time written.
				at, err := time.Parse(time.RFC3339, w[j])
				serial, _ := strconv.ParseFloat(got[j], 64)
				if err != nil || math.Abs(excelDays(at)-serial) > 1e-8 { // a millisecond is 1.2e-8 days
					t.Errorf("row %d %s: %q, want the serial of %s, %v", i+2, cols[j].Name, got[j], w[j], excelDays(at))
				}
				times++
				got[j] = w[j]
			}
		}
		if !slices.Equal(got, w) {
			t.Errorf("row %d: %q, want %q", i+2, got, w)
		}
	}
	if times != 19 { // ten started, nine finished
		t.Errorf("%d time cells checked, want 19", times)
	}
	if want := []string{"r03", "complete", "1", "straight_lining;speeding", rows[3][4], rows[3][5], "", "small"}; !slices.Equal(rows[3][:8], want) {
		t.Errorf("the excluded row starts %q, want %q", rows[3][:8], want)
	}
	for _, ref := range []string{"C2", "E2", "F2", "I2"} { // excluded, started_at, finished_at, O01_imp
		if typ, _ := f.GetCellType("Responses", ref); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("%s (%s) is stored as text", ref, rows[0][ref[0]-'A'])
		}
	}
	if shown, _ := f.GetCellValue("Responses", "F3"); shown != "2026-01-05 10:08:07" {
		t.Errorf("r02's finished_at shows %q, want 2026-01-05 10:08:07", shown)
	}
	panes, _ := f.GetPanes("Responses")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("Responses panes %+v", panes)
	}
	if x := string(zipFile(t, data, sheetPath(t, data, "Responses"))); !strings.Contains(x, `<autoFilter ref="$A$1:$P$11"`) {
		t.Errorf("Responses has no autofilter: %.400s", x[strings.Index(x, "</sheetData>"):])
	}
}

func TestSummaryAndQuality(t *testing.T) {
	s := worked(t)
	s.responses[0].Flags = []string{surveys.FlagStraightLining}
	in := s.input("team_size", false)
	in.Query = results.OpportunityQuery{SegmentBy: "team_size", Filters: []results.Filter{{Key: "team_size", Value: "small"}}}
	// What the review reported: three responses out by the rule (one of
	// them both straight-lining and speeding), one by the researcher.
	in.Fieldwork.Flags = map[string]int{surveys.FlagStraightLining: 3, surveys.FlagSpeeding: 1, surveys.FlagAttention: 0, surveys.FlagDuplicate: 0}
	in.Fieldwork.Flagged = 3
	in.Fieldwork.ExcludedByRule, in.Fieldwork.ExcludedByDecision = 2, 1
	in.Fieldwork.ExcludedFlags = map[string]int{surveys.FlagStraightLining: 2, surveys.FlagSpeeding: 1}
	in.Design.Study.ExcludeFlags = []string{surveys.FlagStraightLining, surveys.FlagSpeeding}
	in.Fieldwork.Counts[surveys.ScreenedOut], in.Fieldwork.Counts[surveys.QuotaFull] = 1, 2 // counted apart
	f, _ := workbook(t, in)
	quota := ""
	for _, r := range raw(t, f, "Quality") {
		if len(r) >= 2 && r[0] == "Quota full" {
			quota = r[1]
		}
	}
	if quota != "2" {
		t.Errorf("Quality: quota full %q, want 2", quota)
	}
	rows := raw(t, f, "Summary")
	kv := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			kv[r[0]] = r[1]
		}
	}
	for k, v := range map[string]string{
		"Study": "Team workspace", "Job": s.design.Study.Job.Sentence(), "Segmented by": "team_size",
		"Complete": "9", "In progress": "1", "Started": "10", "Respondents in the results (n)": "9", "Screened out": "1", "Quota full": "2",
		"Filtered to": "team_size = small", "Counted": "complete responses not excluded by the study's rule or the researcher",
		"Exclusion rule": "responses flagged straight lining or speeding are left out", "Excluded by the rule": "2",
		"Excluded by the rule, by flag": "straight lining 2, speeding 1", "Excluded by the researcher": "1",
	} {
		if kv[k] != v {
			t.Errorf("Summary %s = %q, want %q", k, kv[k], v)
		}
	}
	var top []string
	for i, r := range rows {
		if len(r) > 0 && r[0] == "Top outcomes (all respondents)" {
			for _, rr := range rows[i+2 : i+6] {
				top = append(top, rr[1])
			}
		}
	}
	if !slices.Equal(top, []string{"O04", "O02", "O01", "O03"}) {
		t.Errorf("top outcomes %q", top)
	}
	var prio []string
	for i, r := range rows {
		if len(r) > 0 && r[0] == "Segment priority" {
			for _, rr := range rows[i+3:] {
				prio = append(prio, rr[0])
			}
		}
	}
	if len(prio) != 2 {
		t.Errorf("segment priority rows %q", prio)
	}

	q := raw(t, f, "Quality")
	got := map[string]string{}
	var flags [][]string
	for i, r := range q {
		if len(r) == 2 {
			got[r[0]] = r[1]
		}
		if len(r) > 0 && r[0] == "Quality flag" {
			flags = q[i : i+5]
		}
	}
	if got["Complete"] != "9" || got["Carrying any quality flag"] != "3" || got["Excluded from the results by the study's rule"] != "2" ||
		got["Excluded from the results by the researcher"] != "1" {
		t.Errorf("Quality %q", got)
	}
	wantFlags := [][]string{{"Quality flag", "Responses", "In the rule", "Excluded by the rule"},
		{"straight lining", "3", "yes", "2"}, {"speeding", "1", "yes", "1"}, {"failed attention", "0", "no", "0"}, {"duplicate", "0", "no", "0"}}
	if !slices.EqualFunc(flags, wantFlags, slices.Equal) {
		t.Errorf("Quality flags %q, want %q", flags, wantFlags)
	}
}

// excelDays is t as a spreadsheet's serial day number (1900 date system).
func excelDays(t time.Time) float64 {
	return float64(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC))) / float64(24*time.Hour)
}

// TestSheetsPrintAcrossThePageWithTheirHeaders: every sheet but the raw
// responses prints landscape, one page wide, its header rows on every page
// and its cells (and the landscape's chart) as the print area; a statement
// that wraps gets a row tall enough for its lines, so the next row does not
// cover it.
func TestSheetsPrintAcrossThePageWithTheirHeaders(t *testing.T) {
	s := fromSample(120, 30, 2)
	f, _ := workbook(t, s.input("wave", true))
	names := map[string]string{}
	for _, n := range f.GetDefinedName() {
		names[n.Scope+" "+n.Name] = n.RefersTo
	}
	for sheet, want := range map[string][2]string{
		"Opportunities":      {"'Opportunities'!$A$1:$S$31", "'Opportunities'!$1:$1"}, // the group's facts in R:S
		"Segment comparison": {"", "'Segment comparison'!$1:$2"},
		"Landscape":          {"'Landscape'!$A$1:$R$37", "'Landscape'!$1:$1"},
	} {
		if got := names[sheet+" _xlnm.Print_Area"]; want[0] != "" && got != want[0] {
			t.Errorf("%s prints %q, want %q", sheet, got, want[0])
		}
		if got := names[sheet+" _xlnm.Print_Titles"]; got != want[1] {
			t.Errorf("%s repeats %q on every page, want %q", sheet, got, want[1])
		}
		pl, err := f.GetPageLayout(sheet)
		if err != nil || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 || *pl.Orientation != "landscape" {
			t.Errorf("%s page layout %+v (%v), want landscape, 1 page wide", sheet, pl, err)
		}
	}
	if _, ok := names["Responses _xlnm.Print_Area"]; ok {
		t.Error("the streamed responses sheet has print settings")
	}
	tall := 0
	for row := 2; row <= 31; row++ {
		stmt, _ := f.GetCellValue("Opportunities", "D"+strconv.Itoa(row))
		h, err := f.GetRowHeight("Opportunities", row)
		if err != nil {
			t.Fatal(err)
		}
		// Column D is 60 characters wide: a longer statement needs a line
		// more for each 60 (or part) it holds.
		if need := 15 * math.Ceil(float64(len([]rune(stmt)))/60); h < need {
			t.Errorf("row %d is %v points for %d characters, want at least %v", row, h, len([]rune(stmt)), need)
		}
		if len(stmt) > 60 {
			tall++
		}
	}
	if tall == 0 {
		t.Fatal("no statement wraps in this sample: the test checks nothing")
	}
}
