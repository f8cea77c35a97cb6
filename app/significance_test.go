package app

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"odi/surveys/results"
)

// plantedCSV is a study of two outcomes answered by 60 respondents of team
// size small and 60 of large. Small rates O01's importance 4 or 5 in 48 of
// 60 answers, large in 18 of 60; everything else is the same in both.
func plantedCSV() string {
	var b strings.Builder
	b.WriteString("respondent_id,status,team_size,O01_imp,O01_sat,O02_imp,O02_sat\n")
	for i := range 120 {
		group, imp := "small", 2
		if i >= 60 {
			group = "large"
		}
		if (group == "small" && i%60 < 48) || (group == "large" && i%60 < 18) {
			imp = 5
		}
		fmt.Fprintf(&b, "r%03d,complete,%s,%d,%d,%d,%d\n", i, group, imp, 2+i%3*(i%2), 3+i%2, 1+i%5)
	}
	return b.String()
}

func TestSegmentsCarryTheirTestAgainstEveryoneElse(t *testing.T) {
	_, c := researcherServer(t)
	teamSize := `{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true}`
	outcomes := "statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\nMinimize the chance of losing a spec,O03\nReduce the cost of answering again,O04\n"

	t.Run("worked example: nothing survives the correction", func(t *testing.T) {
		id := goldenStudy(t, c, []string{teamSize}, outcomes, readTestdata(t, "worked-example.csv"))
		var res results.Opportunities
		c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities?segment_by=team_size", id), nil).json(t, &res)
		if res.Groups[0].Outcomes[0].VsRest != nil {
			t.Errorf("all respondents carry vs_rest: %+v", res.Groups[0].Outcomes[0])
		}
		// docs/scoring.md, "Significance": small against large on O02's
		// satisfaction, 3 of 4 against 0 of 4, z = 2.1909, p = 0.028460;
		// on O01's importance 4 of 4 against 3 of 5, p = 0.151494.
		want := map[string][2]float64{"O02": {0.28504941, 0.02845974}, "O01": {0.15149399, 0.05777957}, "O03": {1, 0.34278171}}
		for _, g := range res.Groups[1:] {
			for _, o := range g.Outcomes {
				v := o.VsRest
				if v == nil {
					t.Fatalf("%s/%s has no vs_rest", g.Key, o.Code)
				}
				if v.ImportanceSignificant || v.SatisfactionSignificant {
					t.Errorf("%s/%s significant: %+v", g.Key, o.Code, *v)
				}
				if w, ok := want[o.Code]; ok && (math.Abs(v.ImportanceP-w[0]) > 1e-7 || math.Abs(v.SatisfactionP-w[1]) > 1e-7) {
					t.Errorf("%s/%s: p %v %v, want %v", g.Key, o.Code, v.ImportanceP, v.SatisfactionP, w)
				}
			}
		}
	})

	t.Run("planted effect", func(t *testing.T) {
		id := goldenStudy(t, c, []string{teamSize}, outcomes, plantedCSV())
		r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities?segment_by=team_size", id), nil)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, `"vs_rest":{"importance_p":`) {
			t.Fatalf("no vs_rest object in %.300s", r.body)
		}
		var res results.Opportunities
		r.json(t, &res)
		// 48/60 against 18/60: pooled 0.55, z = 0.5/√(0.55 × 0.45 × 2/60)
		// = 5.5048, p = 3.6955e-8.
		for _, g := range res.Groups[1:] {
			for _, o := range g.Outcomes {
				want := o.Code == "O01"
				if o.VsRest.ImportanceSignificant != want || o.VsRest.SatisfactionSignificant {
					t.Errorf("%s/%s: %+v, want only O01's importance significant", g.Key, o.Code, *o.VsRest)
				}
				if want && math.Abs(o.VsRest.ImportanceP-3.6955e-8)/3.6955e-8 > 1e-3 {
					t.Errorf("%s/O01: p %g, want 3.6955e-8", g.Key, o.VsRest.ImportanceP)
				}
			}
		}
		page := c.get(fmt.Sprintf("/studies/%d/results?segment_by=team_size", id))
		wantStatus(t, page, http.StatusOK)
		for _, s := range []string{`title="importance significantly higher than everyone else">I↑`, `title="importance significantly lower than everyone else">I↓`,
			`id="sig-legend"`, "Benjamini-Hochberg at 5%"} {
			if !strings.Contains(page.body, s) {
				t.Errorf("results page lacks %q", s)
			}
		}
	})
}
