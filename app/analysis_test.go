package app

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"odi/surveys"
	"odi/surveys/results"
	"odi/surveys/surveystest"
)

// goldenStudy imports a study's outcomes and responses through the API.
func goldenStudy(t *testing.T, c *client, questions []string, outcomesCSV, responsesCSV string) int64 {
	t.Helper()
	id := newStudy(t, c, "Golden")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	for _, q := range questions {
		wantStatus(t, c.send("POST", base+"/questions", q), http.StatusCreated)
	}
	wantStatus(t, c.do("POST", base+"/outcomes/import", "text/csv", outcomesCSV), http.StatusCreated)
	wantStatus(t, c.do("POST", base+"/responses/import", "text/csv", responsesCSV), http.StatusCreated)
	return id
}

// readTestdata reads a file of surveys/testdata, the reference data sets
// (see its README) that every package's tests share.
func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../surveys/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOpportunitiesMatchGoldenData(t *testing.T) {
	_, c := researcherServer(t)
	id := goldenStudy(t, c, []string{
		`{"key": "company_size", "text": "Company size", "kind": "single", "options": ["1-9", "10-49", "50-249", "250+"], "segment": true}`,
		`{"key": "region", "text": "Region", "kind": "single", "options": ["Americas", "Europe", "Asia-Pacific"], "segment": true}`,
	}, readTestdata(t, "golden/outcomes.csv"), readTestdata(t, "golden/responses.csv"))

	var want struct {
		Groups map[string][]map[string]any `json:"groups"`
	}
	if err := json.Unmarshal([]byte(readTestdata(t, "golden/expected-opportunities.json")), &want); err != nil {
		t.Fatal(err)
	}
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities?segment_by=company_size", id), nil)
	wantStatus(t, r, http.StatusOK)
	var got struct {
		SegmentBy string `json:"segment_by"`
		Groups    []struct {
			Key      string           `json:"key"`
			N        int              `json:"n"`
			Outcomes []map[string]any `json:"outcomes"`
		} `json:"groups"`
	}
	r.json(t, &got)
	if got.SegmentBy != "company_size" || len(got.Groups) != 5 || got.Groups[0].Key != "all" {
		t.Fatalf("groups: %s", r.body[:min(len(r.body), 300)])
	}
	order := []string{"all", "1-9", "10-49", "50-249", "250+"}
	checked := 0
	for gi, g := range got.Groups {
		if g.Key != order[gi] {
			t.Errorf("group %d is %s, want %s (option order)", gi, g.Key, order[gi])
		}
		exp := want.Groups[g.Key]
		if len(exp) != len(g.Outcomes) {
			t.Fatalf("group %s: %d outcomes, want %d", g.Key, len(g.Outcomes), len(exp))
		}
		for i, e := range exp {
			o := g.Outcomes[i]
			for field, ev := range e {
				if !sameJSON(ev, o[field]) {
					t.Errorf("group %s rank %d %s: %s = %v, want %v", g.Key, i+1, e["code"], field, o[field], ev)
				}
				checked++
			}
		}
	}
	t.Logf("checked %d values against the golden file", checked)
}

