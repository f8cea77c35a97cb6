package export_test

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"odi/surveys/export"
	"odi/surveys/score"
)

// TestCanvasSheetAndPriorityIndexThroughLibreOffice: the worked example
// split by team size, each group as a saved segment with a canvas. Read
// back through LibreOffice, the Segment canvas sheet holds each part of the
// canvas in its segment's column (a verbatim that looks like a formula as
// text), and the Summary's priority block the index and every factor,
// worked out by hand from docs/scoring.md.
func TestCanvasSheetAndPriorityIndexThroughLibreOffice(t *testing.T) {
	needLibreOffice(t)
	in := worked(t).input("team_size", false).export()
	small, large := 0.6875*0.5625*4/9, 0.6*0.65*5/9
	mean := (small + large) / 2
	for i, p := range []float64{small, large} {
		idx := 100 * p / mean
		in.Groups[i+1].PriorityIndex = &idx
	}
	in.Groups[1].PriorityFactors = score.PriorityFactors{Importance: 0.6875, Dissatisfaction: 0.5625, Share: 4.0 / 9, MarketSize: 1}
	in.Groups[2].PriorityFactors = score.PriorityFactors{Importance: 0.6, Dissatisfaction: 0.65, Share: 5.0 / 9, MarketSize: 1}
	market := 1200.0
	in.Canvas = &export.Canvas{Segmentation: "size", Segments: []export.CanvasSegment{
		{ID: "s1", Label: "Stop losing context", Job: "When decisions get lost, I want to keep them in one place.",
			Verbatims: []string{"I can't find what we agreed", "=HYPERLINK(\"http://x\")"}, Alternatives: []string{"Notion: 50% (2 of 4)", "Email threads"},
			SuccessCriteria: []string{"Minimize the time to find a decision"}, Overlap: []string{"team_size: Cramér's V 1.00 (strong)"},
			Forces: &[5]float64{7.5, 7, 3.5, 2.5, 8.5}, ForcesN: 4, Respondents: 4, WithVerbatims: 2, MarketSize: &market,
			Priority: small, PriorityIndex: in.Groups[1].PriorityIndex, PriorityFormula: "importance 0.69 × dissatisfaction 0.56"},
		{ID: "s2", Label: "Look organized", Job: "When a board meeting nears, I want to look organized.", Respondents: 5,
			Priority: large, PriorityIndex: in.Groups[2].PriorityIndex},
	}}
	var buf bytes.Buffer
	if err := export.Workbook(&buf, in); err != nil {
		t.Fatal(err)
	}
	sheets := libreOfficeSheets(t, buf.Bytes())
	names := []string{}
	for n := range sheets {
		names = append(names, n)
	}
	rows, ok := sheets[export.SheetCanvas]
	if !ok {
		t.Fatalf("no %q sheet among %q", export.SheetCanvas, names)
	}
	at := func(label string, col int) string {
		for _, r := range rows {
			if len(r) > col && r[0] == label {
				return r[col]
			}
		}
		t.Errorf("no row %q", label)
		return ""
	}
	for _, w := range []struct {
		label string
		col   int
		want  string
	}{
		{"Segment name (job-based)", 1, "Stop losing context"},
		{"Segment name (job-based)", 2, "Look organized"},
		{"Customers' language (verbatims kept)", 1, "I can't find what we agreed\n=HYPERLINK(\"http://x\")"},
		{"Current alternatives", 1, "Notion: 50% (2 of 4)\nEmail threads"},
		{"Push (mean, 1–10)", 2, "not asked"},
		{"Respondents whose verbatims were kept", 1, "2"},
		{"Market size (the segment's own)", 2, "not set"},
	} {
		if got := at(w.label, w.col); got != w.want {
			t.Errorf("%s, column %d: %q, want %q", w.label, w.col, got, w.want)
		}
	}
	if v := num(t, at("Net switch force (push + pull − anxiety − habit)", 1)); v != 8.5 {
		t.Errorf("net force %v", v)
	}
	if v := num(t, at("Priority index (100 = the average segment)", 1)); math.Abs(v-100*small/mean) > 1e-9 {
		t.Errorf("index %v, want %v", v, 100*small/mean)
	}

	// The Summary's priority block: large first, with its index and factors.
	sum := sheets[export.SheetSummary]
	h := slices.IndexFunc(sum, func(r []string) bool { return len(r) > 5 && r[5] == "Priority index" })
	if h < 0 {
		t.Fatalf("no priority index column in the Summary")
	}
	first, second := sum[h+1], sum[h+2]
	if first[0] != "large" || second[0] != "small" {
		t.Fatalf("priority order %q, %q", first[0], second[0])
	}
	for _, c := range []struct {
		row  []string
		col  int
		want float64
	}{
		{first, 5, 100 * large / mean}, {second, 5, 100 * small / mean},
		{second, 6, 0.6875}, {second, 7, 0.5625}, {second, 9, 1}, {first, 3, large},
	} {
		if v := num(t, strings.TrimSuffix(c.row[c.col], "%")); math.Abs(v-c.want) > 1e-9 {
			t.Errorf("Summary %s column %d: %v, want %v", c.row[0], c.col, v, c.want)
		}
	}
}
