package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"odi/surveys/results"
)

// roundingStudy is 200 complete responses whose opportunities land on a
// half: O01 at 14.95 (a float just under it), O02 at 11.95 and O03 at 6.25
// (exactly), the first respondents giving the top-two-box ratings.
func roundingStudy(t *testing.T, c *client) int64 {
	t.Helper()
	// top-two-box counts out of 200: importance, satisfaction.
	tops := [][2]int{{160, 21}, {160, 81}, {125, 125}}
	var b strings.Builder
	b.WriteString("respondent_id,status,team_size,O01_imp,O01_sat,O02_imp,O02_sat,O03_imp,O03_sat\n")
	for i := range 200 {
		fmt.Fprintf(&b, "r%03d,complete,%s", i, []string{"small", "large"}[i%2])
		for _, o := range tops {
			imp, sat := 2, 2
			if i < o[0] {
				imp = 5
			}
			if i < o[1] {
				sat = 4
			}
			fmt.Fprintf(&b, ",%d,%d", imp, sat)
		}
		b.WriteString("\n")
	}
	return goldenStudy(t, c, []string{exportTeamSize},
		"statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\nMinimize the chance of losing a spec,O03\n", b.String())
}

// TestScoresReadTheSameOnEveryPage: a score on a half shows rounded half
// up, with the class that rounded number has, on the Results tab, in its
// landscape and heat map, and on the stakeholder report.
func TestScoresReadTheSameOnEveryPage(t *testing.T) {
	s, c := researcherServer(t)
	id := roundingStudy(t, c)
	var opps results.Opportunities
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities", id), nil).json(t, &opps)
	want := map[string][2]string{"O01": {"15.0", "extreme"}, "O02": {"12.0", "high"}, "O03": {"6.3", "served"}}
	for _, o := range opps.Groups[0].Outcomes {
		if fmt.Sprintf("%.1f", o.Opportunity) == want[o.Code][0] {
			t.Fatalf("%s: %v already prints as %s with %%.1f; the study does not test rounding", o.Code, o.Opportunity, want[o.Code][0])
		}
		if o.Class != want[o.Code][1] {
			t.Fatalf("%s: class %s, want %s (opportunity %v)", o.Code, o.Class, want[o.Code][1], o.Opportunity)
		}
	}

	browser := newClient(t, s)
	browser.login("r@example.com")
	results := browser.get(studyPath(id, "results?segment_by=team_size"))
	wantStatus(t, results, http.StatusOK)
	token, _ := newShareLink(t, c, id, `{"segment_by": "team_size"}`)
	report := newClient(t, s).get("/r/" + token)
	wantStatus(t, report, http.StatusOK)

	for page, body := range map[string]string{"results": results.body, "report": report.body} {
		for code, w := range want {
			for _, shown := range []string{
				`<span class="num oppnum">` + w[0] + `</span>`,                                                 // ranked table
				"opportunity " + w[0] + " (" + w[1] + ")",                                                      // landscape point
				`All respondents, ` + code + `: opportunity ` + w[0] + ` (` + w[1] + `), n 200">` + w[0] + `<`, // heat map cell
			} {
				if !strings.Contains(body, shown) {
					t.Errorf("%s: %s lacks %q", page, code, shown)
				}
			}
		}
	}
}
