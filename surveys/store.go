package surveys

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"odi/migrations"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// Store keeps the studies and their design, in SQLite or PostgreSQL, with
// one method per use case. The database is shared by the packages beside
// this one: accounts (who may get in), fieldwork (responses coming in) and
// results (what they say).
type Store struct {
	db       *gorm.DB
	dialect  string
	accounts *accounts.Store

	lints lintCache // per instance, checked against the database before use
}

// IsPostgres tells whether a --db value names a PostgreSQL server rather than a file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database named by dsn (a file path for SQLite, or a
// postgres:// URL) and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg := &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() }}
	var (
		db      *gorm.DB
		err     error
		dialect string
	)
	if IsPostgres(dsn) {
		dialect = "postgres"
		db, err = gorm.Open(postgres.Open(dsn), cfg)
	} else {
		dialect = "sqlite"
		db, err = gorm.Open(sqlite.Open(sqliteDSN(dsn)), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if dialect == "postgres" {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
	} else {
		// One writer at a time is all SQLite allows; extra connections serve readers.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := migrations.Up(ctx, sqlDB, dialect); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return &Store{db: db, dialect: dialect, accounts: accounts.New(db, dialect)}, nil
}

// sqliteDSN turns a file path into a go-sqlite3 DSN with the settings odi relies
// on: WAL so readers never wait for the writer, a busy timeout instead of
// "database is locked", foreign keys on, immediate transactions so two
// writers never deadlock upgrading a read lock, and synchronous FULL so a
// commit is on disk before a respondent is told it is stored, power cut or
// not. (NORMAL would lose the last commits on power loss; since responses
// share commits under load, the extra fsync costs no measurable throughput.)
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Accounts are the users of this database, their sessions, tokens and the
// server's secrets.
func (s *Store) Accounts() *accounts.Store { return s.accounts }

// DB exposes the connection to the packages that keep their own tables in
// it (fieldwork, results, mailing, programme) and to the metrics.
func (s *Store) DB() *gorm.DB { return s.db }

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the database; SQLite checkpoints its WAL on the last close.
// Close the fieldwork.Store that writes to it first.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return problem.ErrNotFound
	}
	return err
}
