package app

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"odi/surveys/surveystest"
)

// programmeStudy is an open study of two outcomes whose cleaning excludes
// nothing by rule: the planted respondents below answer alike from one
// address, which the rule would take for duplicates.
func programmeStudy(t *testing.T, c *client, name string) (int64, string) {
	t.Helper()
	id := newStudy(t, c, name)
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	for _, st := range []string{"Minimize the time it takes to find a past decision", "Minimize the likelihood of repeating a settled discussion"} {
		wantStatus(t, c.send("POST", base+"/outcomes", map[string]string{"statement": st}), http.StatusCreated)
	}
	wantStatus(t, c.send("PATCH", base, map[string]any{"exclude_flags": []string{}}), http.StatusOK)
	return id, publish(t, c, base)
}

// answer submits one response with panel id pid: underserved (importance 5,
// satisfaction 1 on both outcomes: opportunity 20, extreme) or served
// (importance 2, satisfaction 5: opportunity 0). It returns the respondent id.
func answer(t *testing.T, s *Server, slug, pid string, underserved, complete bool) string {
	t.Helper()
	imp, sat := 2, 5
	if underserved {
		imp, sat = 5, 1
	}
	rating := map[string]int{"importance": imp, "satisfaction": sat}
	r := newClient(t, s).send("POST", "/api/v1/s/"+slug+"/responses", map[string]any{"submission_id": uuid.NewString(), "panel_id": pid,
		"ratings": map[string]any{"O01": rating, "O02": rating}, "complete": complete})
	wantStatus(t, r, http.StatusCreated)
	var out struct {
		RespondentID string `json:"respondent_id"`
	}
	r.json(t, &out)
	return out.RespondentID
}

func panelIDs(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("P%02d", i))
	}
	return out
}

type crossJobAnswer struct {
	Studies []struct {
		ID           int64
		Counted      int
		Linkable     int
		Segmentation string
		Segments     []struct {
			Label string
			High  bool
		}
	}
	Pairs []struct {
		StudyIDs [2]int64 `json:"study_ids"`
		Both     int
		HighBoth int `json:"high_both"`
	}
}

func crossJobOf(t *testing.T, c *client, id int64) crossJobAnswer {
	t.Helper()
	r := c.send("GET", fmt.Sprintf("/api/v1/programmes/%d/cross-job", id), nil)
	wantStatus(t, r, http.StatusOK)
	var out crossJobAnswer
	r.json(t, &out)
	return out
}

func createProgramme(t *testing.T, c *client, name string, ids ...int64) int64 {
	t.Helper()
	r := c.send("POST", "/api/v1/programmes", map[string]any{"name": name, "study_ids": ids})
	wantStatus(t, r, http.StatusCreated)
	var out map[string]int64
	r.json(t, &out)
	if len(out) != 1 || out["id"] == 0 {
		t.Fatalf("POST /api/v1/programmes answered %s, want {\"id\": N}", r.body)
	}
	return out["id"]
}

// plantedProgramme is three studies with a known overlap, linked by panel
// id:
//
//	A: P01–P20, underserved P01–P05 and P11–P15, the rest served;
//	B: P11–P30, underserved P11–P13, P16–P18 and P26–P30; P20's response is
//	   excluded by the researcher;
//	C: P16–P25, all underserved, no saved segmentation; P01 started but did
//	   not finish.
//
// A and B each save the segmentation "needs" of two segments, Underserved
// and Served, with every respondent where they were planted.
func plantedProgramme(t *testing.T, s *Server, c *client) (programmeID int64, a, b, cc int64) {
	t.Helper()
	type planted struct {
		name       string
		people     []string
		high       []string
		segmented  bool
		excluded   string
		unfinished string
	}
	studies := []planted{
		{name: "Find decisions", people: panelIDs(1, 20), high: slices.Concat(panelIDs(1, 5), panelIDs(11, 15)), segmented: true},
		{name: "Onboard people", people: panelIDs(11, 30), high: slices.Concat(panelIDs(11, 13), panelIDs(16, 18), panelIDs(26, 30)), segmented: true, excluded: "P20"},
		{name: "Plan the quarter", people: panelIDs(16, 25), high: panelIDs(16, 25), unfinished: "P01"},
	}
	ids := make([]int64, len(studies))
	for i, p := range studies {
		id, slug := programmeStudy(t, c, p.name)
		ids[i] = id
		members := map[string]int{}
		for _, pid := range p.people {
			high := slices.Contains(p.high, pid)
			rid := answer(t, s, slug, pid, high, true)
			members[rid] = 1
			if high {
				members[rid] = 0
			}
			if pid == p.excluded {
				wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/responses/exclusions", id),
					map[string]any{"respondent_ids": []string{rid}, "excluded": true}), http.StatusOK)
				delete(members, rid)
			}
		}
		if p.unfinished != "" {
			answer(t, s, slug, p.unfinished, true, false)
		}
		if p.segmented {
			wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/segmentations", id),
				map[string]any{"key": "needs", "labels": []string{"Underserved", "Served"}, "members": members}), http.StatusCreated)
		}
	}
	return createProgramme(t, c, "Workspace buyers", ids...), ids[0], ids[1], ids[2]
}

