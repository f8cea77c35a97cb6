package statement

import (
	"fmt"
	"strings"
)

// Issue is one lint warning on a statement.
type Issue struct {
	Rule    string `json:"rule"`    // one of the Rule* constants
	Message string `json:"message"` // one sentence naming what was found
	// Rewrite is a statement that does not break the rule, made from the
	// researcher's own words; "" when no safe one can be made. A statement
	// split in two gives two lines.
	Rewrite string `json:"rewrite,omitempty"`
}

// Lint rules of outcome statements, in the order Lint reports them.
const (
	RuleNoDirection    = "no_direction"    // the first word is not a direction verb
	RuleVagueDirection = "vague_direction" // improve, enhance, optimize: not which way is better
	RuleNoMetric       = "no_metric"       // no unit of measure: time, likelihood, number, effort, cost…
	RuleNoObject       = "no_object"       // nothing follows the direction and metric
	RuleCompound       = "compound"        // two metrics or two objects joined by and/or
	RuleSolution       = "solution"        // a product or feature is named instead of an outcome
	RuleTooLong        = "too_long"        // more than maxWords words
	RuleDuplicate      = "duplicate"       // nearly the same words as another statement
)

// maxWords is the longest statement a respondent takes in at a glance.
const maxWords = 25

// Lint returns the warnings for s; others are the study's other statements,
// for the near-duplicate check. Issues come in the order of the Rule
// constants, at most one per rule. A statement with no word at all gets no
// warnings: that it is empty is for the form to say.
func Lint(s string, others []string) []Issue {
	return lint(s, nearDuplicate(s, others))
}

// LintAll lints every statement of a study: issues[i] is Lint(stmts[i], the
// other statements in order), found without comparing every pair.
func LintAll(stmts []string) (issues [][]Issue) {
	dups := nearDuplicates(stmts)
	issues = make([][]Issue, len(stmts))
	for i, s := range stmts {
		issues[i] = lint(s, dups[i])
	}
	return issues
}

// lint is Lint with the near-duplicate of s already found.
func lint(s string, dup match) []Issue {
	p := parse(s)
	if p.firstWord == "" {
		return nil
	}
	var issues []Issue
	add := func(rule, rewrite, format string, args ...any) {
		issues = append(issues, Issue{Rule: rule, Message: fmt.Sprintf(format, args...), Rewrite: rewrite})
	}
	vague := vagueDirections[p.Direction]
	noMetric := p.Direction != "" && p.Metric == "" && p.Object != "" && unitIn(p.Object) == ""
	if p.Direction == "" {
		add(RuleNoDirection, p.directionRewrite(), "It starts with %s instead of a direction of improvement such as Minimize, Reduce or Increase.",
			quote(p.firstWord, 30))
	}
	if vague {
		rewrite := p.clearDirectionRewrite()
		if noMetric {
			rewrite = p.metricRewrite()
		}
		add(RuleVagueDirection, rewrite, "%s does not say which way is better: say Minimize, Maximize, Increase or Decrease.",
			quote(p.text[:len(p.Direction)], 30))
	}
	if noMetric {
		add(RuleNoMetric, p.metricRewrite(), "It names no unit of measure: say what is counted, as in the time, the likelihood, the number of steps, the effort or the cost.")
	}
	if p.Object == "" {
		add(RuleNoObject, "", "It names no object of control: say what the customer is trying to get done, as in %q.",
			"Minimize the time it takes to find a past decision")
	}
	if len(p.metrics) > 1 {
		add(RuleCompound, p.metricSplit(), "It joins two units of measure, %s and %s, with %q; rate each in a statement of its own.",
			quote(p.metrics[0], 30), quote(p.metrics[1], 30), p.metricJoin)
	} else if j := joiner(p.Object, p.connector); j.word != "" {
		add(RuleCompound, p.objectSplit(j), "The object of control %s joins two things with %q; rate each in a statement of its own.",
			quote(p.Object, 60), j.word)
	}
	if found := solutionSpans(p.text, p.objectStart); len(found) > 0 {
		verb := "names a solution or feature"
		if len(found) > 1 {
			verb = "name solutions or features"
		}
		add(RuleSolution, p.solutionRewrite(found), "%s %s; say what the customer wants to get done instead.", listQuoted(written(p.text, found)), verb)
	}
	if n := countWords(p.text); n > maxWords {
		add(RuleTooLong, "", "It has %d words; keep it to %d or fewer so respondents can take it in at a glance.", n, maxWords)
	}
	if dup.ok {
		if dup.percent == 100 {
			add(RuleDuplicate, "", "It uses the same words as %s.", quote(dup.other, 60))
		} else {
			add(RuleDuplicate, "", "It is nearly the same as %s (%d%% of the words in common).", quote(dup.other, 60), dup.percent)
		}
	}
	return issues
}

