package surveys_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/surveystest"
)

// goldenDesign builds the golden study on a store: two profile questions and
// the 20 outcomes, then imports the 500 responses.
func goldenDesign(t *testing.T, s *surveys.Store) (*surveys.User, int64) {
	t.Helper()
	ctx := context.Background()
	outcomes, err := os.ReadFile("../../shared/golden/outcomes.csv")
	if err != nil {
		t.Skipf("golden data not found: %v", err)
	}
	responses, err := os.ReadFile("../../shared/golden/responses.csv")
	if err != nil {
		t.Skipf("golden data not found: %v", err)
	}
	u, err := s.CreateUser(ctx, surveys.NewUser{Email: "r@example.com", Password: "password123", Role: "researcher"})
	if err != nil {
		t.Fatal(err)
	}
	name := "Golden"
	st, err := s.CreateStudy(ctx, u, surveys.StudyInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []surveys.QuestionInput{
		{Key: "company_size", Text: "Size", Kind: "single", Options: []string{"1-9", "10-49", "50-249", "250+"}, Segment: true},
		{Key: "region", Text: "Region", Kind: "single", Options: []string{"Americas", "Europe", "Asia-Pacific"}},
	} {
		if _, err := s.AddQuestion(ctx, u, st.ID, q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := surveys.ReadOutcomesFile(outcomes, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportOutcomes(ctx, u, st.ID, rows); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportResponses(ctx, u, st.ID, strings.NewReader(string(responses))); err != nil {
		t.Fatal(err)
	}
	return u, st.ID
}

func TestOpportunitiesOnEveryBackend(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		ctx := context.Background()
		u, id := goldenDesign(t, s)
		res, err := s.Opportunities(ctx, u, id, surveys.OpportunityQuery{SegmentBy: "company_size"})
		if err != nil {
			t.Fatal(err)
		}
		// From expected-opportunities.json: all, rank 1.
		top := res.Groups[0].Outcomes[0]
		if len(res.Groups) != 5 || top.Code != "O05" || top.N != 470 || math.Abs(top.Opportunity-5.491188) > 1e-6 {
			t.Fatalf("groups %d, top %+v", len(res.Groups), top)
		}
		all := res.Groups[0].N

		// Publishing and a new complete submission are seen by the cached scan.
		st, err := s.Publish(ctx, u, id)
		if err != nil {
			t.Fatal(err)
		}
		ratings := map[string]any{}
		for i := 1; i <= 20; i++ {
			ratings[fmt.Sprintf("O%02d", i)] = map[string]any{"importance": 5.0, "satisfaction": 1.0}
		}
		in := surveys.Submission{SubmissionID: uuid.NewString(), Answers: map[string]any{"company_size": "1-9"}, Ratings: ratings, Complete: true}
		res1, created, err := s.Submit(ctx, *st.Slug, in)
		if err != nil || !created || res1.Status != "complete" {
			t.Fatalf("submit: %+v %v %v", res1, created, err)
		}
		if _, created, err := s.Submit(ctx, *st.Slug, in); err != nil || created {
			t.Fatalf("repeat submit: created=%v err=%v", created, err)
		}
		res, err = s.Opportunities(ctx, u, id, surveys.OpportunityQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Groups[0].N != all+1 {
			t.Fatalf("after one more complete response n = %d, want %d", res.Groups[0].N, all+1)
		}
		if err := s.SetExcluded(ctx, u, id, res1.RespondentID, true); err != nil {
			t.Fatal(err)
		}
		if res, _ = s.Opportunities(ctx, u, id, surveys.OpportunityQuery{}); res.Groups[0].N != all {
			t.Fatalf("after excluding it n = %d, want %d", res.Groups[0].N, all)
		}
		if _, err := s.AddOutcome(ctx, u, id, surveys.OutcomeInput{Statement: ptr("Minimize x")}); !errors.Is(err, surveys.ErrLocked) {
			t.Fatalf("editing a published study: %v", err)
		}
		if err := s.DeleteStudy(ctx, u, id); err != nil {
			t.Fatal(err)
		}
		var left int64
		s.DB().Model(&surveys.Response{}).Where("study_id = ?", id).Count(&left)
		if left != 0 {
			t.Fatalf("deleting the study left %d responses", left)
		}
	})
}

func ptr[T any](v T) *T { return &v }
