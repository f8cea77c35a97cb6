package export_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"odi/surveys"
	"odi/surveys/changelog"
	"odi/surveys/export"
	"odi/surveys/results"
	"odi/surveys/score"
	"odi/surveys/surveystest"
)

// The CSV filter options of LibreOffice: comma, double quote, UTF-8, from
// line 1, default cell format, language 0, quoted fields as text off, detect
// special numbers on, save cell contents as shown OFF (raw values, not the
// one-decimal display), formulas off, remove spaces off, and sheet -1: every
// sheet to its own file named <name>-<Sheet>.csv (LibreOffice 7.2 and later).
const sofficeCSV = `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1`

// sofficeCSVShown is the same with "save cell contents as shown" on: each
// cell as its number format displays it, marks included.
const sofficeCSVShown = `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1`

// needLibreOffice is the soffice binary; a test that starts it (ten seconds
// and more) skips under -short, and where LibreOffice is missing.
func needLibreOffice(t *testing.T) string {
	t.Helper()
	return surveystest.Tool(t, "soffice", "starts LibreOffice, ten seconds and more", "LibreOffice (apt-get install libreoffice-calc-nogui)")
}

// libreOfficeSheets converts a workbook with LibreOffice and reads every
// sheet back. LibreOffice now and then crashes on a busy machine (killed by a
// signal, or out with no file written): the conversion then runs once more,
// with a fresh profile, before the test fails.
func libreOfficeSheets(t *testing.T, data []byte) map[string][][]string {
	t.Helper()
	return libreOfficeSheetsAs(t, data, sofficeCSV)
}

// libreOfficeSheetsAs is libreOfficeSheets with the CSV filter given.
func libreOfficeSheetsAs(t *testing.T, data []byte, filter string) map[string][][]string {
	t.Helper()
	soffice := needLibreOffice(t)
	return onceMoreIfCrashed(t, func() (map[string][][]string, error) {
		return convertWithLibreOffice(t, soffice, data, filter)
	})
}

// onceMoreIfCrashed runs a conversion, and once more where LibreOffice
// crashed, before the test fails.
func onceMoreIfCrashed[T any](t *testing.T, convert func() (T, error)) T {
	t.Helper()
	out, err := convert()
	if errors.Is(err, errCrashed) {
		t.Logf("once more: %v", err)
		out, err = convert()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// errCrashed is a conversion LibreOffice gave up on, as against one that hung.
var errCrashed = errors.New("LibreOffice crashed")

// runLibreOffice converts the workbook data with filter, in a folder of its
// own, and returns the folder its output is in, as book.*.
func runLibreOffice(t *testing.T, soffice string, data []byte, filter string) (string, []byte, error) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in", "book.xlsx")
	if err := os.MkdirAll(filepath.Dir(in), 0o755); err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(in, data, 0o644); err != nil {
		return "", nil, err
	}
	timeout := libreOfficeTimeout(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", filter, "--outdir", dir, in)
	cmd.WaitDelay = 10 * time.Second // soffice.bin may outlive the script that started it
	out, err := cmd.CombinedOutput()
	switch {
	case ctx.Err() != nil:
		return "", out, fmt.Errorf("soffice did not finish in %v: %v\n%s", timeout.Round(time.Second), err, out)
	case err != nil:
		return "", out, fmt.Errorf("%w: soffice: %v\n%s", errCrashed, err, out)
	}
	return dir, out, nil
}

// convertWithLibreOffice runs one conversion to CSV and reads every sheet.
func convertWithLibreOffice(t *testing.T, soffice string, data []byte, filter string) (map[string][][]string, error) {
	dir, out, err := runLibreOffice(t, soffice, data, filter)
	if err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "book-*.csv"))
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: soffice wrote no CSV files in %s\n%s", errCrashed, dir, out)
	}
	sheets := map[string][][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		sheets[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "book-"), ".csv")] = recs
	}
	return sheets, nil
}

