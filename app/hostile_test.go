package app

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/surveystest"
)

// Hostile text: whatever researchers and respondents type — markup, text
// that reads right to left, invisible joiners, pages of it — is shown on
// every page as the text it is, and exported unchanged, never as markup or
// a formula.

const (
	hostileScript = `<script>alert(1)</script>`
	hostileImg    = `<img src=x onerror=alert(1)>`
	rtlOverride   = "\u202E"
	zeroWidthJoin = "\u200D"
	zeroWidthSp   = "\u200B"
)

// rawMarkup is what no page may hold: the hostile tags, as tags.
var rawMarkup = []string{"<script>alert", "<img src=x", "<b>Ops</b>", "<i>mixed</i>"}

// hostileStudy is an open study made of hostile text, with responses, a
// saved needs-based segmentation and a share link.
type hostileStudy struct {
	id                       int64
	slug, share              string
	name, when, want, soThat string
	intro                    string // 5,000 characters
	statements               []string
	segText, noteText        string
	options                  []string // of the segment question
	labels                   []string // of the saved segmentation
	notes                    []string // text answers, one of 5,000 characters
}

// runesOf pads s with copies of itself to exactly n characters.
func runesOf(s string, n int) string {
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < n {
		b.WriteString(s)
	}
	r := []rune(b.String())
	return string(r[:n])
}

func newHostileStudy(t *testing.T, c *client) *hostileStudy {
	t.Helper()
	h := &hostileStudy{
		name:   "Onboarding " + hostileScript + " " + rtlOverride + "sdrawkcab" + zeroWidthSp,
		when:   "the team " + hostileImg + " grows" + zeroWidthJoin + "past ten",
		want:   "keep <i>mixed</i> & \"quoted\" 'notes' in order",
		soThat: rtlOverride + "nobody answers twice" + zeroWidthSp,
		intro:  runesOf("Welcome "+hostileScript+" "+rtlOverride+"olleh"+zeroWidthJoin+zeroWidthSp+" — ", 5000),
		statements: []string{
			"Minimize the time it takes to find " + hostileScript,
			"Minimize the likelihood of " + hostileImg + " errors",
			"Minimize the effort " + rtlOverride + "sdrawkcab" + zeroWidthJoin + " it takes" + zeroWidthSp,
		},
		segText:  "Which team " + hostileImg + " are you in?",
		noteText: "Anything else " + hostileScript + "?",
		options:  []string{"<b>Ops</b>" + rtlOverride, "Eng " + hostileScript, "=1-1 Sales" + zeroWidthJoin},
		labels:   []string{"Stop " + hostileScript + " losing context", rtlOverride + "Look organised" + zeroWidthJoin},
	}
	// A statement as long as one may be (1,000 characters).
	h.statements = append(h.statements, "Minimize the time it takes to "+runesOf("read "+hostileImg+" twice ", 969)+".")
	h.notes = []string{hostileScript + " " + hostileImg, rtlOverride + "txet" + zeroWidthJoin + zeroWidthSp, runesOf("long "+hostileScript+" ", 4999) + "."}

	r := c.send("POST", "/api/v1/studies", map[string]any{"name": h.name, "intro": h.intro,
		"job": map[string]string{"when": h.when, "want": h.want, "so_that": h.soThat}})
	wantStatus(t, r, http.StatusCreated)
	var st surveys.Study
	r.json(t, &st)
	h.id = st.ID
	base := fmt.Sprintf("/api/v1/studies/%d", h.id)
	wantStatus(t, c.send("POST", base+"/questions", map[string]any{"key": "team", "text": h.segText, "kind": "single",
		"options": h.options, "segment": true}), http.StatusCreated)
	wantStatus(t, c.send("POST", base+"/questions", map[string]any{"key": "note", "text": h.noteText, "kind": "text"}), http.StatusCreated)
	for i, stmt := range h.statements {
		wantStatus(t, c.send("POST", base+"/outcomes", map[string]any{"statement": stmt, "code": fmt.Sprintf("O%02d", i+1)}), http.StatusCreated)
	}
	var pub struct{ Slug string }
	r = c.send("POST", base+"/publish", nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &pub)
	h.slug = pub.Slug

	var rows bytes.Buffer
	w := csv.NewWriter(&rows)
	header := []string{"respondent_id", "status", "team", "note"}
	for i := range h.statements {
		header = append(header, fmt.Sprintf("O%02d_imp", i+1), fmt.Sprintf("O%02d_sat", i+1))
	}
	w.Write(header)
	members := map[string]int{}
	for i := range 36 {
		id := fmt.Sprintf("r%02d", i)
		row := []string{id, "complete", h.options[i%len(h.options)], h.notes[i%len(h.notes)]}
		for j := range h.statements {
			row = append(row, fmt.Sprint(1+(i+j)%5), fmt.Sprint(1+(i*j+1)%5))
		}
		w.Write(row)
		members[id] = i % 2
	}
	w.Flush()
	wantStatus(t, c.do("POST", base+"/responses/import", "text/csv", rows.String()), http.StatusCreated)
	wantStatus(t, c.send("POST", base+"/segmentations", map[string]any{"key": "needs", "labels": h.labels, "members": members}), http.StatusCreated)
	h.share, _ = newShareLink(t, c, h.id, `{"segment_by": "team", "include_responses": true}`)
	return h
}

