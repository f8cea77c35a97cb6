// Package score computes ODI opportunity scores from importance and
// satisfaction ratings, exactly as docs/scoring.md sets them out: top-two-box
// shares on a 0–10 scale, opportunity = importance + max(importance −
// satisfaction, 0), Wilson intervals, classes and ranks.
package score

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Outcome is what scoring needs to know of one outcome statement.
type Outcome struct {
	Code, Statement, Step string
	Slot                  int // position of this outcome's pair in a ratings vector
}

// A ratings vector holds one respondent's ratings: r[2*slot] is importance,
// r[2*slot+1] satisfaction, each 1..5, 0 = not answered. A vector shorter than
// the outcomes simply has no answer for the missing tail.

// Tally counts the ratings of one outcome by value; index 0 is unused.
type Tally struct{ Imp, Sat [6]int32 }

// Tallies holds one Tally per slot.
type Tallies []Tally

// NewTallies makes empty tallies for a study with the given number of slots.
func NewTallies(slots int) Tallies { return make(Tallies, slots) }

// Add counts one respondent's ratings. It is the hot loop of every result, so
// it does no allocation and no bounds work beyond the slice lengths.
func (t Tallies) Add(ratings []byte) {
	n := min(len(t), len(ratings)/2)
	for i := 0; i < n; i++ {
		imp, sat := ratings[2*i], ratings[2*i+1]
		if imp-1 < 5 { // byte arithmetic: 0 and >5 wrap past 4
			t[i].Imp[imp]++
		}
		if sat-1 < 5 {
			t[i].Sat[sat]++
		}
	}
}

// Merge adds the counts of o, tallies of the same slots, to t.
func (t Tallies) Merge(o Tallies) {
	for i := range min(len(t), len(o)) {
		for v := range t[i].Imp {
			t[i].Imp[v] += o[i].Imp[v]
			t[i].Sat[v] += o[i].Sat[v]
		}
	}
}

// WeightedTally sums the weights of the respondents who gave each rating of
// one outcome (index 0 unused), the squares of those weights over each
// scale, from which the effective n of a weighted share comes, and how many
// rated each scale, whatever their weight.
type WeightedTally struct {
	Imp, Sat     [6]float64
	ImpSq, SatSq float64
	ImpN, SatN   int32
}

// WeightedTallies holds one WeightedTally per slot.
type WeightedTallies []WeightedTally

// NewWeightedTallies makes empty weighted tallies for a study with the given
// number of slots.
func NewWeightedTallies(slots int) WeightedTallies { return make(WeightedTallies, slots) }

// Add counts one respondent's ratings with weight w.
func (t WeightedTallies) Add(ratings []byte, w float64) {
	n := min(len(t), len(ratings)/2)
	w2 := w * w
	for i := 0; i < n; i++ {
		imp, sat := ratings[2*i], ratings[2*i+1]
		if imp-1 < 5 {
			t[i].Imp[imp] += w
			t[i].ImpSq += w2
			t[i].ImpN++
		}
		if sat-1 < 5 {
			t[i].Sat[sat] += w
			t[i].SatSq += w2
			t[i].SatN++
		}
	}
}

// Merge adds the sums of o, tallies of the same slots, to t.
func (t WeightedTallies) Merge(o WeightedTallies) {
	for i := range min(len(t), len(o)) {
		for v := range t[i].Imp {
			t[i].Imp[v] += o[i].Imp[v]
			t[i].Sat[v] += o[i].Sat[v]
		}
		t[i].ImpSq += o[i].ImpSq
		t[i].SatSq += o[i].SatSq
		t[i].ImpN += o[i].ImpN
		t[i].SatN += o[i].SatN
	}
}

