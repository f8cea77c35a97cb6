package app

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"odi/surveys"
)

// TestPublishedWordingFixesAreLogged: once published, an outcome's statement
// and a question's text may still be fixed, through the API and the tabs'
// "Fix wording" forms; anything else stays locked; each fix is listed on the
// Fieldwork tab and in its API, and respondents read the new wording.
func TestPublishedWordingFixesAreLogged(t *testing.T) {
	s, c := researcherServer(t)
	id := newStudy(t, c, "Typos")
	api := fmt.Sprintf("/api/v1/studies/%d", id)
	var o surveys.Outcome
	r := c.send("POST", api+"/outcomes", map[string]string{"statement": "Minimize the time it takes to find a decisoin"})
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &o)
	wantStatus(t, c.send("POST", api+"/questions", `{"key": "size", "text": "Company sise?", "kind": "single", "options": ["small", "large"]}`), http.StatusCreated)
	// A draft's edits are not logged.
	wantStatus(t, c.send("PATCH", fmt.Sprintf("%s/outcomes/%d", api, o.ID), map[string]string{"statement": "Minimize the time it takes to find a decisoin "}), http.StatusOK)
	slug := publish(t, c, api)

	fixed := "Minimize the time it takes to find a decision"
	wantStatus(t, c.send("PATCH", fmt.Sprintf("%s/outcomes/%d", api, o.ID), map[string]string{"statement": fixed, "code": o.Code}), http.StatusOK)
	wantStatus(t, c.send("PATCH", api+"/questions/size", `{"key": "size", "text": "Company size?", "kind": "single", "options": ["small", "large"]}`), http.StatusOK)
	for _, body := range []string{
		`{"key": "size", "text": "Company size?", "kind": "single", "options": ["small", "large", "huge"]}`,
		`{"key": "size", "text": "Company size?", "kind": "single", "options": ["small", "large"], "required": true}`,
	} {
		if r := c.send("PATCH", api+"/questions/size", body); r.status != http.StatusConflict || !strings.Contains(r.body, "only a question's text, its options' texts") {
			t.Errorf("PATCH %s on a published study: %d %s, want 409", body, r.status, r.body)
		}
	}
	wantFields(t, c.send("PATCH", fmt.Sprintf("%s/outcomes/%d", api, o.ID), map[string]string{"statement": "  "}), map[string]string{"statement": "required"})
	// Marking the current solution is how results read the answers: it may
	// change after publishing, and is not a rewording.
	wantStatus(t, c.send("PATCH", api+"/questions/size", `{"key": "size", "text": "Company size?", "kind": "single", "options": ["small", "large"], "current_solution": true}`), http.StatusOK)
	var q []surveys.Question
	c.send("GET", api+"/questions", nil).json(t, &q)
	if !q[0].CurrentSolution || q[0].Text != "Company size?" {
		t.Fatalf("after marking the current solution: %+v", q[0])
	}

	var fw struct {
		Changes []struct{ By, What, Before, After string }
	}
	c.send("GET", api+"/fieldwork", nil).json(t, &fw)
	want := []struct{ By, What, Before, After string }{
		{"r@example.com", "outcome " + o.Code, "Minimize the time it takes to find a decisoin", fixed},
		{"r@example.com", "question size", "Company sise?", "Company size?"},
	}
	if !slices.Equal(fw.Changes, want) {
		t.Fatalf("changes %+v, want %+v", fw.Changes, want)
	}
	var survey struct {
		Profile []struct{ Text string }
		Pages   []struct{ Items []struct{ Statement string } }
	}
	c.send("GET", "/api/v1/s/"+slug, nil).json(t, &survey)
	if survey.Profile[0].Text != "Company size?" || survey.Pages[0].Items[0].Statement != fixed {
		t.Fatalf("respondents read %+v", survey)
	}

	// The tabs: a fix through the Questions tab's form, refused when empty.
	page := newClient(t, s)
	page.login("r@example.com")
	base := fmt.Sprintf("/studies/%d", id)
	wantMarked(t, page.submit(base+"/questions/size/wording", url.Values{"text": {" "}, "options": {"small\nlarge"}}), "qw-size", "required")
	wantRedirect(t, page.submit(base+"/questions/size/wording", url.Values{"text": {"What size is your company?"}, "options": {"small\nlarge"}}), base+"/questions#q-size")
	wantBody(t, page.get(base+"/outcomes"), "Fix wording")
	wantBody(t, page.get(base+"/fieldwork"), "Reworded since publishing", "<del>Company size?</del>", "<ins>What size is your company?</ins>")
}

