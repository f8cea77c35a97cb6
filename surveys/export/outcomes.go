package export

import (
	"fmt"
	"slices"
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
				if l.Rewrite != "" {
					// A split statement's lines, on one line of the cell.
					lint[j] += " Try: " + strings.ReplaceAll(l.Rewrite, "\n", " / ")
				}
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

// quality counts the responses by status, by quality flag and by what kept
// them out of the results: the study's rule (and for which flags) or the
// researcher's decision.
func (b *book) quality(sh *sheet) {
	sh.widths(44, 12, 14, 22)
	sh.header(1, 1, []string{"Measure", "Value"})
	row := 1
	put := func(label string, v any, style int) {
		row++
		sh.value(1, row, label, b.st.text)
		sh.value(2, row, v, style)
	}
	fw := b.in.Fieldwork
	if fw != nil {
		put("Started", fw.Started, b.st.integer)
		put("Complete", fw.Complete, b.st.integer)
		put("In progress", fw.InProgress, b.st.integer)
		put("Screened out", fw.ScreenedOut, b.st.integer)
		put("Quota full", fw.QuotaFull, b.st.integer)
		put("Carrying any quality flag", fw.Flagged, b.st.integer)
		put("Excluded from the results by the study's rule", fw.ExcludedByRule, b.st.integer)
		put("Excluded from the results by the researcher", fw.ExcludedByDecision, b.st.integer)
		put("Completion rate (complete / (complete + in progress))", fw.CompletionRate, b.st.percent)
		put("Median time to complete (seconds)", fw.MedianSeconds, b.st.integer)

		row += 2
		sh.header(1, row, []string{"Quality flag", "Responses", "In the rule", "Excluded by the rule"})
		for _, f := range fw.Flags {
			row++
			inRule := "no"
			if slices.Contains(b.in.Study.ExcludeFlags, f.Name) {
				inRule = "yes"
			}
			sh.value(1, row, flagLabel(f.Name), b.st.text)
			sh.value(2, row, f.N, b.st.integer)
			sh.value(3, row, inRule, b.st.text)
			sh.value(4, row, f.Excluded, b.st.integer)
		}
	}
	row += 2
	sh.value(1, row, "The study's rule keeps complete responses carrying a flag marked \"yes\" out of the results; "+
		"the researcher's own decision to include or exclude a response wins over the rule. A response may carry several flags. "+
		"Straight lining = one value on 90% or more of the importance or the satisfaction ratings (8 outcomes or more); "+
		"speeding = under a third of the median time, or under 2 seconds per rated outcome; "+
		"failed attention = a wrong or missing answer to an attention check; "+
		"duplicate = the same panel id or invitation finishing again, or the same answers again from the same network.", b.st.wrap)
	sh.merge(cell(1, row), cell(4, row))
	sh.height(row, 110)
	sh.freeze(1, 2)
}

// flagLabel is a quality flag as people read it: failed attention.
func flagLabel(name string) string { return strings.ReplaceAll(name, "_", " ") }
