package fieldwork_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/surveystest"
)

// routedStudy publishes a study whose role question has the four avatars:
// O01 and O02 (step Locate) are for every role, O03 (Locate) for the job
// executor only, O04 (Confirm) for the purchase decision-maker only.
func routedStudy(t *testing.T, s *surveys.Store) (slug, exec, buyer string) {
	t.Helper()
	ctx := context.Background()
	u, st, q := surveystest.RoleStudy(t, s, "Routed")
	exec, buyer = q.Options[0], q.Options[3]
	for _, o := range []struct {
		step  string
		roles []string
	}{{"Locate", nil}, {"Locate", nil}, {"Locate", []string{exec}}, {"Confirm", []string{buyer}}} {
		stmt, step, roles := "Minimize the time it takes to find the right input", o.step, o.roles
		if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: &stmt, Step: &step, Roles: &roles}); err != nil {
			t.Fatal(err)
		}
	}
	pub, err := s.Publish(ctx, u, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *pub.Slug, exec, buyer
}

// codesOf lists the outcome codes of a respondent's stages, page by page.
func codesOf(stages []fieldwork.Stage) [][]string {
	var out [][]string
	for _, st := range stages {
		if st.Kind != fieldwork.StageOutcomes {
			continue
		}
		var codes []string
		for _, it := range st.Items {
			codes = append(codes, it.Code)
		}
		slices.Sort(codes)
		out = append(out, codes)
	}
	return out
}

// TestRoutingByRole: each role sees the outcomes asked of it, and a page
// with none of them is left out; before the role is answered every outcome
// is shown.
func TestRoutingByRole(t *testing.T) {
	s := surveystest.SQLite(t)
	fw := fieldworkOf(t, s)
	slug, exec, buyer := routedStudy(t, s)
	sv, err := fw.PublicSurvey(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	if sv.RoleQuestion != "role" {
		t.Fatalf("survey role_question %q", sv.RoleQuestion)
	}
	for _, tc := range []struct {
		role string
		want [][]string
	}{
		{"", [][]string{{"O01", "O02", "O03"}, {"O04"}}},
		{exec, [][]string{{"O01", "O02", "O03"}}},
		{buyer, [][]string{{"O01", "O02"}, {"O04"}}},
		{"I benefit from the job being done (job beneficiary)", [][]string{{"O01", "O02"}}},
	} {
		got := codesOf(sv.Stages(sv.Order("seed"), "seed", tc.role))
		if !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("role %q: pages %v, want %v", tc.role, got, tc.want)
		}
	}
}

// TestCompleteMeansEveryOutcomeOfTheRole: a complete response rates every
// outcome asked of its role and none asked of others; a role changed on the
// way clears the ratings of the outcomes it no longer sees.
func TestCompleteMeansEveryOutcomeOfTheRole(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		fw := fieldworkOf(t, s)
		ctx := context.Background()
		slug, exec, buyer := routedStudy(t, s)
		rate := func(codes ...string) map[string]fieldwork.Rating {
			out := map[string]fieldwork.Rating{}
			for _, c := range codes {
				out[c] = fieldwork.Rating{Importance: fieldwork.Rated(4), Satisfaction: fieldwork.Rated(2)}
			}
			return out
		}
		submit := func(role string, complete bool, codes ...string) (*fieldwork.SubmitResult, error) {
			in := fieldwork.Submission{SubmissionID: uuid.NewString(), Ratings: rate(codes...), Complete: complete}
			if role != "" {
				in.Answers = map[string]fieldwork.Value{"role": fieldwork.Text(role)}
			}
			res, _, err := fw.Submit(ctx, slug, in)
			return res, err
		}

		if res, err := submit(exec, true, "O01", "O02", "O03"); err != nil || res.Status != surveys.Complete {
			t.Fatalf("executor, all three of theirs: %v %+v", err, res)
		}
		if res, err := submit(buyer, true, "O01", "O02", "O04"); err != nil || res.Status != surveys.Complete {
			t.Fatalf("buyer, all three of theirs: %v %+v", err, res)
		}
		f := surveystest.Fields(t, submitErr(submit(exec, true, "O01", "O02")))
		if len(f) != 2 || f["ratings.O03.importance"] == "" || f["ratings.O03.satisfaction"] == "" {
			t.Fatalf("executor without O03: %v", f)
		}
		f = surveystest.Fields(t, submitErr(submit(exec, true, "O01", "O02", "O03", "O04")))
		if len(f) != 1 || f["ratings.O04"] == "" {
			t.Fatalf("executor rating the buyer's O04: %v", f)
		}
		f = surveystest.Fields(t, submitErr(submit("", true, "O01", "O02", "O03", "O04")))
		if len(f) != 1 || f["answers.role"] == "" {
			t.Fatalf("complete without a role: %v", f)
		}
		// In progress, nothing is required yet.
		res, err := submit(buyer, false, "O04")
		if err != nil || res.Status != surveys.InProgress {
			t.Fatalf("buyer in progress: %v %+v", err, res)
		}
		// The buyer turns out to be the executor: O04's ratings go, and
		// finishing needs O03's.
		switched := fieldwork.Submission{Answers: map[string]fieldwork.Value{"role": fieldwork.Text(exec)}, Ratings: rate("O01", "O02"), Complete: true}
		f = surveystest.Fields(t, submitErr(fw.Update(ctx, slug, res.ResumeToken, switched)))
		if len(f) != 2 || f["ratings.O03.importance"] == "" {
			t.Fatalf("switched to executor without O03: %v", f)
		}
		switched.Ratings = rate("O01", "O02", "O03")
		if res, err := fw.Update(ctx, slug, res.ResumeToken, switched); err != nil || res.Status != surveys.Complete {
			t.Fatalf("switched, then complete: %v %+v", err, res)
		}
		r, err := fw.Resume(ctx, slug, res.ResumeToken)
		if err != nil {
			t.Fatal(err)
		}
		if imp, sat := r.Rating(3); imp != 0 || sat != 0 {
			t.Fatalf("O04 kept %d/%d after the role changed", imp, sat)
		}
		if imp, _ := r.Rating(2); imp != 4 {
			t.Fatalf("O03 importance %d", imp)
		}
	})
}

