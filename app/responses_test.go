package app

import (
	"fmt"
	"net/http"
	"testing"

	"odi/surveys"
)

func TestExcludeRestoreAndForgetAResponse(t *testing.T) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	id := goldenStudy(t, c, []string{
		`{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true, "quotas": {"small": 10}}`,
	}, "statement\nMinimize a\n", "respondent_id,status,team_size,O01_imp,O01_sat\n"+
		"r1,complete,small,5,1\nr2,complete,small,5,1\nr3,complete,large,1,5\nr4,in_progress,large,5,\nr5,screened_out,,,\n")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	nAll := func() int {
		var res surveys.Opportunities
		c.send("GET", base+"/opportunities", nil).json(t, &res)
		return res.Groups[0].N
	}
	if n := nAll(); n != 3 {
		t.Fatalf("n before exclusion: %d, want 3", n)
	}
	wantStatus(t, c.send("PATCH", base+"/responses/r3", `{"excluded": true}`), http.StatusNoContent)
	if n := nAll(); n != 2 {
		t.Fatalf("n after excluding r3: %d, want 2", n)
	}
	var fw surveys.Fieldwork
	c.send("GET", base+"/fieldwork", nil).json(t, &fw)
	if fw.Counts["complete"] != 3 || fw.Counts["in_progress"] != 1 || fw.Counts["screened_out"] != 1 || fw.Counts["excluded"] != 1 ||
		fw.CompletionRate != 0.75 || len(fw.Quotas) != 1 || fw.Quotas[0].Count != 2 || fw.Quotas[0].Target != 10 {
		t.Fatalf("fieldwork: %+v", fw)
	}
	wantStatus(t, c.send("PATCH", base+"/responses/r3", `{"excluded": false}`), http.StatusNoContent)
	if n := nAll(); n != 3 {
		t.Fatalf("n after restoring r3: %d, want 3", n)
	}
	wantStatus(t, c.send("DELETE", base+"/responses/r1", nil), http.StatusNoContent)
	if n := nAll(); n != 2 {
		t.Fatalf("n after forgetting r1: %d, want 2", n)
	}
	wantStatus(t, c.send("DELETE", base+"/responses/r1", nil), http.StatusNotFound)
	wantField(t, c.send("PATCH", base+"/responses/r2", `{}`), "excluded", "is required")
	var list surveys.ResponseList
	c.send("GET", base+"/responses?limit=2", nil).json(t, &list)
	if list.Total != 4 || len(list.Responses) != 2 || list.Responses[0].RespondentID != "r5" {
		t.Fatalf("list: total %d, first page %+v", list.Total, list.Responses)
	}
	other := api(t, s, "o@example.com", "researcher")
	wantStatus(t, other.send("PATCH", base+"/responses/r2", `{"excluded": true}`), http.StatusNotFound)
	wantStatus(t, other.send("GET", base+"/fieldwork", nil), http.StatusNotFound)
}
