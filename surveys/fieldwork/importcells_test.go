package fieldwork

import (
	"io"
	"slices"
	"testing"
	"time"
)

func TestRatingValue(t *testing.T) {
	en := scaleLabels("en")[0]
	fr := scaleLabels("fr")[1]
	for _, tc := range []struct {
		cell   string
		labels map[string]byte
		want   byte // 0: out of scale
	}{
		{"4", en, 4}, {"4.00", en, 4}, {"5.0", en, 5}, {"1", en, 1},
		{"0", en, 0}, {"6", en, 0}, {"99", en, 0}, {"4.5", en, 0}, {"-1", en, 0}, {"NaN", en, 0}, {"Inf", en, 0},
		{"Extremely important", en, 5}, {"extremely  IMPORTANT", en, 5}, {"Not at all important", en, 1},
		{"5 - Extremely important", en, 5}, {"5 = Extremely important", en, 5}, {"4 - Extremely important", en, 0},
		{"N/A", en, 0}, {"Don't know", en, 0}, {"Extremely satisfied", en, 0},
		{"Très satisfait", fr, 4}, {"Very satisfied", fr, 4}, {"Extrêmement satisfait", fr, 5},
	} {
		got, ok := ratingValue(tc.cell, 5, tc.labels)
		if got != tc.want || ok != (tc.want != 0) {
			t.Errorf("%q: %d %v, want %d", tc.cell, got, ok, tc.want)
		}
	}
}

func TestStatusAndTimeValues(t *testing.T) {
	for cell, want := range map[string]string{"complete": "complete", "Completed": "complete", "in_progress": "in_progress",
		"Partial": "in_progress", "screened_out": "screened_out", "Disqualified": "screened_out", "done": ""} {
		if got, _ := statusValue(cell); got != want {
			t.Errorf("status %q: %q, want %q", cell, got, want)
		}
	}
	for cell, want := range map[string]string{"True": "complete", "1": "complete", "no": "in_progress", "maybe": ""} {
		if got, _ := finishedValue(cell); got != want {
			t.Errorf("finished %q: %q, want %q", cell, got, want)
		}
	}
	at := time.Date(2026, 11, 20, 22, 5, 9, 0, time.UTC)
	for _, cell := range []string{"2026-11-20T22:05:09Z", "2026-11-20T23:05:09+01:00", "2026-11-20 22:05:09", "11/20/2026 10:05:09 PM", "11/20/2026 22:05:09", "2026/11/20 22:05:09"} {
		if got, ok := timeValue(cell); !ok || !got.Equal(at) {
			t.Errorf("time %q: %v %v, want %v", cell, got, ok, at)
		}
	}
	for _, cell := range []string{"yesterday", "0001-01-01T00:00:00Z", "2026-13-01 00:00:00"} {
		if _, ok := timeValue(cell); ok {
			t.Errorf("time %q read", cell)
		}
	}
}

// rowsOf is a file's rows as a source, the way a workbook gives them: each
// row ends at its last cell.
type rowsOf [][]string

func (r *rowsOf) next() ([]string, error) {
	if len(*r) == 0 {
		return nil, io.EOF
	}
	row := (*r)[0]
	*r = (*r)[1:]
	return row, nil
}

// A SurveyMonkey workbook whose last matrix ends the sheet: its first row
// stops at the matrix's first column, and the header still has every
// column the second row names.
func TestSurveyMonkeyHeaderOfAWorkbook(t *testing.T) {
	src := rowsOf{
		{"Respondent ID", "Minimize the time to find a decision"},
		{"", "Importance", "Satisfaction"},
		{"1001", "5", "2"},
	}
	h, err := readHeader(&src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range h.texts {
		names = append(names, h.name(i))
	}
	want := []string{"Respondent ID", "Minimize the time to find a decision | Importance", "Minimize the time to find a decision | Satisfaction"}
	if h.format != FormatSurveyMonkey || !slices.Equal(names, want) {
		t.Errorf("%s header %q, want %s %q", h.format, names, FormatSurveyMonkey, want)
	}
}
