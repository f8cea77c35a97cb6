package score

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPerGroupIsTheSmallestNWithinTheHalfWidth(t *testing.T) {
	// ±1 point: z² × (1/(4 × 0.01) − 1) = 3.8415 × 24 = 92.19, so 93.
	tests := []struct {
		halfWidth float64
		want      int
	}{{1, 93}, {0.5, 381}, {2, 21}, {5, 1}, {0.1, 9600}}
	for _, tt := range tests {
		n := PerGroup(tt.halfWidth)
		if n != tt.want {
			t.Errorf("PerGroup(%v) = %d, want %d", tt.halfWidth, n, tt.want)
		}
		// Independently: the Wilson half-width at a share of 0.5, from the
		// textbook formula z√(p(1 − p)/n + z²/4n²) ÷ (1 + z²/n), is within
		// ±halfWidth at n and not at n − 1.
		widest := func(n int) float64 {
			m := float64(n)
			return 10 * z * math.Sqrt(0.25/m+z*z/(4*m*m)) / (1 + z*z/m)
		}
		if n > 1 && (widest(n) > tt.halfWidth+1e-9 || widest(n-1) <= tt.halfWidth) {
			t.Errorf("±%v: widest half-width %.4f at n = %d, %.4f at n − 1", tt.halfWidth, widest(n), n, widest(n-1))
		}
	}
}

func TestDetectableDifferenceHasEightyPercentPower(t *testing.T) {
	// By hand: 200 and 200 at p = 0.5: 10 × (1.959964 + 0.841621) × √(0.25 × 0.01) = 1.4008.
	if d := DetectableDifference(0.5, 200, 200); !near(d, 1.4008, 1e-4) {
		t.Errorf("200 and 200 at 0.5: %v, want 1.4008", d)
	}
	if d := DetectableDifference(0.5, 0, 200); d != 0 {
		t.Errorf("an empty group: %v, want 0", d)
	}
	if testing.Short() {
		return
	}
	// Simulated: two groups of 150 and 250 whose shares differ by exactly
	// the detectable difference around 0.3 are told apart about 80% of the time.
	const trials = 4000
	d := DetectableDifference(0.3, 150, 250) / 10
	rng := rand.New(rand.NewPCG(7, 8))
	found := 0
	for range trials {
		draw := func(n int, p float64) Count {
			c := Count{N: float64(n)}
			for range n {
				if rng.Float64() < p {
					c.Top++
				}
			}
			return c
		}
		if TwoProportionP(draw(150, 0.3-d/2), draw(250, 0.3+d/2)) < 0.05 {
			found++
		}
	}
	power := float64(found) / trials
	t.Logf("difference %.4f: found in %.1f%% of %d trials", d, 100*power, trials)
	if math.Abs(power-0.8) > 0.03 {
		t.Errorf("power %.3f, want about 0.80", power)
	}
}

func TestHardestShareIsNearestOneHalf(t *testing.T) {
	outcomes := []Outcome{{Code: "A", Slot: 0}, {Code: "B", Slot: 1}}
	// A: importance 3 of 4 (0.75), satisfaction 0 of 4; B: importance 1 of
	// 4 (0.25), satisfaction 2 of 4 (0.5).
	rows := Rank(outcomes, tally(2, vec(5, 1, 5, 5), vec(5, 1, 1, 5), vec(4, 1, 1, 1), vec(1, 1, 1, 1)))
	if got := HardestShare(rows); got != 0.5 {
		t.Errorf("HardestShare = %v, want 0.5", got)
	}
	if got := HardestShare(Rank(outcomes, tally(2, vec(5, 5, 5, 5)))); got != 1 {
		t.Errorf("everyone rating 4-5: %v, want 1", got)
	}
	if got := HardestShare(Rank(outcomes, nil)); got != 0.5 {
		t.Errorf("nobody: %v, want 0.5 (the worst case)", got)
	}
}
