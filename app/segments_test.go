package app

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"odi/surveys"
	"odi/surveys/results"
	"odi/surveys/sample"
)

func TestDiscoverSaveAndSplitByNeedsSegments(t *testing.T) {
	s, c := researcherServer(t)
	st, ds := loadSample(t, s, "r@example.com", sample.Config{Respondents: 1200, Seed: 3})
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	r := c.send("POST", base+"/segments/discover", `{}`)
	wantStatus(t, r, http.StatusOK)
	var disc results.Discovery
	r.json(t, &disc)
	if disc.K != 3 || len(disc.Segments) != 3 || disc.Segments[0].Size < disc.Segments[2].Size {
		t.Fatalf("discovery: k=%d sizes %v", disc.K, len(disc.Segments))
	}
	// The planted segments come back (the generator knows who is in which):
	// each discovered segment is at least 95% one planted segment, each a
	// different one. How well discovery recovers them is measured in package
	// cluster; this checks that the members reach the API as discovered.
	truth := map[string]int{}
	for _, resp := range ds.Responses {
		truth[resp.ID] = resp.Segment
	}
	members := map[string]int{}
	planted := map[int]bool{}
	for i, sg := range disc.Segments {
		if len(sg.Distinctive) == 0 {
			t.Errorf("segment %s has no distinctive outcome", sg.ID)
		}
		if _, ok := sg.Profile["company_size"]; !ok {
			t.Errorf("segment %s has no company_size profile", sg.ID)
		}
		var count [3]int
		for _, m := range sg.Members {
			count[truth[m]]++
			members[m] = i
		}
		most := 0
		for p := range count {
			if count[p] > count[most] {
				most = p
			}
		}
		if 100*count[most] < 95*len(sg.Members) || planted[most] {
			t.Errorf("segment %s holds planted segments %v, want 95%% of one not yet seen", sg.ID, count)
		}
		planted[most] = true
	}
	wantField(t, c.send("POST", base+"/segments/discover", `{"k": 1}`), "k", "at least 2")

	labels := []string{"Stop losing context", "Look organized to investors", "Ship faster as the team scales"}
	wantStatus(t, c.send("POST", base+"/segmentations", map[string]any{"key": "needs", "labels": labels, "members": members}), http.StatusCreated)
	wantField(t, c.send("POST", base+"/segmentations", map[string]any{"key": "needs", "labels": labels, "members": members}), "key", "already")
	wantField(t, c.send("POST", base+"/segmentations", map[string]any{"key": "company_size", "labels": labels, "members": members}), "key", "profile question")

	var opp results.Opportunities
	c.send("GET", base+"/opportunities?segment_by=needs", nil).json(t, &opp)
	if len(opp.Groups) != 4 || opp.Groups[1].Key != "s1" || opp.Groups[1].Label != labels[0] || opp.Groups[1].N != disc.Segments[0].Size {
		t.Fatalf("split by the saved segmentation: %+v", opp.Groups[1])
	}
	c.send("GET", base+"/opportunities?filter=needs:s2", nil).json(t, &opp)
	if opp.Groups[0].N != disc.Segments[1].Size {
		t.Fatalf("filtered to s2: n %d, want %d", opp.Groups[0].N, disc.Segments[1].Size)
	}
	var segs []results.Segmentation
	c.send("GET", base+"/segmentations", nil).json(t, &segs)
	if len(segs) != 1 || segs[0].Key != "needs" {
		t.Fatalf("segmentations: %+v", segs)
	}
}

