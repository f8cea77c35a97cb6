package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"odi/surveys/mailing"
	"odi/surveys/surveystest"
)

type mailProgress struct {
	Recipients, Pending, Sent, Failed int
	Failures                          []struct{ Email, Reason string }
}

// mailTo posts a mailing of the study to the addresses and returns its id.
func mailTo(t *testing.T, base, token string, studyID int64, emails []string) int64 {
	t.Helper()
	var rec []map[string]string
	for _, e := range emails {
		rec = append(rec, map[string]string{"email": e})
	}
	b, _ := json.Marshal(map[string]any{"subject": "Hello", "body": "Your link: {link}", "recipients": rec})
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/studies/%d/mailings", base, studyID), bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ ID int64 }
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("create mailing: %d", resp.StatusCode)
	}
	return out.ID
}

// drained waits until the mailing has nothing pending.
func drained(t *testing.T, p *odiProc, token string, studyID, mailingID int64) mailProgress {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var mp mailProgress
		getJSON(t, fmt.Sprintf("%s/api/v1/studies/%d/mailings/%d", p.base, studyID, mailingID), token, &mp)
		if mp.Pending == 0 {
			return mp
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailing %d: %d still pending\n%s", mailingID, mp.Pending, p.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// addresses are n recipients named after prefix.
func addresses(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d@example.com", prefix, i)
	}
	return out
}

// TestMailIsNeverSentTwiceAcrossSIGKILL kills odi while it hands a message
// to the SMTP server (which has read all of it and not yet answered), and
// then at random moments of a mailing: after each restart, every message
// still queued is sent, none is sent twice, and the one in the server's
// hands at the kill is recorded as failed with the reason, not resent.
func TestMailIsNeverSentTwiceAcrossSIGKILL(t *testing.T) {
	surveystest.Long(t, "SIGKILL rounds on the real binary")
	sink := surveystest.SMTP(t)
	sink.Hold = func(to string) bool { return to == "held@example.com" }
	db := t.TempDir() + "/odi.db"
	token := demoDB(t, db, 0)
	env := []string{"ODI_SMTP_URL=smtp://" + sink.Addr, "ODI_MAIL_FROM=research@example.com", "ODI_MAIL_RATE=40"}
	p := launch(t, db, env...)
	study := findStudy(t, p.base, token)

	// Round 1: the tenth of 30 messages is held by the server when odi dies.
	first := addresses("a", 29)
	first = append(first[:9], append([]string{"held@example.com"}, first[9:]...)...)
	m1 := mailTo(t, p.base, token, study.ID, first)
	select {
	case <-sink.Held:
	case <-time.After(time.Minute):
		t.Fatalf("the held message never arrived\n%s", p.logs)
	}
	if n := len(sink.Accepted()); n != 9 {
		t.Fatalf("%d messages accepted before the held one, want 9", n)
	}
	p.kill()
	p = launch(t, db, env...)
	mp := drained(t, p, token, study.ID, m1)
	if mp.Sent != 29 || mp.Failed != 1 || len(mp.Failures) != 1 || mp.Failures[0].Email != "held@example.com" || mp.Failures[0].Reason != mailing.Interrupted {
		t.Fatalf("after the restart: %+v, want 29 sent and held@ failed as interrupted", mp)
	}

	// Round 2: kills at random moments of a 60-message mailing.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	second := addresses("b", 60)
	m2 := mailTo(t, p.base, token, study.ID, second)
	var atKills []int // messages of the second mailing accepted at each kill
	for range 4 {
		time.Sleep(time.Duration(100+rng.IntN(400)) * time.Millisecond)
		p.kill()
		atKills = append(atKills, len(sink.Accepted())-29)
		p = launch(t, db, env...)
	}
	if atKills[0] <= 0 || atKills[0] >= 60 {
		t.Fatalf("the first kill came at %d of 60 messages: not in the middle of the mailing", atKills[0])
	}
	mp = drained(t, p, token, study.ID, m2)
	got := map[string]int{}
	for _, m := range sink.Accepted() {
		got[m.To]++
	}
	interrupted := map[string]bool{}
	for _, f := range mp.Failures {
		if f.Reason != mailing.Interrupted {
			t.Errorf("%s failed: %s", f.Email, f.Reason)
		}
		interrupted[f.Email] = true
	}
	for _, e := range append(first, second...) {
		switch {
		case got[e] > 1:
			t.Errorf("%s got %d messages", e, got[e])
		case got[e] == 0 && !interrupted[e] && e != "held@example.com":
			t.Errorf("%s got nothing and no failure is recorded: a message was lost", e)
		}
	}
	if mp.Sent+mp.Failed != 60 {
		t.Errorf("second mailing: %d sent + %d failed, want 60", mp.Sent, mp.Failed)
	}
	t.Logf("kills after %v of 60 messages; in the end %d sent, %d interrupted (delivered or not, never resent)", atKills, mp.Sent, mp.Failed)
}
