package main

import (
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBackupOfALiveDatabaseUnderWriteLoad copies the database with odi backup
// while clients keep submitting, then checks the copy is sound, holds every
// response acknowledged before the backup began, and serves after a restore.
func TestBackupOfALiveDatabaseUnderWriteLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "odi.db")
	token := demoDB(t, db, 300)
	p := launch(t, db, "ODI_SUBMIT_LIMIT=0")
	study := findStudy(t, p.base, token)
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

	var (
		mu       sync.Mutex
		acked    []string // respondent ids, in the order acknowledged
		failures []string
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	for c := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 2))
			for !stop.Load() {
				code, rid, err := submit(client, p.base, study.Slug, study.submission(r))
				mu.Lock()
				if err != nil || code >= 300 {
					failures = append(failures, strings.TrimSpace(http.StatusText(code)+" "+errString(err)))
				} else {
					acked = append(acked, rid)
				}
				mu.Unlock()
			}
		}()
	}
	// ackedPast waits until more than n submissions are acknowledged, or a
	// minute has passed, and returns how many are.
	ackedPast := func(n int) int {
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			got := len(acked)
			mu.Unlock()
			if got > n || time.Now().After(deadline) {
				return got
			}
		}
	}
	ackedPast(16) // the load has reached the server
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	copyPath := filepath.Join(dir, "backup", "odi-copy.db")
	os.Mkdir(filepath.Dir(copyPath), 0o755)
	out := odiCmd(t, "", "backup", "--db", db, copyPath)
	if !strings.Contains(out, "backed up") {
		t.Errorf("backup printed %q", out)
	}
	backedUp := ackedPast(0)
	ackedPast(backedUp) // one more acknowledged after the backup
	stop.Store(true)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(failures) > 0 {
		t.Fatalf("%d submissions failed while the backup ran, first: %s", len(failures), failures[0])
	}
	if len(acked) <= len(before) {
		t.Fatalf("no submission was acknowledged during or after the backup (%d before, %d in all)", len(before), len(acked))
	}

	// The copy is a sound database on its own: no WAL beside it, every
	// response acknowledged before the backup began, no more than the live one.
	if _, err := os.Stat(copyPath + "-wal"); err == nil {
		t.Errorf("the backup has a WAL file beside it")
	}
	if _, err := os.Stat(copyPath + ".partial"); err == nil {
		t.Errorf("the backup left its temporary file")
	}
	cp := openRaw(t, copyPath)
	integrityOK(t, cp)
	var copied []string
	cp.Raw("SELECT respondent_id FROM responses WHERE study_id = ?", study.ID).Scan(&copied)
	have := map[string]bool{}
	for _, id := range copied {
		have[id] = true
	}
	for _, id := range before {
		if !have[id] {
			t.Fatalf("response %s, acknowledged before the backup began, is not in the copy", id)
		}
	}
	live := openRaw(t, db)
	for _, table := range []string{"users", "api_tokens", "studies", "steps", "outcomes", "questions"} {
		var a, b int64
		cp.Raw("SELECT COUNT(*) FROM " + table).Scan(&a)
		live.Raw("SELECT COUNT(*) FROM " + table).Scan(&b)
		if a != b || a == 0 {
			t.Errorf("%s: %d rows in the copy, %d in the live database", table, a, b)
		}
	}
	var liveN int64
	live.Raw("SELECT COUNT(*) FROM responses WHERE study_id = ?", study.ID).Scan(&liveN)
	if n := int64(len(copied)); n < 300+int64(len(before)) || n > liveN {
		t.Errorf("copy has %d responses: want at least %d (demo + acknowledged before) and at most %d (live)", n, 300+len(before), liveN)
	}
	closeRaw(cp)
	closeRaw(live)
	t.Logf("backup under load: %d responses acknowledged before, %d in the copy, %d live after", len(before), len(copied), liveN)

	// A second backup to the same name is refused, not overwritten.
	again := exec.Command(binary, "backup", "--db", db, copyPath)
	if out, err := again.CombinedOutput(); err == nil || !strings.Contains(string(out), "already exists") {
		t.Errorf("backup over an existing file: %v %s", err, out)
	}
	pg := exec.Command(binary, "backup", "--db", "postgres://odi@127.0.0.1:1/odi", filepath.Join(dir, "pg.db"))
	if out, err := pg.CombinedOutput(); err == nil || !strings.Contains(string(out), "pg_dump") {
		t.Errorf("backup of PostgreSQL: %v %s", err, out)
	}

	// Restore as README.md says: stop odi, put the copy in place (with no WAL
	// of the old file beside it), start.
	p.stop(t)
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		os.Remove(f)
	}
	if err := os.Rename(copyPath, db); err != nil {
		t.Fatal(err)
	}
	p = launch(t, db)
	var list []struct{ ID int64 }
	getJSON(t, p.base+"/api/v1/studies", token, &list)
	var resp struct {
		Total int `json:"total"`
	}
	getJSON(t, p.base+"/api/v1/studies/"+strconv.FormatInt(study.ID, 10)+"/responses?limit=1", token, &resp)
	if len(list) != 1 || resp.Total != len(copied) {
		t.Fatalf("after restore: %d studies, %d responses; want 1 and %d", len(list), resp.Total, len(copied))
	}
	p.stop(t)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
