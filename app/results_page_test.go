package app

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/sample"
)

// analysisWorld is an owner with the 600-respondent sample study and a
// stranger, both logged in through the real form.
type analysisWorld struct {
	s               *Server
	owner, stranger *client
	id              int64
}

func newAnalysisWorld(t *testing.T) *analysisWorld {
	t.Helper()
	s := newTestServer(t)
	mustUser(t, s, "owner@example.com", accounts.RoleResearcher)
	mustUser(t, s, "stranger@example.com", accounts.RoleResearcher)
	st, _ := loadSample(t, s, "owner@example.com", sample.Config{Respondents: 600, Seed: 3})
	w := &analysisWorld{s: s, owner: newClient(t, s), stranger: newClient(t, s), id: st.ID}
	w.owner.login("owner@example.com")
	w.stranger.login("stranger@example.com")
	return w
}

func (w *analysisWorld) path(tab string) string { return studyPath(w.id, tab) }

func (w *analysisWorld) form(v url.Values) url.Values {
	v.Set("_csrf", w.owner.csrf())
	return v
}

// apiOpportunities is what the JSON API answers for the same query.
func (w *analysisWorld) apiOpportunities(t *testing.T, query string) results.Opportunities {
	t.Helper()
	r := w.owner.do("GET", "/api/v1/studies/"+itoa(w.id)+"/opportunities"+query, "", "")
	if r.status != http.StatusOK {
		t.Fatalf("opportunities API: %d %s", r.status, r.body)
	}
	var o results.Opportunities
	r.json(t, &o)
	return o
}

func analysisStatus(t *testing.T, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.2000s", r.status, status, r.body)
	}
}

// refusedBeside posts form to the tab and wants a 422 page that marks field.
func (w *analysisWorld) refusedBeside(t *testing.T, tab string, form url.Values, field string) {
	t.Helper()
	r := w.owner.postForm(w.path(tab), w.form(form))
	analysisStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `id="`+field+`-err"`) {
		t.Errorf("%s: %s is not marked beside its field", tab, field)
	}
}

func TestAnalysisTabsAreTheOwnersOnly(t *testing.T) {
	t.Parallel()
	w := newAnalysisWorld(t)
	for _, tab := range []string{"fieldwork", "results", "segments", "share", "results?segment_by=company_size"} {
		r := w.owner.get(w.path(tab))
		analysisStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, `aria-current="page">`+tabTitle(strings.Split(tab, "?")[0])) {
			t.Errorf("%s: the tab bar does not mark the tab as current", tab)
		}
		analysisStatus(t, w.stranger.get(w.path(tab)), http.StatusNotFound)
	}
}

