package statement

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestParseSplitsTheFourODIParts(t *testing.T) {
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
		{"MINIMISE THE EFFORT NEEDED TO reconcile two documents",
			Parsed{"minimise", "effort", "reconcile two documents", ""}},
		{"Minimize the number of times you answer the same question in a week",
			Parsed{"minimize", "number of times", "you answer the same question", "in a week"}},
		{"Minimize the number of meetings needed to know what everyone is doing",
			Parsed{"minimize", "number of meetings", "know what everyone is doing", ""}},
		{"Minimize the number of decisions that get lost", Parsed{"minimize", "number", "decisions that get lost", ""}},
		{"Minimize the time spent setting context at the start of a board meeting",
			Parsed{"minimize", "time", "setting context at the start of a board meeting", ""}},
		{"Minimize the likelihood that context is lost when a conversation moves to private messages",
			Parsed{"minimize", "likelihood", "context is lost", "when a conversation moves to private messages"}},
		{"Minimize the effort it takes to summarise progress for an investor update",
			Parsed{"minimize", "effort", "summarise progress", "for an investor update"}},
		{"Minimize the time it takes to search for a spec in a busy week",
			Parsed{"minimize", "time", "search for a spec", "in a busy week"}}, // "for" belongs to "search"
		{"Minimize the time it takes to log in to the shared drive as a guest",
			Parsed{"minimize", "time", "log in to the shared drive", "as a guest"}},
		{"Increase the likelihood that you know when a task is done, even if nobody says so",
			Parsed{"increase", "likelihood", "you know when a task is done", "even if nobody says so"}},
		{"Minimize the time and effort it takes to plan a sprint",
			Parsed{"minimize", "time and effort", "plan a sprint", ""}},
		{"Minimize the time it takes to find a spec, or a decision, when busy", // ", or" continues the object
			Parsed{"minimize", "time", "find a spec, or a decision", "when busy"}},
		{"Speed up hand-overs between shifts", Parsed{"speed up", "", "hand-overs between shifts", ""}},
		{"Speed\u200bup hand-overs", Parsed{"", "", "Speed\u200bup hand-overs", ""}},
		{"Speed \u200b up hand-overs", Parsed{"speed \u200b up", "", "hand-overs", ""}},
		{"  - “Minimize  the\u00a0time to find a spec.”", Parsed{"minimize", "time", "find a spec.”", ""}},
		{"Minimize", Parsed{"minimize", "", "", ""}},
		{"Minimize the time", Parsed{"minimize", "time", "", ""}},
		{"Minimized waste when shipping", Parsed{"", "", "Minimized waste", "when shipping"}},
		{"Find a past decision quickly", Parsed{"", "", "Find a past decision quickly", ""}},
		{"The time it takes to find a decision", Parsed{"", "time", "find a decision", ""}},
		{"Cut-over the data to the new system", Parsed{"", "", "Cut-over the data to the new system", ""}},
		{"", Parsed{}},
		{" .,;!? ", Parsed{}},
	}
	for _, tt := range tests {
		if got := Parse(tt.in); got != tt.want {
			t.Errorf("Parse(%q)\n got  %+v\n want %+v", tt.in, got, tt.want)
		}
	}
}

// goldenStatements reads the statements of the golden data set
// (surveys/testdata/golden).
func goldenStatements(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../testdata/golden/outcomes.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || rows[0][0] != "statement" {
		t.Fatalf("golden outcomes: unexpected header %v", rows[:min(1, len(rows))])
	}
	var all []string
	for _, r := range rows[1:] {
		all = append(all, r[0])
	}
	return all
}

func TestGoldenStatementsParseAndLintCleanly(t *testing.T) {
	all := goldenStatements(t)
	if len(all) != 20 {
		t.Errorf("%d golden statements, want 20", len(all))
	}
	for i, s := range all {
		p := Parse(s)
		if p.Direction == "" || p.Metric == "" || p.Object == "" || p.Clarifier == "" {
			t.Errorf("Parse(%q) = %+v, want all four parts", s, p)
		}
		others := slices.Delete(slices.Clone(all), i, i+1)
		if issues := Lint(s, others); len(issues) > 0 {
			t.Errorf("Lint(%q) = %v, want none", s, issues)
		}
	}
}

// oddInputs are texts a researcher can paste or a client can send.
func oddInputs() []string {
	return []string{
		"", " ", ",,,", "…", "\x00", "\xff\xfe\xfd", "Minimize\xff the time", "Minimize the time it takes to \xc3",
		"<script>alert('x')</script>", "<b>Minimize</b> the time it takes to <i>find</i> a spec",
		"\u200bMinimize\u200b the\u200b time it takes to find a spec\u200b", "\ufeffReduce the cost of rework",
		"\u202eMinimize the time it takes to find a spec\u202c", "Minimize the time it takes to find מסמך כאשר הצוות גדל",
		"قلل الوقت اللازم للعثور على قرار", "Minimize the time it takes to find a spec, ,, and,", "and or and/or &",
		"Minimize the time it takes to find a spec and/", "Minimize the time it takes to find it, and",
		"Minimize the number of", "Minimize the number of   ", "Minimize the number of x needed", "the", "The the the",
		"Minimize the \u212aelvin reading", "İSTANBUL Minimize", "Mini-mize the time", "Reduce-", "Reduce--the cost",
		strings.Repeat("Minimize the time it takes to find a spec and share it, when busy. ", 1500),
		strings.Repeat("x", 100_000), strings.Repeat(",", 100_000), strings.Repeat("a-", 50_000),
		strings.Repeat("\u200b", 30_000), "Minimize " + strings.Repeat("the ", 25_000),
		"x" + strings.Repeat(",", 100_000) + "and y", "Minimize the time to x" + strings.Repeat(", and", 20_000),
		"Minimize the time to x" + strings.Repeat(" so", 30_000), "Minimize the time to x " + strings.Repeat("a and ", 20_000),
		"Speed" + strings.Repeat(" ", 100_000) + "up", "Minimize the time to find " + strings.Repeat("AI-", 30_000),
	}
}

func TestParseKeepsPartsInsideTheInput(t *testing.T) {
	for _, s := range oddInputs() {
		checkParsed(t, s, Parse(s))
	}
}

// checkParsed fails unless every part of p is a piece of s (Direction and
// Metric lower-cased).
func checkParsed(t *testing.T, s string, p Parsed) {
	t.Helper()
	trimmed := strings.TrimSpace(s)
	lower := asciiLower(trimmed)
	for _, c := range []struct {
		name, part, in string
	}{
		{"direction", p.Direction, lower}, {"metric", p.Metric, lower},
		{"object", p.Object, trimmed}, {"clarifier", p.Clarifier, trimmed},
	} {
		if c.part != "" && !strings.Contains(c.in, c.part) {
			t.Fatalf("Parse(%.80q): %s %.80q is not in the input", s, c.name, c.part)
		}
	}
	visible := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, p.Direction)), " ")
	if p.Direction != "" && !slices.Contains(directions, visible) {
		t.Fatalf("Parse(%.80q): direction %q is not in the list", s, p.Direction)
	}
}