// TestPublishedOptionRenameCarriesAnswers: a typo fixed in a published
// question's options renames the answers already given (one choice or
// several), its quotas and screen-out, and the weighting targets, so the
// results and the responses file read the new text and nothing is lost.
// Moving a text to another option's place is refused.
func TestPublishedOptionRenameCarriesAnswers(t *testing.T) {
	s, c := researcherServer(t)
	id := goldenStudy(t, c, []string{
		`{"key": "size", "text": "Company size?", "kind": "single", "options": ["smal", "large", "none"], "screen_out": ["none"], "quotas": {"smal": 50, "large": 50}, "segment": true}`,
		`{"key": "tools", "text": "Tools used?", "kind": "multi", "options": ["Exel", "Sheets"]}`,
	}, "statement,code\nMinimize the time to find a decision,O01\n",
		"respondent_id,status,size,tools,O01_imp,O01_sat\nr1,complete,smal,Exel;Sheets,5,1\nr2,complete,large,Exel,1,5\nr3,complete,smal,,4,2\n")
	api := fmt.Sprintf("/api/v1/studies/%d", id)
	wantStatus(t, c.send("PUT", api+"/weighting", `{"targets": {"size": {"smal": 0.5, "large": 0.5}}}`), http.StatusOK)
	wantStatus(t, c.send("POST", api+"/publish", nil), http.StatusOK)
	before := opportunitiesOf(t, c, api+"/opportunities?segment_by=size")

	for _, body := range []string{
		`{"key": "size", "text": "Company size?", "kind": "single", "options": ["small", "large", "none"], "screen_out": ["none"], "quotas": {"small": 50, "large": 50}, "segment": true}`,
		`{"key": "tools", "text": "Tools used?", "kind": "multi", "options": ["Excel", "Sheets"]}`,
	} {
		wantStatus(t, c.send("PATCH", api+"/questions/"+strings.Split(body, `"`)[3], body), http.StatusOK)
	}
	// A question sent back as GET gave it, its place included, is accepted;
	// another place is a move.
	sentBack := `{"key": "tools", "text": "Tools used?", "kind": "multi", "options": ["Excel", "Sheets"], "position": %d}`
	wantStatus(t, c.send("PATCH", api+"/questions/tools", fmt.Sprintf(sentBack, 1)), http.StatusOK)
	wantStatus(t, c.send("PATCH", api+"/questions/tools", fmt.Sprintf(sentBack, 0)), http.StatusConflict)
	swap := `{"key": "size", "text": "Company size?", "kind": "single", "options": ["large", "small", "none"], "screen_out": ["none"], "quotas": {"small": 50, "large": 50}, "segment": true}`
	if r := c.send("PATCH", api+"/questions/size", swap); r.status != http.StatusConflict {
		t.Errorf("swapping two options' texts: %d %s, want 409", r.status, r.body)
	}

	var qs []surveys.Question
	c.send("GET", api+"/questions", nil).json(t, &qs)
	if !slices.Equal(qs[0].Options, []string{"small", "large", "none"}) || qs[0].Quotas["small"] != 50 || qs[0].Quotas["smal"] != 0 ||
		!slices.Equal(qs[0].ScreenOut, []string{"none"}) || !slices.Equal(qs[1].Options, []string{"Excel", "Sheets"}) {
		t.Fatalf("questions after the fixes: %+v", qs)
	}
	csv := c.send("GET", api+"/responses.csv", nil).body
	for _, want := range []string{",small,Excel;Sheets,", ",large,Excel,", ",small,,"} {
		if !strings.Contains(csv, want) {
			t.Errorf("responses.csv lacks %q:\n%s", want, csv)
		}
	}
	if strings.Contains(csv, "smal,") || strings.Contains(csv, "Exel") {
		t.Errorf("responses.csv keeps an old text:\n%s", csv)
	}
	after := opportunitiesOf(t, c, api+"/opportunities?segment_by=size")
	for i, g := range after.Groups {
		old := before.Groups[i]
		if g.N != old.N || len(g.Outcomes) != 1 || g.Outcomes[0].Opportunity != old.Outcomes[0].Opportunity {
			t.Errorf("group %d: %s n %d, was %s n %d", i, g.Key, g.N, old.Key, old.N)
		}
	}
	if keys := []string{after.Groups[1].Key, after.Groups[2].Key}; !slices.Contains(keys, "small") || slices.Contains(keys, "smal") || after.Groups[0].N != 3 {
		t.Errorf("groups after the fix: %+v", after.Groups)
	}
	wantBody(t, c.send("GET", api+"/weighting", nil), `"small":0.5`)

	var fw struct {
		Changes []struct{ What, Before, After string }
	}
	c.send("GET", api+"/fieldwork", nil).json(t, &fw)
	want := []struct{ What, Before, After string }{{"question size, option 1", "smal", "small"}, {"question tools, option 1", "Exel", "Excel"}}
	if !slices.Equal(fw.Changes, want) {
		t.Errorf("changes %+v, want %+v", fw.Changes, want)
	}

	// The Questions tab's form keeps one line per option.
	page := newClient(t, s)
	page.login("r@example.com")
	base := fmt.Sprintf("/studies/%d", id)
	wantBody(t, page.get(base+"/questions"), `name="options" rows="3"`, "small\nlarge\nnone</textarea>")
	wantMarked(t, page.submit(base+"/questions/size/wording", url.Values{"text": {"Company size?"}, "options": {"small\nlarge"}}), "qwo-size", "keep one line for each of the 3 options")
	wantRedirect(t, page.submit(base+"/questions/size/wording", url.Values{"text": {"Company size?"}, "options": {"Small\nlarge\nnone"}}), base+"/questions#q-size")
	wantBody(t, c.send("GET", api+"/responses.csv", nil), ",Small,Excel;Sheets,")
}