func TestResultsShowTheRankedNumbersOfTheAPI(t *testing.T) {
	t.Parallel()
	w := newAnalysisWorld(t)
	o := w.apiOpportunities(t, "?segment_by=company_size")
	top := o.Groups[0].Outcomes[0]
	r := w.owner.get(w.path("results?segment_by=company_size"))
	analysisStatus(t, r, http.StatusOK)
	m := rankOne.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no ranked row 1 on the results page")
	}
	if m[1] != top.Code || m[2] != one(top.Opportunity) {
		t.Errorf("rank 1 shows %s %s, the API says %s %.4f", m[1], m[2], top.Code, top.Opportunity)
	}
	for i, g := range o.Groups {
		heading := g.Label
		if i > 0 {
			heading = "Company size: " + g.Label
		}
		if !strings.Contains(r.body, groupHeading(heading, g.N)) {
			t.Errorf("group %s (n = %d) missing", g.Key, g.N)
		}
	}
	for _, want := range []string{
		`<span class="chip ` + top.Class + `">` + top.Class + `</span>`, // class in text, not colour alone
		"Segment comparison", "Opportunity landscape", `tabindex="0"`, "Four forces",
		`href="/api/v1/studies/` + itoa(w.id) + `/export.xlsx?segment_by=company_size"`,
		`<span class="sr-only">95% interval </span>` + one(top.ImportanceCI[0]) + "–" + one(top.ImportanceCI[1]),
		`<th scope="col" class="num" data-sort="rank" aria-sort="ascending">Rank</th>`, // sorted by rank until a header is clicked
		`<script src="/static/results.js" defer></script>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	if strings.Contains(r.body, "style=") || strings.Contains(r.body, "<script>") {
		t.Error("inline style or script on the results page (the CSP forbids them)")
	}
}

// rankOne finds rank 1 of a ranked table: its code and opportunity.
var rankOne = regexp.MustCompile(`(?s)<td class="num" data-label="Rank">1</td>\s*<td data-label="Code"><span class="code">([^<]+)</span>.*?<span class="num oppnum">([0-9.]+)</span>`)

// groupHeading is how the Results tab heads a group's table.
func groupHeading(label string, n int) string {
	return "<bdi>" + strings.ReplaceAll(label, "+", "&#43;") + `</bdi><span class="muted">, n = ` + itoa(n) + "</span>"
}

func TestWorkbookLinkKeepsTheViewOfTheResults(t *testing.T) {
	t.Parallel()
	w := newAnalysisWorld(t)
	query := "?segment_by=company_size&filter=role:Job+executor&include_partial=1"
	api := w.apiOpportunities(t, query)
	r := w.owner.get(w.path("results" + query))
	analysisStatus(t, r, http.StatusOK)
	m := regexp.MustCompile(`<a class="button" href="([^"]+)">Download workbook</a>`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no workbook link")
	}
	link := html.UnescapeString(m[1]) // as the browser reads the attribute
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("segment_by") != "company_size" || q.Get("filter") != "role:Job executor" || q.Get("include_partial") != "1" {
		t.Errorf("workbook link %s drops part of the view", link)
	}
	f := readXLSX(t, w.owner.do("GET", link, "", ""))
	n, _ := f.GetCellValue("Opportunities", "S2") // "Respondents (n)" beside the table
	if n != itoa(api.Groups[0].N) {
		t.Errorf("workbook counts n = %s, the filtered view with partials %d", n, api.Groups[0].N)
	}
	if got := f.GetSheetList(); len(got) < 3 || got[2] != api.Groups[1].Label {
		t.Errorf("workbook sheets %q, want the company_size groups after Opportunities", got)
	}
}

func TestResultsFilterAndBadFilterShownBesideTheField(t *testing.T) {
	t.Parallel()
	w := newAnalysisWorld(t)
	o := w.apiOpportunities(t, "?filter=company_size:1-9")
	r := w.owner.get(w.path("results?filter=company_size:1-9"))
	analysisStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, "n = "+itoa(o.Groups[0].N)) || !strings.Contains(r.body, `Remove filter Company size: 1-9`) {
		t.Errorf("filtered page lacks n = %d or the filter chip", o.Groups[0].N)
	}
	if !strings.Contains(r.body, "<title>Results for Company size: 1-9 · ") || !strings.Contains(r.body, groupHeading("Respondents with Company size: 1-9", o.Groups[0].N)) {
		t.Error("the filtered page's title or first heading does not say whom it counts")
	}
	for q, id := range map[string]string{"filter=company_size:lots": `id="filter-err"`, "segment_by=nope": `id="segment_by-err"`} {
		r = w.owner.get(w.path("results?" + q))
		analysisStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.body, id) {
			t.Errorf("%s: no error %s beside its field", q, id)
		}
	}
}