func TestCrossJobCountsPlantedOverlapByPanelID(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *Server) {
		c := api(t, s, "r@example.com", "researcher")
		checkPlantedCrossJob(t, s, c)
	})
}

func checkPlantedCrossJob(t *testing.T, s *Server, c *client) {
	id, a, b, cc := plantedProgramme(t, s, c)
	got := crossJobOf(t, c, id)

	// By hand from the plan of plantedProgramme: A∩B is P11–P19 (P20 is
	// out of B), of whom P11–P13 are underserved in both; A∩C is P16–P20
	// (P01 never finished C); B∩C is P16–P19 and P21–P25. C has no saved
	// segmentation, so nobody is in a high-opportunity segment of it.
	want := []struct {
		ids            [2]int64
		both, highBoth int
	}{
		{[2]int64{a, b}, 9, 3},
		{[2]int64{a, cc}, 5, 0},
		{[2]int64{b, cc}, 9, 0},
	}
	if len(got.Pairs) != len(want) {
		t.Fatalf("%d pairs, want %d: %+v", len(got.Pairs), len(want), got.Pairs)
	}
	for i, w := range want {
		p := got.Pairs[i]
		if p.StudyIDs != w.ids || p.Both != w.both || p.HighBoth != w.highBoth {
			t.Errorf("pair %d: %v both %d high_both %d, want %v both %d high_both %d", i, p.StudyIDs, p.Both, p.HighBoth, w.ids, w.both, w.highBoth)
		}
	}
	counted := []int{20, 19, 10}
	for i, st := range got.Studies {
		if st.Counted != counted[i] || st.Linkable != counted[i] {
			t.Errorf("study %d: counted %d, linkable %d, want %d", st.ID, st.Counted, st.Linkable, counted[i])
		}
	}
	if seg := got.Studies[0].Segments; got.Studies[0].Segmentation != "needs" || len(seg) != 2 || !seg[0].High || seg[1].High {
		t.Errorf("study A reads segments %+v of %q, want Underserved high and Served not", seg, got.Studies[0].Segmentation)
	}

	// The people export: one row per person in two studies or more. From the
	// plan: P11–P19 answered A and B, P16–P19 also C, P20 A and C, P21–P25
	// B and C: 9 + 1 + 5 = 15 people.
	r := c.send("GET", fmt.Sprintf("/api/v1/programmes/%d/people.csv", id), nil)
	wantStatus(t, r, http.StatusOK)
	if !strings.HasPrefix(r.body, "\ufeff") || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("people.csv: %q, Content-Type %q", r.body[:min(20, len(r.body))], r.header.Get("Content-Type"))
	}
	rows := surveystest.CSV(t, strings.TrimPrefix(r.body, "\ufeff"))
	wantHeader := []string{"link_id", "panel_ids", "emails", "studies", "high_studies",
		fmt.Sprintf("Find decisions (study %d) segment", a), fmt.Sprintf("Find decisions (study %d) high", a),
		fmt.Sprintf("Onboard people (study %d) segment", b), fmt.Sprintf("Onboard people (study %d) high", b),
		fmt.Sprintf("Plan the quarter (study %d) segment", cc), fmt.Sprintf("Plan the quarter (study %d) high", cc)}
	if !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("header %q, want %q", rows[0], wantHeader)
	}
	if len(rows) != 1+15 {
		t.Fatalf("%d people, want 15", len(rows)-1)
	}
	// Most high-opportunity studies first: P11–P13 are high in A and B.
	wantFirst := []string{"panel:P11", "P11", "", "2", "2", "Underserved", "1", "Underserved", "1", "", ""}
	if !slices.Equal(rows[1], wantFirst) {
		t.Errorf("first row %q, want %q", rows[1], wantFirst)
	}
	p16 := slices.IndexFunc(rows, func(r []string) bool { return r[0] == "panel:P16" })
	if want := []string{"panel:P16", "P16", "", "3", "1", "Served", "0", "Underserved", "1", "answered", "0"}; p16 < 0 || !slices.Equal(rows[p16], want) {
		t.Errorf("P16's row %q, want %q", rows[max(p16, 0)], want)
	}
}

