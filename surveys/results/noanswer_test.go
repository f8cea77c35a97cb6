package results_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/google/uuid"

	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/surveystest"
)

// TestSkippersOfTheGroupingQuestionFormTheNoAnswerGroup submits three
// responses that skip company_size to the golden study: split by it, they are
// the last group, "No answer", scored like any other group; filtered on it,
// they are the whole view.
func TestSkippersOfTheGroupingQuestionFormTheNoAnswerGroup(t *testing.T) {
	ctx, g := context.Background(), newGolden(t, surveystest.SQLite(t))
	before := g.opportunities(t, results.OpportunityQuery{SegmentBy: "company_size"})
	if last := before.Groups[len(before.Groups)-1]; last.Key == results.NoAnswer {
		t.Fatalf("a no-answer group where everyone answered: %+v", last)
	}
	slug := g.publish(t)
	// O01's importance is 1 + (1+j)%5 for respondent j: 2, 3, 4, so one of
	// three rates it 4 or 5: importance 10 × 1/3.
	for j := range 3 {
		ratings := map[string]fieldwork.Rating{}
		for i := 1; i <= 20; i++ {
			ratings[fmt.Sprintf("O%02d", i)] = fieldwork.Rating{Importance: fieldwork.Rated(1 + (i+j)%5), Satisfaction: fieldwork.Rated(1 + (i/2+j)%5)}
		}
		in := fieldwork.Submission{SubmissionID: uuid.NewString(), Answers: map[string]fieldwork.Value{"region": fieldwork.Text("Europe")}, Ratings: ratings, Complete: true}
		if res, _, err := g.fw.Submit(ctx, slug, in); err != nil || res.Status != "complete" {
			t.Fatalf("submit %d: %+v %v", j, res, err)
		}
	}
	res := g.opportunities(t, results.OpportunityQuery{SegmentBy: "company_size"})
	if res.SegmentName != "Company size" {
		t.Errorf("segment name %q", res.SegmentName)
	}
	last := res.Groups[len(res.Groups)-1]
	if len(res.Groups) != len(before.Groups)+1 || last.Key != results.NoAnswer || last.Label != "No answer" || last.N != 3 {
		t.Fatalf("%d groups (was %d), last %s %q n %d", len(res.Groups), len(before.Groups), last.Key, last.Label, last.N)
	}
	sum := 0
	for _, g := range res.Groups[1:] {
		sum += g.N
	}
	if sum != res.Groups[0].N {
		t.Errorf("groups hold %d respondents, all respondents %d", sum, res.Groups[0].N)
	}
	for _, r := range last.Outcomes {
		if r.Code == "O01" && (r.N != 3 || math.Abs(r.Importance-10.0/3) > 1e-9) {
			t.Errorf("O01 in the no-answer group: n %d importance %v, want 3 and 3.33", r.N, r.Importance)
		}
		if r.VsRest == nil {
			t.Errorf("%s in the no-answer group has no test against everyone else", r.Code)
		}
	}
	only := g.opportunities(t, results.OpportunityQuery{Filters: []results.Filter{{Key: "company_size", Value: results.NoAnswer}}})
	if only.Groups[0].N != 3 {
		t.Fatalf("filtered on company_size:no_answer: %v", only)
	}
}
