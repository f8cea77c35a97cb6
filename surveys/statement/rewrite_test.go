package statement

import (
	"slices"
	"strings"
	"testing"

	"odi/surveys/sample"
)

// TestLintV2Rules runs the metric, direction and compound rules on the
// statements of testdata/rewrites.tsv, of the kind published ODI outcome sets
// and first drafts hold, each with the rules it breaks and the rewrite Lint
// suggests for one of them (two statements are two lines).
func TestLintV2Rules(t *testing.T) {
	for _, c := range readCases(t, "rewrites.tsv") {
		in := c.field["statement"]
		got := Lint(in, nil)
		if want := c.list("rules"); !slices.Equal(rules(got), want) {
			t.Errorf("%s: Lint(%q) rules %v, want %v", c.at, in, rules(got), want)
			continue
		}
		for _, i := range got {
			if i.Rule == c.field["rewrite of"] && i.Rewrite != c.field["rewrite"] {
				t.Errorf("%s: Lint(%q) %s rewrite\n got  %q\n want %q", c.at, in, i.Rule, i.Rewrite, c.field["rewrite"])
			}
		}
		// A rewrite fixes what it was suggested for.
		for _, i := range got {
			for _, line := range strings.Split(i.Rewrite, "\n") {
				if line != "" && slices.Contains(rules(Lint(line, nil)), i.Rule) {
					t.Errorf("%s: Lint(%q): the %s rewrite %q breaks the rule too", c.at, in, i.Rule, line)
				}
			}
		}
	}
}

// TestLintKnownGoodStudiesStayClean lints the golden data set's and the
// sample study's statements (every built-in with every clarifier), which
// are written the ODI way: a warning on one of them is a false positive.
func TestLintKnownGoodStudiesStayClean(t *testing.T) {
	ds := sample.Generate(sample.Config{Outcomes: 30 * 9})
	stmts := goldenStatements(t)
	for _, o := range ds.Outcomes {
		stmts = append(stmts, o.Statement)
	}
	for _, s := range stmts {
		if got := Lint(s, nil); len(got) > 0 {
			t.Errorf("Lint(%q) = %v", s, got)
		}
	}
	if got := LintJob("en", ds.When, ds.Want, ds.SoThat); len(got) > 0 {
		t.Errorf("the sample study's job: %v", got)
	}
}
