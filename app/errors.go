package app

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
)

// apiError is the JSON body of every error answer.
type apiError struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
}

// statusOf maps an error to its HTTP status and the message a client may see.
// This is the only place that decides it.
func statusOf(err error) (int, string, map[string]string) {
	var fe *fiber.Error
	var ve *problem.Validation
	switch {
	case errors.As(err, &ve):
		return fiber.StatusUnprocessableEntity, "validation failed", ve.Fields
	case errors.As(err, &fe):
		return fe.Code, fe.Message, nil
	case errors.Is(err, problem.ErrNotFound):
		return fiber.StatusNotFound, "not found", nil
	case errors.Is(err, surveys.ErrLocked):
		msg := surveys.ErrLocked.Error()
		if r := reason(err, surveys.ErrLocked); r != msg {
			msg += ": " + r // what may still change, and how to change the rest
		}
		return fiber.StatusConflict, msg, nil
	case errors.Is(err, problem.ErrConflict):
		return fiber.StatusConflict, reason(err, problem.ErrConflict), nil
	case errors.Is(err, surveys.ErrClosed):
		return fiber.StatusGone, "this survey is closed", nil
	case errors.Is(err, problem.ErrUnauthorized):
		return fiber.StatusUnauthorized, "authentication required", nil
	}
	return fiber.StatusInternalServerError, "", nil
}

// handleError is Fiber's error handler: JSON for the API, a plain page for people.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	code, msg, fields := statusOf(err)
	rid := requestID(c)
	switch {
	case code < 500:
	case errors.Is(err, errUploadsBusy):
		c.Set(fiber.HeaderRetryAfter, "10")
	case surveys.Unavailable(err):
		s.log.Error("database unavailable", "request_id", rid, "method", c.Method(), "path", c.Path(), "err", err)
		code, msg = fiber.StatusServiceUnavailable, "the database is unavailable, try again shortly (request "+rid+")"
		c.Set(fiber.HeaderRetryAfter, "5")
	default:
		s.log.Error("request failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "err", err)
		msg = "internal error (request " + rid + ")"
	}
	if wantsHTML(c) {
		if ok, err := s.respondentError(c, code, rid); ok {
			return err
		}
		c.Status(code)
		return s.render(c, "error", fiber.Map{"Title": "Error", "Status": code, "Message": msg, "Fields": fields})
	}
	return c.Status(code).JSON(apiError{Error: msg, Fields: fields})
}

// reason is what a client may read of an error that wraps sentinel: the
// message added where the sentinel was wrapped, without the operations that
// wrapped it further on the way up ("close study 2: ...").
func reason(err, sentinel error) string {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if errors.Unwrap(e) == sentinel {
			return strings.TrimPrefix(e.Error(), sentinel.Error()+": ")
		}
	}
	return sentinel.Error()
}

func wantsHTML(c *fiber.Ctx) bool {
	p := c.Path()
	if strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/metrics" {
		return false
	}
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/html") || c.Method() == fiber.MethodPost
}

func requestID(c *fiber.Ctx) string {
	if v, ok := c.Locals("requestid").(string); ok {
		return v
	}
	return ""
}
