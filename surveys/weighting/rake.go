// Package weighting computes survey weights by raking (iterative
// proportional fitting): each respondent gets a weight so that the weighted
// shares of the answers to a few profile questions match the population's
// shares, one question (margin) at a time, round after round, until every
// margin holds at once. docs/scoring.md ("Weighting") sets out the rules.
package weighting

import "math"

// Tolerance is how close every weighted share must come to its target, and
// the total weight to the number of respondents, for raking to have
// converged.
const Tolerance = 1e-6

// MaxRounds bounds the work: a round rakes every margin once. Raking that
// can converge does so in a few dozen rounds; targets no weights can meet
// (a cell whose every respondent another margin weighted to zero) never do.
const MaxRounds = 200

// Margin is one profile question as raking sees it: each respondent's
// category (an index into Targets, or -1 when they did not answer) and the
// population's share of each category.
type Margin struct {
	Of      []int
	Targets []float64 // add up to 1
}

// Result is the weights of the respondents, in the order the margins list
// them, and how raking went.
type Result struct {
	Weights    []float64
	Converged  bool
	Rounds     int
	EffectiveN float64 // Kish: (Σw)² ÷ Σw²
	MaxWeight  float64
	Trimmed    int // respondents whose weight the trim capped in the last round
	// Empty lists, per margin, the categories with a target but nobody in
	// the sample: raking cannot give weight to nobody, so their targets are
	// left out and the margin's other targets scaled up to add up to 1.
	Empty [][]int
}

// Rake weights n respondents to the margins. The weights average 1; trim,
// when above 0, caps them: after each round the weights are scaled to
// average 1 and any above trim set to trim, and the next round makes up the
// margins with the others. A respondent who did not answer a margin's
// question is left out of that margin: its step scales only those who
// answered, so their shares meet the targets and their total weight is kept.
func Rake(n int, margins []Margin, trim float64) Result {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	res := Result{Weights: w, Empty: make([][]int, len(margins))}
	targets := make([][]float64, len(margins))
	for m, mg := range margins {
		targets[m], res.Empty[m] = present(mg)
	}
	if n == 0 {
		res.Converged = true
		return res
	}
	sums := make([][]float64, len(margins))
	for m := range margins {
		sums[m] = make([]float64, len(targets[m]))
	}
	for res.Rounds < MaxRounds && !res.Converged {
		res.Rounds++
		for m, mg := range margins {
			total := tally(w, mg.Of, sums[m])
			factor := sums[m] // reused: the factor of each category
			for c, s := range sums[m] {
				factor[c] = 0
				if s > 0 {
					factor[c] = targets[m][c] * total / s
				}
			}
			for i, c := range mg.Of {
				if c >= 0 {
					w[i] *= factor[c]
				}
			}
		}
		res.Trimmed = normalise(w, trim)
		res.Converged = meets(w, margins, targets, sums)
	}
	var sum, sq float64
	for _, x := range w {
		sum += x
		sq += x * x
		res.MaxWeight = max(res.MaxWeight, x)
	}
	if sq > 0 {
		res.EffectiveN = sum * sum / sq
	}
	return res
}

// present is a margin's targets without its empty categories (a target
// above 0 that nobody answered), scaled to add up to 1, and those
// categories.
func present(mg Margin) ([]float64, []int) {
	seen := make([]bool, len(mg.Targets))
	for _, c := range mg.Of {
		if c >= 0 && c < len(seen) {
			seen[c] = true
		}
	}
	t := make([]float64, len(mg.Targets))
	var kept float64
	var empty []int
	for c, share := range mg.Targets {
		if seen[c] {
			t[c] = share
			kept += share
		} else if share > 0 {
			empty = append(empty, c)
		}
	}
	for c := range t {
		if kept > 0 {
			t[c] /= kept
		}
	}
	return t, empty
}

// tally sums the weights per category into sums and returns their total.
func tally(w []float64, of []int, sums []float64) float64 {
	clear(sums)
	var total float64
	for i, c := range of {
		if c >= 0 {
			sums[c] += w[i]
			total += w[i]
		}
	}
	return total
}

// normalise scales w to average 1 and caps it at trim (when above 0),
// returning how many weights the cap cut.
func normalise(w []float64, trim float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	if sum <= 0 {
		return 0
	}
	scale := float64(len(w)) / sum
	cut := 0
	for i := range w {
		w[i] *= scale
		if trim > 0 && w[i] > trim {
			w[i] = trim
			cut++
		}
	}
	return cut
}

// meets tells whether every margin's weighted shares are within Tolerance
// of its targets and the weights still average 1 within Tolerance (a cap
// that cut weight shows there).
func meets(w []float64, margins []Margin, targets, sums [][]float64) bool {
	var sum float64
	for _, x := range w {
		sum += x
	}
	if math.Abs(sum/float64(len(w))-1) > Tolerance {
		return false
	}
	for m, mg := range margins {
		total := tally(w, mg.Of, sums[m])
		if total <= 0 {
			continue
		}
		for c, s := range sums[m] {
			if math.Abs(s/total-targets[m][c]) > Tolerance {
				return false
			}
		}
	}
	return true
}
