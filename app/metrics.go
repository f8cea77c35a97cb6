package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"odi/surveys"
)

// metrics has its own registry so several servers can live in one test binary.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(store *surveys.Store) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "odi_http_requests_total",
			Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "odi_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	lints := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "odi_study_lints_total",
		Help: "Studies whose outcome statements were linted in full, not served from the lint cache.",
	}, func() float64 { return float64(store.StudyLints()) })
	m.registry.MustRegister(m.requests, m.duration, lints,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sqlDB, err := store.DB().DB(); err == nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(sqlDB, store.Dialect()))
	}
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

func (m *metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}

// ServeMetrics answers the operator routes (/metrics) on ln, the listener of
// --metrics-addr, until ctx is cancelled. A scrape is short, so it gets a
// moment to finish rather than the main listener's grace.
func (s *Server) ServeMetrics(ctx context.Context, ln net.Listener) error {
	if s.ops == nil {
		return errors.New("serve metrics: --metrics-addr is not set")
	}
	errc := make(chan error, 1)
	go func() { errc <- s.ops.Listener(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("metrics listener %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	return s.ops.ShutdownWithTimeout(2 * time.Second)
}
