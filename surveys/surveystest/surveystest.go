// Package surveystest opens real databases for tests: a fresh SQLite file every
// time, and a fresh PostgreSQL database when ODI_TEST_POSTGRES names a server.
// It also holds the steps the tests of several packages share: accounts and
// studies to start from, the files a test uploads or reads back, and the skip
// of a test that needs a program this machine may lack.
package surveystest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// Tests make accounts by the dozen: hashing their passwords at bcrypt's
// lowest cost saves about 50 ms of CPU each.
func init() { accounts.BcryptCost = bcrypt.MinCost }

// Need skips a test that needs something this machine lacks (a browser, a
// database server), or fails it when ODI_TEST_REQUIRE_ALL is set, as in CI, so
// nothing is silently skipped there.
func Need(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("ODI_TEST_REQUIRE_ALL") != "" {
		t.Fatalf("%s is required (ODI_TEST_REQUIRE_ALL is set)", what)
	}
	t.Skipf("skipped: %s is not available (set it up as .ci/run does, or ignore)", what)
}

// Tool is the path of the program name that a slow test starts (a browser,
// LibreOffice, a proxy). The test skips under -short, saying what it would
// start, and calls Need with install where the program is missing.
func Tool(t testing.TB, name, starts, install string) string {
	t.Helper()
	Long(t, starts)
	path, err := exec.LookPath(name)
	if err != nil {
		Need(t, install)
	}
	return path
}

// Long skips a test or benchmark under go test -short, saying what makes it
// long; go test ./... without -short runs it.
func Long(t testing.TB, why string) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped with -short: " + why)
	}
}

// SQLite opens a new SQLite database in the test's temporary folder.
func SQLite(t testing.TB) *surveys.Store {
	t.Helper()
	empty, err := migrated()
	if err != nil {
		t.Fatalf("migrate a template database: %v", err)
	}
	path := filepath.Join(t.TempDir(), "odi.db")
	if err := os.WriteFile(path, empty, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := surveys.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// migrated is the file of an empty database with every migration applied,
// made once per test binary: a copy of it opens in a third of the time a
// fresh file takes to migrate, which the commits of the migrations spend
// waiting for the disk.
var migrated = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "odi-template")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "odi.db")
	s, err := surveys.Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	if err := s.Close(); err != nil { // the last close checkpoints the WAL into the file
		return nil, err
	}
	return os.ReadFile(path)
})

// Postgres creates an empty database on the server named by ODI_TEST_POSTGRES
// (a postgres:// URL of a user allowed to create databases), opens it and drops
// it when the test ends.
func Postgres(t testing.TB) *surveys.Store {
	t.Helper()
	s, err := surveys.Open(context.Background(), PostgresURL(t))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresURL creates an empty database as Postgres does and returns its URL,
// for tests that hand it to odi processes; it is dropped when the test ends,
// whoever is still connected.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("ODI_TEST_POSTGRES")
	if base == "" {
		Need(t, "PostgreSQL (ODI_TEST_POSTGRES)")
	}
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect to ODI_TEST_POSTGRES: %v", err)
	}
	adminDB, _ := admin.DB()
	b := make([]byte, 6)
	rand.Read(b)
	name := "odi_test_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("create test database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("ODI_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		adminDB.Close()
	})
	return u.String()
}

// Each runs fn against SQLite and, when configured, PostgreSQL.
func Each(t *testing.T, fn func(t *testing.T, s *surveys.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// Design is a study's design as the study-access middleware resolves it for
// u, the way the web layer hands it to the domain's read methods.
func Design(t testing.TB, s *surveys.Store, u *accounts.User, id int64) *surveys.Design {
	t.Helper()
	d, err := s.Design(context.Background(), u, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Fields is what a problem.Validation says of each field it names; the test
// fails at once when err is anything else.
func Fields(t testing.TB, err error) map[string]string {
	t.Helper()
	var ve *problem.Validation
	if !errors.As(err, &ve) {
		t.Fatalf("want a problem.Validation, got %v", err)
	}
	return ve.Fields
}

// User makes an account with a password the strength check accepts.
func User(t testing.TB, s *surveys.Store, email, role string) *accounts.User {
	t.Helper()
	u, err := s.Accounts().CreateUser(context.Background(), accounts.NewUser{Email: email, Password: "olive-kettle-93", Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Study is a new draft study of u's, named name.
func Study(t testing.TB, s *surveys.Store, u *accounts.User, name string) *surveys.Study {
	t.Helper()
	st, err := s.CreateStudy(context.Background(), u, surveys.StudyInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// RoleStudy is a draft study of a new researcher, r@example.com, with the
// role template's question (the four avatars) as its role question.
func RoleStudy(t testing.TB, s *surveys.Store, name string) (*accounts.User, *surveys.Study, *surveys.Question) {
	t.Helper()
	ctx := context.Background()
	u := User(t, s, "r@example.com", "researcher")
	st := Study(t, s, u, name)
	q, err := s.AddQuestion(ctx, u, st.ID, surveys.QuestionInput{Template: "role"})
	if err != nil {
		t.Fatal(err)
	}
	return u, st, q
}
