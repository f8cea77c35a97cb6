package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"odi/surveys/surveystest"
)

// Clients holding more idle connections than the process has descriptors do
// not stop odi. One address gets its share and the others are served while
// its flood lasts; a flood through a trusted proxy fills every place, and
// the moment it ends /healthz answers. Idle connections and a client
// trickling its headers are dropped within seconds, and odi runs with the
// soft open-file limit raised to the hard one.
func TestHardeningSurvivesDescriptorFlood(t *testing.T) {
	surveystest.Long(t, "holds floods of connections for about 6 s")
	var own syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &own); err != nil {
		t.Fatal(err)
	}
	hard := min(own.Max, 1024)
	flood := int(hard) + 100
	if hard < 512 || own.Cur < 2*uint64(flood)+128 {
		t.Skipf("this process may open %d files (hard limit %d): too few to flood a server limited to %d", own.Cur, own.Max, hard)
	}
	// The shell starts odi with a soft limit of 256 under a hard one of
	// 1,024, as a service manager might: each flood outnumbers both. The
	// first flood comes from 127.0.0.2, the second through a proxy at
	// 127.0.0.4, the slow client from 127.0.0.3 and the health checks from
	// 127.0.0.1, so that the cap per address tells them apart.
	db := filepath.Join(t.TempDir(), "odi.db")
	cmd := exec.Command("sh", "-c", `ulimit -S -n 256 && ulimit -H -n "$1" && shift && exec "$@"`,
		"sh", strconv.FormatUint(hard, 10), binary, "--addr", "127.0.0.1:0", "--db", db, "--trusted-proxies", "127.0.0.4")
	p := start(t, cmd)
	alive := func(when string) {
		t.Helper()
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("odi exited %s: %v\n%s", when, err, p.logs)
		default:
		}
	}

	soft, max := openFileLimit(t, p.cmd.Process.Pid)
	t.Logf("odi runs with open-file limits soft %d, hard %d (started with soft 256)", soft, max)
	if max != hard || soft+1 < max {
		t.Errorf("soft open-file limit %d not raised to the hard limit %d", soft, max)
	}
	m := regexp.MustCompile(`max_conns=(\d+) max_conns_per_ip=(\d+)`).FindStringSubmatch(p.logs.String())
	if m == nil {
		t.Fatalf("start-up log names no connection limits:\n%s", p.logs)
	}
	maxConns, _ := strconv.Atoi(m[1])
	perIP, _ := strconv.Atoi(m[2])
	t.Logf("effective limits: max_conns=%d max_conns_per_ip=%d", maxConns, perIP)
	if uint64(maxConns) >= soft {
		t.Errorf("max_conns=%d leaves none of %d descriptors to the database", maxConns, soft)
	}

	slow := make(chan time.Duration, 1)
	go func() { slow <- slowHeaders(t, p.base, "127.0.0.3") }()
	floodStart := time.Now()
	conns := dialFlood(t, p.base, "127.0.0.2", flood)
	defer closeAll(conns)
	ends := watchClose(conns)
	settle(func() bool { return ends.open() <= perIP }) // odi has accepted or refused them all
	alive("during a flood from one address")
	status, took, err := healthz(p.base)
	t.Logf("%d idle connections from one address: odi holds %d; /healthz meanwhile %d in %v",
		len(conns), ends.open(), status, took.Round(time.Microsecond))
	if err != nil || status != http.StatusOK {
		t.Fatalf("/healthz during the flood: %d %v\n%s", status, err, p.logs)
	}
	if ends.open() != perIP {
		t.Errorf("odi holds %d connections from one address, want --max-conns-per-ip %d", ends.open(), perIP)
	}

	proxied := dialFlood(t, p.base, "127.0.0.4", flood)
	proxiedEnds := watchClose(proxied)
	settle(func() bool { return ends.open()+proxiedEnds.open() < maxConns })
	alive("with every place taken")
	status, _, err = healthz(p.base)
	t.Logf("%d more through a trusted proxy: odi holds %d in all; /healthz meanwhile %d %v",
		len(proxied), ends.open()+proxiedEnds.open(), status, err)
	if held := ends.open() + proxiedEnds.open(); held != maxConns-1 { // the slow client holds one
		t.Errorf("odi holds %d flood connections, want --max-conns %d less the slow client's", held, maxConns)
	}
	closeAll(proxied)
	ended := time.Now()
	for status, _, err = healthz(p.base); status != http.StatusOK && time.Since(ended) < 5*time.Second; status, _, err = healthz(p.base) {
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("/healthz after the proxied flood ended: %d %v in %v", status, err, time.Since(ended).Round(time.Microsecond))
	if status != http.StatusOK || time.Since(ended) > time.Second {
		t.Errorf("/healthz once the flood ended: %d %v after %v", status, err, time.Since(ended))
	}

	cut := <-slow
	t.Logf("a client sending a header line every 500 ms was cut after %v", cut.Round(time.Millisecond))
	if cut > 7*time.Second {
		t.Errorf("a client trickling headers kept its connection for %v", cut)
	}
	for ends.open() > 0 && time.Since(floodStart) < 8*time.Second {
		time.Sleep(50 * time.Millisecond)
	}
	if n := ends.open(); n > 0 {
		t.Errorf("%d idle connections still open %v after they were made", n, time.Since(floodStart).Round(time.Second))
	}
	t.Logf("the last idle connection was dropped %v after it was made", ends.last().Sub(floodStart).Round(time.Millisecond))
	status, took, err = healthz(p.base)
	if err != nil || status != http.StatusOK || took > time.Second {
		t.Fatalf("/healthz at the end: %d in %v, %v", status, took, err)
	}
}

