package app

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"odi/surveys/cluster"
	"odi/surveys/results"
	"odi/surveys/score"
)

// The ranked table, the opportunity landscape, the segment comparison and
// the segment canvas are laid out here once, for the researcher's pages and
// the stakeholder report alike, which print them with the same partials
// (results_partials.html). Every score is shown through one(), so a number
// and its class always agree.

// resultsView is one scored result, ready to print.
type resultsView struct {
	Groups     []groupView // all respondents first, then the segments
	All        groupView   // Groups[0]
	Segments   []groupView // Groups without all respondents
	Landscape  landscape   // of all respondents
	Comparison *comparisonView
	Classes    []string // the class legend, best first
}

// groupView is one group's ranked table.
type groupView struct {
	results.Group
	Rows       []rankedRow
	Priority   string
	Index      string // the priority index, 100 for the average group; "" for all
	Tip        string // the priority's formula with each factor's value
	Forces     *forcesView
	EffectiveN string // shown beside n when the result is weighted
}

// rankedRow is one outcome of one group. The Sort* fields are the raw
// values a column sorts by (results.js), so sorting never parses what the
// page shows.
type rankedRow struct {
	score.Row
	Imp, Sat, Opp              string
	ImpLo, ImpHi, SatLo, SatHi string
	Bar                        string // width of the opportunity bar, 0–100
	CodeOrder                  int    // position in natural code order (O2 before O10)
}

type forcesView struct {
	N                               int
	Push, Pull, Anxiety, Habit, Net string
	Positive                        string
}

// comparisonView is the segment comparison heat map: one row per outcome,
// one column per group.
type comparisonView struct {
	Groups []groupView
	Rows   []comparisonRow
}

type comparisonRow struct {
	Rank      int
	Code      string
	Statement string
	Cells     []heatCell
}

type heatCell struct {
	Value string // "" when the group has no rating of the outcome
	Class string
	Title string
	Marks []sigMark // the scales on which the group differs from everyone else
}

// sigMark is one significant difference of a segment from everyone else:
// "I↑" reads importance significantly higher, "S↓" satisfaction lower.
type sigMark struct {
	Mark, Says string
}

// sigMarks are score.Marks of a segment's outcome x, each with what it
// says, for the title and for screen readers.
func sigMarks(x, all score.Row) []sigMark {
	var out []sigMark
	for _, m := range score.Marks(x, all) {
		scale, word := "importance", "higher"
		if m[0] == 'S' {
			scale = "satisfaction"
		}
		if strings.HasSuffix(m, "↓") {
			word = "lower"
		}
		out = append(out, sigMark{Mark: m, Says: scale + " significantly " + word + " than everyone else"})
	}
	return out
}

// classes are the opportunity classes, best first, as the legends list them.
var classes = []string{"extreme", "high", "solid", "served", "overserved"}

// one formats a score to one decimal, rounding half up like the class does,
// so the number shown and its class agree: 14.95 is 15.0 and extreme.
func one(v float64) string {
	return strconv.FormatFloat(score.Round1(v), 'f', 1, 64)
}

