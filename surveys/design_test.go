package surveys_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

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
		st := surveystest.Study(t, s, u, "Codes")
		if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: ptr("Minimize the time it takes to find a file"), Code: ptr("A1")}); err != nil {
			t.Fatal(err)
		}
		var ve *problem.Validation
		if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: ptr("Minimize x"), Code: ptr("a1")}); !errors.As(err, &ve) || ve.Fields["code"] == "" {
			t.Fatalf("a1 beside A1: %v", err)
		}
		// Past the application's check, the index refuses it too, and the
		// store calls that a conflict to try again rather than a failure.
		err := surveys.EditDesign(s, ctx, u, st.ID, func(tx *gorm.DB, st *surveys.Study) error {
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

// TestOptionRenameRewritesWhatIsStored: on both databases, rewording a
// published role question's option rewrites the answers given to it (with
// a seq above every other, so caches reload them), the weighting targets
// and the outcomes' roles, and leaves other answers alone.
func TestOptionRenameRewritesWhatIsStored(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		ctx, db := context.Background(), s.DB()
		u, st, q := surveystest.RoleStudy(t, s, "Renames")
		exec, buyer := q.Options[0], q.Options[3]
		stmt, roles := "Minimize the time it takes to compare offers", []string{buyer}
		if _, err := s.AddOutcome(ctx, u, st.ID, surveys.OutcomeInput{Statement: &stmt, Roles: &roles}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Publish(ctx, u, st.ID); err != nil {
			t.Fatal(err)
		}
		for i, role := range []string{buyer, exec, buyer} {
			r := surveys.Response{StudyID: st.ID, RespondentID: string(rune('a' + i)), Status: surveys.Complete, Source: surveys.SourceLink,
				Answers: map[string]string{q.Key: role, "note": buyer}, Ratings: []byte{}, ItemOrder: []string{}, URLFields: map[string]string{},
				StartedAt: time.Now(), Seq: int64(i + 1)}
			if err := db.Create(&r).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Exec("INSERT INTO weightings (study_id, targets, updated_at) VALUES (?, ?, ?)", st.ID,
			`{"`+q.Key+`": {"`+exec+`": 0.75, "`+buyer+`": 0.25}}`, time.Now()).Error; err != nil {
			t.Fatal(err)
		}

		in := surveys.QuestionInput{Key: q.Key, Text: q.Text, Kind: q.Kind, Options: slices.Clone(q.Options), Required: q.Required, Segment: q.Segment}
		in.Options[3] = "I choose what we buy"
		if _, err := s.UpdateQuestion(ctx, u, st.ID, q.Key, in); err != nil {
			t.Fatal(err)
		}
		var rs []surveys.Response
		if err := db.Where("study_id = ?", st.ID).Order("respondent_id").Find(&rs).Error; err != nil {
			t.Fatal(err)
		}
		for i, want := range []string{"I choose what we buy", exec, "I choose what we buy"} {
			if rs[i].Answers[q.Key] != want || rs[i].Answers["note"] != buyer {
				t.Errorf("respondent %s answers %v, want %s %q", rs[i].RespondentID, rs[i].Answers, q.Key, want)
			}
		}
		if rs[0].Seq <= 3 || rs[2].Seq != rs[0].Seq || rs[1].Seq != 2 {
			t.Errorf("seqs %d %d %d: want the rewritten rows above 3, the other unchanged", rs[0].Seq, rs[1].Seq, rs[2].Seq)
		}
		var targets string
		if err := db.Raw("SELECT targets FROM weightings WHERE study_id = ?", st.ID).Scan(&targets).Error; err != nil {
			t.Fatal(err)
		}
		if want := `{"` + q.Key + `":{"I choose what we buy":0.25,"` + exec + `":0.75}}`; targets != want {
			t.Errorf("targets %s, want %s", targets, want)
		}
		d := surveystest.Design(t, s, u, st.ID)
		if !slices.Equal(d.Outcomes[0].Roles, []string{"I choose what we buy"}) {
			t.Errorf("the outcome's roles %q", d.Outcomes[0].Roles)
		}
	})
}

func ptr[T any](v T) *T { return &v }
