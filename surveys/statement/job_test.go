package statement

import (
	"slices"
	"strings"
	"testing"
)

// TestLintJobGoodStatements reads testdata/good-jobs.tsv, job statements
// written as the method asks, most of them from published job statement
// collections and the method's own examples: none gets a warning.
func TestLintJobGoodStatements(t *testing.T) {
	for _, c := range readCases(t, "good-jobs.tsv") {
		when, want, soThat := c.field["when"], c.field["want"], c.field["so that"]
		if got := LintJob("en", when, want, soThat); len(got) > 0 {
			t.Errorf("%s: LintJob(%q, %q, %q) = %v, want none", c.at, when, want, soThat, got)
		}
		if !WantReads("en", want) {
			t.Errorf("%s: WantReads(%q) = false", c.at, want)
		}
	}
}

// TestLintJobRules reads testdata/job-rules.tsv: a job, the rules it breaks,
// and whether its want reads after "When you".
func TestLintJobRules(t *testing.T) {
	for _, c := range readCases(t, "job-rules.tsv") {
		when, want, then, wantRules := c.field["when"], c.field["want"], c.field["so that"], c.list("rules")
		at := c.at + " (" + c.field["case"] + ")"
		got := LintJob("en", when, want, then)
		if !slices.Equal(rules(got), wantRules) {
			t.Errorf("%s: LintJob(%q, %q, %q) rules %v, want %v\n%v", at, when, want, then, rules(got), wantRules, got)
		}
		for _, i := range got {
			if i.Rewrite != "" || i.Message == "" || strings.Contains(i.Message, "\n") {
				t.Errorf("%s: issue %+v", at, i)
			}
		}
		if r, reads := WantReads("en", want), c.yes(t, "want reads"); r != reads {
			t.Errorf("%s: WantReads(%q) = %v, want %v", at, want, r, reads)
		}
	}
}

// TestLintJobMessagesNameWhatWasFound reads testdata/job-messages.tsv: a
// job and a part of a message LintJob must give for it.
func TestLintJobMessagesNameWhatWasFound(t *testing.T) {
	for _, c := range readCases(t, "job-messages.tsv") {
		when, want, then := c.field["when"], c.field["want"], c.field["so that"]
		if got := messages(LintJob("en", when, want, then)); !strings.Contains(got, c.field["message"]) {
			t.Errorf("%s: LintJob(%q, %q, %q) messages\n%s\nwant one containing %s", c.at, when, want, then, got, c.field["message"])
		}
	}
}

// TestLintJobFrench checks the wants of testdata/job-wants-fr.tsv against
// "Quand vous voulez …", the French survey's wording (surveys/messages.go);
// the English word lists are not applied to French text.
func TestLintJobFrench(t *testing.T) {
	for _, c := range readCases(t, "job-wants-fr.tsv") {
		want, reads := c.field["want"], c.yes(t, "reads")
		got := LintJob("fr", "une nouvelle recrue arrive", want, "")
		if r := WantReads("fr", want); r != reads {
			t.Errorf("%s: WantReads(fr, %q) = %v, want %v", c.at, want, r, reads)
		}
		wantRules := []string(nil)
		if !reads {
			wantRules = []string{RuleGrammar}
		}
		if !slices.Equal(rules(got), wantRules) {
			t.Errorf("%s: LintJob(fr, %q) rules %v, want %v", c.at, want, rules(got), wantRules)
		}
	}
	if got := rules(LintJob("fr", "", "trouver une décision", "")); !slices.Equal(got, []string{RuleNoTrigger}) {
		t.Errorf("an empty when in French: %v", got)
	}
	if got := rules(LintJob("fr", "Quand une recrue arrive", "trouver une décision", "")); !slices.Equal(got, []string{RuleGrammar}) {
		t.Errorf("a French when starting with Quand: %v", got)
	}
}

func TestLintJobHandlesOddInput(t *testing.T) {
	inputs := oddInputs()
	for _, s := range inputs {
		for _, lang := range []string{"en", "fr", ""} {
			for _, i := range LintJob(lang, s, s, s) {
				if !slices.Contains([]string{RuleNoTrigger, RuleTooBroad, RuleSolution, RuleTooNarrow, RuleGrammar}, i.Rule) || i.Message == "" {
					t.Fatalf("LintJob(%.80q): %+v", s, i)
				}
			}
			WantReads(lang, s)
		}
	}
}
