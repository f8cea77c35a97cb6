package export

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WavesLegend says what the Wave comparison's marks mean.
const WavesLegend = "* the change is significant: pooled two-proportion z test of the share rating 4 or 5, two-sided, " +
	"Benjamini-Hochberg at 5% across every outcome and both scales. Δ is this study minus the other."

// waves is the study against another: for each outcome both ask, the three
// scores in both, their difference, and the p-value of importance and of
// satisfaction, a significant change marked with a star through the number
// format so the cell stays a number.
func (b *book) waves(sh *sheet) {
	w := b.in.Waves
	sh.widths(8, 50, 11, 11, 9, 9, 11, 11, 9, 9, 11, 11, 9)
	sh.text(1, 1, "Compared with: "+w.With, b.st.label)
	sh.header(1, 2, []string{"Code", "Outcome", "Importance (this)", "Importance (other)", "Δ importance", "p importance",
		"Satisfaction (this)", "Satisfaction (other)", "Δ satisfaction", "p satisfaction", "Opportunity (this)", "Opportunity (other)", "Δ opportunity"})
	star := b.markStyle(sh, "*")
	pStyle := b.pValueStyle(sh)
	for i, o := range w.Outcomes {
		row := i + 3
		sh.text(1, row, o.Code, b.st.text)
		sh.text(2, row, o.Statement, b.st.wrap)
		for j, s := range []struct {
			pair [2]float64
			p    float64
			sig  bool
		}{{o.Importance, o.Test.ImportanceP, o.Test.ImportanceSignificant}, {o.Satisfaction, o.Test.SatisfactionP, o.Test.SatisfactionSignificant}} {
			col := 3 + 4*j
			sh.value(col, row, s.pair[0], b.st.dec1)
			sh.value(col+1, row, s.pair[1], b.st.dec1)
			style := b.st.dec1
			if s.sig {
				style = star
			}
			sh.value(col+2, row, s.pair[0]-s.pair[1], style)
			sh.value(col+3, row, s.p, pStyle)
		}
		sh.value(11, row, o.Opportunity[0], b.st.dec1)
		sh.value(12, row, o.Opportunity[1], b.st.dec1)
		sh.value(13, row, o.Opportunity[0]-o.Opportunity[1], b.st.dec1)
	}
	last := len(w.Outcomes) + 2
	sh.freeze(3, 3)
	sh.text(2, last+2, WavesLegend, b.st.wrap)
	for i, l := range []struct {
		label string
		codes []string
	}{{"Only in this study", w.OnlyHere}, {"Only in " + w.With, w.OnlyThere}} {
		codes := strings.Join(l.codes, ", ")
		if codes == "" {
			codes = "none"
		}
		sh.fact(1, last+3+i, fact{label: l.label, v: codes, style: b.st.wrap, human: true}, 0)
	}
	if len(w.Outcomes) == 0 {
		sh.text(2, 3, "The two studies share no outcome code.", b.st.text)
	}
}

// pValueStyle shows a p-value to three decimals, and one below 0.001 as
// "<0.001" rather than a misleading 0.000; the cell keeps the exact value.
func (b *book) pValueStyle(sh *sheet) int {
	id, err := b.f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`[<0.001]"<0.001";0.000`), Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		sh.fail(fmt.Errorf("p-value style: %w", err))
	}
	return id
}
