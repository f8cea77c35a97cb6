package app

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"odi/surveys"
	"odi/surveys/results"
)

// The report a share link opens, /r/<token>: what a stakeholder without an
// account sees, and what the link never lets them reach.

// newShareLink makes a share link through the API and returns its token and id.
func newShareLink(t *testing.T, c *client, studyID int64, body string) (string, int64) {
	t.Helper()
	r := c.send("POST", fmt.Sprintf("/api/v1/studies/%d/shares", studyID), body)
	wantStatus(t, r, http.StatusCreated)
	var out struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
		URL   string `json:"url"`
	}
	r.json(t, &out)
	if out.Token == "" || !strings.HasSuffix(out.URL, "/r/"+out.Token) {
		t.Fatalf("share answer %s", r.body)
	}
	return out.Token, out.ID
}

// reportEditControls finds anything on a page that could change something:
// a report may hold at most the group-by selector, a form that only reads.
var reportEditControls = regexp.MustCompile(`(?i)<(input|textarea)\b|contenteditable|method="post"|<form\b[^>]*action="[^"]*/(shares|revoke|studies)`)

// reportControls finds any control at all, for links that fix the grouping.
var reportControls = regexp.MustCompile(`(?i)<(form|button|input|select|textarea)\b|contenteditable`)

// noInlineScript says whether every script on a page is a file of odi's own,
// as the CSP requires.
func noInlineScript(body string) bool {
	return !strings.Contains(body, "style=") && strings.Count(body, "<script") == strings.Count(body, `<script src="/static/`)
}

func TestShareLinkShowsAReadOnlyReport(t *testing.T) {
	s, c := researcherServer(t)
	id := exportWorkedStudy(t, c)
	token, shareID := newShareLink(t, c, id, `{"segment_by": "team_size"}`)
	visitor := newClient(t, s)

	page := visitor.get("/r/" + token)
	wantStatus(t, page, http.StatusOK)
	for _, want := range []string{
		`<h1 dir="auto">Golden</h1>`, "When the team grows past 10 people, I want to put our work into a shared workspace, so I can stop answering the same question.",
		"n = 9", `class="ranked"`, `<span class="chip extreme">extreme</span>`, `<span class="chip overserved">overserved</span>`,
		"<svg", "<title>O04 Reduce the cost of answering again — importance 8.9, satisfaction 0.0, opportunity 17.8 (extreme), n 9</title>",
		`class="heat"`, "Segment comparison", `href="/r/` + token + `/export.xlsx"`, "Download workbook",
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// The ranked table is in rank order.
	first := strings.Index(page.body, `class="ranked"`)
	order := []int{}
	for _, code := range []string{"O04", "O02", "O01", "O03"} {
		order = append(order, strings.Index(page.body[first:], `<span class="code">`+code+`</span>`))
	}
	if !slices.IsSorted(order) || order[0] < 0 {
		t.Errorf("ranked order positions %v", order)
	}
	if m := reportControls.FindString(page.body); m != "" {
		t.Errorf("report of a link fixed to team_size has a control: %q", m)
	}
	if !noInlineScript(page.body) {
		t.Error("report has inline style or script (CSP)")
	}
	if page.header.Get("X-Robots-Tag") == "" || !strings.Contains(page.header.Get("Cache-Control"), "no-store") {
		t.Errorf("headers %v", page.header)
	}
	css := visitor.get("/static/report.css")
	wantStatus(t, css, http.StatusOK)

	// The workbook from the link: results only.
	f := readXLSX(t, visitor.do("GET", "/r/"+token+"/export.xlsx", "", ""))
	want := []string{"Summary", "Opportunities", "small", "large", "Segment comparison", "Landscape", "Outcomes", "Quality"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("shared workbook sheets %q, want %q", got, want)
	}
	if v, _ := f.GetCellValue("Opportunities", "B2"); v != "O04" {
		t.Errorf("shared workbook rank 1 %q", v)
	}

	// With responses when the link says so.
	withResp, _ := newShareLink(t, c, id, `{"include_responses": true}`)
	f = readXLSX(t, visitor.do("GET", "/r/"+withResp+"/export.xlsx", "", ""))
	if !slices.Contains(f.GetSheetList(), "Responses") {
		t.Errorf("include_responses: sheets %q", f.GetSheetList())
	}

	// Revoked: gone, and nothing about the study shows.
	wantStatus(t, c.send("DELETE", fmt.Sprintf("/api/v1/studies/%d/shares/%d", id, shareID), nil), http.StatusNoContent)
	for _, path := range []string{"/r/" + token, "/r/" + token + "/export.xlsx"} {
		r := visitor.get(path)
		wantStatus(t, r, http.StatusNotFound)
		if strings.Contains(r.body, "Golden") || strings.Contains(r.body, "O04") {
			t.Errorf("revoked %s reveals the study: %s", path, r.body)
		}
	}
}

func TestExpiredAndUnknownShareLinksAreNotFound(t *testing.T) {
	s, c := researcherServer(t)
	id := exportWorkedStudy(t, c)
	soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	token, shareID := newShareLink(t, c, id, `{"expires_at": "`+soon+`"}`)
	revoked, revokedID := newShareLink(t, c, id, `{}`)
	wantStatus(t, c.send("DELETE", fmt.Sprintf("/api/v1/studies/%d/shares/%d", id, revokedID), nil), http.StatusNoContent)
	visitor := newClient(t, s)
	wantStatus(t, visitor.get("/r/"+token), http.StatusOK)

	past := time.Now().Add(-time.Minute).UTC()
	if err := s.store.DB().Model(&results.Share{}).Where("id = ?", shareID).Update("expires_at", past).Error; err != nil {
		t.Fatal(err)
	}
	const chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	for _, path := range []string{"/r/" + token, "/r/" + token + "/export.xlsx", "/r/" + revoked, "/r/not-a-token", "/r/not-a-token/export.xlsx", "/r/" + token[:len(token)-1]} {
		// A browser, and a client that names no type, get a plain page.
		for _, accept := range []string{chromium, "*/*", ""} {
			r := visitor.do("GET", path, "", "", "Accept", accept)
			wantStatus(t, r, http.StatusNotFound)
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, "This link does not work") {
				t.Errorf("%s (Accept %q): %s %.200s, want the plain HTML page", path, accept, r.header.Get("Content-Type"), r.body)
			}
			low := strings.ToLower(r.body)
			for _, secret := range []string{"golden", "expired", "revoked", "/login", "/studies"} {
				if strings.Contains(low, secret) {
					t.Errorf("%s says too much (%q): %s", path, secret, r.body)
				}
			}
		}
		// A script asking for JSON gets the API's answer.
		r := visitor.do("GET", path, "", "", "Accept", "application/json")
		wantStatus(t, r, http.StatusNotFound)
		if strings.TrimSpace(r.body) != `{"error":"not found"}` {
			t.Errorf("%s as JSON: %s", path, r.body)
		}
	}
}

