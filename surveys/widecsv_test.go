package surveys_test

import (
	"slices"
	"testing"
	"time"

	"odi/surveys"
)

// The wide row writes what the import (fieldwork/import.go) reads: excluded, the flags in order,
// times in UTC with their fractions, no finish in progress.
func TestWideRowWritesTheCleaningAndTheTimes(t *testing.T) {
	d := &surveys.Design{Outcomes: []surveys.Outcome{{Code: "O1", Slot: 0}}}
	started := time.Date(2026, 1, 5, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	finished := started.Add(4*time.Minute + 250*time.Millisecond)
	for _, tc := range []struct {
		r    surveys.Response
		want []string
	}{
		{surveys.Response{RespondentID: "a", Status: surveys.Complete, Excluded: true, Flags: []string{surveys.FlagStraightLining, surveys.FlagDuplicate},
			StartedAt: started, FinishedAt: &finished},
			[]string{"a", "complete", "1", "straight_lining;duplicate", "2026-01-05T09:00:00Z", "2026-01-05T09:04:00.25Z"}},
		{surveys.Response{RespondentID: "b", Status: surveys.InProgress, StartedAt: started},
			[]string{"b", "in_progress", "0", "", "2026-01-05T09:00:00Z", ""}},
	} {
		row := d.WideRow(&tc.r, surveys.ByCode(d.Outcomes), nil)
		if !slices.Equal(row[:6], tc.want) {
			t.Errorf("row starts %q, want %q", row[:6], tc.want)
		}
	}
}
