package cluster

import (
	"context"
	"math/rand/v2"
	"testing"

	"odi/surveys/sample"
)

// TestStabilityTellsPlantedSegmentsFromNoise: on data with three planted
// needs segments the planted k is chosen and reproduces on every resample
// (stability near 1); on ratings drawn at random, with no segments in them,
// no k reaches the stable threshold and the result says so.
func TestStabilityTellsPlantedSegmentsFromNoise(t *testing.T) {
	d := sample.Generate(sample.Config{Respondents: 1500, Outcomes: 30, Seed: 2026})
	ratings, _ := counted(d)
	res, err := Discover(context.Background(), Input{Ratings: ratings, Slots: 30})
	if err != nil {
		t.Fatal(err)
	}
	if res.K != 3 || res.Stability < 0.9 || !res.Stable() {
		t.Errorf("planted: k = %d, stability %.3f, want 3 and >= 0.9", res.K, res.Stability)
	}
	if len(res.Candidates) != 5 || res.Candidates[0].K != 2 || res.Candidates[1].Stability != res.Stability {
		t.Errorf("planted: candidates %+v", res.Candidates)
	}
	t.Logf("planted segments: %+v", res.Candidates)

	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([][]byte, 1000)
	for i := range noise {
		noise[i] = make([]byte, 60)
		for j := range noise[i] {
			noise[i][j] = byte(1 + rng.IntN(5))
		}
	}
	res, err = Discover(context.Background(), Input{Ratings: noise, Slots: 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Candidates {
		if c.Stability >= StableARI {
			t.Errorf("noise: k = %d is stable (%.3f)", c.K, c.Stability)
		}
	}
	if res.Stable() {
		t.Errorf("noise: the chosen k = %d is called stable (%.3f)", res.K, res.Stability)
	}
	t.Logf("noise: %+v", res.Candidates)
}
