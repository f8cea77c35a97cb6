package app

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"
)

// errClientGone ends a request whose client closed its connection before
// the answer was ready; 499 as nginx logs it, seen only in the log and
// /metrics, since nobody is left to read it.
var errClientGone = fiber.NewError(499, "the client closed the connection before the answer was ready")

// untilGone gives the routes whose work is long and writes nothing until it
// is done (an export is built whole before it is sent, sendFile; a
// discovery answers once it has clustered) a context that ends when their
// client goes away, so an abandoned export or discovery stops instead of
// running to the end for nobody.
//
// fasthttp tells a handler nothing of its connection while it runs, and
// reads nothing from it then: the body was read before (readBody), and the
// next request is read only after the answer. So a watcher may read the
// connection meanwhile: EOF or a reset means the client left. Whatever else
// it reads (a pipelined next request) is lost, so the answer closes the
// connection. A read deadline ends the watch without ending the work: the
// handler's own, when it returns, or the one a shutdown gives every open
// connection (openConns), under which a request already read runs to its end.
// A client that half-closes its side after sending the request would read as
// gone; HTTP clients do not.
//
// Only connections from odi's own listener (limitedConn) are watched; app.Test's
// in-memory one is read by the server's goroutine alone.
func (s *Server) untilGone(c *fiber.Ctx) error {
	conn, ok := c.Context().Conn().(*limitedConn)
	if !ok {
		return c.Next()
	}
	c.Context().SetConnectionClose()
	ctx, cancel := context.WithCancelCause(c.UserContext())
	defer cancel(nil)
	watched := make(chan struct{})
	// Clear the body's read deadline (requestLimits), which would otherwise
	// end the watch of a long export.
	if err := conn.SetReadDeadline(time.Time{}); err == nil {
		go func() {
			defer close(watched)
			buf := make([]byte, 512)
			for {
				_, err := conn.Read(buf)
				if errors.Is(err, os.ErrDeadlineExceeded) {
					return
				}
				if err != nil {
					cancel(errClientGone)
					return
				}
			}
		}()
	} else {
		close(watched)
	}
	c.SetUserContext(ctx)
	err := c.Next()
	conn.SetReadDeadline(time.Now()) // ends the watch
	<-watched
	if err != nil && context.Cause(ctx) == errClientGone {
		return errClientGone // and not the error of the work cut short
	}
	return err
}

// ctxWriter fails its writes once ctx is done, so that writing a download
// stops when its client has gone (untilGone).
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (w ctxWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	return w.w.Write(p)
}