func two(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', 0, 64) + "%" }

// newResultsView lays out a result; the comparison is there only when the
// result is split into segments.
func newResultsView(opps *results.Opportunities) resultsView {
	v := resultsView{Classes: classes}
	for _, g := range opps.Groups {
		gv := newGroupView(g)
		if opps.Weighted {
			gv.EffectiveN = one(g.EffectiveN)
		}
		v.Groups = append(v.Groups, gv)
	}
	if len(v.Groups) == 0 {
		return v
	}
	v.All, v.Segments = v.Groups[0], v.Groups[1:]
	v.Landscape = newLandscape(opps.Groups[0].Outcomes)
	if len(v.Segments) > 0 {
		v.Comparison = newComparison(opps, v.Groups)
	}
	return v
}

func newGroupView(g results.Group) groupView {
	v := groupView{Group: g, Priority: strconv.FormatFloat(g.Priority, 'f', 3, 64), Tip: results.PriorityFormula(g)}
	if g.PriorityIndex != nil {
		v.Index = strconv.FormatFloat(*g.PriorityIndex, 'f', 0, 64)
	}
	byCode := slices.Clone(g.Outcomes)
	slices.SortFunc(byCode, func(a, b score.Row) int { return score.CompareCodes(a.Code, b.Code) })
	order := make(map[string]int, len(byCode))
	for i, r := range byCode {
		order[r.Code] = i
	}
	for _, r := range g.Outcomes {
		v.Rows = append(v.Rows, rankedRow{Row: r, Imp: one(r.Importance), Sat: one(r.Satisfaction), Opp: one(r.Opportunity),
			ImpLo: one(r.ImportanceCI[0]), ImpHi: one(r.ImportanceCI[1]), SatLo: one(r.SatisfactionCI[0]), SatHi: one(r.SatisfactionCI[1]),
			Bar: strconv.FormatFloat(math.Min(100, score.Round1(r.Opportunity)*5), 'f', 1, 64), CodeOrder: order[r.Code]})
	}
	if f := g.Forces; f != nil {
		v.Forces = &forcesView{N: f.N, Push: two(f.Push), Pull: two(f.Pull), Anxiety: two(f.Anxiety), Habit: two(f.Habit),
			Net: two(f.Net), Positive: strconv.FormatFloat(f.PositiveShare*100, 'f', 0, 64) + "%"}
	}
	return v
}

func newComparison(opps *results.Opportunities, groups []groupView) *comparisonView {
	c := &comparisonView{Groups: groups}
	for _, r := range opps.Comparison() {
		row := comparisonRow{Rank: r.Rank, Code: r.Code, Statement: r.Statement, Cells: make([]heatCell, len(r.Cells))}
		for i, x := range r.Cells {
			if x.N > 0 {
				row.Cells[i] = heatCell{Value: one(x.Opportunity), Class: x.Class, Marks: sigMarks(x, r.Cells[0]),
					Title: fmt.Sprintf("%s, %s: opportunity %s (%s), n %d", opps.Groups[i].Label, r.Code, one(x.Opportunity), x.Class, x.N)}
			}
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// landscape is the opportunity landscape drawn as SVG on the server:
// importance across, satisfaction up, with the lines of opportunity 10, 12
// and 15 and the outcomes as labelled points.
type landscape struct {
	Width, Height         int
	Left, Top, Right, Bot float64
	XTicks, YTicks        []tick
	Zones                 []zone
	Diagonal              string
	Points                []point
	XLabelX, XLabelY      float64
	YLabelX, YLabelY      float64
	XTickY, YTickX        float64
	Empty                 bool
}

type tick struct {
	Pos   float64
	Label string
}

type zone struct {
	Class, Polygon, Line string
	LabelX, LabelY       float64
	Label                string
}

type point struct {
	X, Y, LX, LY float64
	Labelled     bool
	Minor        bool // labelled on wide screens only
	Code, Class  string
	Title        string
}

const (
	plotW, plotH = 560.0, 400.0
	marginL      = 56.0
	marginT      = 16.0
)

func newLandscape(rows []score.Row) landscape {
	l := landscape{Width: int(marginL + plotW + 36), Height: int(marginT + plotH + 52),
		Left: marginL, Top: marginT, Right: marginL + plotW, Bot: marginT + plotH, Empty: len(rows) == 0}
	x := func(imp float64) float64 { return round1(marginL + imp/10*plotW) }
	y := func(sat float64) float64 { return round1(marginT + (1-sat/10)*plotH) }
	for v := 0; v <= 10; v += 2 {
		l.XTicks = append(l.XTicks, tick{x(float64(v)), fmt.Sprint(v)})
		l.YTicks = append(l.YTicks, tick{y(float64(v)), fmt.Sprint(v)})
	}
	l.XTickY, l.YTickX = marginT+plotH+18, marginL-8
	l.XLabelX, l.XLabelY = marginL+plotW/2, marginT+plotH+42
	l.YLabelX, l.YLabelY = 14, marginT+plotH/2
	l.Diagonal = fmt.Sprintf("%g,%g %g,%g", x(0), y(0), x(10), y(10))
	// Opportunity = importance + max(importance − satisfaction, 0) ≥ c is the
	// triangle below the line from (c/2, 0) to (10, 20 − c).
	for _, z := range []struct {
		c     float64
		class string
	}{{10, "solid"}, {12, "high"}, {15, "extreme"}} {
		l.Zones = append(l.Zones, zone{
			Class:   z.class,
			Polygon: fmt.Sprintf("%g,%g %g,%g %g,%g", x(z.c/2), y(0), x(10), y(0), x(10), y(20-z.c)),
			Line:    fmt.Sprintf("%g,%g %g,%g", x(z.c/2), y(0), x(10), y(20-z.c)),
			LabelX:  x(10) + 4, LabelY: y(20-z.c) + 4, Label: fmt.Sprintf("%g", z.c),
		})
	}
	// Label every outcome when there are few, otherwise the top twenty: to
	// the right of the point, else left, above or below; a label that finds
	// no free spot is left out (the point keeps its title).
	type box struct{ x0, x1, y float64 }
	var placed []box
	free := func(b box) bool {
		if b.x0 < marginL || b.x1 > marginL+plotW+20 || b.y < marginT+8 || b.y > marginT+plotH+4 {
			return false
		}
		for _, p := range placed {
			if b.x0 < p.x1 && p.x0 < b.x1 && math.Abs(b.y-p.y) < 11 {
				return false
			}
		}
		return true
	}
	for _, r := range rows { // every point first, so no label covers one
		placed = append(placed, box{x(r.Importance) - 5, x(r.Importance) + 5, y(r.Satisfaction)})
	}
	for _, r := range rows {
		p := point{X: x(r.Importance), Y: y(r.Satisfaction), Code: r.Code, Class: r.Class,
			Title: fmt.Sprintf("%s %s — importance %s, satisfaction %s, opportunity %s (%s), n %d",
				r.Code, r.Statement, one(r.Importance), one(r.Satisfaction), one(r.Opportunity), r.Class, r.N)}
		if len(rows) <= 40 || r.Rank <= 20 {
			w := 6.5 * float64(len(r.Code))
			for _, at := range [][2]float64{{7, 4}, {-7 - w, 4}, {-w / 2, -8}, {-w / 2, 15}, {7, -7}, {7, 15}, {-7 - w, -7}, {-7 - w, 15}} {
				b := box{p.X + at[0], p.X + at[0] + w, p.Y + at[1]}
				if free(b) {
					placed = append(placed, b)
					p.LX, p.LY, p.Labelled, p.Minor = round1(b.x0), round1(b.y), true, r.Rank > 10
					break
				}
			}
		}
		l.Points = append(l.Points, p)
	}
	return l
}

// round1 rounds a pixel coordinate; scores go through one() instead.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

type profileView struct {
	Key, Text string
	V         string
	Strength  string // cluster.Strength: the words the verdict uses too
	Lifts     []liftView
}

type liftView struct {
	Option, Seg, All, Lift string
	High                   bool
}

func newProfileView(key, text string, v float64, lifts []cluster.Lift) profileView {
	pv := profileView{Key: key, Text: text, V: two(v), Strength: cluster.Strength(v)}
	for _, l := range lifts {
		pv.Lifts = append(pv.Lifts, liftView{Option: l.Option, Seg: pct(l.SegmentShare), All: pct(l.AllShare), Lift: two(l.Lift), High: l.Lift >= cluster.HighLift})
	}
	return pv
}
