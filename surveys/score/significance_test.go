package score

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refNormalTail is P(|Z| ≥ z) for a standard normal Z, by Simpson's rule on
// the density from 0 to z: independent of math.Erfc, which the code uses.
func refNormalTail(z float64) float64 {
	z = math.Abs(z)
	const steps = 20000
	h := z / steps
	pdf := func(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
	sum := pdf(0) + pdf(z)
	for i := 1; i < steps; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * pdf(float64(i)*h)
	}
	return 1 - 2*sum*h/3
}

// refTwoProportionP is the pooled two-proportion z test written out from
// the textbook formula.
func refTwoProportionP(x1, n1, x2, n2 int) float64 {
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	p := float64(x1+x2) / float64(n1+n2)
	z := (p1 - p2) / math.Sqrt(p*(1-p)*(1/float64(n1)+1/float64(n2)))
	return refNormalTail(z)
}

func TestTwoProportionP(t *testing.T) {
	tests := []struct {
		name string
		a, b Count
		want float64
	}{
		// Pooled 0.5, se = √(0.25 × 0.04) = 0.1, z = 0.2/0.1 = 2: p = 0.0455003.
		{"by hand: 30/50 against 20/50", Count{30, 50}, Count{20, 50}, 0.04550026},
		{"equal shares", Count{10, 40}, Count{25, 100}, 1},
		{"everyone rating 4-5 on both sides", Count{12, 12}, Count{80, 80}, 1},
		{"nobody rating 4-5", Count{0, 12}, Count{0, 80}, 1},
		{"empty group", Count{0, 0}, Count{40, 80}, 1},
		{"empty rest", Count{5, 9}, Count{0, 0}, 1},
	}
	for _, tt := range tests {
		if got := TwoProportionP(tt.a, tt.b); !near(got, tt.want, 1e-7) {
			t.Errorf("%s: p = %.8f, want %.8f", tt.name, got, tt.want)
		}
	}
	// Against the reference on many random tables, including a single
	// respondent and a group where everyone rated 4-5 against a rest that
	// did not.
	rng := rand.New(rand.NewPCG(3, 4))
	cases := [][4]int{{1, 1, 50, 100}, {0, 1, 50, 100}, {30, 30, 60, 100}, {1, 1, 0, 5}}
	for range 500 {
		n1, n2 := 1+rng.IntN(300), 1+rng.IntN(3000)
		cases = append(cases, [4]int{rng.IntN(n1 + 1), n1, rng.IntN(n2 + 1), n2})
	}
	for _, c := range cases {
		a, b := Count{float64(c[0]), float64(c[1])}, Count{float64(c[2]), float64(c[3])}
		if a.Top+b.Top == 0 || a.Top+b.Top == a.N+b.N {
			continue
		}
		want := refTwoProportionP(c[0], c[1], c[2], c[3])
		if got := TwoProportionP(a, b); !near(got, want, 1e-9) {
			t.Fatalf("%v: p = %.12f, reference %.12f", c, got, want)
		}
	}
}

// refBH is Benjamini-Hochberg as the paper states it: find the largest i
// with p(i) ≤ i/m·α by trying every i, then reject every p ≤ p(i).
func refBH(ps []float64, alpha float64) []bool {
	sorted := slices.Clone(ps)
	slices.Sort(sorted)
	cut := -1.0
	for i, p := range sorted {
		if p <= float64(i+1)/float64(len(ps))*alpha {
			cut = p
		}
	}
	out := make([]bool, len(ps))
	for i, p := range ps {
		out[i] = p <= cut
	}
	return out
}

func TestBenjaminiHochberg(t *testing.T) {
	tests := []struct {
		name string
		ps   []float64
		want []bool
	}{
		// Thresholds for m = 4: 0.0125, 0.025, 0.0375, 0.05.
		{"all under their threshold", []float64{0.01, 0.04, 0.03, 0.005}, []bool{true, true, true, true}},
		{"two", []float64{0.01, 0.02, 0.04, 0.5}, []bool{true, true, false, false}},
		// 0.02 and 0.03 miss their own thresholds but 0.035 meets the third:
		// step-up rejects all three.
		{"step up", []float64{0.9, 0.035, 0.02, 0.03}, []bool{false, true, true, true}},
		{"none", []float64{0.2, 0.06, 0.5}, []bool{false, false, false}},
		{"empty", nil, []bool{}},
	}
	for _, tt := range tests {
		if got := BenjaminiHochberg(tt.ps, 0.05); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		ps := make([]float64, 1+rng.IntN(40))
		for i := range ps {
			ps[i] = math.Pow(rng.Float64(), 3) // many small ones
			if rng.IntN(4) == 0 && i > 0 {
				ps[i] = ps[i-1] // ties
			}
		}
		if got, want := BenjaminiHochberg(ps, 0.05), refBH(ps, 0.05); !slices.Equal(got, want) {
			t.Fatalf("%v: %v, reference %v", ps, got, want)
		}
	}
}

// simulated rates nOutcomes outcomes by a group of groupN and a rest of
// restN respondents, each rating 4 or 5 with the probability given per
// outcome (groupP for the group, 0.4 for everyone else and for
// satisfaction), and tests the group against the rest as the API does.
func simulated(rng *rand.Rand, groupN, restN, nOutcomes int, groupP func(i int) float64) []Row {
	outcomes := numbered(nOutcomes, 1)
	all, group := NewTallies(nOutcomes), NewTallies(nOutcomes)
	rating := func(p float64) byte {
		if rng.Float64() < p {
			return byte(4 + rng.IntN(2))
		}
		return byte(1 + rng.IntN(3))
	}
	v := make([]byte, 2*nOutcomes)
	for r := range groupN + restN {
		for i := range nOutcomes {
			p := 0.4
			if r < groupN {
				p = groupP(i)
			}
			v[2*i], v[2*i+1] = rating(p), rating(0.4)
		}
		all.Add(v)
		if r < groupN {
			group.Add(v)
		}
	}
	rows := Rank(outcomes, group)
	VsRest(rows, Rank(outcomes, all))
	return rows
}

