package app

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/export"
	"odi/surveys/surveystest"
)

// csvCell is one answer of the formula study: what is stored, and what
// responses.csv?safe=1 must show of it.
type csvCell struct {
	respondent, column string
	stored, safe       string
}

// formulaCells are an answer for each lead a spreadsheet reads as a formula
// or command (= + - @ TAB CR), in each kind of column, and answers that must
// stay as they are: numbers, and text that only holds such a character.
var formulaCells = []csvCell{
	{"=cmd|' /C calc'!A0", "respondent_id", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
	{"eq", "note", `=HYPERLINK("http://evil.test","x")`, `'=HYPERLINK("http://evil.test","x")`},
	{"eq", "seg", "=1+1", "'=1+1"},
	{"plus", "note", "+44 20 7946 0000", "'+44 20 7946 0000"},
	{"plus", "size", "4", "4"},
	{"minus", "note", "-2+3", "'-2+3"},
	{"minus", "size", "-3", "-3"},
	{"minus", "seg", "-minus", "'-minus"},
	{"at", "note", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
	{"at", "seg", "@home", "'@home"},
	{"at", "size", "-2.5", "-2.5"},
	{"tab", "note", "\t=1+1", "'\t=1+1"},
	{"cr", "note", "\r=1+1", "'\r=1+1"},
	{"plain", "note", "fine - really = yes", "fine - really = yes"},
	{"plain", "seg", "plain", "plain"},
	{"plain", "nps", "0", "0"},
	{"plain", "O01_imp", "5", "5"},
	{"plain", "O01_sat", "1", "1"},
}

// formulaStudy is a study whose responses hold formulaCells. The import
// trims a cell, so the answers that start with TAB or CR, which no form or
// file can store today, are written to the database directly: the export
// must be safe for whatever is stored.
func formulaStudy(t *testing.T, s *Server, c *client) int64 {
	t.Helper()
	header := []string{"respondent_id", "status", "seg", "size", "nps", "note", "O01_imp", "O01_sat"}
	var respondents []string
	for _, cell := range formulaCells {
		if !slices.Contains(respondents, cell.respondent) {
			respondents = append(respondents, cell.respondent)
		}
	}
	var file bytes.Buffer
	w := csv.NewWriter(&file)
	w.Write(header)
	for _, r := range respondents {
		row := []string{r, "complete", "", "", "", "", "3", "3"}
		for _, cell := range formulaCells {
			if cell.respondent == r && !strings.ContainsAny(cell.stored[:1], "\t\r") {
				row[slices.Index(header, cell.column)] = cell.stored
			}
		}
		w.Write(row)
	}
	w.Flush()
	id := goldenStudy(t, c, []string{
		`{"key": "seg", "text": "Seg", "kind": "single", "options": ["=1+1", "-minus", "@home", "plain"]}`,
		`{"key": "size", "text": "Size", "kind": "number", "min": -100, "max": 100}`,
		`{"key": "nps", "text": "Recommend?", "kind": "nps"}`,
		`{"key": "note", "text": "Note", "kind": "text"}`,
	}, "statement\nMinimize the time it takes to find it\n", file.String())
	for _, cell := range formulaCells {
		if strings.ContainsAny(cell.stored[:1], "\t\r") {
			setAnswer(t, s, id, cell.respondent, cell.column, cell.stored)
		}
	}
	return id
}

func setAnswer(t *testing.T, s *Server, studyID int64, respondent, key, value string) {
	t.Helper()
	db := s.store.DB()
	var r surveys.Response
	if err := db.Where("study_id = ? AND respondent_id = ?", studyID, respondent).First(&r).Error; err != nil {
		t.Fatal(err)
	}
	r.Answers[key] = value
	// A new seq, as every write of a response takes: the results' cache,
	// which the exports read, loads the rows whose seq it has not seen.
	if err := db.Raw("SELECT MAX(seq) + 1 FROM responses WHERE study_id = ?", studyID).Scan(&r.Seq).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&r).Select("Answers", "Seq").Updates(&r).Error; err != nil {
		t.Fatal(err)
	}
}

// csvCells reads a responses file into respondent → column → cell.
func csvCells(t *testing.T, body string) map[string]map[string]string {
	t.Helper()
	records := surveystest.CSV(t, body)
	out := map[string]map[string]string{}
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = rec[i]
		}
		out[rec[0]] = row
	}
	return out
}

