package app

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/surveystest"
)

// panelStudy is publishedStudy (a Slack screener, a company_size quota of
// one large company, two outcomes) sent by a panel: the panel id in pid,
// the URL field src, and one end URL per outcome.
func panelStudy(t *testing.T, s *Server, c *client) (int64, string) {
	t.Helper()
	id, slug := publishedStudy(t, s, c)
	wantStatus(t, c.send("PATCH", "/api/v1/studies/"+itoa(id), map[string]any{"panel_param": "pid", "url_fields": []string{"src"},
		"end_urls": map[string]string{
			"complete":     "https://panel.example/c?id={panel_id}&src={src}",
			"screened_out": "https://panel.example/s?id={panel_id}&st={status}",
			"quota_full":   "https://panel.example/q?id={panel_id}&st={status}&src={src}",
		}}), http.StatusOK)
	return id, slug
}

// panelLinkQuery is the query of a panel's link: pid and src, URL-encoded.
func panelLinkQuery(pid, src string) string {
	return "?" + url.Values{"pid": {pid}, "src": {src}}.Encode()
}

// byPanelID loads the stored responses of a panel id.
func byPanelID(t *testing.T, s *Server, pid string) []surveys.Response {
	t.Helper()
	var out []surveys.Response
	if err := s.store.DB().Where("external_id = ?", pid).Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPanelLinkWithoutJavaScript follows panel respondents through the
// survey page as a browser without JavaScript does: the panel id and the
// URL field come from the link, are kept through every step and stored;
// each outcome ends at its own URL, filled and URL-escaped; a panel id that
// finished is told so with 409 and nothing is stored; one that did not
// finish continues where it stopped, on another device too.
func TestPanelLinkWithoutJavaScript(t *testing.T) {
	s, c := researcherServer(t)
	id, slug := panelStudy(t, s, c)
	en := surveys.Messages["en"]
	ratings := url.Values{"i.O01": {"5"}, "s.O01": {"2"}, "i.O02": {"4"}, "s.O02": {"1"}}
	forces := url.Values{"f.push": {"8"}, "f.pull": {"7"}, "f.anxiety": {"3"}, "f.habit": {"2"}}

	// Complete. "P 1&x" and "news/letter?" escape, by url.QueryEscape's
	// rules worked by hand, as P+1%26x and news%2Fletter%3F.
	r := newSurveyRespondent(t, s, slug)
	welcome := r.get("/s/" + slug + panelLinkQuery("P 1&x", "news/letter?"))
	wantPage(t, welcome, `<input type="hidden" name="panel_id" value="P 1&amp;x">`, `<input type="hidden" name="url.src" value="news/letter?">`)
	wantPage(t, r.start(panelLinkQuery("P 1&x", "news/letter?")), "Do you use Slack?")
	token := r.token()
	r.step(1, url.Values{"q.uses_slack": {"Yes"}})
	r.step(2, url.Values{"q.company_size": {"small"}})
	r.step(3, ratings)
	done := r.step(4, forces)
	wantStatus(t, done, http.StatusOK)
	wantPage(t, done, en["thanks"], `http-equiv="refresh" content="2; url=https://panel.example/c?id=P&#43;1%26x&amp;src=news%2Fletter%3F"`,
		`href="https://panel.example/c?id=P&#43;1%26x&amp;src=news%2Fletter%3F"`)
	stored := storedResponse(t, s, slug, token)
	if stored.Status != surveys.Complete || stored.ExternalID != "P 1&x" || stored.URLFields["src"] != "news/letter?" {
		t.Fatalf("stored %s, panel id %q, url fields %v", stored.Status, stored.ExternalID, stored.URLFields)
	}

	// The same panel id again, on another device: 409, a page that says so,
	// and nothing stored, by the page or by the API.
	n := countResponses(t, s)
	again := newSurveyRespondent(t, s, slug)
	page := again.get("/s/" + slug + panelLinkQuery("P 1&x", "other"))
	wantStatus(t, page, http.StatusConflict)
	wantPage(t, page, en["panel_done"])
	api := sub(true, map[string]any{"uses_slack": "Yes", "company_size": "small"}, nil)
	api["panel_id"] = "P 1&x"
	wantStatus(t, again.send("POST", "/api/v1/s/"+slug+"/responses", api), http.StatusConflict)
	if got := countResponses(t, s); got != n {
		t.Fatalf("%d responses after the second finish, want %d", got, n)
	}

	// Screened out by the screener, and over the quota of one large company.
	for _, tc := range []struct {
		pid, size, slack, want string
		page                   int
	}{
		{"S1", "", "No", `url=https://panel.example/s?id=S1&amp;st=screened_out"`, 1},
		{"Q1", "large", "Yes", `url=https://panel.example/c?id=Q1&amp;src=ads"`, 4},
		{"Q2", "large", "Yes", `url=https://panel.example/q?id=Q2&amp;st=quota_full&amp;src=ads"`, 2},
	} {
		r := newSurveyRespondent(t, s, slug)
		r.start(panelLinkQuery(tc.pid, "ads"))
		steps := []url.Values{{"q.uses_slack": {tc.slack}}, {"q.company_size": {tc.size}}, ratings, forces}
		var end reply
		for p := 1; p <= tc.page; p++ {
			end = r.step(p, steps[p-1])
		}
		wantStatus(t, end, http.StatusOK)
		wantPage(t, end, tc.want)
	}
	for pid, want := range map[string]string{"S1": surveys.ScreenedOut, "Q1": surveys.Complete, "Q2": surveys.QuotaFull} {
		if got := byPanelID(t, s, pid); len(got) != 1 || got[0].Status != want || got[0].URLFields["src"] != "ads" {
			t.Errorf("panel id %s: %d responses, %+v; want one %s from src ads", pid, len(got), got, want)
		}
	}

	// Unfinished: the panel sends R1 back to the link on another device,
	// which continues the response at its first step left to answer (the
	// profile questions are optional, so the outcomes).
	first := newSurveyRespondent(t, s, slug)
	first.start(panelLinkQuery("R1", "mail"))
	first.step(1, url.Values{"q.uses_slack": {"Yes"}})
	other := newSurveyRespondent(t, s, slug)
	resumed := other.get("/s/" + slug + panelLinkQuery("R1", "mail"))
	wantStatus(t, resumed, http.StatusOK)
	wantPage(t, resumed, "Page 3 of 4", `name="i.O01"`)
	if other.token() == "" || other.token() != first.token() {
		t.Fatalf("the other device resumes %q, the first holds %q", other.token(), first.token())
	}
	other.step(3, ratings)
	wantPage(t, other.step(4, forces), `url=https://panel.example/c?id=R1&amp;src=mail"`)
	if got := byPanelID(t, s, "R1"); len(got) != 1 || got[0].Status != surveys.Complete || got[0].Answers["uses_slack"] != "Yes" {
		t.Fatalf("R1: %+v, want one complete response holding the first device's answer", got)
	}

	// responses.csv: panel_id, then src, after the cleaning columns.
	recs := surveystest.CSV(t, c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil).body)
	if want := []string{"respondent_id", "status", "excluded", "flags", "started_at", "finished_at", "panel_id", "src", "uses_slack"}; !slices.Equal(recs[0][:9], want) {
		t.Fatalf("header %q, want %q", recs[0][:9], want)
	}
	rows := map[string][]string{}
	for _, rec := range recs[1:] {
		rows[rec[6]] = rec
	}
	for pid, want := range map[string][2]string{"P 1&x": {surveys.Complete, "news/letter?"}, "S1": {surveys.ScreenedOut, "ads"},
		"Q2": {surveys.QuotaFull, "ads"}, "R1": {surveys.Complete, "mail"}} {
		if row := rows[pid]; row == nil || row[1] != want[0] || row[7] != want[1] {
			t.Errorf("responses.csv row of %s: %q, want status %s and src %s", pid, row, want[0], want[1])
		}
	}

	// Fieldwork counts the quota_full apart from screened_out, by channel too.
	var fw fieldwork.Summary
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/fieldwork", id), nil).json(t, &fw)
	if fw.Counts[surveys.QuotaFull] != 1 || fw.Counts[surveys.ScreenedOut] != 1 || fw.Counts[surveys.Complete] != 3 {
		t.Errorf("fieldwork counts %v, want 3 complete, 1 screened out, 1 quota full", fw.Counts)
	}
	if len(fw.Channels) != 1 || fw.Channels[0].Key != surveys.SourceLink || fw.Channels[0].Started != 5 || fw.Channels[0].Counts[surveys.QuotaFull] != 1 {
		t.Errorf("channels %+v, want the open link alone with 5 started, 1 quota full", fw.Channels)
	}
	wantPage(t, c.get(fmt.Sprintf("/studies/%d/fieldwork", id)), "<h3>By channel</h3>", `<th scope="row">Open link</th>`,
		`<td data-label="quota full" class="num">1</td>`, "?pid=…&amp;src=…")
	// The URL field splits and filters the results like a question: the
	// complete responses from each src (Q2 and S1 did not complete), in the
	// results or left out by the cleaning (they answered alike from one
	// network, so all but the first are duplicates).
	for query, want := range map[string]map[string]float64{
		"?segment_by=src":    {"all": 3, "ads": 1, "mail": 1, "news/letter?": 1},
		"?filter=src%3Amail": {"all": 1},
		"?filter=src%3Anews%2Fletter%3F&segment_by=src": {"all": 1, "ads": 0, "mail": 0, "news/letter?": 1},
	} {
		got := map[string]float64{}
		for _, g := range groupsOf(t, c, id, query) {
			g := g.(map[string]any)
			got[g["key"].(string)] = g["n"].(float64) + g["excluded"].(float64)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("opportunities%s: n by group %v, want %v", query, got, want)
		}
	}
	t.Logf("5 panel respondents: P 1&x complete (its second finish 409), S1 screened out, Q1 complete, Q2 quota full, R1 resumed on another device; each sent to its outcome's URL")
}

