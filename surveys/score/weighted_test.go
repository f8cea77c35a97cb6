package score

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestWeightsOfOneChangeNothing: weighted tallies with every weight 1 give
// the unweighted rows to the last bit, intervals and tests included.
func TestWeightsOfOneChangeNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	outcomes := []Outcome{{Code: "O1", Slot: 0}, {Code: "O2", Slot: 1}, {Code: "O3", Slot: 2}}
	plain, weighted := NewTallies(3), NewWeightedTallies(3)
	group, wgroup := NewTallies(3), NewWeightedTallies(3)
	for i := range 300 {
		r := make([]byte, 6)
		for j := range r {
			r[j] = byte(rng.IntN(6)) // 0 is a missing rating
		}
		plain.Add(r)
		weighted.Add(r, 1)
		if i%3 == 0 {
			group.Add(r)
			wgroup.Add(r, 1)
		}
	}
	all, wall := Rank(outcomes, plain), RankWeighted(outcomes, weighted)
	g, wg := Rank(outcomes, group), RankWeighted(outcomes, wgroup)
	VsRest(g, all)
	VsRest(wg, wall)
	if !reflect.DeepEqual(all, wall) || !reflect.DeepEqual(g, wg) {
		t.Fatalf("weights of 1:\n%+v\n%+v", g, wg)
	}
}

// TestWeightedPlantedEffect: 80 respondents of one kind rate O1's
// importance 5, 20 of another rate it 2; the population is half and half,
// so weights 0.625 and 2.5 give importance 10 × (80 × 0.625)/100 = 5,
// against 8 unweighted. Σw² = 156.25, so the effective n is 64, and the
// interval is Wilson's at p = 0.5, n = 64. Weights of zero leave a
// respondent out of the shares but not of n.
func TestWeightedPlantedEffect(t *testing.T) {
	outcomes := []Outcome{{Code: "O1", Slot: 0}}
	w := NewWeightedTallies(1)
	for range 80 {
		w.Add(vec(5, 1), 0.625)
	}
	for range 20 {
		w.Add(vec(2, 4), 2.5)
	}
	for range 5 {
		w.Add(vec(5, 5), 0)
	}
	r := RankWeighted(outcomes, w)[0]
	half := z * math.Sqrt(0.25/64+z*z/(4*64*64)) / (1 + z*z/64)
	if r.N != 105 || !near(r.Importance, 5, 1e-12) || !near(r.Satisfaction, 5, 1e-12) || !near(r.Opportunity, 5, 1e-12) ||
		!near(r.MeanImportance, 3.5, 1e-12) || !near(r.ImportanceCI[0], 10*(0.5-half), 1e-9) || !near(r.ImportanceCI[1], 10*(0.5+half), 1e-9) {
		t.Fatalf("weighted row %+v, want n 105, 5/5/5, mean 3.5, interval 10 × (0.5 ∓ %.5f)", r, half)
	}
	if c := r.imp.effective(); !near(c.N, 64, 1e-9) || !near(c.Top, 32, 1e-9) {
		t.Fatalf("effective count %+v, want 32 of 64", c)
	}
	// A group whose every weight is 0 scores like an empty one.
	z0 := NewWeightedTallies(1)
	z0.Add(vec(5, 5), 0)
	if r := RankWeighted(outcomes, z0)[0]; r.N != 1 || r.Importance != 0 || r.Opportunity != 0 || r.ImportanceCI != [2]float64{} {
		t.Fatalf("weights of zero: %+v", r)
	}
}

// TestWeightedVsRestUsesEffectiveN: the rest's sums are all's minus the
// group's, weights squared included, so the rest's effective n is that of
// its own weights.
func TestWeightedVsRestUsesEffectiveN(t *testing.T) {
	outcomes := []Outcome{{Code: "O1", Slot: 0}}
	all, group := NewWeightedTallies(1), NewWeightedTallies(1)
	// Group: 40 weighing 1, 30 of them rating 4-5. Rest: 20 weighing 0.5
	// rating 4-5 and 20 weighing 1.5 not: share 10/40 = 0.25, effective n
	// 40²/(20 × 0.25 + 20 × 2.25) = 32.
	for i := range 40 {
		r := vec(2, 2)
		if i < 30 {
			r = vec(5, 2)
		}
		all.Add(r, 1)
		group.Add(r, 1)
	}
	for range 20 {
		all.Add(vec(5, 2), 0.5)
		all.Add(vec(1, 2), 1.5)
	}
	g := RankWeighted(outcomes, group)
	VsRest(g, RankWeighted(outcomes, all))
	want := TwoProportionP(Count{Top: 30, N: 40}, Count{Top: 8, N: 32})
	// By hand: pooled (30 + 8)/72, se = √(p(1 − p)(1/40 + 1/32)).
	p := 38.0 / 72
	zz := (0.75 - 0.25) / math.Sqrt(p*(1-p)*(1.0/40+1.0/32))
	if !near(g[0].VsRest.ImportanceP, want, 1e-12) || !near(want, refNormalTail(zz), 1e-9) {
		t.Fatalf("p %v, want %v (z %.4f)", g[0].VsRest.ImportanceP, want, zz)
	}
}

