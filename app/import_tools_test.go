package app

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/surveystest"
)

// importTruth is what every file of surveys/testdata/imports says, written
// once by hand: six respondents' roles and their (importance, satisfaction)
// per outcome O01-O03, 0 where they left a rating out. The sixth stopped
// after the first outcome, so is still in progress.
var importTruth = []struct {
	role    string
	ratings [3][2]int
}{
	{"Engineer", [3][2]int{{5, 2}, {4, 4}, {3, 1}}},
	{"Manager", [3][2]int{{4, 1}, {2, 5}, {5, 3}}},
	{"Engineer", [3][2]int{{5, 4}, {5, 2}, {4, 4}}},
	{"Manager", [3][2]int{{2, 2}, {3, 3}, {1, 3}}},
	{"Engineer", [3][2]int{{4, 5}, {4, 1}, {5, 2}}},
	{"Engineer", [3][2]int{{5, 1}, {0, 0}, {0, 0}}},
}

// truthScores works out importance, satisfaction and opportunity per outcome
// from importTruth, the way docs/scoring.md defines them: over complete
// responses (every outcome rated on both scales) of the role ("" for all),
// ten times the share rating 4 or 5; opportunity is importance plus the
// gap when importance is higher.
func truthScores(role string) map[string][3]float64 {
	out := map[string][3]float64{}
	for o := range 3 {
		var top, n [2]float64
		for _, r := range importTruth {
			complete := r.ratings[2][1] != 0
			if !complete || (role != "" && r.role != role) {
				continue
			}
			for s := range 2 {
				n[s]++
				if r.ratings[o][s] >= 4 {
					top[s]++
				}
			}
		}
		imp, sat := 10*top[0]/n[0], 10*top[1]/n[1]
		out[fmt.Sprintf("O%02d", o+1)] = [3]float64{imp, sat, imp + max(imp-sat, 0)}
	}
	return out
}

// importTools makes the study the files of surveys/testdata/imports were
// exported from, in odi.
func importTools(t *testing.T, c *client) (int64, string) {
	t.Helper()
	id := newStudy(t, c, "Tools")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.send("POST", base+"/questions",
		`{"key": "role", "text": "What is your role?", "kind": "single", "options": ["Engineer", "Manager"], "segment": true}`), http.StatusCreated)
	wantStatus(t, c.do("POST", base+"/outcomes/import", "text/csv", readTestdata(t, "imports/outcomes.csv")), http.StatusCreated)
	return id, base + "/responses/import"
}

func wantTruth(t *testing.T, c *client, id int64, file string) {
	t.Helper()
	var opp results.Opportunities
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities?segment_by=role", id), nil).json(t, &opp)
	for _, g := range opp.Groups {
		role := g.Key
		if role == "all" {
			role = ""
		}
		want := truthScores(role)
		wantN := map[string]int{"": 5, "Engineer": 3, "Manager": 2}[role]
		if g.N != wantN {
			t.Errorf("%s, group %s: n = %d, want %d", file, g.Key, g.N, wantN)
		}
		for _, o := range g.Outcomes {
			w := want[o.Code]
			got := [3]float64{o.Importance, o.Satisfaction, o.Opportunity}
			for i := range 3 {
				if math.Abs(got[i]-w[i]) > 1e-9 {
					t.Errorf("%s, group %s, %s: importance, satisfaction, opportunity %v, want %v", file, g.Key, o.Code, got, w)
					break
				}
			}
		}
	}
}

