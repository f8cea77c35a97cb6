package statement

import "strings"

// The rewrites Lint suggests. Each is made from the researcher's own words
// with one of a few fixed patterns, so it is a starting point to edit, not
// a finished statement: "Minimize waste" becomes "Minimize the amount of
// waste", which is measurable, though the researcher may know a better
// unit.

// directionRewrite puts a direction in front of a statement that has none:
// from a direction later in it ("I want to minimize the time…" → "Minimize
// the time…"), before its metric ("The time it takes to…" → "Minimize the
// time it takes to…"), or before a verb ("Find a past decision" → "Minimize
// the time it takes to find a past decision"). "" when it starts with a
// noun phrase, which no pattern fits.
func (p parts) directionRewrite() string {
	t := p.text
	for i := 0; ; {
		ws, we := nextWord(t, i)
		if ws < 0 {
			break
		}
		if end, d := matchAny(t, ws, directions); ws > 0 && end > 0 && !vagueDirections[d] {
			return upperFirst(t[ws:])
		}
		i = we
	}
	first := asciiLower(p.firstWord)
	switch {
	case p.Metric != "" && first == "the":
		return "Minimize " + lowerFirst(t)
	case p.Metric != "":
		return "Minimize the " + lowerFirst(t)
	case gerund(first):
		return "Minimize the time spent " + lowerFirst(t)
	case determiners[first] || pronouns[first]:
		return ""
	}
	return "Minimize the time it takes to " + lowerFirst(t)
}

// clearDirectionRewrite replaces a vague direction by the one its metric
// calls for: more of a likelihood of success, less of anything else.
func (p parts) clearDirectionRewrite() string {
	metric, after := "", ""
	switch {
	case len(p.metrics) > 0:
		metric, after = p.metrics[0], p.text[p.metricEnd:]
	case unitIn(p.Object) != "":
		metric, after = unitIn(p.Object), p.text[p.objectStart:]
	default:
		return ""
	}
	dir := "Minimize"
	if moreIsBetter[metric] && !badEvent(after) {
		dir = "Increase"
	}
	return dir + " " + p.text[p.metricAt:]
}

