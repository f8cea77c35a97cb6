package cluster

// Model is a segmentation that places anyone among its segments: the
// standardisation of step 1 as it was on the data the segments were found
// in, and each segment's centre in those standardised values. A respondent
// belongs to the segment whose centre is nearest (docs/scoring.md,
// "Needs-based segment discovery", step 6).
type Model struct {
	scaling
	Centroids [][]float64 `json:"centroids"`
}

// NewModel is the model of a segmentation of ratings (the respondents the
// segments were found among): segment s's centre is the mean of the
// standardised needs values of the rows assign puts in s; rows assigned
// outside 0..k-1 count for the standardisation only.
func NewModel(ratings [][]byte, slots int, assign []int, k int) Model {
	md := Model{scaling: newScaling(ratings, slots), Centroids: make([][]float64, k)}
	count := make([]int, k)
	for s := range md.Centroids {
		md.Centroids[s] = make([]float64, slots)
	}
	row := make([]float64, slots)
	for i, r := range ratings {
		s := assign[i]
		if s < 0 || s >= k {
			continue
		}
		md.row(r, row)
		addTo(md.Centroids[s], row)
		count[s]++
	}
	for s, c := range md.Centroids {
		for j := range c {
			if count[s] > 0 {
				c[j] /= float64(count[s])
			}
		}
	}
	return md
}

// Nearest is the segment whose centre is nearest to r's standardised needs
// values (the lower segment on a tie); -1 for a model with no segments.
func (md Model) Nearest(r []byte) int {
	if len(md.Centroids) == 0 || len(md.Means) != len(md.SDs) {
		return -1
	}
	row := make([]float64, len(md.Means))
	md.row(r, row)
	best, bestD := -1, 0.0
	for s, c := range md.Centroids {
		if len(c) != len(row) {
			return -1
		}
		if d := dist2(row, c); best < 0 || d < bestD {
			best, bestD = s, d
		}
	}
	return best
}
