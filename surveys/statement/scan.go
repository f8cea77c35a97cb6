package statement

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The scanner works on the statement as typed and only ever slices it, so
// every part Parse returns is a piece of the input. Word lists are ASCII and
// matched byte by byte with ASCII case folding: Unicode folding would let
// lengths change under our feet (the Kelvin sign folds to "k") and a
// statement in another script simply matches no list word.

// isWordRune reports whether r belongs to a word: a letter, digit or mark.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isJoiner reports whether r may sit inside a word, between two word runes:
// "hand-off", "don't", and invisible format characters pasted from elsewhere.
func isJoiner(r rune) bool {
	return r == '-' || r == '\'' || r == '’' || r == '‐' || unicode.Is(unicode.Cf, r)
}

// isBlank reports whether r separates words without meaning anything:
// whitespace and invisible format characters (zero-width space, BOM,
// direction marks).
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// nextWord returns the byte span of the first word in s at or after i, or
// -1, -1 if there is none.
func nextWord(s string, i int) (start, end int) {
	start = -1
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
			i += n
			end = i
			continue
		case start >= 0 && isJoiner(r) && i+n < len(s):
			if r2, _ := utf8.DecodeRuneInString(s[i+n:]); isWordRune(r2) {
				i += n
				continue
			}
		}
		if start >= 0 {
			return start, end
		}
		i += n
	}
	if start < 0 {
		return -1, -1
	}
	return start, end
}

// wordEndsAt reports whether a word could end at byte j of s: nothing of the
// same word follows.
func wordEndsAt(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	r, n := utf8.DecodeRuneInString(s[j:])
	if isWordRune(r) {
		return false
	}
	if isJoiner(r) && j+n < len(s) {
		r2, _ := utf8.DecodeRuneInString(s[j+n:])
		return !isWordRune(r2)
	}
	return true
}

// skipBlank returns the index of the first non-blank rune of s at or after i.
func skipBlank(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isBlank(r) {
			break
		}
		i += n
	}
	return i
}

// matchPhrase matches phrase (lower-case ASCII, words separated by single
// spaces) at byte i of s, ignoring ASCII case and allowing any run of blanks
// between words. It returns the end of the match, or -1.
func matchPhrase(s string, i int, phrase string) int {
	j := i
	for k := 0; k < len(phrase); k++ {
		c := phrase[k]
		if c == ' ' {
			n := skipBlank(s, j)
			if !strings.ContainsFunc(s[j:n], unicode.IsSpace) {
				return -1 // "speed\u200bup" is one word, not two
			}
			j = n
			continue
		}
		if j >= len(s) || lowerByte(s[j]) != c {
			return -1
		}
		j++
	}
	if !wordEndsAt(s, j) {
		return -1
	}
	return j
}

// matchAny matches the first of phrases at byte i of s; lists are kept
// longest first so "number of steps" wins over "number".
func matchAny(s string, i int, phrases []string) (end int, phrase string) {
	if i >= len(s) || !isWordByte(s[i]) {
		return -1, ""
	}
	for _, p := range phrases {
		if e := matchPhrase(s, i, p); e >= 0 {
			return e, p
		}
	}
	return -1, ""
}

func isWordByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

func lowerByte(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// asciiLower lower-cases the ASCII letters of s and leaves every other byte
// alone, so the result is as long as s.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		b[i] = lowerByte(b[i])
	}
	return string(b)
}

// quote shows a piece of the researcher's text inside a message: at most n
// characters, on one line, without invisible or invalid characters.
func quote(s string, n int) string {
	var b strings.Builder
	b.WriteByte('"')
	count, space := 0, false
	for _, r := range s {
		switch {
		case r == utf8.RuneError || unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = count > 0
			continue
		}
		if count == n {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		count++
	}
	b.WriteByte('"')
	return b.String()
}
