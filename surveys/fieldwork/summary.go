package fieldwork

import (
	"context"
	"fmt"
	"slices"
	"time"

	"odi/surveys"
	"odi/surveys/changelog"
	"odi/surveys/problem"
)

// Summary is how data collection is going.
type Summary struct {
	Counts         map[string]int `json:"counts"` // by status, plus "excluded" (out of the results, by the rule or a decision)
	Started        int            `json:"started"`
	CompletionRate float64        `json:"completion_rate"` // complete / (complete + in_progress)
	MedianSeconds  float64        `json:"median_seconds"`
	PerDay         []DayCount     `json:"per_day"` // every day from the first response to the last, none left out
	Quotas         []QuotaStatus  `json:"quotas"`
	Flagged        int            `json:"flagged"` // complete responses with any quality flag
	Flags          map[string]int `json:"flags"`   // complete responses with each quality flag
	// What the cleaning kept out of the results: by the study's rule, with
	// how many for each flag (a response may have several), and by the
	// researcher's own decisions.
	ExcludedByRule     int            `json:"excluded_by_rule"`
	ExcludedFlags      map[string]int `json:"excluded_flags"`
	ExcludedByDecision int            `json:"excluded_by_decision"`
	LastResponse       *time.Time     `json:"last_response_at"`
	Channels           []Channel      `json:"channels"` // how each way of reaching respondents is going
	// What was reworded after publishing, oldest first: respondents before
	// a change read the old wording.
	Changes []changelog.Change `json:"changes"`
}

// Channel is how the responses that came one way are going: the open link,
// invitations, an import.
type Channel struct {
	Key     string         `json:"key"` // the responses' source: link, invite, import
	Label   string         `json:"label"`
	Links   *int           `json:"links,omitempty"` // single-use links made, for a channel that makes them
	Started int            `json:"started"`
	Counts  map[string]int `json:"counts"` // by status
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
	Source     string
	Status     string
	Decision   string
	Answers    map[string]string `gorm:"serializer:json"`
	StartedAt  time.Time
	FinishedAt *time.Time
}

// Summary summarises a study's responses for the researcher.
func (s *Store) Summary(ctx context.Context, d *surveys.Design) (*Summary, error) {
	studyID := d.Study.ID
	var rows []fieldRow
	if err := s.db.WithContext(ctx).Model(&surveys.Response{}).Select("source, status, decision, answers, started_at, finished_at").
		Where("study_id = ?", studyID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("fieldwork of study %d: %w", studyID, err)
	}
	fw := &Summary{Counts: statusCounts(), Flags: map[string]int{}, ExcludedFlags: map[string]int{}}
	fw.Counts["excluded"] = 0
	for _, f := range surveys.QualityFlagNames {
		fw.Flags[f], fw.ExcludedFlags[f] = 0, 0
	}
	review, err := s.results.Review(ctx, d)
	if err != nil {
		return nil, err
	}
	if fw.Changes, err = changelog.List(ctx, s.db, studyID); err != nil {
		return nil, err
	}
	for _, r := range review {
		if r.Status != surveys.Complete {
			continue
		}
		for _, f := range r.Flags {
			fw.Flags[f]++
			if r.ByRule {
				fw.ExcludedFlags[f]++
			}
		}
		if len(r.Flags) > 0 {
			fw.Flagged++
		}
		switch {
		case r.ByRule:
			fw.ExcludedByRule++
			fw.Counts["excluded"]++
		case r.Excluded:
			fw.ExcludedByDecision++
			fw.Counts["excluded"]++
		}
	}
	if fw.Channels, err = s.channels(ctx, studyID, rows); err != nil {
		return nil, err
	}
	perDay := map[string]int{}
	var durations []float64
	for _, r := range rows {
		fw.Counts[r.Status]++
		perDay[r.StartedAt.UTC().Format(dayLayout)]++
		last := r.StartedAt
		if r.FinishedAt != nil {
			last = *r.FinishedAt
		}
		if fw.LastResponse == nil || last.After(*fw.LastResponse) {
			l := last
			fw.LastResponse = &l
		}
		// Timed completes, as speeding counts them (results/review.go): an
		// import with started_at and finished_at is timed, one without them
		// starts and finishes at the moment of the import, which is no time.
		if r.Status == surveys.Complete && r.FinishedAt != nil && r.FinishedAt.After(r.StartedAt) {
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
				if r.Status == surveys.Complete && r.Decision != surveys.Exclude && slices.Contains(q.Group(r.Answers[q.Key]), opt) {
					qs.Count++
				}
			}
			fw.Quotas = append(fw.Quotas, qs)
		}
	}
	return fw, nil
}

func statusCounts() map[string]int {
	counts := make(map[string]int, len(surveys.Statuses)+1)
	for _, st := range surveys.Statuses {
		counts[st] = 0
	}
	return counts
}

// channels counts rows by the way they came: the open link always, the
// invitations once any are made, imports once there are some.
func (s *Store) channels(ctx context.Context, studyID int64, rows []fieldRow) ([]Channel, error) {
	var links int64
	if err := s.db.WithContext(ctx).Model(&Invitation{}).Where("study_id = ?", studyID).Count(&links).Error; err != nil {
		return nil, fmt.Errorf("count invitations of study %d: %w", studyID, err)
	}
	invites := int(links)
	out := []Channel{
		{Key: surveys.SourceLink, Label: "Open link"},
		{Key: surveys.SourceInvite, Label: "Invitations", Links: &invites},
		{Key: surveys.SourceImport, Label: "Imported"},
	}
	for i := range out {
		out[i].Counts = statusCounts()
	}
	for _, r := range rows {
		if i := slices.IndexFunc(out, func(c Channel) bool { return c.Key == r.Source }); i >= 0 {
			out[i].Started++
			out[i].Counts[r.Status]++
		}
	}
	return slices.DeleteFunc(out, func(c Channel) bool {
		return c.Key != surveys.SourceLink && c.Started == 0 && (c.Links == nil || *c.Links == 0)
	}), nil
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

// SetExcluded records the researcher's decision on one response: out of the
// results or in, whatever the study's rule says.
func (s *Store) SetExcluded(ctx context.Context, d *surveys.Design, respondentID string, excluded bool) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&surveys.Response{}).Where("study_id = ? AND respondent_id = ?", d.Study.ID, respondentID).
		Count(&n).Error; err != nil {
		return fmt.Errorf("find response %s: %w", respondentID, err)
	}
	if n == 0 {
		return problem.ErrNotFound
	}
	_, err := s.Decide(ctx, d, Decision{RespondentIDs: []string{respondentID}, Excluded: &excluded})
	return err
}

// DeleteResponse forgets one respondent entirely (a request to be forgotten).
func (s *Store) DeleteResponse(ctx context.Context, d *surveys.Design, respondentID string) error {
	studyID := d.Study.ID
	res := s.db.WithContext(ctx).Where("study_id = ? AND respondent_id = ?", studyID, respondentID).Delete(&surveys.Response{})
	return problem.OneRow(res, "delete response %s", respondentID)
}
