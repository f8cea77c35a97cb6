package app

import (
	"cmp"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/sample"
)

// The Fieldwork tab's review of the responses and the study's cleaning
// rule, through the real router, on the sample study of newAnalysisWorld.
// The truth they are checked against is the generated data set itself: its
// planted straight-liners and speeders (which the cleaning flags exactly,
// surveys/results/clean_test.go) and its times.

// planted is newAnalysisWorld's data set, generated again: the same config
// and seed give the same responses, in the order they were stored.
func planted() *sample.Dataset { return sample.Generate(sample.Config{Respondents: 600, Seed: 3}) }

// plantedCount counts the complete responses of ds that keep says yes to.
func plantedCount(ds *sample.Dataset, keep func(sample.Response) bool) int {
	n := 0
	for _, p := range ds.Responses {
		if p.Status == sample.StatusComplete && keep(p) {
			n++
		}
	}
	return n
}

func flagged(flag string) func(sample.Response) bool {
	return func(p sample.Response) bool { return slices.Contains(p.Flags, flag) }
}

func clean(p sample.Response) bool { return len(p.Flags) == 0 }

// wantOrder is the respondents of ds that keep says yes to, in the order
// sort names, worked out here from the generated times: arrival order is
// storage order, and untimed responses come last whichever way time sorts.
func wantOrder(ds *sample.Dataset, keep func(sample.Response) bool, sort string) []string {
	var ps []int
	for i, p := range ds.Responses {
		if keep(p) {
			ps = append(ps, i)
		}
	}
	took := func(i int) int64 {
		p := ds.Responses[i]
		if p.Finished.IsZero() {
			return -1
		}
		return int64(p.Finished.Sub(p.Started))
	}
	slices.SortFunc(ps, func(a, b int) int {
		switch sort {
		case "oldest":
			return cmp.Compare(a, b)
		case "fastest", "slowest":
			ta, tb := took(a), took(b)
			if (ta < 0) != (tb < 0) {
				return cmp.Compare(tb, ta)
			}
			if sort == "slowest" {
				ta, tb = tb, ta
			}
			return cmp.Or(cmp.Compare(ta, tb), cmp.Compare(a, b))
		}
		return cmp.Compare(b, a)
	})
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = ds.Responses[p].ID
	}
	return out
}

var (
	rowRespondent  = regexp.MustCompile(`<td data-label="Respondent"><code>([^<]+)</code></td>`)
	responsesTotal = regexp.MustCompile(`<h2>Responses <span class="muted">(\d+)`)
	nextPage       = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
)

// listed is the respondents of a Fieldwork page's table, and the total its
// heading gives.
func listed(t *testing.T, r reply) ([]string, int) {
	t.Helper()
	var ids []string
	for _, m := range rowRespondent.FindAllStringSubmatch(r.body, -1) {
		ids = append(ids, m[1])
	}
	m := responsesTotal.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no responses heading: %.2000s", r.body)
	}
	total, _ := strconv.Atoi(m[1])
	return ids, total
}

