package statement

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

func rules(issues []Issue) []string {
	var r []string
	for _, i := range issues {
		r = append(r, i.Rule)
	}
	return r
}

// messages are the messages of issues, a line each.
func messages(issues []Issue) string {
	var msgs []string
	for _, i := range issues {
		msgs = append(msgs, i.Message)
	}
	return strings.Join(msgs, "\n")
}

// TestLintRules reads testdata/lint-rules.tsv, statements and the rules they
// break, and checks the ones below, made in Go to count their words.
func TestLintRules(t *testing.T) {
	check := func(at, in string, want []string) {
		t.Helper()
		if got := rules(Lint(in, nil)); !slices.Equal(got, want) {
			t.Errorf("%s: Lint(%q) rules %v, want %v", at, in, got, want)
		}
	}
	for _, c := range readCases(t, "lint-rules.tsv") {
		check(c.at+" ("+c.field["case"]+")", c.field["statement"], c.list("rules"))
	}
	words := func(n int) string { // a well-formed statement of n words
		return "Minimize the time it takes to find" + strings.Repeat(" spec", n-8) + " quickly"
	}
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"25 words", words(25), nil},
		{"26 words", words(26), []string{RuleTooLong}},
		{"hyphenated words count once", "Minimize the time it takes to find" + strings.Repeat(" up-to-date", 17) + " specs", nil},

		{"every rule but duplicate", "Use the app and the dashboard to find" + strings.Repeat(" more", 20),
			[]string{RuleNoDirection, RuleCompound, RuleSolution, RuleTooLong}},
	}
	for _, tt := range tests {
		check(tt.name, tt.in, tt.want)
	}
}

func TestLintNearDuplicateThreshold(t *testing.T) {
	// Content words after stopwords go: minimize, time, takes, find,
	// decision (and whatever each case adds).
	const base = "Minimize the time it takes to find a decision"
	tests := []struct {
		name   string
		in     string
		others []string
		want   bool
	}{
		{"exact", base, []string{base}, true},
		{"case, punctuation, stopwords, plural", base, []string{"  minimize time it takes to find the DECISIONS!"}, true},
		{"4 of 5 words (0.80)", base, []string{"Minimize the time to find a decision"}, true},
		{"5 of 6 words (0.83)", base, []string{"Minimize the time it takes to find a past decision"}, true},
		{"5 of 7 words (0.71), one word different each", base + " quickly", []string{base + " in a team"}, false},
		{"3 of 4 words (0.75)", "Minimize the time to find", []string{"Minimize the time to find specs"}, false},
		{"5 of 7 words (0.71), two words more", base, []string{"Minimize the time it takes to find a past team decision"}, false},
		{"12 of 15 words (0.80)",
			"Minimize the time it takes to find a past decision when the team has grown past ten people quickly",
			[]string{"Minimize the time it takes to find a past decision when the team has grown past ten people in busy sprints"}, true},
		{"12 of 16 words (0.75)",
			"Minimize the time it takes to find a past decision when the team has grown past ten people quickly",
			[]string{"Minimize the time it takes to find a past decision when the team has grown past ten people in busy weekly sprints"}, false},
		{"unrelated", base, []string{"Reduce the cost of rework"}, false},
		{"no others", base, nil, false},
		{"empty other", base, []string{"", "!!!"}, false},
		{"stopwords only", "The", []string{"the."}, true},
	}
	for _, tt := range tests {
		got := slices.Contains(rules(Lint(tt.in, tt.others)), RuleDuplicate)
		if got != tt.want {
			t.Errorf("%s: Lint(%q, %q) duplicate = %v, want %v", tt.name, tt.in, tt.others, got, tt.want)
		}
	}
}

func TestLintDuplicateQuotesTheClosestStatement(t *testing.T) {
	others := []string{
		"Minimize the time it takes to find a past decision", // 5 of 6
		"Minimize the time it takes to find a decision.",     // the same words
	}
	issues := Lint("Minimize the time it takes to find a decision", others)
	if len(issues) != 1 || issues[0].Message != `It uses the same words as "Minimize the time it takes to find a decision.".` {
		t.Fatalf("issues %v", issues)
	}
	issues = Lint("Minimize the time it takes to find a decision", others[:1])
	if len(issues) != 1 || !strings.Contains(issues[0].Message, `"Minimize the time it takes to find a past decision" (83% of the words in common)`) {
		t.Fatalf("issues %v", issues)
	}
	long := "Minimize the time it takes to find a decision " + strings.Repeat("again ", 20)
	issues = Lint(long, []string{long})
	if len(issues) != 2 || !strings.Contains(issues[1].Message, `"Minimize the time it takes to find a decision again again again again aga…"`) {
		t.Fatalf("the start of a long statement should be quoted: %v", issues)
	}
}

