package cluster

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"odi/surveys/sample"
)

// counted returns the ratings and planted segments of the complete responses,
// the ones docs/scoring.md counts ("Who counts").
func counted(d *sample.Dataset) ([][]byte, []int) {
	var ratings [][]byte
	var planted []int
	for _, r := range d.Responses {
		if r.Status == sample.StatusComplete {
			ratings = append(ratings, r.Ratings)
			planted = append(planted, r.Segment)
		}
	}
	return ratings, planted
}

func TestDiscoverRecoversPlantedSegments(t *testing.T) {
	d := sample.Generate(sample.Config{Respondents: 3000, Outcomes: 30, Seed: 2026})
	ratings, planted := counted(d)
	tests := []struct {
		name string
		k    int
	}{
		{"k chosen by silhouette", 0},
		{"k given", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Discover(context.Background(), Input{Ratings: ratings, Slots: len(d.Outcomes), K: tt.k})
			if err != nil {
				t.Fatal(err)
			}
			if res.K != 3 {
				t.Fatalf("k = %d (silhouette %.3f), want 3", res.K, res.Silhouette)
			}
			if ari := adjustedRand(res.Assign, planted); ari < 0.8 {
				t.Errorf("adjusted Rand index against the planted segments = %.3f, want >= 0.8", ari)
			}
			if len(res.Assign) != len(ratings) || len(res.Sizes) != 3 {
				t.Fatalf("%d assignments and %d sizes for %d respondents", len(res.Assign), len(res.Sizes), len(ratings))
			}
			if !slices.IsSortedFunc(res.Sizes, func(a, b int) int { return b - a }) {
				t.Errorf("sizes %v are not largest first", res.Sizes)
			}
			for s, rows := range res.Members() {
				if len(rows) != res.Sizes[s] {
					t.Errorf("segment %d has %d members, size %d", s, len(rows), res.Sizes[s])
				}
				for _, i := range rows {
					if res.Assign[i] != s {
						t.Fatalf("row %d listed in segment %d but assigned %d", i, s, res.Assign[i])
					}
				}
			}
		})
	}
}

// noise is 1,000 respondents' ratings of 30 outcomes drawn at random: no
// segments in them.
func noise() [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	ratings := make([][]byte, 1000)
	for i := range ratings {
		ratings[i] = make([]byte, 60)
		for j := range ratings[i] {
			ratings[i][j] = byte(1 + rng.IntN(5))
		}
	}
	return ratings
}

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

	res, err = Discover(context.Background(), Input{Ratings: noise(), Slots: 30})
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