func TestFieldworkFiltersAndSortsThePlantedResponses(t *testing.T) {
	t.Parallel()
	w, ds := newAnalysisWorld(t), planted()
	complete := func(p sample.Response) bool { return p.Status == sample.StatusComplete }
	for _, tc := range []struct {
		query string
		keep  func(sample.Response) bool
		sort  string
	}{
		{"flag=speeding&sort=fastest", flagged(surveys.FlagSpeeding), "fastest"},
		{"flag=straight_lining&sort=slowest", flagged(surveys.FlagStraightLining), "slowest"},
		{"status=in_progress&sort=oldest", func(p sample.Response) bool { return p.Status == sample.StatusInProgress }, "oldest"},
		{"excluded=1", func(p sample.Response) bool { return complete(p) && !clean(p) }, "newest"},
		{"excluded=0&status=complete&sort=fastest", func(p sample.Response) bool { return complete(p) && clean(p) }, "fastest"},
		{"", func(sample.Response) bool { return true }, "newest"},
	} {
		want := wantOrder(ds, tc.keep, tc.sort)
		t.Logf("%q: %d responses", tc.query, len(want))
		r := w.owner.get(w.path("fieldwork?" + tc.query))
		analysisStatus(t, r, http.StatusOK)
		ids, total := listed(t, r)
		if total != len(want) || !slices.Equal(ids, want[:min(len(want), responsesPerPage)]) {
			t.Errorf("%q: %d listed, first %v; want %d, first %v", tc.query, total, ids[:min(3, len(ids))], len(want), want[:min(3, len(want))])
		}
		q, _ := url.ParseQuery(tc.query)
		for key, v := range q { // the form shows the view it is showing
			if !strings.Contains(r.body, `<option value="`+v[0]+`" selected>`) {
				t.Errorf("%q: the %s filter does not show %s as chosen", tc.query, key, v[0])
			}
		}
		if len(want) <= responsesPerPage {
			continue
		}
		// The pager keeps the view: page 2 is the next 50 of the same list.
		m := nextPage.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("%q: %d responses and no next page", tc.query, len(want))
		}
		next := html.UnescapeString(m[1])
		u, _ := url.Parse(next)
		if got := u.Query(); got.Get("page") != "2" || got.Get("flag") != q.Get("flag") || got.Get("sort") != q.Get("sort") ||
			got.Get("status") != q.Get("status") || got.Get("excluded") != q.Get("excluded") {
			t.Errorf("%q: next page %s drops the view", tc.query, next)
		}
		ids, _ = listed(t, w.owner.get(next))
		if !slices.Equal(ids, want[responsesPerPage:min(len(want), 2*responsesPerPage)]) {
			t.Errorf("%q page 2: %v…, want %v…", tc.query, ids[:min(3, len(ids))], want[responsesPerPage:responsesPerPage+3])
		}
	}
	bad := w.owner.get(w.path("fieldwork?flag=nope"))
	analysisStatus(t, bad, http.StatusUnprocessableEntity)
	if _, total := listed(t, bad); total != len(ds.Responses) || !strings.Contains(bad.body, `id="f-flag-err"`) {
		t.Errorf("a bad flag lists %d of %d responses or is not shown beside its field", total, len(ds.Responses))
	}
}

// decide posts the Fieldwork tab's decision form from the view query, and
// answers where it sent the browser back to.
func (w *analysisWorld) decide(t *testing.T, query string, v url.Values) string {
	t.Helper()
	r := w.owner.postForm(w.path("responses/exclusions?"+query), w.form(v))
	analysisStatus(t, r, http.StatusSeeOther)
	return r.header.Get("Location")
}

