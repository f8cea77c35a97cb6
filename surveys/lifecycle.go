package surveys

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// Publish opens a draft study for responses; it needs at least one outcome,
// and its structure is locked from then on. An open study stays as it is; a
// closed one is reopened with Reopen, not published again.
func (s *Store) Publish(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	return s.transition(ctx, u, id, "publish", func(tx *gorm.DB, st *Study) error {
		switch st.Status {
		case StatusOpen:
			return nil
		case StatusClosed:
			return fmt.Errorf("%w: the study is closed: reopen it to take responses again", problem.ErrConflict)
		}
		var n int64
		if err := tx.Model(&Outcome{}).Where("study_id = ?", st.ID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return problem.Invalid("outcomes", "add at least one outcome before publishing")
		}
		now := s.db.NowFunc()
		slug := newSlug()
		st.Status, st.Slug, st.PublishedAt = StatusOpen, &slug, &now
		return tx.Save(st).Error
	})
}

// Reopen takes responses again on a closed study, under the same link.
func (s *Store) Reopen(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	return s.transition(ctx, u, id, "reopen", func(tx *gorm.DB, st *Study) error {
		if st.Status != StatusClosed {
			return fmt.Errorf("%w: only a closed study can be reopened, and this one is %s", problem.ErrConflict, st.Status)
		}
		if st.Source == SourceImport {
			return fmt.Errorf("%w: this study was made from a file and has no survey link: duplicate it to field its survey", problem.ErrConflict)
		}
		st.Status, st.ClosedAt = StatusOpen, nil
		return tx.Save(st).Error
	})
}

// CloseStudy stops new submissions; Reopen takes them again.
func (s *Store) CloseStudy(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	return s.transition(ctx, u, id, "close", func(tx *gorm.DB, st *Study) error {
		switch st.Status {
		case StatusDraft:
			return fmt.Errorf("%w: a draft study is not open", problem.ErrConflict)
		case StatusClosed:
			return nil
		}
		now := s.db.NowFunc()
		st.Status, st.ClosedAt = StatusClosed, &now
		return tx.Save(st).Error
	})
}

// transition runs one step of a study's lifecycle on the locked study row.
func (s *Store) transition(ctx context.Context, u *accounts.User, id int64, what string, fn func(tx *gorm.DB, st *Study) error) (*Study, error) {
	var st *Study
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if st, err = lockStudy(tx, u, id); err != nil {
			return err
		}
		return fn(tx, st)
	})
	if err != nil {
		return nil, fmt.Errorf("%s study %d: %w", what, id, err)
	}
	st.lintJob()
	return st, nil
}

// Duplicate copies study d's settings, steps, outcomes and questions into a
// new draft owned by u, to edit a published study's structure.
func (s *Store) Duplicate(ctx context.Context, u *accounts.User, d *Design) (*Study, error) {
	// Only a study stored before the cap can hold more outcomes than it.
	if n := len(d.Outcomes); n > MaxOutcomes {
		return nil, problem.Invalid("outcomes", fmt.Sprintf("this study has %d outcomes; a study holds at most %d, so a copy would be refused: export it and import the outcomes to keep in a new study", n, MaxOutcomes))
	}
	cp := d.Study
	cp.ID, cp.OwnerID, cp.Status, cp.Slug, cp.PublishedAt, cp.ClosedAt = 0, u.ID, StatusDraft, nil, nil, nil
	cp.Source = sourceSurvey // the copy is a draft to field
	cp.Name = fmt.Sprintf(Default(cp.Language, "Copy of %s"), cp.Name)
	if len(cp.Name) > 200 {
		cp.Name = strings.ToValidUTF8(cp.Name[:200], "") // not half a character
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&cp).Error; err != nil {
			return err
		}
		stepIDs := map[int64]int64{}
		for _, sp := range d.Steps {
			old := sp.ID
			sp.ID, sp.StudyID = 0, cp.ID
			if err := tx.Create(&sp).Error; err != nil {
				return err
			}
			stepIDs[old] = sp.ID
		}
		for _, o := range d.Outcomes {
			o.ID, o.StudyID = 0, cp.ID
			if o.StepID != nil {
				id := stepIDs[*o.StepID]
				o.StepID = &id
			}
			if err := tx.Create(&o).Error; err != nil {
				return err
			}
		}
		for _, q := range d.Questions {
			q.ID, q.StudyID = 0, cp.ID
			if err := tx.Create(&q).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duplicate study %d: %w", d.Study.ID, err)
	}
	cp.lintJob()
	return &cp, nil
}

// newSlug is the public part of a survey link: short enough to type, random
// enough not to be guessed.
func newSlug() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