// Row is one outcome's result in one group; its JSON is the public API.
type Row struct {
	Code             string     `json:"code"`
	Statement        string     `json:"statement"`
	Step             string     `json:"step"`
	N                int        `json:"n"`
	Importance       float64    `json:"importance"`
	Satisfaction     float64    `json:"satisfaction"`
	Opportunity      float64    `json:"opportunity"`
	Class            string     `json:"class"`
	Rank             int        `json:"rank"`
	ImportanceCI     [2]float64 `json:"importance_ci"`
	SatisfactionCI   [2]float64 `json:"satisfaction_ci"`
	MeanImportance   float64    `json:"mean_importance"`
	MeanSatisfaction float64    `json:"mean_satisfaction"`
	Gap              float64    `json:"gap"`
	VsRest           *Test      `json:"vs_rest,omitempty"` // a segment's outcome against everyone else; see VsRest
	// NotAsked is an outcome the group's respondents were never asked (it
	// is routed to other roles): no score, no rank, last.
	NotAsked bool `json:"not_asked,omitempty"`

	imp, sat side // the sums the shares come from, for the tests
}

// z is the 97.5th percentile of the standard normal, for 95% intervals.
const z = 1.959964

// side summarises one scale of one outcome: the weight of those who rated
// it (n), of those who rated 4 or 5 (top), the weighted sum of the ratings,
// and the sum of the squared weights. Unweighted every weight is 1, so n and
// top are counts and sq equals n; the values are whole numbers far below
// 2⁵³, so every sum and product below is exact and the unweighted scores are
// those of integer arithmetic to the last bit.
type side struct {
	n, top, sum, sq float64
	count           int32 // respondents who rated, whatever their weight
}

func summarise(counts [6]int32) side {
	var s side
	for v := 1; v <= 5; v++ {
		s.count += counts[v]
		s.sum += float64(v) * float64(counts[v])
	}
	s.n = float64(s.count)
	s.sq = s.n
	s.top = float64(counts[4] + counts[5])
	return s
}

func summariseWeighted(sums [6]float64, sq float64, count int32) side {
	s := side{sq: sq, count: count}
	for v := 1; v <= 5; v++ {
		s.n += sums[v]
		s.sum += float64(v) * sums[v]
	}
	s.top = sums[4] + sums[5]
	return s
}

// share is the top-two-box share on the 0–10 scale.
func (s side) share() float64 {
	if s.n <= 0 {
		return 0
	}
	return 10 * s.top / s.n
}

func (s side) mean() float64 {
	if s.n <= 0 {
		return 0
	}
	return s.sum / s.n
}

// count is the side as the tests and intervals read it: the top-two-box
// share of an effective n of (Σw)² ÷ Σw² respondents (Kish), which is the
// plain count when every weight is 1 (docs/scoring.md, "Weighting").
func (s side) effective() Count {
	if s.n <= 0 || s.sq <= 0 {
		return Count{}
	}
	eff := s.n * s.n / s.sq
	return Count{Top: eff * s.top / s.n, N: eff}
}

// minus is what is left of s without t: everyone else's sums.
func (s side) minus(t side) side {
	return side{n: s.n - t.n, top: s.top - t.top, sum: s.sum - t.sum, sq: s.sq - t.sq, count: s.count - t.count}
}

// wilson is the 95% Wilson score interval of the top-two-box proportion,
// ×10, on the effective n.
func (s side) wilson() [2]float64 {
	c := s.effective()
	if c.N == 0 {
		return [2]float64{0, 0}
	}
	n := c.N
	p := s.top / s.n
	z2 := z * z
	den := 1 + z2/n
	centre := (p + z2/(2*n)) / den
	half := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n)) / den
	return [2]float64{10 * max(0, centre-half), 10 * min(1, centre+half)}
}

// opportunity is importance + max(importance − satisfaction, 0), computed
// from the sums in one division. Adding the two shares in floating point
// makes exact ties differ in the last bit (69/14 + 1/14 is 5.000000000000001),
// which would rank them by that bit rather than by importance and code; one
// division of exact whole numbers rounds equal values to the same float.
func opportunity(imp, sat side) float64 {
	if imp.top <= 0 || imp.n <= 0 {
		return 0
	}
	ti, ni := imp.top, imp.n
	ts, ns := sat.top, sat.n
	if ns <= 0 {
		ts, ns = 0, 1 // no satisfaction rating: its share is 0
	}
	if ti*ns <= ts*ni { // importance ≤ satisfaction: no gap to add
		return 10 * ti / ni
	}
	return (20*ti*ns - 10*ts*ni) / (ni * ns)
}

