package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"odi/surveys/surveystest"
)

// syncBuffer collects a process's log lines from one goroutine while the test
// reads them from another.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// odiProc is one run of the real binary.
type odiProc struct {
	cmd  *exec.Cmd
	base string
	logs *syncBuffer // stderr: the structured log
	done chan error
}

// launch starts the binary on db with extra environment (KEY=VALUE) and returns
// once it serves. Unlike startODI it keeps the whole log and lets the test
// decide how the process ends.
func launch(t *testing.T, db string, env ...string) *odiProc {
	t.Helper()
	cmd := exec.Command(binary, "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), env...)
	return start(t, cmd)
}

// start runs cmd, which runs the server (perhaps through a shell that execs
// it), and returns once it serves.
func start(t *testing.T, cmd *exec.Cmd) *odiProc {
	t.Helper()
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &odiProc{cmd: cmd, logs: &syncBuffer{}, done: make(chan error, 1)}
	addr := regexp.MustCompile(`msg="odi serving" addr=(\S+)`)
	found := make(chan string, 1)
	piped := make(chan struct{})
	go func() {
		defer close(piped)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			fmt.Fprintln(p.logs, sc.Text())
			if m := addr.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { <-piped; p.done <- cmd.Wait() }()
	t.Cleanup(func() { p.kill() })
	select {
	case a := <-found:
		p.base = "http://" + a
		return p
	case err := <-p.done:
		p.done <- err
		t.Fatalf("odi exited before serving: %v\n%s", err, p.logs)
	case <-time.After(time.Minute): // a guard against a hang: a busy machine starts slowly
		t.Fatalf("odi did not start within a minute\n%s", p.logs)
	}
	return nil
}

// kill ends the process with SIGKILL, as a power cut or the OOM killer would,
// and waits for it.
func (p *odiProc) kill() {
	p.cmd.Process.Kill()
	err := <-p.done
	p.done <- err
}

// stop ends the process with SIGTERM and waits for a clean exit.
func (p *odiProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Fatalf("odi exit after SIGINT: %v\n%s", err, p.logs)
		}
	case <-time.After(time.Minute):
		t.Fatal("odi did not stop within a minute")
	}
}

// odiCmd runs one CLI chore and returns its stdout.
func odiCmd(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("odi %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// demoDB makes a database with an admin, an API token and the demo study
// (published, with the given number of responses) through the CLI.
func demoDB(t *testing.T, db string, responses int) (token string) {
	t.Helper()
	odiCmd(t, "crash-test-password\n", "user", "add", "--email", "ops@example.com", "--role", "admin", "--db", db)
	token = strings.TrimSpace(odiCmd(t, "", "token", "create", "--email", "ops@example.com", "--db", db))
	odiCmd(t, "", "demo", "--responses", fmt.Sprint(responses), "--db", db)
	return token
}

// liveStudy is the published demo study as the API describes it.
type liveStudy struct {
	ID     int64
	Slug   string
	survey struct {
		Screeners []surveyQuestion `json:"screeners"`
		Profile   []surveyQuestion `json:"profile"`
		Pages     []struct {
			Items []struct {
				Code string `json:"code"`
			} `json:"items"`
		} `json:"pages"`
		Forces *struct{} `json:"forces"`
	}
}

type surveyQuestion struct {
	Key       string   `json:"key"`
	Kind      string   `json:"kind"`
	Options   []string `json:"options"`
	ScreenOut []string `json:"screen_out"`
}

func getJSON(t *testing.T, url, token string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// findStudy reads the demo study's id and slug from the study list and its
// questions and outcome codes from the public survey definition.
func findStudy(t *testing.T, base, token string) *liveStudy {
	t.Helper()
	var list []struct {
		ID     int64   `json:"id"`
		Status string  `json:"status"`
		Slug   *string `json:"slug"`
	}
	getJSON(t, base+"/api/v1/studies", token, &list)
	for _, st := range list {
		if st.Status == "open" && st.Slug != nil {
			ls := &liveStudy{ID: st.ID, Slug: *st.Slug}
			getJSON(t, base+"/api/v1/s/"+ls.Slug, "", &ls.survey)
			return ls
		}
	}
	t.Fatalf("no open study in %+v", list)
	return nil
}

// submission is a valid random answer to the study: every screener passed,
// every profile question answered, every outcome rated; complete or not.
func (ls *liveStudy) submission(rng *rand.Rand) map[string]any {
	answers := map[string]any{}
	for _, q := range append(ls.survey.Screeners, ls.survey.Profile...) {
		var ok []string
		for _, o := range q.Options {
			if !contains(q.ScreenOut, o) {
				ok = append(ok, o)
			}
		}
		switch {
		case q.Kind == "multi" && len(ok) > 0:
			answers[q.Key] = []string{ok[rng.IntN(len(ok))]}
		case len(ok) > 0:
			answers[q.Key] = ok[rng.IntN(len(ok))]
		case q.Kind == "nps":
			answers[q.Key] = rng.IntN(11)
		}
	}
	ratings := map[string]any{}
	for _, p := range ls.survey.Pages {
		for _, it := range p.Items {
			ratings[it.Code] = map[string]int{"importance": 1 + rng.IntN(5), "satisfaction": 1 + rng.IntN(5)}
		}
	}
	body := map[string]any{"submission_id": uuid.NewString(), "answers": answers, "ratings": ratings, "complete": rng.IntN(4) != 0}
	if ls.survey.Forces != nil {
		body["forces"] = map[string]int{"push": 1 + rng.IntN(10), "pull": 1 + rng.IntN(10), "anxiety": 1 + rng.IntN(10), "habit": 1 + rng.IntN(10)}
	}
	return body
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// submitResult is a submission's answer: the status code and, on success, the
// respondent id it was stored under.
func submit(client *http.Client, base, slug string, body map[string]any) (int, string, error) {
	b, _ := json.Marshal(body)
	resp, err := client.Post(base+"/api/v1/s/"+slug+"/responses", "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	var res struct {
		RespondentID string `json:"respondent_id"`
	}
	if resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, &res); err != nil || res.RespondentID == "" {
			return resp.StatusCode, "", fmt.Errorf("2xx without a respondent id: %s", raw)
		}
	} else if resp.StatusCode >= 500 {
		return resp.StatusCode, "", fmt.Errorf("%d: %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, res.RespondentID, nil
}

// wideResponses reads a study's responses.csv into one map of column -> cell
// per respondent id.
func wideResponses(t *testing.T, base, token string, studyID int64) map[string]map[string]string {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/studies/%d/responses.csv", base, studyID), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("responses.csv: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("responses.csv: %d %s", resp.StatusCode, b)
	}
	records, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("responses.csv: %v", err)
	}
	out := map[string]map[string]string{}
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = rec[i]
		}
		out[row["respondent_id"]] = row
	}
	return out
}

