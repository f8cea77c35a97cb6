package fieldwork_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/surveystest"
)

// checkPlace is where one attention check sits in a respondent's stages.
type checkPlace struct {
	check, stage int
	after        string // the outcome before it, "" first
}

// checkPlaces lists the attention checks of a respondent's stages in the
// order they come.
func checkPlaces(stages []fieldwork.Stage) []checkPlace {
	var out []checkPlace
	for p, st := range stages {
		for i, it := range st.Items {
			if it.Attention {
				pl := checkPlace{check: it.Check, stage: p}
				if i > 0 {
					pl.after = st.Items[i-1].Code
				}
				out = append(out, pl)
			}
		}
	}
	return out
}

func TestAttentionChecksOnEveryBackend(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		fw := fieldworkOf(t, s)
		ctx := context.Background()
		u := surveystest.User(t, s, "r@example.com", "researcher")
		st := surveystest.Study(t, s, u, "Attention")
		// Two job steps of two outcomes: two pages.
		for i, step := range []string{"Locate", "Locate", "Confirm", "Confirm"} {
			stmt := fmt.Sprintf("Minimize the time it takes to find decision number %d", i+1)
			if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: &stmt, Step: &step}); err != nil {
				t.Fatal(err)
			}
		}
		if sv := fieldwork.Preview(surveystest.Design(t, s, u, st.ID)); sv.Attention != nil {
			t.Fatalf("before it is set: %+v", sv.Attention)
		}
		on, three := true, 3
		if _, err := s.UpdateStudy(ctx, u, st.ID, surveys.StudyInput{AttentionCheck: &on, AttentionChecks: &three}); err != nil {
			t.Fatal(err)
		}
		// Three asked, two pages: two checks, one a page.
		sv := fieldwork.Preview(surveystest.Design(t, s, u, st.ID))
		if sv.Attention == nil || sv.Attention.Checks != 2 {
			t.Fatalf("three checks asked of two pages: %+v", sv.Attention)
		}
		stages := sv.Stages(sv.Order("r1"), "r1", "")
		places := checkPlaces(stages)
		if len(places) != 2 || places[0].stage == places[1].stage || places[0].check+places[1].check != 1 {
			t.Fatalf("checks of r1: %v", places)
		}
		for _, st := range stages {
			for _, it := range st.Items {
				if it.Attention && (it.Code != "" || it.Statement != sv.Attention.Text) {
					t.Fatalf("a check item %+v", it)
				}
			}
		}
		if again := checkPlaces(sv.Stages(sv.Order("r1"), "r1", "")); !slices.Equal(again, places) {
			t.Fatalf("the same respondent's checks moved: %v, then %v", places, again)
		}

		pub, err := s.Publish(ctx, u, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		ratings := map[string]fieldwork.Rating{}
		for i := range 4 {
			ratings[fmt.Sprintf("O%02d", i+1)] = fieldwork.Rating{Importance: fieldwork.Rated(5 - i), Satisfaction: fieldwork.Rated(1 + i)}
		}
		r := fieldwork.Rated
		for _, tc := range []struct {
			name   string
			checks fieldwork.Checks
			flags  []string
		}{
			{"both right", fieldwork.CheckRatings(r(2), r(2)), []string{}},
			{"the second wrong", fieldwork.CheckRatings(r(2), r(3)), []string{surveys.FlagAttention}},
			{"only the first answered", fieldwork.CheckRatings(r(2)), []string{surveys.FlagAttention}},
		} {
			res, _, err := fw.Submit(ctx, *pub.Slug, fieldwork.Submission{SubmissionID: uuid.NewString(), Ratings: ratings, Attention: tc.checks, Complete: true})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			list, err := fw.Responses(ctx, surveystest.Design(t, s, u, st.ID), fieldwork.ResponseQuery{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(list.Responses, func(r surveys.Response) bool { return r.RespondentID == res.RespondentID })
			if i < 0 || !slices.Equal(list.Responses[i].Flags, tc.flags) {
				t.Errorf("%s: responses %+v, want flags %v", tc.name, list.Responses, tc.flags)
			}
		}
	})
}
