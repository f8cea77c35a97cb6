package results_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/score"
	"odi/surveys/surveystest"
)

// TestPlantedLowQualityIsFlaggedAndLeftOut loads the sample study, whose
// generator plants straight-liners (on importance, or on both grids) and
// speeders and labels them, and checks that the cleaning flags exactly those
// and that the scores equal a computation of this test's own on the rows
// left in.
func TestPlantedLowQualityIsFlaggedAndLeftOut(t *testing.T) {
	t.Parallel()
	s := surveystest.SQLite(t)
	ctx := context.Background()
	u := surveystest.User(t, s, "r@example.com", accounts.RoleResearcher)
	ds := sample.Generate(sample.Config{Respondents: 1500, Seed: 3, Start: fieldwork.DemoStart()})
	rs, fw := storesOf(t, s)
	st, err := fw.LoadSample(ctx, u, ds)
	if err != nil {
		t.Fatal(err)
	}
	d := surveystest.Design(t, s, u, st.ID)
	review, err := rs.Review(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]results.Reviewed{}
	for _, r := range review {
		byID[r.RespondentID] = r
	}
	planted, kept := 0, []sample.Response{}
	for _, p := range ds.Responses {
		if p.Status != sample.StatusComplete {
			continue
		}
		got := byID[p.ID]
		if !slices.Equal(got.Flags, append([]string{}, p.Flags...)) {
			t.Errorf("%s planted %v, flagged %v", p.ID, p.Flags, got.Flags)
		}
		if len(p.Flags) > 0 {
			planted++
		} else {
			kept = append(kept, p)
		}
		if got.Excluded != (len(p.Flags) > 0) {
			t.Errorf("%s planted %v, excluded %v", p.ID, p.Flags, got.Excluded)
		}
	}
	if planted < 20 {
		t.Fatalf("only %d planted low-quality responses: the test shows little", planted)
	}

	opps, err := rs.Opportunities(ctx, d, results.OpportunityQuery{})
	if err != nil {
		t.Fatal(err)
	}
	all := opps.Groups[0]
	if all.N != len(kept) || all.Excluded != planted {
		t.Fatalf("n %d excluded %d, want %d and %d", all.N, all.Excluded, len(kept), planted)
	}
	// Top-two-box importance and satisfaction over the rows left in, by
	// slot (the sample's outcomes are in file order).
	for i, o := range ds.Outcomes {
		var imp, impN, sat, satN int
		for _, p := range kept {
			if v := p.Ratings[2*i]; v != 0 {
				impN++
				if v >= 4 {
					imp++
				}
			}
			if v := p.Ratings[2*i+1]; v != 0 {
				satN++
				if v >= 4 {
					sat++
				}
			}
		}
		row := all.Outcomes[slices.IndexFunc(all.Outcomes, func(r score.Row) bool { return r.Code == o.Code })]
		wantImp, wantSat := 10*float64(imp)/float64(impN), 10*float64(sat)/float64(satN)
		if math.Abs(row.Importance-wantImp) > 1e-9 || math.Abs(row.Satisfaction-wantSat) > 1e-9 {
			t.Errorf("%s: importance %v satisfaction %v, want %v and %v", o.Code, row.Importance, row.Satisfaction, wantImp, wantSat)
		}
	}
	t.Logf("%d complete, %d planted low-quality flagged and left out; scores match the clean rows", len(kept)+planted, planted)

	// Turning the rule off brings them back; the flags stay visible.
	off := []string{}
	if _, err := s.UpdateStudy(ctx, u, st.ID, surveys.StudyInput{ExcludeFlags: &off}); err != nil {
		t.Fatal(err)
	}
	opps, err = rs.Opportunities(ctx, surveystest.Design(t, s, u, st.ID), results.OpportunityQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if opps.Groups[0].N != len(kept)+planted || opps.Groups[0].Excluded != 0 {
		t.Fatalf("rule off: n %d excluded %d, want %d and 0", opps.Groups[0].N, opps.Groups[0].Excluded, len(kept)+planted)
	}
}