// join is where the object of control joins two things: the joining word
// or sign, and its byte span in the object. word is "" when it names one
// thing.
type join struct {
	word      string
	at, after int
}

// joiner finds the word that joins two things in the object of control.
func joiner(object, connector string) join {
	if connector == "between" {
		return join{} // "the time between a request and its answer" is one span
	}
	prev := ""
	for i := 0; ; {
		ws, we := nextWord(object, i)
		if ws < 0 {
			return join{}
		}
		if gap := object[i:ws]; prev != "" && len(gap) > 1 && strings.TrimFunc(gap, isBlank) == "&" {
			at := i + strings.IndexByte(gap, '&')
			return join{"&", at, at + 1} // "decisions & specs", but not "R&D"
		}
		w := asciiLower(object[ws:we])
		switch {
		case w == "between":
			return join{}
		case prev == "":
		case w == "and" || w == "or":
			phrase, after := w, we
			if w == "and" && strings.HasPrefix(object[we:], "/or") && wordEndsAt(object, we+3) {
				phrase, after = "and/or", we+3
			}
			if ns, ne := nextWord(object, after); ns >= 0 && !fixedPairs[prev+" "+w+" "+asciiLower(object[ns:ne])] {
				return join{phrase, ws, after}
			}
		case w == "as":
			if e := matchPhrase(object, ws, "as well as"); e >= 0 {
				if ns, _ := nextWord(object, e); ns >= 0 {
					return join{"as well as", ws, e}
				}
			}
		}
		prev, i = w, we
	}
}

// span is a byte range of a statement.
type span struct{ start, end int }

// solutionSpans finds the solution words in text, each once (the first time
// it is written), in order. objectStart is where the object of control
// begins: a word that is also a verb ("screen") names no solution there.
func solutionSpans(text string, objectStart int) []span {
	var found []span
	seen := map[string]bool{}
	note := func(start, end int) {
		if k := asciiLower(text[start:end]); !seen[k] {
			seen[k] = true
			found = append(found, span{start, end})
		}
	}
	prev, prevStart := "", 0
	for i := 0; ; {
		ws, we := nextWord(text, i)
		if ws < 0 {
			break
		}
		written := text[ws:we]
		w := asciiLower(written)
		switch {
		case solutionPairsFirst[prev] && solutionPairs[prev+" "+singular(w)]:
			note(prevStart, we)
		case verbSolutions[singular(w)] && (ws == objectStart || verbLead[prev]):
			// a verb here: "screen a candidate"
		case solutions[singular(w)]:
			note(ws, we)
		case strings.ContainsAny(w, "-'"):
			at := ws
			for part := range strings.FieldsFuncSeq(written, func(r rune) bool { return r == '-' || r == '\'' }) {
				at = ws + strings.Index(text[ws:we], part)
				if solutions[singular(asciiLower(part))] {
					note(at, at+len(part))
				}
			}
		}
		prev, prevStart, i = w, ws, we
	}
	return found
}

// written is the text of each span.
func written(text string, spans []span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = text[s.start:s.end]
	}
	return out
}

// singular drops a plural ending: "apps" → "app", "APIs" → "api",
// "boxes" → "box". Words the lists do not hold come out as nonsense, which
// does no harm.
func singular(w string) string {
	if solutions[w] || solutionPairsSecond[w] || verbSolutions[w] {
		return w
	}
	if s, ok := strings.CutSuffix(w, "es"); ok && (solutions[s] || solutionPairsSecond[s]) {
		return s
	}
	if s, ok := strings.CutSuffix(w, "s"); ok {
		return s
	}
	return w
}

// solutionPairsFirst and solutionPairsSecond hold the first and second
// words of solutionPairs.
var solutionPairsFirst, solutionPairsSecond = func() (first, second map[string]bool) {
	first, second = map[string]bool{}, map[string]bool{}
	for p := range solutionPairs {
		a, b, _ := strings.Cut(p, " ")
		first[a], second[b] = true, true
	}
	return first, second
}()

// countWords counts the words of s; a hyphenated word counts once.
func countWords(s string) int {
	n := 0
	for i := 0; ; n++ {
		ws, we := nextWord(s, i)
		if ws < 0 {
			return n
		}
		i = we
	}
}

// listQuoted writes "a", "a" and "b", "a", "b" and "c", or "a", "b", "c"
// and 2 more.
func listQuoted(words []string) string {
	const shown = 3
	q := make([]string, 0, shown)
	for _, w := range words[:min(len(words), shown)] {
		q = append(q, quote(w, 30))
	}
	switch {
	case len(words) > shown:
		return fmt.Sprintf("%s and %d more", strings.Join(q, ", "), len(words)-shown)
	case len(q) == 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