// sameJSON compares decoded JSON values, numbers to 1e-6.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Abs(x-y) <= 1e-6
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestWorkedExampleThroughTheAPI(t *testing.T) {
	_, c := researcherServer(t)
	outcomes := "statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\nMinimize the chance of losing a spec,O03\nReduce the cost of answering again,O04\n"
	id := goldenStudy(t, c, []string{
		`{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true}`,
	}, outcomes, readTestdata(t, "worked-example.csv"))
	base := fmt.Sprintf("/api/v1/studies/%d/opportunities", id)

	var res results.Opportunities
	c.send("GET", base+"?segment_by=team_size", nil).json(t, &res)
	find := func(group, code string) (results.Group, int) {
		for _, g := range res.Groups {
			if g.Key == group {
				for i, o := range g.Outcomes {
					if o.Code == code {
						return g, i
					}
				}
			}
		}
		t.Fatalf("no %s/%s in %+v", group, code, res)
		return results.Group{}, 0
	}
	// The groups' outcomes, written as docs/scoring.md writes them, are the
	// table of its worked example: the page and the API cannot disagree.
	doc, err := os.ReadFile("../docs/scoring.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(doc), "| group | rank | code | n | importance | satisfaction | opportunity | class |\n|---|---|---|---|---|---|---|---|\n")
	table, _, _ = strings.Cut(table, "\n\n")
	var got strings.Builder
	for _, g := range res.Groups {
		for _, o := range g.Outcomes {
			fmt.Fprintf(&got, "| %s | %d | %s | %d | %.2f | %.2f | %.2f | %s |\n", g.Key, o.Rank, o.Code, o.N, o.Importance, o.Satisfaction, o.Opportunity, o.Class)
		}
	}
	if got.String() != table+"\n" {
		t.Errorf("the API's worked example:\n%s\ndocs/scoring.md, \"Worked example\":\n%s", &got, table)
	}
	g, i := find("all", "O04")
	o := g.Outcomes[i]
	if math.Abs(o.ImportanceCI[0]-5.65) > 0.005 || math.Abs(o.ImportanceCI[1]-9.80) > 0.005 ||
		math.Abs(o.MeanImportance-4.333) > 0.0005 || math.Abs(o.MeanSatisfaction-2.0) > 1e-9 || math.Abs(o.Gap-2.333) > 0.0005 {
		t.Errorf("all/O04 detail: %+v", o)
	}
	if g.N != 9 || !g.LowN {
		t.Errorf("all: n %d low_n %v, want 9 and low (min 30)", g.N, g.LowN)
	}

	// Partial responses count on request; filters narrow the sample.
	c.send("GET", base+"?include_partial=1", nil).json(t, &res)
	if res.Groups[0].N != 10 {
		t.Errorf("with partial: n %d, want 10", res.Groups[0].N)
	}
	c.send("GET", base+"?filter=team_size:small", nil).json(t, &res)
	if res.Groups[0].N != 4 {
		t.Errorf("filtered to small: n %d, want 4", res.Groups[0].N)
	}
	wantField(t, c.send("GET", base+"?filter=team_size:medium", nil), "filter", `"medium" is not a group`)
	wantField(t, c.send("GET", base+"?segment_by=nothing", nil), "segment_by", "not a profile question")
	wantField(t, c.send("GET", base+"?filter=oops", nil), "filter", "KEY:VALUE")
}

// TestResponsesCSVRoundTripsExactly imports the golden file, written before
// responses.csv carried the cleaning and the times, and exports it again:
// every cell of the file comes back as it was, with excluded, flags,
// started_at and finished_at after status. Those say what the review made
// of each row, and that the rows have no time of their own: they started
// and finished at the moment of the import.
func TestResponsesCSVRoundTripsExactly(t *testing.T) {
	_, c := researcherServer(t)
	golden := readTestdata(t, "golden/responses.csv")
	id := goldenStudy(t, c, []string{
		`{"key": "company_size", "text": "Company size", "kind": "single", "options": ["1-9", "10-49", "50-249", "250+"], "segment": true}`,
		`{"key": "region", "text": "Region", "kind": "single", "options": ["Americas", "Europe", "Asia-Pacific"]}`,
	}, readTestdata(t, "golden/outcomes.csv"), golden)
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil)
	wantStatus(t, r, http.StatusOK)
	want := surveystest.CSV(t, golden)
	got := surveystest.CSV(t, r.body)
	if len(got) != len(want) {
		t.Fatalf("export has %d records, the imported file %d", len(got), len(want))
	}
	if lead := []string{"respondent_id", "status", "excluded", "flags", "started_at", "finished_at", "panel_id"}; !slices.Equal(got[0][:7], lead) {
		t.Fatalf("header starts %q, want %q", got[0][:7], lead)
	}
	var review []surveys.Response
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses?sort=oldest&limit=500", id), nil).json(t, &struct {
		Responses *[]surveys.Response `json:"responses"`
	}{&review})
	flagged := 0
	for i, rec := range got {
		if i > 0 {
			cleaning := rec[2:6]
			rv := review[i-1]
			finished := cleaning[2] // the moment of the import, or none in progress
			if rec[1] == surveys.InProgress {
				finished = ""
			}
			if rv.RespondentID != rec[0] || cleaning[0] != map[bool]string{true: "1", false: "0"}[rv.Excluded] ||
				cleaning[1] != strings.Join(rv.Flags, ";") || cleaning[2] == "" || cleaning[3] != finished {
				t.Errorf("record %d: %q, the review has %s excluded %v flags %v", i+1, rec[:6], rv.RespondentID, rv.Excluded, rv.Flags)
			}
			if len(rv.Flags) > 0 {
				flagged++
			}
		}
		if i > 0 && rec[6] != "" {
			t.Errorf("record %d has the panel id %q, the file none", i+1, rec[6])
		}
		if rest := slices.Delete(slices.Clone(rec), 2, 7); !slices.Equal(rest, want[i]) {
			t.Fatalf("record %d differs:\n got  %q\n want %q", i+1, rest, want[i])
		}
	}
	t.Logf("%d golden rows exported again as imported, with the review's excluded and flags (%d flagged) and the import's moment as their times", len(want)-1, flagged)
}

func TestResponsesImportReportsEveryBadCellAndStoresNothing(t *testing.T) {
	_, c := researcherServer(t)
	id := goldenStudy(t, c, []string{
		`{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true}`,
	}, "statement\nMinimize a\nMinimize b\n", "respondent_id,status,O01_imp,O01_sat\nok1,complete,5,4\n")
	path := fmt.Sprintf("/api/v1/studies/%d/responses/import", id)
	bad := "respondent_id,status,team_size,O01_imp,O01_sat,O02_imp,O02_sat\n" +
		"a,complete,small,5,4,3,2\n" +
		"b,done,small,6,4,3,2\n" +
		"a,complete,medium,5,x,3,2\n" +
		"ok1,complete,large,1,1,1,1\n"
	r := c.do("POST", path, "text/csv", bad)
	var e apiError
	r.json(t, &e)
	want := map[string]string{
		"row 3, status":        "must be complete, in_progress, screened_out or quota_full",
		"column O01_imp":       `outside the scale 1 to 5: "6" ×1`,
		"row 4, respondent_id": "repeats row 2",
		"row 4, team_size":     `"medium" is not one of the options`,
		"column O01_sat":       `outside the scale 1 to 5: "x" ×1`,
	}
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	for k, v := range want {
		if !strings.Contains(e.Fields[k], v) {
			t.Errorf("%s: got %q, want %q (all: %v)", k, e.Fields[k], v, e.Fields)
		}
	}
	// A respondent already in the study is refused too.
	r = c.do("POST", path, "text/csv", "respondent_id,status,O01_imp\nnew,complete,5\nok1,complete,4\n")
	wantField(t, r, "respondent_id ok1", "already in this study")
	wantField(t, c.do("POST", path, "text/csv", "respondent_id,status,O09_imp\nz,complete,5\n"), "file", "expected headers such as O01_imp")
	body := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil).body
	if strings.Count(body, "\n") != 2 {
		t.Fatalf("rejected imports stored rows:\n%s", body)
	}
}
