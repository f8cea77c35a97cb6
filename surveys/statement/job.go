package statement

import (
	"fmt"
	"strings"
)

// Job statements read "When <when>, I want to <want>, so I can <so that>."
// The survey puts the want after "When you" (English) or "Quand vous
// voulez" (French) above every page of ratings, so besides the mistakes of
// the method (no situation, a want too broad, too narrow or naming a
// solution) the want must be a verb phrase that reads there.

// Lint rules of job statements, in the order LintJob reports them.
const (
	RuleNoTrigger = "no_trigger" // the when names no situation, or is empty
	RuleTooBroad  = "too_broad"  // the want has no object, or one everyone has
	RuleTooNarrow = "too_narrow" // the want is a single click-level task
	RuleGrammar   = "grammar"    // a part does not read in the sentence, or the want after "When you"
	// RuleSolution (shared with outcome statements): the want names a
	// product, feature or tool.
)

// LintJob returns the warnings for a job statement in a survey language
// ("en" or "fr"): at most one per rule, but for grammar, one per part.
// The word lists are English; a French job gets the checks that need none
// (an empty when) and the French grammar of the want.
func LintJob(lang, when, want, soThat string) []Issue {
	var issues []Issue
	add := func(rule, format string, args ...any) {
		issues = append(issues, Issue{Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	when, want, soThat = strings.TrimSpace(when), strings.TrimSpace(want), strings.TrimSpace(soThat)
	en := lang != "fr"
	if msg := noTrigger(when, en); msg != "" {
		add(RuleNoTrigger, "%s", msg)
	}
	if en {
		// What the want says, without an "I want to" that grammar names.
		said := strings.TrimSpace(want[leadEnd(want):])
		if broad := tooBroad(said); broad {
			add(RuleTooBroad, "The want %s names no object, or one every customer has: say what they are getting done, as in %q.",
				quote(said, 60), "prepare a board update without chasing anyone")
		}
		if found := solutionSpans(said, 0); len(found) > 0 {
			what := "a product, feature or tool"
			if len(found) > 1 {
				what = "products, features or tools"
			}
			add(RuleSolution, "The want names %s, %s, rather than the progress the customer wants to make.", listQuoted(written(said, found)), what)
		} else if toolVerb(said) {
			add(RuleSolution, "The want %s is getting a tool rather than the progress the customer wants to make with it.", quote(said, 60))
		}
		if task := clickTask(said); task != "" {
			add(RuleTooNarrow, "The want %s is a single step in a tool (%s); say the job that step is part of, as in %q.",
				quote(said, 60), quote(task, 30), "share the week's decisions with the team")
		}
	}
	if msg := whenGrammar(when, en); msg != "" {
		add(RuleGrammar, "%s", msg)
	}
	if msg := wantGrammar(want, lang); msg != "" {
		add(RuleGrammar, "%s", msg)
	}
	if msg := soThatGrammar(soThat, en); msg != "" {
		add(RuleGrammar, "%s", msg)
	}
	return issues
}

// WantReads reports whether the survey may put want after "When you" (or
// its French twin): it is not empty and starts the way a verb phrase does.
// The survey asks without the job when it does not, rather than "When you
// be productive".
func WantReads(lang, want string) bool {
	want = strings.TrimSpace(want)
	return firstWord(want) != "" && wantGrammar(want, lang) == ""
}

// leadEnd is where want starts after an "I want to" (wantLeads), or 0.
func leadEnd(want string) int {
	ws, _ := nextWord(want, 0)
	if ws < 0 {
		return 0
	}
	for _, p := range wantLeads {
		if e := matchPhrase(want, ws, p); e >= 0 {
			return e
		}
	}
	return 0
}

// noTrigger says why when names no situation, or "".
func noTrigger(when string, en bool) string {
	ws := spans(when)
	if len(ws) == 0 {
		return `The when is empty: say the situation in which the job arises, as in "the team grows past 10 people and decisions get lost".`
	}
	if !en {
		return ""
	}
	for _, w := range wishes {
		if matchPhrase(when, ws[0].start, w) >= 0 {
			return fmt.Sprintf("The when %s states a wish, not a situation: say what is going on when the job arises.", quote(when, 60))
		}
	}
	for _, w := range ws {
		if !genericWhen[asciiLower(when[w.start:w.end])] {
			return ""
		}
	}
	return fmt.Sprintf("The when %s names no situation: say what is going on when the job arises, as in %q.",
		quote(when, 60), "a new hire joins in the middle of a sprint")
}

// tooBroad reports whether want is made only of words that fit every job
// ("be productive", "grow my business", "save time"), or is "be" with an
// adjective and no object ("be compliant").
func tooBroad(want string) bool {
	ws := spans(want)
	if len(ws) == 0 {
		return false
	}
	content := 0
	all := true
	for _, w := range ws {
		lw := asciiLower(want[w.start:w.end])
		if !broadWords[lw] {
			all = false
		}
		if !fillers[lw] {
			content++
		}
	}
	first := asciiLower(want[ws[0].start:ws[0].end])
	return all || (copulas[first] && content <= 2 && len(ws) <= 3)
}

// toolVerb reports whether want is buying, installing or using something:
// "install a CRM", "use a checklist".
func toolVerb(want string) bool {
	ws := spans(want)
	if len(ws) < 2 {
		return false
	}
	first := asciiLower(want[ws[0].start:ws[0].end])
	second := asciiLower(want[ws[1].start:ws[1].end])
	switch {
	case acquireVerbs[first]:
		return !broadWords[second]
	case first == "use":
		return second == "a" || second == "an"
	}
	return false
}

// clickTask returns the click-level task want is, or "".
func clickTask(want string) string {
	ws := spans(want)
	if len(ws) == 0 {
		return ""
	}
	for _, t := range clickTasks {
		if e := matchPhrase(want, ws[0].start, t); e >= 0 {
			return want[ws[0].start:e]
		}
	}
	first := asciiLower(want[ws[0].start:ws[0].end])
	if clickVerbs[first] {
		return want[ws[0].start:ws[0].end]
	}
	// "open a file", "save the document": a verb of the desk and one thing.
	if len(ws) <= 4 && deskVerbs[first] && deskObjects[singular(lastWord(want))] {
		return want[ws[0].start:]
	}
	return ""
}

// whenGrammar says why the when does not read after "When", or "".
func whenGrammar(when string, en bool) string {
	w := asciiLower(firstWord(when))
	if (en && (w == "when" || w == "whenever" || w == "if")) || (!en && (w == "quand" || w == "lorsque" || w == "si")) {
		return fmt.Sprintf("The when starts with %s, which the sentence already says: leave it out.", quote(firstWord(when), 20))
	}
	return ""
}

// soThatGrammar says why the so-that does not read after "so I can", or "".
func soThatGrammar(soThat string, en bool) string {
	if !en {
		return ""
	}
	for _, p := range soThatLeads {
		if e := matchPhrase(soThat, 0, p); e >= 0 {
			return fmt.Sprintf("The so-that starts with %s, which the sentence already says: leave it out.", quote(soThat[:e], 20))
		}
	}
	return ""
}

// after ends a grammar message on the want: what the survey does meanwhile.
const after = "; the survey asks without the job until it does."

// wantGrammar says why want does not read after "When you" (or "Quand vous
// voulez"), or "".
func wantGrammar(want, lang string) string {
	ws := spans(want)
	if len(ws) == 0 {
		return ""
	}
	if lang == "fr" {
		return wantGrammarFR(want, ws)
	}
	if e := leadEnd(want); e > 0 {
		return fmt.Sprintf("The want starts with %s, which the sentence already says: write the rest, as in %q%s",
			quote(want[ws[0].start:e], 20), "find a past decision", after)
	}
	firstW := want[ws[0].start:ws[0].end]
	first := asciiLower(firstW)
	switch {
	case first == "be" || first == "being" || first == "been" || auxiliaries[first]:
		return fmt.Sprintf("%s does not read: start the want with what the customer does, as in %q%s",
			quote("When you "+firstW+" …", 30), "get a new hire up to speed", after)
	case gerund(first):
		return fmt.Sprintf("%s does not read: write the verb plainly (find, not finding)%s", quote("When you "+firstW+" …", 30), after)
	case determiners[first] || pronouns[first]:
		return fmt.Sprintf("%s does not read: the want names a thing or a person, not something the customer does; start with a verb%s",
			quote("When you "+firstW+" …", 30), after)
	case thirdPerson(first):
		return fmt.Sprintf("%s does not read: write the verb plainly (find, not finds)%s", quote("When you "+firstW+" …", 30), after)
	}
	return ""
}

// wantGrammarFR checks that a French want is an infinitive for "Quand vous
// voulez …": "trouver une décision", "ne pas perdre", "mieux suivre", "vous
// organiser".
func wantGrammarFR(want string, ws []span) string {
	// "n'oublier", "m'organiser": an elided word is a word of its own.
	var words []string
	for _, w := range ws {
		lw := strings.ToLower(strings.ReplaceAll(want[w.start:w.end], "’", "'"))
		words = append(words, strings.Split(lw, "'")...)
	}
	if frenchSubjects[words[0]] {
		return fmt.Sprintf("The want starts with %s: write it for «\u00a0Quand vous voulez …\u00a0», as in %q%s",
			quote(want[ws[0].start:ws[0].end], 20), "trouver une décision passée", after)
	}
	k := 0
	for k < len(words)-1 && k < 3 && frenchLeads[words[k]] {
		k++
	}
	if !infinitive(words[k]) {
		return fmt.Sprintf("«\u00a0Quand vous voulez %s\u00a0» does not read: start the want with a verb in the infinitive, as in %q%s",
			strings.Trim(quote(want, 30), `"`), "trouver une décision passée", after)
	}
	return ""
}

// infinitive reports whether a lower-case French word ends as an infinitive.
func infinitive(w string) bool {
	for _, e := range []string{"er", "ir", "re", "oir"} {
		if strings.HasSuffix(w, e) && len(w) > len(e)+1 {
			return true
		}
	}
	return false
}

// thirdPerson reports whether the lower-case word w is a verb with the -s
// of "he finds": "finds", "keeps", but not "access", "focus" or "always".
func thirdPerson(w string) bool {
	return plural(w) && !notThirdPerson[w] && !strings.HasSuffix(w, "ous")
}