func TestExcludeAndRestoreChangeNOnResults(t *testing.T) {
	t.Parallel()
	w := newAnalysisWorld(t)
	n0 := w.apiOpportunities(t, "").Groups[0].N
	list, err := w.s.fieldwork.Responses(t.Context(), mustDesign(t, w.s, userByEmail(t, w.s, "owner@example.com"), w.id), fieldwork.ResponseQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var rid string
	for _, r := range list.Responses {
		if r.Status == surveys.Complete && !r.Excluded {
			rid = r.RespondentID
			break
		}
	}
	fw := w.owner.get(w.path("fieldwork"))
	analysisStatus(t, fw, http.StatusOK)
	if !strings.Contains(fw.body, rid) {
		t.Fatalf("fieldwork table lacks respondent %s", rid)
	}
	exclude := w.path("responses/" + rid + "/exclude")
	analysisStatus(t, w.owner.postForm(exclude, w.form(url.Values{"excluded": {"1"}})), http.StatusSeeOther)
	if !strings.Contains(w.owner.get(w.path("results")).body, groupHeading("All respondents", n0-1)) {
		t.Errorf("after exclude, results do not show n = %d", n0-1)
	}
	analysisStatus(t, w.owner.postForm(exclude, w.form(url.Values{"excluded": {"0"}})), http.StatusSeeOther)
	if !strings.Contains(w.owner.get(w.path("results")).body, groupHeading("All respondents", n0)) {
		t.Errorf("after restore, results do not show n = %d", n0)
	}
	analysisStatus(t, w.stranger.postForm(exclude, url.Values{"excluded": {"1"}, "_csrf": {w.stranger.csrf()}}), http.StatusNotFound)
}

func TestFieldworkShowsCountsAndMakesInvitations(t *testing.T) {
	t.Parallel()
	w := newAnalysisWorld(t)
	fw, err := w.s.fieldwork.Summary(t.Context(), mustDesign(t, w.s, userByEmail(t, w.s, "owner@example.com"), w.id))
	if err != nil {
		t.Fatal(err)
	}
	r := w.owner.get(w.path("fieldwork"))
	analysisStatus(t, r, http.StatusOK)
	for _, want := range []string{"<dt>complete</dt><dd>" + itoa(fw.Counts["complete"]) + "</dd>", "Responses per day", "Page 1 of"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("fieldwork lacks %q", want)
		}
	}
	w.refusedBeside(t, "invitations", url.Values{"count": {"none"}}, "count")
	ok := w.owner.postForm(w.path("invitations"), w.form(url.Values{"count": {"3"}}))
	analysisStatus(t, ok, http.StatusOK)
	if !strings.HasPrefix(ok.header.Get("Content-Type"), "text/csv") || strings.Count(strings.TrimSpace(ok.body), "\n") != 3 {
		t.Errorf("invitations CSV: %s %q", ok.header.Get("Content-Type"), ok.body)
	}
}

