package fieldwork_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/surveystest"
)

func TestAttentionCheckOnEveryBackend(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		fw := fieldworkOf(t, s)
		ctx := context.Background()
		u, err := s.Accounts().CreateUser(ctx, accounts.NewUser{Email: "r@example.com", Password: "olive-kettle-93", Role: "researcher"})
		if err != nil {
			t.Fatal(err)
		}
		name := "Attention"
		st, err := s.CreateStudy(ctx, u, surveys.StudyInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{"Minimize the time it takes to find a decision", "Minimize the likelihood of losing a spec", "Minimize the time it takes to plan"} {
			if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: &stmt}); err != nil {
				t.Fatal(err)
			}
		}
		if sv, err := fieldwork.Preview(mustDesign(t, s, u, st.ID)), error(nil); err != nil || sv.Attention != nil {
			t.Fatalf("before it is set: %+v %v", sv, err)
		}
		on := true
		if _, err := s.UpdateStudy(ctx, u, st.ID, surveys.StudyInput{AttentionCheck: &on}); err != nil {
			t.Fatal(err)
		}
		sv, err := fieldwork.Preview(mustDesign(t, s, u, st.ID)), error(nil)
		if err != nil || sv.Attention == nil {
			t.Fatalf("preview: %+v %v", sv, err)
		}
		// One item per respondent, not an outcome, in the same place each time.
		stages := sv.Stages(sv.Order("r1"), "r1")
		var checks []fieldwork.Item
		for _, stg := range stages {
			for _, it := range stg.Items {
				if it.Attention {
					checks = append(checks, it)
				}
			}
		}
		if len(checks) != 1 || checks[0].Code != "" || checks[0].Statement != sv.Attention.Text {
			t.Fatalf("attention items %+v", checks)
		}
		if again := sv.Stages(sv.Order("r1"), "r1"); !slices.EqualFunc(again, stages, func(a, b fieldwork.Stage) bool { return slices.Equal(a.Items, b.Items) }) {
			t.Fatal("the same respondent's stages differ")
		}

		pub, err := s.Publish(ctx, u, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		ratings := map[string]fieldwork.Rating{"O01": {Importance: fieldwork.Rated(5), Satisfaction: fieldwork.Rated(1)},
			"O02": {Importance: fieldwork.Rated(4), Satisfaction: fieldwork.Rated(2)}, "O03": {Importance: fieldwork.Rated(3), Satisfaction: fieldwork.Rated(3)}}
		for _, tc := range []struct {
			attention fieldwork.Value
			flags     []string
		}{{fieldwork.Number(2), []string{}}, {fieldwork.Number(3), []string{surveys.FlagAttention}}} {
			res, _, err := fw.Submit(ctx, *pub.Slug, fieldwork.Submission{SubmissionID: uuid.NewString(), Ratings: ratings, Attention: tc.attention, Complete: true})
			if err != nil {
				t.Fatal(err)
			}
			list, err := fw.Responses(ctx, mustDesign(t, s, u, st.ID), fieldwork.ResponseQuery{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(list.Responses, func(r surveys.Response) bool { return r.RespondentID == res.RespondentID })
			if i < 0 || !slices.Equal(list.Responses[i].Flags, tc.flags) {
				t.Errorf("attention %v: responses %+v, want flags %v", tc.attention, list.Responses, tc.flags)
			}
		}
	})
}
