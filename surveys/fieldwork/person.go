package fieldwork

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// secondPerson is what each English first-person word becomes when the
// survey speaks to the respondent. Contractions keep the apostrophe they were
// written with.
var secondPerson = map[string]string{
	"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
	"i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll",
	// A respondent answers for their own team too: "our work" is theirs.
	"we": "you", "us": "you", "our": "your", "ours": "yours", "ourselves": "yourselves",
	"we're": "you're", "we've": "you've", "we'd": "you'd", "we'll": "you'll",
}

// afterI is the verb that changes with the subject: "I am" is "you are".
var afterI = map[string]string{"am": "are", "was": "were"}

// SecondPerson rewords English text written by the researcher in the first
// person ("pick up where I left off", "brief my team", "our work") for the respondent it
// is put to ("pick up where you left off", "brief your team"). A capital
// stays a capital; a word in capitals ("ME") is taken for an acronym and left
// alone. It knows only English: French texts are written to "vous" already.
func SecondPerson(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	prevI := false   // the last word was "I", and only spaces followed it
	sentence := true // at the start of the text or of a sentence
	for i := 0; i < len(s); {
		start, end := nextWordAt(s, i)
		b.WriteString(s[i:start])
		gap := s[i:start]
		if strings.ContainsAny(gap, ".!?") {
			sentence = true
		}
		if strings.TrimSpace(gap) != "" {
			prevI = false
		}
		if start == end {
			break
		}
		word := s[start:end]
		apostrophe := "'"
		if strings.Contains(word, "’") {
			apostrophe = "’"
		}
		key := strings.ToLower(strings.ReplaceAll(word, "’", "'"))
		out, ok := secondPerson[key]
		if !ok && prevI {
			out, ok = afterI[key]
		}
		switch {
		case !ok || (len(word) > 1 && !strings.Contains(key, "'") && strings.ToUpper(word) == word):
			b.WriteString(word)
		default:
			out = strings.ReplaceAll(out, "'", apostrophe)
			if first, _ := utf8.DecodeRuneInString(word); unicode.IsUpper(first) && (key[0] != 'i' || sentence) {
				out = strings.ToUpper(out[:1]) + out[1:]
			}
			b.WriteString(out)
		}
		prevI, sentence = key == "i", false
		i = end
	}
	return b.String()
}

// nextWordAt finds the next word of s at or after byte i: letters and digits,
// with an apostrophe inside ("I'm", "I’ve") counting as part of the word.
// start == end == len(s) when there is none.
func nextWordAt(s string, i int) (start, end int) {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	start = len(s)
	for j, r := range s[i:] {
		if isWord(r) {
			start = i + j
			break
		}
	}
	end = start
	for end < len(s) {
		r, n := utf8.DecodeRuneInString(s[end:])
		if isWord(r) {
			end += n
			continue
		}
		if r == '\'' || r == '’' {
			if next, _ := utf8.DecodeRuneInString(s[end+n:]); end+n < len(s) && isWord(next) {
				end += n
				continue
			}
		}
		break
	}
	return start, end
}