// TestHardeningResponsesCSVSafe: responses.csv?safe=1, through the real
// router, starts every cell of people's text that a spreadsheet would run
// (= + - @ TAB CR) with an apostrophe and leaves numbers as numbers; the
// file without it keeps every cell as stored.
func TestHardeningResponsesCSVSafe(t *testing.T) {
	s := parallelServer(t)
	c := api(t, s, "r@example.com", accounts.RoleResearcher)
	id := formulaStudy(t, s, c)
	path := fmt.Sprintf("/api/v1/studies/%d/responses.csv", id)

	raw := c.send("GET", path, nil)
	wantStatus(t, raw, http.StatusOK)
	if strings.HasPrefix(raw.body, "\ufeff") {
		t.Error("the raw file starts with a byte order mark")
	}
	safe := c.send("GET", path+"?safe=1", nil)
	wantStatus(t, safe, http.StatusOK)
	if ct := safe.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("safe file is %q", ct)
	}
	body, bom := strings.CutPrefix(safe.body, "\ufeff")
	if !bom {
		t.Error("the safe file has no byte order mark for spreadsheets to read it as UTF-8")
	}
	rawCells, safeCells := csvCells(t, raw.body), csvCells(t, body)
	neutralised := 0
	for _, cell := range formulaCells {
		if got := rawCells[cell.respondent][cell.column]; got != cell.stored {
			t.Errorf("raw %s of %.20q is %q, want it as stored: %q", cell.column, cell.respondent, got, cell.stored)
		}
		row := cell.respondent
		if cell.column == "respondent_id" {
			row = cell.safe
		}
		if got := safeCells[row][cell.column]; got != cell.safe {
			t.Errorf("safe %s of %.20q is %q, want %q", cell.column, cell.respondent, got, cell.safe)
		}
		if cell.safe != cell.stored {
			neutralised++
		}
	}
	if c.send("GET", path+"?safe=0", nil).body != raw.body {
		t.Error("?safe=0 is not the raw file")
	}
	wantField(t, c.send("GET", path+"?safe=maybe", nil), "safe", "1 or 0")
	t.Logf("%d cells checked: %d neutralised with an apostrophe (= + - @ TAB CR leads, as text, choice and respondent id), %d numbers, ratings and plain text left as they are; raw file %d bytes without BOM",
		len(formulaCells), neutralised, len(formulaCells)-neutralised, len(raw.body))
}

// TestHardeningRawResponsesCSVRoundTrips: the raw file of answers that start
// like formulas imports into a copy of the study and exports again byte for
// byte, and is the bytes the store writes, with nothing added on the way.
func TestHardeningRawResponsesCSVRoundTrips(t *testing.T) {
	s := parallelServer(t)
	c := api(t, s, "r@example.com", accounts.RoleResearcher)
	id := formulaStudy(t, s, c)
	raw := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil)
	wantStatus(t, raw, http.StatusOK)
	owner := userByEmail(t, s, "r@example.com")
	wide, err := s.results.WideResponses(t.Context(), mustDesign(t, s, owner, id))
	if err != nil {
		t.Fatal(err)
	}
	var store bytes.Buffer
	if err := export.ResponsesCSV(&store, wide); err != nil {
		t.Fatal(err)
	}
	if raw.body != store.String() {
		t.Fatalf("the raw download differs from the file the store writes:\n got  %q\n want %q", raw.body, store.String())
	}

	// TAB and CR leads are trimmed by the import, so the round trip is
	// of a file without them.
	for _, r := range []string{"tab", "cr"} {
		setAnswer(t, s, id, r, "note", "")
	}
	raw = c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil)
	var cp surveys.Study
	dup := c.send("POST", fmt.Sprintf("/api/v1/studies/%d/duplicate", id), nil)
	wantStatus(t, dup, http.StatusCreated)
	dup.json(t, &cp)
	wantStatus(t, c.do("POST", fmt.Sprintf("/api/v1/studies/%d/responses/import", cp.ID), "text/csv", raw.body), http.StatusCreated)
	again := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", cp.ID), nil)
	if again.body != raw.body {
		t.Fatalf("exported, imported and exported again differs:\n got  %q\n want %q", again.body, raw.body)
	}
	leads := 0
	for _, row := range csvCells(t, raw.body) {
		for _, v := range row {
			if v != "" && strings.ContainsAny(v[:1], "=+-@") {
				leads++
			}
		}
	}
	t.Logf("raw file of %d bytes with %d cells starting = + - or @: identical to the store's bytes, and again after an import into a copy", len(raw.body), leads)
}

var downloadLink = regexp.MustCompile(`<a[^>]*href="(/api/v1/studies/\d+/responses\.csv[^"]*)"`)

// TestHardeningResultsPageLinksTheSafeCSV: the Results page's download is
// the safe file; the raw one is one click further, inside a disclosure that
// says why it is raw.
func TestHardeningResultsPageLinksTheSafeCSV(t *testing.T) {
	s := parallelServer(t)
	c := api(t, s, "r@example.com", accounts.RoleResearcher)
	id := formulaStudy(t, s, c)
	browser := newClient(t, s)
	browser.login("r@example.com")
	page := browser.get(studyPath(id, "results"))
	wantStatus(t, page, http.StatusOK)

	safe := fmt.Sprintf("/api/v1/studies/%d/responses.csv?safe=1", id)
	raw := fmt.Sprintf("/api/v1/studies/%d/responses.csv", id)
	var links []string
	for _, m := range downloadLink.FindAllStringSubmatch(page.body, -1) {
		links = append(links, m[1])
	}
	if !slices.Equal(links, []string{safe, raw}) {
		t.Fatalf("responses downloads linked %q, want the safe one, then the raw one", links)
	}
	details := page.body[strings.Index(page.body, `<details class="raw-csv"`):]
	details = details[:strings.Index(details, "</details>")]
	for _, want := range []string{`href="` + raw + `"`, "imports back unchanged", "formula"} {
		if !strings.Contains(details, want) {
			t.Errorf("the raw file's disclosure lacks %q: %s", want, details)
		}
	}
	if before := page.body[:strings.Index(page.body, `<details class="raw-csv"`)]; strings.Contains(before, `href="`+raw+`"`) {
		t.Error("the raw file is linked outside its disclosure")
	}
	got := browser.do("GET", safe, "", "")
	wantStatus(t, got, http.StatusOK)
	if !strings.Contains(got.body, `'=HYPERLINK(`) {
		t.Errorf("the page's download, with the page's cookie, is not the safe file: %.200q", got.body)
	}
	t.Logf("Results page links %s as its download and %s inside <details>", safe, raw)
}