// escaped is s as html/template writes it in text and quoted attributes.
func escaped(s string) string { return template.HTMLEscapeString(s) }

// wantEscaped fails the test unless page holds no hostile markup, nothing
// escaped twice, and every one of texts escaped and otherwise byte for byte.
// It returns how many texts it checked.
func wantEscaped(t *testing.T, what string, page reply, texts ...string) int {
	t.Helper()
	if page.status != http.StatusOK {
		t.Errorf("%s: status %d", what, page.status)
		return 0
	}
	for _, bad := range rawMarkup {
		if strings.Contains(page.body, bad) {
			t.Errorf("%s holds raw markup %q", what, bad)
		}
	}
	if i := strings.Index(page.body, "&amp;lt;"); i >= 0 {
		t.Errorf("%s escapes text twice: %q", what, page.body[max(0, i-40):min(len(page.body), i+40)])
	}
	for _, text := range texts {
		if !strings.Contains(page.body, escaped(text)) {
			t.Errorf("%s lacks %.60q (escaped, byte for byte)", what, text)
		}
	}
	return len(texts)
}

func TestHostileTextIsShownAsTextOnEveryPage(t *testing.T) {
	s := parallelServer(t)
	c := api(t, s, "r@example.com", accounts.RoleResearcher)
	h := newHostileStudy(t, c)
	study := fmt.Sprintf("/studies/%d", h.id)
	questions := append([]string{h.segText, h.noteText}, h.options...)
	pages, checked := 0, 0
	for _, p := range []struct {
		path  string
		texts []string
	}{
		{"/studies", []string{h.name}},
		{study + "/job", []string{h.name, h.when, h.want, h.soThat, h.intro}},
		{study + "/outcomes", append([]string{h.name}, h.statements...)},
		{study + "/questions", append([]string{h.name}, questions...)},
		{study + "/questions/team", []string{h.segText}},
		{study + "/preview", []string{h.name, h.intro}},
		{study + "/preview?p=1", questions},
		{study + "/preview?p=2", h.statements},
		{study + "/fieldwork", []string{h.name}},
		{study + "/results?segment_by=team", append(append([]string{h.name, h.segText}, h.statements...), h.options...)},
		{study + "/results?segment_by=needs", append(h.labels, h.statements...)},
		{study + "/results?segment_by=team&filter=" + url.QueryEscape("team:"+h.options[0]), append(h.statements, h.options[0])},
		{study + "/segments", h.labels},
		{study + "/canvas?segmentation=needs&segment=s1", append([]string{h.labels[0], h.when, h.want, h.soThat}, h.statements...)},
		{study + "/share", []string{h.name}},
	} {
		checked += wantEscaped(t, p.path, c.get(p.path), p.texts...)
		pages++
	}

	// The respondent's pages, including one redrawn with an error, which
	// shows back what they typed.
	r := newSurveyRespondent(t, s, h.slug)
	checked += wantEscaped(t, "/s/ welcome", r.get("/s/"+h.slug), h.name, h.intro)
	checked += wantEscaped(t, "/s/ profile page", r.start(""), questions...)
	typed := hostileImg + " typed " + rtlOverride + "back" + zeroWidthJoin
	redrawn := r.step(1, url.Values{"q.team": {"not one of them"}, "q.note": {typed}})
	if redrawn.status != http.StatusUnprocessableEntity {
		t.Errorf("a choice not on offer: %d, want the page redrawn with 422", redrawn.status)
	}
	redrawn.status = http.StatusOK
	checked += wantEscaped(t, "/s/ profile page redrawn with an error", redrawn, typed, h.segText)
	checked += wantEscaped(t, "/s/ ratings page", r.step(1, url.Values{"q.team": {h.options[1]}, "q.note": {typed}}), h.statements...)

	checked += wantEscaped(t, "/r/ report", newClient(t, s).get("/r/"+h.share), append(append([]string{h.name, h.when, h.want, h.soThat}, h.statements...), h.options...)...)
	t.Logf("%d researcher pages, 4 respondent pages and the share report: %d hostile texts shown escaped, none as markup", pages, checked)
}