// TestImportOtherToolsExports: each tool's export of the same six
// respondents, as the tool writes it (header rows, labels or 5.00 as
// ratings, its metadata columns), imports as it is and scores exactly what
// the hand-written truth says, overall and by role.
func TestImportOtherToolsExports(t *testing.T) {
	for _, tc := range []struct {
		file, format string
		ignored      []string // among the columns left out
		query        string
	}{
		{"qualtrics.csv", fieldwork.FormatQualtrics, []string{"IPAddress | IP Address", "RecipientEmail | Recipient Email", "Status | Response Type"}, ""},
		{"surveymonkey.csv", fieldwork.FormatSurveyMonkey, []string{"IP Address", "Email Address", "First Name", "Last Name"}, ""},
		{"limesurvey.csv", fieldwork.FormatOneRow, []string{"ipaddr", "seed", "datestamp"}, ""},
		{"googleforms.csv", fieldwork.FormatOneRow, []string{"Email Address"}, "?out_of_scale=missing"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			s, c := researcherServer(t)
			id, path := importTools(t, c)
			data := readTestdata(t, "imports/"+tc.file)
			var rep fieldwork.ImportReport
			r := c.do("POST", path+tc.query, "text/csv", data)
			wantStatus(t, r, http.StatusCreated)
			r.json(t, &rep)
			if rep.Format != tc.format || rep.Rows != 6 || rep.Imported != 6 {
				t.Fatalf("format %q, %d rows, %d imported; want %q, 6, 6", rep.Format, rep.Rows, rep.Imported, tc.format)
			}
			for _, name := range tc.ignored {
				if !slices.Contains(rep.Ignored, name) {
					t.Errorf("ignored %q, want %q among them", rep.Ignored, name)
				}
			}
			wantTruth(t, c, id, tc.file)
			// What a tool knows of a person stays out of odi.
			csvOut := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil).body
			for _, pii := range []string{"203.0.113.5", "ana@example.com", "Alves"} {
				if strings.Contains(csvOut, pii) || databaseHolds(t, s, pii) {
					t.Errorf("%q was stored", pii)
				}
			}
			if n := countResponses(t, s); n != 6 {
				t.Errorf("%d responses stored, want 6", n)
			}
		})
	}
}

// databaseHolds says whether the SQLite files of the server (the database and
// its write-ahead log) contain text anywhere, in any table.
func databaseHolds(t *testing.T, s *Server, text string) bool {
	t.Helper()
	var file string
	if err := s.store.DB().Raw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file).Error; err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{file, file + "-wal"} {
		b, err := os.ReadFile(f)
		if err == nil && bytes.Contains(b, []byte(text)) {
			return true
		}
	}
	return false
}

// TestImportOutOfScaleIsRefusedThenRead: Google Forms' "Don't know", "N/A"
// and 0 are listed with their counts per column and refuse the file, with
// nothing stored; read as blanks on request, the scores are the truth's.
func TestImportOutOfScaleIsRefusedThenRead(t *testing.T) {
	s, c := researcherServer(t)
	id, path := importTools(t, c)
	data := readTestdata(t, "imports/googleforms.csv")
	r := c.do("POST", path, "text/csv", data)
	var refused struct {
		Fields     map[string]string      `json:"fields"`
		OutOfScale []fieldwork.OutOfScale `json:"out_of_scale"`
	}
	r.json(t, &refused)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	want := map[string]string{
		"How important is this to you? [Minimize the likelihood of missing a change in plan]":             "Don't know",
		"How important is this to you? [Minimize the effort it takes to hand over context to a teammate]": "N/A",
		"How satisfied are you today? [Minimize the likelihood of missing a change in plan]":              "0",
		"How satisfied are you today? [Minimize the effort it takes to hand over context to a teammate]":  "N/A",
	}
	if len(refused.OutOfScale) != len(want) {
		t.Fatalf("out of scale %+v, want %d columns", refused.OutOfScale, len(want))
	}
	for _, o := range refused.OutOfScale {
		if v, ok := want[o.Column]; !ok || len(o.Values) != 1 || o.Values[v] != 1 {
			t.Errorf("out of scale %q: %v", o.Column, o.Values)
		}
		if !strings.Contains(refused.Fields["column "+o.Column], "outside the scale") {
			t.Errorf("fields lack column %q: %v", o.Column, refused.Fields)
		}
	}
	if n := countResponses(t, s); n != 0 {
		t.Fatalf("a refused file stored %d responses", n)
	}
	wantStatus(t, c.do("POST", path+"?out_of_scale=maybe", "text/csv", data), http.StatusUnprocessableEntity)
	wantStatus(t, c.do("POST", path+"?out_of_scale=missing", "text/csv", data), http.StatusCreated)
	wantTruth(t, c, id, "googleforms.csv")
}