func TestLintMessagesNameWhatWasFound(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Find a past decision", `It starts with "Find" instead of a direction of improvement such as Minimize, Reduce or Increase.`},
		{"Minimize the time", `It names no object of control: say what the customer is trying to get done, as in "Minimize the time it takes to find a past decision".`},
		{"Minimize the time it takes to find and share a decision",
			`The object of control "find and share a decision" joins two things with "and"; rate each in a statement of its own.`},
		{"Minimize the time it takes to find a decision and/or a spec", `joins two things with "and/or"`},
		{"Minimize the time it takes to find a decision in the Dashboard",
			`"Dashboard" names a solution or feature; say what the customer wants to get done instead.`},
		{"Minimize the time it takes to find a decision with the Slack app, on the dashboard",
			`"Slack", "app" and "dashboard" name solutions or features`},
		{"Minimize the time it takes to find a decision with the Slack app, on the dashboard, in the AI wiki",
			`"Slack", "app", "dashboard" and 2 more name solutions or features`},
		{"Minimize the time it takes to find" + strings.Repeat(" a", 24), `It has 31 words; keep it to 25 or fewer`},
		{"\u202eFind\u200b\xff a decision", `It starts with "Find" instead`},
		{"Minimize waste", "It names no unit of measure: say what is counted, as in the time, the likelihood, the number of steps, the effort or the cost."},
		{"Improve the onboarding experience", `"Improve" does not say which way is better: say Minimize, Maximize, Increase or Decrease.`},
		{"Minimize the time and effort it takes to plan a sprint", `It joins two units of measure, "time" and "effort", with "and"; rate each in a statement of its own.`},
	}
	for _, tt := range tests {
		if got := messages(Lint(tt.in, nil)); !strings.Contains(got, tt.want) {
			t.Errorf("Lint(%q) messages\n%s\nwant one containing %s", tt.in, got, tt.want)
		}
	}
}

func TestLintHandlesOddInput(t *testing.T) {
	inputs := oddInputs()
	for _, s := range inputs {
		for _, i := range Lint(s, inputs) {
			checkIssue(t, s, i)
		}
	}
}

// TestLintHugeInputTakesLinearTime guards against scans that restart at
// every comma or word: on 100 KB those take seconds, not milliseconds.
func TestLintHugeInputTakesLinearTime(t *testing.T) {
	inputs := oddInputs()
	for _, s := range inputs {
		if len(s) < 50_000 {
			continue
		}
		start := cpuTime(t)
		Parse(s)
		Lint(s, inputs)
		if d := cpuTime(t) - start; d > 500*time.Millisecond {
			t.Errorf("Lint(%.40q…) of %d bytes took %v of CPU", s, len(s), d)
		}
	}
}

// cpuTime is the CPU time the test process has used so far. The speed tests
// bound it rather than the time on the clock, which a busy machine
// stretches as it likes; nothing else runs in this package's tests meanwhile.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var knownRules = []string{RuleNoDirection, RuleVagueDirection, RuleNoMetric, RuleNoObject, RuleCompound, RuleSolution, RuleTooLong, RuleDuplicate}

// checkIssue fails unless i has a known rule and a readable message.
func checkIssue(t *testing.T, s string, i Issue) {
	t.Helper()
	if !slices.Contains(knownRules, i.Rule) {
		t.Fatalf("Lint(%.80q): unknown rule %q", s, i.Rule)
	}
	if i.Message == "" || !utf8.ValidString(i.Message) || strings.ContainsAny(i.Message, "\u200b\u202e\ufeff\x00\n") {
		t.Fatalf("Lint(%.80q): message %q", s, i.Message)
	}
	if n := utf8.RuneCountInString(i.Message); n > 300 {
		t.Fatalf("Lint(%.80q): message of %d characters", s, n)
	}
	// A rewrite is made of the statement's words and a few of its own.
	if n := len(i.Rewrite); n > 2*len(s)+100 {
		t.Fatalf("Lint(%.80q): rewrite of %d bytes", s, n)
	}
}

// study makes n distinct, realistic statements.
func study(n int) []string {
	verbs := []string{"find", "share", "confirm", "archive", "summarise", "locate", "verify", "explain"}
	things := []string{"a past decision", "the latest spec", "meeting notes", "a roadmap change", "who owns a task"}
	when := []string{"when the team has grown past ten people", "during a busy sprint", "before a board meeting"}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Minimize the time it takes to %s %s %s (%d)",
			verbs[i%len(verbs)], things[i/len(verbs)%len(things)], when[i%len(when)], i)
	}
	return out
}

