package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"odi/surveys"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// outcomeCap is the most outcomes a study holds, as README documents.
const outcomeCap = 1000

// outcomesCSV is an outcomes file of n distinct statements numbered from first.
func outcomesCSV(first, n int) string {
	var b strings.Builder
	b.WriteString("statement\n")
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "Minimize the time it takes to find decision number %d\n", i)
	}
	return b.String()
}

// studyLints reads from /metrics how many studies the server has linted in
// full so far.
func studyLints(t *testing.T, s *Server) int {
	t.Helper()
	r := newClient(t, s).do("GET", "/metrics", "", "")
	m := regexp.MustCompile(`(?m)^odi_study_lints_total (\d+)$`).FindStringSubmatch(r.body)
	if m == nil {
		t.Errorf("/metrics (%d) has no odi_study_lints_total", r.status)
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// timed runs fn and says how long it took.
func timed(fn func()) time.Duration {
	start := time.Now()
	fn()
	return time.Since(start)
}

func TestHardeningOutcomeCap(t *testing.T) {
	s, c := researcherServer(t)
	page := newClient(t, s)
	page.login("r@example.com")
	id := newStudy(t, c, "Big")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	count := func(id int64) int {
		var outs []surveys.Outcome
		c.send("GET", fmt.Sprintf("/api/v1/studies/%d/outcomes", id), nil).json(t, &outs)
		return len(outs)
	}

	wantStatus(t, c.do("POST", base+"/outcomes/import", "text/csv", outcomesCSV(0, 990)), http.StatusCreated)
	// A file that would pass the cap is refused whole.
	wantField(t, c.do("POST", base+"/outcomes/import", "text/csv", outcomesCSV(990, 11)), "outcomes", "a study holds at most 1000")
	if n := count(id); n != 990 {
		t.Fatalf("a refused import left %d outcomes, want 990", n)
	}
	wantStatus(t, c.do("POST", base+"/outcomes/import", "text/csv", outcomesCSV(990, 10)), http.StatusCreated)

	// The 1,001st outcome, by every way of adding one.
	const full = "this study already has 1000 outcomes, the most a study may hold"
	one := "Minimize the time it takes to find one more decision"
	wantField(t, c.send("POST", base+"/outcomes", map[string]string{"statement": one}), "outcomes", full)
	xlsx := surveystest.Workbook(t, []any{"statement"}, []any{one})
	wantField(t, c.do("POST", base+"/outcomes/import", xlsxType, string(xlsx)), "outcomes", full)
	r := page.submit(fmt.Sprintf("/studies/%d/outcomes", id), url.Values{"statement": {one}, "step": {"Define"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Outcomes: "+full)
	r = page.upload(fmt.Sprintf("/studies/%d/outcomes/import", id), "outcomes.csv", outcomesCSV(1000, 1))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Outcomes: "+full)
	// A responses file adds answers, never outcomes.
	wantField(t, c.do("POST", base+"/responses/import", "text/csv", "respondent_id,status,O1001_imp\nr1,complete,5\n"),
		"file", "no column gives a rating of this study's outcomes")
	if n := count(id); n != 1000 {
		t.Fatalf("the study has %d outcomes after refusals, want 1000", n)
	}

	// A full study duplicates; one stored with more before the cap does not.
	var cp surveys.Study
	r = c.send("POST", base+"/duplicate", nil)
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &cp)
	if n := count(cp.ID); n != 1000 {
		t.Fatalf("the copy has %d outcomes, want 1000", n)
	}
	legacy := surveys.Outcome{StudyID: id, Code: "LEGACY", Statement: "Minimize the cost of an old study", Slot: 5000}
	if err := s.store.DB().Create(&legacy).Error; err != nil {
		t.Fatal(err)
	}
	wantField(t, c.send("POST", base+"/duplicate", nil), "outcomes", "this study has 1001 outcomes; a study holds at most 1000")
	r = page.submit(fmt.Sprintf("/studies/%d/duplicate", id), url.Values{"tab": {"outcomes"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "a study holds at most 1000")
	t.Logf("1,000 outcomes held; the 1,001st refused with 422 by the API, CSV and XLSX import, the editor form and its import; a 1,001-outcome study refused to duplicate")
}

func TestHardeningShareReportNeverLints(t *testing.T) {
	s, c := researcherServer(t)
	st, ds := loadSample(t, s, "r@example.com", sample.Config{Respondents: 200, Outcomes: outcomeCap, Seed: 5})
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	members := map[string]int{}
	for i, resp := range ds.Responses {
		members[resp.ID] = i % 2
	}
	wantStatus(t, c.send("POST", base+"/segmentations", map[string]any{"key": "needs", "labels": []string{"One", "Two"}, "members": members}), http.StatusCreated)
	token, _ := newShareLink(t, c, st.ID, `{"include_responses": true}`)

	lints := studyLints(t, s)
	visitor := newClient(t, s)
	var took []string
	visit := func(what, path string) reply {
		var r reply
		d := timed(func() { r = visitor.get(path) })
		wantStatus(t, r, http.StatusOK)
		took = append(took, fmt.Sprintf("%s %v", what, d.Round(time.Millisecond)))
		return r
	}
	visit("report", "/r/"+token)
	visit("report again", "/r/"+token)
	visit("report by segment", "/r/"+token+"?segment_by=needs")
	book := visit("workbook", "/r/"+token+"/export.xlsx")
	visit("canvases", "/r/"+token+"/canvas")
	visit("canvas", "/r/"+token+"/canvas?segmentation=needs&segment="+results.SegmentID(0))
	visit("survey", "/s/"+*st.Slug)
	wantStatus(t, visitor.send("POST", "/api/v1/s/"+*st.Slug+"/responses", sub(false, map[string]any{}, map[string]any{})), http.StatusCreated)
	if n := studyLints(t, s); n != lints {
		t.Errorf("the share link's report, workbook and canvas and the survey linted %d studies, want none", n-lints)
	}

	// What a stakeholder downloads carries no lint either.
	f := readXLSX(t, book)
	rows, err := f.GetRows("Outcomes")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(rows[0], "Lint") || len(rows) != outcomeCap+1 {
		t.Errorf("shared workbook's Outcomes sheet: header %q, %d rows", rows[0], len(rows))
	}
	t.Logf("%d outcomes, %d respondents, no lint run; took %s", outcomeCap, len(ds.Responses), strings.Join(took, ", "))
}

func TestHardeningStudyLintIsCached(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "odi.db")
	open := func() *Server {
		store, err := surveys.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		cfg := Defaults()
		cfg.BaseURL = "http://odi.test"
		return New(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	s, other := open(), open() // two instances on one database
	c := api(t, s, "r@example.com", "researcher")
	id := newStudy(t, c, "Cached")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.do("POST", base+"/outcomes/import", "text/csv", outcomesCSV(0, outcomeCap)), http.StatusCreated)

	get := func(c *client) (surveys.Design, time.Duration) {
		var d surveys.Design
		var r reply
		took := timed(func() { r = c.do("GET", base, "", "") })
		wantStatus(t, r, http.StatusOK)
		r.json(t, &d)
		if len(d.Outcomes) != outcomeCap {
			t.Fatalf("%d outcomes", len(d.Outcomes))
		}
		return d, took
	}
	before := studyLints(t, s)
	d, first := get(c)
	_, again := get(c)
	if n := studyLints(t, s) - before; n != 1 {
		t.Errorf("two reads of an unchanged study linted it %d times, want once", n)
	}

	// Another instance edits an outcome: this one sees the new lint at once.
	elsewhere := newClient(t, other)
	elsewhere.bearer = c.bearer
	edit := "Find a decision in the dashboard"
	wantStatus(t, elsewhere.send("PATCH", fmt.Sprintf("%s/outcomes/%d", base, d.Outcomes[0].ID), map[string]string{"statement": edit}), http.StatusOK)
	d, edited := get(c)
	rules := []string{}
	for _, l := range d.Outcomes[0].Lint {
		rules = append(rules, l.Rule)
	}
	if d.Outcomes[0].Statement != edit || !slices.Equal(rules, []string{"no_direction", "solution"}) {
		t.Errorf("after an edit through another instance: %q linted %v", d.Outcomes[0].Statement, rules)
	}
	if n := studyLints(t, s) - before; n != 2 {
		t.Errorf("%d lints after one edit, want 2", n)
	}
	t.Logf("GET of a %d-outcome study: %v first, %v repeated, %v after an edit elsewhere", outcomeCap,
		first.Round(time.Millisecond), again.Round(time.Millisecond), edited.Round(time.Millisecond))
}
