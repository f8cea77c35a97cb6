package fieldwork

import (
	"slices"
	"strings"
)

// How a proposal reads a rating column's headers: a code and a scale, or a
// statement and a scale, spelled as other tools write them.

// isScaleWord tells the scale an English word names, or "".
func isScaleWord(w string) string {
	switch {
	case slices.Contains(scaleWords["en"][0], w):
		return ScaleImportance
	case slices.Contains(scaleWords["en"][1], w):
		return ScaleSatisfaction
	}
	return ""
}

// scaleIn is the one scale the words name, "" when they name none or both;
// pure says every word names it.
func scaleIn(text string) (scale string, pure bool) {
	words := strings.Fields(norm(text))
	pure = len(words) > 0
	for _, w := range words {
		s := isScaleWord(w)
		switch {
		case s == "":
			pure = false
		case scale != "" && s != scale:
			return "", false
		default:
			scale = s
		}
	}
	return scale, pure && scale != ""
}

// codeAndScale reads a header of an outcome's code and a scale's words:
// "O01_imp", "imp_O01", "O01 (Importance)". The code keeps the file's case.
func codeAndScale(text string) (code, scale string) {
	var rest []string
	for _, w := range strings.Fields(norm(text)) {
		if s := isScaleWord(w); s != "" {
			if scale != "" && s != scale {
				return "", ""
			}
			scale = s
			continue
		}
		rest = append(rest, w)
	}
	if scale == "" || len(rest) != 1 || !looksLikeCode(rest[0]) {
		return "", ""
	}
	i := strings.Index(strings.ToLower(text), rest[0])
	return text[i : i+len(rest[0])], scale
}

// looksLikeCode tells an outcome code from a word: a letter, then letters
// and digits with at least one digit, at most 16 in all.
func looksLikeCode(w string) bool {
	if len(w) > 16 || w[0] < 'a' || w[0] > 'z' {
		return false
	}
	digit := false
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r < 'a' || r > 'z':
			return false
		}
	}
	return digit
}

// statementAndScale reads the header rows of a column as parts (split at
// " - " and a closing bracket): a part of scale words only ("-
// Importance", "(Satisfaction)") gives the scale and the rest is the
// statement; failing that, a first part naming one scale is a question's
// text ("How important is it to you…") and what follows the statement.
// Qualtrics' first row is a short name, not read here.
func statementAndScale(h *header, texts []string) (string, string) {
	rows := texts
	if h.format == FormatQualtrics && len(rows) > 1 {
		rows = rows[1:]
	}
	var parts []string
	for _, t := range rows {
		parts = append(parts, headerParts(t)...)
	}
	scale := ""
	var rest []string
	for _, part := range parts {
		if s, pure := scaleIn(part); pure {
			if scale != "" && s != scale {
				return "", ""
			}
			scale = s
			continue
		}
		rest = append(rest, part)
	}
	if scale == "" {
		if len(rest) < 2 {
			return "", ""
		}
		if scale, _ = scaleIn(rest[0]); scale == "" {
			return "", ""
		}
		rest = rest[1:]
	}
	if plain := slices.DeleteFunc(slices.Clone(rest), func(p string) bool { s, _ := scaleIn(p); return s != "" }); len(plain) > 0 {
		rest = plain // a question's text beside the statement
	}
	return strings.Join(rest, " - "), scale
}

// headerParts splits a header at " - " (or an en or em dash) and takes a
// closing "(…)" or "[…]" apart (LimeSurvey writes "<question> [<statement>]").
func headerParts(t string) []string {
	t = strings.NewReplacer(" – ", " - ", " — ", " - ").Replace(t)
	var parts []string
	for _, part := range strings.Split(t, " - ") {
		part = strings.TrimSpace(part)
		if end := len(part) - 1; end > 0 && (part[end] == ')' || part[end] == ']') {
			if i := strings.LastIndexByte(part, map[byte]byte{')': '(', ']': '['}[part[end]]); i > 0 {
				parts = append(parts, strings.TrimSpace(part[:i]), part[i+1:len(part)-1])
				continue
			}
		}
		parts = append(parts, part)
	}
	return slices.DeleteFunc(parts, func(p string) bool { return p == "" })
}
