package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the odi the tests run as a process of its own: this test binary,
// which holds the whole main package, runs as odi when asRealODI is set in its
// environment (the tests set it, and every process they start inherits it).
// That spares linking a second 40 MB binary on every test run.
var binary string

const asRealODI = "ODI_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asRealODI) != "" {
		main()
	}
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	binary = exe
	os.Setenv(asRealODI, "1")
	os.Exit(m.Run())
}

// startODI runs the real binary on a fresh database, with any further
// flags, and returns its base URL once it serves.
func startODI(t *testing.T, db string, flags ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--addr", "127.0.0.1:0", "--db", db}, flags...)...)
	stdout := &bytes.Buffer{}
	cmd.Stdout = stdout
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := regexp.MustCompile(`msg="odi serving" addr=(\S+)`)
	sc := bufio.NewScanner(stderr)
	found := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if m := addr.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case a := <-found:
		return cmd, "http://" + a, stdout
	case <-time.After(time.Minute): // a guard against a hang: a busy machine starts slowly
		t.Fatal("odi did not start within a minute")
	}
	return nil, "", nil
}

func TestServeStopsGracefullyOnSIGTERM(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "odi.db")
	cmd, base, stdout := startODI(t, db)
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	if !strings.Contains(stdout.String(), "/setup?token=") {
		t.Fatalf("first start printed no setup link: %q", stdout.String())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("odi did not stop within a minute of SIGTERM")
	}
	// A clean close leaves no WAL behind to replay.
	if fi, err := os.Stat(db + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("WAL left with %d bytes after a clean shutdown", fi.Size())
	}
}

func TestBadConfigIsOneLineAndExitCode2(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--addr", "nonsense"}, {"--db", "mysql://x"}, {"--base-url", "ftp://x"}, {"--max-conns", "0"}, {"--max-conns-per-ip", "lots"}, {"frobnicate"}} {
		out, err := exec.Command(binary, args...).CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("%v: exit %v, want 2", args, err)
		}
		if lines := strings.Count(strings.TrimSpace(string(out)), "\n"); lines != 0 || strings.Contains(string(out), "goroutine") {
			t.Errorf("%v: want one line, got %q", args, out)
		}
	}
}

func TestUserAddAndTokenCreate(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "odi.db")
	add := exec.Command(binary, "user", "add", "--email", "ana@example.com", "--role", "researcher", "--db", db)
	add.Stdin = strings.NewReader("long enough password\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	tok := exec.Command(binary, "token", "create", "--email", "ana@example.com", "--db", db)
	tok.Stderr = io.Discard
	out, err := tok.Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	token := strings.TrimSpace(string(out))
	if !regexp.MustCompile(`^odi_[A-Za-z0-9_-]{43}$`).MatchString(token) {
		t.Fatalf("stdout must be only the token, got %q", out)
	}

	_, base, _ := startODI(t, db)
	req, _ := http.NewRequest("GET", base+"/api/v1/studies", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("API with CLI token: %v %v", resp, err)
	}
	resp.Body.Close()

	if out, code := runODI(t, db, "short\n", "user", "add", "--email", "bob@example.com"); code == 0 || !strings.Contains(out, "password: must be at least 10 characters") {
		t.Fatalf("short password: %d %s", code, out)
	}
}