// TestSegmentsPageSaysWhyASegmentIsTooSmall: with the study's min_n above
// the smallest of three needs segments, k = 3 asked for is answered with
// that segment marked, through the API and on the Segments tab, which says
// which segment and why; automatic discovery picks a k that qualifies, and
// says so when none does.
func TestSegmentsPageSaysWhyASegmentIsTooSmall(t *testing.T) {
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	browser := newClient(t, s)
	browser.login("r@example.com")
	st, _ := loadSample(t, s, "r@example.com", sample.Config{Respondents: 400, Seed: 3})
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	minN := func(n int) { wantStatus(t, c.send("PATCH", base, map[string]int{"min_n": n}), http.StatusOK) }
	discover := func(k string) (results.Discovery, reply) {
		var d results.Discovery
		r := c.send("POST", base+"/segments/discover", `{"k": `+k+`}`)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &d)
		return d, r
	}
	minN(1)
	three, _ := discover("3")
	small := three.Segments[2].Size // numbered by size, largest first
	minN(small + 1)
	three, r := discover("3")
	if three.Recommended || three.MinN != small+1 || !slices.Equal(three.Flags[:1], []string{"too_small"}) || !three.Segments[2].TooSmall || three.Segments[1].TooSmall {
		t.Fatalf("k=3 with min_n %d: %s", small+1, r.body[:min(len(r.body), 300)])
	}
	wantBody(t, r, `"min_n":`+itoa(int64(small+1)), `"recommended":false`, `"too_small":true`)

	page := browser.submit(studyPath(st.ID, "segments"), url.Values{"k": {"3"}})
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, `id="too-small"`, "Not recommended:",
		fmt.Sprintf("Too small: segment s3 has %d respondents, fewer than the study's minimum n of %d", small, small+1),
		`<span class="chip flag">under min n</span>`)
	if strings.Contains(page.body, `<li class="notice warn">too_small`) {
		t.Error("the page shows the too_small flag as a cross-check verdict")
	}

	// Automatic: a k whose segments are big enough, two here, which merges two
	// planted segments: a split the resamples do not make alike, so the page
	// says the data shows no stable needs segments (at that size).
	auto, _ := discover("0")
	page = browser.submit(studyPath(st.ID, "segments"), url.Values{"k": {"auto"}})
	if auto.Recommended || auto.K != 2 || !slices.Equal(auto.Flags[:1], []string{"unstable"}) || strings.Contains(page.body, `id="too-small"`) ||
		!strings.Contains(page.body, "2 segments") {
		t.Fatalf("automatic with min_n %d: k %d, recommended %v, flags %v", small+1, auto.K, auto.Recommended, auto.Flags)
	}
	wantBody(t, page, `id="unstable"`, "The data shows no stable needs segments.", `<span class="chip flag">unstable</span>`)

	// With no minimum to meet, the three planted segments are found, stable.
	minN(1)
	auto, _ = discover("0")
	page = browser.submit(studyPath(st.ID, "segments"), url.Values{"k": {"auto"}})
	if !auto.Recommended || auto.K != 3 || auto.Stability < 0.9 || len(auto.Candidates) != 5 || strings.Contains(page.body, `id="unstable"`) {
		t.Fatalf("automatic: k %d, recommended %v, stability %.3f, candidates %+v", auto.K, auto.Recommended, auto.Stability, auto.Candidates)
	}
	wantBody(t, page, `<tr class="chosen" aria-current="true">`, "stability "+fmt.Sprintf("%.2f", auto.Stability), `id="v-scale"`,
		"(moderate)")
	// The labels and the verdict read V on one scale: no "strong" beside "no re-discovery".
	if strings.Contains(page.body, "without re-discovering any profile question") == strings.Contains(page.body, "(strong") {
		t.Error("the cross-check's verdict and its labels disagree")
	}
	minN(1000)
	page = browser.submit(studyPath(st.ID, "segments"), url.Values{"k": {"auto"}})
	wantBody(t, page, "No segmentation into 2 to 6 segments with every segment of at least 1000 respondents was found.")
}

// discoveredSample is the sample study of n respondents (seed 3), owned by
// the researcher of a server of its own, with its three needs segments
// discovered through the API.
func discoveredSample(t *testing.T, n int) (*Server, *client, *surveys.Study, results.Discovery) {
	t.Helper()
	s, c := researcherServer(t)
	st, _ := loadSample(t, s, "r@example.com", sample.Config{Respondents: n, Seed: 3})
	var d results.Discovery
	c.send("POST", fmt.Sprintf("/api/v1/studies/%d/segments/discover", st.ID), `{"k": 3}`).json(t, &d)
	return s, c, st, d
}

// TestSavedSegmentationPlacesLateRespondents: a segmentation saved with
// only some of the respondents as members (as if the others answered after
// it was saved) still puts every counted respondent in a segment, the
// nearest, so the results split by it have discovery's sizes.
func TestSavedSegmentationPlacesLateRespondents(t *testing.T) {
	_, c, st, d := discoveredSample(t, 400)
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	members := map[string]int{}
	late := 0
	for i, sg := range d.Segments {
		for j, m := range sg.Members {
			if j%4 == 0 { // a quarter of each segment came later
				late++
				continue
			}
			members[m] = i
		}
	}
	wantStatus(t, c.send("POST", base+"/segmentations", map[string]any{"key": "needs", "labels": []string{"A", "B", "C"}, "members": members}),
		http.StatusCreated)
	var opp results.Opportunities
	c.send("GET", base+"/opportunities?segment_by=needs", nil).json(t, &opp)
	if len(opp.Groups) != 4 {
		t.Fatalf("%d groups, want all and 3 segments", len(opp.Groups))
	}
	for i, g := range opp.Groups[1:] {
		if g.N != d.Segments[i].Size {
			t.Errorf("segment %s: n = %d, discovery's size %d (%d respondents not members)", g.Key, g.N, d.Segments[i].Size, late)
		}
	}
	var saved []results.Segmentation
	c.send("GET", base+"/segmentations", nil).json(t, &saved)
	if len(saved) != 1 || saved[0].Model == nil || len(saved[0].Model.Centroids) != 3 || len(saved[0].Members) != len(members) {
		t.Fatalf("saved: %+v", saved)
	}
}

