// Package statement parses desired-outcome statements into the ODI parts —
// direction, metric, object of control, contextual clarifier — so a researcher
// sees how each statement reads, and lints them for the mistakes that make a
// survey item hard to rate: no direction or a vague one, no unit of measure,
// no object of control, two metrics or objects, a solution instead of an
// outcome, too many words, a near-duplicate, each with a rewrite to start from
// where one can be made (rewrite.go). It lints the job statement too (job.go):
// no situation, a want too broad, too narrow or naming a solution, and a want
// the survey cannot put after "When you". Lint only warns; whether to keep a
// statement is the researcher's call.
//
// "Minimize the time it takes to onboard a new team member, regardless of
// their prior tooling" reads as direction "minimize", metric "time", object
// "onboard a new team member" and clarifier "regardless of their prior
// tooling". Parsing is a handful of deliberate word lists (see words.go), not
// a grammar: it is right for statements written the ODI way and harmless for
// anything else.
package statement

import (
	"strings"
	"unicode/utf8"
)

// Parsed is a statement split into its ODI parts; a part not found is "".
// Object and Clarifier are pieces of the statement as written; Direction and
// Metric are lower-cased.
type Parsed struct {
	Direction string `json:"direction"` // e.g. "minimize"
	Metric    string `json:"metric"`    // e.g. "time", "likelihood", "number of steps"
	Object    string `json:"object"`    // e.g. "find a past decision"
	Clarifier string `json:"clarifier"` // e.g. "when the team has grown past ten people"
}

// Parse splits a statement into its ODI parts. A statement without a
// direction still gets its metric, object and clarifier where they are
// recognisable.
func Parse(s string) Parsed { return parse(s).Parsed }

// parts is Parsed plus what Lint needs to know of how it was found.
type parts struct {
	Parsed
	text        string // the statement without leading punctuation or trailing full stop
	firstWord   string // "" if the statement has no word at all
	connector   string // lower-case words between metric and object, e.g. "it takes to"
	objectStart int    // byte offset of the object in text
	// metrics are the units of measure one by one: two in "the time and
	// effort it takes to", joined by metricJoin. metricAt and metricEnd
	// are the byte span of "[the] metric" in text; metricAt is also
	// where whatever follows the direction starts.
	metrics             []string
	metricJoin          string
	metricAt, metricEnd int
}

func parse(s string) parts {
	// Leading bullets, quotes and blanks go, and so does the closing full
	// stop, so "- Minimize …." parses like "Minimize …".
	t := strings.TrimLeftFunc(s, func(r rune) bool { return !isWordRune(r) })
	t = strings.TrimRightFunc(t, func(r rune) bool { return isBlank(r) || strings.ContainsRune(".!?;:,…", r) })
	p := parts{text: t}
	ws, we := nextWord(t, 0)
	if ws < 0 {
		return p
	}
	p.firstWord = t[ws:we]

	i := 0
	if end, _ := matchAny(t, 0, directions); end > 0 {
		p.Direction = asciiLower(t[:end])
		i = skipBlank(t, end)
	}
	p.metricAt = i
	i = p.parseMetric(t, i)
	p.objectStart = i
	body := t[i:]
	cut := clarifierStart(body)
	p.Object = strings.TrimRightFunc(body[:cut], isBlankOrComma)
	p.Clarifier = strings.TrimLeftFunc(body[cut:], isBlankOrComma)
	return p
}

func isBlankOrComma(r rune) bool { return r == ',' || isBlank(r) }

// parseMetric reads "[the] metric [and|or [the] metric] [connector]" at byte
// i of t, records the metrics and connector, and returns where the object
// starts (i if there is no metric).
func (p *parts) parseMetric(t string, i int) int {
	j := i
	if e := matchPhrase(t, j, "the"); e >= 0 {
		j = skipBlank(t, e)
	}
	start := j
	end, _ := matchAny(t, j, metrics)
	if end < 0 {
		return i
	}
	p.metrics = []string{asciiLower(t[start:end])}
	last := start // where the last metric starts
	// "the time and effort it takes to …" measures two things.
	if k := skipBlank(t, end); k > end {
		if je, join := matchAny(t, k, []string{"and", "or"}); je >= 0 {
			m := skipBlank(t, je)
			if e := matchPhrase(t, m, "the"); e >= 0 {
				m = skipBlank(t, e)
			}
			if e2, _ := matchAny(t, m, metrics); e2 >= 0 && m > je {
				p.metrics = append(p.metrics, asciiLower(t[m:e2]))
				p.metricJoin, last, end = join, m, e2
			}
		}
	}
	metricEnd := end
	body := skipBlank(t, end)
	if ce, c := matchAny(t, body, connectors); ce >= 0 {
		p.connector = c
		body = skipBlank(t, ce)
		if c == "of" && unitMetrics[asciiLower(t[last:end])] {
			// "the number of meetings needed to …": the unit is the word
			// between "of" and the verb phrase.
			if ws, we := nextWord(t, body); ws == body {
				k := skipBlank(t, we)
				if ue, uc := matchAny(t, k, unitConnectors); ue >= 0 && k > we {
					metricEnd, p.connector, body = we, uc, skipBlank(t, ue)
					p.metrics[len(p.metrics)-1] = asciiLower(t[last:we])
				}
			}
		}
	}
	p.Metric = asciiLower(t[start:metricEnd])
	p.metricEnd = metricEnd
	return body
}

// clarifierStart returns the byte offset in body (object and clarifier) at
// which the clarifier starts: a comma, or a clarifier word after at least one
// word of the object, unless that word is the particle of the verb before it
// ("search for", "log in"). It returns len(body) if there is no clarifier.
func clarifierStart(body string) int {
	prev := ""
	words := 0
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRuneInString(body[i:])
		switch {
		case r == ',':
			// ", and" and ", or" continue a list inside the object.
			if w := wordAt(body, skipBlank(body, i+1)); w != "and" && w != "or" {
				return i
			}
			i += n
		case isWordRune(r):
			_, we := nextWord(body, i)
			w := asciiLower(body[i:we])
			if words > 0 && opensClarifier(body, i, w, prev) {
				return i
			}
			words++
			prev, i = w, we
		default:
			i += n
		}
	}
	return len(body)
}

// wordAt returns the word starting at byte i of s, lower-cased, or "".
func wordAt(s string, i int) string {
	if i >= len(s) {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(s[i:]); !isWordRune(r) {
		return ""
	}
	_, we := nextWord(s, i)
	return asciiLower(s[i:we])
}

// opensClarifier reports whether the word w at byte ws of body, after the
// word prev, starts the clarifier.
func opensClarifier(body string, ws int, w, prev string) bool {
	phrases, ok := clarifierIndex[w]
	if !ok {
		return false
	}
	for _, n := range notClarifiers {
		if matchPhrase(body, ws, n) >= 0 {
			return false
		}
	}
	if verbs := particleVerbs[w]; verbs != nil && isVerbForm(prev, verbs) {
		return false
	}
	for _, ph := range phrases {
		if matchPhrase(body, ws, ph) >= 0 {
			return true
		}
	}
	return false
}
