// Package app is odi's web layer: the Fiber wiring, middleware, and thin handlers
// that decode a request, call the surveys package and encode the answer.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
	"github.com/valyala/fasthttp"

	"odi/static"
	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/mailing"
	"odi/surveys/programme"
	"odi/surveys/results"
)

// How long each part of a request may take to arrive. The headers get a few
// seconds, so a client that opens connections and trickles bytes into them
// holds each only briefly; a body gets the time a slow network needs.
const (
	headerTimeout = 5 * time.Second  // from the connection (or, kept alive, the request's first byte) to the end of the headers
	bodyTimeout   = 60 * time.Second // an ordinary body: a form, a submission, up to --body-limit
	uploadTimeout = 5 * time.Minute  // an import's file, up to --import-limit
	idleTimeout   = 30 * time.Second // between requests on a kept-alive connection
)

// Server is one odi instance. It keeps no state another instance would need:
// sessions and login throttling counts live in the database, and CSRF tokens
// are derived from a secret kept there.
type Server struct {
	cfg        Config
	store      *surveys.Store
	fieldwork  *fieldwork.Store
	results    *results.Store
	mail       *mailing.Store
	programmes *programme.Store
	sender     *mailing.Sender // nil without --smtp-url
	log        *slog.Logger
	app        *fiber.App
	ops        *fiber.App // the operator routes on --metrics-addr; nil when they are on app
	accounts   *accounts.Store
	metrics    *metrics
	conns      openConns
	uploads    uploads
	proxies    []netip.Prefix // --trusted-proxies

	submitLimit fiber.Handler
}

// New wires a server around an open store.
func New(cfg Config, store *surveys.Store, log *slog.Logger) *Server {
	res := results.New(store)
	s := &Server{cfg: cfg, store: store, fieldwork: fieldwork.New(store, res), results: res, accounts: store.Accounts(), log: log}
	for _, p := range cfg.Proxies { // checked by Config.validate
		if pre, err := netip.ParsePrefix(p); err == nil {
			s.proxies = append(s.proxies, pre)
		} else if a, err := netip.ParseAddr(p); err == nil {
			s.proxies = append(s.proxies, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	s.mail = mailing.New(store)
	s.programmes = programme.New(store, res)
	if cfg.SMTP != nil {
		s.sender = s.mail.NewSender(mailing.SenderConfig{SMTP: *cfg.SMTP, From: cfg.MailFrom, BaseURL: s.baseURL(),
			Rate: cfg.MailRate, Backoff: cfg.MailBackoff}, log)
	}
	s.metrics = newMetrics(store)
	views := html.NewFileSystem(http.FS(static.Templates), ".html")
	views.AddFuncMap(templateFuncs)
	s.app = fiber.New(fiber.Config{
		AppName: "odi",
		// Fiber's strings (method, params, headers) otherwise point into
		// buffers it reuses for the next request; odi keeps some of them,
		// as metric labels and cache keys.
		Immutable:         true,
		Views:             views,
		ViewsLayout:       "layout",
		PassLocalsToViews: true,
		BodyLimit:         cfg.BodyLimit,
		// An import's file streams to disk rather than into memory;
		// readBody bounds every body, as fasthttp no longer does, and
		// parses nothing before it has.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 s.handleError,
		DisableStartupMessage:        true,
		// fasthttp applies ReadTimeout to the headers (and to the wait for
		// a new connection's first request); requestLimits sets the body's.
		ReadTimeout:  headerTimeout,
		WriteTimeout: 120 * time.Second,
		IdleTimeout:  idleTimeout,
	})
	if cfg.MetricsAddr != "" {
		ops := s.app.Config()
		ops.AppName = "odi operator"
		s.ops = fiber.New(ops)
	}
	s.submitLimit = s.submitThrottle()
	s.routes()
	srv := s.app.Server()
	srv.HeaderReceived = s.requestLimits
	srv.ConnState = s.conns.track
	s.endEveryRequest(srv)
	return s
}

// openConns are the server's client connections. fasthttp counts a new
// connection as active before it has sent a byte, so a spare connection a
// browser opened and never used would hold a graceful shutdown until the
// read timeout; at shutdown each open connection gets a short deadline to
// send its request instead. A request already read runs to its end; one
// still arriving (a large upload) has that long to arrive.
type openConns struct {
	mu       sync.Mutex
	m        map[net.Conn]struct{}
	deadline time.Time // once shutting down, when reading stops
}

func (o *openConns) track(c net.Conn, state fasthttp.ConnState) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch state {
	case fasthttp.StateNew:
		if o.m == nil {
			o.m = map[net.Conn]struct{}{}
		}
		o.m[c] = struct{}{}
		if !o.deadline.IsZero() { // accepted while the listener closes
			c.SetReadDeadline(o.deadline)
		}
	case fasthttp.StateClosed, fasthttp.StateHijacked:
		delete(o.m, c)
	}
}

// within is d, or the time left to send once shutting down if that is sooner:
// a request whose headers arrive then must not get a longer deadline for its
// body than hurry gave.
func (o *openConns) within(d time.Duration) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.deadline.IsZero() {
		return d
	}
	return max(min(d, time.Until(o.deadline)), time.Nanosecond) // zero would leave the header's deadline
}

// hurry gives every open connection, and any still accepted, until d from
// now to finish sending.
func (o *openConns) hurry(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.deadline = time.Now().Add(d)
	for c := range o.m {
		c.SetReadDeadline(o.deadline)
	}
}

// clientIP is the address a request came from, for throttling: the peer,
// or, when the peer is one of --trusted-proxies, the last address in
// X-Forwarded-For that is not a trusted proxy. A client can write anything at
// the front of that header; only what the proxies appended is believed.
func (s *Server) clientIP(c *fiber.Ctx) string {
	addr, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	addr = addr.Unmap()
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0 && s.trusted(addr); i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // not an address: believe nothing further left
		}
		addr = hop.Unmap()
	}
	return addr.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Serve answers requests on ln until ctx is cancelled, then lets in-flight