// libreOfficeTimeout is how long one conversion may run before it counts as
// hung. A conversion takes seconds on a quiet machine and slows with the
// load, so past one runnable process per core the two minutes grow in
// proportion (load 8 on 2 cores: 8 minutes); never past the time the test
// binary has left, so a hang fails with LibreOffice's output rather than a
// panic.
func libreOfficeTimeout(t *testing.T) time.Duration {
	d := 2 * time.Minute
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if load, err := strconv.ParseFloat(strings.Fields(string(b))[0], 64); err == nil {
			d = time.Duration(float64(d) * max(1, load/float64(runtime.NumCPU())))
		}
	}
	if end, ok := t.Deadline(); ok {
		d = min(d, time.Until(end)-30*time.Second)
	}
	return d
}

func TestWorkbookRoundTripsThroughLibreOffice(t *testing.T) {
	needLibreOffice(t)
	s := worked(t)
	// Hostile answers ride along in a text question.
	s.design.Questions = append(s.design.Questions, surveys.Question{Key: "comment", Text: "Anything else?", Kind: surveys.KindText})
	for i := range s.responses {
		s.responses[i].Answers["comment"] = hostile[i%len(hostile)]
	}
	s.design.Outcomes[1].Statement = "=1+1 " + s.design.Outcomes[1].Statement
	s.design.Outcomes[2].Statement = "-2+3 " + s.design.Outcomes[2].Statement
	// One response out by the rule, with its flags, and the review's counts.
	s.responses[2].Excluded, s.responses[2].Flags = true, []string{surveys.FlagStraightLining, surveys.FlagSpeeding}
	in := s.input("team_size", true)
	in.Fieldwork.Flags = map[string]int{surveys.FlagStraightLining: 1, surveys.FlagSpeeding: 1}
	in.Fieldwork.Flagged, in.Fieldwork.ExcludedByRule, in.Fieldwork.ExcludedByDecision = 1, 1, 0
	in.Fieldwork.ExcludedFlags = map[string]int{surveys.FlagStraightLining: 1, surveys.FlagSpeeding: 1}
	// Two rewordings after publishing, one of them hostile.
	in.Fieldwork.Changes = []changelog.Change{
		{UserEmail: "r@example.com", At: time.Date(2026, 1, 6, 9, 30, 0, 0, time.UTC), What: "outcome O01", OldText: "Minimize the tme", NewText: "Minimize the time"},
		{UserEmail: "r@example.com", At: time.Date(2026, 1, 7, 10, 0, 0, 0, time.UTC), What: "question team_size", OldText: "=1+1", NewText: "Team size?"},
	}
	_, data := workbook(t, in)
	sheets := libreOfficeSheets(t, data)

	for _, name := range []string{"Summary", "Opportunities", "small", "large", "Segment comparison", "Landscape", "Outcomes", "Responses", "Quality"} {
		if _, ok := sheets[name]; !ok {
			t.Errorf("LibreOffice did not export sheet %q (got %d sheets)", name, len(sheets))
		}
	}

	// Opportunities: the same values, numbers to full precision.
	opp := sheets["Opportunities"]
	for i, h := range export.RankedHeader {
		if opp[0][i] != h {
			t.Errorf("header %d: %q, want %q", i, opp[0][i], h)
		}
	}
	for i, o := range in.Opportunities.Groups[0].Outcomes {
		r := opp[i+1]
		if r[0] != strconv.Itoa(o.Rank) || r[1] != o.Code || r[2] != o.Step || r[3] != o.Statement || r[7] != o.Class || r[8] != strconv.Itoa(o.N) {
			t.Errorf("row %d: %q", i+2, r[:9])
		}
		for col, v := range map[int]float64{4: o.Importance, 5: o.Satisfaction, 6: o.Opportunity, 9: o.ImportanceCI[0],
			10: o.ImportanceCI[1], 13: o.MeanImportance, 15: o.Gap} {
			got, err := strconv.ParseFloat(r[col], 64)
			if err != nil || math.Abs(got-v) > 1e-9*math.Max(1, math.Abs(v)) {
				t.Errorf("row %d %s: %q, want %v", i+2, export.RankedHeader[col], r[col], v)
			}
		}
	}

	// Responses: every cell as written, hostile text shown as text, not run.
	var want [][]string
	s.rows()(func(r []string) error { want = append(want, append([]string(nil), r...)); return nil })
	resp := sheets["Responses"]
	if strings.Join(resp[0], ",") != strings.Join(s.header(), ",") {
		t.Errorf("Responses header %q", resp[0])
	}
	if len(resp)-1 != len(want) {
		t.Fatalf("Responses: %d rows, want %d", len(resp)-1, len(want))
	}
	cols := s.design.WideColumns()
	for i, w := range want {
		got := append(resp[i+1], make([]string, len(w))...)[:len(w)]
		for j := range w {
			wv := w[j]
			if len(wv) > 32767 {
				wv = wv[:len(got[j])]
			}
			if at, err := time.Parse(time.RFC3339, wv); err == nil && cols[j].Kind == export.TimeColumn {
				wv = at.Format("2006-01-02 15:04:05") // a date and time cell, shown to the second
			}
			// LibreOffice writes line breaks in cells as LF.
			if strings.ReplaceAll(got[j], "\r\n", "\n") != strings.ReplaceAll(wv, "\r", "\n") && got[j] != wv {
				t.Errorf("Responses row %d col %s: %.40q, want %.40q", i+2, resp[0][j], got[j], wv)
			}
		}
	}
	for _, r := range resp[:4] {
		t.Logf("Responses: %q", r[:min(len(r), 8)])
	}

	// Summary: what the rule excluded and why, and what the researcher did.
	summary := map[string]string{}
	for _, r := range sheets["Summary"] {
		if len(r) >= 2 {
			summary[r[0]] = r[1]
		}
	}
	for k, v := range map[string]string{
		"Counted":                       "complete responses not excluded by the study's rule or the researcher",
		"Exclusion rule":                "responses flagged straight lining, speeding, failed attention or duplicate are left out",
		"Excluded by the rule":          "1",
		"Excluded by the rule, by flag": "straight lining 1, speeding 1",
		"Excluded by the researcher":    "0",
		"Reworded after publishing": "2026-01-06 09:30 UTC, outcome O01 (r@example.com): “Minimize the tme” → “Minimize the time”\n" +
			"2026-01-07 10:00 UTC, question team_size (r@example.com): “=1+1” → “Team size?”",
	} {
		if summary[k] != v {
			t.Errorf("Summary %s: %q, want %q", k, summary[k], v)
		}
		t.Logf("Summary: %s = %q", k, summary[k])
	}

	// Quality: the counts, then per flag.
	quality := sheets["Quality"]
	var flags [][]string
	for i, r := range quality {
		if len(r) > 0 && r[0] == "Quality flag" {
			flags = quality[i : i+5]
		}
	}
	wantFlags := [][]string{{"Quality flag", "Responses", "In the rule", "Excluded by the rule"},
		{"straight lining", "1", "yes", "1"}, {"speeding", "1", "yes", "1"}, {"failed attention", "0", "yes", "0"}, {"duplicate", "0", "yes", "0"}}
	if !slices.EqualFunc(flags, wantFlags, func(a, b []string) bool { return slices.Equal(a[:min(len(a), 4)], b) }) {
		t.Errorf("Quality flags %q, want %q", flags, wantFlags)
	}
	for _, r := range quality {
		if len(r) > 0 && r[0] != "" {
			t.Logf("Quality: %q", r[:min(len(r), 4)])
		}
	}
}

