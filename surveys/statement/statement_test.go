package statement

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// testCase is one case of a table under testdata/: where it stands, which
// every failure names, and its fields by the names of the table's columns.
type testCase struct {
	at    string // testdata/name:line
	field map[string]string
}

// readCases reads testdata/name, a table of cases a researcher can extend:
// a header line naming the columns, then a case a line, its columns
// separated by tabs (missing last columns are empty); lines starting with #
// are notes. In a field, \u200b, \xff, \x20, \n and the like (Go's escapes)
// stand for what an editor would not show or keep.
func readCases(t *testing.T, name string) []testCase {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var header []string
	var cases []testCase
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		at := fmt.Sprintf("testdata/%s:%d", name, i+1)
		fields := strings.Split(line, "\t")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case header == nil:
			header = fields
			continue
		case len(fields) > len(header):
			t.Fatalf("%s: %d columns, the header names %d", at, len(fields), len(header))
		}
		c := testCase{at: at, field: map[string]string{}}
		for j, f := range fields {
			if c.field[header[j]], err = strconv.Unquote(`"` + strings.ReplaceAll(f, `"`, `\"`) + `"`); err != nil {
				t.Fatalf("%s: column %s: %v", at, header[j], err)
			}
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		t.Fatalf("testdata/%s: no cases", name)
	}
	return cases
}

// list is a column of words separated by spaces, such as rule names: nil
// when empty.
func (c testCase) list(name string) []string { return strings.Fields(c.field[name]) }

// yes is a column that says yes or no.
func (c testCase) yes(t *testing.T, name string) bool {
	t.Helper()
	if v := c.field[name]; v != "yes" && v != "no" {
		t.Fatalf("%s: %s is %q, want yes or no", c.at, name, v)
	}
	return c.field[name] == "yes"
}

// TestParseSplitsTheFourODIParts reads the statements of testdata/parse.tsv
// and the parts each must split into.
func TestParseSplitsTheFourODIParts(t *testing.T) {
	for _, c := range readCases(t, "parse.tsv") {
		in := c.field["statement"]
		want := Parsed{c.field["direction"], c.field["metric"], c.field["object"], c.field["clarifier"]}
		if got := Parse(in); got != want {
			t.Errorf("%s: Parse(%q)\n got  %+v\n want %+v", c.at, in, got, want)
		}
	}
	// Nothing to split (and no line of a table to hold the empty statement).
	for _, in := range []string{"", " .,;!? "} {
		if got := Parse(in); got != (Parsed{}) {
			t.Errorf("Parse(%q) = %+v, want no parts", in, got)
		}
	}
}

// goldenStatements reads the statements of the golden data set
// (surveys/testdata/golden).
func goldenStatements(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../testdata/golden/outcomes.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "statement" {
		t.Fatalf("golden outcomes: %v, header %v", err, rows[:min(1, len(rows))])
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
