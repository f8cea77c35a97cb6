package app

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"odi/surveys/results"
	"odi/surveys/surveystest"
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

// secondWave is plantedCSV's respondents asked again, except that nobody
// now rates O01's importance 4 or 5 (66 of 120 did), and O05 is new.
func secondWave() string {
	var b strings.Builder
	b.WriteString("respondent_id,status,team_size,O01_imp,O01_sat,O02_imp,O02_sat,O05_imp,O05_sat\n")
	for _, line := range strings.Split(strings.TrimSpace(plantedCSV()), "\n")[1:] {
		f := strings.Split(line, ",")
		fmt.Fprintf(&b, "%s,%s,%s,2,%s,%s,%s,4,4\n", f[0], f[1], f[2], f[4], f[5], f[6])
	}
	return b.String()
}

func TestWavesCompareOutcomesByCode(t *testing.T) {
	s, c := researcherServer(t)
	teamSize := `{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true}`
	this := goldenStudy(t, c, []string{teamSize},
		"statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\nMinimize the chance of losing a spec,O03\nReduce the cost of answering again,O04\n", plantedCSV())
	other := goldenStudy(t, c, []string{teamSize},
		"statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\nMinimize the time to share a plan,O05\n", secondWave())

	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/compare?with=%d", this, other), nil)
	wantStatus(t, r, http.StatusOK)
	for _, key := range []string{`"outcomes":[{"code":`, `"importance":[`, `"delta_importance":`, `"delta_opportunity":`, `"importance_p":`,
		`"satisfaction_significant":`, `"only_here":["O03","O04"]`, `"only_there":["O05"]`} {
		if !strings.Contains(r.body, key) {
			t.Errorf("answer lacks %s: %.400s", key, r.body)
		}
	}
	var w results.WaveComparison
	r.json(t, &w)
	if len(w.Outcomes) != 2 {
		t.Fatalf("matched %d outcomes, want O01 and O02", len(w.Outcomes))
	}
	for _, o := range w.Outcomes {
		switch o.Code {
		case "O01":
			// 66 of 120 against 0 of 120: importance 5.5 against 0, Δ +5.5;
			// pooled 0.275, z = 0.55/√(0.275 × 0.725 × 2/120) = 9.541.
			z := 0.55 / math.Sqrt(0.275*0.725*2/120)
			if o.Importance != [2]float64{5.5, 0} || math.Abs(o.DeltaImportance-5.5) > 1e-12 || !o.ImportanceSignificant ||
				math.Abs(o.ImportanceP-math.Erfc(z/math.Sqrt2))/o.ImportanceP > 1e-9 || o.SatisfactionSignificant || o.SatisfactionP != 1 {
				t.Errorf("O01: %+v", o)
			}
			if math.Abs(o.DeltaOpportunity-(o.Opportunity[0]-o.Opportunity[1])) > 1e-12 || o.Opportunity[1] != 0 {
				t.Errorf("O01 opportunity %v, Δ %v", o.Opportunity, o.DeltaOpportunity)
			}
		case "O02":
			if o.DeltaImportance != 0 || o.DeltaSatisfaction != 0 || o.ImportanceP != 1 || o.SatisfactionP != 1 || o.ImportanceSignificant {
				t.Errorf("O02 is the same in both, got %+v", o)
			}
		}
	}

	// Deltas are this minus other: the other way round they change sign.
	var back results.WaveComparison
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/compare?with=%d", other, this), nil).json(t, &back)
	if len(back.Outcomes) != 2 || len(back.OnlyHere) != 1 || len(back.OnlyThere) != 2 {
		t.Fatalf("reversed: %+v", back)
	}
	for _, o := range back.Outcomes {
		if o.Code == "O01" && (o.DeltaImportance != -5.5 || o.Importance != [2]float64{0, 5.5}) {
			t.Errorf("reversed O01: %+v", o)
		}
	}

	// with is checked, and a study the caller may not open is one that does not exist.
	sc := newClient(t, s)
	sc.bearer = mustToken(t, s, mustUser(t, s, "other@example.com", "researcher"))
	theirs := newStudy(t, sc, "Theirs")
	wantField(t, c.send("GET", fmt.Sprintf("/api/v1/studies/%d/compare", this), nil), "with", "give the id")
	wantField(t, c.send("GET", fmt.Sprintf("/api/v1/studies/%d/compare?with=x1", this), nil), "with", "not a study id")
	wantField(t, c.send("GET", fmt.Sprintf("/api/v1/studies/%d/compare?with=%d", this, theirs), nil), "with", "no study")

	// The workbook's sheet.
	x := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/export.xlsx?with=%d", this, other), nil)
	wantStatus(t, x, http.StatusOK)
	f := surveystest.OpenWorkbook(t, []byte(x.body))
	rows, err := f.GetRows("Wave comparison", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("no Wave comparison sheet: %v (sheets %v)", err, f.GetSheetList())
	}
	if rows[0][0] != "Compared with: Golden" || rows[1][4] != "Δ importance" || rows[2][0] != "O01" || rows[2][2] != "5.5" || rows[2][3] != "0" || rows[2][4] != "5.5" {
		t.Errorf("sheet: %q", rows[:3])
	}
	id, _ := f.GetCellStyle("Wave comparison", "E3")
	if st, _ := f.GetStyle(id); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != `0.0" *"` {
		t.Errorf("O01's significant Δ importance is not starred: %+v", st)
	}

	// The Results tab's "Compare with…".
	page := c.get(fmt.Sprintf("/studies/%d/results?with=%d", this, other))
	wantStatus(t, page, http.StatusOK)
	for _, s := range []string{`id="waves"`, "Compared with <bdi>Golden</bdi>", "&#43;5.5", `title="significant change">*</abbr>`, "p &lt; 0.001",
		"Only in this study: <span class=\"code\">O03</span>, <span class=\"code\">O04</span>", fmt.Sprintf(`export.xlsx?with=%d`, other),
		fmt.Sprintf(`<option value="%d" selected>`, other)} {
		if !strings.Contains(page.body, s) {
			t.Errorf("results page lacks %q", s)
		}
	}
	bad := c.get(fmt.Sprintf("/studies/%d/results?with=%d", this, theirs))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `id="with-err"`) {
		t.Errorf("results with a study not theirs: %d", bad.status)
	}
}

