package app

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"odi/surveys/export"
	"odi/surveys/results"
)

// canvasRows are a small study's responses: five members of each segment
// of a saved segmentation, segment 0 ("a") pained by O01 and O02, segment 1
// ("b") by O03. tool is the current-solution question (multi), why the
// open-text one, then the ratings and the four forces; a4 left the forces
// out.
var canvasRows = [][]string{
	{"a1", "small", "Spreadsheets;Slack", "I can't find what we agreed", "5", "1", "4", "2", "2", "4", "8", "7", "3", "2"},
	{"a2", "small", "Spreadsheets", "Context dies in DMs", "5", "2", "5", "1", "1", "5", "9", "6", "4", "4"},
	{"a3", "large", "Notion", "", "4", "1", "5", "2", "2", "5", "6", "8", "5", "1"},
	{"a4", "small", "", "I can't find what we agreed", "5", "1", "4", "1", "2", "4", "", "", "", ""},
	{"a5", "small", "Slack", "Too many tools", "5", "2", "4", "2", "3", "4", "7", "7", "2", "3"},
	{"b1", "large", "Notion", "We look disorganised to investors", "2", "5", "2", "4", "5", "1", "3", "4", "6", "7"},
	{"b2", "large", "Notion;Spreadsheets", "", "1", "5", "2", "5", "5", "2", "4", "5", "5", "5"},
	{"b3", "large", "Spreadsheets", "Board meetings take hours to prepare", "2", "4", "1", "4", "4", "1", "2", "3", "7", "8"},
	{"b4", "small", "Notion", "", "2", "5", "2", "5", "5", "1", "5", "5", "5", "5"},
	{"b5", "large", "", "Board meetings take hours to prepare", "1", "4", "2", "4", "5", "2", "6", "4", "3", "3"},
}

// canvasStudy imports canvasRows into a study that asks the four forces and
// saves the segmentation "needs" of its two groups of members.
func canvasStudy(t *testing.T, c *client) (int64, string) {
	t.Helper()
	id := newStudy(t, c, "Canvas")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.send("PATCH", base, `{"four_forces": true}`), http.StatusOK)
	for _, q := range []string{
		`{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true}`,
		`{"key": "tool", "text": "What do you use for this today?", "kind": "multi", "options": ["Spreadsheets", "Notion", "Slack"], "current_solution": true}`,
		`{"key": "why", "text": "What is hardest about it?", "kind": "text"}`,
		`{"template": "role"}`,
	} {
		wantStatus(t, c.send("POST", base+"/questions", q), http.StatusCreated)
	}
	wantField(t, c.send("POST", base+"/questions", `{"key": "other", "text": "Other?", "kind": "text", "current_solution": true}`),
		"current_solution", "single or multi")
	wantStatus(t, c.do("POST", base+"/outcomes/import", "text/csv",
		"statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\nMinimize the time to prepare a board update,O03\n"), http.StatusCreated)
	var csv strings.Builder
	csv.WriteString("respondent_id,status,team_size,tool,why,O01_imp,O01_sat,O02_imp,O02_sat,O03_imp,O03_sat,push,pull,anxiety,habit,role\n")
	members := map[string]int{}
	// The role's long answers are what made the share canvas's profile
	// tables run past their column.
	roles := []string{"I do the job myself (job executor)", "I benefit from the job being done (job beneficiary)",
		"I decide what to buy (purchase decision-maker)"}
	for i, r := range canvasRows {
		role := roles[0]
		if r[0][0] == 'b' {
			role = roles[1+i%2]
		}
		csv.WriteString(r[0] + ",complete," + strings.Join(r[1:], ",") + "," + role + "\n")
		members[r[0]] = map[byte]int{'a': 0, 'b': 1}[r[0][0]]
	}
	wantStatus(t, c.do("POST", base+"/responses/import", "text/csv", csv.String()), http.StatusCreated)
	wantStatus(t, c.send("POST", base+"/segmentations", map[string]any{"key": "needs", "labels": []string{"a", "b"}, "members": members}), http.StatusCreated)
	return id, base
}

