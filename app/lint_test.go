package app

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"odi/surveys/statement"
)

func issueRules(issues []statement.Issue) []string {
	out := []string{}
	for _, i := range issues {
		out = append(out, i.Rule)
	}
	return out
}

// TestJobLintInTheStudyJSON follows a job statement from a first draft ("be
// productive", no situation) to one the lint accepts, through the study's
// JSON, and the lint-as-you-type endpoint, which stores nothing.
func TestJobLintInTheStudyJSON(t *testing.T) {
	_, c := researcherServer(t)
	var st struct {
		ID      int64             `json:"id"`
		JobLint []statement.Issue `json:"job_lint"`
	}
	c.send("POST", "/api/v1/studies", map[string]any{"name": "Draft", "job": map[string]string{"want": "be productive"}}).json(t, &st)
	if got := issueRules(st.JobLint); !slices.Equal(got, []string{"no_trigger", "too_broad", "grammar"}) {
		t.Fatalf("a new study's job_lint: %v", st.JobLint)
	}
	base := "/api/v1/studies/" + itoa(st.ID)
	var d struct {
		Study struct {
			JobLint []statement.Issue `json:"job_lint"`
		} `json:"study"`
	}
	c.send("GET", base, nil).json(t, &d)
	if got := issueRules(d.Study.JobLint); !slices.Equal(got, []string{"no_trigger", "too_broad", "grammar"}) {
		t.Fatalf("GET job_lint: %v", d.Study.JobLint)
	}
	if !strings.Contains(d.Study.JobLint[2].Message, `"When you be …" does not read`) {
		t.Fatalf("grammar message: %q", d.Study.JobLint[2].Message)
	}

	// Lint as you type: the draft's warnings, nothing stored.
	var live struct {
		JobLint []statement.Issue `json:"job_lint"`
	}
	r := c.send("POST", base+"/job/lint", map[string]string{"when": "a new hire joins", "want": "I want to click the export button"})
	r.json(t, &live)
	if got := issueRules(live.JobLint); r.status != 200 || !slices.Equal(got, []string{"solution", "too_narrow", "grammar"}) {
		t.Fatalf("job/lint: %d %v", r.status, live.JobLint)
	}
	c.send("POST", base+"/job/lint", map[string]string{"when": "une recrue arrive", "want": "trouver une décision", "language": "fr"}).json(t, &live)
	if live.JobLint == nil || len(live.JobLint) != 0 {
		t.Fatalf("a French job that reads: %v", live.JobLint)
	}
	for body, field := range map[string]string{`{"want": "x", "language": "de"}`: "language", `{"want": 3}`: "want"} {
		if r := c.send("POST", base+"/job/lint", body); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, field) {
			t.Errorf("job/lint %s: %d %s", body, r.status, r.body)
		}
	}
	c.send("GET", base, nil).json(t, &d)
	if len(d.Study.JobLint) != 3 {
		t.Fatalf("the lint endpoint changed the study: %v", d.Study.JobLint)
	}

	// A job written the method's way is clean, and says so with [].
	job := map[string]string{"when": "a new hire joins in the middle of a sprint", "want": "get them up to speed on past decisions",
		"so_that": "keep the sprint on track"}
	r = c.send("PATCH", base, map[string]any{"job": job})
	if r.status != 200 || !strings.Contains(r.body, `"job_lint":[]`) {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	if r := c.send("GET", base, nil); !strings.Contains(r.body, `"job_lint":[]`) {
		t.Fatalf("GET after the fix: %s", r.body)
	}
	// The study list and a copy carry it too.
	if r := c.send("GET", "/api/v1/studies", nil); !strings.Contains(r.body, `"job_lint":[]`) {
		t.Fatalf("GET /studies: %s", r.body)
	}
	if r := c.send("POST", base+"/duplicate", nil); r.status != http.StatusCreated || !strings.Contains(r.body, `"job_lint":[]`) {
		t.Fatalf("duplicate: %d %s", r.status, r.body)
	}
}