// TestSignificanceSheetsRoundTripThroughLibreOffice reads the Segment
// comparison's marks and the Wave comparison back as LibreOffice shows them.
func TestSignificanceSheetsRoundTripThroughLibreOffice(t *testing.T) {
	needLibreOffice(t)
	s := worked(t)
	in := s.input("team_size", false)
	for _, g := range in.Opportunities.Groups[1:] {
		for i, o := range g.Outcomes {
			if g.Key == "large" && o.Code == "O02" { // importance 10 against 8.75, satisfaction 0 against 3.75
				g.Outcomes[i].VsRest = &score.Test{ImportanceP: 0.001, SatisfactionP: 0.002, ImportanceSignificant: true, SatisfactionSignificant: true}
			}
		}
	}
	ex := in.export()
	ex.Waves = &export.Waves{With: "Wave 1", OnlyHere: []string{"O04"}, OnlyThere: []string{"O09"}, Outcomes: []export.Wave{
		{Code: "O01", Statement: "Minimize the time it takes to find a past decision", Importance: [2]float64{7.78, 5.5},
			Satisfaction: [2]float64{3.33, 3.4}, Opportunity: [2]float64{12.22, 7.6},
			Test: score.Test{ImportanceP: 0.0004, SatisfactionP: 0.9, ImportanceSignificant: true}},
	}}
	sheets := libreOfficeSheetsAs(t, writeWorkbook(t, ex), sofficeCSVShown)

	cmp := sheets["Segment comparison"]
	var o02 []string
	for _, r := range cmp {
		if len(r) > 1 && r[1] == "O02" {
			o02 = r
		}
	}
	if len(o02) < 6 || o02[5] != "20.0 I↑ S↓" || o02[4] != "7.5" {
		t.Errorf("Segment comparison O02: %q, want large marked 20.0 I↑ S↓ and small 7.5 unmarked", o02)
	}
	if last := cmp[len(cmp)-1]; len(last) < 3 || last[2] != export.SignificanceLegend {
		t.Errorf("legend row %q", last)
	}
	t.Logf("Segment comparison O02: %q", o02)

	waves := sheets["Wave comparison"]
	if len(waves) < 7 {
		t.Fatalf("Wave comparison: %q", waves)
	}
	want := [][]string{
		{"Compared with: Wave 1"},
		{"Code", "Outcome", "Importance (this)", "Importance (other)", "Δ importance", "p importance"},
		{"O01", "Minimize the time it takes to find a past decision", "7.8", "5.5", "2.3 *", "<0.001", "3.3", "3.4", "-0.1", "0.900", "12.2", "7.6", "4.6"},
	}
	for i, w := range want {
		if got := waves[i][:min(len(waves[i]), len(w))]; !slices.Equal(got, w) {
			t.Errorf("Wave comparison row %d: %q, want %q", i+1, got, w)
		}
		t.Logf("Wave comparison: %q", waves[i])
	}
	if waves[4][1] != export.WavesLegend || waves[5][0] != "Only in this study" || waves[5][1] != "O04" || waves[6][0] != "Only in Wave 1" || waves[6][1] != "O09" {
		t.Errorf("Wave comparison footer: %q", waves[4:])
	}
}

