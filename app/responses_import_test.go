package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
	ctx := newBrowser(t)
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	id := exportWorkedStudy(t, c)
	base := serve(t, s)
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
	err := chromedp.Do(ctx, logInSteps(base, "r@example.com")...)
	if err != nil {
		t.Fatal(err)
	}

	// Record what the progress area shows as it changes, in sessionStorage
	// so the record outlives the reload after a good import.
	watch := `sessionStorage.setItem('stages', '[]'); new MutationObserver(() => {
		const p = document.querySelector('.import-progress'), bar = p.querySelector('progress');
		const s = JSON.parse(sessionStorage.getItem('stages'));
		s.push(p.hidden ? 'hidden' : p.querySelector('.import-stage').textContent + ' ' + (bar.hasAttribute('value') ? bar.value : 'busy'));
		sessionStorage.setItem('stages', JSON.stringify(s)); })
		.observe(document.querySelector('#import'), {subtree: true, childList: true, attributes: true, characterData: true}); true`
	err = chromedp.Do(ctx,
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
