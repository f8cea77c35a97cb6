package fieldwork

import (
	"context"
	"slices"

	"odi/surveys"
)

// quotaFull tells whether r's answer to a segment question with a quota falls
// in a group that already has its target of complete responses: those
// committed, counted from the study's response cache, and those written
// earlier in r's own batch. The batch holds the study's lock from its
// first count (lockForQuota), so no other instance's batch counts meanwhile.
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
			if err := b.lockForQuota(f.studyID); err != nil {
				return false, err
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