// TestPrintSettingsSurviveLibreOffice saves the workbook again with
// LibreOffice and reads the print settings back from its copy: what
// LibreOffice keeps is what it understood, so it prints the sheets one page
// wide with their headers, and wrapped statements keep their row heights.
func TestPrintSettingsSurviveLibreOffice(t *testing.T) {
	soffice := needLibreOffice(t)
	s := fromSample(120, 30, 2)
	orig, data := workbook(t, s.input("wave", false))
	f := surveystest.OpenWorkbook(t, onceMoreIfCrashed(t, func() ([]byte, error) {
		dir, _, err := runLibreOffice(t, soffice, data, "xlsx:Calc MS Excel 2007 XML")
		if err != nil {
			return nil, err
		}
		return os.ReadFile(filepath.Join(dir, "book.xlsx"))
	}))
	names := map[string]string{}
	for _, n := range f.GetDefinedName() {
		names[n.Scope+" "+n.Name] = strings.ReplaceAll(n.RefersTo, "'", "")
	}
	for _, sheet := range []string{"Opportunities", "Wave 1", "Segment comparison", "Landscape", "Outcomes"} {
		if names[sheet+" _xlnm.Print_Titles"] == "" || names[sheet+" _xlnm.Print_Area"] == "" {
			t.Errorf("LibreOffice kept no print titles or area of %s: %v", sheet, names)
		}
		pl, err := f.GetPageLayout(sheet)
		if err != nil || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.Orientation == nil || *pl.Orientation != "landscape" {
			t.Errorf("LibreOffice's %s prints %+v (%v), want landscape, one page wide", sheet, pl, err)
		}
	}
	for row := 1; row <= 31; row++ {
		want, _ := orig.GetRowHeight("Opportunities", row)
		if got, _ := f.GetRowHeight("Opportunities", row); want > 15 && got < want-0.5 {
			t.Errorf("Opportunities row %d: %v points in LibreOffice's copy, %v in odi's", row, got, want)
		}
	}
}

