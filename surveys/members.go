package surveys

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// Member is a researcher who may see and edit a study without owning it.
type Member struct {
	UserID int64  `json:"user_id"`
	Email  string `json:"email"`
}

// MemberInput names the account to add as a collaborator.
type MemberInput struct {
	Email string `json:"email"`
}

// Members lists a study's collaborators by email.
func (s *Store) Members(ctx context.Context, d *Design) ([]Member, error) {
	studyID := d.Study.ID
	members := []Member{}
	err := s.db.WithContext(ctx).Table("study_members").
		Select("users.id AS user_id, users.email").
		Joins("JOIN users ON users.id = study_members.user_id").
		Where("study_members.study_id = ?", studyID).Order("users.email").Scan(&members).Error
	if err != nil {
		return nil, fmt.Errorf("list members of study %d: %w", studyID, err)
	}
	return members, nil
}

// CanManageMembers tells whether u may add and remove st's collaborators:
// its owner and admins may, collaborators may not.
func CanManageMembers(u *accounts.User, st *Study) bool { return u.IsAdmin() || st.OwnerID == u.ID }

// managedStudy loads a study whose collaborators u may change; anyone else,
// collaborators included, gets problem.ErrNotFound, as for deleting the study.
func (s *Store) managedStudy(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	st, err := s.Study(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !CanManageMembers(u, st) {
		return nil, problem.ErrNotFound
	}
	return st, nil
}

// AddMember lets another researcher see and edit a study. Adding someone
// twice changes nothing.
func (s *Store) AddMember(ctx context.Context, u *accounts.User, studyID int64, in MemberInput) (*Member, error) {
	st, err := s.managedStudy(ctx, u, studyID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Email) == "" {
		return nil, problem.Invalid("email", "is required")
	}
	user, err := s.accounts.UserByEmail(ctx, in.Email)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, problem.Invalid("email", "no account with this email")
	}
	if err != nil {
		return nil, fmt.Errorf("add member to study %d: %w", studyID, err)
	}
	if user.ID == st.OwnerID {
		return nil, problem.Invalid("email", "owns this study already")
	}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&studyMember{StudyID: studyID, UserID: user.ID}).Error
	if err != nil {
		return nil, fmt.Errorf("add member to study %d: %w", studyID, err)
	}
	return &Member{UserID: user.ID, Email: user.Email}, nil
}

// RemoveMember takes a collaborator off a study, and revokes the share
// links they made of it: their access to its answers ends with them.
func (s *Store) RemoveMember(ctx context.Context, u *accounts.User, studyID, userID int64) error {
	if _, err := s.managedStudy(ctx, u, studyID); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("study_id = ? AND user_id = ?", studyID, userID).Delete(&studyMember{})
		if err := problem.OneRow(res, "remove member %d from study %d", userID, studyID); err != nil {
			return err
		}
		// The share links they made of it: what they shared stops being
		// readable when their access to it ends.
		err := tx.Table("shares").Where("created_by = ? AND study_id = ? AND revoked_at IS NULL", userID, studyID).
			Update("revoked_at", time.Now().UTC()).Error
		if err != nil {
			return fmt.Errorf("revoke share links of user %d in study %d: %w", userID, studyID, err)
		}
		return nil
	})
}

type studyMember struct {
	StudyID int64
	UserID  int64
}

func (studyMember) TableName() string { return "study_members" }
