package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
)

// publishedStudy makes an open study with two outcomes, a screener, a segment
// question with a quota, a number and an NPS question, and four forces.
func publishedStudy(t *testing.T, s *Server, c *client) (int64, string) {
	t.Helper()
	id := newStudy(t, c, "Respondents")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.send("PATCH", base, `{"four_forces": true, "redirect_url": "https://panel.example/done?pid={panel_id}&s={status}"}`), http.StatusOK)
	for _, st := range []string{"Minimize the time it takes to find a decision", "Minimize the likelihood of losing a spec"} {
		wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": st}), http.StatusCreated)
	}
	for _, q := range []string{
		`{"key": "uses_slack", "text": "Do you use Slack?", "kind": "single", "options": ["Yes", "No"], "screen_out": ["No"], "required": true}`,
		`{"key": "company_size", "text": "Size?", "kind": "single", "options": ["small", "large"], "segment": true, "quotas": {"large": 1}}`,
		`{"key": "seats", "text": "Seats?", "kind": "number", "min": 1, "max": 500}`,
		`{"key": "nps", "text": "Recommend?", "kind": "nps"}`,
		`{"key": "tools", "text": "Tools?", "kind": "multi", "options": ["Slack", "Notion", "Jira"]}`,
	} {
		wantStatus(t, c.send("POST", base+"/questions", q), http.StatusCreated)
	}
	var pub struct{ Slug string }
	c.send("POST", base+"/publish", nil).json(t, &pub)
	return id, pub.Slug
}

func sub(complete bool, answers map[string]any, ratings map[string]any) map[string]any {
	return map[string]any{"submission_id": uuid.NewString(), "answers": answers, "ratings": ratings, "complete": complete}
}

func TestSubmissionValidationNamesEveryField(t *testing.T) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	_, slug := publishedStudy(t, s, c)
	anon := newClient(t, s)
	path := "/api/v1/s/" + slug + "/responses"

	body := map[string]any{
		"submission_id": uuid.NewString(),
		"answers":       map[string]any{"company_size": "huge", "seats": 0, "nps": 11, "tools": []any{"Slack", "Email"}, "nope": "x"},
		"ratings": map[string]any{
			"O01":  map[string]any{"importance": 6, "satisfaction": 4.5},
			"O02":  map[string]any{"importance": "5", "satisfaction": 0},
			"O99":  map[string]any{"importance": 3},
			"O02x": 3,
		},
		"forces":   map[string]any{"push": 11, "greed": 3},
		"complete": true,
	}
	r := anon.send("POST", path, body)
	var e apiError
	r.json(t, &e)
	want := map[string]string{
		"answers.company_size":     `"huge" is not one of the options`,
		"answers.seats":            "at least 1",
		"answers.nps":              "0 to 10",
		"answers.tools":            `"Email" is not one of the options`,
		"answers.nope":             "not a question",
		"answers.uses_slack":       "is required",
		"ratings.O01.importance":   "1 to 5",
		"ratings.O01.satisfaction": "1 to 5",
		"ratings.O02.satisfaction": "1 to 5",
		"ratings.O99":              "not an outcome",
		"ratings.O02x":             "not an outcome",
		"forces.push":              "1 to 10",
		"forces.greed":             "not a force",
	}
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	for k, v := range want {
		if !strings.Contains(e.Fields[k], v) {
			t.Errorf("%s: got %q, want %q", k, e.Fields[k], v)
		}
	}
	if _, ok := e.Fields["ratings.O02.importance"]; ok {
		t.Errorf(`"5" as a string is a valid rating, got %q`, e.Fields["ratings.O02.importance"])
	}
	wantField(t, anon.send("POST", path, map[string]any{"answers": map[string]any{}}), "submission_id", "is required")
	wantField(t, anon.send("POST", path, map[string]any{"submission_id": "abc"}), "submission_id", "UUID")
}

