package app

import (
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// connLimiter is the listener odi serves on. fasthttp stops serving for good
// on the first accept error it does not know as temporary, "too many open
// files" among them, so a flood of idle connections used to end the process;
// connLimiter waits and accepts again instead, as net/http does. It also caps
// the connections open at once, in all and per client address, so that one
// client cannot hold every descriptor.
//
// A connection over a cap is closed at once, unread. Answering it (a 503)
// would mean reading its request, the very work the cap bounds; holding it
// unaccepted would leave the flood in the kernel's queue, ahead of everyone
// else. A client closed this way sees a reset and may retry, as after any
// network blip; the flood's connections cost nothing beyond the accept.
type connLimiter struct {
	net.Listener
	max, perAddr int
	exempt       func(netip.Addr) bool // a trusted proxy: one address, many clients
	log          *slog.Logger
	closed       chan struct{}
	closeOnce    sync.Once

	mu      sync.Mutex
	open    int
	byAddr  map[netip.Addr]int
	warned  time.Time // when a refused connection was last logged
	refused int       // connections refused since then
}

func newConnLimiter(ln net.Listener, maxConns, perAddr int, exempt func(netip.Addr) bool, log *slog.Logger) *connLimiter {
	return &connLimiter{Listener: ln, max: maxConns, perAddr: perAddr, exempt: exempt, log: log,
		closed: make(chan struct{}), byAddr: map[netip.Addr]int{}}
}

// Accept returns the next connection within the caps. On a temporary error
// it sleeps 5 ms, doubling up to 1 s while the errors go on, and retries.
func (l *connLimiter) Accept() (net.Conn, error) {
	var delay time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !temporary(err) {
				return nil, err
			}
			if delay == 0 {
				l.log.Warn("accept failed, retrying", "err", err)
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			select {
			case <-time.After(delay):
			case <-l.closed:
			}
			continue
		}
		delay = 0
		if lc := l.admit(c); lc != nil {
			return lc, nil
		}
		c.Close()
	}
}

func (l *connLimiter) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// temporary tells the accept errors that pass: out of descriptors, of kernel
// memory, or a timeout. A closed listener is not one.
func temporary(err error) bool {
	var ne net.Error
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM) ||
		errors.As(err, &ne) && ne.Timeout()
}

// admit counts c in, or returns nil when it would go over a cap.
func (l *connLimiter) admit(c net.Conn) net.Conn {
	addr, capped := netip.Addr{}, false
	if tcp, ok := c.RemoteAddr().(*net.TCPAddr); ok && l.perAddr > 0 {
		addr = tcp.AddrPort().Addr().Unmap()
		capped = !l.exempt(addr)
		if addr.Is6() {
			// Anyone with one IPv6 address has the 2^64 of its subnet.
			addr = netip.PrefixFrom(addr, 64).Masked().Addr()
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max || capped && l.byAddr[addr] >= l.perAddr {
		l.refused++
		if time.Since(l.warned) > time.Minute {
			l.log.Warn("connections refused over the caps", "refused", l.refused, "open", l.open,
				"max_conns", l.max, "max_conns_per_ip", l.perAddr, "last_from", addr)
			l.warned, l.refused = time.Now(), 0
		}
		return nil
	}
	l.open++
	if capped {
		l.byAddr[addr]++
	}
	return &limitedConn{Conn: c, l: l, addr: addr, capped: capped}
}

func (l *connLimiter) release(addr netip.Addr, capped bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if capped {
		if l.byAddr[addr]--; l.byAddr[addr] == 0 {
			delete(l.byAddr, addr)
		}
	}
}

// limitedConn gives its place back to the listener when closed.
type limitedConn struct {
	net.Conn
	l      *connLimiter
	addr   netip.Addr
	capped bool
	once   sync.Once
}

func (c *limitedConn) Close() error {
	c.once.Do(func() { c.l.release(c.addr, c.capped) })
	return c.Conn.Close()
}
