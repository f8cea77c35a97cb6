package weighting

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// sample2x2 is 100 respondents in the cells a1b1 = 40, a1b2 = 20, a2b1 = 10,
// a2b2 = 30, plus extra respondents answering A only (b = -1).
func sample2x2(extraA1 int) (a, b []int) {
	add := func(ca, cb, k int) {
		for range k {
			a, b = append(a, ca), append(b, cb)
		}
	}
	add(0, 0, 40)
	add(0, 1, 20)
	add(1, 0, 10)
	add(1, 1, 30)
	add(0, -1, extraA1)
	return a, b
}

// TestRakeByHand checks the 2×2 example of docs/scoring.md ("Weighting"):
// targets A 50/50 and B 60/40. Raking keeps the sample's odds ratio
// (40·30)/(20·10) = 6, so the fitted cells are x, 50 − x, 60 − x, x − 10
// with x(x − 10) = 6(50 − x)(60 − x), that is x² − 130x + 3600 = 0, x = 40:
// cells 40, 10, 20, 30 and weights 1, 0.5, 2, 1. Σw² = 40 + 5 + 40 + 30 =
// 115, so the effective n is 100² ÷ 115 = 86.96.
func TestRakeByHand(t *testing.T) {
	a, b := sample2x2(0)
	res := Rake(100, []Margin{{Of: a, Targets: []float64{.5, .5}}, {Of: b, Targets: []float64{.6, .4}}}, 0)
	if !res.Converged || res.Rounds < 2 || res.Rounds > MaxRounds {
		t.Fatalf("converged %v in %d rounds", res.Converged, res.Rounds)
	}
	want := map[[2]int]float64{{0, 0}: 1, {0, 1}: 0.5, {1, 0}: 2, {1, 1}: 1}
	for i, w := range res.Weights {
		if !near(w, want[[2]int{a[i], b[i]}], 1e-5) {
			t.Fatalf("respondent %d in cell %d%d: weight %.7f, want %g", i, a[i], b[i], w, want[[2]int{a[i], b[i]}])
		}
	}
	if !near(res.EffectiveN, 10000.0/115, 1e-3) || !near(res.MaxWeight, 2, 1e-5) || res.Trimmed != 0 {
		t.Fatalf("effective n %.4f (want 86.9565), max weight %.5f (want 2), trimmed %d", res.EffectiveN, res.MaxWeight, res.Trimmed)
	}
}

// TestRakeTrim: the example's weights run from 0.5 to 2. With the fitted
// cells x, 50 − x, 60 − x, x − 10 over cells of 40, 20, 10, 30 respondents,
// every weight is at most 1.5 for x from 45 to 50, so a trim of 1.5 still
// meets both margins; at most 1.2 needs x ≥ 48 (cell a2b1) and x ≤ 46 (cell
// a2b2), so a trim of 1.2 cannot.
func TestRakeTrim(t *testing.T) {
	a, b := sample2x2(0)
	margins := []Margin{{Of: a, Targets: []float64{.5, .5}}, {Of: b, Targets: []float64{.6, .4}}}
	res := Rake(100, margins, 1.5)
	if !res.Converged || res.MaxWeight > 1.5+1e-12 {
		t.Fatalf("trim 1.5: converged %v, max weight %v", res.Converged, res.MaxWeight)
	}
	checkMargins(t, res.Weights, margins, 1e-5)
	res = Rake(100, margins, 1.2)
	if res.Converged || res.Rounds != MaxRounds || res.Trimmed == 0 || res.MaxWeight > 1.2+1e-12 {
		t.Fatalf("trim 1.2: converged %v after %d rounds, %d trimmed, max weight %v", res.Converged, res.Rounds, res.Trimmed, res.MaxWeight)
	}
}