func TestSegmentsDiscoverSaveAndSplitResults(t *testing.T) {
	t.Parallel()
	w := newAnalysisWorld(t)
	w.refusedBeside(t, "segments", url.Values{"k": {"9"}}, "k")
	r := w.owner.postForm(w.path("segments"), w.form(url.Values{"k": {"3"}}))
	analysisStatus(t, r, http.StatusOK)
	for _, want := range []string{"3 segments", "Segment s1", "Cramér", `name="label_2"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("discovery lacks %q", want)
		}
	}
	// Unnamed segments are marked beside their inputs; nothing is saved.
	w.refusedBeside(t, "segmentations", url.Values{"k": {"3"}, "key": {"needs"}, "label_0": {"Stop losing context"}}, "label_1")
	r = w.owner.postForm(w.path("segmentations"), w.form(url.Values{"k": {"3"}, "key": {"needs"},
		"label_0": {"Stop losing context"}, "label_1": {"Look organised"}, "label_2": {"Ship faster"}}))
	analysisStatus(t, r, http.StatusSeeOther)
	res := w.owner.get(w.path("results"))
	if !strings.Contains(res.body, `<option value="needs">`) {
		t.Error("the saved segmentation is not in the group-by selector")
	}
	split := w.owner.get(w.path("results?segment_by=needs"))
	analysisStatus(t, split, http.StatusOK)
	if !strings.Contains(split.body, "<bdi>Segmentation needs: Stop losing context</bdi><span class=\"muted\">, n = ") {
		t.Error("results split by the saved segmentation lack its named group")
	}
	seg := w.owner.get(w.path("segments"))
	if !strings.Contains(seg.body, "canvas?segmentation=needs&amp;segment=s1") {
		t.Error("no canvas link for the saved segment")
	}
	canvas := w.owner.get(w.path("canvas?segmentation=needs&segment=s2"))
	analysisStatus(t, canvas, http.StatusOK)
	for _, want := range []string{"Segment canvas: <bdi>Look organised</bdi>", "Job statement", "Profile overlap", "Push (current pain)"} {
		if !strings.Contains(canvas.body, want) {
			t.Errorf("canvas lacks %q", want)
		}
	}
	analysisStatus(t, w.owner.get(w.path("canvas?segmentation=needs&segment=s9")), http.StatusNotFound)
	analysisStatus(t, w.stranger.get(w.path("canvas?segmentation=needs&segment=s1")), http.StatusNotFound)
	// Saving the same key twice is an error beside the key.
	w.refusedBeside(t, "segmentations", url.Values{"k": {"3"}, "key": {"needs"},
		"label_0": {"a"}, "label_1": {"b"}, "label_2": {"c"}}, "key")
}

func TestShareLinkShownOnceThenRevoked(t *testing.T) {
	t.Parallel()
	w := newAnalysisWorld(t)
	w.refusedBeside(t, "shares", url.Values{"expires": {"2001-01-01"}}, "expires")
	w.refusedBeside(t, "shares", url.Values{"name": {strings.Repeat("n", 101)}}, "share-name")
	r := w.owner.postForm(w.path("shares"), w.form(url.Values{"name": {"Board review"}, "segment_by": {"company_size"}, "include_responses": {"1"}}))
	analysisStatus(t, r, http.StatusCreated)
	m := regexp.MustCompile(`value="http://odi.test(/r/[^"]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("the new link is not shown")
	}
	visitor := newClient(t, w.s)
	analysisStatus(t, visitor.get(m[1]), http.StatusOK)
	page := w.owner.get(w.path("share"))
	if strings.Contains(page.body, m[1]) {
		t.Error("the link is shown again after creation")
	}
	rm := regexp.MustCompile(`action="(/studies/\d+/shares/\d+/revoke)"`).FindStringSubmatch(page.body)
	if rm == nil || !strings.Contains(page.body, "company_size") || !strings.Contains(page.body, `<td class="who">Board review</td>`) {
		t.Fatal("share list lacks the link, its name or its revoke button")
	}
	var listed []results.Share
	w.owner.send("GET", fmt.Sprintf("/api/v1/studies/%d/shares", w.id), nil).json(t, &listed)
	if len(listed) != 1 || listed[0].Name != "Board review" {
		t.Fatalf("the API lists %+v, want the link named Board review", listed)
	}
	ask := w.owner.postForm(rm[1], w.form(url.Values{}))
	analysisStatus(t, ask, http.StatusOK)
	if !strings.Contains(ask.body, "Revoke the share link “Board review”?") {
		t.Error("revoking does not ask first, naming the link")
	}
	analysisStatus(t, visitor.get(m[1]), http.StatusOK)
	analysisStatus(t, w.owner.postForm(rm[1], w.form(url.Values{"confirm": {"1"}})), http.StatusSeeOther)
	analysisStatus(t, visitor.get(m[1]), http.StatusNotFound)
	after := w.owner.get(w.path("share")).body
	if !strings.Contains(after, `<span class="chip revoked">revoked</span>`) {
		t.Error("the revoked link is not marked revoked")
	}
	if !strings.Contains(after, `id="notice">Revoked: the link no longer opens the report.</p>`) {
		t.Error("the Share tab does not say the link was revoked")
	}
}
