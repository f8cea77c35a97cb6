package export

import (
	"strings"
)

// Canvas is a saved segmentation's segment canvases as the Segment canvas
// sheet writes them: only what the researcher kept or typed and what odi
// counted, never an unkept open-text answer, so a share link's workbook may
// carry it too.
type Canvas struct {
	Segmentation string // its key
	Segments     []CanvasSegment
}

// CanvasSegment is one segment's canvas; Forces is nil when the study did
// not ask them.
type CanvasSegment struct {
	ID, Label, Job             string
	Verbatims, Alternatives    []string // Alternatives: the current solution's shares, then the typed ones
	SuccessCriteria, Overlap   []string
	Forces                     *[5]float64 // push, pull, anxiety, habit, net
	ForcesN                    int
	Respondents, WithVerbatims int
	MarketSize                 *float64
	Priority                   float64
	PriorityIndex              *float64
	PriorityFormula            string
}

// canvas writes one column per segment, one row per part of the canvas, as
// the method's template lists them.
func (b *book) canvas(sh *sheet) {
	c := b.in.Canvas
	widths := []float64{26}
	for range c.Segments {
		widths = append(widths, 46)
	}
	sh.widths(widths...)
	sh.text(1, 1, "Segment canvases of "+c.Segmentation, b.st.title)
	head := []string{"Segment"}
	for _, s := range c.Segments {
		head = append(head, s.ID+" "+s.Label)
	}
	sh.header(1, 3, head)
	type line struct {
		label string
		value func(CanvasSegment) any
	}
	list := func(v []string) any { return strings.Join(v, "\n") }
	forces := func(i int) func(CanvasSegment) any {
		return func(s CanvasSegment) any {
			if s.Forces == nil {
				return "not asked"
			}
			return s.Forces[i]
		}
	}
	lines := []line{
		{"Segment name (job-based)", func(s CanvasSegment) any { return s.Label }},
		{"Job statement", func(s CanvasSegment) any { return s.Job }},
		{"Customers' language (verbatims kept)", func(s CanvasSegment) any { return list(s.Verbatims) }},
		{"Current alternatives", func(s CanvasSegment) any { return list(s.Alternatives) }},
		{"Push (mean, 1–10)", forces(0)},
		{"Pull (mean, 1–10)", forces(1)},
		{"Anxiety (mean, 1–10)", forces(2)},
		{"Habit (mean, 1–10)", forces(3)},
		{"Net switch force (push + pull − anxiety − habit)", forces(4)},
		{"Members who rated the four forces", func(s CanvasSegment) any {
			if s.Forces == nil {
				return "not asked"
			}
			return s.ForcesN
		}},
		{"Success criteria", func(s CanvasSegment) any { return list(s.SuccessCriteria) }},
		{"Firmographic overlap (description, not definition)", func(s CanvasSegment) any { return list(s.Overlap) }},
		{"Respondents", func(s CanvasSegment) any { return s.Respondents }},
		{"Respondents whose verbatims were kept", func(s CanvasSegment) any { return s.WithVerbatims }},
		{"Market size (the segment's own)", func(s CanvasSegment) any {
			if s.MarketSize == nil {
				return "not set"
			}
			return *s.MarketSize
		}},
		{"Segment priority", func(s CanvasSegment) any { return s.Priority }},
		{"Priority index (100 = the average segment)", func(s CanvasSegment) any {
			if s.PriorityIndex == nil {
				return "—"
			}
			return *s.PriorityIndex
		}},
		{"How the priority is worked out", func(s CanvasSegment) any { return s.PriorityFormula }},
	}
	for i, l := range lines {
		row := 4 + i
		sh.text(1, row, l.label, b.st.label)
		tallest := 1
		for j, s := range c.Segments {
			switch v := l.value(s).(type) {
			case string:
				sh.text(2+j, row, v, b.st.wrap)
				// A wrapped cell's row is sized for its longest entry: a
				// line a segment column holds is some 50 characters.
				n := 0
				for _, part := range strings.Split(v, "\n") {
					n += 1 + len([]rune(part))/50
				}
				tallest = max(tallest, n)
			case float64:
				sh.value(2+j, row, v, b.st.dec3)
			default:
				sh.value(2+j, row, v, b.st.integer)
			}
		}
		sh.height(row, float64(15*tallest))
	}
	sh.freeze(1, 4)
}
