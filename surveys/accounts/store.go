// Package accounts is who may use odi and how they prove it: researcher and
// admin accounts, their passwords, browser sessions, API tokens and
// password-reset links, and the server-wide secrets and short-lived entries
// (the kv table) that sessions, CSRF tokens and login throttling rest on.
// It shares the database of package surveys but knows nothing of studies
// beyond what ending a user's access does to what they own.
package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"odi/surveys/problem"
)

// Store keeps the accounts, in the database it is given.
type Store struct {
	db      *gorm.DB
	dialect string // "sqlite" or "postgres"

	secretsMu sync.Mutex
	secrets   map[string][]byte
}

// New keeps accounts in db, whose schema the caller has brought up to date.
func New(db *gorm.DB, dialect string) *Store {
	return &Store{db: db, dialect: dialect}
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return problem.ErrNotFound
	}
	return err
}

// kvRow is one entry of the kv table: a server secret ("secret:<name>"), or
// a short-lived entry under the hash of its key ("h:<sha256>").
type kvRow struct {
	Key       string `gorm:"primaryKey"`
	Value     []byte
	ExpiresAt int64
}

func (kvRow) TableName() string { return "kv" }

// Secret returns a server-wide random secret, made on first use and shared by
// every instance through the database.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	s.secretsMu.Lock()
	defer s.secretsMu.Unlock()
	if v, ok := s.secrets[name]; ok {
		return v, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&kvRow{Key: "secret:" + name, Value: b}).Error; err != nil {
		return nil, fmt.Errorf("store secret %s: %w", name, err)
	}
	var row kvRow
	if err := db.Where("key = ?", "secret:"+name).Take(&row).Error; err != nil {
		return nil, fmt.Errorf("load secret %s: %w", name, err)
	}
	if len(row.Value) == 0 {
		return nil, errors.New("empty secret " + name)
	}
	if s.secrets == nil {
		s.secrets = map[string][]byte{}
	}
	s.secrets[name] = row.Value
	return row.Value, nil
}

// Short-lived entries (the setup token, login throttling counts) are stored
// under the hash of their key: a key may hold a secret or an email, and a
// copy of the database (a backup, say) must hand out neither.
func storedKey(key string) string { return "h:" + HashSecret(key) }

// Get reads a short-lived entry; nil when there is none or it expired.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	var row kvRow
	err := s.db.WithContext(ctx).Where("key = ? AND (expires_at = 0 OR expires_at > ?)", storedKey(key), time.Now().Unix()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read kv entry: %w", err)
	}
	return row.Value, nil
}

// Set writes a short-lived entry that expires after exp (never, for 0).
func (s *Store) Set(ctx context.Context, key string, val []byte, exp time.Duration) error {
	var expires int64
	if exp > 0 {
		expires = time.Now().Add(exp).Unix()
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value", "expires_at"}),
	}).Create(&kvRow{Key: storedKey(key), Value: val, ExpiresAt: expires}).Error
	if err != nil {
		return fmt.Errorf("write kv entry: %w", err)
	}
	return nil
}

// Delete drops a short-lived entry.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.db.WithContext(ctx).Where("key = ?", storedKey(key)).Delete(&kvRow{}).Error; err != nil {
		return fmt.Errorf("delete kv entry: %w", err)
	}
	return nil
}
