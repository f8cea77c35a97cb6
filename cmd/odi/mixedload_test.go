package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"odi/surveys/surveystest"
)

// The mixed load is what a study in fieldwork sees on a busy day, all at
// once: respondents submitting and autosaving, the researcher reading
// results, exporting and renaming the study, a colleague drafting a copy.
const (
	mixedClients  = 64
	mixedDuration = 10 * time.Second
	// editPause is how long the researcher waits between two edits of the
	// open study: none, so edits land while every kind of write is queued.
	editPause = 0
)

// TestMixedLoadAnswersEveryRequest runs the real binary under the mixed load
// from 64 clients and checks that every request gets its normal answer (no
// 5xx, no 409 from a busy database), the log holds no "database is locked"
// and no error, and every acknowledged response is stored with its status.
func TestMixedLoadAnswersEveryRequest(t *testing.T) {
	surveystest.Long(t, "64 clients on the real binary for 10 s a database")
	t.Run("sqlite", func(t *testing.T) { mixedLoad(t, filepath.Join(t.TempDir(), "odi.db")) })
	t.Run("postgres", func(t *testing.T) { mixedLoad(t, freshPostgres(t)) })
}

// freshPostgres is the URL of an empty, migrated database on the server named
// by ODI_TEST_POSTGRES, dropped when the test ends.
func freshPostgres(t *testing.T) string {
	t.Helper()
	store := surveystest.Postgres(t)
	var name string
	if err := store.DB().Raw("SELECT current_database()").Scan(&name).Error; err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv("ODI_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// loadClient is one caller of the API with the researcher's token.
type loadClient struct {
	http  *http.Client
	base  string
	token string
}

// call makes one request and returns its status and body; a bearer token is
// sent only when auth is set, as a respondent has none.
func (c *loadClient) call(method, path string, auth bool, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// mustCall is call for the set-up, which must succeed.
func (c *loadClient) mustCall(t *testing.T, method, path string, body any, status int, out any) {
	t.Helper()
	code, b, err := c.call(method, path, true, body)
	if err != nil || code != status {
		t.Fatalf("%s %s: %d %v %s", method, path, code, err, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// mixedStudy is the open study the load runs on.
type mixedStudy struct {
	id    int64
	slug  string
	codes []string
}

var (
	mixedSizes = []string{"1-9", "10-49", "50-249", "250+"}
	mixedTools = []string{"Slack", "Notion", "Jira", "Confluence"}
)

// newMixedStudy creates, fills and publishes a study through the API, with
// 200 imported responses so results and exports have work to do from the
// first request.
func newMixedStudy(t *testing.T, c *loadClient) *mixedStudy {
	t.Helper()
	var st struct{ ID int64 }
	c.mustCall(t, "POST", "/api/v1/studies", map[string]any{"name": "Mixed load", "four_forces": true,
		"job": map[string]string{"when": "the team grows past ten people", "want": "keep shared knowledge in order", "so_that": "nobody answers the same question twice"}},
		http.StatusCreated, &st)
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	c.mustCall(t, "POST", base+"/questions", map[string]any{"key": "company_size", "text": "How many people work at your company?",
		"kind": "single", "options": mixedSizes, "segment": true, "required": true}, http.StatusCreated, nil)
	c.mustCall(t, "POST", base+"/questions", map[string]any{"key": "tools", "text": "Which tools does your team use?",
		"kind": "multi", "options": mixedTools}, http.StatusCreated, nil)
	ms := &mixedStudy{id: st.ID}
	for i, s := range []string{
		"Minimize the time it takes to find a past decision",
		"Minimize the time it takes to onboard a new team member",
		"Minimize the likelihood of losing a spec",
		"Minimize the number of times a question is answered twice",
		"Minimize the effort it takes to keep documents up to date",
		"Minimize the time it takes to know who owns a topic",
		"Minimize the likelihood of working from an outdated plan",
		"Minimize the time it takes to share a decision with the team",
	} {
		code := fmt.Sprintf("O%02d", i+1)
		c.mustCall(t, "POST", base+"/outcomes", map[string]any{"statement": s, "code": code}, http.StatusCreated, nil)
		ms.codes = append(ms.codes, code)
	}
	var pub struct{ Slug string }
	c.mustCall(t, "POST", base+"/publish", nil, http.StatusOK, &pub)
	ms.slug = pub.Slug

	var csvBody strings.Builder
	csvBody.WriteString("respondent_id,status,company_size,tools")
	for _, code := range ms.codes {
		fmt.Fprintf(&csvBody, ",%s_imp,%s_sat", code, code)
	}
	csvBody.WriteString(",push,pull,anxiety,habit\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		fmt.Fprintf(&csvBody, "imported-%03d,complete,%s,%s", i, mixedSizes[rng.IntN(len(mixedSizes))], mixedTools[rng.IntN(len(mixedTools))])
		for range ms.codes {
			fmt.Fprintf(&csvBody, ",%d,%d", 1+rng.IntN(5), 1+rng.IntN(5))
		}
		fmt.Fprintf(&csvBody, ",%d,%d,%d,%d\n", 1+rng.IntN(10), 1+rng.IntN(10), 1+rng.IntN(10), 1+rng.IntN(10))
	}
	req, _ := http.NewRequest("POST", c.base+base+"/responses/import", strings.NewReader(csvBody.String()))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("import responses: %d %s", resp.StatusCode, b)
	}
	return ms
}

// ratings rates the outcomes in codes at random.
func ratings(rng *rand.Rand, codes []string) map[string]any {
	out := map[string]any{}
	for _, code := range codes {
		out[code] = map[string]int{"importance": 1 + rng.IntN(5), "satisfaction": 1 + rng.IntN(5)}
	}
	return out
}

// loadTally counts answers by kind of request and status, and keeps every
// answer that was not the expected one.
type loadTally struct {
	mu        sync.Mutex
	counts    map[string]map[int]int
	slowest   map[string]time.Duration
	failures  []string
	created   int // responses acknowledged as new
	completes int // of those, acknowledged as complete
}

// stored counts a response acknowledged as new or as finished.
func (tl *loadTally) stored(created, complete bool) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if created {
		tl.created++
	}
	if complete {
		tl.completes++
	}
}

func (tl *loadTally) add(kind string, want, got int, took time.Duration, err error, body []byte) bool {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.counts[kind] == nil {
		tl.counts[kind] = map[int]int{}
	}
	tl.counts[kind][got]++
	tl.slowest[kind] = max(tl.slowest[kind], took)
	if err == nil && got == want {
		return true
	}
	if len(body) > 300 {
		body = body[:300]
	}
	tl.failures = append(tl.failures, fmt.Sprintf("%s: %d (want %d) %v %s", kind, got, want, err, body))
	return false
}

// mixedLoad runs the load against the binary on db (a SQLite path or a
// PostgreSQL URL).
func mixedLoad(t *testing.T, db string) {
	odiCmd(t, "mixed-load-password\n", "user", "add", "--email", "load@example.com", "--role", "researcher", "--db", db)
	token := strings.TrimSpace(odiCmd(t, "", "token", "create", "--email", "load@example.com", "--db", db))
	p := launch(t, db, "ODI_SUBMIT_LIMIT=0")
	c := &loadClient{base: p.base, token: token,
		http: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: mixedClients}}}
	study := newMixedStudy(t, c)
	studyPath := fmt.Sprintf("/api/v1/studies/%d", study.id)
	respond := "/api/v1/s/" + study.slug + "/responses"

	tally := &loadTally{counts: map[string]map[int]int{}, slowest: map[string]time.Duration{}}
	// step makes one request of the load and tallies it.
	step := func(kind, method, path string, auth bool, body any, want int) ([]byte, bool) {
		start := time.Now()
		got, b, err := c.call(method, path, auth, body)
		return b, tally.add(kind, want, got, time.Since(start), err, b)
	}
	answers := func(rng *rand.Rand) map[string]any {
		return map[string]any{"company_size": mixedSizes[rng.IntN(len(mixedSizes))], "tools": []string{mixedTools[rng.IntN(len(mixedTools))]}}
	}
	forces := func(rng *rand.Rand) map[string]int {
		return map[string]int{"push": 1 + rng.IntN(10), "pull": 1 + rng.IntN(10), "anxiety": 1 + rng.IntN(10), "habit": 1 + rng.IntN(10)}
	}
	// Each kind of work, with how often a client picks it.
	work := []struct {
		weight int
		do     func(rng *rand.Rand)
	}{
		{30, func(rng *rand.Rand) { // a respondent answers in one go
			body := map[string]any{"submission_id": uuid.NewString(), "answers": answers(rng), "ratings": ratings(rng, study.codes),
				"forces": forces(rng), "complete": true}
			if _, ok := step("submit", "POST", respond, false, body, http.StatusCreated); ok {
				tally.stored(true, true)
			}
		}},
		{20, func(rng *rand.Rand) { // a respondent stops half-way, resumes, finishes
			half := len(study.codes) / 2
			b, ok := step("autosave: start", "POST", respond, false, map[string]any{"submission_id": uuid.NewString(),
				"answers": answers(rng), "ratings": ratings(rng, study.codes[:half]), "complete": false}, http.StatusCreated)
			var res struct {
				ResumeToken string `json:"resume_token"`
			}
			if !ok || json.Unmarshal(b, &res) != nil || res.ResumeToken == "" {
				return
			}
			tally.stored(true, false)
			resume := respond + "/" + url.PathEscape(res.ResumeToken)
			if _, ok := step("autosave: more ratings", "PATCH", resume, false, map[string]any{"ratings": ratings(rng, study.codes[half:]), "complete": false}, http.StatusOK); !ok {
				return
			}
			if _, ok := step("autosave: finish", "PATCH", resume, false, map[string]any{"forces": forces(rng), "complete": true}, http.StatusOK); ok {
				tally.stored(false, true)
			}
		}},
		{6, func(*rand.Rand) { step("survey definition", "GET", "/api/v1/s/"+study.slug, false, nil, http.StatusOK) }},
		{12, func(rng *rand.Rand) {
			q := []string{"", "?segment_by=company_size", "?filter=company_size:10-49"}[rng.IntN(3)]
			step("opportunities", "GET", studyPath+"/opportunities"+q, true, nil, http.StatusOK)
		}},
		{6, func(*rand.Rand) {
			step("results page", "GET", fmt.Sprintf("/studies/%d/results?segment_by=company_size", study.id), true, nil, http.StatusOK)
		}},
		{5, func(*rand.Rand) {
			step("export.xlsx", "GET", studyPath+"/export.xlsx?segment_by=company_size", true, nil, http.StatusOK)
		}},
		{5, func(*rand.Rand) { step("responses.csv", "GET", studyPath+"/responses.csv", true, nil, http.StatusOK) }},
		{1, func(rng *rand.Rand) { // a colleague drafts the next wave
			b, ok := step("duplicate", "POST", studyPath+"/duplicate", true, nil, http.StatusCreated)
			var draft struct{ ID int64 }
			if !ok || json.Unmarshal(b, &draft) != nil || draft.ID == 0 {
				return
			}
			step("draft: add outcome", "POST", fmt.Sprintf("/api/v1/studies/%d/outcomes", draft.ID), true,
				map[string]any{"statement": fmt.Sprintf("Minimize the time it takes to find answer %d", rng.IntN(1000))}, http.StatusCreated)
		}},
	}
	total := 0
	for _, w := range work {
		total += w.weight
	}

	deadline := time.Now().Add(mixedDuration)
	var wg sync.WaitGroup
	// One client is the researcher, who keeps editing the open study as
	// fieldwork runs: renaming it, rewording its intro.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; time.Now().Before(deadline); i++ {
			edit := map[string]any{"name": fmt.Sprintf("Mixed load, wave %d", i)}
			if i%2 == 1 {
				edit = map[string]any{"intro": fmt.Sprintf("Thank you for helping: it takes %d minutes.", 1+i%9)}
			}
			step("study edit", "PATCH", studyPath, true, edit, http.StatusOK)
			time.Sleep(editPause)
		}
	}()
	for i := range mixedClients - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for time.Now().Before(deadline) {
				n := rng.IntN(total)
				for _, w := range work {
					if n -= w.weight; n < 0 {
						w.do(rng)
						break
					}
				}
			}
		}()
	}
	wg.Wait()

	// Every acknowledged response is stored once, complete when it was
	// acknowledged complete: with every autosave finished, none in progress.
	rows := wideResponses(t, p.base, token, study.id)
	byStatus := map[string]int{}
	for _, r := range rows {
		byStatus[r["status"]]++
	}
	// A connection the client dialed but never used would hold up odi's
	// graceful stop for the whole grace period.
	c.http.CloseIdleConnections()
	p.stop(t)

	backend := t.Name()[strings.LastIndex(t.Name(), "/")+1:]
	kinds := make([]string, 0, len(tally.counts))
	requests := 0
	for k := range tally.counts {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		var parts []string
		for status, n := range tally.counts[k] {
			parts = append(parts, fmt.Sprintf("%d×%d", n, status))
			requests += n
		}
		slices.Sort(parts)
		t.Logf("%s %-22s %s, slowest %v", backend, k, strings.Join(parts, " "), tally.slowest[k].Round(time.Millisecond))
	}
	t.Logf("mixed load on %s: %d requests from %d clients in %v; %d responses stored (%v)", backend, requests, mixedClients, mixedDuration, len(rows), byStatus)

	for i, f := range tally.failures {
		if i == 10 {
			t.Errorf("... and %d more", len(tally.failures)-10)
			break
		}
		t.Errorf("unexpected answer: %s", f)
	}
	if len(rows) != 200+tally.created || byStatus["complete"] != 200+tally.completes {
		t.Errorf("stored %d responses %v, want 200 imported + %d acknowledged, %d of them complete", len(rows), byStatus, tally.created, 200+tally.completes)
	}
	var errorLines []string
	for line := range strings.Lines(p.logs.String()) {
		if strings.Contains(line, "level=ERROR") || strings.Contains(line, "database is locked") || strings.Contains(line, "panic") {
			errorLines = append(errorLines, line)
		}
	}
	if len(errorLines) > 0 {
		t.Errorf("the server logged %d errors, the first: %s", len(errorLines), errorLines[0])
	}
	if tally.counts["submit"][http.StatusCreated] == 0 || tally.counts["export.xlsx"][http.StatusOK] == 0 || tally.counts["study edit"][http.StatusOK] == 0 {
		t.Errorf("the load did not reach every kind of request: %v", tally.counts)
	}
}
