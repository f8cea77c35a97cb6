package surveys

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// Unavailable tells whether err means the database cannot be reached or
// written just now — a full disk, a dropped connection, a server shutting
// down — rather than a bug in odi or in the request. The web layer answers
// 503 for these, so clients know to try again, and nothing was stored. A
// store shutting down is as passing.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) { // the client went away
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrBusy, sqlite3.ErrLocked,
			sqlite3.ErrCantOpen, sqlite3.ErrReadonly, sqlite3.ErrNomem:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Classes 08 (connection exception), 53 (insufficient resources: disk
		// full, too many connections) and 57P (the server is shutting down);
		// a read-only transaction (a failover to a replica), a serialization
		// failure or deadlock, and an I/O error pass too.
		code := pe.Code + "   "
		switch pe.Code {
		case "25006", "40001", "40P01", "58030":
			return true
		}
		return code[:2] == "08" || code[:2] == "53" || code[:3] == "57P"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOSPC)
}
