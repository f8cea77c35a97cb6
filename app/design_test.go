package app

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/surveystest"
)

// api is a researcher calling the JSON API with a bearer token.
func api(t *testing.T, s *Server, email, role string) *client {
	c := newClient(t, s)
	c.bearer = mustToken(t, s, mustUser(t, s, email, role))
	return c
}

func (c *client) send(method, path string, body any) reply {
	c.t.Helper()
	if body == nil {
		return c.do(method, path, "", "")
	}
	if s, ok := body.(string); ok {
		return c.do(method, path, "application/json", s)
	}
	return c.postJSONMethod(method, path, body)
}

func (c *client) postJSONMethod(method, path string, body any) reply {
	c.t.Helper()
	b, err := jsonMarshal(body)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(method, path, "application/json", string(b))
}

func wantStatus(t *testing.T, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

func wantField(t *testing.T, r reply, field, msgPart string) {
	t.Helper()
	var e apiError
	r.json(t, &e)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(e.Fields[field], msgPart) {
		t.Fatalf("want 422 with %s ~ %q, got %d %s", field, msgPart, r.status, r.body)
	}
}

func newStudy(t *testing.T, c *client, name string) int64 {
	t.Helper()
	r := c.send("POST", "/api/v1/studies", map[string]any{"name": name,
		"job": map[string]string{"when": "the team grows past 10 people", "want": "put our work into a shared workspace", "so_that": "stop answering the same question"}})
	wantStatus(t, r, http.StatusCreated)
	var st surveys.Study
	r.json(t, &st)
	return st.ID
}

// wantFields checks a 422 names exactly the fields given, each with a
// message containing the text given.
func wantFields(t *testing.T, r reply, want map[string]string) {
	t.Helper()
	var e apiError
	r.json(t, &e)
	if r.status != http.StatusUnprocessableEntity || len(e.Fields) != len(want) {
		t.Fatalf("want 422 naming %d fields %v, got %d %s", len(want), want, r.status, r.body)
	}
	for f, msg := range want {
		if !strings.Contains(e.Fields[f], msg) {
			t.Errorf("field %s: got %q, want it to contain %q", f, e.Fields[f], msg)
		}
	}
}

func TestStudyValidationNamesEveryField(t *testing.T) {
	_, c := researcherServer(t)
	long := func(n int) string { return strings.Repeat("w", n) }
	tests := []struct {
		name, body string
		fields     map[string]string
	}{
		{"missing name", `{}`, map[string]string{"name": "is required"}},
		{"blank name", `{"name": "   "}`, map[string]string{"name": "is required"}},
		{"long name", `{"name": "` + long(201) + `"}`, map[string]string{"name": "at most 200"}},
		{"language", `{"name": "x", "language": "de"}`, map[string]string{"language": "one of: en, fr"}},
		{"market size", `{"name": "x", "market_size": -5}`, map[string]string{"market_size": "at least 0"}},
		{"min n", `{"name": "x", "min_n": 0}`, map[string]string{"min_n": "at least 1"}},
		{"end url", `{"name": "x", "end_urls": {"screened_out": "javascript:alert(1)"}}`, map[string]string{"end_urls.screened_out": "http(s) URL"}},
		{"job part", `{"name": "x", "job": {"when": "` + long(501) + `"}}`, map[string]string{"job.when": "at most 500"}},
		{"type", `{"name": 42}`, map[string]string{"name": "must be a string"}},
		{"no name and bad settings", `{"language": "de", "market_size": -1, "min_n": 0}`,
			map[string]string{"name": "is required", "language": "one of", "market_size": "at least 0", "min_n": "at least 1"}},
		{"blank name and long job parts", `{"name": " ", "job": {"when": "` + long(501) + `", "so_that": "` + long(501) + `"}, "target_n": -1}`,
			map[string]string{"name": "is required", "job.when": "at most 500", "job.so_that": "at most 500", "target_n": "at least 0"}},
		{"four forces without wording", `{"name": "x", "four_forces": true, "forces_wording": {"push": "", "habit": " ", "pull": "` + long(301) + `"}}`,
			map[string]string{"forces_wording.push": "is required when four forces is on", "forces_wording.habit": "is required", "forces_wording.pull": "at most 300"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFields(t, c.send("POST", "/api/v1/studies", tt.body), tt.fields)
		})
	}
	wantStatus(t, c.send("POST", "/api/v1/studies", `{"name": "x", "nmae": "typo"}`), http.StatusBadRequest)
	wantStatus(t, c.send("POST", "/api/v1/studies", `{"name": `), http.StatusBadRequest)
	var list []surveys.StudySummary
	c.send("GET", "/api/v1/studies", nil).json(t, &list)
	if len(list) != 0 {
		t.Fatalf("invalid input stored %d studies", len(list))
	}
}

func TestStudiesAreVisibleOnlyToOwnersCollaboratorsAndAdmins(t *testing.T) {
	s := parallelServer(t)
	owner := api(t, s, "owner@example.com", "researcher")
	other := api(t, s, "other@example.com", "researcher")
	admin := api(t, s, "admin@example.com", "admin")
	id := newStudy(t, owner, "Private study")
	base := fmt.Sprintf("/api/v1/studies/%d", id)

	for _, rq := range []struct{ method, path, body string }{
		{"GET", base, ""}, {"PATCH", base, `{"name": "stolen"}`}, {"DELETE", base, ""},
		{"GET", base + "/outcomes", ""}, {"POST", base + "/outcomes", `{"statement": "Minimize x"}`},
		{"POST", base + "/questions", `{"template": "company_size"}`}, {"POST", base + "/publish", ""},
		{"POST", base + "/duplicate", ""}, {"POST", base + "/members", `{"email": "other@example.com"}`},
	} {
		if r := other.do(rq.method, rq.path, "application/json", rq.body); r.status != http.StatusNotFound {
			t.Errorf("stranger %s %s: %d, want 404", rq.method, rq.path, r.status)
		}
	}
	var list []surveys.StudySummary
	other.send("GET", "/api/v1/studies", nil).json(t, &list)
	if len(list) != 0 {
		t.Fatalf("stranger lists %d studies", len(list))
	}
	admin.send("GET", "/api/v1/studies", nil).json(t, &list)
	if len(list) != 1 {
		t.Fatalf("admin lists %d studies, want 1", len(list))
	}
	wantStatus(t, owner.send("POST", base+"/members", map[string]string{"email": "other@example.com"}), http.StatusCreated)
	wantStatus(t, other.send("GET", base, nil), http.StatusOK)
	wantStatus(t, other.send("DELETE", base, nil), http.StatusNotFound) // collaborators edit, owners delete
	wantField(t, owner.send("POST", base+"/members", map[string]string{"email": "nobody@example.com"}), "email", "no account")
}

func TestOutcomesGetCodesStepsAndValidation(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Workspace")
	base := fmt.Sprintf("/api/v1/studies/%d", id)

	var o surveys.Outcome
	r := c.send("POST", base+"/outcomes", map[string]string{"statement": "  Minimize the time it takes to find a past decision  "})
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &o)
	if o.Code != "O01" || o.Step != "Define" || o.Statement != "Minimize the time it takes to find a past decision" {
		t.Fatalf("first outcome: %+v", o)
	}
	r = c.send("POST", base+"/outcomes", map[string]string{"statement": "Minimize the likelihood of losing a spec", "step": "locate"})
	r.json(t, &o)
	if o.Code != "O02" || o.Step != "Locate" {
		t.Fatalf("second outcome: %+v", o)
	}
	wantField(t, c.send("POST", base+"/outcomes", map[string]string{"statement": "x", "code": "o01"}), "code", "already used")
	wantField(t, c.send("POST", base+"/outcomes", map[string]string{"statement": "x", "code": "1 bad"}), "code", "start with a letter")
	wantField(t, c.send("POST", base+"/outcomes", map[string]string{"statement": "x", "step": "Nowhere"}), "step", `no step named "Nowhere"`)
	wantField(t, c.send("POST", base+"/outcomes", map[string]string{"statement": " "}), "statement", "is required")
	wantField(t, c.send("POST", base+"/outcomes", map[string]string{"statement": strings.Repeat("x", 1001)}), "statement", "at most 1000")

	// Move O02 to Define, before O01; then rename and reorder steps.
	wantStatus(t, c.send("PATCH", fmt.Sprintf("%s/outcomes/%d", base, o.ID), map[string]any{"step": "Define", "position": 0}), http.StatusOK)
	var d surveys.Design
	c.send("GET", base, nil).json(t, &d)
	if len(d.Steps) != 8 || d.Outcomes[0].Code != "O02" || d.Outcomes[1].Code != "O01" {
		t.Fatalf("after move: steps %d, outcomes %s %s", len(d.Steps), d.Outcomes[0].Code, d.Outcomes[1].Code)
	}
	wantStatus(t, c.send("PATCH", fmt.Sprintf("%s/steps/%d", base, d.Steps[7].ID), map[string]any{"name": "Wrap up", "position": 0}), http.StatusOK)
	wantField(t, c.send("PATCH", fmt.Sprintf("%s/steps/%d", base, d.Steps[1].ID), map[string]any{"name": "wrap up"}), "name", "already has this name")
	c.send("GET", base, nil).json(t, &d)
	if d.Steps[0].Name != "Wrap up" || d.Steps[1].Name != "Define" {
		t.Fatalf("steps after rename and move: %v %v", d.Steps[0].Name, d.Steps[1].Name)
	}
	wantStatus(t, c.send("DELETE", fmt.Sprintf("%s/steps/%d", base, d.Steps[1].ID), nil), http.StatusNoContent)
	c.send("GET", base, nil).json(t, &d)
	if len(d.Steps) != 7 || len(d.Outcomes) != 2 || d.Outcomes[0].Step != "" {
		t.Fatalf("deleting a step must keep its outcomes, stepless: %d steps, %+v", len(d.Steps), d.Outcomes)
	}
}