// TestWeightedForces: means and the share with a positive net are
// weighted; n stays the count. Weights 3 and 1: push (3×8 + 1×2)/4 = 6.5,
// net (3×10 + 1×(−6))/4 = 6, positive share 3/4.
func TestWeightedForces(t *testing.T) {
	var f ForceTally
	f.Add(8, 7, 3, 2, 3) // net 10
	f.Add(2, 3, 6, 5, 1) // net -6
	s := f.Summary()
	if s.N != 2 || !near(s.Push, 6.5, 1e-12) || !near(s.Net, 6, 1e-12) || !near(s.PositiveShare, 0.75, 1e-12) {
		t.Fatalf("weighted forces %+v", s)
	}
}

// TestWeightedSegmentsMergeToAll: weighted tallies and forces of disjoint
// segments, merged, are those of all their respondents, as the results of a
// split add each respondent to one segment and merge the segments into all.
func TestWeightedSegmentsMergeToAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const slots = 8
	all, merged := NewWeightedTallies(slots), NewWeightedTallies(slots)
	segs := []WeightedTallies{NewWeightedTallies(slots), NewWeightedTallies(slots)}
	var allF, mergedF ForceTally
	segF := make([]ForceTally, len(segs))
	for range 500 {
		v := make([]byte, 2*slots)
		for i := range v {
			v[i] = byte(rng.IntN(6))
		}
		w := 0.2 + 2*rng.Float64()
		push, pull, anxiety, habit := 1+rng.IntN(10), 1+rng.IntN(10), 1+rng.IntN(10), rng.IntN(11)
		s := rng.IntN(len(segs))
		all.Add(v, w)
		segs[s].Add(v, w)
		allF.Add(push, pull, anxiety, habit, w)
		segF[s].Add(push, pull, anxiety, habit, w)
	}
	for s := range segs {
		merged.Merge(segs[s])
		mergedF.Merge(segF[s])
	}
	for i := range all {
		a, m := all[i], merged[i]
		if a.ImpN != m.ImpN || a.SatN != m.SatN || !near(a.ImpSq, m.ImpSq, 1e-9) || !near(a.SatSq, m.SatSq, 1e-9) {
			t.Fatalf("slot %d: merged %+v, all %+v", i, m, a)
		}
		for v := range a.Imp {
			if !near(a.Imp[v], m.Imp[v], 1e-9) || !near(a.Sat[v], m.Sat[v], 1e-9) {
				t.Fatalf("slot %d value %d: merged %+v, all %+v", i, v, m, a)
			}
		}
	}
	a, m := allF.Summary(), mergedF.Summary()
	if a.N != m.N || !near(a.Push, m.Push, 1e-12) || !near(a.Net, m.Net, 1e-12) || !near(a.PositiveShare, m.PositiveShare, 1e-12) {
		t.Fatalf("merged forces %+v, all %+v", m, a)
	}
}

// BenchmarkWeightedTalliesAdd is BenchmarkTalliesAdd with a weight per
// respondent: the hot loop of a weighted result.
func BenchmarkWeightedTalliesAdd(b *testing.B) {
	const n, slots = 100_000, 100
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([][]byte, n)
	weights := make([]float64, n)
	for i := range rows {
		rows[i] = make([]byte, 2*slots)
		for j := range rows[i] {
			rows[i][j] = byte(1 + rng.IntN(5))
		}
		weights[i] = 0.5 + rng.Float64()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t := NewWeightedTallies(slots)
		for i, r := range rows {
			t.Add(r, weights[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/respondent")
}
