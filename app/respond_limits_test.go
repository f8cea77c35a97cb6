package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
)

// What an anonymous respondent may send to the submission routes: JSON only,
// within bounds, and no body that breaks odi or stores what it should not.

// TestHardeningSubmissionNeedsJSON: the public submission routes take only
// a body declared as JSON, which a browser will not send from another site
// without asking first; anything else is a 415 that says what to send, and
// stores nothing.
func TestHardeningSubmissionNeedsJSON(t *testing.T) {
	s := parallelServer(t)
	slug := fuzzStudy(t, s)
	anon, path := respondent(t, s, slug)
	body := func() string { return `{"submission_id":"` + uuid.NewString() + `","answers":{"uses_slack":"Yes"}}` }

	var started fieldwork.SubmitResult
	r := anon.do("POST", path, "application/json", body())
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &started)

	refused := 0
	for _, tc := range []struct {
		contentType string
		post, patch int
	}{
		{"application/json", http.StatusCreated, http.StatusOK},
		{"application/json; charset=utf-8", http.StatusCreated, http.StatusOK},
		{"Application/JSON;charset=UTF-8", http.StatusCreated, http.StatusOK},
		{"", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"text/plain; charset=utf-8", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"application/json; charset=iso-8859-1", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"application/json; boundary=x", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"application/jsonp", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
	} {
		before := countResponses(t, s)
		post := anon.do("POST", path, tc.contentType, body())
		dry := anon.do("POST", path+"?dry_run=1", tc.contentType, body())
		patch := anon.do("PATCH", path+"/"+started.ResumeToken, tc.contentType, `{"answers":{"note":"x"}}`)
		wantDry := tc.patch // a dry run answers as an autosave does: 200 or 415
		if post.status != tc.post || dry.status != wantDry || patch.status != tc.patch {
			t.Errorf("Content-Type %q: POST %d, dry run %d, PATCH %d; want %d, %d and %d",
				tc.contentType, post.status, dry.status, patch.status, tc.post, wantDry, tc.patch)
		}
		if tc.post == http.StatusUnsupportedMediaType {
			refused++
			var e apiError
			post.json(t, &e)
			if !strings.Contains(e.Error, "Content-Type: application/json") {
				t.Errorf("Content-Type %q: the 415 says %q", tc.contentType, e.Error)
			}
			if n := countResponses(t, s); n != before {
				t.Errorf("Content-Type %q: %d responses stored, want %d", tc.contentType, n, before)
			}
		}
	}
	t.Logf("%d content types refused with 415 on POST, dry run and PATCH; application/json taken with and without charset=utf-8", refused)
}

// megabyteOf is a JSON list of item, as many as fit the default body limit
// of 1 MB with room for the rest of a submission.
func megabyteOf(item string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(item+",", (1<<20-200)/(len(item)+1)), ",") + "]"
}

