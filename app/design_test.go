package app

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"odi/surveys"
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

func TestStudyValidationNamesEveryField(t *testing.T) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	tests := []struct {
		name, body, field, msg string
	}{
		{"missing name", `{}`, "name", "is required"},
		{"blank name", `{"name": "   "}`, "name", "is required"},
		{"long name", `{"name": "` + strings.Repeat("x", 201) + `"}`, "name", "at most 200"},
		{"language", `{"name": "x", "language": "de"}`, "language", "one of: en, fr"},
		{"market size", `{"name": "x", "market_size": -5}`, "market_size", "at least 0"},
		{"min n", `{"name": "x", "min_n": 0}`, "min_n", "at least 1"},
		{"redirect", `{"name": "x", "redirect_url": "javascript:alert(1)"}`, "redirect_url", "http(s) URL"},
		{"job part", `{"name": "x", "job": {"when": "` + strings.Repeat("w", 501) + `"}}`, "job.when", "at most 500"},
		{"type", `{"name": 42}`, "name", "must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantField(t, c.send("POST", "/api/v1/studies", tt.body), tt.field, tt.msg)
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
	s := newTestServer(t)
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
	wantStatus(t, owner.send("POST", base+"/members", map[string]string{"email": "other@example.com"}), http.StatusNoContent)
	wantStatus(t, other.send("GET", base, nil), http.StatusOK)
	wantStatus(t, other.send("DELETE", base, nil), http.StatusNotFound) // collaborators edit, owners delete
	wantField(t, owner.send("POST", base+"/members", map[string]string{"email": "nobody@example.com"}), "email", "no account")
}

func TestOutcomesGetCodesStepsAndValidation(t *testing.T) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
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
	wantStatus(t, c.send("PATCH", fmt.Sprintf("%s/steps/%d", base, d.Steps[7].ID), map[string]any{"name": "Wrap up", "position": 0}), http.StatusNoContent)
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
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
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

	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"Statement", "Step"})
	x.SetSheetRow("Sheet1", "A2", &[]any{"Increase the accuracy of estimates", "Execute"})
	xb, _ := x.WriteToBuffer()
	ct, body := multipartFile(t, "outcomes.xlsx", xb.Bytes())
	wantStatus(t, c.do("POST", path, ct, body), http.StatusCreated)
	wantStatus(t, c.do("POST", path, xlsxType, string(xb.Bytes())), http.StatusCreated)

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

func TestQuestionRules(t *testing.T) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
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
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
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
		{"PATCH", fmt.Sprintf("%s/outcomes/%d", base, o.ID), `{"statement": "y"}`},
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
	wantField(t, c.send("PATCH", base, `{"four_forces": true}`), "four_forces", "duplicate it")
	wantStatus(t, c.send("PATCH", base, `{"name": "Renamed study", "thanks": "Merci"}`), http.StatusOK)

	var st surveys.Study
	c.send("POST", base+"/close", nil).json(t, &st)
	if st.Status != "closed" || st.ClosedAt == nil {
		t.Fatalf("close: %+v", st)
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
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/outcomes", st.ID), map[string]string{"statement": "Minimize the effort to onboard"}), http.StatusCreated)
	var copyD surveys.Design
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d", st.ID), nil).json(t, &copyD)
	if len(copyD.Outcomes) != 2 || copyD.Outcomes[0].Code != "O01" || copyD.Outcomes[1].Code != "O02" || len(copyD.Steps) != 8 {
		t.Fatalf("duplicate outcomes: %+v", copyD.Outcomes)
	}
	wantStatus(t, c.send("DELETE", base, nil), http.StatusNoContent)
	wantStatus(t, c.send("GET", base, nil), http.StatusNotFound)
}
