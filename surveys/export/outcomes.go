package export

import (
	"fmt"
	"strings"
)

// outcomes lists the statements in survey order with their parsed parts and,
// in the researcher's workbook, their lint: a share link's design carries
// none, since stakeholders read results, not drafting advice.
func (b *book) outcomes(sh *sheet) {
	sh.widths(8, 12, 60, 14, 18, 24, 30, 50)
	header := []string{"Code", "Step", "Statement", "Direction", "Metric", "Object of control", "Contextual clarifier"}
	if b.in.Linted {
		header = append(header, "Lint")
	}
	sh.header(1, 1, header)
	for i, o := range b.in.Outcomes {
		cells := []string{o.Code, o.Step, o.Statement, o.Parsed.Direction, o.Parsed.Metric, o.Parsed.Object, o.Parsed.Clarifier}
		if b.in.Linted {
			lint := make([]string, len(o.Lint))
			for j, l := range o.Lint {
				lint[j] = l.Rule + ": " + l.Message
			}
			cells = append(cells, strings.Join(lint, "; "))
		}
		for col, s := range cells {
			style := b.st.wrap
			if col < 2 {
				style = b.st.text
			}
			sh.text(col+1, i+2, s, style)
		}
	}
	sh.freeze(1, 2)
	sh.filter(fmt.Sprintf("A1:%s%d", colName(len(header)), len(b.in.Outcomes)+1))
}

// quality counts the responses by status and by quality flag.
func (b *book) quality(sh *sheet) {
	sh.widths(44, 12)
	sh.header(1, 1, []string{"Measure", "Value"})
	row := 1
	put := func(label string, v any, style int) {
		row++
		sh.value(1, row, label, b.st.text)
		sh.value(2, row, v, style)
	}
	if fw := b.in.Fieldwork; fw != nil {
		put("Started", fw.Started, b.st.integer)
		put("Complete", fw.Complete, b.st.integer)
		put("In progress", fw.InProgress, b.st.integer)
		put("Screened out", fw.ScreenedOut, b.st.integer)
		put("Excluded from the results by the researcher", fw.Excluded, b.st.integer)
		put("Carrying any quality flag", fw.Flagged, b.st.integer)
		for _, f := range fw.Flags {
			put("Flag: "+strings.ReplaceAll(f.Name, "_", " "), f.N, b.st.integer)
		}
		put("Completion rate (complete / (complete + in progress))", fw.CompletionRate, b.st.percent)
		put("Median time to complete (seconds)", fw.MedianSeconds, b.st.integer)
	}
	row += 2
	sh.value(1, row, "Flagged responses stay in the results until the researcher excludes them; "+
		"straight lining = the same ratings for every outcome, speeding = under a third of the median time.", b.st.wrap)
	sh.height(row, 48)
	sh.freeze(1, 2)
}
