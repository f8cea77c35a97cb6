package cluster

import (
	"math"
	"testing"
)

func TestAdjustedRand(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want float64
	}{
		{"identical", []int{0, 0, 1, 1, 2}, []int{0, 0, 1, 1, 2}, 1},
		{"same grouping, other labels", []int{0, 0, 1, 1}, []int{7, 7, -3, -3}, 1},
		{"one group split in two", []int{0, 0, 1, 1}, []int{0, 0, 1, 2}, 4.0 / 7}, // scikit-learn's documented example
		{"everyone together against everyone apart", []int{0, 0, 0, 0}, []int{0, 1, 2, 3}, 0},
		{"worse than chance", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, -0.5},
		{"both trivial", []int{1, 1, 1}, []int{2, 2, 2}, 1},
		{"fewer than two", []int{3}, []int{4}, 1},
		{"longer one cut to the shorter", []int{0, 0, 1, 1, 5, 6}, []int{1, 1, 0, 0}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := adjustedRand(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("adjustedRand = %v, want %v", got, tt.want)
			}
		})
	}
}

// adjustedRand is the adjusted Rand index (Hubert and Arabie) between two
// labelings of the same respondents: 1 when they group everyone alike
// whatever the label numbers, about 0 for unrelated ones, negative when worse
// than chance. Labels are any ints. Only the first min(len(a), len(b))
// respondents are compared; with fewer than two, or when both labelings are
// trivial in the same way (everyone together, or everyone apart), it is 1.
// The tests measure with it how well discovery recovers planted segments.
func adjustedRand(a, b []int) float64 {
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
func dense(labels []int) []int {
	seen := make(map[int]int)
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
