package app

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"odi/surveys"
	"odi/surveys/surveystest"
)

// A full disk is a 503 that names the cause in the log, stores nothing half
// way, and passes once space is back. The disk is a 4 MB tmpfs, so the test
// needs root (as CI runs) to mount it.
func TestFullDiskIs503AndLosesNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		surveystest.Need(t, "a small filesystem to fill (mounting a tmpfs needs root: "+err.Error()+")")
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	path := filepath.Join(dir, "odi.db")
	store, err := surveys.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cfg := Defaults()
	cfg.SubmitLimit = 0
	s := New(cfg, store, slog.New(slog.NewTextHandler(&logs, nil)))
	c := api(t, s, "r@example.com", "researcher")
	_, slug := publishedStudy(t, s, c)
	anon := newClient(t, s)
	submit := func() reply {
		return anon.send("POST", "/api/v1/s/"+slug+"/responses", sub(true,
			map[string]any{"uses_slack": "Yes", "company_size": "small"},
			map[string]any{"O01": map[string]int{"importance": 5, "satisfaction": 2}, "O02": map[string]int{"importance": 4, "satisfaction": 4}}))
	}
	acked := 0
	wantStatus(t, submit(), http.StatusCreated)
	acked++

	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill the disk: %v", err)
			}
			break
		}
	}
	f.Close()

	unavailable := 0
	for range 200 {
		r := submit()
		switch r.status {
		case http.StatusCreated:
			acked++
			continue
		case http.StatusServiceUnavailable:
			unavailable++
			if !strings.Contains(r.body, "the database is unavailable") || r.header.Get("Retry-After") == "" {
				t.Fatalf("503 without a clear message or Retry-After: %v %s", r.header, r.body)
			}
		default:
			t.Fatalf("with the disk full a submission answered %d: %s", r.status, r.body)
		}
		break
	}
	if unavailable == 0 {
		t.Fatalf("200 submissions on a full 4 MB disk were all stored")
	}
	if !strings.Contains(logs.String(), "database unavailable") || !strings.Contains(logs.String(), "full") {
		t.Fatalf("no clear log line for the full disk:\n%s", logs.String())
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, submit(), http.StatusCreated)
	acked++
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check after a full disk: %q %v", check, err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM responses").Scan(&n); err != nil || n != acked {
		t.Fatalf("%d responses stored, %d acknowledged (%v)", n, acked, err)
	}
	t.Logf("full disk: %d acknowledged before and after, the next answered 503", acked)
}

// A conflict tells the client what clashes, not the chain of operations that
// met it on the way up.
func TestConflictMessageIsTheReasonOnly(t *testing.T) {
	_, c := researcherServer(t)
	id := newStudy(t, c, "Draft")
	r := c.send("POST", "/api/v1/studies/"+itoa(id)+"/close", nil)
	wantStatus(t, r, http.StatusConflict)
	var e apiError
	r.json(t, &e)
	if e.Error == "" || strings.Contains(e.Error, "study "+itoa(id)) || strings.HasPrefix(e.Error, "conflict") {
		t.Fatalf("conflict message %q", e.Error)
	}
}