// TestOutcomeLintRewritesInTheAPI checks the outcome lint v2 rules come
// with their rewrite in the outcomes' JSON and on the Outcomes tab.
func TestOutcomeLintRewritesInTheAPI(t *testing.T) {
	_, c := loggedInServer(t)
	id := createDraft(t, c, "Rewrites")
	base := "/api/v1/studies/" + itoa(id)
	for _, stmt := range []string{"Minimize waste", "Minimize the time and effort it takes to plan a sprint"} {
		if r := c.postJSON(base+"/outcomes", map[string]any{"statement": stmt, "step": "Define"}); r.status != http.StatusCreated {
			t.Fatalf("add %q: %d %s", stmt, r.status, r.body)
		}
	}
	var outs []struct {
		Lint []statement.Issue `json:"lint"`
	}
	c.get(base+"/outcomes").json(t, &outs)
	if len(outs) != 2 || len(outs[0].Lint) != 1 || outs[0].Lint[0] != (statement.Issue{Rule: "no_metric",
		Message: outs[0].Lint[0].Message, Rewrite: "Minimize the amount of waste"}) {
		t.Fatalf("outcomes' lint: %+v", outs)
	}
	if got := outs[1].Lint[0].Rewrite; got != "Minimize the time it takes to plan a sprint\nMinimize the effort it takes to plan a sprint" {
		t.Fatalf("compound rewrite %q", got)
	}
	page := c.get("/studies/" + itoa(id) + "/outcomes").body
	for _, want := range []string{`<span class="rule">no_metric</span>`, `<span class="k">Try:</span> Minimize the amount of waste`,
		"Minimize the time it takes to plan a sprint\nMinimize the effort it takes to plan a sprint"} {
		if !strings.Contains(page, want) {
			t.Errorf("the Outcomes tab lacks %q", want)
		}
	}
}

// createDraft makes a study through the new-study form and returns its id.
func createDraft(t *testing.T, c *client, name string) int64 {
	t.Helper()
	r := c.submit("/studies", url.Values{"name": {name}, "when": {""}, "want": {"be productive"}, "so_that": {""}})
	loc := r.header.Get("Location")
	var id int64
	for _, ch := range strings.TrimSuffix(strings.TrimPrefix(loc, "/studies/"), "/job") {
		if ch < '0' || ch > '9' {
			t.Fatalf("new study: %d to %q", r.status, loc)
		}
		id = id*10 + int64(ch-'0')
	}
	return id
}

