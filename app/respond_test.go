package app

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
)

// publishedStudy makes an open study with two outcomes, a screener, a segment
// question with a quota, a number and an NPS question, and four forces.
// storedResponse is the response the resume token names, as stored.
func storedResponse(t *testing.T, s *Server, slug, token string) *surveys.Response {
	t.Helper()
	r, err := s.fieldwork.Resume(t.Context(), slug, token)
	if err != nil {
		t.Fatalf("read the stored response: %v", err)
	}
	return r
}

// publish publishes the study at base (its API path) and returns its
// survey's slug.
func publish(t *testing.T, c *client, base string) string {
	t.Helper()
	r := c.send("POST", base+"/publish", nil)
	wantStatus(t, r, http.StatusOK)
	var pub struct{ Slug string }
	r.json(t, &pub)
	return pub.Slug
}

func publishedStudy(t *testing.T, s *Server, c *client) (int64, string) {
	t.Helper()
	id := newStudy(t, c, "Respondents")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.send("PATCH", base, `{"four_forces": true, "end_urls": {"complete": "https://panel.example/done?pid={panel_id}&s={status}", "screened_out": "https://panel.example/done?pid={panel_id}&s={status}", "quota_full": "https://panel.example/done?pid={panel_id}&s={status}"}}`), http.StatusOK)
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
	return id, publish(t, c, base)
}

// respondent is an anonymous client of the survey slug, and the path it
// posts its answers to.
func respondent(t testing.TB, s *Server, slug string) (anon *client, path string) {
	return newClient(t, s), "/api/v1/s/" + slug + "/responses"
}

func sub(complete bool, answers map[string]any, ratings map[string]any) map[string]any {
	return map[string]any{"submission_id": uuid.NewString(), "answers": answers, "ratings": ratings, "complete": complete}
}

