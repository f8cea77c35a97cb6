package surveys

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// ImportedStudyInput is the structure of a study made from a file of
// another tool's export: its name, its outcomes in the file's order and its
// profile questions.
type ImportedStudyInput struct {
	Name      string
	Outcomes  []OutcomeInput
	Questions []QuestionInput
}

// CreateImportedStudy makes a draft study of source import with its
// outcomes (slots 0, 1, … in order) and questions, all in one transaction:
// every bad field is named after the input ("name", "outcomes[2].code",
// "questions[0].key") and nothing is written unless all are good. The
// caller imports the file's responses, then calls CloseImported.
func (s *Store) CreateImportedStudy(ctx context.Context, u *accounts.User, in ImportedStudyInput) (*Design, error) {
	st := &Study{OwnerID: u.ID, Status: StatusDraft, Source: SourceImport, MinN: 30, Language: "en", ForcesWording: DefaultForces,
		AttentionChecks: 1, ExcludeFlags: slices.Clone(QualityFlagNames)}
	var fields problem.List
	if err := fields.Merge(StudyInput{Name: &in.Name}.apply(st, true)); err != nil {
		return nil, err
	}
	if len(in.Outcomes) == 0 {
		fields.Add("outcomes", "the file gives no outcome rated for both importance and satisfaction")
	}
	questions := make([]Question, len(in.Questions))
	keys := map[string]int{}
	for i, qin := range in.Questions {
		q, err := qin.normalise()
		var qf problem.List
		if err := qf.Merge(err); err != nil {
			return nil, err
		}
		for f, m := range qf {
			fields.Add(fmt.Sprintf("questions[%d].%s", i, f), m)
		}
		if prev, dup := keys[q.Key]; dup && q.Key != "" {
			fields.Add(fmt.Sprintf("questions[%d].key", i), fmt.Sprintf("%s is already the key of questions[%d]", q.Key, prev))
		}
		keys[q.Key] = i
		q.Position = i
		questions[i] = q
	}
	var d *Design
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(st).Error; err != nil {
			return err
		}
		// No job steps: a file says nothing of the job map, and outcomes
		// without a step keep the file's order. The outcomes are checked
		// against each other here, so every bad field is named at once;
		// nothing stays when one is bad.
		_, err := addOutcomes(tx, st, in.Outcomes, func(i int, f string) string { return fmt.Sprintf("outcomes[%d].%s", i, f) })
		if err := fields.Merge(err); err != nil {
			return err
		}
		if len(fields) > 0 {
			return fields.Err()
		}
		for i := range questions {
			questions[i].StudyID = st.ID
		}
		if len(questions) > 0 {
			if err := tx.Create(&questions).Error; err != nil {
				return err
			}
		}
		if err := tx.First(st, st.ID).Error; err != nil {
			return err
		}
		d, err = s.design(tx, st)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create study from a file: %w", err)
	}
	return d, nil
}

// CloseImported closes a study made from a file once its responses are in:
// it is ready to analyse, and never takes responses of its own.
func (s *Store) CloseImported(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	return s.transition(ctx, u, id, "close imported", func(tx *gorm.DB, st *Study) error {
		if st.Source != SourceImport || st.Status != StatusDraft {
			return fmt.Errorf("%w: only a draft study made from a file is closed this way", problem.ErrConflict)
		}
		now := s.db.NowFunc()
		st.Status, st.ClosedAt = StatusClosed, &now
		return tx.Save(st).Error
	})
}