// TestRakeMissingAnswer: ten more a1 respondents did not answer B. They are
// in A's margin but not in B's, so A's shares hold over all 110, B's over
// the 100 who answered it.
func TestRakeMissingAnswer(t *testing.T) {
	a, b := sample2x2(10)
	margins := []Margin{{Of: a, Targets: []float64{.5, .5}}, {Of: b, Targets: []float64{.6, .4}}}
	res := Rake(110, margins, 0)
	if !res.Converged {
		t.Fatal("did not converge")
	}
	checkMargins(t, res.Weights, margins, 1e-5)
	var sum float64
	for _, w := range res.Weights {
		sum += w
	}
	if !near(sum, 110, 1e-4) {
		t.Fatalf("weights add up to %v, want 110 (average 1)", sum)
	}
}

// TestRakeZeroAndEmpty: a target of 0 weights its respondents to zero, and
// a target on a category nobody is in is left out, the others scaled up.
func TestRakeZeroAndEmpty(t *testing.T) {
	a, b := sample2x2(0)
	res := Rake(100, []Margin{{Of: a, Targets: []float64{0, 1}}}, 0)
	if !res.Converged {
		t.Fatal("zero target: did not converge")
	}
	for i, w := range res.Weights {
		want := 2.5 // the 40 a2 respondents carry the whole weight of 100
		if a[i] == 0 {
			want = 0
		}
		if !near(w, want, 1e-9) {
			t.Fatalf("zero target: respondent %d (a%d) weight %v, want %v", i, a[i]+1, w, want)
		}
	}
	if !near(res.EffectiveN, 40, 1e-9) {
		t.Fatalf("zero target: effective n %v, want 40 (only a2 counts)", res.EffectiveN)
	}
	// B has a third category nobody is in: 0.6/0.2/0.2 becomes 0.75/0.25.
	res = Rake(100, []Margin{{Of: b, Targets: []float64{.6, .2, .2}}}, 0)
	if !res.Converged || len(res.Empty[0]) != 1 || res.Empty[0][0] != 2 {
		t.Fatalf("empty cell: converged %v, empty %v", res.Converged, res.Empty)
	}
	checkMargins(t, res.Weights, []Margin{{Of: b, Targets: []float64{.75, .25, 0}}}, 1e-9)
	// A zero target in one margin empties a cell another margin needs:
	// everyone in b2 is a1 here, so b2 cannot get weight.
	a2 := []int{0, 0, 1, 1}
	b2 := []int{1, 1, 0, 0}
	res = Rake(4, []Margin{{Of: a2, Targets: []float64{0, 1}}, {Of: b2, Targets: []float64{.5, .5}}}, 0)
	if res.Converged {
		t.Fatal("contradicting margins converged")
	}
	if res := Rake(0, []Margin{{Of: nil, Targets: []float64{1}}}, 0); !res.Converged || len(res.Weights) != 0 {
		t.Fatalf("nobody: %+v", res)
	}
}

// TestRakeAlreadyMatching: a sample that matches its targets keeps weight 1.
func TestRakeAlreadyMatching(t *testing.T) {
	a, b := sample2x2(0) // A: 60/40, B: 50/50
	res := Rake(100, []Margin{{Of: a, Targets: []float64{.6, .4}}, {Of: b, Targets: []float64{.5, .5}}}, 3)
	if !res.Converged || res.Rounds != 1 || res.EffectiveN != 100 {
		t.Fatalf("converged %v in %d rounds, effective n %v", res.Converged, res.Rounds, res.EffectiveN)
	}
	for i, w := range res.Weights {
		if w != 1 {
			t.Fatalf("respondent %d: weight %v, want exactly 1", i, w)
		}
	}
}

// refIPF is iterative proportional fitting as the textbooks state it, on the
// table of cell counts rather than on respondents: each round scales every
// cell so that the table's totals along one margin meet that margin's
// targets, for each margin in turn. A respondent's weight is their cell's
// fitted count over its sample count.
func refIPF(cells map[string][]int, counts map[string]float64, targets [][]float64, n float64, rounds int) map[string]float64 {
	fit := map[string]float64{}
	for k, v := range counts {
		fit[k] = v
	}
	for range rounds {
		for m := range targets {
			tot := make([]float64, len(targets[m]))
			for k, v := range fit {
				tot[cells[k][m]] += v
			}
			for k := range fit {
				c := cells[k][m]
				fit[k] *= targets[m][c] * n / tot[c]
			}
		}
	}
	w := map[string]float64{}
	for k, v := range fit {
		w[k] = v / counts[k]
	}
	return w
}