// TestPanelSubmissionsThroughTheAPI: a submission carries panel_id and
// url_fields; redirect is its outcome's URL filled in; a finished panel id
// is refused with 409 and stores nothing; an unfinished one continues the
// same response; URL fields the study does not keep are named.
func TestPanelSubmissionsThroughTheAPI(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *Server) { panelSubmissions(t, s) })
}

func panelSubmissions(t *testing.T, s *Server) {
	c := api(t, s, "r@example.com", "researcher")
	_, slug := panelStudy(t, s, c)
	anon, path := respondent(t, s, slug)
	rating := map[string]any{"O01": map[string]any{"importance": 4, "satisfaction": 2}, "O02": map[string]any{"importance": 5, "satisfaction": 3}}
	panel := func(body map[string]any, pid string, fields map[string]string) map[string]any {
		body["panel_id"], body["url_fields"] = pid, fields
		return body
	}

	var res fieldwork.SubmitResult
	r := anon.send("POST", path, panel(sub(true, map[string]any{"uses_slack": "Yes", "company_size": "small"}, rating), "J 1", map[string]string{"src": "a&b"}))
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &res)
	if res.Status != surveys.Complete || res.Redirect != "https://panel.example/c?id=J+1&src=a%26b" {
		t.Fatalf("first finish: %+v", res)
	}
	n := countResponses(t, s)
	wantStatus(t, anon.send("POST", path, panel(sub(true, map[string]any{"uses_slack": "Yes", "company_size": "small"}, rating), "J 1", nil)), http.StatusConflict)
	wantStatus(t, anon.send("POST", path, panel(sub(false, nil, nil), "J 1", nil)), http.StatusConflict)
	if got := countResponses(t, s); got != n {
		t.Fatalf("%d responses after refused finishes, want %d", got, n)
	}
	// The same submission sent again answers its first result.
	first := panel(sub(false, map[string]any{"uses_slack": "Yes"}, nil), "J2", map[string]string{"src": "x"})
	r = anon.send("POST", path, first)
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &res)
	started := res.RespondentID
	wantStatus(t, anon.send("POST", path, first), http.StatusOK)
	// A new submission of the unfinished J2 continues its response.
	r = anon.send("POST", path, panel(sub(true, map[string]any{"company_size": "large"}, rating), "J2", nil))
	wantStatus(t, r, http.StatusOK)
	r.json(t, &res)
	if res.RespondentID != started || res.Status != surveys.Complete || res.Redirect != "https://panel.example/c?id=J2&src=x" {
		t.Fatalf("continued J2: %+v, want %s complete", res, started)
	}
	if got := byPanelID(t, s, "J2"); len(got) != 1 || got[0].Answers["uses_slack"] != "Yes" || got[0].Answers["company_size"] != "large" {
		t.Fatalf("J2 stored %+v", got)
	}
	// The quota of one large company is full now.
	r = anon.send("POST", path, panel(sub(true, map[string]any{"uses_slack": "Yes", "company_size": "large"}, rating), "J3", map[string]string{"src": "é"}))
	r.json(t, &res)
	if res.Status != surveys.QuotaFull || res.Redirect != "https://panel.example/q?id=J3&st=quota_full&src=%C3%A9" {
		t.Fatalf("J3: %+v", res)
	}
	wantField(t, anon.send("POST", path, panel(sub(false, nil, nil), "J4", map[string]string{"campaign": "x"})), "url_fields.campaign", "not a URL field")

	// Eight finishes of one new panel id at once: one is stored.
	n = countResponses(t, s)
	codes := make([]int, 8)
	var wg sync.WaitGroup
	for i := range codes {
		own := newClient(t, s) // a client each: one keeps cookies in a plain map
		wg.Go(func() {
			codes[i] = own.send("POST", path, panel(sub(true, map[string]any{"uses_slack": "Yes", "company_size": "small"}, rating), "J5", nil)).status
		})
	}
	wg.Wait()
	slices.Sort(codes)
	if codes[0] != http.StatusCreated || codes[1] != http.StatusConflict || codes[7] != http.StatusConflict {
		t.Errorf("eight finishes of J5 answered %v, want one 201 and seven 409", codes)
	}
	if got := countResponses(t, s); got != n+1 {
		t.Errorf("%d responses after eight finishes of J5, want %d", got, n+1)
	}
	wantField(t, anon.send("POST", path, panel(sub(false, nil, nil), strings.Repeat("p", 201), nil)), "panel_id", "at most 200")
}

