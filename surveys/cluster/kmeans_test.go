package cluster

import (
	"math/rand/v2"
	"slices"
	"testing"

	"odi/surveys/sample"
)

// plainLloyd is the textbook algorithm the accelerated loop must agree with:
// every point measured against every centre, centres recomputed from scratch.
func plainLloyd(x []float64, n, m, k int, seed uint64, restart int) []int32 {
	w := newWorkspace(n, m, k)
	w.seed(x, k, rand.New(rand.NewPCG(seed, uint64(k)<<32|uint64(restart))))
	centers := w.centers[:k*m]
	assign := make([]int32, n)
	for i := range assign {
		assign[i] = -1
	}
	for range maxIterations {
		changed := false
		for i := range n {
			p := x[i*m : (i+1)*m]
			best, bd := int32(0), dist2(p, centers[:m])
			for c := 1; c < k; c++ {
				if d := dist2(p, centers[c*m:(c+1)*m]); d < bd {
					best, bd = int32(c), d
				}
			}
			if assign[i] != best {
				assign[i], changed = best, true
			}
		}
		if !changed {
			break
		}
		counts := make([]int, k)
		clear(centers)
		for i, c := range assign {
			counts[c]++
			for j := range m {
				centers[int(c)*m+j] += x[i*m+j]
			}
		}
		for c := range k {
			for j := range m {
				centers[c*m+j] /= float64(counts[c])
			}
		}
	}
	return assign
}

func TestKMeansAssignsExactlyAsPlainLloyd(t *testing.T) {
	d := sample.Generate(sample.Config{Respondents: 1500, Outcomes: 40, Seed: 4})
	ratings, _ := counted(d)
	n, m := len(ratings), 40
	x := needsMatrix(ratings, m)
	for k := 2; k <= 6; k++ {
		w := newWorkspace(n, m, k)
		for r := range 4 {
			w.run(x, k, rand.New(rand.NewPCG(5, uint64(k)<<32|uint64(r))))
			if want := plainLloyd(x, n, m, k, 5, r); !slices.Equal(w.assign, want) {
				t.Errorf("k=%d restart %d: accelerated k-means assigned differently from plain Lloyd", k, r)
			}
		}
	}
}

func TestDist2BelowMatchesDist2UpToTheBound(t *testing.T) {
	a := make([]float64, 37)
	b := make([]float64, 37)
	for i := range a {
		a[i], b[i] = float64(i%5)*0.37, float64(i%3)*-0.21
	}
	full := dist2(a, b)
	for _, bound := range []float64{full * 2, full, full * 0.999, full / 2, 0} {
		got := dist2Below(a, b, bound)
		if full <= bound && got != full {
			t.Errorf("bound %v: got %v, want exactly %v", bound, got, full)
		}
		if got > full || (full > bound && got <= bound) {
			t.Errorf("bound %v: got %v, want a value in (bound, %v]", bound, got, full)
		}
	}
}