func TestCrossJobLinksByInvitationEmail(t *testing.T) {
	t.Parallel()
	sink := surveystest.SMTP(t)
	s, c, _ := mailServer(t, sink)
	x, xSlug := programmeStudy(t, c, "Find decisions")
	y, ySlug := programmeStudy(t, c, "Onboard people")
	// Ana is invited to both, in another case the second time; Dan is
	// invited to Y with panel id P9, the id someone answered X with through
	// the open link; Ben and Cy answer X only.
	createMailing(t, c, x, "{link}", "ana@example.com", "ben@example.com", "cy@example.com")
	createMailing(t, c, y, "{link}", "Ana@Example.com", "dan@example.com|P9")
	tokens := map[string]string{}
	for _, m := range sink.WaitFor(t, 5, 20*time.Second) {
		link := inviteLink.FindStringSubmatch(m.Body)
		if link == nil {
			t.Fatalf("%s: no invitation link in %q", m.To, m.Body)
		}
		tokens[link[1]+" "+strings.ToLower(m.To)] = link[2]
	}
	for _, to := range []string{xSlug + " ana@example.com", xSlug + " ben@example.com", xSlug + " cy@example.com", ySlug + " ana@example.com", ySlug + " dan@example.com"} {
		slug, _, _ := strings.Cut(to, " ")
		wantStatus(t, submitInvited(newClient(t, s), slug, tokens[to]), http.StatusCreated)
	}
	answer(t, s, xSlug, "P9", true, true)

	id := createProgramme(t, c, "By e-mail", x, y)
	got := crossJobOf(t, c, id)
	if len(got.Pairs) != 1 || got.Pairs[0].Both != 2 || got.Pairs[0].HighBoth != 0 {
		t.Fatalf("pairs %+v, want one with both 2 (Ana; Dan = P9) and high_both 0 (no segmentation)", got.Pairs)
	}
	r := c.send("GET", fmt.Sprintf("/api/v1/programmes/%d/people.csv", id), nil)
	wantStatus(t, r, http.StatusOK)
	rows := surveystest.CSV(t, strings.TrimPrefix(r.body, "\ufeff"))
	var people []string
	for _, row := range rows[1:] {
		people = append(people, strings.Join(row[:4], " | "))
	}
	want := []string{"email:ana@example.com |  | ana@example.com | 2", "panel:P9 | P9 | dan@example.com | 2"}
	if !slices.Equal(people, want) {
		t.Errorf("people %q, want %q", people, want)
	}
}

func TestProgrammeRefusesBadInputAndHidesFromOthers(t *testing.T) {
	t.Parallel()
	eachServer(t, checkProgrammeRefusals)
}

func checkProgrammeRefusals(t *testing.T, s *Server) {
	c := api(t, s, "r@example.com", "researcher")
	a, _ := programmeStudy(t, c, "Find decisions")
	b, _ := programmeStudy(t, c, "Onboard people")
	other := api(t, s, "other@example.com", "researcher")
	foreign, _ := programmeStudy(t, other, "Someone else's")
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"study_ids": []int64{a, b}}, "name"},
		{map[string]any{"name": "  ", "study_ids": []int64{a, b}}, "name"},
		{map[string]any{"name": "One"}, "study_ids"},
		{map[string]any{"name": "One", "study_ids": []int64{a}}, "study_ids"},
		{map[string]any{"name": "Twice", "study_ids": []int64{a, a}}, "study_ids"},
		{map[string]any{"name": "Unknown", "study_ids": []int64{a, 99999}}, "study_ids"},
		{map[string]any{"name": "Foreign", "study_ids": []int64{a, foreign}}, "study_ids"},
	} {
		r := c.send("POST", "/api/v1/programmes", tc.body)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		var e apiError
		r.json(t, &e)
		if e.Fields[tc.field] == "" {
			t.Errorf("%v: 422 %s, want a message naming %s", tc.body, r.body, tc.field)
		}
	}
	var n int64
	if err := s.store.DB().Table("programmes").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("%d programmes stored after refusals (%v)", n, err)
	}

	id := createProgramme(t, c, "Mine", b, a)
	var list []struct {
		ID       int64
		Name     string
		StudyIDs []int64 `json:"study_ids"`
	}
	r := c.send("GET", "/api/v1/programmes", nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &list)
	if len(list) != 1 || list[0].ID != id || list[0].Name != "Mine" || !slices.Equal(list[0].StudyIDs, []int64{b, a}) {
		t.Errorf("list %+v, want programme %d of studies %d, %d in that order", list, id, b, a)
	}
	// Another researcher sees neither the programme nor its people.
	for _, path := range []string{"/api/v1/programmes/%d/cross-job", "/api/v1/programmes/%d/people.csv"} {
		wantStatus(t, other.send("GET", fmt.Sprintf(path, id), nil), http.StatusNotFound)
	}
	r = other.send("GET", "/api/v1/programmes", nil)
	wantStatus(t, r, http.StatusOK)
	if strings.TrimSpace(r.body) != "[]" {
		t.Errorf("a stranger lists %s, want []", r.body)
	}
	wantStatus(t, other.send("DELETE", fmt.Sprintf("/api/v1/programmes/%d", id), nil), http.StatusNotFound)
	// A deleted study leaves the programme.
	wantStatus(t, c.send("DELETE", fmt.Sprintf("/api/v1/studies/%d", a), nil), http.StatusNoContent)
	if got := crossJobOf(t, c, id); len(got.Studies) != 1 || len(got.Pairs) != 0 {
		t.Errorf("after deleting study %d: %+v, want study %d alone and no pairs", a, got, b)
	}
	// Deleting the programme leaves its study.
	wantStatus(t, c.send("DELETE", fmt.Sprintf("/api/v1/programmes/%d", id), nil), http.StatusNoContent)
	wantStatus(t, c.send("GET", fmt.Sprintf("/api/v1/programmes/%d/cross-job", id), nil), http.StatusNotFound)
	wantStatus(t, c.send("GET", fmt.Sprintf("/api/v1/studies/%d", b), nil), http.StatusOK)
}