// canvasWant works out from canvasRows, apart from odi, what segment seg's
// canvas counts: the current solution's shares among the members who
// answered, the mean net force over the members who rated all four, and
// the distinct open-text answers.
func canvasWant(seg byte) (shares map[string]float64, net float64, texts []string) {
	shares = map[string]float64{}
	answered, rated := 0, 0
	for _, r := range canvasRows {
		if r[0][0] != seg {
			continue
		}
		if r[2] != "" {
			answered++
			for _, o := range strings.Split(r[2], ";") {
				shares[o]++
			}
		}
		if r[10] != "" {
			var f [4]int
			for i := range f {
				fmt.Sscan(r[10+i], &f[i])
			}
			net += float64(f[0] + f[1] - f[2] - f[3])
			rated++
		}
		if r[3] != "" && !slices.Contains(texts, r[3]) {
			texts = append(texts, r[3])
		}
	}
	for o := range shares {
		shares[o] /= float64(answered)
	}
	return shares, net / float64(rated), texts
}

func getCanvas(t *testing.T, c *client, base string) results.SegmentationCanvas {
	t.Helper()
	var out results.SegmentationCanvas
	r := c.send("GET", base+"/segmentations/needs", nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &out)
	return out
}

func TestSegmentCanvasRoundTrip(t *testing.T) {
	_, c := researcherServer(t)
	id, base := canvasStudy(t, c)

	got := getCanvas(t, c, base)
	if got.Key != "needs" || len(got.Segments) != 2 || len(got.Labels) != 2 {
		t.Fatalf("segmentation %+v", got)
	}
	opp := opportunitiesOf(t, c, base+"/opportunities?segment_by=needs")
	for i, seg := range got.Segments {
		letter := "ab"[i]
		shares, net, texts := canvasWant(letter)
		if seg.ID != results.SegmentID(i) || seg.Size != 5 || seg.Validation.Respondents != 5 || seg.OwnJob ||
			seg.Job.Want != "put our work into a shared workspace" {
			t.Errorf("segment %d: id %s size %d job %+v (own %v)", i, seg.ID, seg.Size, seg.Job, seg.OwnJob)
		}
		if cs := seg.CurrentSolution; cs == nil || cs.Key != "tool" || len(cs.Options) != 3 {
			t.Fatalf("segment %s current solution %+v", seg.ID, cs)
		}
		for _, o := range seg.CurrentSolution.Options {
			if math.Abs(o.Share-shares[o.Option]) > 1e-12 {
				t.Errorf("segment %s: %s share %v, want %v", seg.ID, o.Option, o.Share, shares[o.Option])
			}
		}
		if seg.Forces == nil || math.Abs(seg.Forces.Net-net) > 1e-12 {
			t.Errorf("segment %s net force %+v, want %v", seg.ID, seg.Forces, net)
		}
		if p := slices.Clone(seg.Proposals); !slices.Equal(slices.Sorted(slices.Values(p)), slices.Sorted(slices.Values(texts))) {
			t.Errorf("segment %s proposals %q, want the members' answers %q", seg.ID, seg.Proposals, texts)
		}
		var under []string
		for _, r := range opp.Groups[i+1].Outcomes {
			if r.Class == "solid" || r.Class == "high" || r.Class == "extreme" {
				under = append(under, r.Statement)
			}
		}
		if seg.OwnCriteria || !slices.Equal(seg.SuccessCriteria, under) || len(under) == 0 {
			t.Errorf("segment %s success criteria %q, want its underserved %q", seg.ID, seg.SuccessCriteria, under)
		}
		if len(seg.Overlap) != 2 || seg.Overlap[0].Key != "team_size" || seg.Overlap[1].Key != "role" {
			t.Errorf("segment %s overlap %+v", seg.ID, seg.Overlap)
		}
	}
	// By hand: a's net is (10 + 7 + 8 + 9) ÷ 4 (a4 rated none), b's
	// (−6 − 1 − 10 + 0 + 4) ÷ 5.
	if got.Segments[0].Forces.Net != 8.5 || math.Abs(got.Segments[1].Forces.Net+2.6) > 1e-12 {
		t.Errorf("net forces %v, %v; want 8.5, −2.6", got.Segments[0].Forces.Net, got.Segments[1].Forces.Net)
	}

	edit := map[string]any{"label": "Stop losing context",
		"job":          map[string]string{"when": "decisions get lost in chat threads", "want": "keep decisions in one place", "so_that": "stop answering twice"},
		"verbatims":    []string{"I can't find what we agreed", " We ship late "},
		"alternatives": []string{"Email threads"}, "success_criteria": []string{"Minimize the time to find a decision"}}
	r := c.send("PATCH", base+"/segmentations/needs/segments/s1", edit)
	wantStatus(t, r, http.StatusOK)
	before := getCanvas(t, c, base)
	s1 := before.Segments[0]
	if s1.Label != "Stop losing context" || !s1.OwnJob || s1.Job.When != "decisions get lost in chat threads" ||
		!slices.Equal(s1.Verbatims, []string{"I can't find what we agreed", "We ship late"}) ||
		!slices.Equal(s1.Alternatives, []string{"Email threads"}) || !s1.OwnCriteria ||
		!slices.Equal(s1.SuccessCriteria, []string{"Minimize the time to find a decision"}) {
		t.Fatalf("after PATCH: %+v", s1)
	}
	// a1 and a4 wrote the kept verbatim; it is no longer proposed.
	if s1.Validation.WithVerbatims != 2 || slices.Contains(s1.Proposals, "I can't find what we agreed") || len(s1.Proposals) != 2 {
		t.Errorf("validation %+v, proposals %q", s1.Validation, s1.Proposals)
	}
	if before.Labels[0] != "Stop losing context" {
		t.Errorf("labels %q: the results' groups should carry the new name", before.Labels)
	}
	// An empty list brings the proposed success criteria back.
	wantStatus(t, c.send("PATCH", base+"/segmentations/needs/segments/s1", `{"success_criteria": []}`), http.StatusOK)
	if s1 := getCanvas(t, c, base).Segments[0]; s1.OwnCriteria || len(s1.SuccessCriteria) == 0 || s1.Label != "Stop losing context" {
		t.Errorf("after success_criteria []: %+v", s1)
	}
	// The path takes the plain number too; the other segment is untouched.
	wantStatus(t, c.send("PATCH", base+"/segmentations/needs/segments/2", `{"label": "Look organized"}`), http.StatusOK)
	before = getCanvas(t, c, base)
	stored := c.send("GET", base+"/segmentations/needs", nil).body
	if before.Segments[1].Label != "Look organized" || before.Segments[1].OwnJob || len(before.Segments[1].Verbatims) != 0 {
		t.Errorf("s2 after its own PATCH: %+v", before.Segments[1])
	}

	long := strings.Repeat("x", 201)
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprint("v", i)
	}
	for _, bad := range []struct{ body, field, msg string }{
		{`{"label": "  "}`, "label", "name the segment"},
		{`{"label": "` + strings.Repeat("l", 101) + `"}`, "label", "100"},
		{`{"job": {"when": "the team grows"}}`, "job", "when and want"},
		{`{"job": {"when": "` + strings.Repeat("w", 501) + `", "want": "x"}}`, "job.when", "500"},
		{`{"alternatives": ["` + long + `"]}`, "alternatives[0]", "200"},
		{`{"verbatims": ["ok", ""]}`, "verbatims[1]", "required"},
		{fmt.Sprintf(`{"verbatims": %q}`, many), "verbatims", "50"},
		{`{"success_criteria": ["a","b","c","d","e","f","g","h","i","j","k"]}`, "success_criteria", "10"},
		{`{"market_size": -1}`, "market_size", "0"},
		{`{"market_size": 1e300}`, "market_size", "at most 1e15"},
	} {
		body := bad.body
		if strings.HasPrefix(body, `{"verbatims": [`) && bad.field == "verbatims" {
			body = `{"verbatims": ["` + strings.Join(many, `","`) + `"]}`
		}
		wantField(t, c.send("PATCH", base+"/segmentations/needs/segments/s1", body), bad.field, bad.msg)
	}
	if after := c.send("GET", base+"/segmentations/needs", nil).body; after != stored {
		t.Errorf("a refused PATCH changed the canvas:\n%s\n%s", stored, after)
	}
	for _, path := range []string{"/segmentations/needs/segments/s3", "/segmentations/needs/segments/0", "/segmentations/other/segments/s1"} {
		wantStatus(t, c.send("PATCH", base+path, `{"label": "x"}`), http.StatusNotFound)
	}
	wantStatus(t, c.send("GET", base+"/segmentations/other", nil), http.StatusNotFound)

	// The share link's canvas shows what was kept, never the proposals.
	token, _ := newShareLink(t, c, id, `{}`)
	page := c.get("/r/" + token + "/canvas?segmentation=needs&segment=s1")
	wantStatus(t, page, http.StatusOK)
	for _, want := range []string{"Stop losing context", "When decisions get lost in chat threads, I want to keep decisions in one place",
		"I can&#39;t find what we agreed", "We ship late", "Email threads", "Slack", "50%", "8.50", "Minimize the time to find a decision",
		"5 respondents; 2 of them gave a kept verbatim", "index"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("share canvas lacks %q", want)
		}
	}
	if strings.Contains(page.body, "Too many tools") || reportEditControls.MatchString(page.body) {
		t.Errorf("share canvas shows an unkept proposal or a control")
	}

	// The workbook split by the segmentation has the canvas sheet.
	f := readXLSX(t, c.send("GET", fmt.Sprintf("/api/v1/studies/%d/export.xlsx?segment_by=needs", id), nil))
	rows, err := f.GetRows(export.SheetCanvas)
	if err != nil {
		t.Fatal(err)
	}
	cellOf := func(label string, col int) string {
		for _, r := range rows {
			if len(r) > col && r[0] == label {
				return r[col]
			}
		}
		return ""
	}
	for _, w := range [][3]string{
		{"Segment name (job-based)", "1", "Stop losing context"},
		{"Job statement", "1", "When decisions get lost in chat threads, I want to keep decisions in one place, so I can stop answering twice."},
		{"Customers' language (verbatims kept)", "1", "I can't find what we agreed\nWe ship late"},
		{"Current alternatives", "1", "Spreadsheets: 50% (2 of 4)\nNotion: 25% (1 of 4)\nSlack: 50% (2 of 4)\nEmail threads"},
		{"Net switch force (push + pull − anxiety − habit)", "1", "8.500"},
		{"Respondents whose verbatims were kept", "1", "2"},
		{"Segment name (job-based)", "2", "Look organized"},
	} {
		col := int(w[1][0] - '0')
		if got := cellOf(w[0], col); got != w[2] {
			t.Errorf("Segment canvas %q, column %d: %q, want %q", w[0], col, got, w[2])
		}
	}
}