func TestSubmissionIsIdempotentAndResumable(t *testing.T) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	_, slug := publishedStudy(t, s, c)
	anon := newClient(t, s)
	path := "/api/v1/s/" + slug + "/responses"

	first := sub(false, map[string]any{"uses_slack": "Yes"}, map[string]any{"O01": map[string]any{"importance": 5}})
	r1 := anon.send("POST", path, first)
	wantStatus(t, r1, http.StatusCreated)
	r2 := anon.send("POST", path, first)
	wantStatus(t, r2, http.StatusOK)
	var a, b surveys.SubmitResult
	r1.json(t, &a)
	r2.json(t, &b)
	if a != b || a.Status != "in_progress" || a.ResumeToken == "" {
		t.Fatalf("repeat answered %+v, first %+v", b, a)
	}

	// Autosave the rest, then finish.
	wantStatus(t, anon.send("PATCH", path+"/"+a.ResumeToken, map[string]any{
		"answers": map[string]any{"company_size": "small", "seats": "12", "tools": []any{"Jira", "Slack"}},
		"ratings": map[string]any{"O01": map[string]any{"satisfaction": 2}, "O02": map[string]any{"importance": 4, "satisfaction": 1}},
		"forces":  map[string]any{"push": 8, "pull": 7, "anxiety": 3, "habit": 2},
	}), http.StatusOK)
	wantStatus(t, anon.send("PATCH", path+"/wrong-token", map[string]any{"complete": true}), http.StatusNotFound)
	var done surveys.SubmitResult
	anon.send("PATCH", path+"/"+a.ResumeToken, map[string]any{"complete": true}).json(t, &done)
	if done.Status != "complete" || done.Redirect != "https://panel.example/done?pid=&s=complete" {
		t.Fatalf("finish: %+v", done)
	}
	wantStatus(t, anon.send("PATCH", path+"/"+a.ResumeToken, map[string]any{"complete": true}), http.StatusConflict)

	resp, err := s.store.Resume(t.Context(), slug, a.ResumeToken)
	if err != nil {
		t.Fatal(err)
	}
	if i, sa := resp.Rating(0); i != 5 || sa != 2 {
		t.Errorf("O01 stored as %d/%d, want 5/2", i, sa)
	}
	if resp.Answers["tools"] != "Slack;Jira" || resp.Answers["seats"] != "12" || string(resp.Forces) != "\x08\x07\x03\x02" {
		t.Errorf("stored answers %v forces %v", resp.Answers, resp.Forces)
	}
	var count int64
	s.store.DB().Model(&surveys.Response{}).Count(&count)
	if count != 1 {
		t.Fatalf("%d responses stored, want 1", count)
	}
}

func TestScreenersQuotasAndStatuses(t *testing.T) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	id, slug := publishedStudy(t, s, c)
	anon := newClient(t, s)
	path := "/api/v1/s/" + slug + "/responses"
	rating := map[string]any{"O01": map[string]any{"importance": 4, "satisfaction": 2}, "O02": map[string]any{"importance": 5, "satisfaction": 3}}

	var res surveys.SubmitResult
	anon.send("POST", path, sub(false, map[string]any{"uses_slack": "No"}, nil)).json(t, &res)
	if res.Status != "screened_out" {
		t.Fatalf("screener: %+v", res)
	}
	anon.send("POST", path, sub(true, map[string]any{"uses_slack": "Yes", "company_size": "large"}, rating)).json(t, &res)
	if res.Status != "complete" {
		t.Fatalf("first large: %+v", res)
	}
	anon.send("POST", path, sub(true, map[string]any{"uses_slack": "Yes", "company_size": "large"}, rating)).json(t, &res)
	if res.Status != "screened_out" {
		t.Fatalf("large quota of 1 is full, got %+v", res)
	}
	wantStatus(t, anon.send("GET", "/api/v1/s/"+slug, nil), http.StatusOK)
	wantStatus(t, anon.send("GET", "/api/v1/s/doesnotexist", nil), http.StatusNotFound)
	wantStatus(t, anon.send("POST", "/api/v1/s/doesnotexist/responses", sub(false, nil, nil)), http.StatusNotFound)

	// Invitations are single use and carry the panel id.
	var invs struct {
		Invitations []struct{ Token, ExternalID, URL string } `json:"invitations"`
	}
	r := c.send("POST", fmt.Sprintf("/api/v1/studies/%d/invitations", id), map[string]any{"external_ids": []string{"panel-7"}})
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &invs)
	if len(invs.Invitations) != 1 || !strings.Contains(invs.Invitations[0].URL, "/s/"+slug+"?i=") {
		t.Fatalf("invitations: %s", r.body)
	}
	withInv := sub(true, map[string]any{"uses_slack": "Yes", "company_size": "small"}, rating)
	withInv["invitation"] = invs.Invitations[0].Token
	anon.send("POST", path, withInv).json(t, &res)
	if res.Redirect != "https://panel.example/done?pid=panel-7&s=complete" {
		t.Fatalf("panel redirect: %+v", res)
	}
	again := sub(false, nil, nil)
	again["invitation"] = invs.Invitations[0].Token
	wantStatus(t, anon.send("POST", path, again), http.StatusConflict)
	bogus := sub(false, nil, nil)
	bogus["invitation"] = "nope"
	wantField(t, anon.send("POST", path, bogus), "invitation", "not a valid invitation")

	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/close", id), nil), http.StatusOK)
	wantStatus(t, anon.send("POST", path, sub(false, nil, nil)), http.StatusGone)
	wantStatus(t, anon.send("GET", "/api/v1/s/"+slug, nil), http.StatusGone)
}

func TestSubmissionFloodIs429(t *testing.T) {
	cfg := Defaults()
	cfg.SubmitLimit = 5
	base := newTestServer(t)
	s := New(cfg, base.store, base.log)
	c := api(t, s, "r@example.com", "researcher")
	_, slug := publishedStudy(t, s, c)
	anon := newClient(t, s)
	var last int
	for range 6 {
		last = anon.send("POST", "/api/v1/s/"+slug+"/responses", sub(false, nil, nil)).status
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("6th submission in a minute with a limit of 5: %d", last)
	}
}
