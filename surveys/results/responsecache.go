package results

import (
	"context"
	"fmt"
	"odi/surveys"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
)

// scored is what analysis needs of one response, kept in memory per study.
// Values are never modified after load: a changed response is a new value.
type scored struct {
	ID           int64
	RespondentID string
	Status       string
	Decision     string
	Source       string
	ExternalID   string
	URLFields    map[string]string `gorm:"serializer:json"`
	InvitationID *int64
	Network      string
	Answers      map[string]string `gorm:"serializer:json"`
	Ratings      []byte
	Forces       []byte
	StartedAt    time.Time
	FinishedAt   *time.Time
	Seq          int64
}

// duration is how long the respondent took, when it is known: a response
// imported without times has none.
func (r *scored) duration() (time.Duration, bool) {
	if r.FinishedAt == nil || !r.FinishedAt.After(r.StartedAt) {
		return 0, false
	}
	return r.FinishedAt.Sub(r.StartedAt), true
}

func (scored) TableName() string { return "responses" }

// studyResponses is one study's cached responses and the fingerprint of the
// rows they were read from.
type studyResponses struct {
	byID   map[int64]*scored
	list   []*scored // by id
	count  int64
	sumSeq int64
	maxSeq int64
	groups map[string]int // quota counts by question key and group, for this list
	review *review        // the cleaning of this list, under the rule it names
	raked  *raked         // the weights of this list, under the review and weighting it names
}

type responseCache struct {
	mu      sync.Mutex
	studies map[int64]*studyResponses
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
	s.responses.mu.Lock()
	defer s.responses.mu.Unlock()
	if s.responses.studies == nil {
		s.responses.studies = map[int64]*studyResponses{}
	}
	c := s.responses.studies[studyID]
	if c != nil && c.count == fp.Count && c.sumSeq == fp.SumSeq {
		return c.list, nil
	}
	if c != nil {
		if err := c.loadSince(db, studyID, c.maxSeq); err != nil {
			return nil, err
		}
		if c.count == fp.Count && c.sumSeq == fp.SumSeq {
			return c.list, nil
		}
	}
	// Deleted rows or writes committed out of order: start again.
	c = &studyResponses{byID: map[int64]*scored{}}
	if err := c.loadSince(db, studyID, -1); err != nil {
		return nil, err
	}
	s.responses.studies[studyID] = c
	return c.list, nil
}

func (c *studyResponses) loadSince(db *gorm.DB, studyID, seq int64) error {
	var batch []*scored
	changed := false
	err := db.Select("id, respondent_id, status, decision, source, external_id, url_fields, invitation_id, network, answers, ratings, forces, started_at, finished_at, seq").
		Where("study_id = ? AND seq > ?", studyID, seq).Order("id").
		FindInBatches(&batch, 5000, func(*gorm.DB, int) error {
			for _, r := range batch {
				if old, ok := c.byID[r.ID]; ok {
					c.sumSeq -= old.Seq
				} else {
					c.count++
				}
				c.byID[r.ID] = r
				c.sumSeq += r.Seq
				c.maxSeq = max(c.maxSeq, r.Seq)
				changed = true
			}
			return nil
		}).Error
	if err != nil {
		return fmt.Errorf("load responses of study %d: %w", studyID, err)
	}
	if changed {
		list := make([]*scored, 0, len(c.byID))
		for _, r := range c.byID {
			list = append(list, r)
		}
		slices.SortFunc(list, func(a, b *scored) int { return int(a.ID - b.ID) })
		c.list = list
		c.groups, c.review, c.raked = nil, nil, nil
	}
	return nil
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
