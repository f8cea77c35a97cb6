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
