package app

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"odi/surveys/fieldwork"
	"odi/surveys/results"
)

func TestExcludeRestoreAndForgetAResponse(t *testing.T) {
	s, c := researcherServer(t)
	id := goldenStudy(t, c, []string{
		`{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true, "quotas": {"small": 10}}`,
	}, "statement\nMinimize a\n", "respondent_id,status,team_size,O01_imp,O01_sat\n"+
		"r1,complete,small,5,1\nr2,complete,small,5,1\nr3,complete,large,1,5\nr4,in_progress,large,5,\nr5,screened_out,,,\n")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	nAll := func() int {
		var res results.Opportunities
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
	var fw fieldwork.Summary
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
	var list fieldwork.ResponseList
	c.send("GET", base+"/responses?limit=2", nil).json(t, &list)
	if list.Total != 4 || len(list.Responses) != 2 || list.Responses[0].RespondentID != "r5" {
		t.Fatalf("list: total %d, first page %+v", list.Total, list.Responses)
	}
	other := api(t, s, "o@example.com", "researcher")
	wantStatus(t, other.send("PATCH", base+"/responses/r2", `{"excluded": true}`), http.StatusNotFound)
	wantStatus(t, other.send("GET", base+"/fieldwork", nil), http.StatusNotFound)
}

// TestFieldworkShowsPanelIDsQuietDaysAndQuotaQuestions: the panel id an
// invitation carried is in the responses table and list; the chart of
// responses per day keeps its quiet days; quotas are named by their question.
func TestFieldworkShowsPanelIDsQuietDaysAndQuotaQuestions(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := publishedStudy(t, s, c)
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	var invs struct {
		Invitations []struct{ Token string } `json:"invitations"`
	}
	c.send("POST", base+"/invitations", map[string]any{"external_ids": []string{"panel-77"}}).json(t, &invs)
	anon, path := respondent(t, s, slug)
	invited := sub(false, map[string]any{"uses_slack": "Yes"}, nil)
	invited["invitation"] = invs.Invitations[0].Token
	var res fieldwork.SubmitResult
	anon.send("POST", path, invited).json(t, &res)
	anon.send("POST", path, sub(false, nil, nil))
	anon.send("POST", path, sub(false, nil, nil))
	// Started on the 1st, the 1st and the 4th of March.
	for i, day := range []string{"2026-03-01 10:00:00", "2026-03-01 11:00:00", "2026-03-04 09:00:00"} {
		started, _ := time.Parse(time.DateTime, day)
		if err := s.store.DB().Exec("UPDATE responses SET started_at = ? WHERE id = ?", started, i+1).Error; err != nil {
			t.Fatal(err)
		}
	}

	var list fieldwork.ResponseList
	c.send("GET", base+"/responses", nil).json(t, &list)
	var external string
	for _, r := range list.Responses {
		if r.RespondentID == res.RespondentID {
			external = r.ExternalID
		}
	}
	if external != "panel-77" {
		t.Fatalf("the response list gives panel id %q", external)
	}
	var fw fieldwork.Summary
	c.send("GET", base+"/fieldwork", nil).json(t, &fw)
	want := []fieldwork.DayCount{{Day: "2026-03-01", Count: 2}, {Day: "2026-03-02"}, {Day: "2026-03-03"}, {Day: "2026-03-04", Count: 1}}
	if !slices.Equal(fw.PerDay, want) {
		t.Fatalf("per day %v, want %v", fw.PerDay, want)
	}
	page := c.get(fmt.Sprintf("/studies/%d/fieldwork", id))
	wantPage(t, page, `<th scope="col">Panel id</th>`, `<td data-label="Panel id"><code class="panel-id">panel-77</code></td>`,
		"<title>2026-03-02: 0</title>", "Size?: large — 0 of 1")
}