// storedAsSent says how a stored response, as responses.csv shows it, differs
// from the submission body acknowledged for it; "" when it does not.
func storedAsSent(row map[string]string, body map[string]any) string {
	want := map[string]string{"status": "in_progress"}
	if body["complete"] == true {
		want["status"] = "complete"
	}
	for key, v := range body["answers"].(map[string]any) {
		switch v := v.(type) {
		case []string:
			want[key] = strings.Join(v, ";")
		default:
			want[key] = fmt.Sprint(v)
		}
	}
	for code, r := range body["ratings"].(map[string]any) {
		r := r.(map[string]int)
		want[code+"_imp"], want[code+"_sat"] = fmt.Sprint(r["importance"]), fmt.Sprint(r["satisfaction"])
	}
	if f, ok := body["forces"].(map[string]int); ok {
		for k, v := range f {
			want[k] = fmt.Sprint(v)
		}
	}
	for col, v := range want {
		if got, ok := row[col]; !ok || got != v {
			return fmt.Sprintf("%s is %q, sent %q", col, got, v)
		}
	}
	return ""
}

// openRaw opens a SQLite file without odi's migrations or writer, to look at
// it the way the next start will find it.
func openRaw(t *testing.T, path string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(sqlite.Open("file:"+path+"?_busy_timeout=10000"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return db
}

func closeRaw(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}

// integrityOK fails the test unless SQLite finds the file sound, including its
// foreign keys.
func integrityOK(t *testing.T, db *gorm.DB) {
	t.Helper()
	var res []string
	if err := db.Raw("PRAGMA integrity_check").Scan(&res).Error; err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	if len(res) != 1 || res[0] != "ok" {
		t.Fatalf("integrity_check: %v", res)
	}
	var fk []map[string]any
	if err := db.Raw("PRAGMA foreign_key_check").Scan(&fk).Error; err != nil {
		t.Fatalf("foreign_key_check: %v", err)
	}
	if len(fk) > 0 {
		t.Fatalf("foreign_key_check: %v", fk)
	}
}

// TestAcknowledgedResponsesSurviveSIGKILL kills odi at a random moment under
// concurrent submissions, again and again, and checks after each kill that
// every response answered 2xx is stored exactly once and the file is sound.
func TestAcknowledgedResponsesSurviveSIGKILL(t *testing.T) {
	surveystest.Long(t, "twelve rounds of load and SIGKILL on the real binary")
	const rounds, clients = 12, 32
	db := t.TempDir() + "/odi.db"
	token := demoDB(t, db, 50)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))

	acked := map[string]string{} // submission_id -> respondent_id, across all rounds
	var ackedBodies []map[string]any
	var study *liveStudy
	var logs strings.Builder
	// checkContent reads every response back through the restarted server:
	// each acknowledged one holds exactly the answers, ratings and forces it
	// was sent with, not just a row under the right id.
	checkContent := func(base string, round int) {
		t.Helper()
		if len(ackedBodies) == 0 {
			return
		}
		rows := wideResponses(t, base, token, study.ID)
		for _, body := range ackedBodies {
			rid := acked[body["submission_id"].(string)]
			if diff := storedAsSent(rows[rid], body); diff != "" {
				t.Fatalf("after kill %d: respondent %s: %s", round-1, rid, diff)
			}
		}
		t.Logf("after kill %d: the content of all %d acknowledged responses matches what was sent", round-1, len(ackedBodies))
	}
	for round := 1; round <= rounds; round++ {
		p := launch(t, db, "ODI_SUBMIT_LIMIT=0")
		if study == nil {
			study = findStudy(t, p.base, token)
		}
		checkContent(p.base, round)
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}

		// Submissions acknowledged before earlier kills answer the same
		// respondent again (200), never a second copy.
		for i := 0; i < 3 && len(ackedBodies) > 0; i++ {
			body := ackedBodies[rng.IntN(len(ackedBodies))]
			code, rid, err := submit(client, p.base, study.Slug, body)
			if err != nil || code != http.StatusOK || rid != acked[body["submission_id"].(string)] {
				t.Fatalf("round %d: repeating an acknowledged submission after restart: %d %q %v", round, code, rid, err)
			}
		}

		var (
			mu       sync.Mutex
			killed   atomic.Bool
			wg       sync.WaitGroup
			newAcks  = map[string]string{}
			newBody  []map[string]any
			failures []string
		)
		for c := 0; c < clients; c++ {
			seed := rng.Uint64()
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(seed, 1))
				for !killed.Load() {
					body := study.submission(r)
					code, rid, err := submit(client, p.base, study.Slug, body)
					if err != nil {
						if code >= 500 {
							mu.Lock()
							failures = append(failures, err.Error())
							mu.Unlock()
						}
						if killed.Load() {
							return
						}
						continue // the connection broke as the process died
					}
					if code >= 300 {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("status %d for a valid submission", code))
						mu.Unlock()
						continue
					}
					mu.Lock()
					newAcks[body["submission_id"].(string)] = rid
					newBody = append(newBody, body)
					mu.Unlock()
				}
			}()
		}
		// The kill comes at a random moment once the load has reached
		// the server, which a busy machine may take a while to do.
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			n := len(newAcks)
			mu.Unlock()
			if n > 0 {
				break
			}
		}
		time.Sleep(time.Duration(rng.IntN(750)) * time.Millisecond)
		p.kill()
		killed.Store(true)
		wg.Wait()
		client.CloseIdleConnections()
		if len(failures) > 0 {
			t.Fatalf("round %d: %d failed submissions, first: %s", round, len(failures), failures[0])
		}
		for k, v := range newAcks {
			acked[k] = v
		}
		ackedBodies = append(ackedBodies, newBody...)
		logs.WriteString(p.logs.String())

		// Look at the file as the next start will: every acknowledged
		// response once, under the respondent id it was acknowledged with.
		raw := openRaw(t, db)
		integrityOK(t, raw)
		var rows []struct {
			SubmissionID string
			RespondentID string
		}
		if err := raw.Raw("SELECT submission_id, respondent_id FROM responses WHERE study_id = ? AND submission_id IS NOT NULL", study.ID).
			Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		closeRaw(raw)
		stored := map[string][]string{}
		for _, r := range rows {
			stored[r.SubmissionID] = append(stored[r.SubmissionID], r.RespondentID)
		}
		for sid, rid := range acked {
			if got := stored[sid]; len(got) != 1 || got[0] != rid {
				t.Fatalf("round %d: acknowledged submission %s (respondent %s) stored as %v", round, sid, rid, got)
			}
		}
		t.Logf("round %d: killed after %d new acknowledged responses; %d stored link responses, %d acknowledged in all, all present once",
			round, len(newAcks), len(rows), len(acked))
	}
	if len(acked) < rounds {
		t.Fatalf("only %d acknowledged responses in %d rounds: the load did not reach the server", len(acked), rounds)
	}
	p := launch(t, db)
	checkContent(p.base, rounds+1)
	p.stop(t)
	for _, bad := range []string{"database is locked", "panic"} {
		if strings.Contains(logs.String(), bad) {
			t.Errorf("the log mentions %q", bad)
		}
	}
	t.Logf("crash safety: %d SIGKILL rounds, %d acknowledged responses verified present exactly once with the content sent, integrity_check ok", rounds, len(acked))
}
