package export

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// summary is the first sheet: the study, its fieldwork, the top outcomes and
// which segment to serve first.
func (b *book) summary(sh *sheet) {
	in, st := b.in, b.in.Study
	sh.widths(24, 10, 60, 13, 12, 13, 13, 13, 10, 12)
	sh.value(1, 1, "Opportunity report", b.st.title)
	row := 3
	for _, f := range b.studyFacts() {
		if f.label == "Job" && len(st.Job) > 90 {
			sh.height(row, 32) // two lines of sentence
		}
		sh.fact(1, row, f, 7) // the value across B:G
		row++
	}
	sh.height(row-1, 45) // the class note

	// Top outcomes of all respondents.
	row++
	sh.value(1, row, "Top outcomes (all respondents)", b.st.section)
	row++
	sh.header(1, row, []string{"Rank", "Code", "Outcome", "Opportunity", "Class", "Importance", "Satisfaction"})
	all := in.Groups[0].Outcomes
	first := row + 1
	for _, o := range all[:min(10, len(all))] {
		row++
		sh.value(1, row, o.Rank, b.st.integer)
		sh.value(4, row, o.Opportunity, b.st.dec1)
		sh.value(6, row, o.Importance, b.st.dec1)
		sh.value(7, row, o.Satisfaction, b.st.dec1)
		sh.text(2, row, o.Code, b.st.text)
		sh.text(3, row, o.Statement, b.st.wrap)
		sh.text(5, row, o.Class, b.st.text)
	}
	if row >= first {
		sh.classColours(fmt.Sprintf("E%d:E%d", first, row))
	}
	if len(b.groups) > 0 {
		b.segmentPriority(sh, row+2)
	}
}

// studyFacts are the lines of the Summary's first block: what the study is,
// how the scores were counted, and how fieldwork went.
func (b *book) studyFacts() []fact {
	in, st := b.in, b.in.Study
	dateOr := func(t *time.Time) any {
		if t == nil {
			return "—"
		}
		return t.UTC()
	}
	segBy := in.SegmentBy
	if segBy == "" {
		segBy = "not segmented"
	}
	market := any("not set (1)")
	if st.MarketSize != nil {
		market = *st.MarketSize
	}
	filters := "none: every respondent"
	if fs := in.Filters; len(fs) > 0 {
		parts := make([]string, len(fs))
		for i, f := range fs {
			parts[i] = f.Key + " = " + f.Value
		}
		filters = strings.Join(parts, " and ")
	}
	counted := "complete responses not excluded by the study's rule or the researcher"
	if in.IncludePartial {
		counted = "complete and in-progress responses not excluded by the study's rule or the researcher"
	}
	rule := "off: flagged responses count unless the researcher excludes them"
	if len(st.ExcludeFlags) > 0 {
		labels := make([]string, len(st.ExcludeFlags))
		for i, f := range st.ExcludeFlags {
			labels[i] = flagLabel(f)
		}
		last := len(labels) - 1
		rule = "responses flagged " + strings.Join(labels[:last], ", ")
		if last > 0 {
			rule += " or "
		}
		rule += labels[last] + " are left out"
	}
	weighting := "none: every respondent counts once"
	if w := in.Weighting; w != nil {
		weighting = fmt.Sprintf("raked to the population's shares of %s; largest weight %.2f", strings.Join(w.By, ", "), w.MaxWeight)
		if w.Trimmed > 0 {
			weighting += fmt.Sprintf(", %d weights trimmed", w.Trimmed)
		}
		if !w.Converged {
			weighting += "; NOT CONVERGED: the weighted shares miss the targets"
		}
	}
	facts := []fact{
		{"Study", st.Name, b.st.wrap, true},
		{"Job", st.Job, b.st.wrap, true},
		{"Who was asked", st.RespondentRole, b.st.wrap, true},
		{"Status", st.Status, b.st.text, false},
		{"Segmented by", segBy, b.st.text, true},
		{"Filtered to", filters, b.st.wrap, true},
		{"Counted", counted, b.st.text, false},
		{"Exclusion rule", rule, b.st.wrap, false},
		{"Weighting", weighting, b.st.wrap, false},
		{"Minimum n per group", st.MinN, b.st.leftInt, false},
		{"Addressable market size", market, b.st.text, false},
		{"Published", dateOr(st.PublishedAt), b.st.leftDate, false},
		{"Closed", dateOr(st.ClosedAt), b.st.leftDate, false},
	}
	if fw := in.Fieldwork; fw != nil {
		facts = append(facts,
			fact{"First response (day, UTC)", dateOr(fw.FirstDay), b.st.leftDate, false},
			fact{"Last response", dateOr(fw.LastResponse), b.st.leftDate, false},
			fact{"Started", fw.Started, b.st.leftInt, false},
			fact{"Complete", fw.Complete, b.st.leftInt, false},
			fact{"In progress", fw.InProgress, b.st.leftInt, false},
			fact{"Screened out", fw.ScreenedOut, b.st.leftInt, false},
			fact{"Quota full", fw.QuotaFull, b.st.leftInt, false},
			fact{"Excluded by the rule", fw.ExcludedByRule, b.st.leftInt, false},
			fact{"Excluded by the rule, by flag", ruleReasons(fw), b.st.wrap, false},
			fact{"Excluded by the researcher", fw.ExcludedByDecision, b.st.leftInt, false},
		)
		if len(fw.Changes) > 0 {
			facts = append(facts, fact{"Reworded after publishing", rewordings(fw.Changes), b.st.wrap, false})
		}
	}
	facts = append(facts, fact{"Respondents in the results (n)", in.Groups[0].N, b.st.leftInt, false})
	if w := in.Weighting; w != nil {
		facts = append(facts, fact{"Effective n (weighted)", w.EffectiveN, b.st.dec1, false})
	}
	return append(facts,
		fact{"Generated", in.Generated.UTC(), b.st.leftDate, false},
		fact{"Classes", "Opportunity = importance + max(importance − satisfaction, 0), each 0–10 (share rating 4 or 5). " +
			"extreme ≥ 15, high ≥ 12, solid ≥ 10 are underserved; below 10, overserved when satisfaction > importance, else served.", b.st.wrap, false},
	)
}

