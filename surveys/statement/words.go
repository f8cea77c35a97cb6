package statement

import (
	"cmp"
	"slices"
	"strings"
)

// The word lists below are deliberate: each entry is there because real
// statements use it, and a word left out is cheaper than a false warning.
// Entries are lower-case ASCII; multi-word entries use single spaces.

// directions open a well-formed statement with the way things should move.
// The vague ones are here too, so the rest of the statement still parses;
// Lint names them (vagueDirections).
var directions = longestFirst(
	"minimize", "minimise", "maximize", "maximise",
	"increase", "decrease", "reduce", "lower", "raise",
	"improve", "eliminate", "prevent", "avoid", "mitigate",
	"speed up", "shorten", "lessen", "limit", "cut down on", "cut",
	"boost", "accelerate", "enhance", "curb",
	"optimize", "optimise", "ensure", "better",
)

// vagueDirections say that things should get better without saying which
// way is better: "improve the time" may mean more of it or less.
var vagueDirections = set("improve", "enhance", "optimize", "optimise", "ensure", "better")

// towardsZero are the directions that want less of what follows; the others
// (increase, maximize, raise, boost) want more. A rewrite says "Minimize" or
// "Increase" accordingly.
var towardsZero = set("minimize", "minimise", "decrease", "reduce", "lower", "eliminate", "prevent", "avoid",
	"mitigate", "speed up", "shorten", "lessen", "limit", "cut down on", "cut", "accelerate", "curb")

// eventDirections name something that should not happen at all: its metric
// is a likelihood ("Prevent data loss": the likelihood of data loss).
var eventDirections = set("eliminate", "prevent", "avoid", "mitigate")

// speedDirections are about time: "Speed up the hand-over" measures the time
// the hand-over takes.
var speedDirections = set("speed up", "shorten", "accelerate")

// metrics are the units of measure that follow the direction, after an
// optional "the": "the time", "the likelihood", "the number of steps".
var metrics = longestFirst(
	"time", "amount of time", "length of time",
	"effort", "amount of effort", "amount of work",
	"likelihood", "chance", "chances", "probability", "risk", "odds",
	"number", "number of steps", "number of times", "number of errors", "number of mistakes",
	"number of attempts", "number of hand-offs", "number of handoffs", "number of interruptions",
	"number of places", "number of people",
	"frequency", "amount", "cost", "accuracy", "precision", "speed", "delay", "duration",
	"variability", "consistency", "completeness", "reliability", "percentage", "proportion",
	"rate", "level", "degree", "difficulty", "volume",
)

// moreIsBetter are the metrics a vague direction wants more of; it wants less
// of every other one (time, effort, cost, number, risk…), as ODI statements
// nearly always do.
var moreIsBetter = set("likelihood", "chance", "chances", "probability", "odds", "accuracy", "precision",
	"consistency", "completeness", "reliability", "speed", "percentage", "proportion")

// badEvents mark a likelihood of something going wrong, which a vague
// direction wants less of: "improve the likelihood of missing a deadline".
var badEvents = []string{"fail", "miss", "lose", "lost", "forget", "wrong", "error", "mistake", "outdated",
	"late", "conflict", "duplicat", "break", "broke", "overlook", "confus", "delay", "stale", "block"}

// trailingUnits are the metrics that may come inside the object instead of
// after the direction: "Minimize onboarding time", "Reduce the error rate of
// invoices".
var trailingUnits = set("time", "times", "effort", "cost", "costs", "rate", "risk", "delay", "delays", "duration",
	"frequency", "accuracy", "speed", "variability", "volume", "likelihood", "probability", "precision", "reliability")

// unitMetrics take their unit from the word after "of" when a verb phrase
// follows it: "the number of meetings needed to …" measures "number of
// meetings"; "the number of decisions that get lost" measures "number".
var unitMetrics = map[string]bool{"number": true, "amount": true}

// connectors tie the metric to the object of control and belong to neither.
var connectors = longestFirst(
	"it takes to", "it takes for", "it takes", "that it takes to",
	"needed to", "needed for", "required to", "required for",
	"spent on", "spent in", "spent", "wasted on", "wasted", "lost to", "lost on", "lost",
	"taken to", "involved in", "associated with", "with which",
	"that", "of", "to", "for", "in", "between",
)

// unitConnectors follow the unit of a unitMetric: "number of meetings
// needed to".
var unitConnectors = longestFirst(
	"it takes to", "it takes", "that it takes to", "needed to", "needed for", "needed",
	"required to", "required for", "required", "spent on", "spent", "wasted", "taken to", "involved in",
)

// clarifiers open the contextual clarifier after the object of control (a
// comma does too).
var clarifiers = longestFirst(
	"when", "whenever", "while", "during", "before", "after", "regardless", "without",
	"in", "across", "for", "given", "if", "as", "once", "until", "unless", "despite",
	"within", "throughout", "because", "so that", "even if", "even when", "even though",
)

// notClarifiers start with a clarifier word but stay inside the object.
var notClarifiers = []string{"as well as"}