func TestDiscoverIsDeterministic(t *testing.T) {
	d := sample.Generate(sample.Config{Respondents: 1500, Outcomes: 40, Seed: 8})
	ratings, _ := counted(d)
	for _, seed := range []uint64{0, 99} {
		in := Input{Ratings: ratings, Slots: 40, Seed: seed}
		a, err := Discover(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for range 1 {
			b, _ := Discover(context.Background(), in)
			if !reflect.DeepEqual(a, b) || math.Float64bits(a.Silhouette) != math.Float64bits(b.Silhouette) {
				t.Fatalf("seed %d: two runs differ: k %d vs %d, silhouette %v vs %v", seed, a.K, b.K, a.Silhouette, b.Silhouette)
			}
		}
	}
}

func TestDiscoverErrors(t *testing.T) {
	four := [][]byte{{5, 1}, {5, 1}, {1, 5}, {1, 5}}
	tests := []struct {
		name string
		in   Input
		want error
	}{
		{"zero slots", Input{Ratings: four, Slots: 0}, ErrNoSlots},
		{"negative slots", Input{Ratings: four, Slots: -1}, ErrNoSlots},
		{"no respondents", Input{Slots: 1}, ErrTooFew},
		{"three respondents for automatic k", Input{Ratings: four[:3], Slots: 1}, ErrTooFew},
		{"fewer than two per segment", Input{Ratings: four, Slots: 1, K: 3}, ErrTooFew},
		{"absurd k", Input{Ratings: four, Slots: 1, K: math.MaxInt}, ErrTooFew},
		{"negative k", Input{Ratings: four, Slots: 1, K: -2}, ErrInvalidK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Discover(context.Background(), tt.in); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDiscoverSplitsTwoObviousGroupsWithFewRespondents(t *testing.T) {
	in := Input{Ratings: [][]byte{{5, 1, 1, 5}, {5, 1, 1, 5}, {5, 2, 1, 5}, {1, 5, 5, 1}, {1, 5, 5, 2}}, Slots: 2}
	res, err := Discover(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 0, 0, 1, 1}; res.K != 2 || !slices.Equal(res.Assign, want) || !slices.Equal(res.Sizes, []int{3, 2}) {
		t.Errorf("k %d, assign %v, sizes %v; want 2, %v, [3 2]", res.K, res.Assign, res.Sizes, want)
	}
	if res.Silhouette < 0.8 {
		t.Errorf("silhouette %.3f, want near 1 for two tight groups", res.Silhouette)
	}
}

func TestDiscoverSurvivesRaggedAndEmptyVectors(t *testing.T) {
	ratings := [][]byte{
		nil,
		{},
		{5},
		{5, 1, 3},
		{5, 1, 3, 3, 9, 9, 9, 9}, // longer than Slots, and out-of-range values
		{1, 5, 5, 1},
		{0, 0, 5, 1},
		{5, 1, 5, 1},
	}
	for _, k := range []int{0, 1, 2, 4} {
		res, err := Discover(context.Background(), Input{Ratings: ratings, Slots: 2, K: k})
		if err != nil {
			t.Fatalf("k=%d: %v", k, err)
		}
		if len(res.Assign) != len(ratings) {
			t.Fatalf("k=%d: %d assignments for %d rows", k, len(res.Assign), len(ratings))
		}
	}
}

func TestDiscoverOnIdenticalRespondentsDoesNotPanic(t *testing.T) {
	same := make([][]byte, 20)
	for i := range same {
		same[i] = []byte{3, 3, 4, 2}
	}
	for _, k := range []int{0, 5} {
		res, err := Discover(context.Background(), Input{Ratings: same, Slots: 2, K: k})
		if err != nil {
			t.Fatal(err)
		}
		if res.Silhouette != 0 {
			t.Errorf("k=%d: silhouette %v for identical respondents, want 0", k, res.Silhouette)
		}
	}
}

func TestNeedsMatrixStandardisesOpportunityValues(t *testing.T) {
	tests := []struct {
		name    string
		ratings [][]byte
		slots   int
		want    []float64 // row-major
	}{
		{
			// Values 5+4=9, 3+0=3, 4+1=5, 3+2=5: mean 5.5, population sd √4.75.
			name:    "importance plus the gap, population sd",
			ratings: [][]byte{{5, 1}, {3, 4}, {4, 3}, {3, 1}},
			slots:   1,
			want:    []float64{3.5 / math.Sqrt(4.75), -2.5 / math.Sqrt(4.75), -0.5 / math.Sqrt(4.75), -0.5 / math.Sqrt(4.75)},
		},
		{
			// First column 5, 1, 3: mean 3, sd √(8/3). Second column 2, 2, 2:
			// constant, so zero.
			name:    "constant column becomes zero",
			ratings: [][]byte{{5, 5, 2, 2}, {1, 1, 2, 3}, {3, 3, 2, 5}},
			slots:   2,
			want:    []float64{math.Sqrt(1.5), 0, -math.Sqrt(1.5), 0, 0, 0},
		},
		{
			// Values 9, missing (importance 0), 5, missing (satisfaction 0): the
			// missing ones take the mean 7. Column 9, 7, 5, 7: mean 7, sd √2.
			name:    "missing value takes the outcome mean",
			ratings: [][]byte{{5, 1}, {0, 3}, {4, 3}, {4, 0}},
			slots:   1,
			want:    []float64{math.Sqrt2, 0, -math.Sqrt2, 0},
		},
		{
			name:    "outcome nobody rated becomes zero",
			ratings: [][]byte{{5, 1, 0, 0}, {1, 1}},
			slots:   2,
			want:    []float64{1, 0, -1, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := needsMatrix(tt.ratings, tt.slots)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > 1e-12 {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestSampleRowsAreEvenlySpacedAndCapped(t *testing.T) {
	tests := []struct {
		n, wantLen, wantLast int
	}{
		{5, 5, 4},
		{2000, 2000, 1999},
		{4000, 2000, 3998},
		{10001, 2000, 9995},
	}
	for _, tt := range tests {
		rows := sampleRows(tt.n)
		if len(rows) != tt.wantLen || rows[0] != 0 || rows[len(rows)-1] != tt.wantLast || !slices.IsSorted(rows) {
			t.Errorf("n=%d: %d rows, first %d, last %d; want %d rows, 0..%d", tt.n, len(rows), rows[0], rows[len(rows)-1], tt.wantLen, tt.wantLast)
		}
	}
}

// BenchmarkDiscover10kx100 clusters 10,000 complete respondents on 100
// outcomes with k chosen automatically (2..6): the size that must take under
// 2 s.
func BenchmarkDiscover10kx100(b *testing.B) { benchmarkDiscover(b, false) }

// benchmarkDiscover is the discovery the benchmarks time, on the needs
// values or on their principal components.
func benchmarkDiscover(b *testing.B, components bool) {
	d := sample.Generate(sample.Config{Respondents: 11500, Outcomes: 100, Seed: 1})
	ratings, _ := counted(d)
	ratings = ratings[:10000]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Discover(context.Background(), Input{Ratings: ratings, Slots: 100, Components: components}); err != nil {
			b.Fatal(err)
		}
	}
}
