package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A graceful shutdown lets a request in flight finish, and does not wait
// for a connection that never sent a request (browsers open spare ones)
// until the grace period runs out.
func TestShutdownFinishesInFlightRequestsOnly(t *testing.T) {
	s := parallelServer(t)
	running := make(chan struct{})
	s.App().Get("/slow", func(c *fiber.Ctx) error {
		close(running)
		time.Sleep(time.Second)
		return c.SendString("finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	idle, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	slow := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			slow <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		slow <- string(b)
	}()
	<-running // /slow is in flight (and the idle connection accepted long before)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		t.Logf("shut down in %v with an idle connection open", time.Since(start).Round(time.Millisecond))
	case <-time.After(s.cfg.ShutdownMax / 2):
		t.Fatalf("shutdown still waiting after %v for a connection that sent nothing", s.cfg.ShutdownMax/2)
	}
	if got := <-slow; got != "finished" {
		t.Fatalf("the request in flight at shutdown got %q", got)
	}
}

// A shutdown that comes as the server starts, before fasthttp has taken the
// listener (a test that ends at once, a SIGTERM right after start), still
// ends Serve.
func TestShutdownAsTheServerStarts(t *testing.T) {
	t.Parallel()
	// The race is lost only now and then: run it a few times.
	for range 10 {
		s := newTestServer(t)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx, ln) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("shutdown: %v", err)
			}
		case <-time.After(time.Minute):
			t.Fatal("Serve still running a minute after its context ended")
		}
	}
}