func TestSubmissionValidationNamesEveryField(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := publishedStudy(t, s, c)
	anon, path := respondent(t, s, slug)

	body := map[string]any{
		"submission_id": uuid.NewString(),
		"answers":       map[string]any{"company_size": "huge", "seats": 0, "nps": 11, "tools": []any{"Slack", "Email"}, "nope": "x"},
		"ratings": map[string]any{
			"O01": map[string]any{"importance": 6, "satisfaction": 4.5},
			"O02": map[string]any{"importance": "5", "satisfaction": 0},
			"O99": map[string]any{"importance": 3},
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
	// A rating sent as text is not a number: the API takes numbers only.
	if msg := e.Fields["ratings.O02.importance"]; msg != "must be a whole number from 1 to 5" {
		t.Errorf(`"5" as a string: got %q`, msg)
	}
	wantField(t, anon.send("POST", path, map[string]any{"answers": map[string]any{}}), "submission_id", "is required")
	// A body of the wrong shape is named where it goes wrong: a rating that
	// is no object is a 422 on it, a misspelt part a 400 naming the part.
	wantField(t, anon.send("POST", path, map[string]any{"ratings": map[string]any{"O01": 3}}), "ratings.O01", "must be an object")
	if r := anon.send("POST", path, map[string]any{"ratings": map[string]any{"O01": map[string]any{"importnce": 3}}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "importnce") {
		t.Errorf("misspelt rating part: %d %s", r.status, r.body)
	}
	// A bad submission_id does not hide what else is wrong.
	r = anon.send("POST", path, map[string]any{"submission_id": "abc", "ratings": map[string]any{"O01": map[string]any{"importance": "3"}}})
	e = apiError{}
	r.json(t, &e)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(e.Fields["submission_id"], "UUID") ||
		e.Fields["ratings.O01.importance"] != "must be a whole number from 1 to 5" {
		t.Fatalf("bad id and bad rating: %d %s", r.status, r.body)
	}
}

func TestSubmissionIsIdempotentAndResumable(t *testing.T) {
	s, c := researcherServer(t)
	_, slug := publishedStudy(t, s, c)
	anon, path := respondent(t, s, slug)

	first := sub(false, map[string]any{"uses_slack": "Yes"}, map[string]any{"O01": map[string]any{"importance": 5}})
	r1 := anon.send("POST", path, first)
	wantStatus(t, r1, http.StatusCreated)
	r2 := anon.send("POST", path, first)
	wantStatus(t, r2, http.StatusOK)
	var a, b fieldwork.SubmitResult
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
	var done fieldwork.SubmitResult
	anon.send("PATCH", path+"/"+a.ResumeToken, map[string]any{"complete": true}).json(t, &done)
	if done.Status != "complete" || done.Redirect != "https://panel.example/done?pid=&s=complete" {
		t.Fatalf("finish: %+v", done)
	}
	wantStatus(t, anon.send("PATCH", path+"/"+a.ResumeToken, map[string]any{"complete": true}), http.StatusConflict)

	resp := storedResponse(t, s, slug, a.ResumeToken)
	if i, sa := resp.Rating(0); i != 5 || sa != 2 {
		t.Errorf("O01 stored as %d/%d, want 5/2", i, sa)
	}
	if resp.Answers["tools"] != "Slack;Jira" || resp.Answers["seats"] != "12" || string(resp.Forces) != "\x08\x07\x03\x02" {
		t.Errorf("stored answers %v forces %v", resp.Answers, resp.Forces)
	}
	if n := countResponses(t, s); n != 1 {
		t.Fatalf("%d responses stored, want 1", n)
	}
}

func TestScreenersQuotasAndStatuses(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := publishedStudy(t, s, c)
	anon, path := respondent(t, s, slug)
	rating := map[string]any{"O01": map[string]any{"importance": 4, "satisfaction": 2}, "O02": map[string]any{"importance": 5, "satisfaction": 3}}

	var res fieldwork.SubmitResult
	anon.send("POST", path, sub(false, map[string]any{"uses_slack": "No"}, nil)).json(t, &res)
	if res.Status != "screened_out" {
		t.Fatalf("screener: %+v", res)
	}
	anon.send("POST", path, sub(true, map[string]any{"uses_slack": "Yes", "company_size": "large"}, rating)).json(t, &res)
	if res.Status != "complete" {
		t.Fatalf("first large: %+v", res)
	}
	anon.send("POST", path, sub(true, map[string]any{"uses_slack": "Yes", "company_size": "large"}, rating)).json(t, &res)
	if res.Status != surveys.QuotaFull || res.Redirect != "https://panel.example/done?pid=&s=quota_full" {
		t.Fatalf("large quota of 1 is full, got %+v", res)
	}
	// A response stopped by a full quota is counted apart from screened
	// out, and is no quality flag.
	var fw fieldwork.Summary
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/fieldwork", id), nil).json(t, &fw)
	if fw.Flagged != 0 || fw.Counts[surveys.QuotaFull] != 1 || fw.Counts[surveys.ScreenedOut] != 1 {
		t.Fatalf("fieldwork counts %d flagged (%v), %v", fw.Flagged, fw.Flags, fw.Counts)
	}
	page := c.get(fmt.Sprintf("/studies/%d/fieldwork", id))
	wantPage(t, page, `<td data-label="Status">quota_full</td>`)
	if strings.Contains(page.body, `<span class="chip flag">quota_full`) {
		t.Fatal("the responses table shows quota_full as a quality flag")
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
	t.Parallel()
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

// TestRepeatedSubmissionAnswersTheFirstResult: a browser that retries must
// learn its answers are kept, even when its repeat differs, is invalid, or
// arrives after the study has closed.
func TestRepeatedSubmissionAnswersTheFirstResult(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := publishedStudy(t, s, c)
	anon, path := respondent(t, s, slug)

	first := sub(false, map[string]any{"uses_slack": "Yes"}, map[string]any{"O01": map[string]any{"importance": 5}})
	var want fieldwork.SubmitResult
	r := anon.send("POST", path, first)
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &want)
	same := func(what string, body map[string]any) {
		t.Helper()
		r := anon.send("POST", path, body)
		var got fieldwork.SubmitResult
		r.json(t, &got)
		if r.status != http.StatusOK || got != want {
			t.Fatalf("%s: %d %s, want 200 with %+v", what, r.status, r.body, want)
		}
	}
	same("a repeat with other answers", map[string]any{"submission_id": first["submission_id"], "answers": map[string]any{"uses_slack": "No"}})
	same("a repeat that is invalid", map[string]any{"submission_id": first["submission_id"],
		"ratings": map[string]any{"O01": map[string]any{"importance": 9}}, "answers": map[string]any{"nope": 1}})
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/close", id), nil), http.StatusOK)
	same("a repeat after the study closed", first)
	// A submission never stored is refused as before.
	wantStatus(t, anon.send("POST", path, sub(false, nil, nil)), http.StatusGone)

	resp := storedResponse(t, s, slug, want.ResumeToken)
	if resp.Answers["uses_slack"] != "Yes" {
		t.Errorf("a repeat changed the stored answer to %q", resp.Answers["uses_slack"])
	}
	if n := countResponses(t, s); n != 1 {
		t.Fatalf("%d responses stored, want 1", n)
	}
}

// attentionStudy publishes a study of n outcomes over steps job steps that
// asks checks attention checks.
func attentionStudy(t *testing.T, s *Server, c *client, n, steps, checks int) (int64, string) {
	t.Helper()
	id := newStudy(t, c, "Attention")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	for i := range n {
		st := fmt.Sprintf("Minimize the time it takes to find decision number %d made by the team", i+1)
		wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": st, "step": surveySteps[i*steps/n]}), http.StatusCreated)
	}
	wantStatus(t, c.send("PATCH", base, map[string]any{"attention_check": true, "attention_checks": checks}), http.StatusOK)
	return id, publish(t, c, base)
}

// TestAttentionChecksThroughTheAPI: a study of three checks takes them as a
// list, one rating per check, or one number for the first; any check
// missed or wrong flags the response, and null leaves a check as it was, so
// autosaves can send one check at a time.
func TestAttentionChecksThroughTheAPI(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := attentionStudy(t, s, c, 3, 3, 3)
	anon, path := respondent(t, s, slug)

	var sv fieldwork.Survey
	anon.send("GET", "/api/v1/s/"+slug, nil).json(t, &sv)
	if sv.Attention == nil || sv.Attention.Choose != 2 || sv.Attention.Checks != 3 || !strings.Contains(sv.Attention.Text, `“Somewhat important”`) {
		t.Fatalf("survey definition attention: %+v", sv.Attention)
	}
	// Each respondent rates differently, so that none is a duplicate of
	// another from this one address.
	respondents := 0
	ratings := func() map[string]any {
		respondents++
		out := map[string]any{}
		for i, code := range []string{"O01", "O02", "O03"} {
			out[code] = map[string]any{"importance": i + 2, "satisfaction": (respondents+i)%5 + 1}
		}
		return out
	}
	submit := func(attention any) fieldwork.SubmitResult {
		body := sub(true, nil, ratings())
		if attention != nil {
			body["attention"] = attention
		}
		var res fieldwork.SubmitResult
		r := anon.send("POST", path, body)
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &res)
		return res
	}
	// Autosaves, one check each, out of order, then the last page.
	var saved fieldwork.SubmitResult
	r := anon.send("POST", path, sub(false, nil, ratings()))
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &saved)
	for _, body := range []map[string]any{{"attention": []any{nil, nil, 2}}, {"attention": 2}, {"attention": []any{nil, 2}}, {"complete": true}} {
		wantStatus(t, anon.send("PATCH", path+"/"+saved.ResumeToken, body), http.StatusOK)
	}
	cases := []struct {
		name  string
		res   fieldwork.SubmitResult
		flags []string
	}{
		{"all three right", submit([]int{2, 2, 2}), []string{}},
		{"all three right, one at a time", saved, []string{}},
		{"the second wrong", submit([]int{2, 5, 2}), []string{"failed_attention"}},
		{"only the first, as a number", submit(2), []string{"failed_attention"}},
		{"none", submit(nil), []string{"failed_attention"}},
	}
	for _, bad := range []struct {
		attention any
		msg       string
	}{
		{[]int{2, 2, 2, 2}, "lists 4 ratings; this survey asks 3 attention checks"},
		{"2", "must be a whole number from 1 to 5"},
		{[]any{2, "2"}, "check 2 must be a whole number from 1 to 5"},
	} {
		wantField(t, anon.send("POST", path, map[string]any{"submission_id": uuid.NewString(), "attention": bad.attention}), "attention", bad.msg)
	}

	var list fieldwork.ResponseList
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses", id), nil).json(t, &list)
	flags := map[string][]string{}
	for _, r := range list.Responses {
		// The autosaved one took milliseconds: leave speeding aside.
		flags[r.RespondentID] = slices.DeleteFunc(r.Flags, func(f string) bool { return f == surveys.FlagSpeeding })
	}
	for _, tc := range cases {
		if !slices.Equal(flags[tc.res.RespondentID], tc.flags) {
			t.Errorf("%s: flags %v, want %v", tc.name, flags[tc.res.RespondentID], tc.flags)
		}
	}
	var fw fieldwork.Summary
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/fieldwork", id), nil).json(t, &fw)
	if fw.Flags["failed_attention"] != 3 {
		t.Fatalf("fieldwork flagged %v", fw.Flags)
	}
	// The check is no outcome: not in the ratings columns, not scored.
	csv := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil)
	if header, _, _ := strings.Cut(csv.body, "\n"); header != "respondent_id,status,excluded,flags,started_at,finished_at,panel_id,O01_imp,O01_sat,O02_imp,O02_sat,O03_imp,O03_sat" {
		t.Fatalf("responses header %q", header)
	}
	var opp results.Opportunities
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities", id), nil).json(t, &opp)
	if n := len(opp.Groups[0].Outcomes); n != 3 {
		t.Fatalf("%d outcomes scored, want 3", n)
	}

	// A survey without the check refuses an answer to it.
	_, other := publishedStudy(t, s, c)
	wantField(t, anon.send("POST", "/api/v1/s/"+other+"/responses", map[string]any{"submission_id": uuid.NewString(), "attention": 2}),
		"attention", "does not ask an attention check")
}

// A panel's end URL can be set, refused when it is no http(s) URL, and
// cleared with an empty value, after which finished respondents stay on the
// thank-you page.
func TestEndURLCanBeCleared(t *testing.T) {
	s, c := researcherServer(t)
	id := newStudy(t, c, "Panel")
	base := "/api/v1/studies/" + itoa(id)
	wantStatus(t, c.send("PATCH", base, `{"end_urls": {"complete": "https://panel.example/done?pid={panel_id}"}}`), http.StatusOK)
	wantField(t, c.send("PATCH", base, `{"end_urls": {"complete": "javascript:alert(1)"}}`), "end_urls.complete", "http(s) URL")
	wantStatus(t, c.send("PATCH", base, `{"end_urls": {"complete": ""}}`), http.StatusOK)
	wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": "Minimize the time it takes to find a decision"}), http.StatusCreated)
	slug := publish(t, c, base)
	var res fieldwork.SubmitResult
	r := newClient(t, s).send("POST", "/api/v1/s/"+slug+"/responses", sub(true, nil,
		map[string]any{"O01": map[string]int{"importance": 4, "satisfaction": 2}}))
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &res)
	if res.Redirect != "" {
		t.Fatalf("cleared redirect still sends respondents to %q", res.Redirect)
	}
}

