package cluster

import (
	"slices"

	"gonum.org/v1/gonum/mat"
)

// ComponentsShare is the share of the standardised needs values' variance
// the principal components kept for discovery explain at least
// (docs/scoring.md, "Needs-based segment discovery", step 1b).
const ComponentsShare = 0.8

// principalComponents is step 1b: the n×m standardised needs matrix x
// projected on its first c principal components, the fewest whose
// eigenvalues add up to ComponentsShare of the total variance, as a
// row-major n×c matrix of component scores (not rescaled, so distances
// between respondents keep the weight each component carries); c and the
// share explained. A matrix with no variance at all keeps one component of
// zeros.
func principalComponents(x []float64, n, m int) ([]float64, int, float64) {
	// x's columns have mean 0, so XᵀX/n is their covariance (their
	// correlation, except for constant columns, which are all zeros).
	var cov mat.SymDense
	cov.SymOuterK(1/float64(max(n, 1)), mat.NewDense(n, m, x).T())
	var eig mat.EigenSym
	if !eig.Factorize(&cov, true) {
		return make([]float64, n), 1, 0
	}
	values := eig.Values(nil) // ascending
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	order := make([]int, m)
	total := 0.0
	for j := range order {
		order[j] = j
		total += max(values[j], 0)
	}
	if total <= 0 {
		return make([]float64, n), 1, 0
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case values[a] > values[b]:
			return -1
		case values[a] < values[b]:
			return 1
		}
		return 0
	})
	c, kept := 0, 0.0
	for c < m && kept < ComponentsShare*total-1e-12 {
		kept += max(values[order[c]], 0)
		c++
	}
	basis := mat.NewDense(m, c, nil)
	for a := range c {
		for j := range m {
			basis.Set(j, a, vectors.At(j, order[a]))
		}
	}
	scores := mat.NewDense(n, c, nil)
	scores.Mul(mat.NewDense(n, m, x), basis)
	return scores.RawMatrix().Data, c, kept / total
}
