package fieldwork

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/problem"
)

// Summary is how data collection is going.
type Summary struct {
	Counts         map[string]int `json:"counts"` // by status, plus "excluded"
	Started        int            `json:"started"`
	CompletionRate float64        `json:"completion_rate"` // complete / (complete + in_progress)
	MedianSeconds  float64        `json:"median_seconds"`
	PerDay         []DayCount     `json:"per_day"` // every day from the first response to the last, none left out
	Quotas         []QuotaStatus  `json:"quotas"`
	Flagged        int            `json:"flagged"` // responses with any quality flag
	Flags          map[string]int `json:"flags"`   // responses with each quality flag`
	LastResponse   *time.Time     `json:"last_response_at"`
}

// DayCount is the number of responses started on one day (UTC).
type DayCount struct {
	Day   string `json:"day"`
	Count int    `json:"count"`
}

// QuotaStatus is the progress of one quota of a segment question.
type QuotaStatus struct {
	Key    string `json:"key"`
	Text   string `json:"text"` // the question, as respondents read it
	Option string `json:"option"`
	Target int    `json:"target"`
	Count  int    `json:"count"`
}

type fieldRow struct {
	Status     string
	Excluded   bool
	Answers    map[string]string `gorm:"serializer:json"`
	Flags      []string          `gorm:"serializer:json"`
	Source     string
	StartedAt  time.Time
	FinishedAt *time.Time
}

// Summary summarises a study's responses for the researcher.
func (s *Store) Summary(ctx context.Context, d *surveys.Design) (*Summary, error) {
	studyID := d.Study.ID
	var rows []fieldRow
	if err := s.db.WithContext(ctx).Model(&surveys.Response{}).Select("status, excluded, answers, flags, source, started_at, finished_at").
		Where("study_id = ?", studyID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("fieldwork of study %d: %w", studyID, err)
	}
	fw := &Summary{Counts: map[string]int{surveys.Complete: 0, surveys.InProgress: 0, surveys.ScreenedOut: 0, "excluded": 0},
		Flags: map[string]int{surveys.FlagStraightLining: 0, surveys.FlagSpeeding: 0, surveys.FlagAttention: 0}}
	perDay := map[string]int{}
	var durations []float64
	for _, r := range rows {
		fw.Counts[r.Status]++
		if r.Excluded {
			fw.Counts["excluded"]++
		}
		flagged := false
		for _, f := range r.Flags {
			if surveys.IsQualityFlag(f) {
				fw.Flags[f]++
				flagged = true
			}
		}
		if flagged {
			fw.Flagged++
		}
		perDay[r.StartedAt.UTC().Format(dayLayout)]++
		last := r.StartedAt
		if r.FinishedAt != nil {
			last = *r.FinishedAt
		}
		if fw.LastResponse == nil || last.After(*fw.LastResponse) {
			l := last
			fw.LastResponse = &l
		}
		if r.Status == surveys.Complete && r.FinishedAt != nil && r.Source != surveys.SourceImport {
			durations = append(durations, r.FinishedAt.Sub(r.StartedAt).Seconds())
		}
	}
	fw.Started = len(rows)
	if n := fw.Counts[surveys.Complete] + fw.Counts[surveys.InProgress]; n > 0 {
		fw.CompletionRate = float64(fw.Counts[surveys.Complete]) / float64(n)
	}
	if len(durations) > 0 {
		slices.Sort(durations)
		fw.MedianSeconds = durations[len(durations)/2]
		if len(durations)%2 == 0 {
			fw.MedianSeconds = (durations[len(durations)/2-1] + durations[len(durations)/2]) / 2
		}
	}
	fw.PerDay = everyDay(perDay)
	for _, q := range d.Questions {
		for _, opt := range q.Groups() {
			target, ok := q.Quotas[opt]
			if !ok {
				continue
			}
			qs := QuotaStatus{Key: q.Key, Text: q.Text, Option: opt, Target: target}
			for _, r := range rows {
				if r.Status == surveys.Complete && !r.Excluded && slices.Contains(q.Group(r.Answers[q.Key]), opt) {
					qs.Count++
				}
			}
			fw.Quotas = append(fw.Quotas, qs)
		}
	}
	return fw, nil
}

// dayLayout is how a DayCount names its day.
const dayLayout = "2006-01-02"

// everyDay lists the days from the first to the last of counts, those without
// a response as 0, so that a chart of them shows the quiet days too.
func everyDay(counts map[string]int) []DayCount {
	if len(counts) == 0 {
		return nil
	}
	var first, last time.Time
	for day := range counts {
		t, _ := time.Parse(dayLayout, day) // made with dayLayout above
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	var out []DayCount
	for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
		day := t.Format(dayLayout)
		out = append(out, DayCount{day, counts[day]})
	}
	return out
}

// ResponseList is one page of a study's responses for the fieldwork table.
type ResponseList struct {
	Total     int                `json:"total"`
	Responses []surveys.Response `json:"responses"`
}

// Responses lists a study's responses, newest first.
func (s *Store) Responses(ctx context.Context, d *surveys.Design, offset, limit int) (*ResponseList, error) {
	studyID := d.Study.ID
	limit = max(1, min(limit, 500))
	var total int64
	db := s.db.WithContext(ctx).Model(&surveys.Response{}).Where("study_id = ?", studyID)
	if err := db.Count(&total).Error; err != nil {
		return nil, err
	}
	out := &ResponseList{Total: int(total)}
	if err := db.Order("id DESC").Offset(max(0, offset)).Limit(limit).Find(&out.Responses).Error; err != nil {
		return nil, fmt.Errorf("list responses of study %d: %w", studyID, err)
	}
	return out, nil
}

// SetExcluded excludes a response from the results or restores it.
func (s *Store) SetExcluded(ctx context.Context, d *surveys.Design, respondentID string, excluded bool) error {
	studyID := d.Study.ID
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		seq, err := nextSeq(tx, studyID)
		if err != nil {
			return err
		}
		res := tx.Model(&surveys.Response{}).Where("study_id = ? AND respondent_id = ?", studyID, respondentID).
			Updates(map[string]any{"excluded": excluded, "seq": seq})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return problem.ErrNotFound
		}
		return nil
	})
}

// DeleteResponse forgets one respondent entirely (a request to be forgotten).
func (s *Store) DeleteResponse(ctx context.Context, d *surveys.Design, respondentID string) error {
	studyID := d.Study.ID
	res := s.db.WithContext(ctx).Where("study_id = ? AND respondent_id = ?", studyID, respondentID).Delete(&surveys.Response{})
	if res.Error != nil {
		return fmt.Errorf("delete response %s: %w", respondentID, res.Error)
	}
	if res.RowsAffected == 0 {
		return problem.ErrNotFound
	}
	return nil
}