// TestPriorityIndexByHand checks the index on the worked example of
// docs/scoring.md, then a market size per segment that turns the order.
func TestPriorityIndexByHand(t *testing.T) {
	_, c := researcherServer(t)
	id := exportWorkedStudy(t, c)
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	opp := opportunitiesOf(t, c, base+"/opportunities?segment_by=team_size")
	small := 0.6875 * 0.5625 * 4 / 9
	large := 0.6 * 0.65 * 5 / 9
	mean := (small + large) / 2
	if opp.Groups[0].PriorityIndex != nil {
		t.Errorf("all respondents have an index: %v", *opp.Groups[0].PriorityIndex)
	}
	for i, want := range []float64{100 * small / mean, 100 * large / mean} {
		g := opp.Groups[i+1]
		if g.PriorityIndex == nil || math.Abs(*g.PriorityIndex-want) > 1e-9 {
			t.Errorf("%s index %v, want %.4f", g.Key, g.PriorityIndex, want)
		}
	}
	// 88.5 and 111.5: the two average 100.
	if v := *opp.Groups[1].PriorityIndex; math.Round(v*10)/10 != 88.5 {
		t.Errorf("small index %.4f, want 88.5", v)
	}
	f := opp.Groups[1].PriorityFactors
	if math.Abs(f.Importance-0.6875) > 1e-9 || math.Abs(f.Dissatisfaction-0.5625) > 1e-9 || math.Abs(f.Share-4.0/9) > 1e-12 || f.MarketSize != 1 {
		t.Errorf("small's factors %+v", f)
	}

	// The same groups as a saved segmentation; large comes first, until the
	// researcher gives small a market of 1000 and large one of 500.
	members := map[string]int{"r01": 0, "r02": 0, "r03": 0, "r04": 0, "r05": 1, "r06": 1, "r07": 1, "r08": 1, "r09": 1}
	wantStatus(t, c.send("POST", base+"/segmentations", map[string]any{"key": "size", "labels": []string{"small", "large"}, "members": members}), http.StatusCreated)
	order := func() (string, float64, float64) {
		o := opportunitiesOf(t, c, base+"/opportunities?segment_by=size")
		first := o.Groups[1]
		if o.Groups[2].Priority > first.Priority {
			first = o.Groups[2]
		}
		return first.Label, *o.Groups[1].PriorityIndex, *o.Groups[2].PriorityIndex
	}
	if first, _, _ := order(); first != "large" {
		t.Fatalf("first without market sizes: %s, want large", first)
	}
	wantStatus(t, c.send("PATCH", base+"/segmentations/size/segments/s1", `{"market_size": 1000}`), http.StatusOK)
	wantStatus(t, c.send("PATCH", base+"/segmentations/size/segments/s2", `{"market_size": 500}`), http.StatusOK)
	first, si, li := order()
	sp, lp := 0.6875*0.5625*1000, 0.6*0.65*500
	m := (sp + lp) / 2
	if first != "small" || math.Abs(si-100*sp/m) > 1e-9 || math.Abs(li-100*lp/m) > 1e-9 {
		t.Errorf("with market sizes: first %s, indexes %.4f %.4f; want small, %.4f %.4f", first, si, li, 100*sp/m, 100*lp/m)
	}
	// Small's alone: 1000 for its 4/9 implies a market of 2250, so large
	// counts 5/9 × 2250 = 1250, and comes first again.
	wantStatus(t, c.send("PATCH", base+"/segmentations/size/segments/s2", `{"market_size": 0}`), http.StatusOK)
	o := opportunitiesOf(t, c, base+"/opportunities?segment_by=size")
	if f := o.Groups[2].PriorityFactors; math.Abs(f.MarketSize-2250) > 1e-9 || math.Abs(f.Share-5.0/9) > 1e-12 ||
		math.Abs(o.Groups[2].Priority-0.6*0.65*1250) > 1e-9 || o.Groups[1].PriorityFactors.Share != 1 {
		t.Errorf("large beside small's own market: %+v priority %v", f, o.Groups[2].Priority)
	}
	// Taking it away (0) restores the order.
	wantStatus(t, c.send("PATCH", base+"/segmentations/size/segments/s1", `{"market_size": 0}`), http.StatusOK)
	if first, _, _ := order(); first != "large" {
		t.Errorf("first after taking the market sizes away: %s", first)
	}
}