// requests finish (up to cfg.ShutdownMax) and the last submissions be
// written before returning; the store is the caller's to close after.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer s.fieldwork.Close()
	if s.sender != nil {
		// The sender finishes the message it is handing over before the
		// store may close: cancel, then wait.
		sent := make(chan struct{})
		defer func() { <-sent }()
		var stopMail context.CancelFunc
		ctx, stopMail = context.WithCancel(ctx)
		defer stopMail()
		go func() { s.sender.Run(ctx); close(sent) }()
	}
	go s.sweepLoop(ctx)
	ln = newConnLimiter(ln, s.cfg.MaxConns, s.cfg.MaxConnsPerIP, s.trusted, s.log)
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", s.cfg.ShutdownMax)
	s.conns.hurry(2 * time.Second)
	if err := s.app.ShutdownWithTimeout(s.cfg.ShutdownMax); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	// A context that ends as Serve starts can come before fasthttp has taken
	// the listener, and its shutdown then closes nothing: closing it here
	// ends Listener either way.
	ln.Close()
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// SetupLink makes a fresh one-time link for creating the first admin while no
// account exists, and returns "" once one does. Each call replaces the previous
// link, so only the one printed last works.
func (s *Server) SetupLink(ctx context.Context) (string, error) {
	n, err := s.accounts.CountUsers(ctx)
	if err != nil {
		return "", fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return "", nil
	}
	token := accounts.NewSecret("")
	if err := s.accounts.Set(ctx, setupKey, []byte(accounts.HashSecret(token)), 0); err != nil {
		return "", fmt.Errorf("store setup token: %w", err)
	}
	return s.baseURL() + "/setup?token=" + token, nil
}

func (s *Server) sweepLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.accounts.Sweep(ctx); err != nil {
				s.log.Warn("sweep expired sessions and throttle counts", "err", err)
			}
		}
	}
}

// baseURL is the public origin used in links shown to people.
func (s *Server) baseURL() string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	host, port, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
