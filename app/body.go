package app

import (
	"fmt"
	"io"
	"os"

	"github.com/gofiber/fiber/v2"
)

// readBody takes in the request's body before any handler sees it, bounded
// by the limit requestLimits gave it. The server streams request bodies
// (StreamRequestBody) so that an import's file never sits whole in memory,
// and a streamed body has no limit of its own: a handler's c.Body() would
// read whatever the client sends. So every body is read here, once: an
// ordinary one into memory, up to --body-limit; one holding an upload slot
// into a temporary file, up to --import-limit, which the handler then reads
// as a stream (uploadedReader), a multipart form's file part included
// (spooledPart).
func (s *Server) readBody(c *fiber.Ctx) error {
	h := &c.Request().Header
	if why := s.uploads.refusal(h); why != nil {
		// The body is still on its way, unread: the connection cannot
		// carry another request.
		c.Context().SetConnectionClose()
		return why
	}
	in := c.Context().RequestBodyStream()
	if in == nil {
		return c.Next()
	}
	if !s.uploads.holds(h) {
		limit := s.cfg.BodyLimit
		var b []byte
		var err error
		if n := h.ContentLength(); n >= 0 && n <= limit {
			b = make([]byte, n) // one allocation for the usual body
			_, err = io.ReadFull(in, b)
		} else { // chunked, or over the limit where requestLimits did not look (--metrics-addr)
			b, err = io.ReadAll(io.LimitReader(in, int64(limit)+1))
		}
		if err := s.bodyRead(c, len(b), limit, err); err != nil {
			return err
		}
		c.Request().SetBody(b)
		return c.Next()
	}
	f, err := os.CreateTemp("", "odi-upload-*")
	if err != nil {
		return fmt.Errorf("spool an upload: %w", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	n, err := io.Copy(f, io.LimitReader(in, int64(s.cfg.ImportLimit)+1))
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err := s.bodyRead(c, int(n), s.cfg.ImportLimit, err); err != nil {
		return err
	}
	c.Request().SetBodyStream(f, int(n))
	return c.Next()
}

// bodyRead is what ends a request whose body was read to n bytes with err,
// nil if it may go on.
func (s *Server) bodyRead(c *fiber.Ctx, n, limit int, err error) error {
	switch {
	case err != nil:
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusBadRequest, "the request body could not be read: "+err.Error())
	case n > limit:
		c.Context().SetConnectionClose() // the rest is unread
		return tooLarge(limit)
	}
	return nil
}
