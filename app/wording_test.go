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
	var pub struct{ Slug string }
	c.send("POST", api+"/publish", nil).json(t, &pub)

	fixed := "Minimize the time it takes to find a decision"
	wantStatus(t, c.send("PATCH", fmt.Sprintf("%s/outcomes/%d", api, o.ID), map[string]string{"statement": fixed, "code": o.Code}), http.StatusOK)
	wantStatus(t, c.send("PATCH", api+"/questions/size", `{"key": "size", "text": "Company size?", "kind": "single", "options": ["small", "large"]}`), http.StatusOK)
	for _, body := range []string{
		`{"key": "size", "text": "Company size?", "kind": "single", "options": ["small", "big"]}`,
		`{"key": "size", "text": "Company size?", "kind": "single", "options": ["small", "large"], "required": true}`,
	} {
		if r := c.send("PATCH", api+"/questions/size", body); r.status != http.StatusConflict || !strings.Contains(r.body, "only a question's text") {
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
	c.send("GET", "/api/v1/s/"+pub.Slug, nil).json(t, &survey)
	if survey.Profile[0].Text != "Company size?" || survey.Pages[0].Items[0].Statement != fixed {
		t.Fatalf("respondents read %+v", survey)
	}

	// The tabs: a fix through the Questions tab's form, refused when empty.
	page := newClient(t, s)
	page.login("r@example.com")
	base := fmt.Sprintf("/studies/%d", id)
	wantMarked(t, page.submit(base+"/questions/size/wording", url.Values{"text": {" "}}), "qw-size", "required")
	wantRedirect(t, page.submit(base+"/questions/size/wording", url.Values{"text": {"What size is your company?"}}), base+"/questions#q-size")
	wantBody(t, page.get(base+"/outcomes"), "Fix wording")
	wantBody(t, page.get(base+"/fieldwork"), "Reworded since publishing", "<del>Company size?</del>", "<ins>What size is your company?</ins>")
}
