package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"odi/surveys/problem"
)

// Roles a user can have.
const (
	RoleAdmin      = "admin"
	RoleResearcher = "researcher"
)

// User is a researcher or admin account.
type User struct {
	ID           int64      `json:"id"`
	Email        string     `json:"email"`
	PasswordHash string     `json:"-"`
	Role         string     `json:"role"`
	CreatedAt    time.Time  `json:"created_at"`
	DisabledAt   *time.Time `json:"disabled_at"`
}

// IsAdmin tells whether the user manages accounts and sees every study.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// NewUser is what it takes to make an account; the password is checked by
// checkPassword as well as by its tags.
type NewUser struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required"`
	Role     string `json:"role" validate:"required,oneof=admin researcher"`
}

// CreateUser adds an account with a bcrypt-hashed password.
func (s *Store) CreateUser(ctx context.Context, in NewUser) (*User, error) {
	return s.createUser(ctx, in, false)
}

// CreateFirstAdmin adds the first account, and fails with problem.ErrNotFound once any
// account exists, so a setup link raced twice still makes one admin.
func (s *Store) CreateFirstAdmin(ctx context.Context, in NewUser) (*User, error) {
	in.Role = RoleAdmin
	return s.createUser(ctx, in, true)
}

// check reports every bad field of a new account at once.
func (in NewUser) check() error {
	var fields problem.List
	if err := fields.Merge(problem.Check(in)); err != nil {
		return err
	}
	if msg := passwordProblem(in.Password); msg != "" {
		fields.Add("password", msg)
	}
	if len(fields) > 0 {
		return fields.Err()
	}
	return nil
}

func (s *Store) createUser(ctx context.Context, in NewUser, onlyIfNone bool) (*User, error) {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if err := in.check(); err != nil {
		return nil, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: in.Email, PasswordHash: string(hash), Role: in.Role}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if onlyIfNone && s.dialect == "postgres" {
			if err := tx.Exec("LOCK TABLE users IN EXCLUSIVE MODE").Error; err != nil {
				return err
			}
		}
		var total, same int64
		if err := tx.Model(&User{}).Count(&total).Error; err != nil {
			return err
		}
		if onlyIfNone && total > 0 {
			return problem.ErrNotFound
		}
		if err := tx.Model(&User{}).Where("email = ?", u.Email).Count(&same).Error; err != nil {
			return err
		}
		if same > 0 {
			return problem.Invalid("email", "is already registered")
		}
		return tx.Create(u).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create user %s: %w", in.Email, err)
	}
	return u, nil
}

// CountUsers tells whether first-run setup is still open (zero users).
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, err
}

// ListUsers returns every account, oldest first.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	var users []User
	err := s.db.WithContext(ctx).Order("id").Find(&users).Error
	return users, err
}

// UserByID loads one account.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := s.db.WithContext(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// UserByEmail loads one account by its (case-insensitive) email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).First(&u).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// dummyHash keeps a login for an unknown email as slow as one for a known email,
// so response time does not reveal which emails have accounts. It is made at
// the first such login, not at start-up: every command of the CLI would
// otherwise spend 50-80 ms of CPU on it.
var dummyHash = sync.OnceValue(func() []byte {
	hash, _ := bcrypt.GenerateFromPassword([]byte("odi-timing-equaliser"), bcrypt.DefaultCost)
	return hash
})

// Authenticate checks an email and password. A disabled account answers as a
// wrong password does, after the same bcrypt work.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, problem.ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, problem.ErrUnauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.DisabledAt != nil {
		return nil, problem.ErrUnauthorized
	}
	return u, nil
}

// DisableUser locks an account: it can no longer log in, its sessions end
// and its API tokens are revoked at once, and the share links it made stop
// working. Its studies and data stay. admin is who does it (nil on the
// command line), who cannot lock themselves out.
func (s *Store) DisableUser(ctx context.Context, admin *User, userID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkRemovable(tx, admin, userID, "disable"); err != nil {
			return err
		}
		now := time.Now().UTC()
		if err := tx.Model(&User{}).Where("id = ? AND disabled_at IS NULL", userID).Update("disabled_at", now).Error; err != nil {
			return fmt.Errorf("disable user %d: %w", userID, err)
		}
		return endAccess(tx, userID, now)
	})
}

// EnableUser lets a disabled account log in again. Its old tokens and share
// links stay revoked.
func (s *Store) EnableUser(ctx context.Context, userID int64) error {
	res := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).Update("disabled_at", nil)
	return problem.OneRow(res, "enable user %d", userID)
}

// DeleteUser removes an account for good. Its sessions, tokens and study
// memberships go with it, the share links it made are revoked, and the
// studies it owned pass to the admin who deletes it, so that no study is
// left without an owner or lost. It answers how many studies passed over.
func (s *Store) DeleteUser(ctx context.Context, admin *User, userID int64) (int64, error) {
	var moved int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkRemovable(tx, admin, userID, "delete"); err != nil {
			return err
		}
		if err := endAccess(tx, userID, time.Now().UTC()); err != nil {
			return err
		}
		owned := tx.Table("studies").Select("id").Where("owner_id = ?", userID)
		if err := tx.Exec("DELETE FROM study_members WHERE user_id = ? AND study_id IN (?)", admin.ID, owned).Error; err != nil {
			return fmt.Errorf("hand over studies of user %d: %w", userID, err)
		}
		res := tx.Table("studies").Where("owner_id = ?", userID).Update("owner_id", admin.ID)
		if res.Error != nil {
			return fmt.Errorf("hand over studies of user %d: %w", userID, res.Error)
		}
		moved = res.RowsAffected
		if err := tx.Delete(&User{}, userID).Error; err != nil {
			return fmt.Errorf("delete user %d: %w", userID, err)
		}
		return nil
	})
	return moved, err
}

// checkRemovable refuses to disable or delete an unknown account, the
// admin's own, or the last admin who could still log in.
func checkRemovable(tx *gorm.DB, admin *User, userID int64, verb string) error {
	var target User
	if err := tx.First(&target, userID).Error; err != nil {
		return notFound(err)
	}
	if admin != nil && admin.ID == userID {
		return fmt.Errorf("%w: you cannot %s your own account", problem.ErrConflict, verb)
	}
	if target.IsAdmin() && target.DisabledAt == nil {
		var admins int64
		if err := tx.Model(&User{}).Where("role = ? AND disabled_at IS NULL", RoleAdmin).Count(&admins).Error; err != nil {
			return err
		}
		if admins <= 1 {
			return fmt.Errorf("%w: %s is the last admin who can log in", problem.ErrConflict, target.Email)
		}
	}
	return nil
}

// endAccess ends everything that lets a user in, now: sessions, API tokens,
// password-reset links, and the share links they made.
func endAccess(tx *gorm.DB, userID int64, now time.Time) error {
	if err := endSessions(tx, userID, ""); err != nil {
		return err
	}
	if err := tx.Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("revoke tokens of user %d: %w", userID, err)
	}
	if err := tx.Where("user_id = ?", userID).Delete(&passwordReset{}).Error; err != nil {
		return fmt.Errorf("drop password resets of user %d: %w", userID, err)
	}
	// The share links they made: what they shared stops being readable when
	// their own access ends.
	if err := tx.Table("shares").Where("created_by = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("revoke share links of user %d: %w", userID, err)
	}
	return nil
}

// CountOwnedStudies is how many studies a user owns.
func (s *Store) CountOwnedStudies(ctx context.Context, userID int64) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Table("studies").Where("owner_id = ?", userID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count studies of user %d: %w", userID, err)
	}
	return n, nil
}
