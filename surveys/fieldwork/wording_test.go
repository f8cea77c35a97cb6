package fieldwork_test

import (
	"strings"
	"testing"

	"odi/surveys"
	"odi/surveys/fieldwork"
)

// TestJobWordingReadsInEveryLanguage builds the survey of a one-outcome study
// for wants that read after "When you" (or "Quand vous voulez") and wants
// that do not: the first are put into the questions, the second leave the
// questions without the job, so "When you be productive" never appears.
func TestJobWordingReadsInEveryLanguage(t *testing.T) {
	tests := []struct {
		lang, want     string
		lead, question string
	}{
		{"en", "find a past decision",
			"When you find a past decision: how important is each of these",
			"When you find a past decision, how important is it to you that you are able to minimize the time it takes to brief a new hire?"},
		{"en", "Put our work into one place.",
			"When you put your work into one place: how important",
			"When you put your work into one place, how important is it to you"},
		{"en", "be productive", "How important is each of these to you",
			"How important is it to you that you are able to minimize the time it takes to brief a new hire?"},
		{"en", "I want to find a past decision", "How important is each of these to you", "How important is it to you that"},
		{"en", "finding a past decision", "How important is each of these to you", "How important is it to you that"},
		{"en", "a shared workspace", "How important is each of these to you", "How important is it to you that"},
		{"en", "", "How important is each of these to you", "How important is it to you that"},
		{"fr", "retrouver une décision passée", "Quand vous voulez retrouver une décision passée\u00a0: quelle importance",
			"Quand vous voulez retrouver une décision passée, quelle importance a pour vous le fait de pouvoir"},
		{"fr", "être productif", "Quand vous voulez être productif\u00a0:", "Quand vous voulez être productif, quelle importance"},
		{"fr", "m'organiser", "Quelle importance a pour vous chacun de ces points", "Quelle importance a pour vous le fait de pouvoir"},
		{"fr", "une décision passée", "Quelle importance a pour vous chacun de ces points", "Quelle importance a pour vous le fait de pouvoir"},
	}
	for _, tt := range tests {
		d := &surveys.Design{
			Study:    surveys.Study{Language: tt.lang, Job: surveys.Job{When: "a new hire joins", Want: tt.want}},
			Outcomes: []surveys.Outcome{{Code: "O01", Step: "Define", Statement: "Minimize the time it takes to brief a new hire"}},
		}
		sv := fieldwork.Preview(d)
		if !strings.HasPrefix(sv.Lead, tt.lead) {
			t.Errorf("%s %q: lead %q, want it to start %q", tt.lang, tt.want, sv.Lead, tt.lead)
		}
		q := sv.Pages[0].Items[0].Importance
		if !strings.HasPrefix(q, tt.question) {
			t.Errorf("%s %q: question %q, want it to start %q", tt.lang, tt.want, q, tt.question)
		}
	}
}
