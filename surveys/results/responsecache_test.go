package results

import (
	"bytes"
	"context"
	"maps"
	"testing"
	"time"

	"odi/surveys"
	"odi/surveys/surveystest"
)

// TestCacheHoldsWhatIsStored checks the cached responses field by field
// against GORM's reading of the same rows, as they are written, rewritten
// out of seq order and deleted, on both databases: the cache's own scan must
// read what the rest of odi reads.
func TestCacheHoldsWhatIsStored(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		ctx, db := context.Background(), s.DB()
		u := surveystest.User(t, s, "cache@example.com", "admin")
		st := surveystest.Study(t, s, u, "Cache")
		started := time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC)
		finished := started.Add(7 * time.Minute)
		profile := map[string]string{"role": "Job executor", "note": "ünïcode; \"quoted\""}
		row := func(id string, seq int64) surveys.Response {
			return surveys.Response{StudyID: st.ID, RespondentID: id, Status: surveys.Complete, Source: surveys.SourceLink,
				Answers: profile, Ratings: []byte{1, 5, 0, 3}, ItemOrder: []string{}, URLFields: map[string]string{},
				StartedAt: started, FinishedAt: &finished, Seq: seq}
		}
		a, b, c, e := row("a", 1), row("b", 2), row("c", 3), row("e", 3)
		a.ExternalID, a.Network, a.Forces, a.URLFields = "panel-1", "net-1", []byte{8, 7, 3, 2}, map[string]string{"src": "ad"}
		b.Status, b.FinishedAt, b.Ratings = surveys.InProgress, nil, []byte{}
		c.Source, c.Decision, c.Answers = surveys.SourceImport, surveys.Exclude, map[string]string{}
		e.Status, e.FinishedAt = b.Status, nil
		if err := db.Create(&[]surveys.Response{a, b, c, e}).Error; err != nil {
			t.Fatal(err)
		}
		rs := New(s)
		same := func(step string, rs *Store) []*scored {
			t.Helper()
			list, err := rs.scoredResponses(ctx, st.ID)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			var stored []surveys.Response
			if err := db.Where("study_id = ?", st.ID).Order("id").Find(&stored).Error; err != nil {
				t.Fatal(err)
			}
			if len(list) != len(stored) {
				t.Fatalf("%s: %d cached, %d stored", step, len(list), len(stored))
			}
			for i, w := range stored {
				g := list[i]
				gf, wf := g.finishedAt(), w.FinishedAt
				if g.ID != w.ID || g.Seq != w.Seq || g.RespondentID != w.RespondentID || g.ExternalID != w.ExternalID || g.Network != w.Network ||
					g.Status != w.Status || g.Decision != w.Decision || g.Source != w.Source || (g.InvitationID == nil) != (w.InvitationID == nil) ||
					!maps.Equal(g.Answers, w.Answers) || !maps.Equal(g.URLFields, w.URLFields) ||
					!bytes.Equal(g.Ratings, w.Ratings) || !bytes.Equal(g.Forces(), w.Forces) ||
					!g.startedAt().Equal(w.StartedAt) || (gf == nil) != (wf == nil) || (gf != nil && !gf.Equal(*wf)) {
					t.Errorf("%s: cached %+v %+v (%v, %v), stored %+v", step, *g, *g.profile, g.startedAt(), gf, w)
				}
			}
			return list
		}
		first := same("first load", rs)
		if first[0].profile == first[1].profile || first[1].profile != first[3].profile {
			t.Error("profiles: want b's and e's shared, a's apart")
		}

		// b is answered again: only it is read, into a new list.
		if err := db.Model(&surveys.Response{}).Where("id = ?", first[1].ID).
			Updates(map[string]any{"ratings": []byte{2, 2, 4, 4}, "seq": 5}).Error; err != nil {
			t.Fatal(err)
		}
		second := same("after an update", rs)
		if !bytes.Equal(first[1].Ratings, []byte{}) || &second[0] == &first[0] {
			t.Errorf("a list handed out changed: b's ratings %v", first[1].Ratings)
		}
		// Another instance commits d with a seq below the highest seen.
		d := row("d", 4)
		if err := db.Create(&d).Error; err != nil {
			t.Fatal(err)
		}
		same("after a write out of seq order", rs)
		if err := db.Where("id = ?", first[0].ID).Delete(&surveys.Response{}).Error; err != nil {
			t.Fatal(err)
		}
		same("after a delete", rs)
		same("in another instance", New(s))
	})
}

// TestALoadHoldsBackOnlyItsStudy: while one study's rows load (its load
// lock held, as a million-row first load holds it for seconds), another
// study's responses load and its quota counts read; the first study's
// callers wait for its load.
func TestALoadHoldsBackOnlyItsStudy(t *testing.T) {
	s := surveystest.SQLite(t)
	ctx := context.Background()
	u := surveystest.User(t, s, "cache@example.com", "admin")
	var ids []int64
	for _, name := range []string{"Big", "Small"} {
		st := surveystest.Study(t, s, u, name)
		r := surveys.Response{StudyID: st.ID, RespondentID: "r1", Status: surveys.Complete, Source: surveys.SourceLink,
			Answers: map[string]string{"size": "small"}, Ratings: []byte{}, ItemOrder: []string{}, URLFields: map[string]string{}, StartedAt: time.Now(), Seq: 1}
		if err := s.DB().Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		ids = append(ids, st.ID)
	}
	rs := New(s)
	big := rs.responses.loadLock(ids[0])
	big.Lock()
	waiting := make(chan error, 1)
	go func() { _, err := rs.scoredResponses(ctx, ids[0]); waiting <- err }()

	q := surveys.Question{Key: "size", Kind: surveys.KindSingle, Options: []string{"small", "large"}}
	if n, err := rs.CompletesInGroup(ctx, ids[1], q, "small"); err != nil || n != 1 {
		t.Fatalf("the other study's quota count: %d, %v", n, err)
	}
	select {
	case err := <-waiting:
		t.Fatalf("the big study's load did not wait for its lock (%v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	big.Unlock()
	if err := <-waiting; err != nil {
		t.Fatal(err)
	}
}
