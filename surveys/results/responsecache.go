package results

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"gorm.io/gorm"

	"odi/surveys"
)

// studyResponses is one study's cached responses and the fingerprint of the
// rows they were read from.
type studyResponses struct {
	list   []*scored // by id
	count  int64
	sumSeq int64
	maxSeq int64
	stale  int64          // rows replaced since the full load, whose old values may still hold memory
	groups map[string]int // quota counts by question key and group, for this list
	review *review        // the cleaning of this list, under the rule it names
	raked  *raked         // the weights of this list, under the review and weighting it names
}

// responseCache holds each study's responses. mu guards the map and the
// entries' fields, and is never held while rows load: a load holds its
// study's own lock, so a million-row first load keeps only that study's
// callers waiting, and fills a copy of the entry that replaces it when done.
type responseCache struct {
	mu      sync.Mutex
	studies map[int64]*studyResponses
	loading map[int64]*sync.Mutex
}

// loadLock is the lock a load of the study's rows holds.
func (rc *responseCache) loadLock(studyID int64) *sync.Mutex {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.loading == nil {
		rc.studies, rc.loading = map[int64]*studyResponses{}, map[int64]*sync.Mutex{}
	}
	l := rc.loading[studyID]
	if l == nil {
		l = &sync.Mutex{}
		rc.loading[studyID] = l
	}
	return l
}

// fingerprint identifies the set of a study's response rows and their
// versions. It catches rows that a cache has not seen even when another
// instance committed them out of seq order.
type fingerprint struct {
	Count  int64
	SumSeq int64
	MaxSeq int64
}

// scoredResponses returns a study's responses for analysis. The cache is
// checked against the database on every call and only rows written since are
// loaded, so several instances behind one database always agree.
func (s *Store) scoredResponses(ctx context.Context, studyID int64) ([]*scored, error) {
	db := s.db.WithContext(ctx)
	var fp fingerprint
	if err := db.Model(&surveys.Response{}).Select("COUNT(*) AS count, COALESCE(SUM(seq), 0) AS sum_seq, COALESCE(MAX(seq), 0) AS max_seq").
		Where("study_id = ?", studyID).Scan(&fp).Error; err != nil {
		return nil, fmt.Errorf("fingerprint responses of study %d: %w", studyID, err)
	}
	load := s.responses.loadLock(studyID)
	load.Lock()
	defer load.Unlock()
	s.responses.mu.Lock()
	c, had := s.responses.studies[studyID]
	var next studyResponses
	if had {
		next = *c
	}
	s.responses.mu.Unlock()
	if had && c.count == fp.Count && c.sumSeq == fp.SumSeq {
		return c.list, nil
	}
	// A replaced row's old value stays in memory while its block holds
	// others in use; past half the list, loading afresh frees them.
	loaded := false
	if had && c.stale <= c.count/2 {
		if err := next.loadSince(db, studyID, c.maxSeq, fp.Count-c.count); err != nil {
			return nil, err
		}
		loaded = next.count == fp.Count && next.sumSeq == fp.SumSeq
	}
	// Deleted rows or writes committed out of order: start again.
	if !loaded {
		next = studyResponses{}
		if err := next.loadSince(db, studyID, -1, fp.Count); err != nil {
			return nil, err
		}
	}
	s.responses.mu.Lock()
	s.responses.studies[studyID] = &next
	s.responses.mu.Unlock()
	return next.list, nil
}

