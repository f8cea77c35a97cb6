package cluster

import (
	"context"
	"math/rand/v2"
	"slices"
)

// Stability settings (docs/scoring.md, "Needs-based segment discovery",
// step 3): how many bootstrap resamples test a solution, and the mean
// adjusted Rand index from which segments count as stable.
const (
	bootstraps = 20
	StableARI  = 0.8
)

// stabilities is, for each k in ks, the mean adjusted Rand index between
// the full data's solution (full[i]) and a fresh k-means (one run,
// k-means++ seeded) on each of the bootstrap resamples: n rows drawn with
// replacement, compared on the rows drawn. Segments that reflect structure
// in the data come back whatever the sample; segments cut through noise
// come back differently each time. Each resample draws from its own random
// stream, derived from the seed, k and its number, so the result does not
// depend on which goroutine ran what.
func stabilities(ctx context.Context, x []float64, n, m int, ks []int, full [][]int32, seed uint64) ([]float64, error) {
	ari := make([][]float64, len(ks))
	for i := range ari {
		ari[i] = make([]float64, bootstraps)
	}
	type worker struct {
		w     *workspace
		xb    []float64 // the resample's rows
		ref   []int32   // the full solution's segment of each row drawn
		drawn []int
	}
	maxK := slices.Max(ks)
	newWorker := func() *worker {
		return &worker{w: newWorkspace(n, m, maxK), xb: make([]float64, n*m), ref: make([]int32, n), drawn: make([]int, n)}
	}
	err := eachRun(ctx, ks, bootstraps, newWorker, func(s *worker, ki, b int) {
		k := ks[ki]
		// Another stream than bestRuns' restarts of the same k.
		rng := rand.New(rand.NewPCG(seed^0x5eed_b007, uint64(k)<<32|uint64(b)))
		for i := range s.drawn {
			s.drawn[i] = rng.IntN(n)
			copy(s.xb[i*m:(i+1)*m], x[s.drawn[i]*m:(s.drawn[i]+1)*m])
			s.ref[i] = full[ki][s.drawn[i]]
		}
		s.w.run(s.xb, k, rng)
		ari[ki][b] = adjustedRand(s.ref, s.w.assign) // each run writes its own cell
	})
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(ks))
	for ki, v := range ari {
		sum := 0.0
		for _, a := range v {
			sum += a
		}
		out[ki] = sum / bootstraps
	}
	return out, nil
}

// adjustedRand is the adjusted Rand index (Hubert and Arabie) between two
// labelings of the same respondents: 1 when they group everyone alike
// whatever the label numbers, about 0 for unrelated ones, negative when worse
// than chance. Only the first min(len(a), len(b)) respondents are compared;
// with fewer than two, or when both labelings are trivial in the same way
// (everyone together, or everyone apart), it is 1.
func adjustedRand[L int | int32](a, b []L) float64 {
	n := min(len(a), len(b))
	if n < 2 {
		return 1
	}
	ia, ib := dense(a[:n]), dense(b[:n])
	na, nb := 0, 0
	for i := range n {
		na, nb = max(na, ia[i]+1), max(nb, ib[i]+1)
	}
	rowSum := make([]int, na)
	colSum := make([]int, nb)
	cells := make(map[int64]int)
	for i := range n {
		rowSum[ia[i]]++
		colSum[ib[i]]++
		cells[int64(ia[i])*int64(nb)+int64(ib[i])]++
	}
	pairs := func(x int) float64 { return float64(x) * float64(x-1) / 2 }
	var index, sa, sb float64
	for _, v := range cells {
		index += pairs(v)
	}
	for _, v := range rowSum {
		sa += pairs(v)
	}
	for _, v := range colSum {
		sb += pairs(v)
	}
	expected := sa * sb / pairs(n)
	most := (sa + sb) / 2
	if most == expected {
		return 1
	}
	return (index - expected) / (most - expected)
}

// dense renumbers labels 0.. in order of first appearance.
func dense[L int | int32](labels []L) []int {
	seen := make(map[L]int)
	out := make([]int, len(labels))
	for i, l := range labels {
		d, ok := seen[l]
		if !ok {
			d = len(seen)
			seen[l] = d
		}
		out[i] = d
	}
	return out
}
