package surveys

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBackupPostgres refuses a file backup of a PostgreSQL database, whose own
// tools do it properly.
var ErrBackupPostgres = errors.New("odi backup copies SQLite databases only: back up PostgreSQL with pg_dump (for example pg_dump -Fc -f odi.dump \"$ODI_DB\")")

// Backup writes a consistent copy of a SQLite database to path while the
// server keeps serving. VACUUM INTO reads one snapshot in a read transaction,
// which in WAL mode neither waits for nor blocks writers, and writes a compact
// database that opens on its own (no WAL beside it). The copy is made under a
// temporary name, synced and then renamed, so path never holds half a backup.
// An existing path is refused rather than overwritten.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != "sqlite" {
		return ErrBackupPostgres
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if _, err := os.Lstat(abs); err == nil {
		return fmt.Errorf("backup to %s: the file already exists; choose a new name", path)
	}
	tmp := abs + ".partial"
	os.Remove(tmp) // left by an interrupted backup; VACUUM INTO refuses to overwrite
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// The rename is durable only once the folder is synced.
	if err := syncFile(filepath.Dir(abs)); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
