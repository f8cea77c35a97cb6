package app

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// uploadSlots bounds the large bodies (over --body-limit) being read or
// handled at once. Each is spooled to a temporary file (readBody) and
// imported from there, so what a slot costs is the import's own memory —
// the 100,000-respondent import peaked near 150 MB — and up to
// --import-limit of disk; four keep the worst case near 600 MB whatever the
// callers do. Imports are a researcher's occasional act, and on two cores
// more at once would not end sooner. A count rather than a budget of bytes:
// a caller's Content-Length is unknown when chunked.
const uploadSlots = 4

// uploadLease is how long a slot stays taken when its request ends without
// the server seeing it end (a client gone between two chunks): the body's
// read time and a minute to import it.
const uploadLease = uploadTimeout + time.Minute

// largeBody are the routes whose body carries a study's data — an import's
// file, a saved segmentation's member list (100,000 respondent ids are 4 MB),
// the file a new study is made from; the group is the study's id, empty for
// a new study.
var largeBody = regexp.MustCompile(`(?i)^(?:/api/v1)?/studies/(?:([0-9]+)/(?:outcomes/import|responses/import|segmentations)|from-file)/?$`)

var (
	errAuthRequired = fiber.NewError(fiber.StatusUnauthorized, "authentication required: log in or send Authorization: Bearer <token>")
	errUploadsBusy  = fiber.NewError(fiber.StatusServiceUnavailable, "too many uploads in progress: try again shortly")
)

// requestLimits runs on a request's headers, before its body is read. It
// gives the body its read time and, for readBody, its size limit:
// --body-limit, or up to --import-limit on a large-body route for a caller
// who may see the study, while a slot is free. A body whose length says it
// is over its limit is refused on the headers alone: the request is marked
// as having no body, so the server reads none of it, and readBody answers
// why, so an anonymous client cannot make the server take in hundreds of
// megabytes.
func (s *Server) requestLimits(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	conf := fasthttp.RequestConfig{ReadTimeout: s.conns.within(bodyTimeout)}
	n := h.ContentLength() // -1: chunked, of unknown length
	limit, why := s.cfg.BodyLimit, error(nil)
	if s.cfg.ImportLimit > s.cfg.BodyLimit && h.IsPost() && (n == -1 || n > s.cfg.BodyLimit) {
		path, _, _ := bytes.Cut(h.RequestURI(), []byte("?"))
		if m := largeBody.FindSubmatch(path); m != nil {
			why = s.mayUpload(h, string(m[1]))
			if why == nil && !s.uploads.admit(h) {
				why = errUploadsBusy
			}
			if why == nil {
				limit = s.cfg.ImportLimit
				conf.ReadTimeout = s.conns.within(uploadTimeout)
			}
		}
	}
	if n > limit {
		if why == nil {
			why = tooLarge(limit)
		}
		// Answer at once rather than with a 100 Continue first.
		h.Del(fasthttp.HeaderExpect)
		h.SetContentLength(0)
		s.uploads.refuse(h, why)
	}
	return conf
}

// tooLarge is the answer to a body over its limit, naming the limit.
func tooLarge(limit int) error {
	return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is over the limit of %d bytes", limit))
}

// mayUpload tells whether the caller the headers name may see the study;
// any researcher may make a new one ("").
func (s *Server) mayUpload(h *fasthttp.RequestHeader, studyID string) error {
	u, err := s.userFromHeader(h)
	if err != nil {
		return err
	}
	if u == nil {
		return errAuthRequired
	}
	if studyID == "" {
		return nil
	}
	id, err := strconv.ParseInt(studyID, 10, 64)
	if err != nil {
		return problem.ErrNotFound
	}
	_, err = s.store.Study(context.Background(), u, id)
	return err
}

// userFromHeader is the caller a request's headers name (nil for none), known
// before the body arrives, as the handlers will know it.
func (s *Server) userFromHeader(h *fasthttp.RequestHeader) (*accounts.User, error) {
	return s.userFrom(context.Background(), string(h.Peek(fiber.HeaderAuthorization)), string(h.Cookie(sessionCookie)))
}

// uploads are the requests holding an upload slot, and why others were held
// to the small limit, keyed by request header: fasthttp keeps one per
// connection and reuses it request after request, and the hook sees nothing
// else of the request.
type uploads struct {
	mu      sync.Mutex
	held    map[*fasthttp.RequestHeader]time.Time // until when
	refused map[*fasthttp.RequestHeader]error
}

// admit takes a slot for h if one is free.
func (u *uploads) admit(h *fasthttp.RequestHeader) bool {
	now := time.Now()
	u.mu.Lock()
	defer u.mu.Unlock()
	for k, until := range u.held {
		if now.After(until) {
			delete(u.held, k)
		}
	}
	if len(u.held) >= uploadSlots {
		return false
	}
	if u.held == nil {
		u.held = map[*fasthttp.RequestHeader]time.Time{}
	}
	u.held[h] = now.Add(uploadLease)
	return true
}

// holds tells whether h has an upload slot, and so may send up to
// --import-limit.
func (u *uploads) holds(h *fasthttp.RequestHeader) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, ok := u.held[h]
	return ok
}

// refuse records why h's body, declared over its limit, will not be read.
func (u *uploads) refuse(h *fasthttp.RequestHeader, why error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.refused == nil {
		u.refused = map[*fasthttp.RequestHeader]error{}
	}
	u.refused[h] = why
}

// refusal is why h's body will not be read, nil if it will.
func (u *uploads) refusal(h *fasthttp.RequestHeader) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.refused[h]
}

// done frees what the request on h held; called as each request ends.
func (u *uploads) done(h *fasthttp.RequestHeader) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.held, h)
	delete(u.refused, h)
}

// endEveryRequest makes each request, whether it reached a handler or failed
// while being read, give back what requestLimits gave it.
func (s *Server) endEveryRequest(srv *fasthttp.Server) {
	handler, onError := srv.Handler, srv.ErrorHandler
	srv.Handler = func(ctx *fasthttp.RequestCtx) {
		defer s.uploads.done(&ctx.Request.Header)
		handler(ctx)
	}
	srv.ErrorHandler = func(ctx *fasthttp.RequestCtx, err error) {
		defer s.uploads.done(&ctx.Request.Header)
		onError(ctx, err)
	}
}