func multipartFile(t *testing.T, name string, data []byte) (string, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	return w.FormDataContentType(), buf.String()
}

func TestOutcomeImportIsAtomicAndReportsEveryBadRow(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Import")
	path := fmt.Sprintf("/api/v1/studies/%d/outcomes/import", id)

	bad := "\xef\xbb\xbfstatement,code,step\nMinimize the time to find a file,A1,Define\n,A2,Locate\nReduce the cost of x,A1,Nowhere\n"
	r := c.do("POST", path, "text/csv", bad)
	var e apiError
	r.json(t, &e)
	want := map[string]string{"row 3: statement": "is required", "row 4: code": "A1 is already used by row 2: code", "row 4: step": `no step named "Nowhere"`}
	if r.status != http.StatusUnprocessableEntity || len(e.Fields) != len(want) {
		t.Fatalf("bad file: %d %v", r.status, e.Fields)
	}
	for k, v := range want {
		if !strings.Contains(e.Fields[k], v) {
			t.Errorf("%s: got %q, want %q", k, e.Fields[k], v)
		}
	}
	var outs []surveys.Outcome
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/outcomes", id), nil).json(t, &outs)
	if len(outs) != 0 {
		t.Fatalf("a rejected file stored %d outcomes", len(outs))
	}

	wantStatus(t, c.do("POST", path, "text/csv", "code,statement\nB1,Minimize the time to find a file\n,Minimize the effort to onboard someone\n"), http.StatusCreated)

	book := surveystest.Workbook(t, []any{"Statement", "Step"}, []any{"Increase the accuracy of estimates", "Execute"})
	ct, body := multipartFile(t, "outcomes.xlsx", book)
	wantStatus(t, c.do("POST", path, ct, body), http.StatusCreated)
	wantStatus(t, c.do("POST", path, xlsxType, string(book)), http.StatusCreated)

	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/outcomes", id), nil).json(t, &outs)
	codes := []string{}
	for _, o := range outs {
		codes = append(codes, o.Code+"/"+o.Step)
	}
	if got := strings.Join(codes, " "); got != "B1/Define O01/Define O02/Execute O03/Execute" {
		t.Fatalf("imported outcomes: %s", got)
	}
	wantField(t, c.do("POST", path, "text/csv", "title\nx\n"), "file", "statement column")
	wantField(t, c.do("POST", path, xlsxType, "not a zip"), "file", "XLSX")
	wantField(t, c.do("POST", path, "text/csv", ""), "file", "empty")
}