func TestSampleSize(t *testing.T) {
	_, c := researcherServer(t)
	teamSize := `{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true}`
	id := goldenStudy(t, c, []string{teamSize},
		"statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\nMinimize the chance of losing a spec,O03\nReduce the cost of answering again,O04\n",
		readTestdata(t, "worked-example.csv"))
	base := fmt.Sprintf("/api/v1/studies/%d/sample-size", id)
	r := c.send("GET", base+"?half_width=1", nil)
	wantStatus(t, r, http.StatusOK)
	var got struct {
		HalfWidth            float64  `json:"half_width"`
		PerGroup             int      `json:"per_group"`
		DetectableDifference *float64 `json:"detectable_difference"`
	}
	r.json(t, &got)
	// ±1 point: 1.959964² × (1/(4 × 0.1²) − 1) = 92.19, so 93. The worked
	// example's 9 respondents split 4 and 5; the share nearest 0.5 is O02's
	// satisfaction, 3 of 8: 10 × 2.801585 × √(0.375 × 0.625 × (1/4 + 1/5)) = 9.0985.
	if got.HalfWidth != 1 || got.PerGroup != 93 || got.DetectableDifference == nil || math.Abs(*got.DetectableDifference-9.0985) > 1e-4 {
		t.Errorf("sample size %s", r.body)
	}
	r = c.send("GET", base+"?half_width=0.5&segment_by=team_size", nil)
	r.json(t, &got)
	if got.PerGroup != 381 || math.Abs(*got.DetectableDifference-9.0985) > 1e-4 {
		t.Errorf("by team size (4 and 5): %s", r.body)
	}
	wantField(t, c.send("GET", base, nil), "half_width", "give the interval")
	wantField(t, c.send("GET", base+"?half_width=abc", nil), "half_width", "not a number")
	wantField(t, c.send("GET", base+"?half_width=0", nil), "half_width", "from 0.1 to 5")
	wantField(t, c.send("GET", base+"?half_width=NaN", nil), "half_width", "from 0.1 to 5")
	wantField(t, c.send("GET", base+"?half_width=1&segment_by=nope", nil), "segment_by", "not a profile question")

	// Fieldwork: the target per group and each group's progress toward it.
	page := c.get(fmt.Sprintf("/studies/%d/fieldwork?half_width=2", id))
	wantStatus(t, page, http.StatusOK)
	for _, s := range []string{`id="sample-size"`, "<strong>21</strong> complete responses per group", "small — 4 of 21", "large — 5 of 21",
		`<progress id="ss-team_size-0" max="21" value="4">`, "differ by 9.10 points"} {
		if !strings.Contains(page.body, s) {
			t.Errorf("fieldwork page lacks %q", s)
		}
	}
	bad := c.get(fmt.Sprintf("/studies/%d/fieldwork?half_width=9", id))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `id="half_width-err"`) || !strings.Contains(bad.body, "<strong>93</strong>") {
		t.Errorf("fieldwork with half_width=9: %d", bad.status)
	}
}