// particleVerbs are verbs that take a clarifier word as their own particle,
// so "search for a spec" or "log in to the wiki" stays one object. The verb
// is matched in any simple form: "search", "searches", "searching".
var particleVerbs = map[string]map[string]bool{
	"for": set("look", "search", "ask", "wait", "account", "prepare", "plan", "pay", "apply", "care",
		"test", "check", "allow", "call", "vote", "hunt", "reach", "opt", "settle", "aim", "hope",
		"substitute", "qualify", "budget", "advocate", "compensate", "stand", "scan", "listen",
		"watch", "up", "responsible", "accountable", "eligible"),
	"in": set("log", "sign", "check", "fill", "opt", "plug", "hand", "turn", "break", "join", "step",
		"factor", "zero", "dial", "lock", "key", "type", "bring", "pitch", "chip", "invest", "engage",
		"participate", "believe", "trust", "result", "specialize", "specialise", "interest",
		"involve", "include", "store", "keep", "file", "bury", "hide", "lose", "lost", "written"),
	"as": set("mark", "flag", "tag", "label", "treat", "count", "describe", "classify", "save",
		"export", "list", "record", "use", "act", "serve", "such", "same", "well", "known", "so",
		"regard", "see", "view", "define", "identify", "rate", "qualify", "work", "just"),
	"when": set("know", "tell", "see", "notice", "decide", "predict", "learn", "check", "confirm",
		"verify", "ask", "determine", "understand", "forget", "remember", "realize", "realise", "out",
		"judge", "guess", "spot", "detect", "sure", "certain", "aware", "unsure", "wonder",
		"estimate", "show", "flag"),
	"if": set("know", "tell", "see", "notice", "decide", "predict", "learn", "check", "confirm",
		"verify", "ask", "determine", "understand", "forget", "remember", "realize", "realise", "out",
		"judge", "guess", "spot", "detect", "sure", "certain", "aware", "unsure", "wonder", "show"),
	"after":  set("look", "ask", "chase", "run"),
	"across": set("come", "run", "stumble"),
}

// fixedPairs hold "and" or "or" without naming two things.
var fixedPairs = set(
	"back and forth", "pros and cons", "trial and error", "terms and conditions",
	"research and development", "black and white", "up and running", "now and then",
	"give and take", "more or less", "sooner or later", "one or more", "two or more",
	"whether or not", "once and for",
)

// solutions name a product, feature or technology instead of the result the
// customer wants. Plurals ("apps", "APIs") match too, and so does a part of
// a hyphenated word ("AI-generated").
var solutions = set(
	"app", "button", "dashboard", "feature", "tool", "software", "ai", "integration", "plugin",
	"plug-in", "add-on", "addon", "slack", "notification", "template", "widget", "screen", "menu",
	"api", "chatbot", "bot", "website", "webpage", "portal", "spreadsheet", "excel", "checkbox",
	"dropdown", "drop-down", "sidebar", "toolbar", "popup", "pop-up", "tooltip", "wizard", "chatgpt",
	"gpt", "llm", "copilot", "jira", "trello", "crm", "erp", "saas", "sdk", "ui", "gui", "algorithm",
	"automation", "database", "platform", "wiki", "blockchain", "browser",
)

// solutionPairs are two-word solutions whose words alone are innocent.
var solutionPairs = set(
	"web page", "check box", "drop down", "search bar", "search engine", "machine learning",
	"artificial intelligence", "chat bot", "google docs", "google drive", "google sheets",
	"microsoft teams",
)

// verbSolutions are solution words that are also everyday verbs ("screen a
// candidate", "excel at"); as a verb they name no solution.
var verbSolutions = set("screen", "excel", "feature", "template")

// verbLead are words after which a verbSolution is a verb.
var verbLead = set("to", "can", "cannot", "can't", "will", "must", "should", "could", "would", "and", "or")

// stopwords carry no meaning for the near-duplicate check.
var stopwords = []string{
	"the", "a", "an", "to", "of", "it", "that", "is", "are", "be", "in", "on", "at", "for", "by",
	"with", "and", "or", "you", "your", "i", "my", "we", "our", "they", "their", "this",
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func longestFirst(phrases ...string) []string {
	slices.SortStableFunc(phrases, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return phrases
}

// clarifierIndex maps the first word of each clarifier to the phrases it
// may open.
var clarifierIndex = func() map[string][]string {
	m := map[string][]string{}
	for _, c := range clarifiers {
		first, _, _ := strings.Cut(c, " ")
		m[first] = append(m[first], c)
	}
	return m
}()

// isVerbForm reports whether w is one of verbs or a simple inflection of
// one: "searches", "searching", "logged", "stored".
func isVerbForm(w string, verbs map[string]bool) bool {
	if verbs[w] {
		return true
	}
	for _, suffix := range []string{"s", "es", "ed", "d", "ing"} {
		stem, ok := strings.CutSuffix(w, suffix)
		if !ok || len(stem) < 2 {
			continue
		}
		if verbs[stem] || verbs[stem+"e"] {
			return true
		}
		if n := len(stem); n >= 3 && stem[n-1] == stem[n-2] && verbs[stem[:n-1]] {
			return true
		}
	}
	return false
}
