package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"odi/surveys/problem"
)

// SessionLifetime is how long a login lasts.
const SessionLifetime = 7 * 24 * time.Hour

// session is a logged-in browser. Its id lives only in the browser's cookie;
// the table holds the id's hash, so a copy of the database (a backup, say)
// hands out no logged-in sessions.
type session struct {
	IDHash    string `gorm:"primaryKey"`
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession logs a user in and returns the new session's id, for the
// cookie. Each login gets a fresh id, so an id planted in a browser before
// login (session fixation) is worthless after it.
func (s *Store) CreateSession(ctx context.Context, u *User) (string, error) {
	id := NewSecret("")
	now := time.Now().UTC()
	row := session{IDHash: HashSecret(id), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return "", fmt.Errorf("create session for user %d: %w", u.ID, err)
	}
	return id, nil
}

// SessionUser is the user a session id belongs to; an unknown or expired
// session, or one of a disabled user, is problem.ErrUnauthorized.
func (s *Store) SessionUser(ctx context.Context, id string) (*User, error) {
	if id == "" {
		return nil, problem.ErrUnauthorized
	}
	var u User
	err := s.db.WithContext(ctx).Table("users").Select("users.*").
		Joins("JOIN sessions ON sessions.user_id = users.id").
		Where("sessions.id_hash = ? AND sessions.expires_at > ? AND users.disabled_at IS NULL", HashSecret(id), time.Now().UTC()).
		Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, problem.ErrUnauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("look up session: %w", err)
	}
	return &u, nil
}

// DeleteSession logs one session out.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if err := s.db.WithContext(ctx).Where("id_hash = ?", HashSecret(id)).Delete(&session{}).Error; err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Sweep drops expired sessions, password-reset links and short-lived
// entries, so that the tables stay small.
func (s *Store) Sweep(ctx context.Context) error {
	now := time.Now().UTC()
	db := s.db.WithContext(ctx)
	if err := db.Where("expires_at > 0 AND expires_at <= ?", now.Unix()).Delete(&kvRow{}).Error; err != nil {
		return fmt.Errorf("sweep kv entries: %w", err)
	}
	if err := db.Where("expires_at <= ?", now).Delete(&session{}).Error; err != nil {
		return fmt.Errorf("sweep sessions: %w", err)
	}
	if err := db.Where("expires_at <= ?", now).Delete(&passwordReset{}).Error; err != nil {
		return fmt.Errorf("sweep password resets: %w", err)
	}
	return nil
}

// endSessions logs a user out everywhere but the session keep ("" for none).
func endSessions(tx *gorm.DB, userID int64, keep string) error {
	q := tx.Where("user_id = ?", userID)
	if keep != "" {
		q = q.Where("id_hash <> ?", HashSecret(keep))
	}
	if err := q.Delete(&session{}).Error; err != nil {
		return fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	return nil
}