// savedNeeds saves a two-segment needs segmentation of the worked example.
func savedNeeds(t *testing.T, c *client, id int64) {
	t.Helper()
	members := map[string]int{}
	for i := 1; i <= 10; i++ {
		members[fmt.Sprintf("r%02d", i)] = (i - 1) / 5
	}
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/segmentations", id),
		map[string]any{"key": "needs", "labels": []string{"Find decisions fast", "Onboard without help"}, "members": members}), http.StatusCreated)
}

// openAndFixedLinks shares the worked study, with a saved segmentation, by
// one link that leaves the split to the reader and one fixed to team_size,
// and returns them with a visitor who has no account.
func openAndFixedLinks(t *testing.T) (open, fixed string, visitor *client) {
	t.Helper()
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	id := exportWorkedStudy(t, c)
	savedNeeds(t, c, id)
	open, _ = newShareLink(t, c, id, `{}`)
	fixed, _ = newShareLink(t, c, id, `{"segment_by": "team_size"}`)
	return open, fixed, newClient(t, s)
}

func TestReportOffersTheGroupByOnlyWhenTheLinkLeavesItOpen(t *testing.T) {
	t.Parallel()
	open, fixed, visitor := openAndFixedLinks(t)

	page := visitor.get("/r/" + open)
	wantStatus(t, page, http.StatusOK)
	for _, want := range []string{`<form method="get" action="/r/` + open + `"`, `<select id="segment_by" name="segment_by">`,
		`<option value="team_size">Team size</option>`, `<option value="needs">Saved segmentation needs</option>`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("open link's report lacks %q", want)
		}
	}
	if strings.Contains(page.body, `class="heat"`) {
		t.Error("a report of all respondents shows a segment comparison")
	}
	if m := reportEditControls.FindString(page.body); m != "" {
		t.Errorf("report has an edit control: %q", m)
	}

	split := visitor.get("/r/" + open + "?segment_by=needs")
	wantStatus(t, split, http.StatusOK)
	for _, want := range []string{`<option value="needs" selected>`, `class="heat"`, "<bdi>Find decisions fast</bdi>", "<bdi>Onboard without help</bdi>",
		`href="/r/` + open + `/export.xlsx?segment_by=needs"`} {
		if !strings.Contains(split.body, want) {
			t.Errorf("report grouped by needs lacks %q", want)
		}
	}
	f := readXLSX(t, visitor.do("GET", "/r/"+open+"/export.xlsx?segment_by=needs", "", ""))
	if got := f.GetSheetList(); !slices.Contains(got, "Find decisions fast") {
		t.Errorf("workbook of the grouped report: sheets %q", got)
	}

	bad := visitor.get("/r/" + open + "?segment_by=nothing")
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.body, `id="segment_by-err"`) || !strings.Contains(bad.body, `class="ranked"`) {
		t.Error("a bad group-by is not shown beside the selector above the report of all respondents")
	}

	// A fixed link shows its own grouping whatever the address asks for.
	page = visitor.get("/r/" + fixed + "?segment_by=needs")
	wantStatus(t, page, http.StatusOK)
	if m := reportControls.FindString(page.body); m != "" {
		t.Errorf("fixed link's report has a control: %q", m)
	}
	if strings.Contains(page.body, "Find decisions fast") || !strings.Contains(page.body, "<bdi>small</bdi>") {
		t.Error("a link fixed to team_size shows another grouping")
	}
	f = readXLSX(t, visitor.do("GET", "/r/"+fixed+"/export.xlsx?segment_by=needs", "", ""))
	if got := f.GetSheetList(); !slices.Contains(got, "small") || slices.Contains(got, "Find decisions fast") {
		t.Errorf("fixed link's workbook: sheets %q", got)
	}
}

