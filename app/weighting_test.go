package app

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"odi/surveys/results"
	"odi/surveys/surveystest"
)

// skewedCSV is a sample that over-represents small teams: small respondents
// rate O01's importance 5 and satisfaction 1, large ones the other way
// round; O02 is rated 3 and 3 by everyone. blank respondents did not say
// their team size and rate O01 like small ones.
func skewedCSV(from, small, large, blank int) string {
	var b strings.Builder
	b.WriteString("respondent_id,status,team_size,O01_imp,O01_sat,O02_imp,O02_sat\n")
	row := func(group string, imp, sat int) {
		fmt.Fprintf(&b, "r%04d,complete,%s,%d,%d,3,3\n", from, group, imp, sat)
		from++
	}
	for range small {
		row("small", 5, 1)
	}
	for range large {
		row("large", 1, 5)
	}
	for range blank {
		row("", 5, 1)
	}
	return b.String()
}

const teamSizeQuestion = `{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true}`

func weightedStudy(t *testing.T, c *client, csv string) (int64, string) {
	t.Helper()
	id := goldenStudy(t, c, []string{teamSizeQuestion}, "statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\n", csv)
	return id, fmt.Sprintf("/api/v1/studies/%d", id)
}

func opportunitiesOf(t *testing.T, c *client, path string) results.Opportunities {
	t.Helper()
	var res results.Opportunities
	r := c.send("GET", path, nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &res)
	return res
}

func outcome(t *testing.T, g results.Group, code string) (o struct {
	Importance, Satisfaction, Opportunity float64
	N                                     int
	CI                                    [2]float64
}) {
	t.Helper()
	for _, r := range g.Outcomes {
		if r.Code == code {
			o.Importance, o.Satisfaction, o.Opportunity, o.N, o.CI = r.Importance, r.Satisfaction, r.Opportunity, r.N, r.ImportanceCI
			return o
		}
	}
	t.Fatalf("group %s has no %s", g.Key, code)
	return o
}

func TestWeightingRakesToThePopulation(t *testing.T) {
	t.Parallel()
	eachServer(t, testWeighting)
}