// TestImportDryRunShowsTheMappingAndWritesNothing: a dry run of the
// Qualtrics export names what every column gives and writes nothing; a dry
// run of a file with problems lists them, still with a 200.
func TestImportDryRunShowsTheMappingAndWritesNothing(t *testing.T) {
	s, c := researcherServer(t)
	_, path := importTools(t, c)
	var rep fieldwork.ImportReport
	r := c.do("POST", path+"?dry_run=1", "text/csv", readTestdata(t, "imports/qualtrics.csv"))
	wantStatus(t, r, http.StatusOK)
	r.json(t, &rep)
	got := map[string]string{}
	for _, col := range rep.Columns {
		got[strings.SplitN(col.Column, " | ", 2)[0]] = strings.TrimSpace(col.MapsTo + " " + col.Key + " " + col.Scale)
	}
	for col, want := range map[string]string{
		"StartDate": "started_at", "EndDate": "finished_at", "Finished": "finished", "ResponseId": "respondent_id",
		"Q1": "question role", "Q2_1": "rating O01 importance", "Q2_3": "rating O03 importance", "Q3_2": "rating O02 satisfaction",
		"IPAddress": "ignored", "RecordedDate": "ignored", "Status": "ignored",
	} {
		if got[col] != want {
			t.Errorf("column %s maps to %q, want %q", col, got[col], want)
		}
	}
	if !rep.DryRun || rep.Rows != 6 || rep.Imported != 0 || len(rep.Problems) != 0 {
		t.Errorf("dry run %v, %d rows, %d imported, problems %v", rep.DryRun, rep.Rows, rep.Imported, rep.Problems)
	}
	r = c.do("POST", path+"?dry_run=1", "text/csv", readTestdata(t, "imports/googleforms.csv"))
	wantStatus(t, r, http.StatusOK)
	r.json(t, &rep)
	if len(rep.Problems) != 4 || len(rep.OutOfScale) != 4 {
		t.Errorf("dry run of out-of-scale cells: problems %v, out of scale %v", rep.Problems, rep.OutOfScale)
	}
	if n := countResponses(t, s); n != 0 {
		t.Fatalf("dry runs stored %d responses", n)
	}
}

// TestImportHeaderSpellings: every spelling of a rating column the docs
// promise is recognised, and a file whose columns name nothing of the study
// is refused with the spellings it expected.
func TestImportHeaderSpellings(t *testing.T) {
	_, c := researcherServer(t)
	id, path := importTools(t, c)
	header := "O01_imp,imp_O02,Imp-O03,O01 (Satisfaction),Minimize the likelihood of missing a change in plan - Satisfaction,o03 sat"
	var rows []string
	for _, r := range importTruth[:5] {
		t := r.ratings
		rows = append(rows, fmt.Sprintf("%d,%d,%d,%d,%d,%d", t[0][0], t[1][0], t[2][0], t[0][1], t[1][1], t[2][1]))
	}
	var rep fieldwork.ImportReport
	r := c.do("POST", path, "text/csv", header+"\n"+strings.Join(rows, "\n")+"\n")
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &rep)
	for _, col := range rep.Columns {
		if col.MapsTo != fieldwork.RoleRating {
			t.Errorf("column %q maps to %q", col.Column, col.MapsTo)
		}
	}
	// No role column: only the overall numbers are the truth's.
	var opp results.Opportunities
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities", id), nil).json(t, &opp)
	want := truthScores("")
	for _, o := range opp.Groups[0].Outcomes {
		if w := want[o.Code]; o.Importance != w[0] || o.Satisfaction != w[1] {
			t.Errorf("%s: %v/%v, want %v", o.Code, o.Importance, o.Satisfaction, w)
		}
	}
	wantField(t, c.do("POST", path, "text/csv", "Name,Q1,Q2\nann,3,4\n"), "file",
		"expected headers such as O01_imp, imp_O01, Imp-O01, O01 (Importance) or <statement> - Satisfaction; the file has Name, Q1, Q2")
	wantField(t, c.do("POST", path, "text/csv", "O01_imp,imp_O01\n4,5\n"), "column imp_O01", "gives O01 importance, as column O01_imp does")
}

// TestImportWorkbookLikeCSV: the Qualtrics export saved as a workbook
// imports the same, read from its first sheet.
func TestImportWorkbookLikeCSV(t *testing.T) {
	_, c := researcherServer(t)
	id, path := importTools(t, c)
	book := surveystest.CSVWorkbook(t, readTestdata(t, "imports/qualtrics.csv"))
	ct, body := csvUpload("", "qualtrics.xlsx", string(book))
	wantStatus(t, c.do("POST", path, ct, body), http.StatusCreated)
	wantTruth(t, c, id, "qualtrics.xlsx")
}