// loadSince adds the study's rows with a seq above seq to c, replacing the
// values of rows it already holds, in one pass over them; about expected
// rows are new.
func (c *studyResponses) loadSince(db *gorm.DB, studyID, seq, expected int64) error {
	rows, err := db.Raw("SELECT "+scoredColumns+" FROM responses WHERE study_id = ? AND seq > ?", studyID, seq).Rows()
	if err != nil {
		return fmt.Errorf("load responses of study %d: %w", studyID, err)
	}
	defer rows.Close()
	var fresh []*scored
	if seq < 0 {
		fresh = make([]*scored, 0, expected)
	}
	l := newLoader(int(expected))
	for rows.Next() {
		r, err := l.scan(rows)
		if err != nil {
			return fmt.Errorf("load responses of study %d: %w", studyID, err)
		}
		fresh = append(fresh, r)
		// The driver copies every value it reads, so a large load makes
		// garbage as fast as it keeps rows, and the collector, which waits
		// for the heap to double, would let it pile up to the size of the
		// cache. Collecting every so often keeps the peak near what is kept.
		if len(fresh)%gcRows == 0 {
			runtime.GC()
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load responses of study %d: %w", studyID, err)
	}
	if len(fresh) > 0 {
		c.merge(fresh)
	}
	return nil
}

// merge puts rows loaded since the last load into c's list, as a new slice:
// a list already handed out is shared and never changes.
func (c *studyResponses) merge(fresh []*scored) {
	sortByID(fresh)
	if len(c.list) == 0 {
		for _, r := range fresh {
			c.count++
			c.sumSeq += r.Seq
			c.maxSeq = max(c.maxSeq, r.Seq)
		}
		c.list = fresh
	} else {
		list := make([]*scored, len(c.list), len(c.list)+len(fresh))
		copy(list, c.list)
		for _, r := range fresh {
			if i, ok := slices.BinarySearchFunc(c.list, r, byID); ok {
				c.sumSeq -= list[i].Seq
				list[i] = r
				c.stale++
			} else {
				list = append(list, r)
				c.count++
			}
			c.sumSeq += r.Seq
			c.maxSeq = max(c.maxSeq, r.Seq)
		}
		sortByID(list)
		c.list = list
	}
	c.groups, c.review, c.raked = nil, nil, nil
}

// reviewed returns a study's responses with their cleaning under d's rule.
// The review is kept with the cached list and made again only when the
// responses, the rule or the outcomes change.
func (s *Store) reviewed(ctx context.Context, d *surveys.Design) ([]*scored, *review, error) {
	list, err := s.scoredResponses(ctx, d.Study.ID)
	if err != nil {
		return nil, nil, err
	}
	key := reviewKey(d)
	s.responses.mu.Lock()
	c := s.responses.studies[d.Study.ID]
	if c != nil && sameList(c.list, list) && c.review != nil && c.review.key == key {
		rv := c.review
		s.responses.mu.Unlock()
		return list, rv, nil
	}
	s.responses.mu.Unlock()
	rv := newReview(list, d)
	s.responses.mu.Lock()
	if c := s.responses.studies[d.Study.ID]; c != nil && sameList(c.list, list) {
		c.review = rv
	}
	s.responses.mu.Unlock()
	return list, rv, nil
}

// sameList tells whether two cached lists are the same load: a reload
// always makes a new slice.
func sameList(a, b []*scored) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// CompletesInGroup counts a study's committed complete, counted responses
// whose answer to q puts them in group g, for quotas. It reads the cached
// responses, so a submission costs the rows written since the last one rather
// than a scan of the study; the count itself is kept until the rows change.
func (s *Store) CompletesInGroup(ctx context.Context, studyID int64, q surveys.Question, g string) (int, error) {
	if _, err := s.scoredResponses(ctx, studyID); err != nil {
		return 0, err
	}
	s.responses.mu.Lock()
	defer s.responses.mu.Unlock()
	c := s.responses.studies[studyID]
	if c == nil {
		return 0, nil
	}
	key := q.Key + "\x00" + g
	if n, ok := c.groups[key]; ok {
		return n, nil
	}
	n := 0
	for _, r := range c.list {
		// Quotas count what the researcher has not excluded; the cleaning
		// rule, which can change later, does not reopen a quota
		// (docs/scoring.md, "Cleaning", "What counts where").
		if r.Status == surveys.Complete && r.Decision != surveys.Exclude && slices.Contains(q.Group(r.Answers[q.Key]), g) {
			n++
		}
	}
	if c.groups == nil {
		c.groups = map[string]int{}
	}
	c.groups[key] = n
	return n, nil
}
