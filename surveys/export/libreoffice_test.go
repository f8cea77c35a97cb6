package export_test

import (
	"bytes"
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

	"github.com/xuri/excelize/v2"

	"odi/surveys"
	"odi/surveys/changelog"
	"odi/surveys/export"
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
	if testing.Short() {
		t.Skip("starts LibreOffice: ten seconds and more")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		surveystest.Need(t, "LibreOffice (apt-get install libreoffice-calc-nogui)")
	}
	return soffice
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
	sheets, err := convertWithLibreOffice(t, soffice, data, filter)
	if errors.Is(err, errCrashed) {
		t.Logf("once more: %v", err)
		sheets, err = convertWithLibreOffice(t, soffice, data, filter)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sheets
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
	var buf bytes.Buffer
	if err := export.Workbook(&buf, ex); err != nil {
		t.Fatal(err)
	}
	sheets := libreOfficeSheetsAs(t, buf.Bytes(), sofficeCSVShown)

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
	dir, _, err := runLibreOffice(t, soffice, data, "xlsx:Calc MS Excel 2007 XML")
	if errors.Is(err, errCrashed) {
		t.Logf("once more: %v", err)
		dir, _, err = runLibreOffice(t, soffice, data, "xlsx:Calc MS Excel 2007 XML")
	}
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "book.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
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
	if testing.Short() {
		t.Skip("starts LibreOffice: ten seconds and more")
	}
	in := worked(t).input("team_size", false)
	small := in.Opportunities.Groups[1]
	for i, o := range small.Outcomes {
		if o.Code == "O03" {
			small.Outcomes[i] = score.Row{Code: o.Code, Statement: o.Statement, Step: o.Step, Class: "not_asked", NotAsked: true}
		}
	}
	var buf bytes.Buffer
	if err := export.Workbook(&buf, in.export()); err != nil {
		t.Fatal(err)
	}
	sheets := libreOfficeSheetsAs(t, buf.Bytes(), sofficeCSVShown)
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
