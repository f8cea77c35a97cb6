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
	Heading    string // "Company size: 1-9"; the label alone for all respondents
	Rows       []rankedRow
	Priority   string
	Index      string // the priority index, 100 for the average group; "" for all
	Tip        string // the priority's formula with each factor's value
	Forces     *forcesView
	EffectiveN string   // shown beside n when the result is weighted
	NotAsked   []string // codes of the outcomes the group was never asked (routed to other roles), out of Rows
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
	Value    string // "" when the group has no rating of the outcome
	NotAsked bool   // the group was never asked the outcome: routed to other roles
	N        string // the cell's n, shown when outcomes are routed to roles (n differs from cell to cell)
	Class    string
	Title    string
	Marks    []sigMark // the scales on which the group differs from everyone else
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
	for i, g := range opps.Groups {
		gv := newGroupView(g)
		if opps.Weighted {
			gv.EffectiveN = one(g.EffectiveN)
		}
		if i > 0 && opps.SegmentName != "" {
			gv.Heading = opps.SegmentName + ": " + g.Label
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
	v := groupView{Group: g, Heading: g.Label, Priority: strconv.FormatFloat(g.Priority, 'f', 3, 64), Tip: results.PriorityFormula(g)}
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
		if r.NotAsked {
			v.NotAsked = append(v.NotAsked, r.Code)
			continue
		}
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
	rows := opps.Comparison()
	routed := slices.ContainsFunc(rows, func(r results.ComparisonRow) bool {
		return slices.ContainsFunc(r.Cells, func(x score.Row) bool { return x.NotAsked })
	})
	for _, r := range rows {
		row := comparisonRow{Rank: r.Rank, Code: r.Code, Statement: r.Statement, Cells: make([]heatCell, len(r.Cells))}
		for i, x := range r.Cells {
			switch {
			case x.NotAsked:
				row.Cells[i] = heatCell{NotAsked: true, Title: fmt.Sprintf("%s, %s: not asked of this group", opps.Groups[i].Label, r.Code)}
			case x.N > 0:
				row.Cells[i] = heatCell{Value: one(x.Opportunity), Class: x.Class, Marks: sigMarks(x, r.Cells[0]),
					Title: fmt.Sprintf("%s, %s: opportunity %s (%s), n %d", opps.Groups[i].Label, r.Code, one(x.Opportunity), x.Class, x.N)}
			}
			if routed && !x.NotAsked {
				row.Cells[i].N = strconv.Itoa(x.N)
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
	X, Y, LX, LY float64 // the point, and its label's left end and baseline
	Leader       *leader // a line to a label set away from its point
	Code, Class  string
	Title        string
}

type leader struct{ X1, Y1, X2, Y2 float64 }

const (
	plotW, plotH = 560.0, 400.0
	marginL      = 56.0
	marginT      = 16.0
)

func newLandscape(rows []score.Row) landscape {
	// An outcome nobody was asked has no point to plot.
	rows = slices.DeleteFunc(slices.Clone(rows), func(r score.Row) bool { return r.NotAsked })
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
	var guides []box // the zones' numbers in the right margin
	for _, z := range l.Zones {
		guides = append(guides, box{z.LabelX, z.LabelY - 10, z.LabelX + 16, z.LabelY + 3})
	}
	l.Points = labelPoints(rows, x, y, guides)
	return l
}

// The labels' size in the chart's units: the SVG is drawn at about this
// scale on a laptop, and a phone scrolls it sideways at the same scale
// rather than shrinking it (results.css), so 12 stays readable.
const (
	labelH     = 12.0
	labelCharW = 7.6 // an upper-case letter or digit of the system font at 12, with room to spare
	labelPad   = 1.5 // clear space each side of a label
	pointR     = 6.0 // a point's circle, with its white ring
)

// box is a rectangle a label or a point takes up.
type box struct{ x0, y0, x1, y1 float64 }

func (a box) overlaps(b box) bool { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }

// labelPoints places every outcome's code so no label covers another label
// or any point: beside its point when there is room (right, left, above,
// below, then the corners), else on rings further and further out with a
// leader line back to the point. Outcomes go in rank order, so the ones a
// reader looks for first sit closest to their points.
func labelPoints(rows []score.Row, x, y func(float64) float64, reserved []box) []point {
	pts := make([]point, len(rows))
	taken := slices.Clone(reserved)
	for i, r := range rows {
		pts[i] = point{X: x(r.Importance), Y: y(r.Satisfaction), Code: r.Code, Class: r.Class,
			Title: fmt.Sprintf("%s %s — importance %s, satisfaction %s, opportunity %s (%s), n %d",
				r.Code, r.Statement, one(r.Importance), one(r.Satisfaction), one(r.Opportunity), r.Class, r.N)}
		taken = append(taken, box{pts[i].X - pointR, pts[i].Y - pointR, pts[i].X + pointR, pts[i].Y + pointR})
	}
	inside := func(b box) bool {
		return b.x0 >= marginL+2 && b.x1 <= marginL+plotW+34 && b.y0 >= 2 && b.y1 <= marginT+plotH-2
	}
	free := func(b box) bool {
		if !inside(b) {
			return false
		}
		for _, t := range taken {
			if b.overlaps(t) {
				return false
			}
		}
		return true
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rows[a].Rank - rows[b].Rank })
	for _, i := range order {
		p := &pts[i]
		w := labelCharW*float64(len([]rune(p.Code))) + 2*labelPad
		at := func(cx, cy float64) box { return box{cx - w/2, cy - labelH/2, cx + w/2, cy + labelH/2} }
		var found *box
		near := [][2]float64{{pointR + 2 + w/2, 0}, {-pointR - 2 - w/2, 0}, {0, -pointR - 1 - labelH/2}, {0, pointR + 1 + labelH/2},
			{pointR + w/2, -pointR - labelH/2 + 2}, {pointR + w/2, pointR + labelH/2 - 2}, {-pointR - w/2, -pointR - labelH/2 + 2}, {-pointR - w/2, pointR + labelH/2 - 2}}
		for _, d := range near {
			if b := at(p.X+d[0], p.Y+d[1]); free(b) {
				found = &b
				break
			}
		}
		for r := 22.0; found == nil && r <= 220; r += 12 {
			k := max(8, int(2*math.Pi*r/14))
			for j := range k {
				a := 2 * math.Pi * float64(j) / float64(k)
				if b := at(p.X+r*math.Cos(a), p.Y+r*math.Sin(a)); free(b) {
					found = &b
					p.Leader = leaderTo(p.X, p.Y, b)
					break
				}
			}
		}
		if found == nil { // a crowd no ring clears: beside the point, over the others
			b := at(p.X+pointR+2+w/2, p.Y)
			found = &b
		}
		taken = append(taken, *found)
		p.LX, p.LY = round1(found.x0+labelPad), round1(found.y1-2.5)
	}
	return pts
}

// leaderTo is the line from a point's edge to the nearest edge of its label.
func leaderTo(px, py float64, b box) *leader {
	tx, ty := math.Max(b.x0, math.Min(px, b.x1)), math.Max(b.y0, math.Min(py, b.y1))
	d := math.Hypot(tx-px, ty-py)
	if d == 0 {
		return nil
	}
	return &leader{round1(px + (tx-px)*pointR/d), round1(py + (ty-py)*pointR/d), round1(tx), round1(ty)}
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