func TestOutcomeImportNamesTheRowsOfTheFile(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Import rows")
	path := fmt.Sprintf("/api/v1/studies/%d/outcomes/import", id)
	count := func() int {
		var outs []surveys.Outcome
		c.send("GET", fmt.Sprintf("/api/v1/studies/%d/outcomes", id), nil).json(t, &outs)
		return len(outs)
	}

	// Blank lines, and lines of nothing but commas, are not rows, but the
	// rows after them keep the numbers a spreadsheet shows.
	csv := "statement,code\nMinimize the time to find a file,A1\n\n , \n,A2\n\"Minimize the effort, with a comma\",A1\n"
	wantFields(t, c.do("POST", path, "text/csv", csv), map[string]string{"row 5: statement": "is required", "row 6: code": "already used by row 2: code"})

	// Rows 3 and 4 are empty.
	rows := [][]any{{"statement", "step"}, {"Minimize the time to find a file", "Define"}, nil, nil, {"Minimize the effort to onboard someone", "Nowhere"}}
	book := surveystest.Workbook(t, rows...)
	wantFields(t, c.do("POST", path, xlsxType, string(book)), map[string]string{"row 5: step": `no step named "Nowhere"`})

	// A quote left open would swallow the rows after it into one cell.
	wantFields(t, c.do("POST", path, "text/csv", "statement\nMinimize the time to find a file\n\"Minimize the effort to plan\nMinimize the cost of x\n"),
		map[string]string{"file": "row 3: a quoted cell is never closed"})
	wantFields(t, c.do("POST", path, "text/csv", "statement\nMinimize the time to find a \"source of truth\"\n"),
		map[string]string{"file": "row 2: a cell holds a quote"})
	if n := count(); n != 0 {
		t.Fatalf("refused files stored %d outcomes", n)
	}

	// A workbook is known by its bytes, whatever name and type it came with.
	rows[4][1] = "Define"
	book = surveystest.Workbook(t, rows...)
	ct, body := multipartFile(t, "outcomes", book)
	body = strings.Replace(body, "application/octet-stream", "text/plain", 1)
	wantStatus(t, c.do("POST", path, ct, body), http.StatusCreated)
	wantStatus(t, c.do("POST", path, "text/csv", string(book)), http.StatusCreated)
	if n := count(); n != 4 {
		t.Fatalf("%d outcomes after two workbooks of 2, want 4", n)
	}
}

