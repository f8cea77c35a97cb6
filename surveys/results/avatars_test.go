package results_test

import (
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/surveystest"
)

// refCell is one outcome in one group as the reference computes it.
type refCell struct {
	n        int
	imp, sat float64 // top-two-box shares × 10
	opp      float64
}

// reference scores ratings[respondent][code] = {importance, satisfaction}
// over the respondents who rated each code, straight from docs/scoring.md.
func reference(ratings []map[string][2]int) map[string]refCell {
	type sums struct{ n, impTop, satTop int }
	by := map[string]*sums{}
	for _, r := range ratings {
		for code, v := range r {
			s := by[code]
			if s == nil {
				s = &sums{}
				by[code] = s
			}
			s.n++
			if v[0] >= 4 {
				s.impTop++
			}
			if v[1] >= 4 {
				s.satTop++
			}
		}
	}
	out := map[string]refCell{}
	for code, s := range by {
		imp, sat := 10*float64(s.impTop)/float64(s.n), 10*float64(s.satTop)/float64(s.n)
		out[code] = refCell{n: s.n, imp: imp, sat: sat, opp: imp + math.Max(imp-sat, 0)}
	}
	return out
}

// TestRolesAreScoredOverThoseAskedAndComparedSideBySide: on generated data
// where executors, decision-makers and beneficiaries see different outcome
// subsets, each outcome is scored over the respondents it was asked of, the
// role comparison marks the outcomes a role was never asked, and the
// planted difference (O01 matters to executors, not to decision-makers)
// shows while an outcome rated alike by every role (O02) does not differ.
func TestRolesAreScoredOverThoseAskedAndComparedSideBySide(t *testing.T) {
	s := surveystest.SQLite(t)
	ctx := context.Background()
	rs := results.New(s)
	fw := fieldwork.New(s, rs)
	t.Cleanup(fw.Close)
	u, st, q := surveystest.RoleStudy(t, s, "Roles")
	exec, bene, buyer := q.Options[0], q.Options[1], q.Options[3]
	routes := map[string][]string{"O01": nil, "O02": nil, "O03": {exec}, "O04": {exec}, "O05": {buyer}, "O06": {exec, buyer}}
	for _, code := range []string{"O01", "O02", "O03", "O04", "O05", "O06"} {
		stmt, c, roles := "Minimize the time it takes to check "+code, code, routes[code]
		if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: &stmt, Code: &c, Roles: &roles}); err != nil {
			t.Fatal(err)
		}
	}
	pub, err := s.Publish(ctx, u, st.ID)
	if err != nil {
		t.Fatal(err)
	}

	// P(importance 4 or 5) by role and outcome; satisfaction is top-two
	// with probability 0.3 everywhere. O01 is the planted difference.
	high := func(role, code string) float64 {
		switch {
		case code == "O01" && role == exec:
			return 0.85
		case code == "O01" && role == buyer:
			return 0.15
		}
		return 0.5
	}
	rng := rand.New(rand.NewPCG(19, 6))
	rating := func(p float64) int {
		if rng.Float64() < p {
			return 4 + rng.IntN(2)
		}
		return 1 + rng.IntN(3)
	}
	given := map[string][]map[string][2]int{}
	for _, role := range []string{exec, exec, exec, buyer, buyer, bene} {
		for range 40 {
			mine := map[string][2]int{}
			in := fieldwork.Submission{SubmissionID: uuid.NewString(), Complete: true,
				Answers: map[string]fieldwork.Value{"role": fieldwork.Text(role)}, Ratings: map[string]fieldwork.Rating{}}
			for code, roles := range routes {
				if len(roles) > 0 && !slices.Contains(roles, role) {
					continue
				}
				v := [2]int{rating(high(role, code)), rating(0.3)}
				mine[code] = v
				in.Ratings[code] = fieldwork.Rating{Importance: fieldwork.Rated(v[0]), Satisfaction: fieldwork.Rated(v[1])}
			}
			if _, _, err := fw.Submit(ctx, *pub.Slug, in); err != nil {
				t.Fatal(err)
			}
			given[role] = append(given[role], mine)
			given["all"] = append(given["all"], mine)
		}
	}

	d := surveystest.Design(t, s, u, st.ID)
	res, err := rs.Opportunities(ctx, d, results.OpportunityQuery{SegmentBy: "role"})
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"all"}
	for _, g := range res.Groups[1:] {
		keys = append(keys, g.Key)
	}
	if !slices.Equal(keys, []string{"all", exec, bene, q.Options[2], buyer}) {
		t.Fatalf("groups %q", keys)
	}
	for _, g := range res.Groups {
		ref := reference(given[g.Key])
		ranks := []int{}
		for _, row := range g.Outcomes {
			want, asked := ref[row.Code]
			if !asked {
				if g.Key == q.Options[2] && row.N == 0 && !row.NotAsked && len(routes[row.Code]) == 0 {
					continue // nobody in the group; asked all the same
				}
				if !row.NotAsked || row.Rank != 0 || row.N != 0 || row.Class != "not_asked" {
					t.Errorf("%s %s: never asked, got %+v", g.Key, row.Code, row)
				}
				continue
			}
			if row.NotAsked || row.N != want.n || math.Abs(row.Importance-want.imp) > 1e-9 ||
				math.Abs(row.Satisfaction-want.sat) > 1e-9 || math.Abs(row.Opportunity-want.opp) > 1e-9 {
				t.Errorf("%s %s: got n %d imp %.4f sat %.4f opp %.4f, want %+v", g.Key, row.Code, row.N, row.Importance, row.Satisfaction, row.Opportunity, want)
			}
			ranks = append(ranks, row.Rank)
		}
		for i, r := range ranks {
			if r != i+1 {
				t.Errorf("%s: ranks of asked outcomes %v, want 1…%d", g.Key, ranks, len(ranks))
				break
			}
		}
	}
	// n per outcome in all respondents: those it was asked of.
	nAll := map[string]int{}
	for _, row := range res.Groups[0].Outcomes {
		nAll[row.Code] = row.N
	}
	if want := map[string]int{"O01": 240, "O02": 240, "O03": 120, "O04": 120, "O05": 80, "O06": 200}; !maps.Equal(nAll, want) {
		t.Errorf("n per outcome %v, want %v", nAll, want)
	}

	rows := res.Comparison()
	col := map[string]int{}
	for i, g := range res.Groups {
		col[g.Key] = i
	}
	for _, r := range rows {
		e, b := r.Cells[col[exec]], r.Cells[col[buyer]]
		switch r.Code {
		case "O01":
			if e.VsRest == nil || !e.VsRest.ImportanceSignificant || b.VsRest == nil || !b.VsRest.ImportanceSignificant || e.Importance <= b.Importance {
				t.Errorf("planted O01: executors %+v, decision-makers %+v", e, b)
			}
		case "O02":
			if e.VsRest == nil || e.VsRest.ImportanceSignificant || b.VsRest.ImportanceSignificant {
				t.Errorf("O02, alike for everyone, differs: %+v %+v", e.VsRest, b.VsRest)
			}
		case "O03", "O04":
			if !b.NotAsked || e.NotAsked || b.VsRest != nil {
				t.Errorf("%s, executors only: executor cell %+v, decision-maker cell %+v", r.Code, e, b)
			}
		case "O05":
			if !e.NotAsked || b.NotAsked || b.N != 80 {
				t.Errorf("O05, decision-makers only: %+v %+v", e, b)
			}
		}
	}
}
