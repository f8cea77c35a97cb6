package cluster

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// bestRuns is step 2 for every k in ks: 10 k-means restarts each, run on all
// cores, keeping per k the run with the lowest within-cluster sum of squares
// (the earlier restart on a tie). Each restart draws from its own random
// stream, derived from the seed, k and the restart number, so the outcome does
// not depend on which goroutine ran what.
func bestRuns(ctx context.Context, x []float64, n, m int, ks []int, seed uint64) ([][]int32, error) {
	best := make([][]int32, len(ks))
	bestSS := make([]float64, len(ks))
	bestRestart := make([]int, len(ks))
	for i := range best {
		best[i] = make([]int32, n)
		bestRestart[i] = -1
	}
	maxK := slices.Max(ks)
	var mu sync.Mutex
	err := eachRun(ctx, ks, restarts, func() *workspace { return newWorkspace(n, m, maxK) }, func(w *workspace, ki, r int) {
		k := ks[ki]
		rng := rand.New(rand.NewPCG(seed, uint64(k)<<32|uint64(r)))
		ss := w.run(x, k, rng)
		mu.Lock()
		defer mu.Unlock()
		if br := bestRestart[ki]; br < 0 || ss < bestSS[ki] || (ss == bestSS[ki] && r < br) {
			bestSS[ki], bestRestart[ki] = ss, r
			copy(best[ki], w.assign)
		}
	})
	return best, err
}