// TestRenamedRoleKeepsItsOutcomes: a typo fixed in an option of the role
// question renames the role its outcomes are asked of, so respondents who
// pick the new text still see them.
func TestRenamedRoleKeepsItsOutcomes(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Roles")
	api := fmt.Sprintf("/api/v1/studies/%d", id)
	role := `{"key": "role", "text": "Your part?", "kind": "single", "options": ["Executor", "Byer"]}`
	wantStatus(t, c.send("POST", api+"/questions", role), http.StatusCreated)
	wantStatus(t, c.send("PATCH", api, `{"role_question": "role"}`), http.StatusOK)
	wantStatus(t, c.send("POST", api+"/outcomes", `{"statement": "Minimize the time it takes to compare offers", "roles": ["Byer"]}`), http.StatusCreated)
	wantStatus(t, c.send("POST", api+"/outcomes", `{"statement": "Minimize the time it takes to find a past decision"}`), http.StatusCreated)
	wantStatus(t, c.send("POST", api+"/publish", nil), http.StatusOK)

	wantStatus(t, c.send("PATCH", api+"/questions/role", strings.Replace(role, "Byer", "Buyer", 1)), http.StatusOK)
	var d surveys.Design
	c.send("GET", api, nil).json(t, &d)
	if d.Study.RoleQuestion != "role" || !slices.Equal(d.Outcomes[0].Roles, []string{"Buyer"}) || len(d.Outcomes[1].Roles) != 0 {
		t.Fatalf("after the fix: role question %q, roles %q and %q", d.Study.RoleQuestion, d.Outcomes[0].Roles, d.Outcomes[1].Roles)
	}
}