// Sixteen anonymous clients announcing 256 MB uploads with a made-up token
// are refused before their bodies are read: the server's peak memory does
// not grow with them.
func TestHardeningAnonymousUploadsDoNotGrowMemory(t *testing.T) {
	surveystest.Long(t, "starts the server and sends 16 uploads")
	db := filepath.Join(t.TempDir(), "odi.db")
	token := demoDB(t, db, 0)
	p := launch(t, db)
	var studies []struct{ ID int64 }
	getJSON(t, p.base+"/api/v1/studies", token, &studies)
	if len(studies) == 0 {
		t.Fatal("the demo made no study")
	}
	path := fmt.Sprintf("/api/v1/studies/%d/responses/import", studies[0].ID)

	before := peakRSS(t, p.cmd.Process.Pid)
	start := time.Now()
	var wg sync.WaitGroup
	statuses := make([]int, 16)
	for i := range statuses {
		wg.Go(func() { statuses[i] = upload(t, p.base, path, "Bearer odi_made-up", 256<<20) })
	}
	wg.Wait()
	after := peakRSS(t, p.cmd.Process.Pid)
	t.Logf("16 anonymous 256 MB uploads answered %v in %v; server peak RSS %.1f MB before, %.1f MB after (+%.1f MB)",
		statuses, time.Since(start).Round(time.Millisecond), mb(before), mb(after), mb(after-before))
	for _, s := range statuses {
		if s != http.StatusUnauthorized {
			t.Errorf("an anonymous upload got %d, want 401", s)
		}
	}
	if after-before > 32<<20 {
		t.Errorf("peak RSS grew by %.1f MB", mb(after-before))
	}
}

// settle waits until done says so, for up to 30 s: odi sorts a flood in
// well under a second, a busy machine may take longer, and the checks after
// it tell what was not settled.
func settle(done func() bool) {
	for start := time.Now(); !done() && time.Since(start) < 30*time.Second; {
		time.Sleep(10 * time.Millisecond)
	}
}

// openFileLimit reads a process's soft and hard RLIMIT_NOFILE.
func openFileLimit(t *testing.T, pid int) (soft, hard uint64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Max open files\s+(\d+)\s+(\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no open-file limit in /proc/%d/limits:\n%s", pid, b)
	}
	soft, _ = strconv.ParseUint(string(m[1]), 10, 64)
	hard, _ = strconv.ParseUint(string(m[2]), 10, 64)
	return soft, hard
}

// peakRSS reads a process's VmHWM in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	m := regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }

// dialFlood opens n connections to base from the local address from and
// sends nothing on them.
func dialFlood(t *testing.T, base, from string, n int) []net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	addr := strings.TrimPrefix(base, "http://")
	conns := make([]net.Conn, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < n; i += 16 {
				c, err := d.Dial("tcp", addr)
				if err != nil {
					errs <- err
					return
				}
				conns[i] = c
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		closeAll(conns)
		t.Fatalf("flood: %v", err)
	}
	return conns
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// closeWatch records when the server closed each of a set of connections.
type closeWatch struct {
	mu sync.Mutex
	at []time.Time // zero while open
}

// watchClose reads each connection, which the server never writes to,
// until it ends.
func watchClose(conns []net.Conn) *closeWatch {
	w := &closeWatch{at: make([]time.Time, len(conns))}
	for i, c := range conns {
		go func() {
			c.Read(make([]byte, 1))
			w.mu.Lock()
			w.at[i] = time.Now()
			w.mu.Unlock()
		}()
	}
	return w
}

func (w *closeWatch) open() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, at := range w.at {
		if at.IsZero() {
			n++
		}
	}
	return n
}

func (w *closeWatch) last() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	var last time.Time
	for _, at := range w.at {
		if at.After(last) {
			last = at
		}
	}
	return last
}

// healthz asks /healthz on a fresh connection.
func healthz(base string) (int, time.Duration, error) {
	client := http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		return 0, time.Since(start), err
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start), nil
}

// slowHeaders sends a request's headers one line every 500 ms and returns
// how long the server let it.
func slowHeaders(t *testing.T, base, from string) time.Duration {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	start := time.Now()
	c, err := d.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Errorf("slow client: %v", err)
		return 0
	}
	defer c.Close()
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		for {
			if _, err := c.Read(make([]byte, 512)); err != nil {
				return
			}
		}
	}()
	fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: odi.test\r\n")
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-closed:
			return time.Since(start)
		case <-tick.C:
			fmt.Fprint(c, "X-Slow: 1\r\n")
		}
	}
}

// upload announces a body of size bytes and sends it only while the server
// has not answered, and returns the status.
func upload(t *testing.T, base, path, authorization string, size int) int {
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Error(err)
		return 0
	}
	defer c.Close()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: odi.test\r\nAuthorization: %s\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n",
		path, authorization, size)
	go func() {
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := c.Write(chunk[:min(len(chunk), size-sent)]); err != nil {
				return // the server answered and closed
			}
		}
	}()
	c.SetReadDeadline(time.Now().Add(2 * time.Minute))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Errorf("POST %s: %v", path, err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
