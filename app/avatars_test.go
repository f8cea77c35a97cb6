package app

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"odi/surveys/accounts"
	"odi/surveys/results"
)

// Two roles of the four avatars, as the role template words them.
const (
	roleExec  = "I do the job myself (job executor)"
	roleBuyer = "I decide what to buy (purchase decision-maker)"
)

// avatarStudy publishes a study asking the role template: O01 (Define) of
// every role, O02 (Locate) of executors, O03 (Execute) of decision-makers.
// On the way it checks that bad routing is a 422 naming the field.
func avatarStudy(t *testing.T, c *client) (int64, string) {
	t.Helper()
	id := newStudy(t, c, "Avatars")
	base := fmt.Sprintf("/api/v1/studies/%d", id)
	// Test answers come fast and alike: keep every one in the results.
	wantStatus(t, c.send("PATCH", base, `{"exclude_flags": []}`), http.StatusOK)
	wantField(t, c.send("PATCH", base, `{"role_question": "role"}`), "role_question", "no profile question")
	wantStatus(t, c.send("POST", base+"/questions", `{"template": "role"}`), http.StatusCreated)
	var d struct {
		Study struct {
			RoleQuestion string `json:"role_question"`
		}
	}
	c.send("GET", base, nil).json(t, &d)
	if d.Study.RoleQuestion != "role" {
		t.Fatalf("role_question after the role template: %q", d.Study.RoleQuestion)
	}
	wantField(t, c.send("POST", base+"/outcomes", map[string]any{"statement": "Minimize cost", "roles": []string{"CEO"}}), "roles", "not an option of the role question")
	for _, o := range []struct {
		step  string
		roles []string
	}{{"Define", []string{}}, {"Locate", []string{roleExec}}, {"Execute", []string{roleBuyer}}} {
		r := c.send("POST", base+"/outcomes", map[string]any{"statement": "Minimize the time it takes to " + strings.ToLower(o.step), "step": o.step, "roles": o.roles})
		wantStatus(t, r, http.StatusCreated)
		var got struct{ Roles []string }
		r.json(t, &got)
		if !slices.Equal(got.Roles, o.roles) {
			t.Fatalf("outcome roles %q, want %q", got.Roles, o.roles)
		}
	}
	return id, publish(t, c, base)
}

// TestAvatarsEndToEnd: through the real server, each role answers only its
// outcomes (on the page without JavaScript and through the JSON API), a
// complete response lacking one of its role's outcomes is refused, and the
// role comparison marks what a role was never asked.
func TestAvatarsEndToEnd(t *testing.T) {
	s := parallelServer(t)
	c := api(t, s, "r@example.com", accounts.RoleResearcher)
	id, slug := avatarStudy(t, c)

	// The page: the role question, then only the role's outcomes.
	for _, tc := range []struct {
		role string
		want []string
	}{{roleExec, []string{"O01", "O02"}}, {roleBuyer, []string{"O01", "O03"}}} {
		r := newSurveyRespondent(t, s, slug)
		wantPage(t, r.start(""), "Which best describes your part in this?")
		page := r.step(1, url.Values{"q.role": {tc.role}})
		var seen []string
		for p := 2; strings.Contains(page.body, `name="i.`); p++ {
			shown := shownCodes(page.body)
			seen = append(seen, shown...)
			page = r.step(p, rateShown(page.body, func(string) int { return 5 }))
		}
		wantPage(t, page, "Thank you")
		if !slices.Equal(seen, tc.want) {
			t.Errorf("%s saw %v, want %v", tc.role, seen, tc.want)
		}
	}

	// The preview routes the same way, the role riding in the address.
	preview := fmt.Sprintf("/studies/%d/preview", id)
	exec := url.QueryEscape(roleExec)
	page := c.get(preview + "?p=1&go=next&q.role=" + exec)
	if got := shownCodes(page.body); !slices.Equal(got, []string{"O01"}) {
		t.Fatalf("preview page 2 shows %v", got)
	}
	wantPage(t, page, `<input type="hidden" name="role" value="I do the job myself (job executor)">`)
	page = c.get(preview + "?p=2&go=next&i.O01=4&s.O01=2&role=" + exec)
	if got := shownCodes(page.body); !slices.Equal(got, []string{"O02"}) {
		t.Fatalf("preview page 3 shows %v", got)
	}
	wantPage(t, c.get(preview+"?p=3&go=next&i.O02=4&s.O02=2&role="+exec), "Thank you")

	// The JSON API.
	path := "/api/v1/s/" + slug + "/responses"
	rated := func(codes ...string) map[string]any {
		out := map[string]any{}
		for _, c := range codes {
			out[c] = map[string]int{"importance": 2, "satisfaction": 4}
		}
		return out
	}
	role := func(r string) map[string]any { return map[string]any{"role": r} }
	wantField(t, c.send("POST", path, sub(true, role(roleExec), rated("O01"))), "ratings.O02.importance", "is required")
	wantField(t, c.send("POST", path, sub(true, role(roleExec), rated("O01", "O02", "O03"))), "ratings.O03", "is not asked of the role")
	wantField(t, c.send("POST", path, sub(true, nil, rated("O01", "O02", "O03"))), "answers.role", "is required")
	wantStatus(t, c.send("POST", path, sub(true, role(roleExec), rated("O01", "O02"))), http.StatusCreated)
	wantStatus(t, c.send("POST", path, sub(true, role(roleBuyer), rated("O01", "O03"))), http.StatusCreated)

	// Compare roles: each role's column says what it was not asked.
	var opps results.Opportunities
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities?segment_by=role", id), nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &opps)
	want := map[string]map[string]string{ // group -> code -> n, or "not asked"
		"all":     {"O01": "4", "O02": "2", "O03": "2"},
		roleExec:  {"O01": "2", "O02": "2", "O03": "not asked"},
		roleBuyer: {"O01": "2", "O02": "not asked", "O03": "2"},
	}
	for _, g := range opps.Groups {
		w, ok := want[g.Key]
		if !ok {
			continue
		}
		for _, o := range g.Outcomes {
			got := fmt.Sprint(o.N)
			if o.NotAsked {
				got = "not asked"
				if o.Rank != 0 {
					t.Errorf("%s %s not asked but ranked %d", g.Key, o.Code, o.Rank)
				}
			}
			if got != w[o.Code] {
				t.Errorf("%s %s: %s, want %s", g.Key, o.Code, got, w[o.Code])
			}
		}
	}

	// The Results page offers the comparison and shows the gaps as such.
	page = c.get(fmt.Sprintf("/studies/%d/results", id))
	wantPage(t, page, fmt.Sprintf(`href="/studies/%d/results?segment_by=role#comparison">Compare roles</a>`, id))
	wantPage(t, c.get(fmt.Sprintf("/studies/%d/results?segment_by=role", id)), `<h2>Role comparison</h2>`, `<span class="muted not-asked">not asked</span>`, `<span class="n">n = 2</span>`,
		"Not asked of this group (routed to other roles)")

	// responses.csv: NA for never asked, and it imports back as no rating.
	csv := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil)
	wantStatus(t, csv, http.StatusOK)
	lines := strings.Split(strings.TrimSpace(csv.body), "\n")
	header := strings.Split(lines[0], ",")
	col := slices.Index(header, "O03_imp")
	nas := 0
	for _, l := range lines[1:] {
		cells := strings.Split(l, ",")
		if strings.Contains(l, "job executor") && cells[col] == "NA" && cells[col+1] == "NA" {
			nas++
		}
	}
	if col < 0 || nas != 2 {
		t.Fatalf("executors' O03 cells read NA in %d rows, want 2:\n%s", nas, csv.body)
	}
}

