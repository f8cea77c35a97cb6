package statement

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Parsed
	}{
		{"Minimize the time it takes to onboard a new team member to a shared knowledge base, regardless of their prior tooling.",
			Parsed{"minimize", "time", "onboard a new team member to a shared knowledge base", "regardless of their prior tooling"}},
		{"Minimize the number of steps needed to find a past decision when the team has grown past ten people",
			Parsed{"minimize", "number of steps", "find a past decision", "when the team has grown past ten people"}},
		{"Reduce the cost of having to answer a repeated question during a busy sprint",
			Parsed{"reduce", "cost", "having to answer a repeated question", "during a busy sprint"}},
		{"Increase the likelihood that you can prepare a board update",
			Parsed{"increase", "likelihood", "you can prepare a board update", ""}},
		{"Increase the accuracy of weekly estimates", Parsed{"increase", "accuracy", "weekly estimates", ""}},
		{"Minimize the chance of failing to locate the latest spec while travelling",
			Parsed{"minimize", "chance", "failing to locate the latest spec", "while travelling"}},
		{"MINIMISE the effort needed to reconcile two documents", Parsed{"minimise", "effort", "reconcile two documents", ""}},
		{"Speed up hand-overs between shifts", Parsed{"speed up", "", "hand-overs between shifts", ""}},
		{"Minimize", Parsed{"minimize", "", "", ""}},
		{"Minimized waste", Parsed{}},
		{"Find a past decision quickly", Parsed{}},
		{"", Parsed{}},
	}
	for _, tt := range tests {
		if got := Parse(tt.in); got != tt.want {
			t.Errorf("Parse(%q)\n got  %+v\n want %+v", tt.in, got, tt.want)
		}
	}
}

func rules(issues []Issue) []string {
	var r []string
	for _, i := range issues {
		r = append(r, i.Rule)
	}
	return r
}

func TestLintRules(t *testing.T) {
	long := "Minimize the time it takes to " + strings.Repeat("find ", 22) + "things"
	tests := []struct {
		in     string
		others []string
		want   []string
	}{
		{"Minimize the time it takes to find a past decision", nil, nil},
		{"Find a past decision", nil, []string{RuleNoDirection}},
		{"Minimize the time it takes to find and share a decision", nil, []string{RuleTwoObjects}},
		{"Minimize the time it takes to find a decision or a spec", nil, []string{RuleTwoObjects}},
		{"Minimize the time it takes to find a decision, for designers and engineers", nil, nil}, // "and" in the clarifier is fine
		{"Minimize the time it takes to find a decision in the dashboard", nil, []string{RuleSolution}},
		{"Minimize the time it takes to find a decision with the Slack app", nil, []string{RuleSolution}},
		{"Minimize the time it takes to apply a decision", nil, nil}, // "app" inside "apply" is no solution
		{long, nil, []string{RuleTooLong}},
		{"Minimize the time it takes to find a past decision", []string{"minimize the time it takes to find past decisions."}, nil},
		{"Minimize the time it takes to find a past decision", []string{"Minimize the time it takes to find a past decision!"}, []string{RuleDuplicate}},
		{"Minimize the time it takes to find a past team decision", []string{"Minimize the time it takes to find a past decision"}, []string{RuleDuplicate}},
		{"Use the app and the dashboard", nil, []string{RuleNoDirection, RuleSolution}},
	}
	for _, tt := range tests {
		if got := rules(Lint(tt.in, tt.others)); !slices.Equal(got, tt.want) {
			t.Errorf("Lint(%q) rules %v, want %v", tt.in, got, tt.want)
		}
	}
	msg := Lint("Minimize the time it takes to find a decision in the dashboard", nil)[0].Message
	if !strings.Contains(msg, `"dashboard"`) {
		t.Errorf("solution message should name the word: %q", msg)
	}
}

func TestGoldenStatementsParseCleanly(t *testing.T) {
	f, err := os.Open("../../../shared/golden/outcomes.csv")
	if err != nil {
		t.Skipf("golden outcomes not found: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, r := range rows[1:] {
		all = append(all, r[0])
	}
	for i, s := range all {
		p := Parse(s)
		others := slices.Delete(slices.Clone(all), i, i+1)
		if p.Direction == "" || p.Metric == "" || p.Object == "" {
			t.Errorf("%q parsed as %+v", s, p)
		}
		if issues := Lint(s, others); len(issues) > 0 {
			t.Errorf("%q linted: %v", s, issues)
		}
	}
}

func FuzzParseLint(f *testing.F) {
	for _, s := range []string{"Minimize the time it takes to find a decision, when busy", "", ",,,", "<script>alert(1)</script>",
		"Reduce \u202ethe cost\u200b of x", "\xff\xfe", "Minimize the number of"} {
		f.Add(s, "Minimize the time it takes to find a decision")
	}
	known := []string{RuleNoDirection, RuleTwoObjects, RuleSolution, RuleTooLong, RuleDuplicate}
	f.Fuzz(func(t *testing.T, s, other string) {
		p := Parse(s)
		trimmed := strings.ToLower(strings.TrimSpace(s))
		for _, part := range []string{p.Direction, p.Object, p.Clarifier} {
			if part != "" && !strings.Contains(trimmed, strings.ToLower(part)) {
				t.Fatalf("part %q not in %q", part, s)
			}
		}
		for _, i := range Lint(s, []string{other}) {
			if !slices.Contains(known, i.Rule) {
				t.Fatalf("unknown rule %q", i.Rule)
			}
			if utf8.ValidString(s) && !utf8.ValidString(i.Message) {
				t.Fatalf("message not UTF-8: %q", i.Message)
			}
		}
	})
}

func BenchmarkLintStudy(b *testing.B) {
	stmts := make([]string, 100)
	for i := range stmts {
		stmts[i] = "Minimize the time it takes to find decision number " + strings.Repeat("x", i%7) + " when the team has grown"
	}
	b.ReportAllocs()
	for range b.N {
		for i, s := range stmts {
			Lint(s, stmts[:i])
		}
	}
}