// Rank scores every outcome and returns the rows by rank: opportunity
// descending, then importance descending, then code ascending.
func Rank(outcomes []Outcome, t Tallies) []Row {
	return rank(outcomes, func(slot int) (side, side) {
		var tl Tally
		if slot >= 0 && slot < len(t) {
			tl = t[slot]
		}
		return summarise(tl.Imp), summarise(tl.Sat)
	})
}

// RankWeighted is Rank on weighted tallies: shares, means and
// opportunities are weighted, intervals and tests use the effective n, and
// each row's n is still the count of respondents.
func RankWeighted(outcomes []Outcome, t WeightedTallies) []Row {
	return rank(outcomes, func(slot int) (side, side) {
		var tl WeightedTally
		if slot >= 0 && slot < len(t) {
			tl = t[slot]
		}
		return summariseWeighted(tl.Imp, tl.ImpSq, tl.ImpN), summariseWeighted(tl.Sat, tl.SatSq, tl.SatN)
	})
}

func rank(outcomes []Outcome, sides func(slot int) (side, side)) []Row {
	rows := make([]Row, len(outcomes))
	for i, o := range outcomes {
		imp, sat := sides(o.Slot)
		r := Row{Code: o.Code, Statement: o.Statement, Step: o.Step, N: int(max(imp.count, sat.count)),
			Importance: imp.share(), Satisfaction: sat.share(),
			ImportanceCI: imp.wilson(), SatisfactionCI: sat.wilson(),
			MeanImportance: imp.mean(), MeanSatisfaction: sat.mean(),
			imp: imp, sat: sat}
		r.Opportunity = opportunity(imp, sat)
		r.Gap = r.MeanImportance - r.MeanSatisfaction
		r.Class = Class(r.Importance, r.Satisfaction, r.Opportunity)
		rows[i] = r
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		switch {
		case a.Opportunity > b.Opportunity:
			return -1
		case a.Opportunity < b.Opportunity:
			return 1
		case a.Importance > b.Importance:
			return -1
		case a.Importance < b.Importance:
			return 1
		}
		return CompareCodes(a.Code, b.Code)
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows
}

// Round1 rounds a score half up to one decimal, as people read it; every page
// and export shows scores through it so the number and its class agree. The
// small epsilon keeps 14.95, stored as 14.9499999…, on the side a reader
// expects.
func Round1(v float64) float64 { return math.Floor(v*10+0.5+1e-9) / 10 }

// Class names an outcome's class from its opportunity rounded half-up to one
// decimal (Round1), so the number people read and the class always agree.
// Overserved compares the unrounded satisfaction and importance:
// docs/scoring.md ("Class") rounds only the opportunity, and the golden data cannot tell the two apart
// (its one row whose shares round alike, all/O01 4.74 vs 4.69, is served
// either way), so we follow the text.
func Class(importance, satisfaction, opportunity float64) string {
	switch rounded := Round1(opportunity); {
	case rounded >= 15:
		return "extreme"
	case rounded >= 12:
		return "high"
	case rounded >= 10:
		return "solid"
	case satisfaction > importance:
		return "overserved"
	}
	return "served"
}

// PriorityFactors are the factors of a group's priority, so that a reader
// can see why one group comes before another (docs/scoring.md, "Segment
// priority").
type PriorityFactors struct {
	Importance      float64 `json:"importance"`      // I: the top five's mean importance ÷ 10
	Dissatisfaction float64 `json:"dissatisfaction"` // 1 − S: one minus their mean satisfaction ÷ 10
	Share           float64 `json:"share"`           // group n ÷ all n; 1 when the group has its own market size
	MarketSize      float64 `json:"market_size"`     // the group's or the study's market size, or 1
}

// Priority is the product of the factors.
func (f PriorityFactors) Priority() float64 {
	return f.Importance * f.Dissatisfaction * f.Share * f.MarketSize
}

// Factors are the factors of a group's segment priority (docs/scoring.md,
// "Segment priority"), I × (1 − S) × (group n / all n) × market size, on
// its five highest-ranked outcomes (rows by rank); a marketSize of 0 or
// less counts as 1. The sizes are the groups' total weights: their counts
// unweighted. With nobody counted every factor is 0.
func Factors(rows []Row, groupN, allN float64, marketSize float64) PriorityFactors {
	if len(rows) == 0 || allN <= 0 {
		return PriorityFactors{}
	}
	if marketSize <= 0 {
		marketSize = 1
	}
	top := rows[:min(5, len(rows))]
	var imp, sat float64
	for _, r := range top {
		imp += r.Importance
		sat += r.Satisfaction
	}
	i := imp / float64(len(top)) / 10
	s := sat / float64(len(top)) / 10
	return PriorityFactors{Importance: i, Dissatisfaction: 1 - s, Share: groupN / allN, MarketSize: marketSize}
}

// ForceTally accumulates the four forces of switching over responses that
// rated all four, each response with its weight (1 unweighted).
type ForceTally struct {
	n                          int
	weight, positive           float64
	push, pull, anxiety, habit float64
}

// Add counts one response's forces (each 1..10) with weight w; a response
// missing any is skipped.
func (f *ForceTally) Add(push, pull, anxiety, habit int, w float64) {
	for _, v := range [4]int{push, pull, anxiety, habit} {
		if v < 1 || v > 10 {
			return
		}
	}
	f.n++
	f.weight += w
	f.push += w * float64(push)
	f.pull += w * float64(pull)
	f.anxiety += w * float64(anxiety)
	f.habit += w * float64(habit)
	if push+pull-anxiety-habit > 0 {
		f.positive += w
	}
}

// Merge adds the responses of o to f.
func (f *ForceTally) Merge(o ForceTally) {
	f.n += o.n
	f.weight += o.weight
	f.positive += o.positive
	f.push += o.push
	f.pull += o.pull
	f.anxiety += o.anxiety
	f.habit += o.habit
}

// ForceSummary is a group's four forces: means, mean net switch force
// ((push + pull) − (anxiety + habit)) and the share with a positive net.
type ForceSummary struct {
	N             int     `json:"n"`
	Push          float64 `json:"push"`
	Pull          float64 `json:"pull"`
	Anxiety       float64 `json:"anxiety"`
	Habit         float64 `json:"habit"`
	Net           float64 `json:"net"`
	PositiveShare float64 `json:"positive_share"`
}

// Summary is the (weighted) means of what was added.
func (f ForceTally) Summary() ForceSummary {
	if f.n == 0 || f.weight <= 0 {
		return ForceSummary{N: f.n}
	}
	w := f.weight
	s := ForceSummary{N: f.n, Push: f.push / w, Pull: f.pull / w,
		Anxiety: f.anxiety / w, Habit: f.habit / w, PositiveShare: f.positive / w}
	s.Net = (f.push + f.pull - f.anxiety - f.habit) / w // from the sums, so a balanced net is exactly 0
	return s
}

// CompareCodes orders outcome codes naturally: letters as text, runs of
// digits as numbers, so O2 comes before O10. Codes that read alike that way
// ("O1" and "O01") fall back to plain text, so that the order is total.
func CompareCodes(a, b string) int {
	x, y := a, b
	for x != "" && y != "" {
		dx, dy := digitRun(x), digitRun(y)
		if dx > 0 && dy > 0 {
			nx, _ := strconv.ParseUint(x[:dx], 10, 64) // codes are at most 16 characters
			ny, _ := strconv.ParseUint(y[:dy], 10, 64)
			if c := cmp.Compare(nx, ny); c != 0 {
				return c
			}
			x, y = x[dx:], y[dy:]
			continue
		}
		if c := cmp.Compare(x[0], y[0]); c != 0 {
			return c
		}
		x, y = x[1:], y[1:]
	}
	if c := cmp.Compare(len(x), len(y)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
