// Package statement parses desired-outcome statements into the ODI parts —
// direction, metric, object of control, contextual clarifier — and lints them
// for the mistakes that make a survey item unanswerable or ambiguous.
package statement

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parsed is a statement split into its ODI parts; a part not found is "".
type Parsed struct {
	Direction string `json:"direction"`
	Metric    string `json:"metric"`
	Object    string `json:"object"`
	Clarifier string `json:"clarifier"`
}

// Issue is one lint warning.
type Issue struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Lint rules.
const (
	RuleNoDirection = "no_direction"
	RuleTwoObjects  = "two_objects"
	RuleSolution    = "solution"
	RuleTooLong     = "too_long"
	RuleDuplicate   = "duplicate"
)

// maxWords is the longest statement a respondent reads comfortably.
const maxWords = 25

// duplicateSimilarity is the word-set overlap (Jaccard) from which two
// statements read as the same outcome.
const duplicateSimilarity = 0.8

// directions are the verbs that open a well-formed outcome statement.
var directions = []string{
	"minimize", "minimise", "maximize", "maximise", "increase", "decrease", "reduce", "lower", "raise",
	"improve", "eliminate", "prevent", "avoid", "shorten", "lessen", "limit", "boost", "speed up", "cut",
}

// metricPhrases open the unit of measure, longest first so "number of steps"
// wins over "number".
var metricPhrases = []string{
	"the time it takes to", "the time spent", "the time needed to", "the amount of time it takes to", "the amount of time",
	"the number of steps needed to", "the number of steps it takes to", "the number of steps", "the number of times",
	"the number of", "the likelihood that", "the likelihood of", "the chance that", "the chance of", "the probability that",
	"the probability of", "the risk that", "the risk of", "the frequency with which", "the frequency of",
	"the amount of effort it takes to", "the amount of effort", "the effort it takes to", "the effort needed to", "the effort",
	"the amount of", "the cost of", "the accuracy of", "the speed of", "the time", "the likelihood", "the number", "the cost",
	"the frequency", "the amount", "the chance", "the risk", "the accuracy", "the speed",
}

// clarifierStarts begin the contextual clarifier after the object.
var clarifierStarts = []string{
	" when ", " while ", " during ", " before ", " after ", " regardless ", " without ", " across ", " given ",
	" if ", " as ", " once ", " whenever ", " in case ", " for the first time",
}

// solutionWords name a product or feature rather than an outcome.
var solutionWords = []string{
	"app", "application", "button", "dashboard", "feature", "tool", "software", "ai", "integration", "plugin",
	"plug-in", "slack", "notification", "notifications", "template", "templates", "widget", "screen", "menu", "api",
	"chatbot", "bot", "website", "portal", "spreadsheet", "excel", "email", "sms", "popup", "pop-up", "checkbox",
	"dropdown", "sidebar", "toolbar", "extension", "platform", "saas", "jira", "notion", "wiki", "algorithm",
}

// Parse splits a statement into its ODI parts.
func Parse(s string) Parsed {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	var p Parsed
	rest := 0
	for _, d := range directions {
		if hasWordPrefix(lower, d) {
			p.Direction = lower[:len(d)]
			rest = len(d)
			break
		}
	}
	if p.Direction == "" {
		return p
	}
	rest = skipSpace(s, rest)
	for _, m := range metricPhrases {
		if hasWordPrefix(lower[rest:], m) {
			p.Metric = metricName(m)
			rest = skipSpace(s, rest+len(m))
			break
		}
	}
	body := strings.TrimRight(s[rest:], ".!? ")
	cut := len(body)
	lb := strings.ToLower(body)
	if i := strings.Index(body, ","); i >= 0 {
		cut = i
	}
	for _, c := range clarifierStarts {
		if i := strings.Index(lb, c); i >= 0 && i < cut {
			cut = i
		}
	}
	p.Object = strings.TrimSpace(body[:cut])
	p.Clarifier = strings.TrimSpace(strings.TrimLeft(body[cut:], ", "))
	return p
}

// metricName is the unit a metric phrase measures ("the number of steps needed
// to" measures "number of steps").
func metricName(phrase string) string {
	m := strings.TrimPrefix(phrase, "the ")
	for _, tail := range []string{" it takes to", " needed to", " spent", " that", " of", " with which", " to"} {
		if strings.HasSuffix(m, tail) && m != "number of" {
			m = strings.TrimSuffix(m, tail)
			break
		}
	}
	m = strings.TrimPrefix(m, "amount of ")
	if m == "number of" {
		return "number"
	}
	return m
}

func hasWordPrefix(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	if len(s) == len(prefix) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[len(prefix):])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// Lint returns the warnings for s; others are the study's other statements,
// for the near-duplicate check. Lint warns and never blocks.
func Lint(s string, others []string) []Issue {
	var issues []Issue
	p := Parse(s)
	words := strings.Fields(s)
	if len(words) > 0 && p.Direction == "" {
		issues = append(issues, Issue{RuleNoDirection, fmt.Sprintf("Start with a direction of improvement such as Minimize or Increase, not %q.", clip(words[0], 30))})
	}
	if obj := " " + strings.ToLower(p.Object) + " "; p.Object != "" {
		for _, j := range []string{" and/or ", " and ", " or "} {
			if strings.Contains(obj, j) {
				issues = append(issues, Issue{RuleTwoObjects, fmt.Sprintf("The object joins two things with %q; rate one outcome per statement.", strings.TrimSpace(j))})
				break
			}
		}
	}
	if w := solutionWord(s); w != "" {
		issues = append(issues, Issue{RuleSolution, fmt.Sprintf("%q names a solution or feature; describe the outcome the customer wants instead.", w)})
	}
	if len(words) > maxWords {
		issues = append(issues, Issue{RuleTooLong, fmt.Sprintf("%d words is long for a survey item; keep it to %d or fewer.", len(words), maxWords)})
	}
	if dup := nearDuplicate(s, others); dup != "" {
		issues = append(issues, Issue{RuleDuplicate, fmt.Sprintf("Nearly the same as %q.", clip(dup, 60))})
	}
	return issues
}

func solutionWord(s string) string {
	for _, w := range tokens(s) {
		for _, sw := range solutionWords {
			if w == sw {
				return w
			}
		}
	}
	return ""
}

// tokens are the lower-case words of s, punctuation dropped.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
}

var stopwords = map[string]bool{"the": true, "a": true, "an": true, "to": true, "of": true, "it": true, "that": true, "is": true, "in": true, "for": true, "on": true}

func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range tokens(s) {
		if !stopwords[w] {
			set[w] = true
		}
	}
	return set
}

// nearDuplicate returns the first other statement whose word set overlaps s's
// by at least duplicateSimilarity.
func nearDuplicate(s string, others []string) string {
	a := wordSet(s)
	if len(a) == 0 {
		return ""
	}
	for _, o := range others {
		b := wordSet(o)
		inter := 0
		for w := range a {
			if b[w] {
				inter++
			}
		}
		union := len(a) + len(b) - inter
		if union > 0 && float64(inter)/float64(union) >= duplicateSimilarity {
			return o
		}
	}
	return ""
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
