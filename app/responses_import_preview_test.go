package app

import (
	"encoding/csv"
	"html"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

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
	x := excelize.NewFile()
	rows, err := csv.NewReader(strings.NewReader(monkeyExport)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		x.SetSheetRow("Sheet1", cell, &row)
	}
	xb, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	ct, body = csvUpload(browser.csrf(), "export.xlsx", xb.String(), "preview", "1", "out_of_scale", "missing")
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
	ctx := newBrowser(t)
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	id := exportWorkedStudy(t, c)
	base := serve(t, s)
	file := filepath.Join(t.TempDir(), "export.csv")
	if err := os.WriteFile(file, []byte(monkeyExport), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx, append(logInSteps(base, "r@example.com"),
		chromedp.Navigate(base+studyPath(id, "results")),
		chromedp.WaitVisible(chromedp.CSS(`#import-file`)),
	)...)
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
