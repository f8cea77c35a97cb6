package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"odi/surveys/fieldwork"
	"odi/surveys/surveystest"
)

// exportFixture is one tool's export in surveys/fieldwork/testdata and
// where its answers are: header rows, the rating columns of the three
// outcomes, and how a row is known to be complete.
type exportFixture struct {
	file       string
	headerRows int
	imp, sat   [3]int
	complete   func(row []string) bool
	questions  []fieldwork.ProposedQuestion // key, kind and options expected
	notStored  []string                     // metadata values no answer may hold
}

var statements = []string{
	"Minimize the time it takes to find a past decision",
	"Minimize the likelihood of missing an important change to a decision",
	"Minimize the effort it takes to confirm a decision is still current",
}

var exportFixtures = []exportFixture{
	{
		file: "qualtrics_export.csv", headerRows: 3, imp: [3]int{16, 17, 18}, sat: [3]int{19, 20, 21},
		complete: func(row []string) bool { return row[6] == "True" },
		questions: []fieldwork.ProposedQuestion{
			{Key: "q1", Text: "What is your role?", Kind: "single", Options: []string{"Engineer", "Manager", "Designer"}},
			{Key: "q2", Text: "How many people work at your company?", Kind: "single", Options: []string{"1-9", "10-49", "50-249"}},
			{Key: "q5", Text: "Anything else you would like to tell us?", Kind: "text", Options: []string{}},
		},
		notStored: []string{"203.0.113.", "@example.com", "39.7", "anonymous"},
	},
	{
		file: "surveymonkey_export.csv", headerRows: 2, imp: [3]int{13, 14, 15}, sat: [3]int{16, 17, 18},
		complete: func(row []string) bool {
			return !slices.Contains(row[13:19], "") // no status column: complete when every rating is given
		},
		questions: []fieldwork.ProposedQuestion{
			{Key: "what_is_your_role", Text: "What is your role?", Kind: "single", Options: []string{"Manager", "Designer", "Engineer"}},
			{Key: "which_tools_do_you_use_slack", Text: "Which tools do you use? - Slack", Kind: "text", Options: []string{}},
			{Key: "which_tools_do_you_use_email", Text: "Which tools do you use? - Email", Kind: "text", Options: []string{}},
			{Key: "which_tools_do_you_use_other_please_spec", Text: "Which tools do you use? - Other (please specify)", Kind: "text", Options: []string{}},
			{Key: "how_many_people_are_on_your_team", Text: "How many people are on your team?", Kind: "single", Options: []string{"2-5", "6-10", "11+"}},
		},
		notStored: []string{"198.51.100.", "@example.com", "Smith", "431000000"},
	},
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../surveys/fieldwork/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fromFile posts a file, and the corrected proposal when not nil, to the API.
func fromFile(t *testing.T, c *client, query, name string, data []byte, proposal any) reply {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	if proposal != nil {
		b, _ := json.Marshal(proposal)
		w.WriteField("proposal", string(b))
	}
	w.Close()
	return c.do("POST", "/api/v1/studies/from-file"+query, w.FormDataContentType(), buf.String())
}

// referenceScores computes each outcome's importance, satisfaction and
// opportunity from the fixture itself, as docs/scoring.md defines them:
// top-two box shares ×10 over the complete responses that rated it, and
// opportunity = importance + max(importance − satisfaction, 0).
func referenceScores(t *testing.T, f exportFixture) (n int, scores [3][3]float64) {
	t.Helper()
	rows := surveystest.CSV(t, string(readFixture(t, f.file)))
	value := map[string]int{}
	for i, w := range []string{"Not at all", "Somewhat", "", "Very", "Extremely"} {
		value[strings.TrimSpace(w+" important")] = i + 1
		value[strings.TrimSpace(w+" satisfied")] = i + 1
	}
	value["Important"], value["Satisfied"] = 3, 3
	var given, top [3][2]int
	for _, row := range rows[f.headerRows:] {
		if !f.complete(row) {
			continue
		}
		n++
		for k := range 3 {
			for s, col := range []int{f.imp[k], f.sat[k]} {
				if v := value[row[col]]; v > 0 {
					given[k][s]++
					if v >= 4 {
						top[k][s]++
					}
				}
			}
		}
	}
	for k := range 3 {
		imp := 10 * float64(top[k][0]) / float64(given[k][0])
		sat := 10 * float64(top[k][1]) / float64(given[k][1])
		scores[k] = [3]float64{imp, sat, imp + math.Max(imp-sat, 0)}
	}
	return n, scores
}

type oppGroups struct {
	Groups []struct {
		Key      string `json:"key"`
		N        int    `json:"n"`
		Outcomes []struct {
			Code         string  `json:"code"`
			Statement    string  `json:"statement"`
			Importance   float64 `json:"importance"`
			Satisfaction float64 `json:"satisfaction"`
			Opportunity  float64 `json:"opportunity"`
		} `json:"outcomes"`
	} `json:"groups"`
}

func TestStudyFromFileProposesOutcomesAndQuestionsOfEachTool(t *testing.T) {
	_, c := researcherServer(t)
	for _, f := range exportFixtures {
		t.Run(f.file, func(t *testing.T) {
			r := fromFile(t, c, "?dry_run=1", f.file, readFixture(t, f.file), nil)
			var p fieldwork.Proposal
			r.json(t, &p)
			if r.status != http.StatusOK {
				t.Fatalf("dry run: %d %s", r.status, r.body)
			}
			if p.Name != strings.TrimSuffix(f.file, ".csv") {
				t.Errorf("name %q, want the file's", p.Name)
			}
			if len(p.Outcomes) != 3 {
				t.Fatalf("outcomes %+v, want the 3 rated twice", p.Outcomes)
			}
			for i, o := range p.Outcomes {
				if want := fmt.Sprintf("O%02d", i+1); o.Code != want || o.Statement != statements[i] {
					t.Errorf("outcome %d is %s %q, want %s %q", i, o.Code, o.Statement, want, statements[i])
				}
			}
			if len(p.Questions) != len(f.questions) {
				t.Fatalf("questions %+v, want %d", p.Questions, len(f.questions))
			}
			for i, q := range p.Questions {
				w := f.questions[i]
				if q.Key != w.Key || q.Text != w.Text || q.Kind != w.Kind || !slices.Equal(q.Options, w.Options) {
					t.Errorf("question %d is %+v, want %+v", i, q, w)
				}
			}
			ignored := strings.Join(p.Ignored, ";")
			for _, meta := range []string{"IP", "Email"} {
				if !strings.Contains(ignored, meta) {
					t.Errorf("ignored %q should name the %s column", ignored, meta)
				}
			}
			if r := c.send("GET", "/api/v1/studies", nil); r.body != "[]" {
				t.Errorf("a dry run stored something: %s", r.body)
			}
		})
	}
}

func TestStudyFromFileIsClosedImportedAndScoresAsComputedByHand(t *testing.T) {
	t.Parallel()
	eachServer(t, studyFromFileScores)
}

func studyFromFileScores(t *testing.T, s *Server) {
	c := api(t, s, "r@example.com", "researcher")
	for _, f := range exportFixtures {
		t.Run(f.file, func(t *testing.T) {
			r := fromFile(t, c, "", f.file, readFixture(t, f.file), nil)
			var made struct {
				Study struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
					Source string `json:"source"`
				} `json:"study"`
				Imported int `json:"imported"`
			}
			r.json(t, &made)
			if r.status != http.StatusCreated || made.Study.Status != "closed" || made.Study.Source != "import" {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			n, want := referenceScores(t, f)
			var got oppGroups
			c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities", made.Study.ID), nil).json(t, &got)
			all := got.Groups[0]
			if all.N != n {
				t.Errorf("n = %d, want the %d complete rows of the file", all.N, n)
			}
			for _, o := range all.Outcomes {
				var k int
				fmt.Sscanf(o.Code, "O%d", &k)
				w := want[k-1]
				if math.Abs(o.Importance-w[0]) > 1e-9 || math.Abs(o.Satisfaction-w[1]) > 1e-9 || math.Abs(o.Opportunity-w[2]) > 1e-9 {
					t.Errorf("%s: %.4f/%.4f/%.4f, want %.4f/%.4f/%.4f", o.Code, o.Importance, o.Satisfaction, o.Opportunity, w[0], w[1], w[2])
				}
				t.Logf("%s n=%d: importance %.4f satisfaction %.4f opportunity %.4f", o.Code, n, o.Importance, o.Satisfaction, o.Opportunity)
			}
			csvBody := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", made.Study.ID), nil).body
			for _, v := range f.notStored {
				if strings.Contains(csvBody, v) {
					t.Errorf("the study kept %q, a tool's metadata", v)
				}
			}
			if r := c.send("POST", fmt.Sprintf("/api/v1/studies/%d/reopen", made.Study.ID), nil); r.status != http.StatusConflict {
				t.Errorf("reopening an imported study: %d %s, want 409", r.status, r.body)
			}
		})
	}
	if n := countResponses(t, s); n != 30+24 {
		t.Errorf("%d responses stored, want every row of both files (54)", n)
	}
}

// TestStudyFromFileTakesTheResearchersCorrections, as a small form and as a
// form over --body-limit, which is spooled to disk before it is read: the
// corrections and the file's name are fields of the form beside the file.
func TestStudyFromFileTakesTheResearchersCorrections(t *testing.T) {
	t.Run("in memory", func(t *testing.T) {
		_, c := researcherServer(t)
		studyFromFileCorrections(t, c)
	})
	t.Run("spooled", func(t *testing.T) {
		s := serverWith(t, func(cfg *Config) { cfg.BodyLimit, cfg.ImportLimit = 2<<10, 4<<20 })
		studyFromFileCorrections(t, api(t, s, "r@example.com", "researcher"))
	})
}

func studyFromFileCorrections(t *testing.T, c *client) {
	data := readFixture(t, "qualtrics_export.csv")
	var p fieldwork.Proposal
	fromFile(t, c, "?dry_run=1", "q.csv", data, nil).json(t, &p)
	if p.Name != "q" {
		t.Errorf("proposed name %q, want the file's, q", p.Name)
	}
	p.Name = "Decision logs"
	p.Outcomes[0].Code, p.Outcomes[0].Statement = "FIND", "Minimize the time it takes to find a decision"
	p.Questions[0].Key, p.Questions[0].Text = "role", "Your role"
	p.Questions = p.Questions[:2] // the free text is dropped
	r := fromFile(t, c, "", "q.csv", data, p)
	var made struct {
		Study struct{ ID int64 } `json:"study"`
	}
	r.json(t, &made)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var d struct {
		Study     struct{ Name string }
		Outcomes  []struct{ Code, Statement string }
		Questions []struct{ Key, Text string }
	}
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d", made.Study.ID), nil).json(t, &d)
	if d.Study.Name != "Decision logs" || len(d.Outcomes) != 3 || d.Outcomes[0].Code != "FIND" || d.Outcomes[0].Statement != p.Outcomes[0].Statement {
		t.Errorf("study %+v, want the corrections", d)
	}
	if len(d.Questions) != 2 || d.Questions[0].Key != "role" || d.Questions[0].Text != "Your role" {
		t.Errorf("questions %+v, want role and q2", d.Questions)
	}
	_, want := referenceScores(t, exportFixtures[0])
	var got oppGroups
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities", made.Study.ID), nil).json(t, &got)
	for _, o := range got.Groups[0].Outcomes {
		if o.Code == "FIND" && math.Abs(o.Opportunity-want[0][2]) > 1e-9 {
			t.Errorf("FIND opportunity %.4f, want %.4f: a renamed outcome keeps its column", o.Opportunity, want[0][2])
		}
	}
	csvBody := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", made.Study.ID), nil).body
	if strings.Contains(csvBody, "Search is slow") || !strings.Contains(csvBody, "Engineer") {
		t.Errorf("the dropped question's answers must not be kept, the role's must")
	}
}

func TestStudyFromFileRefusalLeavesNoStudy(t *testing.T) {
	t.Parallel()
	eachServer(t, studyFromFileRefusals)
}

func studyFromFileRefusals(t *testing.T, s *Server) {
	c := api(t, s, "r@example.com", "researcher")
	data := readFixture(t, "surveymonkey_export.csv")
	var p fieldwork.Proposal
	fromFile(t, c, "?dry_run=1", "m.csv", data, nil).json(t, &p)
	p.Outcomes[1].Statement = " "
	p.Questions[0].Key = "Not a key"
	for _, tc := range []struct {
		name     string
		data     []byte
		proposal any
		field    string
	}{
		{"a bad correction", data, p, "outcomes[1].statement"},
		{"a bad key, named with it", data, p, "questions[0].key"},
		{"an outcome left out", data, fieldwork.Proposal{Name: "x", Outcomes: p.Outcomes[:2]}, "outcomes"},
		{"a value outside the scale", bytes.Replace(data, []byte("Very important"), []byte("Don't know"), 1), nil,
			"column How important is each of the following to you? | Minimize the effort it takes to confirm a decision is still current"},
		{"no rating column", []byte("id,role\n1,a\n"), nil, "outcomes"},
	} {
		r := fromFile(t, c, "", "m.csv", tc.data, tc.proposal)
		var e apiError
		r.json(t, &e)
		if r.status != http.StatusUnprocessableEntity || e.Fields[tc.field] == "" {
			t.Errorf("%s: %d %s, want 422 naming %s", tc.name, r.status, r.body, tc.field)
		}
	}
	var none fieldwork.Proposal
	fromFile(t, c, "?dry_run=1", "m.csv", []byte("id,role\n1,a\n"), nil).json(t, &none)
	if len(none.Outcomes) != 0 || !strings.Contains(none.Problems["outcomes"], "O01_imp") {
		t.Errorf("a file without ratings is proposed as %+v, want the problem named", none)
	}
	if r := c.send("GET", "/api/v1/studies", nil); r.body != "[]" || countResponses(t, s) != 0 {
		t.Errorf("a refused file left a study behind: %s", r.body)
	}
	r := fromFile(t, c, "?out_of_scale=missing", "m.csv", bytes.Replace(data, []byte("Very important"), []byte("Don't know"), 1), nil)
	if r.status != http.StatusCreated {
		t.Errorf("with out_of_scale=missing: %d %s, want 201", r.status, r.body)
	}
}

// fromFilePage posts the page's form as a browser without JavaScript does.
func fromFilePage(t *testing.T, c *client, file []byte, fields map[string][]string) reply {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", c.csrf())
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if file != nil {
		fw, _ := w.CreateFormFile("file", "decisions.csv")
		fw.Write(file)
	}
	w.Close()
	return c.do("POST", "/studies/from-file", w.FormDataContentType(), buf.String())
}

func TestStudyFromFilePageWorksWithoutJavaScript(t *testing.T) {
	_, c := loggedInServer(t)
	if r := c.get("/studies"); !strings.Contains(r.body, `href="/studies/from-file"`) {
		t.Fatalf("the study list has no way to a study from a file")
	}
	data := readFixture(t, "qualtrics_export.csv")
	r := fromFilePage(t, c, data, map[string][]string{"step": {"propose"}})
	if r.status != http.StatusOK || !strings.Contains(r.body, `value="`+statements[1]+`"`) || !strings.Contains(r.body, `name="q_keep" value="22"`) {
		t.Fatalf("propose: %d, want the proposal's inputs: %s", r.status, r.body)
	}
	corrections := map[string][]string{
		"step": {"create"}, "name": {"Decisions"},
		"o_code": {"O01", "O02", "O03"}, "o_statement": {"Minimize the time it takes to find a decision", statements[1], statements[2]},
		"q_column": {"14", "15", "22"}, "q_header": {"Q1", "Q2", "Q5"}, "q_key": {"role", "size", "q5"},
		"q_text": {"Your role", "Company size", "Anything else?"}, "q_keep": {"14", "15"},
	}
	r = fromFilePage(t, c, nil, corrections)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "choose the file again") ||
		!strings.Contains(r.body, `value="Minimize the time it takes to find a decision"`) {
		t.Fatalf("confirming without the file: %d, want the corrections kept and the file asked for again", r.status)
	}
	r = fromFilePage(t, c, data, corrections)
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "/results") {
		t.Fatalf("create: %d %s, want a redirect to the results", r.status, r.body)
	}
	results := c.get(r.header.Get("Location"))
	if !strings.Contains(results.body, "Minimize the time it takes to find a decision") {
		t.Errorf("the results tab does not show the corrected statement")
	}
	if r := c.get("/studies"); !strings.Contains(r.body, `class="chip imported"`) {
		t.Errorf("the study list does not mark the study imported")
	}
	if r := c.send("GET", "/api/v1/studies", nil); !strings.Contains(r.body, `"source":"import"`) || !strings.Contains(r.body, `"status":"closed"`) {
		t.Errorf("studies: %s", r.body)
	}
	// A study without job steps or a survey link of its own still opens
	// on every tab and exports; its copy is a draft to field.
	study := strings.TrimSuffix(r.header.Get("Location"), "/results")
	for _, tab := range []string{"job", "outcomes", "questions", "preview", "fieldwork", "segments", "share"} {
		if r := c.get(study + "/" + tab); r.status != http.StatusOK {
			t.Errorf("the %s tab of an imported study: %d", tab, r.status)
		}
	}
	if r := c.get("/api" + "/v1" + study + "/export.xlsx"); r.status != http.StatusOK {
		t.Errorf("the workbook of an imported study: %d", r.status)
	}
	var cp struct{ Status, Source string }
	c.do("POST", "/api/v1"+study+"/duplicate", "", "", "X-Csrf-Token", c.csrf()).json(t, &cp)
	if cp.Status != "draft" || cp.Source != "survey" {
		t.Errorf("the copy of an imported study is %+v, want a draft survey", cp)
	}
}