// eachRun calls fn for run r of every k in ks (by index ki), runs of them
// each, on all cores: each worker has its own state from newWorker, reused
// across the runs it takes. Larger k first: they take longest, so the
// workers finish together. fn's result must not depend on which worker ran
// it. Once ctx is done no run starts (a discovery whose client left: a run
// of 100,000 respondents takes about a second), and its error is returned.
func eachRun[S any](ctx context.Context, ks []int, runs int, newWorker func() S, fn func(s S, ki, r int)) error {
	type job struct{ ki, r int }
	var jobs []job
	for ki := len(ks) - 1; ki >= 0; ki-- {
		for r := range runs {
			jobs = append(jobs, job{ki, r})
		}
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			s := newWorker()
			for {
				j := int(next.Add(1)) - 1
				if j >= len(jobs) || ctx.Err() != nil {
					return
				}
				fn(s, jobs[j].ki, jobs[j].r)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// workspace holds one worker's buffers, reused across its runs so the Lloyd
// loop allocates nothing.
type workspace struct {
	n, m    int
	assign  []int32
	d2      []float64 // squared distance to the nearest centre, while seeding
	upper   []float64 // per point: upper bound on the distance to its centre
	lower   []float64 // n×k: lower bound on each point's distance to each centre
	centers []float64 // k×m
	old     []float64 // the centres before the last update
	sums    []float64 // k×m running sums of each segment's points
	counts  []int
	gap     []float64 // k×k: half the distance between two centres
	half    []float64 // half the distance from each centre to the nearest other
	moved   []float64 // how far each centre moved in the last update
}

func newWorkspace(n, m, maxK int) *workspace {
	return &workspace{
		n: n, m: m,
		assign:  make([]int32, n),
		d2:      make([]float64, n),
		upper:   make([]float64, n),
		lower:   make([]float64, n*maxK),
		centers: make([]float64, maxK*m),
		old:     make([]float64, maxK*m),
		sums:    make([]float64, maxK*m),
		counts:  make([]int, maxK),
		gap:     make([]float64, maxK*maxK),
		half:    make([]float64, maxK),
		moved:   make([]float64, maxK),
	}
}

// shrink and grow keep the distance bounds conservative against rounding: a
// centre is only ruled out for a point when it is farther than the point's
// own centre by a clear margin.
const (
	shrink = 1 - 1e-9
	grow   = 1 + 1e-9
)

// run is one k-means: k-means++ seeding, then at most maxIterations Lloyd
// iterations, stopping when no point changes segment. It leaves the
// assignment in w.assign and returns the within-cluster sum of squares.
//
// The iterations are Lloyd's, sped up as Elkan (2003) does: each point carries
// an upper bound on the distance to its centre and a lower bound on the
// distance to every other centre, moved by how far the centres moved, and a
// centre the bounds (or the triangle inequality between centres) prove to be
// farther than the point's own is not measured. A centre is only ruled out
// when it is strictly and clearly farther, so every assignment is the one
// Lloyd's full search makes, ties included (the lower centre index wins).
func (w *workspace) run(x []float64, k int, rng *rand.Rand) float64 {
	n, m := w.n, w.m
	centers := w.centers[:k*m]
	w.seed(x, k, rng)

	for i := range w.assign {
		w.assign[i] = -1
	}
	clear(w.sums[:k*m])
	clear(w.counts[:k])
	full := true // no bounds yet: measure every point against every centre
	for range maxIterations {
		w.centreGaps(k)
		changed := false
		for i := range n {
			p := x[i*m : (i+1)*m]
			lower := w.lower[i*k : (i+1)*k]
			a := w.assign[i]
			best := a
			var bd float64 // squared distance to best, once exact
			if full {
				best = 0
				bd = dist2(p, centers[:m])
				lower[0] = math.Sqrt(bd) * shrink
				w.upper[i] = math.Sqrt(bd) * grow
			} else if w.upper[i] < w.half[a]*shrink {
				continue // nearer to its centre than half-way to any other
			}
			exact := full
			for c := range int32(k) {
				if c == best {
					continue
				}
				if !full {
					z := max(lower[c], w.gap[int(best)*k+int(c)]) * shrink
					if w.upper[i] < z {
						continue
					}
					if !exact {
						bd = dist2(p, centers[int(best)*m:int(best+1)*m])
						w.upper[i] = math.Sqrt(bd) * grow
						lower[best] = math.Sqrt(bd) * shrink
						exact = true
						if w.upper[i] < z {
							continue
						}
					}
				}
				// Stopping early still gives a lower bound on the distance.
				d := dist2Below(p, centers[int(c)*m:int(c+1)*m], bd)
				lower[c] = math.Sqrt(d) * shrink
				if d < bd || (d == bd && c < best) {
					best, bd = c, d
					w.upper[i] = math.Sqrt(d) * grow
				}
			}
			if a != best {
				if a >= 0 {
					subFrom(w.sums[int(a)*m:int(a+1)*m], p)
					w.counts[a]--
				}
				addTo(w.sums[int(best)*m:int(best+1)*m], p)
				w.counts[best]++
				w.assign[i] = best
				changed = true
			}
		}
		if !changed {
			break
		}
		copy(w.old[:k*m], centers)
		if w.update(x, k) {
			full = true // a segment was refilled: the bounds no longer hold
			continue
		}
		full = false
		// Move the bounds by how far the centres moved.
		moved := w.moved[:k]
		for c := range k {
			moved[c] = math.Sqrt(dist2(centers[c*m:(c+1)*m], w.old[c*m:(c+1)*m])) * grow
		}
		for i, a := range w.assign {
			w.upper[i] += moved[a]
			lower := w.lower[i*k : (i+1)*k]
			for c, d := range moved {
				lower[c] -= d
			}
		}
	}

	var ss float64
	for i := range n {
		c := int(w.assign[i])
		ss += dist2(x[i*m:(i+1)*m], centers[c*m:(c+1)*m])
	}
	return ss
}

// centreGaps sets w.gap to half the distance between every two centres and
// w.half[c] to the smallest of c's: a point nearer to c than half-way to
// another centre is nearer to c than to that centre.
func (w *workspace) centreGaps(k int) {
	m := w.m
	for c := range k {
		w.half[c] = math.Inf(1)
		w.gap[c*k+c] = 0
	}
	for c := range k {
		for o := c + 1; o < k; o++ {
			d := math.Sqrt(dist2(w.centers[c*m:(c+1)*m], w.centers[o*m:(o+1)*m])) / 2
			w.gap[c*k+o], w.gap[o*k+c] = d, d
			w.half[c] = min(w.half[c], d)
			w.half[o] = min(w.half[o], d)
		}
	}
}

// seed places k centres by k-means++: the first uniformly, each next one at a
// point drawn with probability proportional to its squared distance to the
// nearest centre so far.
func (w *workspace) seed(x []float64, k int, rng *rand.Rand) {
	n, m := w.n, w.m
	d2 := w.d2
	first := rng.IntN(n)
	copy(w.centers[:m], x[first*m:(first+1)*m])
	for i := range n {
		d2[i] = dist2(x[i*m:(i+1)*m], w.centers[:m])
	}
	for c := 1; c < k; c++ {
		var total float64
		last := -1
		for i, d := range d2 {
			total += d
			if d > 0 {
				last = i
			}
		}
		pick := last
		if last < 0 {
			pick = rng.IntN(n) // every point sits on a centre already
		} else {
			target := rng.Float64() * total
			var acc float64
			for i, d := range d2 {
				acc += d
				if acc > target && d > 0 {
					pick = i
					break
				}
			}
		}
		cen := w.centers[c*m : (c+1)*m]
		copy(cen, x[pick*m:(pick+1)*m])
		for i := range n {
			if d := dist2Below(x[i*m:(i+1)*m], cen, d2[i]); d < d2[i] {
				d2[i] = d
			}
		}
	}
}

// update moves every centre to the mean of its points, from the running
// sums the assignment step keeps, and reports whether a segment had to be
// refilled. A segment left empty takes the point farthest from its centre
// (among segments that can spare one; the lowest index on a tie), and then
// the sums are recounted from scratch.
func (w *workspace) update(x []float64, k int) bool {
	n, m := w.n, w.m
	counts := w.counts[:k]
	centers := w.centers[:k*m]
	sums := w.sums[:k*m]
	refilled := false
	for c := range counts {
		if counts[c] > 0 {
			continue
		}
		if !refilled {
			for i := range n {
				a := int(w.assign[i])
				w.d2[i] = dist2(x[i*m:(i+1)*m], centers[a*m:(a+1)*m])
			}
		}
		far, fd := -1, -1.0
		for i, d := range w.d2 {
			if counts[w.assign[i]] > 1 && d > fd {
				far, fd = i, d
			}
		}
		if far < 0 {
			continue // fewer distinct points than k: nothing to move
		}
		refilled = true
		counts[w.assign[far]]--
		w.assign[far] = int32(c)
		w.d2[far] = 0
		counts[c] = 1
	}
	if refilled {
		clear(sums)
		for i := range n {
			c := int(w.assign[i])
			addTo(sums[c*m:(c+1)*m], x[i*m:(i+1)*m])
		}
	}
	for c := range k {
		cen := centers[c*m : (c+1)*m]
		if counts[c] == 0 {
			continue
		}
		inv := 1 / float64(counts[c])
		for j, v := range sums[c*m : (c+1)*m] {
			cen[j] = v * inv
		}
	}
	return refilled
}

// addTo adds p to sum, element by element.
func addTo(sum, p []float64) {
	sum = sum[:len(p)]
	i := 0
	for ; i+4 <= len(p); i += 4 {
		sum[i] += p[i]
		sum[i+1] += p[i+1]
		sum[i+2] += p[i+2]
		sum[i+3] += p[i+3]
	}
	for ; i < len(p); i++ {
		sum[i] += p[i]
	}
}

// subFrom subtracts p from sum, element by element.
func subFrom(sum, p []float64) {
	sum = sum[:len(p)]
	for i, v := range p {
		sum[i] -= v
	}
}

// dist2 is the squared Euclidean distance between a and b: dist2Below with
// no bound, which adds the same terms in the same order.
func dist2(a, b []float64) float64 { return dist2Below(a, b, math.Inf(1)) }

// dist2Below is the squared distance between a and b, except that it stops
// early once the distance is certain to exceed bound and returns the partial
// sum: a value above bound and at most the whole distance, so still a lower
// bound. Whenever the distance is at most bound it returns exactly the whole
// distance, so choosing a nearest centre with it gives the same answer, ties
// included.
func dist2Below(a, b []float64, bound float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+16 <= len(a); i += 16 {
		for j := i; j < i+16; j += 4 {
			d0, d1, d2, d3 := a[j]-b[j], a[j+1]-b[j+1], a[j+2]-b[j+2], a[j+3]-b[j+3]
			s0 += d0 * d0
			s1 += d1 * d1
			s2 += d2 * d2
			s3 += d3 * d3
		}
		// Partial sums only grow, so once past the bound they stay past it.
		if s := (s0 + s1) + (s2 + s3); s > bound {
			return s
		}
	}
	for ; i+4 <= len(a); i += 4 {
		d0, d1, d2, d3 := a[i]-b[i], a[i+1]-b[i+1], a[i+2]-b[i+2], a[i+3]-b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}
