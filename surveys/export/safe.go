package export

import (
	"strings"
	"unicode/utf8"
)

// Text that came from people (statements, answers, labels, study texts) may
// start like a formula: "=HYPERLINK(...)", "+44 20 7946 0000", "-", "@SUM(...)".
//
// In the workbook such text is written as a string cell, never as a formula:
// Excel and LibreOffice both show a string cell as it is and evaluate nothing
// (the LibreOffice round-trip test checks this). A string cell can still turn
// into a formula when someone opens it for editing and presses Enter, so the
// cell also gets a style with quotePrefix="1": Excel then treats it as typed
// with a leading apostrophe, keeps it text on re-entry, and hides the
// apostrophe. The value itself is untouched, so "+44 ..." stays a phone number
// and the Responses sheet saved as CSV imports back unchanged. A visible
// prefix (a literal apostrophe, a space or an invisible character) was ruled
// out because both programs would show or keep it as part of the data.
//
// A CSV file has no cell types, so RankedCSV prefixes such text with an
// apostrophe, as OWASP advises for CSV: Excel and LibreOffice show it as text.

// formulaLead reports whether a spreadsheet could read s as a formula or a
// command: it starts with =, +, -, @, tab, CR or LF, or their full-width forms,
// which some input methods turn into the ASCII ones.
func formulaLead(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// csvSafe is s as a CSV cell that no spreadsheet evaluates.
func csvSafe(s string) string {
	if formulaLead(s) {
		return "'" + s
	}
	return s
}

// maxCell is the most characters (UTF-16 units) an Excel cell holds.
const maxCell = 32767

// clip shortens s to what one cell holds, on a character boundary.
func clip(s string) string {
	if len(s) <= maxCell {
		return s
	}
	units := 0
	for i, r := range s {
		n := 1
		if r > 0xFFFF {
			n = 2
		}
		if units+n > maxCell {
			return s[:i]
		}
		units += n
	}
	return s
}

// oneLine folds the line breaks of a text meant for a single line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