// resultsN is the n of all respondents as the Results tab heads it.
func (w *analysisWorld) resultsN(t *testing.T) int {
	t.Helper()
	m := regexp.MustCompile(`<bdi>All respondents</bdi><span class="muted">, n = (\d+)</span>`).FindStringSubmatch(w.owner.get(w.path("results")).body)
	if m == nil {
		t.Fatal("no n for all respondents on the Results tab")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestBulkDecisionsChangeResultsNByExactlyTheirCount(t *testing.T) {
	t.Parallel()
	w, ds := newAnalysisWorld(t), planted()
	n0 := w.resultsN(t)
	if want := plantedCount(ds, clean); n0 != want {
		t.Fatalf("results n = %d before any decision, the sample has %d clean complete responses", n0, want)
	}
	var three []string
	for _, p := range ds.Responses {
		if p.Status == sample.StatusComplete && clean(p) && len(three) < 3 {
			three = append(three, p.ID)
		}
	}
	speeders := plantedCount(ds, flagged(surveys.FlagSpeeding))
	t.Logf("n = %d clean complete responses, %d planted speeders", n0, speeders)
	view := "excluded=0&sort=oldest"
	back := func(decided string, n int) string {
		return w.path("fieldwork?decided=" + decided + "&excluded=0&saved=" + itoa(n) + "&sort=oldest#responses")
	}
	steps := []struct {
		what string
		form url.Values
		back string
		n    int // results n after it
	}{
		{"exclude three ticked", url.Values{"respondent_id": three, "decide": {"exclude"}}, back("exclude", 3), n0 - 3},
		{"include all flagged speeding", url.Values{"all_flagged": {"speeding"}, "decide": {"include"}}, back("include", speeders), n0 - 3 + speeders},
		{"exclude all flagged speeding", url.Values{"all_flagged": {"speeding"}, "decide": {"exclude"}}, back("exclude", speeders), n0 - 3},
		{"the rule for the three ticked", url.Values{"respondent_id": three, "decide": {"rule"}}, back("rule", 3), n0},
		{"include one row", url.Values{"respondent_id": three[:1], "decide": {"include"}}, back("include", 1), n0},
		{"exclude the same row", url.Values{"respondent_id": three[:1], "decide": {"exclude"}}, back("exclude", 1), n0 - 1},
	}
	for _, st := range steps {
		if got := w.decide(t, view, st.form); got != st.back {
			t.Errorf("%s: back to %s, want %s", st.what, got, st.back)
		}
		if n := w.resultsN(t); n != st.n {
			t.Errorf("%s: results n = %d, want %d", st.what, n, st.n)
		}
	}
	// Back on the same filtered view, with what was saved.
	r := w.owner.get(steps[0].back)
	for _, want := range []string{`<p class="notice" role="status">Saved: 3 responses excluded.</p>`, `<option value="0" selected>in</option>`,
		`<option value="oldest" selected>`, `action="/studies/` + itoa(w.id) + `/responses/exclusions?excluded=0&amp;sort=oldest"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the page after a decision lacks %q", want)
		}
	}
	// The row decided by hand says so, and offers to let the rule decide.
	r = w.owner.get(w.path("fieldwork?excluded=1&sort=oldest"))
	row := regexp.MustCompile(`(?s)<code>` + three[0] + `</code>.*?</tr>`).FindString(r.body)
	if !strings.Contains(row, `<span class="chip out">out</span> <span class="why">researcher&#39;s decision</span>`) ||
		!strings.Contains(row, `value="rule"`) || !strings.Contains(row, `value="include"`) {
		t.Errorf("the excluded row reads %q", row)
	}
	// Nothing ticked: the page again, saying so, on the same view.
	r = w.owner.postForm(w.path("responses/exclusions?"+view), w.form(url.Values{"decide": {"exclude"}}))
	analysisStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, "Tick at least one response first.") || !strings.Contains(r.body, `<option value="oldest" selected>`) {
		t.Error("a decision on nothing is not explained on the same view")
	}
	analysisStatus(t, w.stranger.postForm(w.path("responses/exclusions"), url.Values{"respondent_id": three, "decide": {"exclude"},
		"_csrf": {w.stranger.csrf()}}), http.StatusNotFound)
	if n := w.resultsN(t); n != n0-1 {
		t.Errorf("after a stranger's try, n = %d, want %d", n, n0-1)
	}
}

func TestCleaningRuleCheckboxesSaveAndChangeN(t *testing.T) {
	t.Parallel()
	w, ds := newAnalysisWorld(t), planted()
	straight, speeders := plantedCount(ds, flagged(surveys.FlagStraightLining)), plantedCount(ds, flagged(surveys.FlagSpeeding))
	complete := plantedCount(ds, func(sample.Response) bool { return true })
	t.Logf("%d complete: %d straight-lining, %d speeding", complete, straight, speeders)
	r := w.owner.get(w.path("fieldwork"))
	for _, f := range surveys.QualityFlagNames { // ticked by default, each explained
		rule := results.FlagRule(f)
		if rule == "" || !strings.Contains(r.body, `name="exclude_flags" value="`+f+`" checked>`) || !strings.Contains(r.body, html.EscapeString(rule)) {
			t.Errorf("the rule's %s box is not ticked or not explained", f)
		}
	}
	rule := func(query string, flags ...string) string {
		t.Helper()
		r := w.owner.postForm(w.path("cleaning?"+query), w.form(url.Values{"exclude_flags": flags}))
		analysisStatus(t, r, http.StatusSeeOther)
		return r.header.Get("Location")
	}
	if got := rule("flag=speeding", "straight_lining", "failed_attention", "duplicate"); got != w.path("fieldwork?flag=speeding&rule=saved#rule") {
		t.Errorf("saving the rule goes back to %s", got)
	}
	r = w.owner.get(w.path("fieldwork?rule=saved"))
	if !strings.Contains(r.body, "Saved: the rule now leaves out "+itoa(straight)+" responses.") ||
		!strings.Contains(r.body, `name="exclude_flags" value="speeding">`) {
		t.Error("the saved rule is not shown with speeding unticked")
	}
	if n := w.resultsN(t); n != complete-straight {
		t.Errorf("without speeding in the rule, n = %d, want %d", n, complete-straight)
	}
	var got surveys.Design
	w.owner.do("GET", "/api/v1/studies/"+itoa(w.id), "", "").json(t, &got)
	if st := got.Study; !slices.Equal(st.ExcludeFlags, []string{"straight_lining", "failed_attention", "duplicate"}) {
		t.Errorf("the study's exclude_flags are %v", st.ExcludeFlags)
	}
	// The rule is the analysis's: a closed study takes it too; none ticked
	// turns automatic exclusion off.
	analysisStatus(t, w.owner.postForm(w.path("close"), w.form(url.Values{"tab": {"fieldwork"}})), http.StatusSeeOther)
	rule("")
	if n := w.resultsN(t); n != complete {
		t.Errorf("with the rule off, n = %d, want every complete response, %d", n, complete)
	}
	if res := w.owner.get(w.path("results")); !strings.Contains(res.body, "n = "+itoa(complete)+" after cleaning: no response left out (the study&#39;s rule excludes no flag).") {
		t.Error("the Results tab does not say the rule is off")
	}
	rule("", surveys.QualityFlagNames...)
	if n := w.resultsN(t); n != complete-straight-speeders {
		t.Errorf("with every flag ticked again, n = %d, want %d", n, complete-straight-speeders)
	}
}

func TestCleaningLineCountsWhatWasLeftOut(t *testing.T) {
	t.Parallel()
	w, ds := newAnalysisWorld(t), planted()
	var two []string
	for _, p := range ds.Responses {
		if p.Status == sample.StatusComplete && clean(p) && len(two) < 2 {
			two = append(two, p.ID)
		}
	}
	w.decide(t, "", url.Values{"respondent_id": two, "decide": {"exclude"}})
	straight, speeders := plantedCount(ds, flagged(surveys.FlagStraightLining)), plantedCount(ds, flagged(surveys.FlagSpeeding))
	n := plantedCount(ds, clean) - 2
	line := html.EscapeString("n = " + itoa(n) + " after cleaning: " + itoa(straight+speeders) + " responses left out by the study's rule (" +
		itoa(straight) + " straight-lining, " + itoa(speeders) + " speeding) and 2 by the researcher.")
	if api := w.apiOpportunities(t, "").Groups[0]; api.N != n || api.Excluded != straight+speeders+2 {
		t.Errorf("the API counts n %d, excluded %d; the sample says %d and %d", api.N, api.Excluded, n, straight+speeders+2)
	}
	r := w.owner.get(w.path("results"))
	if !strings.Contains(r.body, line) || !strings.Contains(r.body, `href="/studies/`+itoa(w.id)+`/fieldwork?excluded=1#responses"`) {
		t.Errorf("the Results tab lacks %q or the link to review the responses left out", line)
	}
	if r := w.owner.get(w.path("results?filter=company_size:1-9")); !strings.Contains(r.body, "All complete responses: "+line) {
		t.Error("a filtered Results view does not say the line counts the whole study")
	}
	owner := userByEmail(t, w.s, "owner@example.com")
	token, _, err := w.s.results.CreateShare(t.Context(), owner, mustDesign(t, w.s, owner, w.id), results.ShareInput{})
	if err != nil {
		t.Fatal(err)
	}
	report := newClient(t, w.s).get("/r/" + token)
	analysisStatus(t, report, http.StatusOK)
	if !strings.Contains(report.body, `<p class="cleaning">`+line+`</p>`) || strings.Contains(report.body, "/fieldwork") {
		t.Errorf("the report lacks %q, or links to the researcher's review", line)
	}
}

func TestCleaningLineSaysWhatWasLeftOutAndWhy(t *testing.T) {
	all, off := slices.Clone(surveys.QualityFlagNames), []string{}
	for _, tc := range []struct {
		name     string
		rule     []string
		byRule   int
		flags    map[string]int
		byHand   int
		wantN    int
		wantLeft string
	}{
		{"nothing left out", all, 0, nil, 0, 100, "no response left out"},
		{"rule off", off, 0, nil, 0, 100, "no response left out (the study's rule excludes no flag)"},
		{"by the researcher alone", off, 0, nil, 1, 99, "1 response left out by the researcher (the study's rule excludes no flag)"},
		{"one reason", all, 1, map[string]int{"duplicate": 1}, 0, 99, "1 response left out by the study's rule (1 duplicate)"},
		{"reasons in flag order, and decisions", all, 79, map[string]int{"speeding": 27, "straight_lining": 52}, 3, 18,
			"79 responses left out by the study's rule (52 straight-lining, 27 speeding) and 3 by the researcher"},
		{"a response with two flags", all, 5, map[string]int{"speeding": 3, "failed_attention": 4}, 0, 95,
			"5 responses left out by the study's rule (3 speeding, 4 failed attention check; some have more than one flag)"},
	} {
		fw := &fieldwork.Summary{Counts: map[string]int{surveys.Complete: 100}, ExcludedByRule: tc.byRule, ExcludedFlags: tc.flags, ExcludedByDecision: tc.byHand}
		got := newCleaning(&surveys.Design{Study: surveys.Study{ExcludeFlags: tc.rule}}, fw)
		if got.N != tc.wantN || got.Left != tc.wantLeft || got.LeftOut != tc.byRule+tc.byHand {
			t.Errorf("%s: %+v, want n %d, %q", tc.name, got, tc.wantN, tc.wantLeft)
		}
	}
}
