package fieldwork

import (
	"time"

	"odi/surveys"
	"odi/surveys/export"
)

// Export is the summary as the workbook shows it (package export knows
// nothing of this one); nil stays nil, which leaves the fieldwork out.
func (sm *Summary) Export() *export.Fieldwork {
	if sm == nil {
		return nil
	}
	out := &export.Fieldwork{LastResponse: sm.LastResponse, Started: sm.Started,
		Complete: sm.Counts[surveys.Complete], InProgress: sm.Counts[surveys.InProgress], ScreenedOut: sm.Counts[surveys.ScreenedOut],
		QuotaFull:      sm.Counts[surveys.QuotaFull],
		ExcludedByRule: sm.ExcludedByRule, ExcludedByDecision: sm.ExcludedByDecision, Flagged: sm.Flagged,
		CompletionRate: sm.CompletionRate, MedianSeconds: sm.MedianSeconds}
	if len(sm.PerDay) > 0 {
		if t, err := time.Parse("2006-01-02", sm.PerDay[0].Day); err == nil {
			out.FirstDay = &t
		}
	}
	for _, f := range surveys.QualityFlagNames {
		out.Flags = append(out.Flags, export.Flag{Name: f, N: sm.Flags[f], Excluded: sm.ExcludedFlags[f]})
	}
	for _, c := range sm.Changes {
		out.Changes = append(out.Changes, export.Change{At: c.At, By: c.UserEmail, What: c.What, Before: c.OldText, After: c.NewText})
	}
	return out
}