// rewordings lists the changes one a line: when (UTC), what, by whom, and
// the wording before and after.
func rewordings(changes []Change) string {
	lines := make([]string, len(changes))
	for i, c := range changes {
		lines[i] = fmt.Sprintf("%s UTC, %s (%s): “%s” → “%s”", c.At.UTC().Format("2006-01-02 15:04"), c.What, c.By, c.Before, c.After)
	}
	return strings.Join(lines, "\n")
}

// ruleReasons says for which flags the rule excluded responses: "straight
// lining 12, speeding 5" (a response may carry several).
func ruleReasons(fw *Fieldwork) string {
	var parts []string
	for _, f := range fw.Flags {
		if f.Excluded > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", flagLabel(f.Name), f.Excluded))
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// segmentPriority is the Summary's last block, from row on: which group to
// serve first.
func (b *book) segmentPriority(sh *sheet, row int) {
	sh.value(1, row, "Segment priority", b.st.section)
	row++
	sh.text(1, row, "Mean importance × (1 − mean satisfaction) of each group's five top outcomes, "+
		"× its share of respondents × the market size (a segment's own market size, when it has one, in place of "+
		"share × market size). Highest first. The index is 100 × the priority ÷ the groups' average priority: "+
		"100 is the average group.", b.st.wrap)
	sh.merge(cell(1, row), cell(10, row))
	sh.height(row, 45)
	row++
	sh.header(1, row, []string{"Segment", "n", "Top outcome", "Priority", "Low n", "Priority index",
		"Importance I", "Dissatisfaction 1 − S", "Share", "Market size"})
	order := slices.Clone(b.groups)
	slices.SortStableFunc(order, func(x, y Group) int { return cmp.Compare(y.Priority, x.Priority) }) // highest first
	for _, g := range order {
		row++
		top := ""
		if len(g.Outcomes) > 0 {
			top = g.Outcomes[0].Code + " " + g.Outcomes[0].Statement
		}
		lowN := ""
		if g.LowN {
			lowN = "low n"
		}
		sh.text(1, row, g.Label, b.st.wrap)
		sh.value(2, row, g.N, b.st.integer)
		sh.text(3, row, top, b.st.wrap)
		sh.value(4, row, g.Priority, b.st.dec3)
		if g.PriorityIndex != nil {
			sh.value(6, row, *g.PriorityIndex, b.st.dec1)
		}
		f := g.PriorityFactors
		sh.value(7, row, f.Importance, b.st.dec3)
		sh.value(8, row, f.Dissatisfaction, b.st.dec3)
		sh.value(9, row, f.Share, b.st.percent)
		sh.value(10, row, f.MarketSize, b.st.dec3)
		sh.value(5, row, lowN, b.st.text)
	}
}