func TestQuestionRules(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Questions")
	path := fmt.Sprintf("/api/v1/studies/%d/questions", id)
	tests := []struct {
		name, body, field, msg string
	}{
		{"key", `{"key": "Company Size", "text": "x", "kind": "text"}`, "key", "lower-case"},
		{"reserved", `{"key": "status", "text": "x", "kind": "text"}`, "key", "reserved"},
		{"kind", `{"key": "a", "text": "x", "kind": "slider"}`, "kind", "one of"},
		{"text", `{"key": "a", "kind": "text"}`, "text", "is required"},
		{"options", `{"key": "a", "text": "x", "kind": "single", "options": ["only"]}`, "options", "at least 2"},
		{"repeat", `{"key": "a", "text": "x", "kind": "multi", "options": ["A", "a"]}`, "options[1]", "repeats"},
		{"semicolon", `{"key": "a", "text": "x", "kind": "multi", "options": ["a;b", "c"]}`, "options[0]", ";"},
		{"screen multi", `{"key": "a", "text": "x", "kind": "multi", "options": ["A", "B"], "screen_out": ["A"]}`, "screen_out", "single-choice"},
		{"screen unknown", `{"key": "a", "text": "x", "kind": "single", "options": ["A", "B"], "screen_out": ["C"]}`, "screen_out[0]", "not one of the options"},
		{"screen all", `{"key": "a", "text": "x", "kind": "single", "options": ["A", "B"], "screen_out": ["A", "B"]}`, "screen_out", "every respondent"},
		{"bands", `{"key": "a", "text": "x", "kind": "number", "segment": true}`, "bands", "needs bands"},
		{"band order", `{"key": "a", "text": "x", "kind": "number", "bands": [{"label": "x", "min": 5, "max": 1}]}`, "bands[0].max", "below min"},
		{"text segment", `{"key": "a", "text": "x", "kind": "text", "segment": true}`, "segment", "free text"},
		{"quota", `{"key": "a", "text": "x", "kind": "single", "segment": true, "options": ["A", "B"], "quotas": {"C": 5}}`, "quotas", "not an option"},
		{"template", `{"template": "astrology"}`, "template", "one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantField(t, c.send("POST", path, tt.body), tt.field, tt.msg) })
	}
	wantStatus(t, c.send("POST", path, `{"template": "company_size"}`), http.StatusCreated)
	wantField(t, c.send("POST", path, `{"template": "company_size"}`), "key", "already used")
	wantStatus(t, c.send("POST", path, `{"key": "uses_slack", "text": "Do you use Slack?", "kind": "single", "options": ["Yes", "No"], "screen_out": ["No"], "required": true}`), http.StatusCreated)
	wantStatus(t, c.send("POST", path, `{"key": "seats", "text": "Seats?", "kind": "number", "min": 1, "max": 100000, "segment": true, "bands": [{"label": "small", "min": 1, "max": 49}, {"label": "large", "min": 50, "max": 100000}]}`), http.StatusCreated)
	var qs []surveys.Question
	c.send("GET", path, nil).json(t, &qs)
	if len(qs) != 3 || qs[0].Key != "company_size" || !qs[0].Segment || len(qs[0].Options) != 4 || qs[1].ScreenOut[0] != "No" {
		t.Fatalf("questions: %+v", qs)
	}
	wantStatus(t, c.send("PATCH", path+"/seats", `{"key": "seats", "text": "How many seats?", "kind": "number", "segment": false}`), http.StatusOK)
	wantStatus(t, c.send("DELETE", path+"/uses_slack", nil), http.StatusNoContent)
	wantStatus(t, c.send("DELETE", path+"/uses_slack", nil), http.StatusNotFound)
}

func TestPublishLocksStructureCloseReopenDuplicate(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Lifecycle")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantField(t, c.send("POST", base+"/publish", nil), "outcomes", "at least one outcome")
	var o surveys.Outcome
	c.send("POST", base+"/outcomes", map[string]string{"statement": "Minimize the time it takes to find a decision"}).json(t, &o)

	r := c.send("POST", base+"/publish", nil)
	wantStatus(t, r, http.StatusOK)
	var pub struct{ Slug, URL string }
	r.json(t, &pub)
	if len(pub.Slug) < 10 || pub.URL != "http://odi.test/s/"+pub.Slug {
		t.Fatalf("publish answer: %+v", pub)
	}
	var d surveys.Design
	c.send("GET", base, nil).json(t, &d)
	for _, rq := range []struct{ method, path, body string }{
		{"POST", base + "/outcomes", `{"statement": "x"}`},
		{"PATCH", fmt.Sprintf("%s/outcomes/%d", base, o.ID), `{"code": "Z9"}`},
		{"PATCH", fmt.Sprintf("%s/outcomes/%d", base, o.ID), `{"statement": "y", "position": 1}`},
		{"DELETE", fmt.Sprintf("%s/outcomes/%d", base, o.ID), ""},
		{"POST", base + "/outcomes/import", "statement\nx\n"},
		{"POST", base + "/steps", `{"name": "New"}`},
		{"PATCH", fmt.Sprintf("%s/steps/%d", base, d.Steps[0].ID), `{"name": "Renamed"}`},
		{"DELETE", fmt.Sprintf("%s/steps/%d", base, d.Steps[0].ID), ""},
		{"POST", base + "/questions", `{"template": "role"}`},
	} {
		if r := c.do(rq.method, rq.path, "application/json", rq.body); r.status != http.StatusConflict {
			t.Errorf("%s %s on a published study: %d, want 409", rq.method, rq.path, r.status)
		}
	}
	for _, body := range []string{
		`{"four_forces": true}`,
		`{"job": {"when": "the team grows", "want": "share work", "so_that": "stop repeating myself"}}`,
		`{"language": "fr"}`,
		`{"forces_wording": {"push": "Why leave?"}}`,
		`{"name": "", "job": {"when": "changed"}}`,
	} {
		if r := c.send("PATCH", base, body); r.status != http.StatusConflict || !strings.Contains(r.body, "locked") {
			t.Errorf("PATCH %s on a published study: %d %s, want 409", body, r.status, r.body)
		}
	}
	// The structure sent back as it is, with the rest, is no change to it.
	same := fmt.Sprintf(`{"name": "Renamed study", "thanks": "Merci", "four_forces": false, "language": "en", "job": %s}`, mustJSON(t, d.Study.Job))
	wantStatus(t, c.send("PATCH", base, same), http.StatusOK)
	wantStatus(t, c.send("POST", base+"/reopen", nil), http.StatusConflict) // open, not closed

	var st surveys.Study
	c.send("POST", base+"/close", nil).json(t, &st)
	if st.Status != "closed" || st.ClosedAt == nil {
		t.Fatalf("close: %+v", st)
	}
	if r := c.send("POST", base+"/publish", nil); r.status != http.StatusConflict || !strings.Contains(r.body, "reopen it") {
		t.Fatalf("publishing a closed study: %d %s, want 409", r.status, r.body)
	}
	c.send("POST", base+"/reopen", nil).json(t, &pub)
	c.send("GET", base, nil).json(t, &d)
	if d.Study.Status != "open" || *d.Study.Slug != pub.Slug {
		t.Fatalf("reopen must keep the link: %s %v", d.Study.Status, pub.Slug)
	}

	r = c.send("POST", base+"/duplicate", nil)
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &st)
	if st.Status != "draft" || st.Slug != nil || st.Name != "Copy of Renamed study" {
		t.Fatalf("duplicate: %+v", st)
	}
	var fr surveys.Study // a French study's copy is named in French
	copyBase := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	wantStatus(t, c.send("PATCH", copyBase, map[string]string{"language": "fr"}), http.StatusOK)
	c.send("POST", copyBase+"/duplicate", nil).json(t, &fr)
	if fr.Name != "Copie de Copy of Renamed study" {
		t.Fatalf("a French study's copy: %q", fr.Name)
	}
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/outcomes", st.ID), map[string]string{"statement": "Minimize the effort to onboard"}), http.StatusCreated)
	var copyD surveys.Design
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d", st.ID), nil).json(t, &copyD)
	if len(copyD.Outcomes) != 2 || copyD.Outcomes[0].Code != "O01" || copyD.Outcomes[1].Code != "O02" || len(copyD.Steps) != 8 {
		t.Fatalf("duplicate outcomes: %+v", copyD.Outcomes)
	}
	wantStatus(t, c.send("DELETE", base, nil), http.StatusNoContent)
	wantStatus(t, c.send("GET", base, nil), http.StatusNotFound)

	// Reopening a draft is refused, and leaves it a draft.
	r = c.send("POST", fmt.Sprintf("/api/v1/studies/%d/reopen", st.ID), nil)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "only a closed study can be reopened") {
		t.Fatalf("reopening a draft: %d %s", r.status, r.body)
	}
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d", st.ID), nil).json(t, &copyD)
	if copyD.Study.Status != "draft" || copyD.Study.Slug != nil {
		t.Fatalf("a draft after reopen: %s %v", copyD.Study.Status, copyD.Study.Slug)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := jsonMarshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// eachServer runs fn against the real router on SQLite and, when
// ODI_TEST_POSTGRES is set, on PostgreSQL.
func eachServer(t *testing.T, fn func(t *testing.T, s *Server)) {
	surveystest.Each(t, func(t *testing.T, st *surveys.Store) {
		cfg := Defaults()
		cfg.Addr, cfg.BaseURL = "127.0.0.1:0", "http://odi.test"
		fn(t, New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	})
}

func TestOutcomesAddedAtOnceGetDistinctCodes(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *Server) {
		c := api(t, s, "r@example.com", "researcher")
		id := newStudy(t, c, "Parallel")
		const n = 12
		type answer struct {
			status int
			body   string
		}
		answers := make([]answer, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				req := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/studies/%d/outcomes", id),
					strings.NewReader(fmt.Sprintf(`{"statement": "Minimize the time it takes to find decision number %d"}`, i)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+c.bearer)
				resp, err := s.App().Test(req, -1)
				if err != nil {
					answers[i] = answer{body: err.Error()}
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				answers[i] = answer{resp.StatusCode, string(b)}
			})
		}
		wg.Wait()
		for i, a := range answers {
			if a.status != http.StatusCreated {
				t.Errorf("request %d: %d %s", i, a.status, a.body)
			}
		}
		var outs []surveys.Outcome
		c.send("GET", fmt.Sprintf("/api/v1/studies/%d/outcomes", id), nil).json(t, &outs)
		codes := map[string]bool{}
		for _, o := range outs {
			codes[o.Code] = true
		}
		if len(outs) != n || len(codes) != n || !codes["O01"] || !codes[fmt.Sprintf("O%02d", n)] {
			t.Fatalf("%d outcomes with %d distinct codes, want O01..O%02d: %v", len(outs), len(codes), n, codes)
		}
	})
}

