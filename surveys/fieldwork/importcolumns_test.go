package fieldwork

import (
	"strings"
	"testing"

	"odi/surveys"
)

// TestColumnMatcher: the headers a column may have, one row or several, and
// what each gives, in an English and a French study.
func TestColumnMatcher(t *testing.T) {
	d := &surveys.Design{
		Study: surveys.Study{Language: "fr"},
		Outcomes: []surveys.Outcome{
			{Code: "O1", Statement: "Minimiser le temps passé à retrouver une décision", Slot: 0},
			{Code: "O2", Statement: "Minimiser le temps passé", Slot: 1}, // inside O1's statement
		},
		Questions: []surveys.Question{{Key: "role", Text: "Quel est votre rôle ?", Kind: surveys.KindText}},
	}
	for _, tc := range []struct {
		texts []string
		want  string
	}{
		{[]string{"O1_imp"}, "rating O1 importance"},
		{[]string{"sat-o2"}, "rating O2 satisfaction"},
		{[]string{"O1 (Satisfaite)"}, "rating O1 satisfaction"},
		{[]string{"Minimiser le temps passé à retrouver une décision - Importance"}, "rating O1 importance"},
		{[]string{"Minimiser le temps passé - satisfaction"}, "rating O2 satisfaction"},
		{[]string{"Q4_1", "Quelle importance ? - Minimiser le temps passé à retrouver une décision"}, "rating O1 importance"},
		{[]string{"O1 importance satisfaction"}, "ignored"}, // both scales: which?
		{[]string{"O1 note"}, "ignored"},                    // a word other than the scale's beside a code
		{[]string{"O3_imp"}, "ignored"},
		{[]string{"quel est votre RÔLE?"}, "question role"},
		{[]string{"Q1", "Quel est votre rôle ?"}, "question role"},
		{[]string{"ResponseId"}, "respondent_id"},
		{[]string{"Start Date", ""}, "started_at"},
		{[]string{"IP Address"}, "ignored"},
	} {
		got := newColumnMatcher(d, FormatOneRow).match(tc.texts)
		if s := strings.TrimSpace(got.MapsTo + " " + got.Key + " " + got.Scale); s != tc.want {
			t.Errorf("%q: %q, want %q", tc.texts, s, tc.want)
		}
	}
}