// runODI runs an odi command on the database db, typing stdin, for what it
// writes and its exit code.
func runODI(t *testing.T, db, stdin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, append(args, "--db", db)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

func TestTokenListAndRevoke(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "odi.db")
	odi := func(stdin string, args ...string) (string, int) { return runODI(t, db, stdin, args...) }
	if out, code := odi("long enough password\n", "user", "add", "--email", "ana@example.com"); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	laptop, _ := odi("", "token", "create", "--email", "ana@example.com", "--name", "laptop")
	odi("", "token", "create", "--email", "ana@example.com", "--name", "ci")
	odi("", "token", "create", "--email", "ana@example.com", "--name", "ci")

	out, code := odi("", "token", "list", "--email", "ana@example.com")
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(rows) != 4 || !regexp.MustCompile(`^ID\s+NAME\s+CREATED\s+LAST USED\s+STATUS$`).MatchString(rows[0]) ||
		!regexp.MustCompile(`^3\s+ci\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+never\s+active$`).MatchString(rows[1]) ||
		!regexp.MustCompile(`^1\s+laptop\s.*active$`).MatchString(rows[3]) || strings.Contains(out, "odi_") {
		t.Fatalf("token list: %d\n%s", code, out)
	}

	if out, code := odi("", "token", "revoke", "--id", "1"); code != 0 || out != "revoked token 1 \"laptop\" of ana@example.com\n" {
		t.Fatalf("revoke --id: %d %q", code, out)
	}
	if out, code := odi("", "token", "revoke", "--id", "1"); code != 0 || !strings.Contains(out, "already revoked") {
		t.Fatalf("revoke --id twice: %d %q", code, out)
	}
	if out, code := odi("", "token", "revoke", "--email", "ana@example.com", "--name", "ci"); code != 0 || strings.Count(out, "revoked token") != 2 {
		t.Fatalf("revoke --email --name: %d %q", code, out)
	}
	out, _ = odi("", "token", "list", "--email", "ana@example.com")
	if strings.Count(out, "revoked 20") != 3 || strings.Contains(out, "active") {
		t.Fatalf("token list after revoking all three:\n%s", out)
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"token", "revoke", "--id", "99"}, 1, "no token with id 99"},
		{[]string{"token", "revoke", "--email", "ana@example.com", "--name", "ci"}, 1, `has no active token named "ci"`},
		{[]string{"token", "revoke", "--name", "ci"}, 2, "usage: odi token revoke"},
		{[]string{"token", "revoke", "--id", "2", "--email", "ana@example.com"}, 2, "usage: odi token revoke"},
		{[]string{"token", "list"}, 2, "--email is required"},
		{[]string{"token", "list", "--email", "bob@example.com"}, 1, `no account with email "bob@example.com"`},
		{[]string{"token", "forget"}, 2, "usage: odi token create"},
	} {
		out, code := odi("", tc.args...)
		if code != tc.code || !strings.Contains(out, tc.msg) || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("%v: exit %d %q, want %d and one line with %q", tc.args, code, out, tc.code, tc.msg)
		}
	}

	// The revoked token no longer opens the API.
	_, base, _ := startODI(t, db)
	req, _ := http.NewRequest("GET", base+"/api/v1/studies", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(laptop))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API with a revoked token: %d, want 401", resp.StatusCode)
	}
}

// TestHelpAndFlagsBeforeTheCommand: odi --help and odi help print the
// commands and exit 0, and a chore's flags may come before its name.
func TestHelpAndFlagsBeforeTheCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		var out, errOut bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(out.String(), "odi token create --email E") {
			t.Errorf("odi %v: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
	db := filepath.Join(t.TempDir(), "odi.db")
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"--db", db, "user", "add", "--email", "ana@example.com", "--role", "admin"}, "olive-kettle-93\n", "created admin ana@example.com"},
		{[]string{"--db=" + db, "token", "create", "--email", "ana@example.com"}, "", "odi_"},
		{[]string{"token", "list", "--email", "ana@example.com", "--db", db}, "", "cli"},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, strings.NewReader(tc.stdin), &out, &errOut); code != 0 || !strings.Contains(out.String(), tc.want) {
			t.Errorf("odi %v: exit %d, stdout %q, stderr %q, want %q", tc.args, code, out.String(), errOut.String(), tc.want)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--db", db, "bogus"}, strings.NewReader(""), &out, &errOut); code != 2 {
		t.Errorf("odi --db … bogus: exit %d, want 2 (%s)", code, errOut.String())
	}
}
