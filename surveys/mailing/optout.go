package mailing

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// recipientOf finds the recipient an opt-out link was made for. The token
// is 32 bytes from a keyed hash: it cannot be guessed, and the database
// holds only its hash.
func (s *Store) recipientOf(ctx context.Context, token string) (*Recipient, error) {
	if token == "" || len(token) > 100 {
		return nil, problem.ErrNotFound
	}
	var r Recipient
	if err := s.db.WithContext(ctx).Where("optout_hash = ?", accounts.HashSecret(token)).Take(&r).Error; err != nil {
		return nil, fmt.Errorf("opt-out link: %w", problem.ErrNotFound)
	}
	return &r, nil
}

// OptedOut tells whether the address an opt-out link was made for has
// opted out of its study; an unknown link is not found.
func (s *Store) OptedOut(ctx context.Context, token string) (bool, error) {
	r, err := s.recipientOf(ctx, token)
	if err != nil {
		return false, err
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(&optOut{}).Where("study_id = ? AND email = ?", r.StudyID, r.Email).Count(&n).Error; err != nil {
		return false, fmt.Errorf("read opt-out: %w", err)
	}
	return n > 0, nil
}

// OptOut records that the address an opt-out link was made for wants no
// more e-mail about its study: nothing queued or later is sent to it.
// Opting out again changes nothing.
func (s *Store) OptOut(ctx context.Context, token string) error {
	r, err := s.recipientOf(ctx, token)
	if err != nil {
		return err
	}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&optOut{StudyID: r.StudyID, Email: r.Email, CreatedAt: time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("record opt-out: %w", err)
	}
	return nil
}
