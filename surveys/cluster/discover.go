// Package cluster discovers needs-based segments from importance and
// satisfaction ratings, exactly as docs/scoring.md ("Needs-based segment
// discovery") sets it out: one opportunity value per respondent and outcome,
// standardised, k-means with k-means++ seeding and restarts, k chosen by mean
// silhouette, segments numbered by size. It also cross-checks a segmentation
// against profile questions (lift, Cramér's V).
//
// Everything is deterministic: the same ratings and seed give the same result,
// byte for byte, however many goroutines do the work.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Input is what Discover clusters.
type Input struct {
	Ratings [][]byte // counted respondents only; r[2*slot] = importance, r[2*slot+1] = satisfaction, 0 = missing
	Slots   int      // outcomes per vector
	K       int      // 0 -> choose 2..6 by mean silhouette
	MinSize int      // with K = 0, prefer a k whose segments all have at least this many rows
	Seed    uint64   // 0 -> a fixed default
	// Components clusters on the principal components of the needs values
	// (components.go) instead of the values themselves.
	Components bool
}

// Result is a segmentation of the input rows.
type Result struct {
	K          int
	Silhouette float64 // mean silhouette of the chosen k on the sample (0 when k = 1)
	Stability  float64 // mean adjusted Rand index of the chosen k over the bootstrap resamples
	Assign     []int   // segment index per input row; segments numbered by size, largest first (0 = largest)
	Sizes      []int
	Candidates []Candidate // every k tried, in increasing order
	// With Input.Components: how many principal components were clustered
	// on, and the share of the needs values' variance they explain.
	Components int
	Variance   float64
}

// Candidate is one k discovery tried: how well separated its segments are
// (silhouette), how reproducible (stability, docs/scoring.md), and its
// smallest segment.
type Candidate struct {
	K          int     `json:"k"`
	Silhouette float64 `json:"silhouette"`
	Stability  float64 `json:"stability"`
	Smallest   int     `json:"smallest"`
}

// Stable says whether the chosen segments reproduce on resampled data.
func (r Result) Stable() bool { return r.Stability >= StableARI }

// Members lists the input rows of each segment, in input order: what a caller
// needs to tally each segment's ratings for its distinctive outcomes.
func (r Result) Members() [][]int {
	out := make([][]int, r.K)
	for s := range out {
		if s < len(r.Sizes) {
			out[s] = make([]int, 0, r.Sizes[s])
		}
	}
	for i, s := range r.Assign {
		if s >= 0 && s < r.K {
			out[s] = append(out[s], i)
		}
	}
	return out
}

// Errors Discover returns, wrapped with the numbers involved.
var (
	ErrNoSlots  = errors.New("no outcomes to cluster on")
	ErrTooFew   = errors.New("too few respondents")
	ErrInvalidK = errors.New("k must be 0 (automatic) or positive")
)

// The method's fixed settings (docs/scoring.md, "Needs-based segment
// discovery", steps 2 and 3).
const (
	defaultSeed   = 0x6f6469 // "odi"
	minAutoK      = 2
	maxAutoK      = 6
	restarts      = 10
	maxIterations = 100
)

// Discover segments the respondents by their needs (docs/scoring.md,
// "Needs-based segment discovery", steps 1-4; the distinctive outcomes of
// step 4 are the caller's, with package score), on the needs values or,
// with Components, on their principal components.
//
// Ratings outside 1..5, and slots past the end of a short vector, count as
// missing. With K = 0 every k of 2..6 that has at least two respondents per
// segment is tried, each tested for stability on bootstrap resamples, and
// the one with the highest mean silhouette wins (the smaller k on a tie)
// among those that are stable and whose every segment has at least MinSize
// rows; failing that, among those big enough; failing that, among all, and
// the caller sees the small segment in Sizes and the low Stability. Silhouettes are computed on a systematic sample of at
// most 2,000 rows (see sampleRows); segment sizes and assignments always
// cover every row. It stops with ctx's error once ctx is done.
func Discover(ctx context.Context, in Input) (Result, error) {
	n, m := len(in.Ratings), in.Slots
	if m <= 0 {
		return Result{}, fmt.Errorf("discover segments: %w (slots = %d)", ErrNoSlots, m)
	}
	if in.K < 0 {
		return Result{}, fmt.Errorf("discover segments: %w (k = %d)", ErrInvalidK, in.K)
	}
	ks := []int{in.K}
	if in.K == 0 {
		ks = ks[:0]
		for k := minAutoK; k <= maxAutoK && 2*k <= n; k++ {
			ks = append(ks, k)
		}
		if len(ks) == 0 {
			return Result{}, fmt.Errorf("discover segments: %w: %d respondents, need at least %d for k = %d", ErrTooFew, n, 2*minAutoK, minAutoK)
		}
	} else if in.K > n/2 {
		return Result{}, fmt.Errorf("discover segments: %w: %d respondents, need at least %d for k = %d", ErrTooFew, n, 2*in.K, in.K)
	}
	seed := in.Seed
	if seed == 0 {
		seed = defaultSeed
	}

	x := needsMatrix(in.Ratings, m)
	var comps int
	var variance float64
	if in.Components {
		x, comps, variance = principalComponents(x, n, m)
		m = comps
	}
	best, err := bestRuns(ctx, x, n, m, ks, seed)
	if err != nil {
		return Result{}, fmt.Errorf("discover segments: %w", err)
	}
	sil := silhouettes(x, n, m, ks, best)
	stab, err := stabilities(ctx, x, n, m, ks, best, seed)
	if err != nil {
		return Result{}, fmt.Errorf("discover segments: %w", err)
	}
	cands := make([]Candidate, len(ks))
	for i, k := range ks {
		cands[i] = Candidate{K: k, Silhouette: sil[i], Stability: stab[i], Smallest: smallest(best[i], k)}
	}
	big := func(i int) bool { return cands[i].Smallest >= in.MinSize }
	pick := -1
	for _, ok := range []func(int) bool{
		func(i int) bool { return big(i) && stab[i] >= StableARI },
		big,
		func(int) bool { return true },
	} {
		if pick = bestOf(sil, ok); pick >= 0 {
			break
		}
	}
	assign, sizes := renumber(best[pick], ks[pick])
	return Result{K: ks[pick], Silhouette: sil[pick], Stability: stab[pick], Assign: assign, Sizes: sizes, Candidates: cands,
		Components: comps, Variance: variance}, nil
}