// The attention check is part of the survey's structure: set on a draft,
// locked once published, and carried into a duplicate.
func TestAttentionCheckSettingLocksAtPublish(t *testing.T) {
	s, c := researcherServer(t)
	id, _ := attentionStudy(t, s, c, 2, 1, 2)
	base := "/api/v1/studies/" + itoa(id)
	wantStatus(t, c.send("PATCH", base, `{"attention_check": false}`), http.StatusConflict)
	wantStatus(t, c.send("PATCH", base, `{"attention_checks": 3}`), http.StatusConflict)
	wantStatus(t, c.send("PATCH", base, `{"attention_check": true, "attention_checks": 2}`), http.StatusOK)
	var dup surveys.Study
	c.send("POST", base+"/duplicate", nil).json(t, &dup)
	if !dup.AttentionCheck || dup.AttentionChecks != 2 || dup.Status != surveys.StatusDraft {
		t.Fatalf("duplicate: %+v", dup)
	}
}

// A study written in French offers its default job steps and four-forces
// questions in French.
func TestFrenchStudyGetsFrenchDefaults(t *testing.T) {
	_, c := researcherServer(t)
	var st surveys.Study
	r := c.send("POST", "/api/v1/studies", `{"name": "Étude", "language": "fr", "four_forces": true}`)
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &st)
	if st.ForcesWording == surveys.DefaultForces || st.ForcesWording.Push == "" {
		t.Fatalf("French study got the English forces wording: %+v", st.ForcesWording)
	}
	var d surveys.Design
	c.send("GET", "/api/v1/studies/"+itoa(st.ID), nil).json(t, &d)
	if len(d.Steps) != 8 || d.Steps[0].Name == "Define" {
		t.Fatalf("French study steps: %+v", d.Steps)
	}
}

// reviewedFlags are a response's quality flags as the responses API lists them.
func reviewedFlags(t *testing.T, c *client, studyID int64, respondentID string) []string {
	t.Helper()
	var list struct {
		Responses []surveys.Response `json:"responses"`
	}
	c.do("GET", fmt.Sprintf("/api/v1/studies/%d/responses?limit=500", studyID), "", "").json(t, &list)
	for _, r := range list.Responses {
		if r.RespondentID == respondentID {
			return r.Flags
		}
	}
	t.Fatalf("no response %s in the list", respondentID)
	return nil
}