// TestPanelSettingsAndPresets: the panel settings are checked field by
// field, and each preset fills the three end URLs as its panel documents.
func TestPanelSettingsAndPresets(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Panel")
	base := "/api/v1/studies/" + itoa(id)
	for _, tc := range []struct {
		body, field, msg string
	}{
		{`{"panel_param": "p id"}`, "panel_param", "URL parameter name"},
		{`{"panel_param": "r"}`, "panel_param", "survey link itself"},
		{`{"url_fields": ["src", "src"]}`, "url_fields[1]", "named twice"},
		{`{"url_fields": ["panel_id"]}`, "url_fields[0]", "column of the responses file"},
		{`{"end_urls": {"complete": "https://p.example/?a={nope}"}}`, "end_urls.complete", "{nope}"},
		{`{"end_urls": {"quota_full": "ftp://p.example/"}}`, "end_urls.quota_full", "http(s) URL"},
		{`{"panel_preset": {"id": "acme"}}`, "panel_preset.id", "prolific, cint, dynata"},
		{`{"panel_preset": {"id": "prolific"}}`, "panel_preset.codes.complete", "is required"},
		{`{"panel_preset": {"id": "cint", "base_url": "nope"}}`, "panel_preset.base_url", "http(s) URL"},
	} {
		wantField(t, c.send("PATCH", base, tc.body), tc.field, tc.msg)
	}
	// A URL field and a profile question would share a responses.csv column.
	wantStatus(t, c.send("POST", base+"/questions", `{"key": "src", "text": "Where from?", "kind": "text"}`), http.StatusCreated)
	wantField(t, c.send("PATCH", base, `{"url_fields": ["campaign", "src"]}`), "url_fields[1]", "key of a profile question")
	wantStatus(t, c.send("PATCH", base, `{"url_fields": ["campaign"]}`), http.StatusOK)
	wantField(t, c.send("POST", base+"/questions", `{"key": "campaign", "text": "Campaign?", "kind": "text"}`), "key", "URL field")

	var presets []surveys.PanelPreset
	c.send("GET", "/api/v1/panel-presets", nil).json(t, &presets)
	if len(presets) != 3 || presets[0].ID != "prolific" || presets[0].Needs != "codes" || presets[1].Needs != "base_url" {
		t.Fatalf("presets %+v", presets)
	}
	for _, tc := range []struct {
		preset string
		param  string
		want   surveys.EndURLs
	}{
		{`{"id": "prolific", "codes": {"complete": "C1A2", "screened_out": "SCR 9"}}`, "PROLIFIC_PID", surveys.EndURLs{
			Complete:    "https://app.prolific.com/submissions/complete?cc=C1A2",
			ScreenedOut: "https://app.prolific.com/submissions/complete?cc=SCR+9"}},
		{`{"id": "cint"}`, "RID", surveys.EndURLs{
			Complete:    "https://samplicio.us/s/ClientCallBack.aspx?RIS=10&RID={panel_id}",
			ScreenedOut: "https://samplicio.us/s/ClientCallBack.aspx?RIS=20&RID={panel_id}",
			QuotaFull:   "https://samplicio.us/s/ClientCallBack.aspx?RIS=40&RID={panel_id}"}},
		{`{"id": "dynata", "base_url": "https://dkr1.ssisurveys.com/projects/end?proj=77"}`, "psid", surveys.EndURLs{
			Complete:    "https://dkr1.ssisurveys.com/projects/end?proj=77&rst=1&psid={panel_id}",
			ScreenedOut: "https://dkr1.ssisurveys.com/projects/end?proj=77&rst=2&psid={panel_id}",
			QuotaFull:   "https://dkr1.ssisurveys.com/projects/end?proj=77&rst=3&psid={panel_id}"}},
	} {
		var st surveys.Study
		r := c.send("PATCH", base, `{"panel_preset": `+tc.preset+`}`)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &st)
		if st.PanelParam != tc.param || st.EndURLs != tc.want {
			t.Errorf("preset %s: panel_param %q, end_urls %+v; want %q, %+v", tc.preset, st.PanelParam, st.EndURLs, tc.param, tc.want)
		}
	}
}
