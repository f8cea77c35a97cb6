package cluster

import "math"

// maxSample caps the respondents a silhouette is computed on.
const maxSample = 2000

// sampleRows is the deterministic silhouette sample: every respondent when
// there are at most 2,000, otherwise 2,000 rows evenly spaced through the input,
// row ⌊i·n/2000⌋ for i = 0..1999. Systematic sampling needs no random numbers,
// does not depend on the seed, and covers the input from start to end, so a
// study sorted by arrival is sampled across its whole fieldwork.
func sampleRows(n int) []int {
	s := min(n, maxSample)
	rows := make([]int, s)
	for i := range rows {
		rows[i] = int(int64(i) * int64(n) / int64(s))
	}
	return rows
}

// silhouettes is step 3: the mean silhouette (Euclidean) of each candidate
// segmentation, all computed in one pass over the pairs of sampled rows. A
// respondent alone in its segment within the sample scores 0, as does every
// respondent when the sample holds a single segment.
func silhouettes(x []float64, n, m int, ks []int, assign [][]int32) []float64 {
	rows := sampleRows(n)
	s := len(rows)
	sample := make([]float64, s*m)
	for i, r := range rows {
		copy(sample[i*m:(i+1)*m], x[r*m:(r+1)*m])
	}
	labels := make([][]int32, len(ks)) // labels[c][i]: sampled row i's segment under candidate c
	sums := make([][]float64, len(ks)) // sums[c][i*k+g]: distance from sampled row i to segment g
	counts := make([][]int, len(ks))
	for c, k := range ks {
		labels[c] = make([]int32, s)
		counts[c] = make([]int, k)
		for i, r := range rows {
			labels[c][i] = assign[c][r]
			counts[c][assign[c][r]]++
		}
		sums[c] = make([]float64, s*k)
	}
	for i := range s {
		p := sample[i*m : (i+1)*m]
		for j := i + 1; j < s; j++ {
			d := math.Sqrt(dist2(p, sample[j*m:(j+1)*m]))
			for c, k := range ks {
				li, lj := int(labels[c][i]), int(labels[c][j])
				sums[c][i*k+lj] += d
				sums[c][j*k+li] += d
			}
		}
	}

	out := make([]float64, len(ks))
	for c, k := range ks {
		var total float64
		for i := range s {
			own := int(labels[c][i])
			if counts[c][own] < 2 {
				continue
			}
			a := sums[c][i*k+own] / float64(counts[c][own]-1)
			b := math.Inf(1)
			for g := range k {
				if g != own && counts[c][g] > 0 {
					b = min(b, sums[c][i*k+g]/float64(counts[c][g]))
				}
			}
			if math.IsInf(b, 1) || max(a, b) == 0 {
				continue
			}
			total += (b - a) / max(a, b)
		}
		out[c] = total / float64(s)
	}
	return out
}
