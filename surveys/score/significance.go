package score

import (
	"math"
	"slices"
)

// Alpha is the false discovery rate the Benjamini-Hochberg procedure keeps
// to: 5%, as docs/scoring.md ("Significance") says.
const Alpha = 0.05

// Count is one scale of one outcome: how many gave a rating and how many of
// them a 4 or 5. Weighted, N is the effective n and Top the weighted share
// of it, so neither need be whole.
type Count struct{ Top, N float64 }

// Share is the top-two-box proportion, 0 when nobody rated.
func (c Count) Share() float64 {
	if c.N <= 0 {
		return 0
	}
	return c.Top / c.N
}

// TwoProportionP is the two-sided p-value of the pooled two-proportion z
// test of a.Top/a.N against b.Top/b.N: z = (p₁ − p₂) / √(p(1 − p)(1/n₁ +
// 1/n₂)) with p the pooled share, p = erfc(|z|/√2). With nobody on either
// side there is nothing to test, and with a pooled share of 0 or 1 both
// shares are equal: either way p is 1.
func TwoProportionP(a, b Count) float64 {
	if a.N <= 0 || b.N <= 0 {
		return 1
	}
	n1, n2 := a.N, b.N
	pooled := (a.Top + b.Top) / (n1 + n2)
	se := math.Sqrt(pooled * (1 - pooled) * (1/n1 + 1/n2))
	if !(se > 0) { // 0, or NaN from a pooled share rounded past 0 or 1
		return 1
	}
	z := (a.Share() - b.Share()) / se
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// BenjaminiHochberg tells which of the p-values are significant at a false
// discovery rate of alpha: sorted ascending, the largest k with p₍ₖ₎ ≤ k/m ×
// alpha, and every p-value up to p₍ₖ₎, is rejected.
func BenjaminiHochberg(ps []float64, alpha float64) []bool {
	m := len(ps)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case ps[a] < ps[b]:
			return -1
		case ps[a] > ps[b]:
			return 1
		}
		return 0
	})
	k := 0
	for i, j := range order {
		if ps[j] <= float64(i+1)/float64(m)*alpha {
			k = i + 1
		}
	}
	out := make([]bool, m)
	for _, j := range order[:k] {
		out[j] = true
	}
	return out
}

// Test is one outcome's pair of tests, importance and satisfaction, of one
// set of respondents against another: a segment against everyone else, or
// one wave against another.
type Test struct {
	ImportanceP             float64 `json:"importance_p"`
	SatisfactionP           float64 `json:"satisfaction_p"`
	ImportanceSignificant   bool    `json:"importance_significant"`
	SatisfactionSignificant bool    `json:"satisfaction_significant"`
}

// Pair is one outcome's counts on both scales in the two sets compared.
type Pair struct{ Imp, Sat [2]Count }

// TestPairs tests every outcome on both scales and corrects the 2 × len(pairs)
// p-values together by Benjamini-Hochberg at Alpha: the family is the whole
// comparison, so reading it for "anything different?" keeps its promise.
func TestPairs(pairs []Pair) []Test {
	ps := make([]float64, 2*len(pairs))
	for i, p := range pairs {
		ps[2*i] = TwoProportionP(p.Imp[0], p.Imp[1])
		ps[2*i+1] = TwoProportionP(p.Sat[0], p.Sat[1])
	}
	sig := BenjaminiHochberg(ps, Alpha)
	out := make([]Test, len(pairs))
	for i := range pairs {
		out[i] = Test{ImportanceP: ps[2*i], SatisfactionP: ps[2*i+1], ImportanceSignificant: sig[2*i], SatisfactionSignificant: sig[2*i+1]}
	}
	return out
}

// VsRest tests each outcome of a group against everyone else counted (all
// minus the group: a respondent is in the group or in the rest, never both)
// and sets the group rows' VsRest. all and group are rows of the same
// outcomes in any order.
func VsRest(group, all []Row) {
	at := make(map[string]int, len(all))
	for i, r := range all {
		at[r.Code] = i
	}
	pairs := make([]Pair, len(group))
	for i, g := range group {
		a := all[at[g.Code]]
		pairs[i] = Pair{
			Imp: [2]Count{g.imp.effective(), a.imp.minus(g.imp).effective()},
			Sat: [2]Count{g.sat.effective(), a.sat.minus(g.sat).effective()},
		}
	}
	for i, t := range TestPairs(pairs) {
		group[i].VsRest = &t
	}
}

// Marks are the significance marks of a segment's outcome x against
// everyone else: "I↑" importance significantly higher, "S↓" satisfaction
// significantly lower, none when neither differs. all is the same outcome in
// all respondents: all mixes the group with the rest, so the group is above
// all exactly when it is above the rest.
func Marks(x, all Row) []string {
	if x.VsRest == nil {
		return nil
	}
	var m []string
	arrow := func(group, everyone float64) string {
		if group < everyone {
			return "↓"
		}
		return "↑"
	}
	if x.VsRest.ImportanceSignificant {
		m = append(m, "I"+arrow(x.Importance, all.Importance))
	}
	if x.VsRest.SatisfactionSignificant {
		m = append(m, "S"+arrow(x.Satisfaction, all.Satisfaction))
	}
	return m
}

// Compare tests each outcome of one set of respondents against the same
// outcome of another (a wave against an earlier one): this[i] and other[i]
// are the same outcome. The family corrected together is every outcome on
// both scales.
func Compare(this, other []Row) []Test {
	pairs := make([]Pair, len(this))
	for i := range this {
		pairs[i] = Pair{Imp: [2]Count{this[i].imp.effective(), other[i].imp.effective()}, Sat: [2]Count{this[i].sat.effective(), other[i].sat.effective()}}
	}
	return TestPairs(pairs)
}
