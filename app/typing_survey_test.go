package app

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// typingSample is the discovered sample study of 600 with its three needs
// segments saved as "needs", and which saved segment each planted segment
// mostly is (planted -> segment index).
func typingSample(t *testing.T) (*Server, *client, *surveys.Study, []int) {
	t.Helper()
	s, c, st, d := discoveredSample(t, 600)
	truth := map[string]int{}
	for _, p := range sample.Generate(sample.Config{Respondents: 600, Seed: 3}).Responses {
		truth[p.ID] = p.Segment
	}
	members := map[string]int{}
	planted := []int{-1, -1, -1}
	for i, sg := range d.Segments {
		var count [3]int
		for _, m := range sg.Members {
			members[m] = i
			count[truth[m]]++
		}
		planted[slices.Index(count[:], slices.Max(count[:]))] = i
	}
	if slices.Contains(planted, -1) {
		t.Fatalf("discovery did not find the three planted segments: %v", planted)
	}
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/segmentations", st.ID),
		map[string]any{"key": "needs", "labels": []string{"Stop losing context", "Look organized", "Ship faster"}, "members": members}), http.StatusCreated)
	return s, c, st, planted
}

// TestTypingSurveyAssignsPlantedRespondents: the typing survey of a six-item
// typing tool is a published study asking exactly the tool's ratings;
// held-out planted respondents who complete it through the API get their
// planted segment about as often as the tool's cross-validated accuracy
// says, in the answer, in the end URL's {segment} and in the exports'
// segment column; a respondent on the survey page gets one too.
func TestTypingSurveyAssignsPlantedRespondents(t *testing.T) {
	s, c, st, planted := typingSample(t)
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)

	r := c.send("POST", base+"/segmentations/needs/typing-survey", nil)
	wantStatus(t, r, http.StatusConflict)
	wantBody(t, r, `segmentation \"needs\" has no typing tool yet: fit one first`)
	wantStatus(t, c.send("POST", base+"/segmentations/nope/typing-survey", nil), http.StatusNotFound)

	var tool results.Typing
	c.send("POST", base+"/segmentations/needs/typing-tool", `{"items": 6}`).json(t, &tool)
	var made struct {
		StudyID int64  `json:"study_id"`
		Slug    string `json:"slug"`
		URL     string `json:"url"`
	}
	r = c.send("POST", base+"/segmentations/needs/typing-survey", nil)
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &made)
	if made.StudyID == st.ID || made.Slug == "" || !strings.HasSuffix(made.URL, "/s/"+made.Slug) {
		t.Fatalf("typing survey %+v", made)
	}
	typing := fmt.Sprintf("/api/v1/studies/%d", made.StudyID)
	var td surveys.Design
	c.send("GET", typing, nil).json(t, &td)
	ts := td.Study
	if ts.Status != surveys.StatusOpen || ts.Language != st.Language || ts.Job != st.Job || ts.FourForces {
		t.Fatalf("typing survey study %+v", ts)
	}
	// Its outcomes are the items' outcomes, each asking the items' scales.
	want := map[string]map[string]bool{}
	for _, it := range tool.Items {
		if want[it.Code] == nil {
			want[it.Code] = map[string]bool{}
		}
		want[it.Code][it.Scale] = true
	}
	outs := td.Outcomes
	source := map[string]string{}
	for _, o := range c.design(st.ID).Outcomes {
		source[o.Code] = o.Statement
	}
	if len(outs) != len(want) {
		t.Fatalf("%d outcomes, want the %d of the items %+v", len(outs), len(want), tool.Items)
	}
	for _, o := range outs {
		ask := "both"
		if w := want[o.Code]; !w["importance"] {
			ask = "satisfaction"
		} else if !w["satisfaction"] {
			ask = "importance"
		}
		if o.Ask != ask || o.Statement != source[o.Code] {
			t.Errorf("outcome %s asks %q (%q), want %q (%q)", o.Code, o.Ask, o.Statement, ask, source[o.Code])
		}
	}

	// {segment} is a placeholder of the typing survey's end URLs only.
	wantField(t, c.send("PATCH", base, `{"end_urls": {"complete": "https://crm.example/x?s={segment}"}}`), "end_urls.complete", "{segment}")
	wantField(t, c.send("PATCH", typing, `{"url_fields": ["segment"]}`), "url_fields[0]", "column")
	wantStatus(t, c.send("PATCH", typing, `{"panel_param": "pid", "end_urls": {"complete": "https://crm.example/done?seg={segment}&pid={panel_id}"}}`), http.StatusOK)

	// Held-out respondents: a sample of another seed, its planted segments
	// alike. Each sends the items' ratings, as the typing survey asks them.
	code := map[int]string{}
	for _, o := range c.design(st.ID).Outcomes {
		code[o.Slot] = o.Code
	}
	slot := map[string]int{}
	for s, c := range code {
		slot[c] = s
	}
	scale := map[string]int{"importance": 0, "satisfaction": 1}
	right, n := 0, 0
	assigned := map[string]string{}
	for _, p := range sample.Generate(sample.Config{Respondents: 400, Seed: 11}).Responses {
		if p.Status != sample.StatusComplete || len(p.Flags) > 0 {
			continue
		}
		ratings := map[string]map[string]int{}
		for _, it := range tool.Items {
			if ratings[it.Code] == nil {
				ratings[it.Code] = map[string]int{}
			}
			if v := p.Ratings[2*slot[it.Code]+scale[it.Scale]]; v != 0 { // 0: left unanswered
				ratings[it.Code][it.Scale] = int(v)
			}
		}
		body := map[string]any{"submission_id": uuid.NewString(), "panel_id": p.ID, "ratings": ratings, "complete": true}
		r := c.send("POST", "/api/v1/s/"+made.Slug+"/responses", body)
		wantStatus(t, r, http.StatusCreated)
		var res struct {
			RespondentID string `json:"respondent_id"`
			Segment      string `json:"segment"`
			SegmentLabel string `json:"segment_label"`
			Redirect     string `json:"redirect"`
		}
		r.json(t, &res)
		wantSeg := results.SegmentID(planted[p.Segment])
		if res.Segment == wantSeg {
			right++
		}
		n++
		if res.Redirect != "https://crm.example/done?seg="+res.Segment+"&pid="+p.ID || res.SegmentLabel == "" {
			t.Fatalf("answer %+v", res)
		}
		assigned[res.RespondentID] = res.Segment
	}
	acc := float64(right) / float64(n)
	t.Logf("typing survey: %d of %d held-out planted respondents in their planted segment (%.3f); the tool reports %.3f", right, n, acc, tool.Accuracy)
	if n < 300 || math.Abs(acc-tool.Accuracy) > 0.06 {
		t.Fatalf("accuracy on %d held-out respondents %.3f, the tool reports %.3f", n, acc, tool.Accuracy)
	}

	// A rating the survey does not ask is refused, naming it.
	for _, o := range outs {
		if o.Ask != "both" {
			other := map[string]string{"importance": "satisfaction", "satisfaction": "importance"}[o.Ask]
			wantField(t, c.send("POST", "/api/v1/s/"+made.Slug+"/responses",
				map[string]any{"submission_id": uuid.NewString(), "ratings": map[string]any{o.Code: map[string]int{other: 3}}}),
				"ratings."+o.Code+"."+other, "not asked")
			break
		}
	}

	// The survey page without JavaScript: one page of the items, each with
	// the scales it asks, and the end page forwards with the segment.
	resp := newSurveyRespondent(t, s, made.Slug)
	page := resp.start("?pid=WEB1")
	v := url.Values{}
	for _, it := range tool.Items {
		field := map[string]string{"importance": "i.", "satisfaction": "s."}[it.Scale] + it.Code
		if !strings.Contains(page.body, `name="`+field+`"`) {
			t.Fatalf("the page lacks %s:\n%s", field, page.body)
		}
		v.Set(field, "4")
	}
	if got := strings.Count(page.body, `type="radio"`); got != 5*len(tool.Items) {
		t.Errorf("the page has %d rating buttons, want 5 for each of the %d items", got, len(tool.Items))
	}
	done := resp.step(1, v)
	wantStatus(t, done, http.StatusOK)
	wantPage(t, done, `url=https://crm.example/done?seg=s`, `&amp;pid=WEB1"`)

	// The exports: a segment column, the answer's segment for every
	// complete response.
	r = c.send("GET", typing+"/responses.csv", nil)
	wantStatus(t, r, http.StatusOK)
	rows := surveystest.CSV(t, strings.TrimPrefix(r.body, "\ufeff"))
	last := len(rows[0]) - 1
	if rows[0][last] != "segment" || len(rows) != n+2 {
		t.Fatalf("responses.csv header %v, %d rows", rows[0], len(rows))
	}
	for _, row := range rows[1:] {
		if got, ok := assigned[row[0]]; ok && row[last] != got {
			t.Errorf("%s: segment %q in the CSV, %q in the answer", row[0], row[last], got)
		}
		if row[last] == "" || !strings.HasPrefix(row[last], "s") {
			t.Errorf("%s has no segment in the CSV: %v", row[0], row)
		}
	}
	// The file imports back (as new respondents): the segment column and
	// a rating the survey does not ask are ignored, and the imported
	// complete responses get their segment from their ratings.
	var unasked string
	for _, o := range outs {
		if o.Ask != "both" {
			unasked = o.Code + map[string]string{"importance": "_sat", "satisfaction": "_imp"}[o.Ask]
			break
		}
	}
	col := slices.Index(rows[0], unasked)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for i, row := range rows {
		row = slices.Clone(row)
		if i > 0 {
			row[0], row[col], row[last] = "imp-"+row[0], "5", "s9"
		}
		w.Write(row)
	}
	w.Flush()
	r = c.do("POST", typing+"/responses/import", "text/csv", buf.String())
	wantStatus(t, r, http.StatusCreated)
	var rep struct {
		Columns []struct {
			Column string `json:"column"`
			MapsTo string `json:"maps_to"`
		} `json:"columns"`
	}
	r.json(t, &rep)
	for _, cl := range rep.Columns {
		if (cl.Column == unasked || cl.Column == "segment") && cl.MapsTo != "ignored" {
			t.Errorf("the import maps %s to %s", cl.Column, cl.MapsTo)
		}
	}
	r = c.send("GET", typing+"/responses.csv", nil)
	again := surveystest.CSV(t, strings.TrimPrefix(r.body, "\ufeff"))
	bySeg := map[string]string{}
	for _, row := range again[1:] {
		bySeg[row[0]] = row[last]
		if strings.HasPrefix(row[0], "imp-") && row[col] != "" {
			t.Fatalf("imported %s holds %s = %q, which the survey does not ask", row[0], unasked, row[col])
		}
	}
	for id, seg := range assigned {
		if bySeg["imp-"+id] != seg {
			t.Errorf("imported imp-%s is in %q, the original in %q", id, bySeg["imp-"+id], seg)
		}
	}

	r = c.send("GET", typing+"/export.xlsx", nil)
	wantStatus(t, r, http.StatusOK)
	f := surveystest.OpenWorkbook(t, []byte(r.body))
	sheet, err := f.GetRows("Responses")
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet) != len(again) || sheet[0][last] != "segment" {
		t.Fatalf("Responses sheet: %d rows, header %v", len(sheet), sheet[0])
	}
	counts := map[string]int{}
	for _, row := range sheet[1:] {
		counts[row[last]]++
	}
	if len(counts) != 3 {
		t.Errorf("the workbook's segments: %v", counts)
	}

	// The typing survey's own results: outcomes asked on one scale score
	// without the other.
	var opp results.Opportunities
	r = c.send("GET", typing+"/opportunities", nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &opp)
	if g := opp.Groups[0]; g.N+g.Excluded != 2*(n+1) { // each respondent, and the copy imported
		t.Errorf("the typing survey's results count %d and leave out %d, want %d in all", g.N, g.Excluded, 2*(n+1))
	}
	researcher := newClient(t, s)
	researcher.login("r@example.com")
	wantStatus(t, researcher.get(studyPath(made.StudyID, "results")), http.StatusOK)
	page = researcher.get(studyPath(made.StudyID, "outcomes"))
	for _, o := range outs {
		if o.Ask != "both" && !strings.Contains(page.body, o.Statement+` <span class="chip">asks `+o.Ask+` only</span>`) {
			t.Errorf("the Outcomes tab does not say %s asks %s only", o.Code, o.Ask)
		}
	}

	// The study's workbook split by the segmentation has its typing tool.
	r = c.send("GET", base+"/export.xlsx?segment_by=needs", nil)
	wantStatus(t, r, http.StatusOK)
	f = surveystest.OpenWorkbook(t, []byte(r.body))
	if code, _ := f.GetCellValue("Typing tool", "A5"); code != tool.Items[0].Code {
		t.Errorf("the Typing tool sheet's first item is %q, want %s (sheets %v)", code, tool.Items[0].Code, f.GetSheetList())
	}
}

