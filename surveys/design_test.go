package surveys_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
	"odi/surveys/surveystest"
)

func TestOutcomeCodesAreUniqueWhateverTheirCase(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		ctx := context.Background()
		u := surveystest.User(t, s, "r@example.com", accounts.RoleResearcher)
		st, err := s.CreateStudy(ctx, u, surveys.StudyInput{Name: ptr("Codes")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: ptr("Minimize the time it takes to find a file"), Code: ptr("A1")}); err != nil {
			t.Fatal(err)
		}
		var ve *problem.Validation
		if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: ptr("Minimize x"), Code: ptr("a1")}); !errors.As(err, &ve) || ve.Fields["code"] == "" {
			t.Fatalf("a1 beside A1: %v", err)
		}
		// Past the application's check, the index refuses it too, and the
		// store calls that a conflict to try again rather than a failure.
		err = surveys.EditDesign(s, ctx, u, st.ID, func(tx *gorm.DB, st *surveys.Study) error {
			return tx.Exec("INSERT INTO outcomes (study_id, code, statement, position, slot) VALUES (?, 'a1', 'Minimize x', 9, 99)", st.ID).Error
		})
		if !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("a second a1 written directly: %v, want problem.ErrConflict", err)
		}
		outs, err := surveystest.Design(t, s, u, st.ID).Outcomes, error(nil)
		if err != nil || len(outs) != 1 {
			t.Fatalf("outcomes after the refused write: %d %v", len(outs), err)
		}
	})
}
func ptr[T any](v T) *T { return &v }
