package app

import (
	"strconv"

	"odi/surveys"
	"odi/surveys/results"
)

// canvasView is the printable needs-based segment canvas of one saved
// segment, and the editor's values on the Segments tab.
type canvasView struct {
	Key          string
	Job          string // the segment's job statement, or the study's
	Group        groupView
	Top          groupView // the group with its five highest-ranked outcomes
	Share        string    // of all respondents
	AllN         int
	Seg          results.CanvasSegment
	Alternatives []optionShareView // the current solution's options, in its order
	MarketSize   string
	Profiles     []profileView
}

type optionShareView struct {
	Option, Share string
	Count         int
}

func newCanvasView(d *surveys.Design, c *results.Canvas) canvasView {
	g := newGroupView(c.Group)
	top := g
	top.Rows = g.Rows[:min(5, len(g.Rows))]
	v := canvasView{Key: c.Key, Job: c.Segment.Job.Sentence(), Group: g, Top: top, AllN: c.AllN, Seg: c.Segment,
		Share: pct(float64(c.Group.N) / float64(max(1, c.AllN)))}
	if cs := c.Segment.CurrentSolution; cs != nil {
		for _, o := range cs.Options {
			v.Alternatives = append(v.Alternatives, optionShareView{Option: o.Option, Share: pct(o.Share), Count: o.Count})
		}
	}
	if m := c.Segment.MarketSize; m != nil {
		v.MarketSize = strconv.FormatFloat(*m, 'f', -1, 64)
	}
	for _, p := range c.Segment.Overlap {
		v.Profiles = append(v.Profiles, newProfileView(p.Key, p.Text, p.CramersV, p.Lifts))
	}
	return v
}
