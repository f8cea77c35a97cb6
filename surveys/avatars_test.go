package surveys_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
	"odi/surveys/surveystest"
)

// wantFields fails unless err is a validation naming exactly fields.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	var ve *problem.Validation
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error naming %v, got %v", fields, err)
	}
	for _, f := range fields {
		if ve.Fields[f] == "" {
			t.Fatalf("want %s named, got %v", f, ve.Fields)
		}
	}
	if len(ve.Fields) != len(fields) {
		t.Fatalf("want only %v, got %v", fields, ve.Fields)
	}
}

// TestRoleQuestionAndOutcomeRoles: the role template becomes the role
// question, worded in the study's language; outcomes are routed to its
// options; every bad reference is a validation naming the field, and
// nothing changes.
func TestRoleQuestionAndOutcomeRoles(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		ctx := context.Background()
		u := surveystest.User(t, s, "r@example.com", accounts.RoleResearcher)
		st, err := s.CreateStudy(ctx, u, surveys.StudyInput{Name: ptr("Avatars"), Language: ptr("fr")})
		if err != nil {
			t.Fatal(err)
		}
		q, err := s.AddQuestion(ctx, u, st.ID, surveys.QuestionInput{Template: "role"})
		if err != nil {
			t.Fatal(err)
		}
		exec, buyer := "Je fais ce travail moi-même (exécutant du travail)", "Je décide de l'achat (décideur d'achat)"
		if q.Key != "role" || len(q.Options) != 4 || q.Options[0] != exec || q.Options[3] != buyer {
			t.Fatalf("role template in French: %+v", q)
		}
		if _, err := s.AddQuestion(ctx, u, st.ID, surveys.QuestionInput{Key: "tools", Text: "Tools?", Kind: surveys.KindMulti, Options: []string{"a", "b"}}); err != nil {
			t.Fatal(err)
		}
		d := surveystest.Design(t, s, u, st.ID)
		if d.Study.RoleQuestion != "role" {
			t.Fatalf("role_question after the template: %q", d.Study.RoleQuestion)
		}
		o1, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: ptr("Minimize the time it takes to prepare"), Roles: &[]string{buyer, " " + exec, exec}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(o1.Roles, []string{exec, buyer}) {
			t.Fatalf("roles stored in the options' order, once: %q", o1.Roles)
		}
		o2, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: ptr("Minimize the likelihood of a delay")})
		if err != nil {
			t.Fatal(err)
		}
		if o2.Roles == nil || len(o2.Roles) != 0 {
			t.Fatalf("an outcome for every role has roles [], got %#v", o2.Roles)
		}
		_, err = s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: ptr("Minimize cost"), Roles: &[]string{"CEO"}})
		wantFields(t, err, "roles")
		_, err = s.UpdateOutcome(ctx, u, st.ID, o2.ID, surveys.OutcomeInput{Roles: &[]string{"CEO"}})
		wantFields(t, err, "roles")
		if _, err := s.UpdateOutcome(ctx, u, st.ID, o2.ID, surveys.OutcomeInput{Roles: &[]string{buyer}}); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			role  string
			field string
		}{{"nope", "role_question"}, {"tools", "role_question"}} {
			_, err := s.UpdateStudy(ctx, u, st.ID, surveys.StudyInput{RoleQuestion: ptr(tc.role)})
			wantFields(t, err, tc.field)
		}
		// Another single-choice question lacks the routed options: each
		// outcome is named by its place in the survey.
		if _, err := s.AddQuestion(ctx, u, st.ID, surveys.QuestionInput{Key: "size", Text: "Size?", Kind: surveys.KindSingle, Options: []string{"small", "big"}}); err != nil {
			t.Fatal(err)
		}
		_, err = s.UpdateStudy(ctx, u, st.ID, surveys.StudyInput{RoleQuestion: ptr("size"), Name: ptr("Renamed")})
		wantFields(t, err, "outcomes[0].roles", "outcomes[1].roles")
		// Dropping a routed option from the role question is refused too.
		_, err = s.UpdateQuestion(ctx, u, st.ID, "role", surveys.QuestionInput{Key: "role", Text: "Role?", Kind: surveys.KindSingle, Options: []string{exec, "x"}})
		wantFields(t, err, "outcomes[0].roles", "outcomes[1].roles")
		wantFields(t, s.DeleteQuestion(ctx, u, st.ID, "role"), "role_question")

		d = surveystest.Design(t, s, u, st.ID)
		if d.Study.Name != "Avatars" || d.Study.RoleQuestion != "role" || len(d.Questions[0].Options) != 4 ||
			!slices.Equal(d.Outcomes[1].Roles, []string{buyer}) {
			t.Fatalf("a refused edit changed something: %+v", d.Study)
		}
		// Renaming the role question's key carries role_question along.
		if _, err := s.UpdateQuestion(ctx, u, st.ID, "role", surveys.QuestionInput{Key: "avatar", Text: "Role?", Kind: surveys.KindSingle, Options: d.Questions[0].Options}); err != nil {
			t.Fatal(err)
		}
		// No role question: every outcome is asked of everyone again.
		if _, err := s.UpdateStudy(ctx, u, st.ID, surveys.StudyInput{RoleQuestion: ptr("")}); err != nil {
			t.Fatal(err)
		}
		d = surveystest.Design(t, s, u, st.ID)
		for _, o := range d.Outcomes {
			if len(o.Roles) != 0 {
				t.Fatalf("roles kept without a role question: %s %q", o.Code, o.Roles)
			}
		}
		_, err = s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: ptr("Minimize cost"), Roles: &[]string{exec}})
		wantFields(t, err, "roles")
		if _, err := s.UpdateStudy(ctx, u, st.ID, surveys.StudyInput{RoleQuestion: ptr("avatar")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateOutcome(ctx, u, st.ID, o1.ID, surveys.OutcomeInput{Roles: &[]string{buyer}}); err != nil {
			t.Fatal(err)
		}

		// Published, the routing is structure.
		if _, err := s.Publish(ctx, u, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateOutcome(ctx, u, st.ID, o1.ID, surveys.OutcomeInput{Roles: &[]string{exec}}); !errors.Is(err, surveys.ErrLocked) {
			t.Fatalf("roles of a published study's outcome: %v", err)
		}
		if _, err := s.UpdateStudy(ctx, u, st.ID, surveys.StudyInput{RoleQuestion: ptr("")}); !errors.Is(err, surveys.ErrLocked) {
			t.Fatalf("role_question of a published study: %v", err)
		}
		// A copy to edit keeps the routing.
		cp, err := s.Duplicate(ctx, u, surveystest.Design(t, s, u, st.ID))
		if err != nil {
			t.Fatal(err)
		}
		d = surveystest.Design(t, s, u, cp.ID)
		if d.Study.RoleQuestion != "avatar" || !slices.Equal(d.Outcomes[0].Roles, []string{buyer}) {
			t.Fatalf("copy: role_question %q, O01 roles %q", d.Study.RoleQuestion, d.Outcomes[0].Roles)
		}
	})
}