func TestReportLinksTheCanvasOfEachSavedSegment(t *testing.T) {
	t.Parallel()
	open, fixed, visitor := openAndFixedLinks(t)

	page := visitor.get("/r/" + open)
	wantStatus(t, page, http.StatusOK)
	link := "/r/" + open + "/canvas?segment=s2&amp;segmentation=needs"
	if !strings.Contains(page.body, `<a href="`+link+`"><bdi>Onboard without help</bdi></a>`) {
		t.Fatalf("report lacks the canvas link %s", link)
	}
	canvas := visitor.get(html.UnescapeString(link))
	wantStatus(t, canvas, http.StatusOK)
	for _, want := range []string{"Segment canvas: <bdi>Onboard without help</bdi>", "4 respondents, 44% of 9", "Top outcomes",
		"Profile overlap", "team_size — Team size", `<a href="/r/` + open + `">`} {
		if !strings.Contains(canvas.body, want) {
			t.Errorf("canvas lacks %q", want)
		}
	}
	if m := reportControls.FindString(canvas.body); m != "" {
		t.Errorf("canvas has a control: %q", m)
	}
	if strings.Contains(canvas.body, "/studies/") {
		t.Error("the stakeholder's canvas links into the researcher's pages")
	}
	index := visitor.get("/r/" + open + "/canvas")
	wantStatus(t, index, http.StatusOK)
	if !strings.Contains(index.body, "Find decisions fast") || !strings.Contains(index.body, "Onboard without help") {
		t.Error("the canvas list lacks a saved segment")
	}

	// A link fixed to a question shows no needs segments.
	if page := visitor.get("/r/" + fixed); strings.Contains(page.body, "Segment canvases") {
		t.Error("a link fixed to team_size lists needs canvases")
	}
	for _, path := range []string{"/r/" + fixed + "/canvas?segmentation=needs&segment=s1", "/r/" + open + "/canvas?segmentation=needs&segment=s9",
		"/r/" + open + "/canvas?segmentation=team_size&segment=small", "/r/nope/canvas"} {
		r := visitor.get(path)
		wantStatus(t, r, http.StatusNotFound)
		if !strings.Contains(r.body, "This link does not work") {
			t.Errorf("%s: %.200s", path, r.body)
		}
	}
}

func TestShareTokenOpensNoAPI(t *testing.T) {
	s, c := researcherServer(t)
	id := exportWorkedStudy(t, c)
	token, _ := newShareLink(t, c, id, `{"segment_by": "team_size", "include_responses": true}`)
	visitor := newClient(t, s)
	visitor.bearer = token
	for _, path := range []string{
		"/api/v1/studies",
		fmt.Sprintf("/api/v1/studies/%d", id),
		fmt.Sprintf("/api/v1/studies/%d/opportunities", id),
		fmt.Sprintf("/api/v1/studies/%d/export.xlsx", id),
		fmt.Sprintf("/api/v1/studies/%d/opportunities.csv", id),
		fmt.Sprintf("/api/v1/studies/%d/responses.csv", id),
		fmt.Sprintf("/api/v1/studies/%d/shares", id),
	} {
		wantStatus(t, visitor.send("GET", path, nil), http.StatusUnauthorized)
	}
	// Nor as a cookie or a query parameter.
	wantStatus(t, visitor.do("GET", fmt.Sprintf("/api/v1/studies/%d?token=%s", id, token), "", "", "Cookie", "odi_session="+token), http.StatusUnauthorized)
}

