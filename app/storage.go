package app

import (
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"odi/surveys"
)

// kvRow is one entry of the kv table.
type kvRow struct {
	Key       string `gorm:"primaryKey"`
	Value     []byte
	ExpiresAt int64
}

func (kvRow) TableName() string { return "kv" }

// dbStorage keeps short-lived entries in the kv table (the setup token, login
// throttling counts), so they survive restarts and are shared by every
// instance behind one database. Keys are stored hashed: a key may hold a
// secret or an email, and a copy of the database (a backup, say) must not
// hand either out.
type dbStorage struct{ db *gorm.DB }

func storedKey(key string) string { return "h:" + surveys.HashSecret(key) }

func (s dbStorage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	var row kvRow
	err := s.db.Where("key = ? AND (expires_at = 0 OR expires_at > ?)", storedKey(key), time.Now().Unix()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return row.Value, err
}

func (s dbStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	var expires int64
	if exp > 0 {
		expires = time.Now().Add(exp).Unix()
	}
	return s.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value", "expires_at"}),
	}).Create(&kvRow{Key: storedKey(key), Value: val, ExpiresAt: expires}).Error
}

func (s dbStorage) Delete(key string) error {
	return s.db.Where("key = ?", storedKey(key)).Delete(&kvRow{}).Error
}

// sweep drops expired entries; called periodically so the table stays small.
func (s dbStorage) sweep() error {
	return s.db.Where("expires_at > 0 AND expires_at <= ?", time.Now().Unix()).Delete(&kvRow{}).Error
}
