package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"odi/surveys/surveystest"
)

// A file for the worked example's study with four bad cells in three rows,
// and one that is fine.
const (
	importBad = "respondent_id,status,team_size,O01_imp,O01_sat\n" +
		"n1,complete,small,5,4\n" +
		"n2,done,small,6,4\n" +
		"n3,complete,medium,5,x\n"
	importGood = "respondent_id,status,team_size,O01_imp,O01_sat\n" +
		"n1,complete,small,5,4\n" +
		"n2,complete,large,4,1\n"
)

// importProblemsWant is every bad cell of importBad as the page lists it:
// row, column, and a part of the reason.
var importProblemsWant = [][3]string{
	{"–", "O01_imp", `outside the scale 1 to 5: "6" ×1`},
	{"–", "O01_sat", `outside the scale 1 to 5: "x" ×1`},
	{"3", "status", "must be complete, in_progress, screened_out or quota_full"},
	{"4", "team_size", `is not one of the options`},
}

// csvUpload is a form with the CSRF token, the file and any further fields
// (name, value, …), as a browser without JavaScript posts it.
func csvUpload(csrf, name, content string, fields ...string) (string, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("_csrf", csrf)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	f, _ := w.CreateFormFile("file", name)
	f.Write([]byte(content))
	w.Close()
	return w.FormDataContentType(), b.String()
}

var problemRow = regexp.MustCompile(`<tr><td class="num" data-label="Row">([^<]*)</td><td data-label="Column"><code>([^<]*)</code></td><td data-label="Problem">([^<]*)</td></tr>`)

func TestResponsesImportWithoutJavaScript(t *testing.T) {
	s, c := researcherServer(t)
	id := exportWorkedStudy(t, c)
	browser := newClient(t, s)
	browser.login("r@example.com")
	page := browser.get(studyPath(id, "results"))
	wantStatus(t, page, http.StatusOK)
	for _, want := range []string{`action="/studies/` + itoa(id) + `/responses/import" enctype="multipart/form-data"`,
		`data-import="/api/v1/studies/` + itoa(id) + `/responses/import"`, `<input id="import-file" name="file" type="file"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("results page lacks the import form: %q", want)
		}
	}
	path := studyPath(id, "responses/import")

	ct, body := csvUpload(browser.csrf(), "wave2.csv", importBad)
	r := browser.do("POST", path, ct, body)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	got := problemRow.FindAllStringSubmatch(r.body, -1)
	if len(got) != len(importProblemsWant) || !strings.Contains(r.body, "Nothing was imported: 4 problems in the file") {
		t.Fatalf("listed %d problems, want %d: %q", len(got), len(importProblemsWant), got)
	}
	for i, w := range importProblemsWant {
		if got[i][1] != w[0] || got[i][2] != w[1] || !strings.Contains(got[i][3], strings.ReplaceAll(w[2], `"`, "&#34;")) {
			t.Errorf("problem %d: row %s, %s: %s; want row %s, %s: …%s…", i+1, got[i][1], got[i][2], got[i][3], w[0], w[1], w[2])
		}
	}
	if !strings.Contains(r.body, groupHeading("All respondents", 9)) {
		t.Error("a refused file changed the results")
	}

	ct, body = csvUpload(browser.csrf(), "wave2.csv", importGood)
	r = browser.do("POST", path, ct, body)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != studyPath(id, "results")+"?imported=2#import" {
		t.Fatalf("after the import: Location %q", loc)
	}
	after := browser.get(studyPath(id, "results?imported=2"))
	if !strings.Contains(after.body, "Imported 2 responses.") || !strings.Contains(after.body, groupHeading("All respondents", 11)) {
		t.Error("after the import the page does not say so, or n is not 11")
	}

	// No file at all is a problem beside the field, not an error page.
	ct, body = csvUpload(browser.csrf(), "", "")
	r = browser.do("POST", path, ct, body)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `aria-invalid="true" aria-describedby="import-problems-h"`) {
		t.Error("an empty upload is not marked on the file input")
	}
}

