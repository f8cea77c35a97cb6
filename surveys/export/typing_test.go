package export_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"odi/surveys/cluster"
	"odi/surveys/export"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// typingBook is the workbook of the sample study of 600 split by a saved
// segmentation of its three planted segments, whose six-item typing tool
// is fitted on the planted segments; and the tool.
func typingBook(t *testing.T) (*study, *cluster.TypingTool, []byte) {
	t.Helper()
	s := fromSample(600, 0, 3)
	var ratings [][]byte
	var assign []int
	for i, p := range sample.Generate(sample.Config{Respondents: 600, Seed: 1}).Responses {
		if p.Status == sample.StatusComplete && len(p.Flags) == 0 {
			ratings = append(ratings, s.responses[i].Ratings)
			assign = append(assign, p.Segment)
		}
	}
	tool, err := cluster.FitTypingTool(ratings, len(s.design.Outcomes), assign, 3, 6)
	if err != nil {
		t.Fatal(err)
	}
	sg := &results.Segmentation{Key: "needs", Labels: []string{"Stop losing context", "=Look organized", "Ship faster"}, TypingTool: &tool}
	in := s.input("wave", false).export()
	in.Typing = sg.TypingExport(s.design)
	return s, &tool, writeWorkbook(t, in)
}

// typedBySheet types ratings (2 per outcome slot) as the sheet's note tells
// an analyst to, from the sheet's cells only: rows 5.. hold code, outcome,
// scale, the value of an unanswered item and one coefficient per segment,
// then the constants.
func typedBySheet(t *testing.T, rows [][]string, slot map[string]int, ratings []byte) int {
	t.Helper()
	k := len(rows[3]) - 4
	score := make([]float64, k)
	r := 4
	for ; rows[r][1] != "Constant"; r++ {
		at := 2*slot[rows[r][0]] + map[string]int{"importance": 0, "satisfaction": 1}[rows[r][2]]
		v := float64(ratings[at])
		if ratings[at] == 0 {
			v = num(t, rows[r][3])
		}
		for s := range k {
			score[s] += v * num(t, rows[r][4+s])
		}
	}
	for s := range k {
		score[s] += num(t, rows[r][4+s])
	}
	return slices.Index(score, slices.Max(score))
}

// TestTypingToolSheetTypesAsTheToolDoes: the Typing tool sheet, read back
// with LibreOffice, holds the items, each segment's coefficients and
// constant and a note naming the cells; typing held-out planted
// respondents by that note from the sheet's numbers gives the segment the
// tool gives, and the planted one as often as the tool's accuracy says.
func TestTypingToolSheetTypesAsTheToolDoes(t *testing.T) {
	needLibreOffice(t)
	s, tool, data := typingBook(t)
	sheets := libreOfficeSheets(t, data)
	rows, ok := sheets[export.SheetTyping]
	if !ok {
		t.Fatalf("no %q sheet among %d", export.SheetTyping, len(sheets))
	}
	// LibreOffice writes a percentage with its sign, to full precision.
	if rows[0][0] != "Typing tool of needs" || math.Abs(num(t, strings.TrimSuffix(rows[1][2], "%"))/100-tool.Accuracy) > 1e-12 {
		t.Fatalf("title and accuracy: %q", rows[:2])
	}
	if want := []string{"Code", "Outcome", "Rating", "If unanswered", "s1 Stop losing context", "s2 =Look organized", "s3 Ship faster"}; !slices.Equal(rows[3], want) {
		t.Fatalf("header %q, want %q", rows[3], want)
	}
	note := rows[4+len(tool.Items)+2][0]
	if !strings.Contains(note, "=SUMPRODUCT(ratings, E5:E10)+E11") {
		t.Errorf("the note says %q", note)
	}
	slot := map[string]int{}
	for _, o := range s.design.Outcomes {
		slot[o.Code] = o.Slot
	}
	for a, it := range tool.Items {
		r := rows[4+a]
		// LibreOffice writes 15 significant digits.
		if slot[r[0]] != it.Slot || r[2] != [2]string{"importance", "satisfaction"}[it.Scale] || math.Abs(num(t, r[3])-tool.Fill[a]) > 1e-12 {
			t.Errorf("item %d: %q, want slot %d scale %d", a, r, it.Slot, it.Scale)
		}
	}

	right, n := 0, 0
	for _, p := range sample.Generate(sample.Config{Respondents: 500, Seed: 9}).Responses {
		if p.Status != sample.StatusComplete || len(p.Flags) > 0 {
			continue
		}
		x := make([]float64, len(tool.Items))
		for a, it := range tool.Items {
			x[a] = float64(p.Ratings[2*it.Slot+it.Scale]) // 0, unanswered, counts as the fill
		}
		want, _ := tool.Classify(x)
		got := typedBySheet(t, rows, slot, p.Ratings)
		if got != want {
			t.Errorf("%s: typed %d by the sheet, %d by the tool", p.ID, got, want)
		}
		if got == p.Segment {
			right++
		}
		n++
	}
	acc := float64(right) / float64(n)
	t.Logf("the sheet types %d of %d held-out planted respondents right (%.3f); the tool reports %.3f", right, n, acc, tool.Accuracy)
	if math.Abs(acc-tool.Accuracy) > 0.06 {
		t.Errorf("accuracy on held-out respondents %.3f, the tool reports %.3f", acc, tool.Accuracy)
	}
}

// TestTypingToolSheetOnlyWhenAsked: the sheet follows Segment comparison
// when the workbook has a typing tool, its numbers unrounded, and is absent
// otherwise.
func TestTypingToolSheetOnlyWhenAsked(t *testing.T) {
	_, tool, data := typingBook(t)
	f := surveystest.OpenWorkbook(t, data)
	names := f.GetSheetList()
	at := slices.Index(names, export.SheetTyping)
	if at < 0 || names[at-1] != export.SheetComparison {
		t.Fatalf("sheets %v", names)
	}
	for s := range 3 {
		for a := range tool.Items {
			ref, _ := excelize.CoordinatesToCellName(5+s, 5+a)
			v, err := f.GetCellValue(export.SheetTyping, ref, excelize.Options{RawCellValue: true})
			if err != nil || num(t, v) != tool.Coef[s][a] {
				t.Errorf("segment %d item %d: %q, want %v", s, a, v, tool.Coef[s][a])
			}
		}
	}
	plain, _ := workbook(t, fromSample(60, 0, 3).input("wave", false))
	if slices.Contains(plain.GetSheetList(), export.SheetTyping) {
		t.Error("a workbook without a typing tool has the sheet")
	}
}