func TestHostileTextIsEscapedOnTheReportAndInertInTheWorkbook(t *testing.T) {
	s, c := researcherServer(t)
	name := `<script>alert("name")</script> =1+1`
	r := c.send("POST", "/api/v1/studies", map[string]any{"name": name,
		"job": map[string]string{"when": `<img src=x onerror=alert(1)>`, "want": "=HYPERLINK(\"http://evil.test\")", "so_that": "\u202Ereversed"}})
	wantStatus(t, r, http.StatusCreated)
	var st surveys.Study
	r.json(t, &st)
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	wantStatus(t, c.send("POST", base+"/questions", `{"key": "seg", "text": "Seg", "kind": "single", "options": ["<b>bold</b>", "=1+1", "@home"], "segment": true}`), http.StatusCreated)
	outcomes := "statement,code\n" +
		`"<script>alert('o')</script> Minimize the time to find it",O01` + "\n" +
		`"=HYPERLINK(""http://evil.test"",""x"") Minimize the risk",O02` + "\n" +
		`"+44 20 7946 0000 Minimize the calls",O03` + "\n" +
		`"-1+1 Minimize the errors",O04` + "\n" +
		`"@SUM(1) Minimize the sums",O05` + "\n" +
		"\"\u200B=1+1 Minimize the invisible\",O06\n" +
		"\"خفض الوقت اللازم للعثور على قرار\",O07\n" +
		"\"" + strings.Repeat("Minimize the time it takes to find the thing ", 20) + "\",O08\n"
	wantStatus(t, c.do("POST", base+"/outcomes/import", "text/csv", outcomes), http.StatusCreated)
	var rows strings.Builder
	rows.WriteString("respondent_id,status,seg")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&rows, ",O%02d_imp,O%02d_sat", i, i)
	}
	rows.WriteString("\n")
	for i, seg := range []string{"<b>bold</b>", "=1+1", "@home", "<b>bold</b>", "=1+1", "@home"} {
		fmt.Fprintf(&rows, "r%d,complete,%s", i, seg)
		for j := range 8 {
			fmt.Fprintf(&rows, ",%d,%d", 1+(i+j)%5, 1+(i*j)%5)
		}
		rows.WriteString("\n")
	}
	wantStatus(t, c.do("POST", base+"/responses/import", "text/csv", rows.String()), http.StatusCreated)
	token, _ := newShareLink(t, c, st.ID, `{"segment_by": "seg"}`)

	page := newClient(t, s).get("/r/" + token)
	wantStatus(t, page, http.StatusOK)
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>bold</b>"} {
		if strings.Contains(page.body, bad) {
			t.Errorf("report holds raw %q", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; =1&#43;1", "&lt;b&gt;bold&lt;/b&gt;", "&lt;img src=x onerror=alert(1)&gt;",
		"=HYPERLINK(", "خفض الوقت", "\u202Ereversed"} {
		if !strings.Contains(page.body, good) {
			t.Errorf("report lacks escaped %q in %.300s", good, page.body[strings.Index(page.body, "<h1>"):])
		}
	}
	if m := reportControls.FindString(page.body); m != "" {
		t.Errorf("report has a control: %q", m)
	}

	f := readXLSX(t, newClient(t, s).do("GET", "/r/"+token+"/export.xlsx", "", ""))
	sheets := f.GetSheetList()
	if !slices.Equal(sheets[2:5], []string{"<b>bold<_b>", "=1+1", "@home"}) {
		t.Errorf("segment sheets %q", sheets)
	}
	if v, _ := f.GetCellValue("Summary", "B3"); v != name {
		t.Errorf("study name %q", v)
	}
	all, _ := f.GetRows("Opportunities")
	for i, row := range all[1:] {
		ref := fmt.Sprintf("D%d", i+2)
		if fx, _ := f.GetCellFormula("Opportunities", ref); fx != "" {
			t.Errorf("%s is a formula %q", ref, fx)
		}
		id, _ := f.GetCellStyle("Opportunities", ref)
		f.GetStyle(id)
		xf := f.Styles.CellXfs.Xf[id]
		lead := strings.ContainsAny(row[3][:1], "=+-@")
		if quoted := xf.QuotePrefix != nil && *xf.QuotePrefix; quoted != lead {
			t.Errorf("%s %.20q quotePrefix %v", ref, row[3], quoted)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
}