// TestResponsesImportInBrowser uploads through the page's script: a progress
// bar, then "Processing…", then every bad cell of a refused file, and the
// results reloaded after a good one, grouped as they were.
func TestResponsesImportInBrowser(t *testing.T) {
	tab, _, c, base := researcherBrowser(t)
	ctx, id := tab.ctx, exportWorkedStudy(t, c)
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
	// The good file is large enough (some 2 MB) for the upload to be seen.
	var big strings.Builder
	big.WriteString(importGood)
	for i := range 60000 {
		fmt.Fprintf(&big, "x%05d,complete,large,%d,%d\n", i, 1+i%5, 1+(i/5)%5)
	}
	if os.WriteFile(bad, []byte(importBad), 0o644) != nil || os.WriteFile(good, []byte(big.String()), 0o644) != nil {
		t.Fatal("write the files")
	}

	// Record what the progress area shows as it changes, in sessionStorage
	// so the record outlives the reload after a good import.
	watch := `sessionStorage.setItem('stages', '[]'); new MutationObserver(() => {
		const p = document.querySelector('.import-progress'), bar = p.querySelector('progress');
		const s = JSON.parse(sessionStorage.getItem('stages'));
		s.push(p.hidden ? 'hidden' : p.querySelector('.import-stage').textContent + ' ' + (bar.hasAttribute('value') ? bar.value : 'busy'));
		sessionStorage.setItem('stages', JSON.stringify(s)); })
		.observe(document.querySelector('#import'), {subtree: true, childList: true, attributes: true, characterData: true}); true`
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+studyPath(id, "results?segment_by=team_size")),
		chromedp.WaitVisible(chromedp.CSS(`#import-file`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](watch)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{bad}),
		chromedp.Click(chromedp.CSS(`#import button.primary`)),
		// Choosing the file previewed it, listing the same problems: the
		// import's own answer says nothing was imported.
		chromedp.Poll[chromedp.Void](`document.querySelector('#import-problems-h')?.textContent.startsWith('Nothing was imported')`),
	)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll('.import-problems tbody tr')].map(r => [...r.cells].map(c => c.textContent))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(importProblemsWant) {
		t.Fatalf("listed %q, want %d problems", listed, len(importProblemsWant))
	}
	for i, w := range importProblemsWant {
		if listed[i][0] != w[0] || listed[i][1] != w[1] || !strings.Contains(listed[i][2], w[2]) {
			t.Errorf("problem %d: %q, want %q", i+1, listed[i], w)
		}
	}
	screenshots(t, ctx, "results-import-refused")

	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](watch)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{good}),
		chromedp.Click(chromedp.CSS(`#import button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#import .notice`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#import .notice`)))
	if err != nil || notice != "Imported 60002 responses." {
		t.Errorf("after the import the page says %q (%v)", notice, err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
	if err != nil || !strings.Contains(loc, "segment_by=team_size") {
		t.Errorf("the reload lost the grouping: %q (%v)", loc, err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#group-all h2`)))
	if err != nil || !strings.Contains(heading, "n = 60011") {
		t.Errorf("all respondents after the import: %q (%v), want n = 60011", heading, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem('stages')`))
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	if err := json.Unmarshal([]byte(raw), &stages); err != nil {
		t.Fatal(err)
	}
	uploading := slices.IndexFunc(stages, func(s string) bool { return strings.HasPrefix(s, "Uploading… ") })
	processing := slices.Index(stages, "Processing… busy")
	if uploading < 0 || processing < uploading {
		t.Errorf("the progress area showed %q; want uploading with a value, then processing", stages)
	}
}

// monkeyExport is a SurveyMonkey export of the worked example's study:
// question texts in the first row, the scale under each statement in the
// second. The IP address matches nothing; rows 1003 to 1005 have three cells
// outside the scale in O01's satisfaction and row 1002 one in O02's.
const monkeyExport = "Respondent ID,Start Date,End Date,IP Address,Team size," +
	"Minimize the time to find a decision,,Minimize the effort to onboard someone,,Minimize the chance of losing a spec,,Reduce the cost of answering again,\n" +
	",,,,Response,Importance,Satisfaction,Importance,Satisfaction,Importance,Satisfaction,Importance,Satisfaction\n" +
	"1001,01/05/2026 9:00:00 AM,01/05/2026 9:06:00 AM,192.0.2.1,small,5,2,4,3,3,3,2,4\n" +
	"1002,01/05/2026 10:00:00 AM,01/05/2026 10:07:00 AM,192.0.2.2,large,Extremely important,Not at all satisfied,4,N/A,4,2,3,3\n" +
	"1003,01/05/2026 11:00:00 AM,01/05/2026 11:05:30 AM,192.0.2.3,small,4,0,5,1,2,5,1,5\n" +
	"1004,01/05/2026 12:00:00 PM,01/05/2026 12:08:00 PM,192.0.2.4,large,3,0,3,3,4,4,5,1\n" +
	"1005,01/05/2026 1:00:00 PM,01/05/2026 1:09:00 PM,192.0.2.5,small,4,Don't know,5,4,3,4,2,2\n"

// monkeyMapping is what each column of monkeyExport gives, as the preview
// words it: read off the two header rows by hand.
var monkeyMapping = [][2]string{
	{"Respondent ID", "respondent id"},
	{"Start Date", "start time"},
	{"End Date", "end time"},
	{"IP Address", "ignored"},
	{"Team size | Response", "question team_size"},
	{"Minimize the time to find a decision | Importance", "O01 importance"},
	{"Minimize the time to find a decision | Satisfaction", "O01 satisfaction"},
	{"Minimize the effort to onboard someone | Importance", "O02 importance"},
	{"Minimize the effort to onboard someone | Satisfaction", "O02 satisfaction"},
	{"Minimize the chance of losing a spec | Importance", "O03 importance"},
	{"Minimize the chance of losing a spec | Satisfaction", "O03 satisfaction"},
	{"Reduce the cost of answering again | Importance", "O04 importance"},
	{"Reduce the cost of answering again | Satisfaction", "O04 satisfaction"},
}

// monkeyOutOfScale is each column's cells outside the scale, most frequent
// first, as the preview lists them.
var monkeyOutOfScale = map[string]string{
	"Minimize the time to find a decision | Satisfaction":   "0 ×2, Don't know ×1",
	"Minimize the effort to onboard someone | Satisfaction": "N/A ×1",
}

var (
	mappingRow    = regexp.MustCompile(`<tr(?: class="ignored")?><td data-label="Column"><code>([^<]*)</code></td><td data-label="Gives">([^<]*)</td></tr>`)
	outOfScaleRow = regexp.MustCompile(`<tr><td data-label="Column"><code>([^<]*)</code></td><td data-label="Values">(.*?)</td></tr>`)
	tags          = regexp.MustCompile(`<[^>]*>`)
)

// checkPreview compares a preview's mapping and out-of-scale rows, as
// [column, gives] and [column, values] texts, with monkeyExport's.
func checkPreview(t *testing.T, mapping, outOfScale [][]string) {
	t.Helper()
	if len(mapping) != len(monkeyMapping) {
		t.Fatalf("the preview maps %d columns, want %d: %q", len(mapping), len(monkeyMapping), mapping)
	}
	for i, w := range monkeyMapping {
		if mapping[i][0] != w[0] || mapping[i][1] != w[1] {
			t.Errorf("column %d: %q gives %q, want %q gives %q", i+1, mapping[i][0], mapping[i][1], w[0], w[1])
		}
	}
	got := map[string]string{}
	for _, r := range outOfScale {
		got[r[0]] = r[1]
	}
	if !maps.Equal(got, monkeyOutOfScale) {
		t.Errorf("out of scale: %q, want %q", got, monkeyOutOfScale)
	}
}

// pageRows are a page's rows matching re, each as its captured texts,
// tags removed and entities decoded.
func pageRows(re *regexp.Regexp, body string) [][]string {
	var rows [][]string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		row := slices.Clone(m[1:])
		for i := range row {
			row[i] = html.UnescapeString(tags.ReplaceAllString(row[i], ""))
		}
		rows = append(rows, row)
	}
	return rows
}

func TestResponsesImportPreviewWithoutJavaScript(t *testing.T) {
	s, c := researcherServer(t)
	id := exportWorkedStudy(t, c)
	browser := newClient(t, s)
	browser.login("r@example.com")
	path := studyPath(id, "responses/import")
	before := countResponses(t, s)

	ct, body := csvUpload(browser.csrf(), "export.csv", monkeyExport, "preview", "1")
	r := browser.do("POST", path, ct, body)
	wantStatus(t, r, http.StatusOK)
	checkPreview(t, pageRows(mappingRow, r.body), pageRows(outOfScaleRow, r.body))
	for _, want := range []string{
		"Preview: nothing is stored yet", "SurveyMonkey export (two header rows), 5 responses.",
		"Ignored, never stored: <code>IP Address</code>.",
		"The import would be refused: 2 problems in the file",
		"They refuse the file unless “Read values outside the scale as blanks” is ticked.",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the preview lacks %q", want)
		}
	}
	if got := problemRow.FindAllStringSubmatch(r.body, -1); len(got) != 2 || got[0][2] != monkeyMapping[8][0] || got[1][2] != monkeyMapping[6][0] {
		t.Errorf("problems %q, want the two satisfaction columns with values outside the scale", got)
	}
	if n := countResponses(t, s); n != before {
		t.Fatalf("a preview stored %d responses", n-before)
	}

	// Ticked, the same file previews clean, and the page keeps the box ticked.
	ct, body = csvUpload(browser.csrf(), "export.csv", monkeyExport, "preview", "1", "out_of_scale", "missing")
	r = browser.do("POST", path, ct, body)
	wantStatus(t, r, http.StatusOK)
	checkPreview(t, pageRows(mappingRow, r.body), pageRows(outOfScaleRow, r.body))
	for _, want := range []string{"5 responses. To import it, choose the file again and press Import.",
		`value="missing" aria-describedby="out-of-scale-hint" checked>`, "Read as blanks, as the box is ticked."} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the ticked preview lacks %q", want)
		}
	}
	if strings.Contains(r.body, "import-problems-h") || countResponses(t, s) != before {
		t.Fatal("the ticked preview lists problems, or stored responses")
	}

	// The same export as a workbook previews the same.
	book := surveystest.CSVWorkbook(t, monkeyExport)
	ct, body = csvUpload(browser.csrf(), "export.xlsx", string(book), "preview", "1", "out_of_scale", "missing")
	r = browser.do("POST", path, ct, body)
	wantStatus(t, r, http.StatusOK)
	checkPreview(t, pageRows(mappingRow, r.body), pageRows(outOfScaleRow, r.body))
	if !strings.Contains(r.body, "SurveyMonkey export (two header rows), 5 responses. To import it") || countResponses(t, s) != before {
		t.Error("the workbook's preview differs from the CSV's, or stored responses")
	}

	ct, body = csvUpload(browser.csrf(), "export.csv", monkeyExport, "out_of_scale", "missing")
	r = browser.do("POST", path, ct, body)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != studyPath(id, "results")+"?imported=5#import" {
		t.Errorf("after the import: Location %q", loc)
	}
	if n := countResponses(t, s); n != before+5 {
		t.Errorf("the import stored %d responses, want 5", n-before)
	}
}

// TestResponsesImportPreviewInBrowser chooses a SurveyMonkey export on the
// Results tab: the preview comes at once, stores nothing, and refuses the
// values outside the scale until the box is ticked; Import then stores every
// row and says which column it ignored.
func TestResponsesImportPreviewInBrowser(t *testing.T) {
	tab, s, c, base := researcherBrowser(t)
	ctx, id := tab.ctx, exportWorkedStudy(t, c)
	file := filepath.Join(t.TempDir(), "export.csv")
	if err := os.WriteFile(file, []byte(monkeyExport), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+studyPath(id, "results")),
		chromedp.WaitVisible(chromedp.CSS(`#import-file`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	before := countResponses(t, s)
	cells := func(table string) [][]string {
		t.Helper()
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll('.import-preview table.`+table+
			` tbody tr')].map(r => [...r.cells].map(c => c.textContent))`))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('`+sel+`')?.textContent ?? ''`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{file}),
		chromedp.Poll[chromedp.Void](`document.querySelector('#import-problems-h')`),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkPreview(t, cells("mapping"), cells("out-of-scale"))
	if h := text("#import-problems-h"); h != "The import would be refused: 2 problems in the file" {
		t.Errorf("problems heading %q", h)
	}
	if p := text(".import-preview .ignored-list"); p != "Ignored, never stored: IP Address." {
		t.Errorf("ignored %q", p)
	}
	if n := countResponses(t, s); n != before {
		t.Fatalf("the preview stored %d responses", n-before)
	}
	screenshots(t, ctx, "results-import-preview")

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#import input[name=out_of_scale]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('.import-preview p')?.textContent.endsWith('Press Import to add them.')`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if p := text(".import-problems"); p != "" || countResponses(t, s) != before {
		t.Fatalf("the ticked preview says %q, or stored responses", p)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#import button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#import .notice`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if notice := text("#import .notice"); notice != "Imported 5 responses. Ignored, never stored: IP Address." {
		t.Errorf("after the import the page says %q", notice)
	}
	if n := countResponses(t, s); n != before+5 {
		t.Errorf("the import stored %d responses, want 5", n-before)
	}
}

// A responses file over --body-limit, sent as a multipart form, is read out
// of the body readBody spooled (spooledPart) rather than a second copy:
// wherever the file field stands among the form's fields, the copy of a
// study it is imported into exports again byte for byte what was sent, and
// a form without the field is refused naming it.
func TestLargeMultipartImportReadsTheSpooledForm(t *testing.T) {
	t.Parallel()
	s := uploadLimits(t)
	c := api(t, s, "r@example.com", "researcher")
	id := goldenStudy(t, c, []string{
		`{"key": "company_size", "text": "Company size", "kind": "single", "options": ["1-9", "10-49", "50-249", "250+"], "segment": true}`,
		`{"key": "region", "text": "Region", "kind": "single", "options": ["Americas", "Europe", "Asia-Pacific"]}`,
	}, readTestdata(t, "golden/outcomes.csv"), readTestdata(t, "golden/responses.csv"))
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil)
	wantStatus(t, r, http.StatusOK)
	file := r.body
	if len(file) <= s.cfg.BodyLimit {
		t.Fatalf("the file is %d bytes, not over the body limit", len(file))
	}
	url := serve(t, s)

	tests := []struct {
		name          string
		before, after []string // fields around the file, name and value
		field         string   // the file's field
		want          int
	}{
		{"the file alone", nil, nil, "file", http.StatusCreated},
		{"fields before and after the file", []string{"note", "x", "other", strings.Repeat("y", 1000)}, []string{"after", "z"}, "file", http.StatusCreated},
		{"no field named file", []string{"note", "x"}, nil, "upload", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dup struct{ ID int64 }
			c.send("POST", fmt.Sprintf("/api/v1/studies/%d/duplicate", id), nil).json(t, &dup)
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			for i := 0; i+1 < len(tt.before); i += 2 {
				w.WriteField(tt.before[i], tt.before[i+1])
			}
			f, _ := w.CreateFormFile(tt.field, "responses.csv")
			f.Write([]byte(file))
			for i := 0; i+1 < len(tt.after); i += 2 {
				w.WriteField(tt.after[i], tt.after[i+1])
			}
			w.Close()
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/studies/%d/responses/import", url, dup.ID), &b)
			req.Header.Set("Content-Type", w.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+c.bearer)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if tt.want != http.StatusCreated {
				var refusal struct{ Fields map[string]string }
				if json.Unmarshal(body, &refusal); refusal.Fields["file"] == "" {
					t.Fatalf("refused without naming the file: %s", body)
				}
				return
			}
			again := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", dup.ID), nil)
			wantStatus(t, again, http.StatusOK)
			if again.body != file {
				t.Fatalf("the copy exports %d bytes, unlike the %d imported", len(again.body), len(file))
			}
		})
	}
}
