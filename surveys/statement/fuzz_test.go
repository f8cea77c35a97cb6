package statement

import (
	"slices"
	"testing"
)

// FuzzParseLint checks that any text parses into pieces of itself and lints
// without panicking, with known rules and readable messages only, and that
// linting a study at once finds what linting each statement does.
func FuzzParseLint(f *testing.F) {
	for _, s := range []string{
		"Minimize the time it takes to onboard a new team member, regardless of their prior tooling.",
		"Minimize the number of meetings needed to know what everyone is doing",
		"Find past decisions in Slack and/or Jira",
		"", ",,,", "<script>alert(1)</script>", "Reduce \u202ethe cost\u200b of x", "\xff\xfe",
		"Minimize the number of", "Speed  up the time and effort it takes to log in, or out",
		"Improve the time or the cost and effort of a repair", "Minimize the number of apps & tools with Slack",
	} {
		f.Add(s, "Minimize the time it takes to find a decision")
	}
	f.Fuzz(func(t *testing.T, s, other string) {
		checkParsed(t, s, Parse(s))
		for _, i := range Lint(s, []string{other, s}) {
			checkIssue(t, s, i)
		}
		for _, lang := range []string{"en", "fr"} {
			for _, i := range LintJob(lang, s, other, s) {
				if i.Message == "" || i.Rewrite != "" {
					t.Fatalf("LintJob(%q, %q): %+v", s, other, i)
				}
			}
			WantReads(lang, s)
		}
		study := []string{s, other, s}
		for i, issues := range LintAll(study) {
			if want := Lint(study[i], slices.Delete(slices.Clone(study), i, i+1)); !slices.Equal(issues, want) {
				t.Fatalf("LintAll of %q: %v, Lint: %v", study[i], issues, want)
			}
		}
	})
}
