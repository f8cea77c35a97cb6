package app

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"odi/surveys/fieldwork"
)

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
	anon := newClient(t, s)
	path := "/api/v1/s/" + slug + "/responses"
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
