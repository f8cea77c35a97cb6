package score

import "math"

// zPower is the 80th percentile of the standard normal: a test at 80% power
// misses a true difference of the detectable size one time in five.
const zPower = 0.8416212

// PerGroup is how many respondents a group needs so that the 95% Wilson
// interval of a top-two-box score is at most ±halfWidth points on the 0–10
// scale whatever the share: the interval is widest at a share of 0.5, where
// its half-width is z ÷ (2√(n + z²)), so n = z² × (1 ÷ (4h²) − 1) with h =
// halfWidth ÷ 10, rounded up (and at least 1).
func PerGroup(halfWidth float64) int {
	h := halfWidth / 10
	n := z * z * (1/(4*h*h) - 1)
	return max(1, int(math.Ceil(n-1e-9))) // the epsilon keeps an exact n from rounding up past itself
}

// DetectableDifference is the smallest difference between the top-two-box
// scores of two groups of n1 and n2 respondents, in points on the 0–10
// scale, that the two-sided two-proportion test at 5% finds with 80% power
// when the shares are near p: (z₀.₉₇₅ + z₀.₈) × √(p(1 − p)(1/n1 + 1/n2)) × 10.
// It is 0 when either group is empty (nothing can be told apart). Weighted
// groups are sized by their effective n.
func DetectableDifference(p, n1, n2 float64) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 0
	}
	return 10 * (z + zPower) * math.Sqrt(p*(1-p)*(1/n1+1/n2))
}

// HardestShare is, of the top-two-box shares of rows on both scales, the one
// nearest 0.5, where a difference is hardest to detect; 0.5 when no outcome
// has a rating.
func HardestShare(rows []Row) float64 {
	best, found := 0.5, false
	for _, r := range rows {
		for _, c := range []Count{r.imp.effective(), r.sat.effective()} {
			if c.N <= 0 {
				continue
			}
			if s := c.Share(); !found || math.Abs(s-0.5) < math.Abs(best-0.5) {
				best, found = s, true
			}
		}
	}
	return best
}