func TestStudyListCountsCompleteResponsesAndTheLatest(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *Server) {
		c := api(t, s, "r@example.com", "researcher")
		id := newStudy(t, c, "Counted")
		quiet := newStudy(t, c, "No responses")
		base := fmt.Sprintf("/api/v1/studies/%d", id)
		wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": "Minimize the time it takes to find a decision", "code": "O01"}), http.StatusCreated)
		wantStatus(t, c.send("PATCH", base, `{"target_n": 400}`), http.StatusOK)
		slug := publish(t, c, base)
		before := time.Now().Add(-time.Minute)
		anon := newClient(t, s)
		var excluded string
		for i, complete := range []bool{true, true, true, false} {
			r := anon.send("POST", "/api/v1/s/"+slug+"/responses", map[string]any{"submission_id": uuid.NewString(),
				"ratings": map[string]any{"O01": map[string]int{"importance": 5, "satisfaction": 2}}, "complete": complete})
			wantStatus(t, r, http.StatusCreated)
			if i == 0 {
				var res struct {
					RespondentID string `json:"respondent_id"`
				}
				r.json(t, &res)
				excluded = res.RespondentID
			}
		}
		wantStatus(t, c.send("PATCH", base+"/responses/"+excluded, `{"excluded": true}`), http.StatusNoContent)

		var list []surveys.StudySummary
		c.send("GET", "/api/v1/studies", nil).json(t, &list)
		if len(list) != 2 || list[0].ID != quiet || list[1].ID != id {
			t.Fatalf("list: %+v", list)
		}
		if list[0].Complete != 0 || list[0].LastResponse != nil {
			t.Errorf("a study without responses: %d complete, last %v", list[0].Complete, list[0].LastResponse)
		}
		if got := list[1]; got.Complete != 2 || got.LastResponse == nil || got.LastResponse.Before(before) || got.LastResponse.After(time.Now().Add(time.Minute)) {
			t.Errorf("2 complete, 1 excluded, 1 in progress: %d complete, last %v", got.Complete, got.LastResponse)
		}
		web := newClient(t, s)
		web.login("r@example.com")
		page := web.get("/studies")
		row := regexp.MustCompile(`(?s)<td><a href="/studies/` + itoa(id) + `">Counted</a></td>.*?</tr>`).FindString(page.body)
		if !strings.Contains(row, "<td>2 / 400</td>") || strings.Contains(row, "none yet") {
			t.Errorf("studies page row: %s", row)
		}
	})
}

