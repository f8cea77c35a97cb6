package results_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// Opportunities end to end on a large study: 100,000 complete responses ×
// 100 outcomes, split by a five-option question, read from a SQLite file.
const (
	benchResponses = 100000
	benchOutcomes  = 100
)

var benchWaves = []string{"w1", "w2", "w3", "w4", "w5"}

// benchStudyDB is the database file of the large study, built on first use:
// under the benchmark's temporary folder, or at ODI_BENCH_DB, where a file
// already built is used as it is (building one takes about a minute).
func benchStudyDB(b *testing.B) string {
	b.Helper()
	path := os.Getenv("ODI_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	} else if _, err := os.Stat(path); err == nil {
		return path
	}
	ctx := context.Background()
	s, err := surveys.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	u := surveystest.User(b, s, "bench@example.com", "admin")
	// Enough respondents that 100,000 of them complete; the rest are left
	// out, and each complete one is in a wave by arrival.
	ds := sample.Generate(sample.Config{Respondents: benchResponses * 115 / 100, Outcomes: benchOutcomes, Seed: 1})
	ds.Questions = append(ds.Questions, sample.Question{Key: "wave", Text: "Wave", Kind: "single", Options: benchWaves, Segment: true})
	complete := ds.Responses[:0]
	for _, r := range ds.Responses {
		if r.Status == sample.StatusComplete && len(complete) < benchResponses {
			r.Answers["wave"] = benchWaves[len(complete)%len(benchWaves)]
			complete = append(complete, r)
		}
	}
	if len(complete) != benchResponses {
		b.Fatalf("the sample has %d complete responses, want %d", len(complete), benchResponses)
	}
	ds.Responses = complete
	if _, err := fieldworkOf(b, s).LoadSample(ctx, u, ds); err != nil {
		b.Fatal(err)
	}
	return path
}

// openBench opens the large study's database as the app does at start-up.
func openBench(b *testing.B, path string) (*surveys.Store, *accounts.User, int64) {
	b.Helper()
	ctx := context.Background()
	s, err := surveys.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.Accounts().UserByEmail(ctx, "bench@example.com")
	if err != nil {
		b.Fatal(err)
	}
	list, err := s.ListStudies(ctx, u)
	if err != nil || len(list) != 1 {
		b.Fatalf("studies in %s: %d (%v)", path, len(list), err)
	}
	return s, u, list[0].ID
}

// BenchmarkOpportunities100k scores the large study split by wave: warm,
// with the store's cache of ratings filled by an earlier call, and cold, on
// a store just opened on the same file, as after a restart; each unweighted
// (?weighted=0) and weighted by company size and role (the raking is kept
// with the warm cache, so warm-weighted measures the weighted tallies and
// cold-weighted the raking too). It is skipped with -short; building the
// database is not timed.
func BenchmarkOpportunities100k(b *testing.B) {
	surveystest.Long(b, "builds a 100,000-response database first")
	path := benchStudyDB(b)
	setBenchWeighting(b, path)
	check := func(b *testing.B, res *results.Opportunities, weighted bool) {
		// The sample's careless respondents are left out by the cleaning.
		if len(res.Groups) != 1+len(benchWaves) || res.Groups[0].N+res.Groups[0].Excluded != benchResponses || len(res.Groups[0].Outcomes) != benchOutcomes {
			b.Fatalf("groups %d, n %d + %d excluded, outcomes %d", len(res.Groups), res.Groups[0].N, res.Groups[0].Excluded, len(res.Groups[0].Outcomes))
		}
		if res.Weighted != weighted || (weighted && !res.Raking.Converged) {
			b.Fatalf("weighted %v, want %v (raking %+v)", res.Weighted, weighted, res.Raking)
		}
	}
	for _, weighted := range []bool{false, true} {
		q := results.OpportunityQuery{SegmentBy: "wave", Unweighted: !weighted}
		name := map[bool]string{false: "", true: "-weighted"}[weighted]
		b.Run("warm"+name, func(b *testing.B) {
			s, u, id := openBench(b, path)
			defer s.Close()
			ctx := context.Background()
			rs := results.New(s)
			res, err := rs.Opportunities(ctx, surveystest.Design(b, s, u, id), q)
			if err != nil {
				b.Fatal(err)
			}
			check(b, res, weighted)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := rs.Opportunities(ctx, surveystest.Design(b, s, u, id), q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("cold"+name, func(b *testing.B) {
			b.ReportAllocs()
			var kept uint64
			for b.Loop() {
				b.StopTimer()
				s, u, id := openBench(b, path)
				before := heapInUse()
				b.StartTimer()
				rs := results.New(s)
				res, err := rs.Opportunities(context.Background(), surveystest.Design(b, s, u, id), q)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				check(b, res, weighted)
				// What the store keeps of the study between calls: the
				// cached responses, their review and weights. A million
				// responses keep ten times as much (README.md, "Performance").
				kept = heapInUse() - before
				runtime.KeepAlive(rs)
				if err := s.Close(); err != nil {
					b.Fatal(fmt.Errorf("close: %w", err))
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(kept)/benchResponses, "kept-B/response")
		})
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// setBenchWeighting weights the large study to a population unlike its
// sample on two questions; the unweighted benchmarks set it aside with
// ?weighted=0, as a reader would.
func setBenchWeighting(b *testing.B, path string) {
	b.Helper()
	s, u, id := openBench(b, path)
	defer s.Close()
	_, err := results.New(s).SetWeighting(context.Background(), surveystest.Design(b, s, u, id), results.WeightingInput{Targets: map[string]map[string]float64{
		"company_size": {"1-9": 0.4, "10-49": 0.3, "50-249": 0.2, "250+": 0.1},
		"role":         {"Job executor": 0.4, "Job beneficiary": 0.3, "Product lifecycle support": 0.2, "Purchase decision-maker": 0.1},
	}})
	if err != nil {
		b.Fatal(err)
	}
}
