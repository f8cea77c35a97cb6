package app

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/accounts"
)

// fuzzStudy publishes a study with a question of every kind, a screener, a
// quota and the four forces, through the API, for any testing.TB.
func fuzzStudy(t testing.TB, s *Server) string {
	t.Helper()
	c := newClient(t, s)
	c.bearer = mustToken(t, s, mustUser(t, s, "fuzz@example.com", accounts.RoleResearcher))
	must := func(r reply, status int) reply {
		t.Helper()
		if r.status != status {
			t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
		}
		return r
	}
	var st surveys.Study
	if err := json.Unmarshal([]byte(must(c.do("POST", "/api/v1/studies", "application/json",
		`{"name": "Fuzz", "four_forces": true}`), http.StatusCreated).body), &st); err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/studies/" + itoa(st.ID)
	for _, body := range []string{
		`{"statement": "Minimize the time it takes to find a decision"}`,
		`{"statement": "Minimize the likelihood of losing a spec"}`,
	} {
		must(c.do("POST", base+"/outcomes", "application/json", body), http.StatusCreated)
	}
	for _, q := range []string{
		`{"key": "uses_slack", "text": "Slack?", "kind": "single", "options": ["Yes", "No"], "screen_out": ["No"], "required": true}`,
		`{"key": "company_size", "text": "Size?", "kind": "single", "options": ["small", "large"], "segment": true, "quotas": {"large": 3}}`,
		`{"key": "seats", "text": "Seats?", "kind": "number", "min": 1, "max": 500}`,
		`{"key": "nps", "text": "Recommend?", "kind": "nps"}`,
		`{"key": "tools", "text": "Tools?", "kind": "multi", "options": ["Slack", "Notion", "Jira"]}`,
		`{"key": "note", "text": "Anything else?", "kind": "text"}`,
	} {
		must(c.do("POST", base+"/questions", "application/json", q), http.StatusCreated)
	}
	var pub struct{ Slug string }
	if err := json.Unmarshal([]byte(must(c.do("POST", base+"/publish", "", ""), http.StatusOK).body), &pub); err != nil {
		t.Fatal(err)
	}
	return pub.Slug
}

// FuzzSubmission sends arbitrary bodies to the public submission endpoint as a
// dry run (decode + Store.Check). It never answers 5xx; a refusal is 400 or a
// 422 naming fields; and a body the dry run accepts is then stored by a real
// submission.
func FuzzSubmission(f *testing.F) {
	sid := uuid.NewString()
	for _, seed := range []string{
		`{"submission_id": "` + sid + `", "answers": {"uses_slack": "Yes", "company_size": "small", "seats": 12, "nps": "9", "tools": ["Jira", "Slack"], "note": "<script>alert(1)</script>"}, "ratings": {"O01": {"importance": 5, "satisfaction": 2}, "O02": {"importance": "3"}}, "forces": {"push": 7, "pull": 6, "anxiety": 2, "habit": 1}, "complete": true}`,
		`{"submission_id": "` + sid + `", "answers": {"uses_slack": "No"}}`,
		`{"submission_id": "` + sid + `", "ratings": {"O01": {"importance": 1e0, "satisfaction": 5.0}}, "order": ["O02", "O01"]}`,
		`{"submission_id": "` + sid + `", "answers": {"seats": "1e309", "nps": 10.5, "tools": "Slack;Slack"}}`,
		`{"submission_id": "` + sid + `", "answers": {"company_size": null, "note": "` + strings.Repeat("x", 5001) + `"}}`,
		`{"submission_id": "` + sid + `", "invitation": "nope"}`,
		`{"submission_id": "abc", "ratings": {"O01": 3, "O99": {}}}`,
		`{"answers": {"tools": [1, 2]}, "forces": {"greed": 3}}`,
		`{"submission_id": "` + sid + `", "ratings": {"O01": {"importance": -0}}}`,
		`{"nmae": 1}`,
		`{"answers": []}`,
		`[]`,
		`null`,
		`{}{}`,
		`{"complete": "yes"}`,
		"",
	} {
		f.Add([]byte(seed))
	}
	// No flood limit: the fuzzer sends thousands of bodies from one address.
	s := serverWith(f, func(cfg *Config) { cfg.SubmitLimit = 0 })
	slug := fuzzStudy(f, s)
	anon := newClient(f, s)
	path := "/api/v1/s/" + slug + "/responses"
	f.Fuzz(func(t *testing.T, body []byte) {
		anon.t = t
		r := anon.do("POST", path+"?dry_run=1", "application/json", string(body))
		switch r.status {
		case http.StatusOK:
		case http.StatusBadRequest:
			if !strings.Contains(r.body, `"error"`) {
				t.Fatalf("400 without an error: %s", r.body)
			}
			return
		case http.StatusUnprocessableEntity:
			var e apiError
			if err := json.Unmarshal([]byte(r.body), &e); err != nil || len(e.Fields) == 0 {
				t.Fatalf("422 naming no field: %s", r.body)
			}
			return
		default:
			t.Fatalf("dry run answered %d: %s", r.status, r.body)
		}
		// Accepted by the dry run: a real submission with a fresh id and no
		// invitation (which the dry run does not claim) is stored.
		var in map[string]any
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("dry run accepted a body that is not JSON: %q", body)
		}
		if in == nil { // the body was null, which reads as an empty submission
			in = map[string]any{}
		}
		for k := range in { // JSON field names match case-insensitively
			if strings.EqualFold(k, "invitation") || strings.EqualFold(k, "submission_id") {
				delete(in, k)
			}
		}
		in["submission_id"] = uuid.NewString()
		b, _ := json.Marshal(in)
		if r := anon.do("POST", path, "application/json", string(b)); r.status != http.StatusCreated {
			t.Fatalf("dry run accepted %s, the submission answered %d: %s", body, r.status, r.body)
		}
	})
}
