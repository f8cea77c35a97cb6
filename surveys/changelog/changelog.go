// Package changelog keeps what was reworded in a study after it was
// published: its structure is locked then, but a typo in a statement or a
// question may still be fixed, and whoever reads the results must be able to
// tell what respondents saw before the fix.
package changelog

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Change is one rewording of a published study.
type Change struct {
	ID        int64     `json:"-"`
	StudyID   int64     `json:"-"`
	UserEmail string    `json:"by"`
	At        time.Time `json:"at"`
	What      string    `json:"what"` // "outcome O03", "question company_size"
	OldText   string    `json:"before"`
	NewText   string    `json:"after"`
}

func (Change) TableName() string { return "study_changes" }

// Record keeps c, in the transaction that makes the change.
func Record(tx *gorm.DB, c Change) error {
	c.At = time.Now().UTC()
	if err := tx.Create(&c).Error; err != nil {
		return fmt.Errorf("record change of study %d: %w", c.StudyID, err)
	}
	return nil
}

// List returns a study's changes, oldest first.
func List(ctx context.Context, db *gorm.DB, studyID int64) ([]Change, error) {
	out := []Change{}
	if err := db.WithContext(ctx).Where("study_id = ?", studyID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list changes of study %d: %w", studyID, err)
	}
	return out, nil
}
