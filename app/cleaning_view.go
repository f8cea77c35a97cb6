package app

import (
	"fmt"
	"slices"
	"strings"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
)

// How the pages name and count the cleaning (surveys/results/review.go):
// the quality flags as the Fieldwork tab lists and explains them, and the
// line saying how many responses the cleaning left out and why, which the
// Results tab and the stakeholder report print alike.

// flagLabels are the quality flags as people read them.
var flagLabels = map[string]string{
	surveys.FlagStraightLining: "straight-lining",
	surveys.FlagSpeeding:       "speeding",
	surveys.FlagAttention:      "failed attention check",
	surveys.FlagDuplicate:      "duplicate",
}

// flagView is one quality flag on the Fieldwork tab.
type flagView struct {
	Name, Label, Rule string
	Count             int  // complete responses with the flag
	Excludes          bool // the study's rule leaves them out
}

// flagViews lists the quality flags in their order, with how many complete
// responses carry each and whether the study's rule excludes them.
func flagViews(d *surveys.Design, fw *fieldwork.Summary) []flagView {
	out := make([]flagView, len(surveys.QualityFlagNames))
	for i, f := range surveys.QualityFlagNames {
		out[i] = flagView{Name: f, Label: flagLabels[f], Rule: results.FlagRule(f), Count: fw.Flags[f],
			Excludes: slices.Contains(d.Study.ExcludeFlags, f)}
	}
	return out
}

// cleaning is how many complete responses count after cleaning, and what it
// left out: printed as "n = {{N}} after cleaning: {{Left}}."
type cleaning struct {
	N       int
	LeftOut int    // by the rule and by decisions
	Left    string // "79 responses left out by the study's rule (52 straight-lining, 27 speeding) and 3 by the researcher"
}

func newCleaning(d *surveys.Design, fw *fieldwork.Summary) cleaning {
	byRule, byHand := fw.ExcludedByRule, fw.ExcludedByDecision
	c := cleaning{N: fw.Counts[surveys.Complete] - byRule - byHand, LeftOut: byRule + byHand}
	var left []string
	if byRule > 0 {
		var why []string
		sum := 0
		for _, f := range surveys.QualityFlagNames {
			if n := fw.ExcludedFlags[f]; n > 0 {
				why = append(why, fmt.Sprintf("%d %s", n, flagLabels[f]))
				sum += n
			}
		}
		reasons := strings.Join(why, ", ")
		if sum > byRule {
			reasons += "; some have more than one flag"
		}
		left = append(left, fmt.Sprintf("%s left out by the study's rule (%s)", responses(byRule), reasons))
	}
	switch {
	case byHand > 0 && byRule > 0:
		left = append(left, fmt.Sprintf("%d by the researcher", byHand))
	case byHand > 0:
		left = append(left, responses(byHand)+" left out by the researcher")
	case byRule == 0:
		left = append(left, "no response left out")
	}
	c.Left = strings.Join(left, " and ")
	if len(d.Study.ExcludeFlags) == 0 {
		c.Left += " (the study's rule excludes no flag)"
	}
	return c
}

// responses is "1 response" or "n responses".
func responses(n int) string {
	if n == 1 {
		return "1 response"
	}
	return fmt.Sprintf("%d responses", n)
}
