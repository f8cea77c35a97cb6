package results

import (
	"context"
	"fmt"
	"slices"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/score"
)

// Bounds of the interval half-width a sample size is asked for, in points on
// the 0–10 scale: ±5 needs one respondent, ±0.1 some 96,000 per group.
const (
	MinHalfWidth = 0.1
	MaxHalfWidth = 5.0
)

// SampleSize is how many complete responses each group needs for a given
// precision, and what the responses so far can tell apart
// (docs/scoring.md, "Sample size").
type SampleSize struct {
	HalfWidth            float64  `json:"half_width"`
	PerGroup             int      `json:"per_group"`
	DetectableDifference *float64 `json:"detectable_difference"` // null until two groups have respondents
}

// SampleSize works out the sample size for ±halfWidth and the difference
// detectable now between two groups: the two smallest groups of segmentBy
// that have respondents, or, without segmentBy, the counted respondents
// split in two halves.
func (s *Store) SampleSize(ctx context.Context, d *surveys.Design, halfWidth float64, segmentBy string) (*SampleSize, error) {
	if !(halfWidth >= MinHalfWidth && halfWidth <= MaxHalfWidth) { // also refuses NaN
		return nil, problem.Invalid("half_width", fmt.Sprintf("must be a number of points from %g to %g on the 0–10 scale, e.g. 1 for ±1 point", MinHalfWidth, MaxHalfWidth))
	}
	res, err := s.Opportunities(ctx, d, OpportunityQuery{SegmentBy: segmentBy})
	if err != nil {
		return nil, err
	}
	out := &SampleSize{HalfWidth: halfWidth, PerGroup: score.PerGroup(halfWidth)}
	// With weighting, a group of n respondents tells as much as its
	// effective n (docs/scoring.md, "Weighting"); unweighted the two are
	// the same.
	all := res.Groups[0]
	half := float64(all.N/2) / float64(max(all.N, 1))
	sizes := []float64{all.EffectiveN * half, all.EffectiveN * (1 - half)}
	if segmentBy != "" {
		sizes = sizes[:0]
		for _, g := range res.Groups[1:] {
			// Respondents, and not all of them weighted 0; those who
			// skipped the question are no group a study is sized for.
			if g.Key != NoAnswer && g.EffectiveN > 0 {
				sizes = append(sizes, g.EffectiveN)
			}
		}
		slices.Sort(sizes)
	}
	if len(sizes) >= 2 && sizes[0] > 0 {
		dd := score.DetectableDifference(score.HardestShare(all.Outcomes), sizes[0], sizes[1])
		out.DetectableDifference = &dd
	}
	return out, nil
}

// GroupProgress is how many counted complete responses one group has.
type GroupProgress struct {
	Label string
	N     int
}

// SplitProgress is the groups of one way of splitting the results.
type SplitProgress struct {
	Split
	Progress []GroupProgress
}

// Progress counts the counted complete responses of every group of every
// split of d (segment questions, quota cells among them, and saved
// segmentations), for fieldwork to show against the sample size target.
func (s *Store) Progress(ctx context.Context, d *surveys.Design) ([]SplitProgress, error) {
	splits, err := s.Splits(ctx, d)
	if err != nil {
		return nil, err
	}
	out := make([]SplitProgress, len(splits))
	for i, sp := range splits {
		res, err := s.Opportunities(ctx, d, OpportunityQuery{SegmentBy: sp.Key, Unweighted: true}) // counts only
		if err != nil {
			return nil, err
		}
		out[i].Split = sp
		for _, g := range res.Groups[1:] {
			if g.Key == NoAnswer { // no group fieldwork aims at
				continue
			}
			out[i].Progress = append(out[i].Progress, GroupProgress{Label: g.Label, N: g.N})
		}
	}
	return out, nil
}