func significant(rows []Row) (n int) {
	for _, r := range rows {
		if r.VsRest.ImportanceSignificant {
			n++
		}
		if r.VsRest.SatisfactionSignificant {
			n++
		}
	}
	return n
}

func TestVsRestFindsAPlantedEffect(t *testing.T) {
	// O3's importance: 70% top-2-box in a group of 150 against 40% in the
	// other 600; nothing else differs.
	rows := simulated(rand.New(rand.NewPCG(1, 1)), 150, 600, 20, func(i int) float64 {
		if i == 2 {
			return 0.7
		}
		return 0.4
	})
	for _, r := range rows {
		want := r.Code == "O3"
		if r.VsRest.ImportanceSignificant != want || r.VsRest.SatisfactionSignificant {
			t.Errorf("%s: %+v, want importance significant %v and satisfaction not", r.Code, *r.VsRest, want)
		}
		if want && r.VsRest.ImportanceP > 1e-6 {
			t.Errorf("O3: p %g, want far below 1e-6 for 70%% against 40%% on 150 and 600", r.VsRest.ImportanceP)
		}
	}
}

func TestVsRestWithoutAnEffect(t *testing.T) {
	same := func(int) float64 { return 0.4 }
	// The documented seed: nothing is significant.
	if rows := simulated(rand.New(rand.NewPCG(1, 1)), 150, 600, 20, same); significant(rows) != 0 {
		t.Fatalf("seed 1: %d significant cells where nothing differs", significant(rows))
	}
	if testing.Short() {
		return
	}
	// Across seeds: with no effect at all, every discovery is false, and BH
	// keeps the chance of any in a group's 40 tests at 5% (2000 seeds: a
	// standard error of 0.5 points).
	const seeds = 2000
	any := 0
	for seed := range uint64(seeds) {
		if significant(simulated(rand.New(rand.NewPCG(seed, 99)), 150, 600, 20, same)) > 0 {
			any++
		}
	}
	rate := float64(any) / seeds
	t.Logf("groups with any false discovery: %d of %d (%.1f%%)", any, seeds, 100*rate)
	if rate > 0.065 {
		t.Errorf("false discovery rate %.3f, want about 0.05 or less", rate)
	}
}

func TestVsRestEdgeCases(t *testing.T) {
	outcomes := []Outcome{{Code: "A", Slot: 0}, {Code: "B", Slot: 1}}
	tests := []struct {
		name        string
		group, rest [][]byte
		want        []Test // A, B
	}{
		{"empty group", nil, [][]byte{vec(5, 1, 2, 2), vec(4, 2, 1, 1)},
			[]Test{{ImportanceP: 1, SatisfactionP: 1}, {ImportanceP: 1, SatisfactionP: 1}}},
		{"everyone rating 4-5 everywhere", [][]byte{vec(5, 4, 4, 5), vec(4, 4, 5, 5)}, [][]byte{vec(5, 5, 4, 4)},
			[]Test{{ImportanceP: 1, SatisfactionP: 1}, {ImportanceP: 1, SatisfactionP: 1}}},
		// A single respondent rating A's importance 5 against 10 who all
		// rate it 1: pooled 1/11, z = 1/√(1/11 × 10/11 × 1.1) = √11 = 3.3166,
		// p = 0.00091112. With m = 4 tests, 0.000911 ≤ 0.0125: significant.
		{"a single respondent", [][]byte{vec(5, 1, 1, 1)}, repeat(vec(1, 1, 1, 1), 10),
			[]Test{{ImportanceP: 0.00091112, SatisfactionP: 1, ImportanceSignificant: true}, {ImportanceP: 1, SatisfactionP: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := tally(2, append(slices.Clone(tt.group), tt.rest...)...)
			rows := Rank(outcomes, tally(2, tt.group...))
			VsRest(rows, Rank(outcomes, all))
			for _, r := range rows {
				w := tt.want[r.Code[0]-'A']
				g := *r.VsRest
				if !near(g.ImportanceP, w.ImportanceP, 1e-7) || !near(g.SatisfactionP, w.SatisfactionP, 1e-7) ||
					g.ImportanceSignificant != w.ImportanceSignificant || g.SatisfactionSignificant != w.SatisfactionSignificant {
					t.Errorf("%s: %+v, want %+v", r.Code, g, w)
				}
			}
		})
	}
}

func repeat(v []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// BenchmarkVsRest is the significance a segmented result adds: five groups
// of 100 outcomes, each tested against the rest on both scales and
// corrected, as one opportunities call at 100,000 × 100 split five ways does.
func BenchmarkVsRest(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const slots = 100
	outcomes := numbered(slots, 1)
	all := NewTallies(slots)
	groups := make([]Tallies, 5)
	for g := range groups {
		groups[g] = NewTallies(slots)
	}
	v := make([]byte, 2*slots)
	for r := range 20000 {
		for i := range v {
			v[i] = byte(1 + rng.IntN(5))
		}
		all.Add(v)
		groups[r%5].Add(v)
	}
	allRows := Rank(outcomes, all)
	rows := make([][]Row, len(groups))
	for g := range groups {
		rows[g] = Rank(outcomes, groups[g])
	}
	b.ReportAllocs()
	for b.Loop() {
		for g := range rows {
			VsRest(rows[g], allRows)
		}
	}
}