// TestLintStudyIsFast lints 6,000 statements, six times what a study may
// hold: comparing every pair took four minutes for a study that size. A
// tenth of a second is usual; the bound is loose so the race detector does
// not fail it.
func TestLintStudyIsFast(t *testing.T) {
	stmts := study(6000)
	start := cpuTime(t)
	LintAll(stmts)
	took := cpuTime(t) - start
	t.Logf("6,000 statements: %v of CPU", took)
	if took > 3*time.Second {
		t.Errorf("linting 6,000 statements takes %v of CPU", took)
	}
}

// TestLintAllMatchesComparingEveryPair checks the indexed near-duplicate
// search against the plain one, comparing every statement with every other,
// on random statements with near-duplicates planted among them.
func TestLintAllMatchesComparingEveryPair(t *testing.T) {
	seeds := uint64(8)
	if testing.Short() {
		seeds = 2
	}
	for seed := range seeds {
		stmts := plantedStudy(seed, 300)
		got, want := nearDuplicates(stmts), everyPair(stmts)
		found := 0
		for i := range stmts {
			if got[i] != want[i] {
				t.Fatalf("seed %d, %q: indexed search found %+v, every pair %+v", seed, stmts[i], got[i], want[i])
			}
			if want[i].ok {
				found++
			}
		}
		if found < len(stmts)/4 {
			t.Fatalf("seed %d: only %d of %d statements have a near-duplicate; the data tests little", seed, found, len(stmts))
		}
		t.Logf("seed %d: the same near-duplicates for all %d of %d statements that have one", seed, found, len(stmts))
	}
	stmts := plantedStudy(99, 200)
	all := LintAll(stmts)
	for i, s := range stmts {
		if want := Lint(s, slices.Delete(slices.Clone(stmts), i, i+1)); !slices.Equal(all[i], want) {
			t.Fatalf("LintAll of %q: %v, Lint: %v", s, all[i], want)
		}
	}
}

// everyPair finds each statement's near-duplicate, the one sharing the
// greatest part of its words, the first on a tie, by comparing it with every
// other statement.
func everyPair(stmts []string) []match {
	sets := make([]map[uint64]bool, len(stmts))
	for i, s := range stmts {
		sets[i] = map[uint64]bool{}
		for _, w := range words(s) {
			sets[i][w] = true
		}
	}
	best := make([]match, len(stmts))
	for i := range sets {
		var bi, bu int
		for j := range sets {
			if j == i || len(sets[i]) == 0 {
				continue
			}
			inter := 0
			for w := range sets[j] {
				if sets[i][w] {
					inter++
				}
			}
			union := len(sets[i]) + len(sets[j]) - inter
			if 5*inter >= 4*union && (!best[i].ok || inter*bu > bi*union) {
				best[i], bi, bu = match{other: stmts[j], percent: 100 * inter / union, ok: true}, inter, union
			}
		}
	}
	return best
}

// plantedStudy makes n statements: random ones over a vocabulary where a few
// words are common and most are rare, as in real studies, and near-copies of
// earlier ones with a word dropped, added or swapped, or written differently
// (case, plural, punctuation, stopwords), or copied whole.
func plantedStudy(seed uint64, n int) []string {
	rng := rand.New(rand.NewPCG(seed, 1))
	vocab := make([]string, 400)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	word := func() string { return vocab[zipf.Uint64()] }
	var out []string
	for len(out) < n {
		if len(out) == 0 || rng.IntN(3) == 0 {
			ws := make([]string, 3+rng.IntN(14))
			for i := range ws {
				ws[i] = word()
			}
			out = append(out, "Minimize the time it takes to "+strings.Join(ws, " "))
			continue
		}
		ws := strings.Fields(out[rng.IntN(len(out))])
		switch rng.IntN(6) {
		case 0:
			ws = slices.Delete(ws, len(ws)-1, len(ws))
		case 1:
			ws = append(ws, word())
		case 2:
			ws[rng.IntN(len(ws))] = word()
		case 3:
			at := rng.IntN(len(ws))
			ws[at] = strings.ToUpper(ws[at]) + "s."
		case 4:
			ws = append(ws, "of", "the")
		}
		out = append(out, strings.Join(ws, " "))
	}
	return out
}

func BenchmarkLintStudy(b *testing.B) {
	for _, n := range []int{150, 1000} {
		stmts := study(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				LintAll(stmts)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	s := "Minimize the number of steps needed to find a past decision when the team has grown past ten people"
	b.ReportAllocs()
	for b.Loop() {
		Parse(s)
	}
}