// badEvent reports whether s speaks of something going wrong.
func badEvent(s string) bool {
	s = asciiLower(s)
	for _, w := range badEvents {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// unitIn returns the first unit of measure written inside an object of
// control ("onboarding time", "the error rate of invoices"), lower-case, or
// "".
func unitIn(object string) string {
	for _, w := range spans(object) {
		if u := asciiLower(object[w.start:w.end]); trailingUnits[u] {
			return u
		}
	}
	return ""
}

// metricRewrite gives a statement without a metric the one its direction
// and object call for: a likelihood for something that should not happen
// ("Prevent data loss"), time for an activity ("Reduce searching for
// specs", "Speed up the hand-over"), a number for things that are counted
// ("Reduce errors in invoices"), an amount for the rest ("Minimize waste").
func (p parts) metricRewrite() string {
	rest := p.text[p.objectStart:]
	first := asciiLower(firstWord(rest))
	of := rest
	if e := matchPhrase(rest, 0, "the"); e >= 0 {
		of = rest[skipBlank(rest, e):]
	}
	if firstWord(of) == "" {
		return "" // "Minimize the": nothing to measure
	}
	dir := upperFirst(p.text[:len(p.Direction)])
	switch {
	case first == "that":
		return "Increase the likelihood " + rest // "Ensure that every spec is current"
	case eventDirections[p.Direction]:
		return "Minimize the likelihood of " + of
	case gerund(first) && !towardsZero[p.Direction] && !vagueDirections[p.Direction]:
		return dir + " the likelihood of " + of
	case gerund(first):
		return "Minimize the time spent " + rest
	case p.Direction == "better":
		return "Minimize the time it takes to " + rest // "Better understand …": a verb follows
	case vagueDirections[p.Direction] || speedDirections[p.Direction]:
		return "Minimize the time it takes to complete " + rest
	case plural(lastWord(p.Object)):
		return dir + " the number of " + of
	}
	return dir + " the amount of " + of
}

// metricSplit writes a statement with two metrics as one per metric.
func (p parts) metricSplit() string {
	head, rest := p.text[:p.metricAt], p.text[p.metricEnd:]
	lines := make([]string, len(p.metrics))
	for i, m := range p.metrics {
		lines[i] = head + "the " + m + rest
	}
	return strings.Join(lines, "\n")
}

// objectSplit writes a statement whose object joins two things at j as one
// per thing: "find and share a decision" gives "find a decision" and "share
// a decision"; "find a decision or a spec" gives "find a decision" and
// "find a spec".
func (p parts) objectSplit(j join) string {
	obj := p.Object
	left := strings.TrimRightFunc(obj[:j.at], isBlankOrComma)
	right := strings.TrimLeftFunc(obj[j.after:], isBlankOrComma)
	lw, rw := spans(left), spans(right)
	if len(lw) == 0 || len(rw) == 0 {
		return ""
	}
	var first, second string
	if len(lw) == 1 {
		// Two verbs share the rest: "find and share a decision".
		first, second = left+right[rw[0].end:], right
	} else {
		first, second = left, right
		cut := lw[len(lw)-1].start // "find decisions & specs": the verb is all but the last word
		det := -1
		for k, w := range lw[1:] {
			if determiners[asciiLower(left[w.start:w.end])] {
				det = k + 1
				break
			}
		}
		if det > 0 {
			cut = lw[det].start
		}
		if det < 0 || determiners[asciiLower(right[rw[0].start:rw[0].end])] {
			second = left[:cut] + right
		}
	}
	head, tail := p.text[:p.objectStart], p.text[p.objectStart+len(obj):]
	return head + first + tail + "\n" + head + second + tail
}

// solutionRewrite leaves out the solution words where that leaves a whole
// statement: a clarifier that names them ("… in the dashboard"), a phrase
// at the end of the object ("find a decision with Slack"), or the unit of a
// number ("the number of apps needed to" becomes "the number of steps
// needed to").
func (p parts) solutionRewrite(found []span) string {
	t := p.text
	objEnd := p.objectStart + len(p.Object)
	inClarifier, inObject, inMetric := 0, 0, 0
	for _, s := range found {
		switch {
		case s.start >= objEnd:
			inClarifier++
		case s.start >= p.objectStart:
			inObject++
		case s.start >= p.metricAt && s.end <= p.metricEnd:
			inMetric++
		}
	}
	switch {
	case inClarifier == len(found):
		return strings.TrimRightFunc(t[:objEnd], isBlankOrComma)
	case inMetric == 1 && len(found) == 1 && len(p.metrics) == 1 && strings.Contains(p.metrics[0], " of "):
		return t[:found[0].start] + "steps" + t[found[0].end:]
	case inObject+inClarifier == len(found):
		cut := -1
		for k, w := range spans(t[p.objectStart:found[0].start]) {
			if k >= 2 && cutPrepositions[asciiLower(t[p.objectStart+w.start:p.objectStart+w.end])] {
				cut = p.objectStart + w.start
			}
		}
		if cut < 0 {
			return ""
		}
		tail := t[objEnd:]
		if inClarifier > 0 {
			tail = ""
		}
		return strings.TrimRightFunc(t[:cut], isBlankOrComma) + tail
	}
	return ""
}

// cutPrepositions open a phrase that may be left out of an object of
// control: "find a decision with Slack".
var cutPrepositions = set("with", "in", "on", "using", "via", "through", "from", "into", "inside", "by", "within")

// determiners open a noun phrase.
var determiners = set("a", "an", "the", "this", "that", "these", "those", "my", "our", "your", "their", "his", "her",
	"its", "some", "any", "each", "every", "all", "no", "one", "two", "more", "less", "fewer", "many", "much")

// pronouns are subjects, which never follow "When you".
var pronouns = set("i", "we", "you", "they", "he", "she", "it", "someone", "somebody", "people", "everyone", "nobody")

// notGerunds end in -ing but are no -ing form of a verb.
var notGerunds = set("thing", "nothing", "something", "anything", "everything", "bring", "string", "spring", "swing",
	"sling", "sting", "king", "ring", "sing", "wing", "ceiling", "during", "morning", "evening", "cling", "fling", "wring")

// gerund reports whether the lower-case word w is an -ing form: "finding".
func gerund(w string) bool {
	return len(w) > 4 && strings.HasSuffix(w, "ing") && !notGerunds[w]
}

// plural reports whether the lower-case word w looks plural: "errors", not
// "process" or "status".
func plural(w string) bool {
	return len(w) > 3 && strings.HasSuffix(w, "s") &&
		!strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is")
}

// spans are the words of s.
func spans(s string) []span {
	var out []span
	for i := 0; ; {
		ws, we := nextWord(s, i)
		if ws < 0 {
			return out
		}
		out = append(out, span{ws, we})
		i = we
	}
}

func firstWord(s string) string {
	if ws, we := nextWord(s, 0); ws >= 0 {
		return s[ws:we]
	}
	return ""
}

func lastWord(s string) string {
	w := spans(s)
	if len(w) == 0 {
		return ""
	}
	return asciiLower(s[w[len(w)-1].start:w[len(w)-1].end])
}

// upperFirst capitalises an ASCII first letter.
func upperFirst(s string) string {
	if s != "" && 'a' <= s[0] && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// lowerFirst lower-cases an ASCII capital that starts a word, unless the
// word is in capitals ("API", "CRM").
func lowerFirst(s string) string {
	if s == "" || !('A' <= s[0] && s[0] <= 'Z') {
		return s
	}
	if len(s) > 1 && 'A' <= s[1] && s[1] <= 'Z' {
		return s
	}
	return string(lowerByte(s[0])) + s[1:]
}