// TestSegmentsTabFitsTheTypingToolAndMakesTheSurvey: a saved segmentation
// shows its segments' sizes; its form fits a typing tool (a bad number of
// items is named next to the field), whose accuracy and items the tab then
// shows; the typing survey button makes the survey, opens its Fieldwork tab
// and lists it.
func TestSegmentsTabFitsTheTypingToolAndMakesTheSurvey(t *testing.T) {
	s, c, st, _ := typingSample(t)
	browser := newClient(t, s)
	browser.login("r@example.com")
	tab := studyPath(st.ID, "segments")
	page := browser.get(tab)
	wantStatus(t, page, http.StatusOK)
	var opp results.Opportunities
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities?segment_by=needs", st.ID), nil).json(t, &opp)
	for _, g := range opp.Groups[1:] {
		wantBody(t, page, fmt.Sprintf(`<strong>%s</strong> %s</td><td class="num" data-label="Respondents">%d</td>`, g.Key, g.Label, g.N))
	}
	wantBody(t, page, "Fit a typing tool", `id="typing-needs"`)
	if strings.Contains(page.body, "Create the typing survey") {
		t.Error("the typing survey button shows before there is a typing tool")
	}

	early := browser.submit(studyPath(st.ID, "segmentations/needs/typing-survey"), nil)
	wantStatus(t, early, http.StatusConflict)
	wantBody(t, early, `<div class="alert" role="alert">`, "Segmentation &#34;needs&#34; has no typing tool yet: fit one first.")

	bad := browser.submit(studyPath(st.ID, "segmentations/needs/typing-tool"), url.Values{"items": {"0"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantBody(t, bad, `id="items-needs-err" role="alert"`, `value="0"`)
	fit := browser.submit(studyPath(st.ID, "segmentations/needs/typing-tool"), url.Values{"items": {"6"}})
	if fit.status != http.StatusSeeOther || fit.header.Get("Location") != tab+"#typing-needs" {
		t.Fatalf("fit: %d %s", fit.status, fit.header.Get("Location"))
	}
	var segs []results.Segmentation
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/segmentations", st.ID), nil).json(t, &segs)
	tool := segs[0].TypingTool
	page = browser.get(tab)
	wantBody(t, page, fmt.Sprintf("<strong>%.0f%%</strong> of respondents in their own segment", 100*tool.Accuracy), "Fit again", "Create the typing survey")
	if got := strings.Count(page.body, `<td data-label="Rating">`); got != 6 {
		t.Errorf("the tab lists %d items, want 6", got)
	}

	made := browser.submit(studyPath(st.ID, "segmentations/needs/typing-survey"), nil)
	loc := made.header.Get("Location")
	if made.status != http.StatusSeeOther || !strings.HasSuffix(loc, "/fieldwork") || loc == studyPath(st.ID, "fieldwork") {
		t.Fatalf("typing survey: %d %s", made.status, loc)
	}
	wantBody(t, browser.get(loc), st.Name+" — short survey", "/s/")
	wantBody(t, browser.get(tab), `<a href="`+loc+`">`, "Create another typing survey")
}
