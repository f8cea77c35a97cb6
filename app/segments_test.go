package app

import (
	"fmt"
	"net/http"
	"testing"

	"odi/surveys/results"
	"odi/surveys/sample"
)

func TestDiscoverSaveAndSplitByNeedsSegments(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	owner, _ := s.accounts.UserByEmail(t.Context(), "r@example.com")
	ds := sample.Generate(sample.Config{Respondents: 1200, Seed: 3})
	st, err := s.fieldwork.LoadSample(t.Context(), owner, ds)
	if err != nil {
		t.Fatal(err)
	}
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
