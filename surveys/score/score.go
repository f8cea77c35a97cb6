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

	imp, sat Count // the counts the shares come from, for the tests
}

// z is the 97.5th percentile of the standard normal, for 95% intervals.
const z = 1.959964

// side summarises one scale of one outcome.
type side struct {
	n, top int32
	sum    int64
}

func summarise(counts [6]int32) side {
	var s side
	for v := 1; v <= 5; v++ {
		s.n += counts[v]
		s.sum += int64(v) * int64(counts[v])
	}
	s.top = counts[4] + counts[5]
	return s
}

// share is the top-two-box share on the 0–10 scale.
func (s side) share() float64 {
	if s.n == 0 {
		return 0
	}
	return 10 * float64(s.top) / float64(s.n)
}

func (s side) mean() float64 {
	if s.n == 0 {
		return 0
	}
	return float64(s.sum) / float64(s.n)
}

// wilson is the 95% Wilson score interval of the top-two-box proportion, ×10.
func (s side) wilson() [2]float64 {
	if s.n == 0 {
		return [2]float64{0, 0}
	}
	n := float64(s.n)
	p := float64(s.top) / n
	z2 := z * z
	den := 1 + z2/n
	centre := (p + z2/(2*n)) / den
	half := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n)) / den
	return [2]float64{10 * max(0, centre-half), 10 * min(1, centre+half)}
}

// opportunity is importance + max(importance − satisfaction, 0), computed
// from the counts in one division. Adding the two shares in floating point
// makes exact ties differ in the last bit (69/14 + 1/14 is 5.000000000000001),
// which would rank them by that bit rather than by importance and code; one
// division of exact integers rounds equal values to the same float.
func opportunity(imp, sat side) float64 {
	if imp.top == 0 {
		return 0
	}
	ti, ni := int64(imp.top), int64(imp.n)
	ts, ns := int64(sat.top), int64(sat.n)
	if ns == 0 {
		ns = 1 // no satisfaction rating: its share is 0
	}
	if ti*ns <= ts*ni { // importance ≤ satisfaction: no gap to add
		return 10 * float64(ti) / float64(ni)
	}
	return float64(20*ti*ns-10*ts*ni) / float64(ni*ns)
}

// Rank scores every outcome and returns the rows by rank: opportunity
// descending, then importance descending, then code ascending.
func Rank(outcomes []Outcome, t Tallies) []Row {
	rows := make([]Row, len(outcomes))
	for i, o := range outcomes {
		var tl Tally
		if o.Slot >= 0 && o.Slot < len(t) {
			tl = t[o.Slot]
		}
		imp, sat := summarise(tl.Imp), summarise(tl.Sat)
		r := Row{Code: o.Code, Statement: o.Statement, Step: o.Step, N: int(max(imp.n, sat.n)),
			Importance: imp.share(), Satisfaction: sat.share(),
			ImportanceCI: imp.wilson(), SatisfactionCI: sat.wilson(),
			MeanImportance: imp.mean(), MeanSatisfaction: sat.mean(),
			imp: Count{Top: int(imp.top), N: int(imp.n)}, sat: Count{Top: int(sat.top), N: int(sat.n)}}
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

// Priority is a group's segment priority (docs/scoring.md, "Segment
// priority"), importance × dissatisfaction × market size, on its five
// highest-ranked outcomes (rows by rank): I × (1 − S) × (group n / all n) ×
// market size, market size 1 when unset.
func Priority(rows []Row, groupN, allN int, marketSize float64) float64 {
	if len(rows) == 0 || allN == 0 {
		return 0
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
	return i * (1 - s) * (float64(groupN) / float64(allN)) * marketSize
}

// ForceTally accumulates the four forces of switching over responses that
// rated all four.
type ForceTally struct {
	n, positive                int
	push, pull, anxiety, habit int
}

// Add counts one response's forces (each 1..10); a response missing any is skipped.
func (f *ForceTally) Add(push, pull, anxiety, habit int) {
	for _, v := range [4]int{push, pull, anxiety, habit} {
		if v < 1 || v > 10 {
			return
		}
	}
	f.n++
	f.push += push
	f.pull += pull
	f.anxiety += anxiety
	f.habit += habit
	if push+pull-anxiety-habit > 0 {
		f.positive++
	}
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

// Summary is the means of what was added.
func (f ForceTally) Summary() ForceSummary {
	if f.n == 0 {
		return ForceSummary{}
	}
	n := float64(f.n)
	s := ForceSummary{N: f.n, Push: float64(f.push) / n, Pull: float64(f.pull) / n,
		Anxiety: float64(f.anxiety) / n, Habit: float64(f.habit) / n, PositiveShare: float64(f.positive) / n}
	s.Net = float64(f.push+f.pull-f.anxiety-f.habit) / n // from the sums, so a balanced net is exactly 0
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
