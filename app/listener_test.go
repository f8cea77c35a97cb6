package app

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"syscall"
	"testing"
	"time"
)

// Running out of descriptors, or of kernel memory, while accepting makes the
// listener wait and accept again, doubling the wait from 5 ms; only a closed
// listener ends it.
func TestHardeningAcceptRetriesWhenOutOfDescriptors(t *testing.T) {
	t.Parallel()
	accept4 := func(errno syscall.Errno) error {
		return &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", errno)}
	}
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"too many open files", accept4(syscall.EMFILE)},
		{"too many open files in the system", accept4(syscall.ENFILE)},
		{"no buffer space", accept4(syscall.ENOBUFS)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &failingListener{errs: []error{tt.err, tt.err, tt.err, tt.err}}
			l := newConnLimiter(fake, 10, 10, func(netip.Addr) bool { return false }, slog.New(slog.NewTextHandler(io.Discard, nil)))
			start := time.Now()
			c, err := l.Accept()
			if err != nil {
				t.Fatalf("Accept after %d failures: %v", len(fake.errs), err)
			}
			c.Close()
			// 5 + 10 + 20 + 40 ms. A busy machine wakes the waits late, so
			// the upper bound only tells them from waits that start at the
			// 1 s cap.
			if d := time.Since(start); d < 75*time.Millisecond || d > 3*time.Second {
				t.Errorf("four failures took %v, want 75 ms of waits", d)
			}
			l.Close()
			if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
				t.Fatalf("Accept on a closed listener: %v, want net.ErrClosed", err)
			}
		})
	}
}

// failingListener fails Accept with each of errs in turn, then hands out one
// end of a pipe each time, until closed.
type failingListener struct {
	errs   []error
	calls  int
	closed bool
}

func (f *failingListener) Accept() (net.Conn, error) {
	f.calls++
	switch {
	case f.closed:
		return nil, net.ErrClosed
	case f.calls <= len(f.errs):
		return nil, f.errs[f.calls-1]
	}
	c, _ := net.Pipe()
	return c, nil
}

func (f *failingListener) Close() error   { f.closed = true; return nil }
func (f *failingListener) Addr() net.Addr { return &net.TCPAddr{} }

// Connections beyond --max-conns-per-ip from one address are closed at once
// while other addresses are served, a trusted proxy is not held to that cap
// but to --max-conns, and a closed connection frees its place.
func TestHardeningConnectionCaps(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxy := netip.MustParseAddr("127.0.0.4")
	l := newConnLimiter(ln, 5, 2, func(a netip.Addr) bool { return a == proxy }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(io.Discard, c); c.Close() }() // until the client hangs up
		}
	}()
	dial := func(from string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		c, err := d.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// held tells whether the listener kept c: the read on one it refused
	// ends as soon as the listener closes it, which a busy machine may
	// take a while to do (hence a long wait that a passing test never
	// sits out), and on one it holds waits out the deadline.
	held := func(c net.Conn, wait time.Duration) bool {
		c.SetReadDeadline(time.Now().Add(wait))
		_, err := c.Read(make([]byte, 1))
		var ne net.Error
		return errors.As(err, &ne) && ne.Timeout()
	}
	var first net.Conn
	for i, tt := range []struct {
		from string
		held bool
	}{
		{"127.0.0.2", true},
		{"127.0.0.2", true},
		{"127.0.0.2", false}, // a third from one address
		{"127.0.0.3", true},
		{"127.0.0.4", true}, // a proxy: not capped per address
		{"127.0.0.4", true},
		{"127.0.0.4", false}, // a sixth in all
	} {
		c, wait := dial(tt.from), 30*time.Second
		if tt.held {
			wait = 100 * time.Millisecond
		}
		if got := held(c, wait); got != tt.held {
			t.Fatalf("connection %d from %s: held %v, want %v", i+1, tt.from, got, tt.held)
		}
		if i == 0 {
			first = c
		}
	}
	// The place is free once the listener has seen the close, which a busy
	// machine may take a while to do.
	first.Close()
	for deadline := time.Now().Add(30 * time.Second); !held(dial("127.0.0.2"), 100*time.Millisecond); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a closed connection did not free its place")
		}
	}
}
