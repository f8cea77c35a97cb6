package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"odi/surveys/problem"
)

// Password rules: long enough that guessing is slow even at bcrypt's speed,
// and not one of the passwords that attackers try first.
const (
	minPassword = 10
	maxPassword = 72 // bcrypt reads no further
)

// BcryptCost is the work factor of new password hashes. Tests lower it: at
// the default, every account a test makes costs 50 ms of CPU.
var BcryptCost = bcrypt.DefaultCost

// commonPasswords are the 30,000 passwords seen most often in leaks, as
// zxcvbn ranks them.
var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{}, len(frequency.FrequencyLists["passwords"]))
	for _, p := range frequency.FrequencyLists["passwords"] {
		m[p] = struct{}{}
	}
	return m
}()

// ConfirmMismatch is what every password form says of a confirmation box
// that does not repeat the new password.
const ConfirmMismatch = "does not match the new password"

// passwordProblem says what is wrong with a new password, or "" when it is fine.
func passwordProblem(p string) string {
	switch {
	case p == "":
		return "is required"
	case utf8.RuneCountInString(p) < minPassword:
		return fmt.Sprintf("must be at least %d characters", minPassword)
	case len(p) > maxPassword:
		return fmt.Sprintf("must be at most %d bytes", maxPassword)
	}
	if _, ok := commonPasswords[strings.ToLower(p)]; ok {
		return "is one of the most common passwords: choose another"
	}
	return ""
}

func hashPassword(p string) (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(p), BcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(hash), nil
}

// SetPassword gives a user a new password and ends every session they
// have: whoever knew the old one is logged out. It is the admin's chore on
// the command line; people change their own with ChangePassword.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	if msg := passwordProblem(password); msg != "" {
		return problem.Invalid("password", msg)
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", userID).Update("password_hash", hash)
		if err := problem.OneRow(res, "set password of user %d", userID); err != nil {
			return err
		}
		return endSessions(tx, userID, "")
	})
}

// PasswordChange is a user changing their own password.
type PasswordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
	Confirm string `json:"confirm_password"`
}

// ChangePassword lets a user replace their password, knowing the current
// one. Their other sessions end; the one given as keep (the one they are
// using, or "") stays.
func (s *Store) ChangePassword(ctx context.Context, u *User, in PasswordChange, keep string) error {
	var bad problem.List
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(in.Current)) != nil {
		bad.Add("current_password", "is not your current password")
	}
	if msg := passwordProblem(in.New); msg != "" {
		bad.Add("new_password", msg)
	} else if in.Confirm != in.New {
		bad.Add("confirm_password", ConfirmMismatch)
	}
	if err := bad.Err(); err != nil {
		return err
	}
	hash, err := hashPassword(in.New)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Update("password_hash", hash).Error; err != nil {
			return fmt.Errorf("change password of user %d: %w", u.ID, err)
		}
		return endSessions(tx, u.ID, keep)
	})
}

// ResetLifetime is how long a password-reset link works.
const ResetLifetime = 24 * time.Hour

type passwordReset struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// PasswordReset is a one-time link to set a new password, made by an admin
// and handed to the user by whatever channel the admin trusts; odi sends no
// mail for it.
type PasswordReset struct {
	Token     string    `json:"token"`
	Email     string    `json:"email"`
	ExpiresAt time.Time `json:"expires_at"`
}

// CreatePasswordReset makes a reset link for a user. Earlier links for the
// same user stop working: only the newest one handed out is valid.
func (s *Store) CreatePasswordReset(ctx context.Context, admin *User, userID int64) (*PasswordReset, error) {
	target, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	token := NewSecret("")
	now := time.Now().UTC()
	row := passwordReset{TokenHash: HashSecret(token), UserID: userID, CreatedBy: admin.ID, CreatedAt: now, ExpiresAt: now.Add(ResetLifetime)}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ?", userID).Delete(&passwordReset{}).Error; err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create password reset for user %d: %w", userID, err)
	}
	return &PasswordReset{Token: token, Email: target.Email, ExpiresAt: row.ExpiresAt}, nil
}

// PasswordResetUser is the account a reset link is for, while the link
// works; an unknown, used or expired link is problem.ErrNotFound.
func (s *Store) PasswordResetUser(ctx context.Context, token string) (*User, error) {
	var row passwordReset
	err := s.db.WithContext(ctx).Where("token_hash = ? AND expires_at > ?", HashSecret(token), time.Now().UTC()).Take(&row).Error
	if err != nil {
		return nil, notFound(err)
	}
	return s.UserByID(ctx, row.UserID)
}

// ResetPassword sets a new password through a reset link, which is used up
// by it, and ends every session of the user. A disabled account stays
// disabled: the link changes the password only.
func (s *Store) ResetPassword(ctx context.Context, token, password string) (*User, error) {
	if msg := passwordProblem(password); msg != "" {
		return nil, problem.Invalid("password", msg)
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	var userID int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row passwordReset
		err := tx.Where("token_hash = ? AND expires_at > ?", HashSecret(token), time.Now().UTC()).Take(&row).Error
		if err != nil {
			return notFound(err)
		}
		// Deleting the row is what makes the link one-time: of two uses
		// racing, one deletes it and the other finds nothing to delete.
		res := tx.Where("token_hash = ?", row.TokenHash).Delete(&passwordReset{})
		if err := problem.OneRow(res, "use password reset"); err != nil {
			return err
		}
		userID = row.UserID
		if err := tx.Model(&User{}).Where("id = ?", userID).Update("password_hash", hash).Error; err != nil {
			return err
		}
		return endSessions(tx, userID, "")
	})
	if errors.Is(err, problem.ErrNotFound) {
		return nil, problem.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reset password: %w", err)
	}
	return s.UserByID(ctx, userID)
}