func TestCollaboratorsAreListedAddedAndRemovedByTheOwner(t *testing.T) {
	s := parallelServer(t)
	owner := api(t, s, "owner@example.com", "researcher")
	ana := api(t, s, "ana@example.com", "researcher")
	api(t, s, "bo@example.com", "researcher")
	admin := api(t, s, "admin@example.com", "admin")
	id := newStudy(t, owner, "Shared")
	members := fmt.Sprintf("/api/v1/studies/%d/members", id)

	if r := owner.send("GET", members, nil); r.status != http.StatusOK || strings.TrimSpace(r.body) != "[]" {
		t.Fatalf("members of a new study: %d %s", r.status, r.body)
	}
	wantFields(t, owner.send("POST", members, `{"email": "  "}`), map[string]string{"email": "is required"})
	wantFields(t, owner.send("POST", members, `{}`), map[string]string{"email": "is required"})
	wantFields(t, owner.send("POST", members, `{"email": "nobody@example.com"}`), map[string]string{"email": "no account with this email"})
	wantFields(t, owner.send("POST", members, `{"email": "owner@example.com"}`), map[string]string{"email": "owns this study"})

	var m surveys.Member
	r := owner.send("POST", members, `{"email": " ANA@example.com "}`)
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &m)
	if m.Email != "ana@example.com" || m.UserID == 0 {
		t.Fatalf("added member: %+v", m)
	}
	wantStatus(t, owner.send("POST", members, `{"email": "ana@example.com"}`), http.StatusCreated) // twice is once
	wantStatus(t, admin.send("POST", members, `{"email": "bo@example.com"}`), http.StatusCreated)
	var list []surveys.Member
	ana.send("GET", members, nil).json(t, &list)
	if len(list) != 2 || list[0].Email != "ana@example.com" || list[1].Email != "bo@example.com" {
		t.Fatalf("members seen by a collaborator: %+v", list)
	}

	// A collaborator edits the study but does not choose who else may.
	wantStatus(t, ana.send("PATCH", fmt.Sprintf("/api/v1/studies/%d", id), `{"intro": "Hello"}`), http.StatusOK)
	wantStatus(t, ana.send("POST", members, `{"email": "admin@example.com"}`), http.StatusNotFound)
	wantStatus(t, ana.send("DELETE", fmt.Sprintf("%s/%d", members, list[1].UserID), nil), http.StatusNotFound)

	wantStatus(t, owner.send("DELETE", fmt.Sprintf("%s/%d", members, m.UserID), nil), http.StatusNoContent)
	wantStatus(t, owner.send("DELETE", fmt.Sprintf("%s/%d", members, m.UserID), nil), http.StatusNotFound)
	wantStatus(t, ana.send("GET", fmt.Sprintf("/api/v1/studies/%d", id), nil), http.StatusNotFound)
	wantStatus(t, admin.send("DELETE", fmt.Sprintf("%s/%d", members, list[1].UserID), nil), http.StatusNoContent)
	if r := owner.send("GET", members, nil); strings.TrimSpace(r.body) != "[]" {
		t.Fatalf("members after removing both: %s", r.body)
	}
}

