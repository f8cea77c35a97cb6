package export

import (
	"fmt"

	"odi/surveys/score"
)

// RankedHeader is the header row of every ranked table.
var RankedHeader = []string{"Rank", "Code", "Step", "Outcome", "Importance", "Satisfaction", "Opportunity", "Class", "n",
	"Importance CI low", "Importance CI high", "Satisfaction CI low", "Satisfaction CI high",
	"Mean importance", "Mean satisfaction", "Gap"}

// ranked writes one group's ranked table with the header in row 1, and what
// the group is to the right of it.
func (b *book) ranked(sh *sheet, g Group) {
	sh.header(1, 1, RankedHeader)
	sh.widths(6, 8, 12, 60, 12, 12, 12, 12, 7, 11, 11, 11, 11, 11, 11, 9)
	last := len(g.Outcomes) + 1
	if len(g.Outcomes) > 0 {
		for _, r := range []struct {
			from, to string
			style    int
		}{{"A", "A", b.st.integer}, {"I", "I", b.st.integer}, {"E", "G", b.st.dec1}, {"J", "P", b.st.dec1}} {
			sh.style(r.from+"2", fmt.Sprintf("%s%d", r.to, last), r.style)
		}
	}
	for i, o := range g.Outcomes {
		b.rankedRow(sh, i+2, o)
	}
	sh.freeze(1, 2)
	sh.filter(fmt.Sprintf("A1:P%d", last))
	if len(g.Outcomes) > 0 {
		sh.classColours(fmt.Sprintf("H2:H%d", last))
	}
	// What this group is, beside the table so the table stays a clean range.
	sh.width(18, 14)
	sh.width(19, 28)
	lowN := "no"
	if g.LowN {
		lowN = fmt.Sprintf("yes: fewer than %d respondents, read with care", b.in.Study.MinN)
	}
	for i, f := range []fact{
		{"Group", g.Label, b.st.wrap, true},
		{"Respondents (n)", g.N, b.st.integer, false},
		{"Low n", lowN, b.st.wrap, false},
		{"Segment priority", g.Priority, b.st.dec3, false},
		{"Segmented by", b.in.SegmentBy, b.st.text, true},
	} {
		sh.fact(18, i+1, f, 0)
	}
}

func (b *book) rankedRow(sh *sheet, row int, o score.Row) {
	sh.text(2, row, o.Code, b.st.text)
	sh.text(3, row, o.Step, b.st.text)
	sh.text(4, row, o.Statement, b.st.wrap)
	if o.NotAsked {
		// Routed to other roles: no rank and no scores, rather than zeros.
		sh.text(8, row, "not asked", b.st.text)
		sh.int(9, row, 0)
		return
	}
	sh.int(1, row, o.Rank)
	sh.int(9, row, o.N)
	for _, c := range []struct {
		col int
		v   float64
	}{
		{5, o.Importance}, {6, o.Satisfaction}, {7, o.Opportunity},
		{10, o.ImportanceCI[0]}, {11, o.ImportanceCI[1]}, {12, o.SatisfactionCI[0]}, {13, o.SatisfactionCI[1]},
		{14, o.MeanImportance}, {15, o.MeanSatisfaction}, {16, o.Gap},
	} {
		sh.float(c.col, row, c.v)
	}
	sh.text(8, row, o.Class, b.st.text)
}