func submitErr(_ *fieldwork.SubmitResult, err error) error { return err }

// TestImportedRowsAreCompleteForTheirRole: a file without a status column
// makes a row complete when every outcome of its role is rated; NA (not
// asked, as responses.csv writes it) reads as no rating.
func TestImportedRowsAreCompleteForTheirRole(t *testing.T) {
	s := surveystest.SQLite(t)
	fw := fieldworkOf(t, s)
	ctx := context.Background()
	slug, exec, buyer := routedStudy(t, s)
	var st surveys.Study
	if err := s.DB().Where("slug = ?", slug).Take(&st).Error; err != nil {
		t.Fatal(err)
	}
	u := surveystest.User(t, s, "r2@example.com", "admin")
	d := surveystest.Design(t, s, u, st.ID)
	file := "respondent_id,role,O01_imp,O01_sat,O02_imp,O02_sat,O03_imp,O03_sat,O04_imp,O04_sat\n" +
		"e1,\"" + exec + "\",5,1,4,2,3,3,NA,NA\n" + // every executor outcome
		"b1,\"" + buyer + "\",5,1,4,2,NA,NA,,\n" // the decision-maker's O04 missing
	if _, err := fw.ImportResponses(ctx, d, strings.NewReader(file), fieldwork.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	var rows []surveys.Response
	if err := s.DB().Where("study_id = ?", st.ID).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		status[r.RespondentID] = r.Status
	}
	if status["e1"] != surveys.Complete || status["b1"] != surveys.InProgress {
		t.Fatalf("statuses %v, want e1 complete and b1 in progress", status)
	}
}

// TestSurveyLengthIsTheLongestRole: the length a respondent is told before
// saying their role counts the outcomes asked of everyone and those of the
// role with the most, not every role's.
func TestSurveyLengthIsTheLongestRole(t *testing.T) {
	s := surveystest.SQLite(t)
	fw := fieldworkOf(t, s)
	ctx := context.Background()
	u, st, q := surveystest.RoleStudy(t, s, "Long and short roles")
	add := func(n int, roles []string) {
		for range n {
			stmt := "Minimize the time it takes to find input number " + uuid.NewString()[:8]
			if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: &stmt, Roles: &roles}); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(2, nil)
	add(30, []string{q.Options[0]})
	add(10, []string{q.Options[3]})
	pub, err := s.Publish(ctx, u, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := fw.PublicSurvey(ctx, *pub.Slug)
	if err != nil {
		t.Fatal(err)
	}
	// 32 outcomes rated twice at 7 s a pair, and 8 s for the role question:
	// 232 s, 4 minutes (all 42 outcomes would be 302 s, 6 minutes).
	if sv.Minutes != 4 {
		t.Errorf("about %d minutes, want 4", sv.Minutes)
	}
}
