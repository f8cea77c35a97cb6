package surveys

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"odi/surveys/problem"
)

func TestUnavailableTellsOutagesFromBugs(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"sqlite disk full", sqlite3.Error{Code: sqlite3.ErrFull}, true},
		{"sqlite I/O error", fmt.Errorf("save: %w", sqlite3.Error{Code: sqlite3.ErrIoErr}), true},
		{"sqlite busy", sqlite3.Error{Code: sqlite3.ErrBusy}, true},
		{"sqlite constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, false},
		{"postgres disk full", &pgconn.PgError{Code: "53100"}, true},
		{"postgres too many clients", &pgconn.PgError{Code: "53300"}, true},
		{"postgres admin shutdown", fmt.Errorf("x: %w", &pgconn.PgError{Code: "57P01"}), true},
		{"postgres connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"postgres unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"postgres query canceled", &pgconn.PgError{Code: "57014"}, false},
		{"postgres failed over to a replica", &pgconn.PgError{Code: "25006"}, true},
		{"postgres deadlock", &pgconn.PgError{Code: "40P01"}, true},
		{"client went away", fmt.Errorf("query: %w", context.Canceled), false},
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"reset mid-query", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"server gone mid-reply", fmt.Errorf("query: %w", io.ErrUnexpectedEOF), true},
		{"pgx connection closed", fmt.Errorf("exec: %w", pgconn.ErrConnClosed), true},
		{"store closing", fmt.Errorf("store is closed: %w", sql.ErrConnDone), true},
		{"not found", problem.ErrNotFound, false},
		{"validation", problem.Invalid("name", "is required"), false},
		{"a bug", errors.New("index out of range"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := Unavailable(tt.err); got != tt.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