// TestCanvasFormWithoutJavaScript: the canvas page's form saves what the
// PATCH does; the study's job and the proposed success criteria sent back
// unchanged stay unwritten, and a bad market size is refused with the page
// again (422) and nothing stored.
func TestCanvasFormWithoutJavaScript(t *testing.T) {
	_, c := researcherServer(t)
	id, base := canvasStudy(t, c)
	page := fmt.Sprintf("/studies/%d/canvas?segmentation=needs&segment=s2", id)
	wantStatus(t, c.get(page), http.StatusOK)
	proposed := getCanvas(t, c, base).Segments[1]
	form := url.Values{"label": {"Look organized"}, "job_when": {"the team grows past 10 people"},
		"job_want": {"put our work into a shared workspace"}, "job_so_that": {"stop answering the same question"},
		"verbatim": {"Board meetings take hours to prepare"}, "verbatims_new": {"My board sees we are not winging it\n\n"},
		"alternatives": {"Google Docs\nSlides"}, "success_criteria": {strings.Join(proposed.SuccessCriteria, "\n")}, "market_size": {""}}
	r := c.postForm(fmt.Sprintf("/studies/%d/segmentations/needs/segments/s2", id), form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	s2 := getCanvas(t, c, base).Segments[1]
	if s2.Label != "Look organized" || s2.OwnJob || s2.OwnCriteria || s2.MarketSize != nil ||
		!slices.Equal(s2.Verbatims, []string{"Board meetings take hours to prepare", "My board sees we are not winging it"}) ||
		!slices.Equal(s2.Alternatives, []string{"Google Docs", "Slides"}) || s2.Validation.WithVerbatims != 2 {
		t.Fatalf("after the form: %+v", s2)
	}
	// A market size reads as the Job tab reads one, grouped by commas.
	form.Set("market_size", "1,200,000")
	wantStatus(t, c.postForm(fmt.Sprintf("/studies/%d/segmentations/needs/segments/s2", id), form), http.StatusSeeOther)
	if got := getCanvas(t, c, base).Segments[1].MarketSize; got == nil || *got != 1_200_000 {
		t.Fatalf("market size 1,200,000 saved as %v", got)
	}
	stored := c.send("GET", base+"/segmentations/needs", nil).body
	form.Set("market_size", "lots")
	form.Set("label", "Renamed")
	r = c.postForm(fmt.Sprintf("/studies/%d/segmentations/needs/segments/s2", id), form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="canvas-errors"`) || !strings.Contains(r.body, `value="lots"`) ||
		!strings.Contains(r.body, "must be a number, like 250000") {
		t.Fatalf("a bad market size: %d", r.status)
	}
	if after := c.send("GET", base+"/segmentations/needs", nil).body; after != stored {
		t.Errorf("a refused form changed the canvas")
	}
}

// TestVerbatimProposalsFromGeneratedAnswers: 200 respondents answer an
// open question from a pool of phrases, some twice, some not at all, and
// fall at random into two saved segments. Each segment proposes its
// members' distinct answers, and only theirs, at most 30 (the first 30 in
// the order they answered). The question is added through the page's form,
// which marks another as the current solution.
func TestVerbatimProposalsFromGeneratedAnswers(t *testing.T) {
	s, c := researcherServer(t)
	id := newStudy(t, c, "Generated")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	web := newClient(t, s)
	web.login("r@example.com")
	web.get(fmt.Sprintf("/studies/%d/questions", id))
	r := web.postForm(fmt.Sprintf("/studies/%d/questions", id), url.Values{"_csrf": {web.csrf()}, "key": {"tool"}, "text": {"What do you use today?"},
		"kind": {"single"}, "options": {"Notion\nNothing"}, "current_solution": {"on"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add the question by its form: %d", r.status)
	}
	var qs []struct {
		Key             string `json:"key"`
		CurrentSolution bool   `json:"current_solution"`
	}
	c.send("GET", base+"/questions", nil).json(t, &qs)
	if len(qs) != 1 || !qs[0].CurrentSolution {
		t.Fatalf("questions %+v", qs)
	}
	wantStatus(t, c.send("POST", base+"/questions", `{"key": "why", "text": "Why?", "kind": "text"}`), http.StatusCreated)
	wantStatus(t, c.do("POST", base+"/outcomes/import", "text/csv", "statement\nMinimize the time to find a decision\n"), http.StatusCreated)

	rng := rand.New(rand.NewPCG(7, 19))
	var csv strings.Builder
	csv.WriteString("respondent_id,status,tool,why,O01_imp,O01_sat\n")
	members := map[string]int{}
	want := [2][]string{}
	for i := range 200 {
		id := fmt.Sprintf("g%03d", i)
		seg := rng.IntN(2)
		members[id] = seg
		why := ""
		if rng.IntN(4) > 0 {
			why = fmt.Sprintf("phrase %d of segment %d", rng.IntN(80), seg)
			if !slices.Contains(want[seg], why) {
				want[seg] = append(want[seg], why)
			}
		}
		fmt.Fprintf(&csv, "%s,complete,Notion,%s,%d,%d\n", id, why, 1+rng.IntN(5), 1+rng.IntN(5))
	}
	wantStatus(t, c.do("POST", base+"/responses/import", "text/csv", csv.String()), http.StatusCreated)
	wantStatus(t, c.send("POST", base+"/segmentations", map[string]any{"key": "needs", "labels": []string{"a", "b"}, "members": members}), http.StatusCreated)
	got := getCanvas(t, c, base)
	for i, seg := range got.Segments {
		w := want[i][:min(30, len(want[i]))]
		if len(want[i]) <= 30 {
			t.Fatalf("segment %d has only %d distinct answers: the data should test the cap", i, len(want[i]))
		}
		if !slices.Equal(seg.Proposals, w) {
			t.Errorf("segment %s proposes %q\nwant %q", seg.ID, seg.Proposals, w)
		}
		if cs := seg.CurrentSolution; cs == nil || cs.Options[0].Share != 1 || cs.N != seg.Size {
			t.Errorf("segment %s current solution %+v", seg.ID, cs)
		}
	}
}