// TestRolesInTheEditor: the Questions tab names the role question and the
// Outcomes tab routes an outcome with boxes, without JavaScript; a bad
// choice is redrawn with its error beside the form.
func TestRolesInTheEditor(t *testing.T) {
	s, c := loggedInServer(t)
	id, base := newDraft(t, c)
	u := userByEmail(t, s, "r@example.com")
	wantRedirect(t, c.submit(base+"/questions", url.Values{"template": {"company_size"}}), base+"/questions")
	wantRedirect(t, c.submit(base+"/outcomes", url.Values{"statement": {"Minimize the time it takes to plan"}, "step": {"Define"}}), base+"/outcomes")

	// No role question yet: the outcome has no boxes.
	if page := c.get(base + "/outcomes"); strings.Contains(page.body, `name="roles"`) {
		t.Fatal("role boxes without a role question")
	}
	wantPage(t, c.get(base+"/questions"), `<select id="role_question" name="role_question"`, `<option value="company_size">`)
	r := c.submit(base+"/role-question", url.Values{"role_question": {"nope"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantPage(t, r, `id="role_question-err"`, "no profile question of this study has the key")
	wantRedirect(t, c.submit(base+"/role-question", url.Values{"role_question": {"company_size"}}), base+"/questions#role-question")
	wantPage(t, c.get(base+"/questions"), `<option value="company_size" selected>`, "role question</span>")

	d := mustDesign(t, s, u, id)
	o := d.Outcomes[0]
	page := c.get(base + "/outcomes")
	wantPage(t, page, `<input type="checkbox" name="roles" value="1-9">`, `<input type="hidden" name="roles_shown" value="1">`)
	edit := func(roles ...string) reply {
		return c.submit(fmt.Sprintf("%s/outcomes/%d", base, o.ID), url.Values{"statement": {o.Statement}, "code": {o.Code}, "step": {o.Step},
			"roles_shown": {"1"}, "roles": roles})
	}
	wantRedirect(t, edit("1-9", "250+"), fmt.Sprintf("%s/outcomes#o-%d", base, o.ID))
	wantPage(t, c.get(base+"/outcomes"), `<input type="checkbox" name="roles" value="1-9" checked>`, `<span class="chip role">1-9</span>`)
	if got := mustDesign(t, s, u, id).Outcomes[0].Roles; !slices.Equal(got, []string{"1-9", "250+"}) {
		t.Fatalf("roles stored %q", got)
	}
	r = edit("huge")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantPage(t, r, fmt.Sprintf(`id="o-%d-roles-err"`, o.ID), "not an option of the role question")
	// None ticked: every role again.
	wantRedirect(t, edit(), fmt.Sprintf("%s/outcomes#o-%d", base, o.ID))
	if got := mustDesign(t, s, u, id).Outcomes[0].Roles; len(got) != 0 {
		t.Fatalf("roles after unticking all %q", got)
	}
}