// TestPublishAsksToConfirmTheWarnings presses Publish on a study with
// warnings, without JavaScript: the page lists every warning of the job and
// the outcomes and publishes only once confirmed. The API publishes at once
// and answers the same warnings.
func TestPublishAsksToConfirmTheWarnings(t *testing.T) {
	_, c := loggedInServer(t)
	id := createDraft(t, c, "Warned")
	path := "/studies/" + itoa(id)
	for _, stmt := range []string{"Minimize the time it takes to find a past decision", "Improve the onboarding experience"} {
		c.postJSON("/api/v1"+path+"/outcomes", map[string]any{"statement": stmt, "step": "Define"})
	}
	c.get(path + "/outcomes")
	r := c.submit(path+"/publish", url.Values{"tab": {"outcomes"}})
	if r.status != http.StatusOK {
		t.Fatalf("publish with warnings: %d %s", r.status, r.body)
	}
	for _, want := range []string{"Check before publishing", "The lint found 5 warnings",
		`<span class="rule">too_broad</span>`, `<span class="rule">no_trigger</span>`,
		`<span class="code">O02</span>Improve the onboarding experience`, `<span class="rule">vague_direction</span>`,
		`<span class="k">Try:</span> Minimize the time it takes to complete the onboarding experience`,
		`name="confirm" value="1"`, `href="` + path + `/outcomes">Cancel</a>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the publish check lacks %q", want)
		}
	}
	if strings.Contains(r.body, `<span class="code">O01</span>`) {
		t.Error("the publish check lists an outcome without warnings")
	}
	if st := mustStatus(t, c, id); st != "draft" {
		t.Fatalf("the study is %s before confirming", st)
	}
	wantRedirect(t, c.submit(path+"/publish", url.Values{"tab": {"outcomes"}, "confirm": {"1"}}), path+"/outcomes")
	if st := mustStatus(t, c, id); st != "open" {
		t.Fatalf("the study is %s after confirming", st)
	}

	// The survey asks without the job, which would read "When you be productive".
	var pub struct {
		Study struct {
			Slug string `json:"slug"`
		} `json:"study"`
	}
	c.get("/api/v1"+path).json(t, &pub)
	if sv := c.get("/api/v1/s/" + pub.Study.Slug).body; strings.Contains(sv, "When you be") || !strings.Contains(sv, `"lead":"How important is each of these to you`) {
		t.Fatalf("the survey: %s", sv)
	}

	// A study without warnings still shows the checklist, with a plain
	// Publish button, and publishes once confirmed.
	clean := createDraft(t, c, "Clean")
	job := `{"job": {"when": "a new hire joins in the middle of a sprint", "want": "get them up to speed on past decisions"}}`
	if r := c.do("PATCH", "/api/v1/studies/"+itoa(clean), "application/json", job, "X-Csrf-Token", c.csrf()); r.status != http.StatusOK {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	c.postJSON("/api/v1/studies/"+itoa(clean)+"/outcomes", map[string]any{"statement": "Minimize the time it takes to find a past decision", "step": "Define"})
	c.get("/studies/" + itoa(clean) + "/job")
	check := c.submit("/studies/"+itoa(clean)+"/publish", url.Values{"tab": {"job"}})
	wantBody(t, check, `id="publish-check"`, "No lint warnings", "No screener", "No quotas", "About 1 minute", ">Publish</button>")
	wantRedirect(t, c.submit("/studies/"+itoa(clean)+"/publish", url.Values{"tab": {"job"}, "confirm": {"1"}}), "/studies/"+itoa(clean)+"/job")

	// The API publishes without asking and lists the warnings.
	api := createDraft(t, c, "By script")
	c.postJSON("/api/v1/studies/"+itoa(api)+"/outcomes", map[string]any{"statement": "Minimize waste", "step": "Define"})
	var out struct {
		Status   string `json:"status"`
		Warnings []struct {
			Code      string `json:"code"`
			Statement string `json:"statement"`
			statement.Issue
		} `json:"warnings"`
	}
	c.postJSON("/api/v1/studies/"+itoa(api)+"/publish", nil).json(t, &out)
	var got []string
	for _, w := range out.Warnings {
		got = append(got, w.Code+":"+w.Rule+":"+w.Rewrite)
	}
	if out.Status != "open" || !slices.Equal(got, []string{":no_trigger:", ":too_broad:", ":grammar:", "O01:no_metric:Minimize the amount of waste"}) {
		t.Fatalf("API publish: %s %v", out.Status, got)
	}
}

func mustStatus(t *testing.T, c *client, id int64) string {
	t.Helper()
	var d struct {
		Study struct {
			Status string `json:"status"`
		} `json:"study"`
	}
	c.get("/api/v1/studies/"+itoa(id)).json(t, &d)
	return d.Study.Status
}

// TestJobTabShowsTheLintWithoutJavaScript: after Save, the Job tab lists the
// job statement's warnings, or says there are none.
func TestJobTabShowsTheLintWithoutJavaScript(t *testing.T) {
	_, c := loggedInServer(t)
	id := createDraft(t, c, "Job tab")
	page := c.get("/studies/" + itoa(id) + "/job").body
	for _, want := range []string{`id="job-lint"`, `<span class="rule">no_trigger</span>`, `<span class="rule">too_broad</span>`,
		`<span class="rule">grammar</span> &#34;When you be …&#34; does not read`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Job tab lacks %q", want)
		}
	}
	form := url.Values{"name": {"Job tab"}, "when": {"a new hire joins in the middle of a sprint"}, "want": {"get them up to speed on past decisions"},
		"so_that": {""}, "min_n": {"30"}, "language": {"en"}, "attention_checks": {"1"}, "role": {"job executor"}}
	wantRedirect(t, c.submit("/studies/"+itoa(id)+"/job", form), "/studies/"+itoa(id)+"/job")
	page = c.get("/studies/" + itoa(id) + "/job").body
	if !strings.Contains(page, "✓ No lint warnings") || strings.Contains(page, `<span class="rule">`) {
		t.Errorf("the Job tab of a clean job:\n%s", page)
	}
}