// TestTypingToolThroughTheAPI: a six-item typing tool of a saved
// segmentation answers its items and a cross-validated accuracy; classify
// puts the mean answers of each segment's members in that segment, and
// refuses ratings that are not the study's.
func TestTypingToolThroughTheAPI(t *testing.T) {
	_, c, st, d := discoveredSample(t, 600)
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	members := map[string]int{}
	for i, sg := range d.Segments {
		for _, m := range sg.Members {
			members[m] = i
		}
	}
	wantStatus(t, c.send("POST", base+"/segmentations", map[string]any{"key": "needs", "labels": []string{"A", "B", "C"}, "members": members}),
		http.StatusCreated)
	wantField(t, c.send("POST", base+"/segmentations/needs/typing-tool", `{"items": 0}`), "items", "")
	wantStatus(t, c.send("POST", base+"/segmentations/nope/typing-tool", `{"items": 6}`), http.StatusNotFound)
	var tool results.Typing
	r := c.send("POST", base+"/segmentations/needs/typing-tool", `{"items": 6}`)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &tool)
	if len(tool.Items) != 6 || tool.Accuracy < 0.8 || tool.Accuracy > 1 {
		t.Fatalf("typing tool %+v", tool)
	}
	// Each segment's typical answers to the items: its members' rounded means.
	ratings := map[string][]byte{}
	for _, p := range sample.Generate(sample.Config{Respondents: 600, Seed: 3}).Responses {
		ratings[p.ID] = p.Ratings
	}
	slot := map[string]int{}
	for _, o := range c.design(st.ID).Outcomes {
		slot[o.Code] = o.Slot
	}
	for i, sg := range d.Segments {
		in := map[string]map[string]int{}
		for _, it := range tool.Items {
			sum := 0
			for _, m := range sg.Members {
				sum += int(ratings[m][2*slot[it.Code]+map[string]int{"importance": 0, "satisfaction": 1}[it.Scale]])
			}
			if in[it.Code] == nil {
				in[it.Code] = map[string]int{}
			}
			in[it.Code][it.Scale] = int(math.Round(float64(sum) / float64(len(sg.Members))))
		}
		var got results.Classification
		r := c.send("POST", base+"/segmentations/needs/classify", map[string]any{"ratings": in})
		wantStatus(t, r, http.StatusOK)
		r.json(t, &got)
		if got.Segment != sg.ID || got.Label != []string{"A", "B", "C"}[i] || got.Probability < 0.5 {
			t.Errorf("segment %s's typical answers %v classified %+v", sg.ID, in, got)
		}
	}
	wantField(t, c.send("POST", base+"/segmentations/needs/classify", `{"ratings": {"O99": {"importance": 5}}}`), "ratings.O99", "not an outcome")
	wantField(t, c.send("POST", base+"/segmentations/needs/classify", `{"ratings": {"O01": {"importance": 9}}}`), "ratings.O01.importance", "1 to 5")
}

// TestSegmentsOnPrincipalComponents: discovery through the API on
// principal components says how many and what share of the variance they
// explain; the Segments tab, ticked, shows that solution and compares its
// stability with the needs values' at the same k, and saving keeps the
// solution shown.
func TestSegmentsOnPrincipalComponents(t *testing.T) {
	s, c, st, needs := discoveredSample(t, 600)
	base := fmt.Sprintf("/api/v1/studies/%d", st.ID)
	var comp results.Discovery
	r := c.send("POST", base+"/segments/discover", `{"k": 3, "components": true}`)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &comp)
	if comp.Components == nil || comp.Components.Count < 2 || comp.Components.Count >= 30 || comp.Components.Variance < 0.8 || comp.K != 3 {
		t.Fatalf("on components: k %d, %+v", comp.K, comp.Components)
	}
	if needs.Components != nil {
		t.Error("discovery on the needs values says it ran on components")
	}
	browser := newClient(t, s)
	browser.login("r@example.com")
	page := browser.submit(studyPath(st.ID, "segments"), url.Values{"k": {"3"}, "components": {"1"}})
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, fmt.Sprintf("on %d principal components", comp.Components.Count), `name="components" value="1" checked`,
		fmt.Sprintf("Principal components (%d, %.0f%% of the variance) <span class=\"chip\">shown</span>", comp.Components.Count, 100*comp.Components.Variance),
		fmt.Sprintf(`<td class="num" data-label="Stability">%.2f`, needs.Stability), fmt.Sprintf(`<td class="num" data-label="Stability">%.2f`, comp.Stability),
		`<input type="hidden" name="components" value="1">`)
	save := browser.submit(studyPath(st.ID, "segmentations"), url.Values{"k": {"3"}, "components": {"1"}, "key": {"pca"},
		"label_0": {"A"}, "label_1": {"B"}, "label_2": {"C"}})
	if save.status != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", save.status, save.body)
	}
	var segs []results.Segmentation
	c.send("GET", base+"/segmentations", nil).json(t, &segs)
	for _, m := range comp.Segments[0].Members {
		if segs[0].Members[m] != 0 {
			t.Fatalf("%s of the shown s1 saved in segment %d", m, segs[0].Members[m])
		}
	}
}