func TestStepAndOutcomeEditsNameEveryBadField(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Edits")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	var d surveys.Design
	c.send("GET", base, nil).json(t, &d)
	step := fmt.Sprintf("%s/steps/%d", base, d.Steps[0].ID)

	wantFields(t, c.send("POST", base+"/steps", `{}`), map[string]string{"name": "is required"})
	wantFields(t, c.send("POST", base+"/steps", `{"name": "  ", "position": -1}`), map[string]string{"name": "is required", "position": "at least 0"})
	wantFields(t, c.send("POST", base+"/steps", `{"name": "`+strings.Repeat("s", 101)+`"}`), map[string]string{"name": "at most 100"})
	wantFields(t, c.send("POST", base+"/steps", `{"name": "locate"}`), map[string]string{"name": "already has this name"})
	wantFields(t, c.send("PATCH", step, `{"name": "", "position": -2}`), map[string]string{"name": "is required", "position": "at least 0"})
	wantStatus(t, c.send("PATCH", base+"/steps/999999", `{"name": "Gone"}`), http.StatusNotFound)
	var sp surveys.Step
	r := c.send("PATCH", step, `{"name": "Frame", "position": 2}`)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &sp)
	if sp.Name != "Frame" || sp.Position != 2 {
		t.Fatalf("edited step: %+v", sp)
	}

	// POST answers the outcome's lint as a list, empty or not, as GET does.
	r = c.send("POST", base+"/outcomes", map[string]string{"statement": "Minimize the time it takes to find a past decision"})
	wantStatus(t, r, http.StatusCreated)
	if !strings.Contains(r.body, `"lint":[]`) {
		t.Fatalf("a clean outcome's lint: %s", r.body)
	}
	var o surveys.Outcome
	r.json(t, &o)
	var vague surveys.Outcome
	c.send("POST", base+"/outcomes", map[string]string{"statement": "Minimize the time"}).json(t, &vague)
	if len(vague.Lint) != 1 || vague.Lint[0].Rule != "no_object" || !strings.Contains(vague.Lint[0].Message, "names no object of control") {
		t.Fatalf("lint of a statement without an object: %+v", vague.Lint)
	}

	path := fmt.Sprintf("%s/outcomes/%d", base, o.ID)
	wantFields(t, c.send("PATCH", path, `{"statement": " ", "code": "1x", "step": "Nowhere", "position": -1}`), map[string]string{
		"statement": "is required", "code": "start with a letter", "step": `no step named "Nowhere"`, "position": "at least 0"})
	wantFields(t, c.send("PATCH", path, `{"statement": "`+strings.Repeat("x", 1001)+`", "code": "`+vague.Code+`"}`), map[string]string{
		"statement": "at most 1000", "code": "already used"})
	wantFields(t, c.send("PATCH", path, `{"code": "`+strings.ToLower(vague.Code)+`"}`), map[string]string{"code": "already used"})
	var outs []surveys.Outcome
	c.send("GET", base+"/outcomes", nil).json(t, &outs)
	if outs[0].Statement != "Minimize the time it takes to find a past decision" || outs[0].Code != "O01" {
		t.Fatalf("a refused edit changed the outcome: %+v", outs[0])
	}
	r = c.send("PATCH", path, `{"code": "F1", "step": "Locate"}`)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &o)
	if o.Code != "F1" || o.Step != "Locate" {
		t.Fatalf("edited outcome: %+v", o)
	}
}