// TestNotAskedRoundTripsThroughLibreOffice: an outcome a group was never
// asked (routed to other roles) reads "not asked" in the Segment comparison
// and, with no rank nor scores, in the group's ranked sheet, as LibreOffice
// shows them: never a score of 0.
func TestNotAskedRoundTripsThroughLibreOffice(t *testing.T) {
	needLibreOffice(t)
	in := worked(t).input("team_size", false)
	small := in.Opportunities.Groups[1]
	for i, o := range small.Outcomes {
		if o.Code == "O03" {
			small.Outcomes[i] = score.Row{Code: o.Code, Statement: o.Statement, Step: o.Step, Class: "not_asked", NotAsked: true}
		}
	}
	sheets := libreOfficeSheetsAs(t, writeWorkbook(t, in.export()), sofficeCSVShown)
	col := -1
	for _, r := range sheets["Segment comparison"] {
		if i := slices.Index(r, small.Label); i >= 0 {
			col = i
		}
		if len(r) > col && col >= 0 && r[1] == "O03" {
			if r[col] != "not asked" || r[3] == "not asked" {
				t.Errorf("Segment comparison O03: %q, want not asked under %s only", r, small.Label)
			}
			t.Logf("Segment comparison O03: %q", r)
		}
	}
	found := false
	for name, rows := range sheets {
		for _, r := range rows {
			if len(r) > 8 && r[1] == "O03" && r[7] == "not asked" {
				found = true
				if r[0] != "" || r[4] != "" || r[6] != "" || r[8] != "0" {
					t.Errorf("%s O03: %q, want no rank nor scores and n 0", name, r)
				}
				t.Logf("%s O03: %q", name, r[:9])
			}
		}
	}
	if !found {
		t.Error("no ranked sheet lists O03 as not asked")
	}
}

// TestWeightingInWorkbookThroughLibreOffice: a weighted result says so on
// the Summary (how, and the effective n beside n), and the Responses sheet
// ends with each response's weight as a number.
func TestWeightingInWorkbookThroughLibreOffice(t *testing.T) {
	needLibreOffice(t)
	s := worked(t)
	in := s.input("team_size", true)
	opps := in.Opportunities
	opps.Weighted = true
	opps.Raking = &results.Raking{By: []string{"team_size"}, Converged: true, Iterations: 1, EffectiveN: 7.2, MaxWeight: 1.25, N: 9, Trimmed: 2}
	opps.Groups[0].EffectiveN = 7.2
	ex := in.export()
	rows := ex.Responses.Rows
	ex.Responses.Columns = append(ex.Responses.Columns, export.Column{Name: "weight", Kind: export.NumberColumn})
	ex.Responses.Rows = func(yield func([]string) error) error {
		return rows(func(r []string) error { return yield(append(r, "1.25")) })
	}
	sheets := libreOfficeSheetsAs(t, writeWorkbook(t, ex), sofficeCSVShown)
	facts := map[string]string{}
	for _, r := range sheets["Summary"] {
		if len(r) > 1 {
			facts[r[0]] = r[1]
		}
	}
	if got := facts["Weighting"]; got != "raked to the population's shares of team_size; largest weight 1.25, 2 weights trimmed" {
		t.Errorf("Summary Weighting %q", got)
	}
	if got := facts["Effective n (weighted)"]; got != "7.2" || facts["Respondents in the results (n)"] != "9" {
		t.Errorf("Summary effective n %q, n %q", got, facts["Respondents in the results (n)"])
	}
	resp := sheets["Responses"]
	if h := resp[0]; h[len(h)-1] != "weight" || !slices.Contains(resp[1], "1.25") {
		t.Errorf("Responses header %q, first row %q", h, resp[1])
	}
	t.Logf("Summary: Weighting %q, effective n %q; Responses %q … %q", facts["Weighting"], facts["Effective n (weighted)"], resp[0][len(resp[0])-1], resp[1][len(resp[1])-1])
}

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
	sheets := libreOfficeSheets(t, writeWorkbook(t, in))
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