// testWeighting is TestWeightingRakesToThePopulation on one database.
func testWeighting(t *testing.T, s *Server) {
	c := api(t, s, "r@example.com", "researcher")

	t.Run("planted effect", func(t *testing.T) {
		// 80 small and 20 large teams answered; the population is half and
		// half. Raking weights small 0.5 × 100/80 = 0.625 and large
		// 0.5 × 100/20 = 2.5: Σw = 100, Σw² = 80 × 0.390625 + 20 × 6.25 =
		// 156.25, effective n = 100²/156.25 = 64.
		id, base := weightedStudy(t, c, skewedCSV(0, 80, 20, 0))
		r := c.send("PUT", base+"/weighting", `{"targets": {"team_size": {"small": 0.5, "large": 0.5}}}`)
		wantStatus(t, r, http.StatusOK)
		var rk results.Raking
		r.json(t, &rk)
		if !rk.Converged || rk.Iterations != 1 || math.Abs(rk.EffectiveN-64) > 1e-9 || math.Abs(rk.MaxWeight-2.5) > 1e-12 || rk.N != 100 || rk.Trimmed != 0 {
			t.Fatalf("raking %+v, want converged in 1, effective n 64, max weight 2.5", rk)
		}
		for _, field := range []string{`"converged":true`, `"iterations":1`, `"effective_n":64`, `"max_weight":2.5`} {
			if !strings.Contains(r.body, field) {
				t.Errorf("answer %s lacks %s", r.body, field)
			}
		}

		res := opportunitiesOf(t, c, base+"/opportunities?segment_by=team_size")
		all := res.Groups[0]
		// Unweighted O01 is 8 and 2 (opportunity 14); the population's
		// half and half rate it 5 and 5.
		o1 := outcome(t, all, "O01")
		if !res.Weighted || all.N != 100 || math.Abs(all.EffectiveN-64) > 1e-9 || o1.N != 100 ||
			math.Abs(o1.Importance-5) > 1e-12 || math.Abs(o1.Satisfaction-5) > 1e-12 || math.Abs(o1.Opportunity-5) > 1e-12 {
			t.Fatalf("weighted all: weighted %v, n %d, effective n %v, O01 %+v", res.Weighted, all.N, all.EffectiveN, o1)
		}
		// The interval is Wilson's on the effective n: p = 0.5, n = 64.
		z := 1.959964
		half := z * math.Sqrt(0.25/64+z*z/(4*64*64)) / (1 + z*z/64)
		if math.Abs(o1.CI[0]-10*(0.5-half)) > 1e-9 || math.Abs(o1.CI[1]-10*(0.5+half)) > 1e-9 {
			t.Errorf("O01 importance interval %v, want 10 × (0.5 ∓ %.6f)", o1.CI, half)
		}
		// Segment priority: each group holds half the weight; I = (10 +
		// 0)/2/10 for small's top outcomes O01 and O02, S = 0.
		small, large := res.Groups[1], res.Groups[2]
		if small.N != 80 || small.EffectiveN != 80 || math.Abs(small.Priority-0.5*1*0.5) > 1e-12 || math.Abs(large.Priority-0) > 1e-12 {
			t.Errorf("small n %d, effective n %v, priority %v; large priority %v", small.N, small.EffectiveN, small.Priority, large.Priority)
		}
		// Weights are equal within a group, so the test of small against
		// the rest is the unweighted one: 80 of 80 against 0 of 20.
		if v := outcome(t, small, "O01"); v.Importance != 10 || !small.Outcomes[0].VsRest.ImportanceSignificant {
			t.Errorf("small O01 %+v, vs rest %+v", v, small.Outcomes[0].VsRest)
		}

		// The detectable difference takes the effective n: two halves of 32
		// and O01's weighted share 0.5, 10 × (1.959964 + 0.841621) ×
		// √(0.25 × 2/32) = 3.502 points (unweighted, halves of 50 and the
		// share 0.8 nearest 0.5 would give 2.241).
		var size results.SampleSize
		c.send("GET", base+"/sample-size?half_width=1", nil).json(t, &size)
		if size.DetectableDifference == nil || math.Abs(*size.DetectableDifference-10*(1.959964+0.8416212)*math.Sqrt(0.25*2/32)) > 1e-6 {
			t.Errorf("sample size %+v", size)
		}

		unweighted := opportunitiesOf(t, c, base+"/opportunities?weighted=0")
		if o := outcome(t, unweighted.Groups[0], "O01"); unweighted.Weighted || o.Importance != 8 || o.Opportunity != 14 || unweighted.Groups[0].EffectiveN != 100 {
			t.Errorf("?weighted=0: weighted %v, O01 %+v", unweighted.Weighted, o)
		}
		wantField(t, c.send("GET", base+"/opportunities?weighted=maybe", nil), "weighted", "give 0")

		// The ranked CSV is weighted too, and ?weighted=0 is not.
		for q, want := range map[string]string{"": "5", "?weighted=0": "8"} {
			r := c.send("GET", base+"/opportunities.csv"+q, nil)
			wantStatus(t, r, http.StatusOK)
			recs := surveystest.CSV(t, strings.TrimPrefix(r.body, "\ufeff"))
			col := 5 // Group, Rank, Code, Step, Outcome, Importance
			for _, rec := range recs[1:] {
				if rec[2] == "O01" && rec[col] != want {
					t.Errorf("opportunities.csv%s: O01 importance %s, want %s (%q)", q, rec[col], want, rec)
				}
			}
		}

		// A stakeholder's report is weighted and says so.
		token, _ := newShareLink(t, c, id, `{}`)
		if r := newClient(t, c.s).get("/r/" + token); !strings.Contains(r.body, "effective n = 64.0") {
			t.Errorf("the report does not show the effective n: %d", r.status)
		}

		// The responses file ends with each response's weight.
		recs := surveystest.CSV(t, c.send("GET", base+"/responses.csv", nil).body)
		last := len(recs[0]) - 1
		if recs[0][last] != "weight" || recs[1][last] != "0.625" || recs[100][last] != "2.5" {
			t.Errorf("responses.csv: header %q, first row %q, last row %q", recs[0], recs[1], recs[100])
		}

		// and the import reads such a file back, ignoring the weight.
		otherID, other := weightedStudy(t, c, skewedCSV(1000, 1, 0, 0))
		if r := c.do("POST", other+"/responses/import?dry_run=1", "text/csv", c.send("GET", base+"/responses.csv", nil).body); r.status != http.StatusOK || !strings.Contains(r.body, `"ignored":["weight"]`) {
			t.Errorf("import of the weighted file: %d %.300s", r.status, r.body)
		}

		// Waves: this study weighted against the other (not weighted), or
		// both unweighted.
		for q, want := range map[string]float64{"": 5, "&weighted=0": 8} {
			var w results.WaveComparison
			c.send("GET", fmt.Sprintf("%s/compare?with=%d%s", base, otherID, q), nil).json(t, &w)
			if len(w.Outcomes) != 2 || w.Outcomes[0].Code != "O01" || math.Abs(w.Outcomes[0].Importance[0]-want) > 1e-12 || w.Outcomes[0].Importance[1] != 10 {
				t.Errorf("compare%s: %+v", q, w.Outcomes)
			}
		}

		// Responses arriving later are weighted as well: 20 more large
		// teams make small 0.5 × 120/80 = 0.75 and large 0.5 × 120/40 =
		// 1.5; O01 stays at the population's 5, and the effective n is
		// 120²/(80 × 0.5625 + 40 × 2.25) = 106.67.
		wantStatus(t, c.do("POST", base+"/responses/import", "text/csv", skewedCSV(100, 0, 20, 0)), http.StatusCreated)
		res = opportunitiesOf(t, c, base+"/opportunities")
		if o := outcome(t, res.Groups[0], "O01"); res.Groups[0].N != 120 || math.Abs(o.Importance-5) > 1e-12 || math.Abs(res.Groups[0].EffectiveN-14400.0/135) > 1e-9 {
			t.Errorf("after 20 more: n %d, effective n %v, O01 %+v", res.Groups[0].N, res.Groups[0].EffectiveN, o)
		}
		var st results.WeightingStatus
		c.send("GET", base+"/weighting", nil).json(t, &st)
		if st.Targets["team_size"]["small"] != 0.5 || st.N != 120 || math.Abs(st.MaxWeight-1.5) > 1e-12 {
			t.Errorf("GET weighting %+v", st)
		}

		wantStatus(t, c.send("DELETE", base+"/weighting", nil), http.StatusNoContent)
		res = opportunitiesOf(t, c, base+"/opportunities")
		if o := outcome(t, res.Groups[0], "O01"); res.Weighted || math.Abs(o.Importance-80.0/12) > 1e-12 {
			t.Errorf("after DELETE: weighted %v, O01 %+v", res.Weighted, o)
		}
		if r := c.send("GET", base+"/weighting", nil); r.status != http.StatusOK || r.body != "null" {
			t.Errorf("GET after DELETE: %d %s, want 200 null", r.status, r.body)
		}
		wantStatus(t, c.send("DELETE", base+"/weighting", nil), http.StatusNoContent)
	})

	t.Run("a sample that already matches changes nothing", func(t *testing.T) {
		_, base := weightedStudy(t, c, skewedCSV(0, 50, 50, 0))
		before := c.send("GET", base+"/opportunities?segment_by=team_size", nil).body
		r := c.send("PUT", base+"/weighting", `{"targets": {"team_size": {"small": 0.5, "large": 0.5}}, "trim": 3}`)
		wantStatus(t, r, http.StatusOK)
		after := c.send("GET", base+"/opportunities?segment_by=team_size", nil).body
		after = strings.Replace(after, `"weighted":true,"weighting":{"by":["team_size"],"converged":true,"iterations":1,"effective_n":100,"max_weight":1,"n":100,"trimmed":0,"empty":[]},`, `"weighted":false,`, 1)
		if after != before {
			t.Errorf("weights of 1 changed the numbers:\nbefore %s\nafter  %s", before, after)
		}
	})

	t.Run("no answer keeps weight 1; trim caps", func(t *testing.T) {
		// 10 respondents did not say their team size. They are left out of
		// the margin and keep weight 1, the average: O01's importance is
		// 10 × (80 × 0.625 + 10)/110 = 5.4545.
		_, base := weightedStudy(t, c, skewedCSV(0, 80, 20, 10))
		wantStatus(t, c.send("PUT", base+"/weighting", `{"targets": {"team_size": {"small": 0.5, "large": 0.5}}}`), http.StatusOK)
		if o := outcome(t, opportunitiesOf(t, c, base+"/opportunities").Groups[0], "O01"); math.Abs(o.Importance-600.0/110) > 1e-12 {
			t.Errorf("O01 importance %v, want 5.4545", o.Importance)
		}
		// A trim of 2 cannot give large teams their 2.5 and keep the
		// margin: raking says so, and no weight is above 2. Each round's
		// scaling back to an average of 1 gives the weight the cap took
		// to everyone, so the 10 without an answer reach the cap too.
		var rk results.Raking
		c.send("PUT", base+"/weighting", `{"targets": {"team_size": {"small": 0.5, "large": 0.5}}, "trim": 2}`).json(t, &rk)
		if rk.Converged || rk.Trimmed != 30 || rk.MaxWeight != 2 {
			t.Errorf("trim 2: %+v", rk)
		}
	})

	t.Run("bad targets store nothing", func(t *testing.T) {
		_, base := weightedStudy(t, c, skewedCSV(0, 8, 2, 0))
		wantStatus(t, c.send("PUT", base+"/weighting", `{"targets": {"team_size": {"small": 0.6, "large": 0.4}}}`), http.StatusOK)
		for _, tc := range []struct{ body, field, msg string }{
			{`{"targets": {"company_size": {"1-9": 1}}}`, "targets.company_size", "not a profile question"},
			{`{"targets": {"team_size": {"small": 0.5, "huge": 0.5}}}`, "targets.team_size.huge", "not an option of team_size"},
			{`{"targets": {"team_size": {"small": 0.5, "large": 0.4}}}`, "targets.team_size", "add up to 0.9"},
			{`{"targets": {"team_size": {"small": 1.5, "large": -0.5}}}`, "targets.team_size.small", "share from 0 to 1"},
			{`{"targets": {"team_size": {"small": 0.5, "large": 0.5}}, "trim": 0}`, "trim", "at least 1"},
			{`{"targets": {"team_size": {"small": 0.5, "large": 0.5}}, "trim": -2}`, "trim", "at least 1"},
			{`{"targets": {}}`, "targets", "at least one profile question"},
			{`{"targets": {"team_size": {"small": "half"}}}`, "targets.team_size.small", "must be"},
		} {
			wantField(t, c.send("PUT", base+"/weighting", tc.body), tc.field, tc.msg)
		}
		var st results.WeightingStatus
		c.send("GET", base+"/weighting", nil).json(t, &st)
		if st.Targets["team_size"]["small"] != 0.6 || st.Trim != nil {
			t.Errorf("a refused PUT changed the weighting: %+v", st.Weighting)
		}
		// Shares within the tolerance are scaled to add up to 1.
		wantStatus(t, c.send("PUT", base+"/weighting", `{"targets": {"team_size": {"small": 0.333, "large": 0.666}}}`), http.StatusOK)

		// Targets that no longer fit the questions weight nothing, and say so.
		wantStatus(t, c.send("DELETE", base+"/questions/team_size", nil), http.StatusNoContent)
		if res := opportunitiesOf(t, c, base+"/opportunities"); res.Weighted || !strings.Contains(res.WeightingProblem, "targets.team_size") {
			t.Errorf("after deleting the question: weighted %v, problem %q", res.Weighted, res.WeightingProblem)
		}
		c.send("GET", base+"/weighting", nil).json(t, &st)
		if !strings.Contains(st.Problem, "no longer fits") {
			t.Errorf("GET weighting after deleting the question: %+v", st)
		}
	})
}