// bestOf is the candidate with the highest silhouette of those ok accepts,
// the first on a tie; -1 when it accepts none.
func bestOf(sil []float64, ok func(i int) bool) int {
	pick := -1
	for i := range sil {
		if ok(i) && (pick < 0 || sil[i] > sil[pick]) {
			pick = i
		}
	}
	return pick
}

// smallest is the size of the smallest of k segments in assign.
func smallest(assign []int32, k int) int {
	count := make([]int, k)
	for _, c := range assign {
		count[c]++
	}
	return slices.Min(count)
}

// needsMatrix is step 1: a row-major n×m matrix of each respondent's
// importance + max(importance − satisfaction, 0), missing values replaced by
// the outcome's mean over the respondents who have it, then every column
// standardised with its population standard deviation. A constant column, or
// one nobody rated, becomes all zeros.
func needsMatrix(ratings [][]byte, m int) []float64 {
	sc := newScaling(ratings, m)
	x := make([]float64, len(ratings)*m)
	for i, r := range ratings {
		sc.row(r, x[i*m:(i+1)*m])
	}
	return x
}

// scaling is step 1's standardisation, kept so that a respondent who was not
// there when it was worked out can be placed among the segments: per
// outcome, the mean needs value of those who rated it and the population
// standard deviation (missing values counting as the mean).
type scaling struct {
	Means []float64 `json:"means"`
	SDs   []float64 `json:"sds"`
}

// needsValue is a respondent's needs value for outcome j, when both ratings
// are there and within 1..5.
func needsValue(r []byte, j int) (float64, bool) {
	if 2*j+1 >= len(r) {
		return 0, false
	}
	imp, sat := int(r[2*j]), int(r[2*j+1])
	if imp < 1 || imp > 5 || sat < 1 || sat > 5 {
		return 0, false
	}
	return float64(imp + max(imp-sat, 0)), true
}

func newScaling(ratings [][]byte, m int) scaling {
	sum := make([]float64, m)
	have := make([]int, m)
	for _, r := range ratings {
		for j := range m {
			if v, ok := needsValue(r, j); ok {
				sum[j] += v
				have[j]++
			}
		}
	}
	mean := sum // reused: sum becomes the mean
	for j := range mean {
		if have[j] > 0 {
			mean[j] /= float64(have[j])
		}
	}
	sd := make([]float64, m)
	for _, r := range ratings {
		for j := range m {
			if v, ok := needsValue(r, j); ok {
				d := v - mean[j]
				sd[j] += d * d
			}
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(max(1, len(ratings))))
	}
	return scaling{Means: mean, SDs: sd}
}

// row writes r's standardised needs values into out.
func (sc scaling) row(r []byte, out []float64) {
	for j := range out {
		v, ok := needsValue(r, j)
		if !ok {
			v = sc.Means[j]
		}
		if sc.SDs[j] < 1e-12 {
			out[j] = 0
		} else {
			out[j] = (v - sc.Means[j]) / sc.SDs[j]
		}
	}
}

// renumber maps k-means cluster indices to segments numbered by size,
// largest first; equal sizes keep their k-means order.
func renumber(assign []int32, k int) ([]int, []int) {
	count := make([]int, k)
	for _, c := range assign {
		count[c]++
	}
	order := make([]int, k)
	for c := range order {
		order[c] = c
	}
	slices.SortStableFunc(order, func(a, b int) int { return count[b] - count[a] })
	to := make([]int, k)
	sizes := make([]int, k)
	for s, c := range order {
		to[c] = s
		sizes[s] = count[c]
	}
	out := make([]int, len(assign))
	for i, c := range assign {
		out[i] = to[c]
	}
	return out, sizes
}