// TestRakeAgainstReference rakes random samples on three questions and
// compares every weight with refIPF.
func TestRakeAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sizes := []int{2, 3, 4}
	for trial := range 30 {
		n := 200 + rng.IntN(800)
		margins := make([]Margin, len(sizes))
		for m, k := range sizes {
			margins[m].Of = make([]int, n)
			margins[m].Targets = make([]float64, k)
			var sum float64
			for c := range k {
				margins[m].Targets[c] = 0.2 + rng.Float64()
				sum += margins[m].Targets[c]
			}
			for c := range k {
				margins[m].Targets[c] /= sum
			}
		}
		cells, counts := map[string][]int{}, map[string]float64{}
		keys := make([]string, n)
		for i := range n {
			var cell []int
			for m, k := range sizes {
				// Skewed draws: the sample over-represents low categories.
				c := min(k-1, int(float64(k)*rng.Float64()*rng.Float64()*1.6))
				margins[m].Of[i] = c
				cell = append(cell, c)
			}
			keys[i] = string(rune('a'+cell[0])) + string(rune('a'+cell[1])) + string(rune('a'+cell[2]))
			cells[keys[i]] = cell
			counts[keys[i]]++
		}
		targets := make([][]float64, len(margins))
		for m := range margins {
			targets[m] = margins[m].Targets
		}
		// Every category must have someone for the table's fitting to be
		// defined; the skewed draws almost always give that.
		skip := false
		for m, k := range sizes {
			seen := make([]bool, k)
			for _, c := range margins[m].Of {
				seen[c] = true
			}
			for _, s := range seen {
				skip = skip || !s
			}
		}
		if skip {
			continue
		}
		res := Rake(n, margins, 0)
		if !res.Converged {
			t.Fatalf("trial %d: did not converge in %d rounds", trial, res.Rounds)
		}
		ref := refIPF(cells, counts, targets, float64(n), 500)
		for i, w := range res.Weights {
			if !near(w, ref[keys[i]], 1e-4*max(1, ref[keys[i]])) {
				t.Fatalf("trial %d respondent %d (cell %s): weight %.8f, reference %.8f", trial, i, keys[i], w, ref[keys[i]])
			}
		}
		checkMargins(t, res.Weights, margins, 2*Tolerance)
	}
}

// checkMargins checks every weighted share among a margin's answerers.
func checkMargins(t *testing.T, w []float64, margins []Margin, tol float64) {
	t.Helper()
	for m, mg := range margins {
		sums := make([]float64, len(mg.Targets))
		var total float64
		for i, c := range mg.Of {
			if c >= 0 {
				sums[c] += w[i]
				total += w[i]
			}
		}
		for c, s := range sums {
			if !near(s/total, mg.Targets[c], tol) {
				t.Fatalf("margin %d category %d: weighted share %.7f, target %.7f", m, c, s/total, mg.Targets[c])
			}
		}
	}
}

// BenchmarkRake100k rakes 100,000 respondents to two questions of four
// options, the work a weighted study's first analysis adds.
func BenchmarkRake100k(b *testing.B) {
	const n = 100000
	rng := rand.New(rand.NewPCG(1, 1))
	margins := []Margin{{Of: make([]int, n), Targets: []float64{.4, .3, .2, .1}}, {Of: make([]int, n), Targets: []float64{.1, .2, .3, .4}}}
	for i := range n {
		margins[0].Of[i] = min(3, int(4*rng.Float64()*rng.Float64()*1.5))
		margins[1].Of[i] = rng.IntN(4)
		if i%50 == 0 {
			margins[1].Of[i] = -1 // some did not answer
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if res := Rake(n, margins, 5); !res.Converged {
			b.Fatalf("did not converge in %d rounds", res.Rounds)
		}
	}
}
