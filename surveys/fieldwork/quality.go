package fieldwork

import (
	"context"
	"odi/surveys"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
)

// speedingMinimum is how many completes a study needs before "faster than a
// third of the median" means anything.
const speedingMinimum = 20

// qualityFlags marks straight-lining (the same importance and the same
// satisfaction for every outcome), speeding, and a wrong or missing answer to
// the attention check when the survey asks it.
func (s *Store) qualityFlags(tx *gorm.DB, f *form, r *surveys.Response) ([]string, error) {
	var flags []string
	var imp, sat byte
	rated, same := 0, true
	for _, slot := range f.slotList {
		i, sa := r.Rating(slot)
		if i == 0 || sa == 0 {
			continue
		}
		if rated == 0 {
			imp, sat = i, sa
		} else if i != imp || sa != sat {
			same = false
		}
		rated++
	}
	if same && rated >= 3 {
		flags = append(flags, surveys.FlagStraightLining)
	}
	median, err := s.medians.get(tx, f.studyID)
	if err != nil {
		return nil, err
	}
	if median > 0 && r.FinishedAt != nil && r.FinishedAt.Sub(r.StartedAt) < median/3 {
		flags = append(flags, surveys.FlagSpeeding)
	}
	if f.attention && !passedAttention(r) {
		flags = append(flags, surveys.FlagAttention)
	}
	return flags, nil
}

// medianCache keeps each study's median completion time for a short while:
// recomputing it on every submission would scan all completes each time.
type medianCache struct {
	mu      sync.Mutex
	entries map[int64]medianEntry
}

type medianEntry struct {
	median time.Duration
	at     time.Time
}

func (c *medianCache) get(tx *gorm.DB, studyID int64) (time.Duration, error) {
	c.mu.Lock()
	e, ok := c.entries[studyID]
	c.mu.Unlock()
	if ok && time.Since(e.at) < 30*time.Second {
		return e.median, nil
	}
	var rows []struct {
		StartedAt  time.Time
		FinishedAt time.Time
	}
	// The latest 1,001 completes are plenty for a median and keep this cheap.
	err := tx.Model(&surveys.Response{}).Select("started_at, finished_at").
		Where("study_id = ? AND status = ? AND source <> ?", studyID, surveys.Complete, surveys.SourceImport).
		Order("id DESC").Limit(1001).Find(&rows).Error
	if err != nil {
		return 0, err
	}
	var median time.Duration
	if len(rows) >= speedingMinimum {
		ds := make([]time.Duration, len(rows))
		for i, r := range rows {
			ds[i] = r.FinishedAt.Sub(r.StartedAt)
		}
		slices.Sort(ds)
		median = ds[len(ds)/2]
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[int64]medianEntry{}
	}
	c.entries[studyID] = medianEntry{median, time.Now()}
	c.mu.Unlock()
	return median, nil
}

// quotaFull tells whether r's answer to a segment question with a quota falls
// in a group that already has its target of complete responses: those
// committed, counted from the study's response cache, and those written
// earlier in r's own batch.
func (s *Store) quotaFull(ctx context.Context, b *batch, f *form, r *surveys.Response) (bool, error) {
	for _, q := range f.ordered {
		if len(q.Quotas) == 0 {
			continue
		}
		for _, g := range q.Group(r.Answers[q.Key]) {
			target, ok := q.Quotas[g]
			if !ok || target <= 0 {
				continue
			}
			n, err := s.results.CompletesInGroup(ctx, f.studyID, q, g)
			if err != nil {
				return false, err
			}
			if st := b.studies[f.studyID]; st != nil {
				for _, o := range st.stored {
					if o.RespondentID != r.RespondentID && slices.Contains(q.Group(o.Answers[q.Key]), g) {
						n++
					}
				}
			}
			if n >= target {
				return true, nil
			}
		}
	}
	return false, nil
}
