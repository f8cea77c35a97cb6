package fieldwork

import (
	"bytes"
	"strings"
	"testing"

	"odi/surveys/surveystest"
)

func TestProposeStudyReadsEachSpellingOfARatingHeader(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         []ProposedOutcome // code and statement
		questions    []string          // keys
	}{
		{"codes only", "respondent_id,O01_imp,O01_sat,imp_O02,sat_O02,Role",
			[]ProposedOutcome{{Code: "O01", Statement: "O01"}, {Code: "O02", Statement: "O02"}}, []string{"role"}},
		{"statement and scale", "id,Minimize the time to find a file - Importance,Minimize the time to find a file - Satisfaction,Team size",
			[]ProposedOutcome{{Code: "O01", Statement: "Minimize the time to find a file"}}, []string{"team_size"}},
		{"scale in parentheses", "Minimize the time to find a file (Importance),Minimize the time to find a file (Satisfaction)",
			[]ProposedOutcome{{Code: "O01", Statement: "Minimize the time to find a file"}}, nil},
		{"a code the file gives keeps its number free", "Reduce waste - Imp,Reduce waste - Sat,O01 (Importance),O01 (Satisfaction)",
			[]ProposedOutcome{{Code: "O02", Statement: "Reduce waste"}, {Code: "O01", Statement: "O01"}}, nil},
		{"a lone scale is no outcome", "Reduce waste - Importance,Reduce cost - Importance,Reduce cost - Satisfaction,Email,IP Address",
			[]ProposedOutcome{{Code: "O01", Statement: "Reduce cost"}}, nil},
		{"LimeSurvey's brackets", "How important is it? [Reduce waste],How satisfied are you? [Reduce waste]",
			[]ProposedOutcome{{Code: "O01", Statement: "Reduce waste"}}, nil},
		{"a statement naming importance", "Minimize the chance of missing an important mail - Importance,Minimize the chance of missing an important mail - Satisfaction",
			[]ProposedOutcome{{Code: "O01", Statement: "Minimize the chance of missing an important mail"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ProposeStudy(strings.NewReader(tc.header+"\n"), false, "f.csv")
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Outcomes) != len(tc.want) {
				t.Fatalf("outcomes %+v, want %+v", p.Outcomes, tc.want)
			}
			for i, o := range p.Outcomes {
				if o.Code != tc.want[i].Code || o.Statement != tc.want[i].Statement {
					t.Errorf("outcome %d is %s %q, want %s %q", i, o.Code, o.Statement, tc.want[i].Code, tc.want[i].Statement)
				}
			}
			var keys []string
			for _, q := range p.Questions {
				keys = append(keys, q.Key)
			}
			if strings.Join(keys, ",") != strings.Join(tc.questions, ",") {
				t.Errorf("questions %v, want %v (metadata is never a question)", keys, tc.questions)
			}
		})
	}
}

func TestProposeStudyReadsAWorkbookAndBoundsTheOptions(t *testing.T) {
	rows := [][]any{{"Reduce waste - Importance", "Reduce waste - Satisfaction", "Country", "Plan"}}
	for i := range 25 {
		rows = append(rows, []any{4, 2, string(rune('A' + i)), []string{"Free", "Pro"}[i%2]})
	}
	p, err := ProposeStudy(bytes.NewReader(surveystest.Workbook(t, rows...)), true, "panel.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "panel" || p.Rows != 25 || len(p.Outcomes) != 1 || len(p.Questions) != 2 {
		t.Fatalf("proposal %+v", p)
	}
	if q := p.Questions[0]; q.Key != "country" || q.Kind != "text" {
		t.Errorf("25 distinct answers are free text, not a choice of %d: %+v", maxProposedOptions, q)
	}
	if q := p.Questions[1]; q.Kind != "single" || strings.Join(q.Options, ",") != "Free,Pro" {
		t.Errorf("plan: %+v, want a single choice of Free, Pro", q)
	}
}
