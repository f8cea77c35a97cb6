package fieldwork

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// ResponseQuery picks and orders the responses the Fieldwork tab lists for
// review.
type ResponseQuery struct {
	Flag     string // only responses with this quality flag
	Excluded *bool  // only those out of (true) or in (false) the results
	Status   string // only those with this status
	Sort     string // "newest" (the default), "oldest", "fastest" or "slowest"
	Offset   int
	Limit    int
}

// ResponseSorts are the orders a ResponseQuery may ask for.
var ResponseSorts = []string{"newest", "oldest", "fastest", "slowest"}

func (q ResponseQuery) check() error {
	var bad problem.List
	if q.Flag != "" && !slices.Contains(surveys.QualityFlagNames, q.Flag) {
		bad.Add("flag", "must be one of: "+strings.Join(surveys.QualityFlagNames, ", "))
	}
	if q.Status != "" && !slices.Contains(surveys.Statuses, q.Status) {
		bad.Add("status", "must be one of: "+strings.Join(surveys.Statuses, ", "))
	}
	if q.Sort != "" && !slices.Contains(ResponseSorts, q.Sort) {
		bad.Add("sort", "must be one of: "+strings.Join(ResponseSorts, ", "))
	}
	return bad.Err()
}

func (q ResponseQuery) keeps(r results.Reviewed) bool {
	return (q.Flag == "" || slices.Contains(r.Flags, q.Flag)) &&
		(q.Excluded == nil || *q.Excluded == r.Excluded) &&
		(q.Status == "" || q.Status == r.Status)
}

// took is how long a response took, or -1 when it is not finished (or was
// imported without times): those sort after the timed ones either way.
func took(r results.Reviewed) time.Duration {
	if r.FinishedAt == nil || !r.FinishedAt.After(r.StartedAt) {
		return -1
	}
	return r.FinishedAt.Sub(r.StartedAt)
}

func (q ResponseQuery) compare(a, b results.Reviewed) int {
	switch q.Sort {
	case "oldest":
		return cmp.Compare(a.ID, b.ID)
	case "fastest", "slowest":
		ta, tb := took(a), took(b)
		if (ta < 0) != (tb < 0) {
			return cmp.Compare(tb, ta) // the untimed last
		}
		if q.Sort == "slowest" {
			ta, tb = tb, ta
		}
		return cmp.Or(cmp.Compare(ta, tb), cmp.Compare(a.ID, b.ID))
	}
	return cmp.Compare(b.ID, a.ID)
}

// ResponseList is one page of a study's responses for review.
type ResponseList struct {
	Total     int                `json:"total"` // of the responses the query keeps
	Responses []surveys.Response `json:"responses"`
}

// Responses lists the responses q keeps, in its order, each with its
// quality flags and whether it is out of the results.
func (s *Store) Responses(ctx context.Context, d *surveys.Design, q ResponseQuery) (*ResponseList, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	review, err := s.results.Review(ctx, d)
	if err != nil {
		return nil, err
	}
	kept := slices.DeleteFunc(review, func(r results.Reviewed) bool { return !q.keeps(r) })
	slices.SortFunc(kept, q.compare)
	out := &ResponseList{Total: len(kept), Responses: []surveys.Response{}}
	page := kept[min(max(0, q.Offset), len(kept)):]
	page = page[:min(len(page), max(1, min(q.Limit, 500)))]
	if len(page) == 0 {
		return out, nil
	}
	ids := make([]int64, len(page))
	for i, r := range page {
		ids[i] = r.ID
	}
	var rows []surveys.Response
	if err := s.db.WithContext(ctx).Where("study_id = ? AND id IN ?", d.Study.ID, ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list responses of study %d: %w", d.Study.ID, err)
	}
	byID := make(map[int64]surveys.Response, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	for _, rv := range page {
		r, ok := byID[rv.ID]
		if !ok {
			continue // deleted since the review was read
		}
		r.Flags, r.Excluded = rv.Flags, rv.Excluded
		out.Responses = append(out.Responses, r)
	}
	return out, nil
}

// Decision is a researcher's ruling on some responses: those named, or every
// complete response that now carries Flag.
type Decision struct {
	RespondentIDs []string `json:"respondent_ids" validate:"max=100000"`
	Flag          string   `json:"flag"`
	// Excluded keeps them out of the results (true) or in (false), whatever
	// the study's rule says; FollowRule instead lets the rule decide again.
	Excluded   *bool `json:"excluded"`
	FollowRule bool  `json:"follow_rule"`
}

// Decide records a decision and answers how many responses it changed.
func (s *Store) Decide(ctx context.Context, d *surveys.Design, in Decision) (int, error) {
	var bad problem.List
	if err := bad.Merge(problem.Check(in)); err != nil {
		return 0, err
	}
	if (len(in.RespondentIDs) > 0) == (in.Flag != "") {
		bad.Add("respondent_ids", "give either respondent_ids or flag")
	}
	if in.Flag != "" && !slices.Contains(surveys.QualityFlagNames, in.Flag) {
		bad.Add("flag", "must be one of: "+strings.Join(surveys.QualityFlagNames, ", "))
	}
	if (in.Excluded != nil) == in.FollowRule {
		bad.Add("excluded", "give either excluded (true or false) or follow_rule")
	}
	if err := bad.Err(); err != nil {
		return 0, err
	}
	decision := surveys.DecideByRule
	if in.Excluded != nil {
		decision = map[bool]string{true: surveys.Exclude, false: surveys.Include}[*in.Excluded]
	}
	ids := in.RespondentIDs
	if in.Flag != "" {
		review, err := s.results.Review(ctx, d)
		if err != nil {
			return 0, err
		}
		for _, r := range review {
			if r.Status == surveys.Complete && slices.Contains(r.Flags, in.Flag) {
				ids = append(ids, r.RespondentID)
			}
		}
	}
	var changed int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// One new seq for the lot: the results' cache reloads exactly these rows.
		seq, err := nextSeq(tx, d.Study.ID)
		if err != nil {
			return err
		}
		for chunk := range slices.Chunk(ids, 500) {
			res := tx.Model(&surveys.Response{}).Where("study_id = ? AND respondent_id IN ? AND decision <> ?", d.Study.ID, chunk, decision).
				Updates(map[string]any{"decision": decision, "seq": seq})
			if res.Error != nil {
				return res.Error
			}
			changed += res.RowsAffected
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("decide on responses of study %d: %w", d.Study.ID, err)
	}
	return int(changed), nil
}