// TestHardeningSubmissionBounds: an anonymous respondent cannot store more
// than the survey asks. Every list and map in a submission is bounded by the
// survey (fuzzStudy: two outcomes, a multi-choice of three options, a text
// question); anything else is a short 422 naming the field, and nothing is
// stored, whether the body is a new response or an autosave.
func TestHardeningSubmissionBounds(t *testing.T) {
	s := parallelServer(t)
	slug := fuzzStudy(t, s)
	anon, path := respondent(t, s, slug)
	with := func(fields string) string {
		return `{"submission_id":"` + uuid.NewString() + `",` + fields + `}`
	}
	keys := func(n int, value string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`"x%05d":%s`, i, value)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}

	// A response to autosave into, with an order of its own.
	var started fieldwork.SubmitResult
	r := anon.do("POST", path, "application/json", with(`"answers":{"uses_slack":"Yes"},"order":["O02","O01"]`))
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &started)

	for _, tc := range []struct {
		name, fields string
		field, msg   string
	}{
		{"a megabyte of one code as the order", `"order":` + megabyteOf(`"O01"`), "order", "this survey has 2 outcomes"},
		{"a code repeated in the order", `"order":["O01","O01"]`, "order", `"O01" appears more than once`},
		{"an unknown code in the order", `"order":["O01","O77"]`, "order", `"O77" is not an outcome of this survey`},
		{"more picks than options", `"answers":{"tools":["Slack","Notion","Jira","Slack"]}`, "answers.tools", "must pick at most 3 options"},
		{"a megabyte of picks", `"answers":{"tools":` + megabyteOf(`"Slack"`) + `}`, "answers.tools", "must pick at most 3 options"},
		{"170 unknown questions", `"answers":` + keys(170, `"y"`), "answers", `not questions of this survey: "x00000", "x00001", "x00002" and 167 more`},
		{"a megabyte of unknown outcomes", `"ratings":` + keys(75_000, "{}"), "ratings", `not outcomes of this survey: "x00000", "x00001", "x00002" and 74997 more`},
		{"an unknown outcome", `"ratings":{"O99":{"importance":3}}`, "ratings.O99", "is not an outcome of this survey"},
		{"unknown forces", `"forces":{"greed":1,"envy":2,"pride":3,"sloth":4}`, "forces", "and 1 more"},
		{"NUL in a text answer", `"answers":{"note":"fine\u0000print"}`, "answers.note", "NUL"},
		{"NUL in an option", `"answers":{"company_size":"small\u0000"}`, "answers.company_size", "NUL"},
		{"a megabyte of numbers as an answer", `"answers":{"nps":` + megabyteOf("9") + `}`, "answers.nps", "whole number from 0 to 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countResponses(t, s)
			body := with(tc.fields)
			start := time.Now()
			r := anon.do("POST", path, "application/json", body)
			took := time.Since(start)
			wantField(t, r, tc.field, tc.msg)
			if len(r.body) > 500 {
				t.Errorf("a %d-byte refusal, echoing what was sent: %.300s", len(r.body), r.body)
			}
			if n := countResponses(t, s); n != before {
				t.Errorf("%d responses stored, want %d", n, before)
			}
			// The same body as an autosave changes nothing stored.
			patch := anon.do("PATCH", path+"/"+started.ResumeToken, "application/json", body)
			wantField(t, patch, tc.field, tc.msg)
			resp := storedResponse(t, s, slug, started.ResumeToken)
			if !slices.Equal(resp.ItemOrder, []string{"O02", "O01"}) || len(resp.Answers) != 1 {
				t.Errorf("the autosave changed the response: order %v, answers %v", resp.ItemOrder, resp.Answers)
			}
			t.Logf("%7d-byte body: 422 in %v, %d-byte answer %s", len(body), took.Round(time.Millisecond), len(r.body), r.body)
		})
	}

	// NUL is refused wherever a respondent writes text, named by its field.
	wantField(t, anon.do("POST", path, "application/json", `{"submission_id":"`+uuid.NewString()+`\u0000"}`), "submission_id", "UUID")
	wantField(t, anon.do("POST", path, "application/json", with(`"invitation":"abc\u0000"`)), "invitation", "not a valid invitation")

	// What a survey asks for is still taken: an order of every outcome once,
	// or of some of them, and a multi-choice of every option.
	for _, fields := range []string{
		`"answers":{"uses_slack":"Yes","tools":["Jira","Notion","Slack"],"note":"fine print"},"order":["O02","O01"]`,
		`"answers":{"uses_slack":"Yes"},"order":["O02"]`,
	} {
		wantStatus(t, anon.do("POST", path, "application/json", with(fields)), http.StatusCreated)
	}
}

// TestHardeningSurveyFormBounds: the survey page without JavaScript is held
// to the same bounds as the JSON API, since both go through the same check:
// a NUL in a text answer or more picks than a question has options redraws
// the page with a 422 and stores nothing.
func TestHardeningSurveyFormBounds(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := surveyStudy(t, c, 2, 1, "",
		`{"key": "tools", "text": "Tools?", "kind": "multi", "options": ["Slack", "Notion", "Jira"]}`,
		`{"key": "note", "text": "Anything else?", "kind": "text"}`)
	r := newSurveyRespondent(t, s, slug)
	wantPage(t, r.start(""), "Tools?")

	for _, tc := range []struct {
		name  string
		form  url.Values
		error string // the id of the message drawn by the field
	}{
		{"NUL in a text answer", url.Values{"q.note": {"fine\x00print"}}, "q-note-e"},
		{"four picks of a 3-option list", url.Values{"q.tools": {"Slack", "Notion", "Jira", "Slack"}}, "q-tools-e"},
		{"60,000 picks of a 3-option list", url.Values{"q.tools": slices.Repeat([]string{"Slack"}, 60_000)}, "q-tools-e"},
	} {
		res := r.step(1, tc.form)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+tc.error+`"`) {
			t.Errorf("%s: %d, want the page again with %s", tc.name, res.status, tc.error)
		}
		resp := storedResponse(t, s, slug, r.token())
		if len(resp.Answers) != 0 {
			t.Errorf("%s: stored %.200q", tc.name, resp.Answers)
		}
	}
	res := r.step(1, url.Values{"q.tools": {"Slack", "Jira"}, "q.note": {"fine print"}})
	wantStatus(t, res, http.StatusOK)
	resp := storedResponse(t, s, slug, r.token())
	if resp.Answers["tools"] != "Slack;Jira" || resp.Answers["note"] != "fine print" {
		t.Errorf("stored %q", resp.Answers)
	}
}

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
	anon, path := respondent(f, s, slug)
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