func TestForcesWordingEditsOnlyTheTextsSent(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Forces")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	var st surveys.Study
	r := c.send("PATCH", base, `{"four_forces": true, "forces_wording": {"push": "  What frustrates you about today?  "}}`)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &st)
	want := surveys.DefaultForces
	want.Push = "What frustrates you about today?"
	if st.ForcesWording != want || !st.FourForces {
		t.Fatalf("after editing push: %+v", st.ForcesWording)
	}
	wantFields(t, c.send("PATCH", base, `{"forces_wording": {"push": ""}}`), map[string]string{"forces_wording.push": "is required when four forces is on"})
	wantFields(t, c.send("PATCH", base, `{"forces_wording": {"anxiety": " ", "habit": ""}}`),
		map[string]string{"forces_wording.anxiety": "is required", "forces_wording.habit": "is required"})
	wantFields(t, c.send("PATCH", base, `{"forces_wording": {"pull": 3}}`), map[string]string{"forces_wording.pull": "must be a string"})
	var d surveys.Design
	c.send("GET", base, nil).json(t, &d)
	if d.Study.ForcesWording != want {
		t.Fatalf("refused edits changed the wording: %+v", d.Study.ForcesWording)
	}
	// With four forces off, a text may be left empty until it is switched on.
	wantStatus(t, c.send("PATCH", base, `{"four_forces": false, "forces_wording": {"habit": ""}}`), http.StatusOK)
	wantFields(t, c.send("PATCH", base, `{"four_forces": true}`), map[string]string{"forces_wording.habit": "is required"})
}

func TestQuestionEditsNameEveryBadField(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Questions")
	path := fmt.Sprintf("/api/v1/studies/%d/questions", id)
	tests := []struct {
		name, body string
		fields     map[string]string
	}{
		{"number min above max", `{"key": "seats", "text": "Seats?", "kind": "number", "min": 10, "max": 1}`,
			map[string]string{"max": "must not be below min"}},
		{"min on text", `{"key": "a", "text": "x", "kind": "text", "min": 1}`, map[string]string{"min": "only number questions"}},
		{"nps with options", `{"key": "nps", "text": "Recommend?", "kind": "nps", "options": ["yes", "no"]}`,
			map[string]string{"options": "only single and multi"}},
		{"tags and rules at once", `{"key": "Bad Key", "kind": "single", "options": ["A", "a", "` + strings.Repeat("o", 201) + `"], "screen_out": ["Z"]}`,
			map[string]string{"key": "lower-case", "text": "is required", "options[1]": "repeats", "options[2]": "at most 200", "screen_out[0]": "not one of the options"}},
		{"unknown kind and key", `{"key": "status", "text": "x", "kind": "slider"}`,
			map[string]string{"key": "reserved", "kind": "one of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFields(t, c.send("POST", path, tt.body), tt.fields) })
	}
	wantStatus(t, c.send("POST", path, `{"key": "nps", "text": "How likely are you to recommend us?", "kind": "nps", "segment": true}`), http.StatusCreated)
	wantFields(t, c.send("PATCH", path+"/nps", `{"key": "nps", "text": "", "kind": "nps", "min": 0, "max": 10}`),
		map[string]string{"text": "is required", "min": "only number questions"})
}
