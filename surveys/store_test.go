package surveys_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"odi/surveys"
	"odi/surveys/surveystest"
)

func TestSQLiteRunsInWALWithForeignKeys(t *testing.T) {
	s := surveystest.SQLite(t)
	var mode string
	var fk, timeout int
	db := s.DB()
	db.Raw("PRAGMA journal_mode").Scan(&mode)
	db.Raw("PRAGMA foreign_keys").Scan(&fk)
	db.Raw("PRAGMA busy_timeout").Scan(&timeout)
	if mode != "wal" || fk != 1 || timeout < 1000 {
		t.Fatalf("journal_mode=%s foreign_keys=%d busy_timeout=%d", mode, fk, timeout)
	}
}

func TestMigrationsAreIdempotentAndRecorded(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		var version int64
		if err := s.DB().Raw("SELECT MAX(version_id) FROM goose_db_version").Scan(&version).Error; err != nil {
			t.Fatal(err)
		}
		if version < 2 {
			t.Fatalf("schema version %d, want at least 2", version)
		}
	})
	path := filepath.Join(t.TempDir(), "odi.db")
	for i := 0; i < 2; i++ {
		s, err := surveys.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		s.Close()
	}
}

func TestDatabaseFromNewerVersionIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odi.db")
	s, err := surveys.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)").Error; err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = surveys.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "newer odi") && !strings.Contains(err.Error(), "run a newer odi") {
		t.Fatalf("want refusal naming the version, got %v", err)
	}
}