// TestHostileTextIsExportedIntact reads the workbook, the ranked CSV and the
// responses CSV back: every text is there as typed, and no cell of the
// workbook holding people's text is a formula or can become one on editing.
func TestHostileTextIsExportedIntact(t *testing.T) {
	s := parallelServer(t)
	c := api(t, s, "r@example.com", accounts.RoleResearcher)
	h := newHostileStudy(t, c)
	base := fmt.Sprintf("/api/v1/studies/%d", h.id)

	for _, segmentBy := range []string{"team", "needs"} {
		f := readXLSX(t, c.get(base+"/export.xlsx?segment_by="+segmentBy))
		cells, formulaLike := map[string]bool{}, 0
		for _, sheet := range f.GetSheetList() {
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for i, row := range rows {
				for j, v := range row {
					cells[v] = true
					if !strings.HasPrefix(v, "=1-1 Sales") {
						continue
					}
					formulaLike++
					ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
					if fx, _ := f.GetCellFormula(sheet, ref); fx != "" {
						t.Errorf("%s!%s is the formula %q", sheet, ref, fx)
					}
					id, _ := f.GetCellStyle(sheet, ref)
					if xf := f.Styles.CellXfs.Xf[id]; xf.QuotePrefix == nil || !*xf.QuotePrefix {
						t.Errorf("%s!%s %q can turn into a formula when edited: no quotePrefix", sheet, ref, v)
					}
				}
			}
		}
		if formulaLike == 0 {
			t.Errorf("export.xlsx?segment_by=%s has no cell with the option %q", segmentBy, h.options[2])
		}
		want := append(append(append([]string{h.name}, h.statements...), h.options...), h.notes...)
		if segmentBy == "needs" {
			want = append(want, h.labels...)
		}
		for _, text := range want {
			if !cells[text] {
				t.Errorf("export.xlsx?segment_by=%s has no cell holding %.60q as typed", segmentBy, text)
			}
		}
	}

	ranked := readCSV(t, c.get(base+"/opportunities.csv?segment_by=team"))
	for _, text := range append(h.statements, h.options[0], h.options[1], "'"+h.options[2]) {
		if !ranked[text] {
			t.Errorf("opportunities.csv has no cell holding %.60q", text)
		}
	}
	responses := readCSV(t, c.get(base+"/responses.csv"))
	for _, text := range append(h.options, h.notes...) {
		if !responses[text] {
			t.Errorf("responses.csv has no cell holding %.60q as typed", text)
		}
	}
}

// readCSV is the set of cells of a CSV export.
func readCSV(t *testing.T, r reply) map[string]bool {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	records := surveystest.CSV(t, r.body)
	cells := map[string]bool{}
	for _, rec := range records {
		for _, v := range rec {
			cells[v] = true
		}
	}
	return cells
}
