package export

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// The workbook's fixed sheets, in order; segment sheets go between
// Opportunities and Segment comparison.
const (
	SheetSummary       = "Summary"
	SheetOpportunities = "Opportunities"
	SheetComparison    = "Segment comparison"
	SheetCanvas        = "Segment canvas"  // only when split by a saved segmentation
	SheetTyping        = "Typing tool"     // only when split by a saved segmentation that has one
	SheetWaves         = "Wave comparison" // only when the workbook is asked to compare with another study
	SheetLandscape     = "Landscape"
	SheetOutcomes      = "Outcomes"
	SheetResponses     = "Responses"
	SheetQuality       = "Quality"
)

// reservedSheets are names a segment sheet may never take: the fixed sheets
// (Responses even when it is left out, so names do not shift between the
// researcher's and a stakeholder's copy) and "History", which Excel keeps.
var reservedSheets = []string{SheetSummary, SheetOpportunities, SheetComparison, SheetCanvas, SheetTyping, SheetWaves, SheetLandscape,
	SheetOutcomes, SheetResponses, SheetQuality, "History"}

// maxSheetName is Excel's limit, counted in UTF-16 units.
const maxSheetName = 31

// SheetNames turns group labels into sheet names Excel and LibreOffice
// accept: the characters []:*?/\ become "_", control and invisible format
// characters go, a name may not start or end with an apostrophe, at most 31
// characters, and unique ignoring case — also against the fixed sheet names.
// A clash gets " (2)", " (3)"... within the 31 characters.
func SheetNames(labels []string) []string {
	taken := map[string]bool{}
	for _, r := range reservedSheets {
		taken[foldName(r)] = true
	}
	out := make([]string, len(labels))
	for i, l := range labels {
		base := cleanSheetName(l)
		if base == "" {
			base = "Segment " + strconv.Itoa(i+1)
		}
		name := trimSheetEnds(truncUTF16(base, maxSheetName))
		for n := 2; taken[foldName(name)]; n++ {
			suffix := " (" + strconv.Itoa(n) + ")"
			name = trimSheetEnds(truncUTF16(base, maxSheetName-len(suffix))) + suffix
		}
		taken[foldName(name)] = true
		out[i] = name
	}
	return out
}

func cleanSheetName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			// tabs, line breaks, zero-width and bidi controls: invisible in a tab
		default:
			b.WriteRune(r)
		}
	}
	return trimSheetEnds(strings.Join(strings.Fields(b.String()), " "))
}

func trimSheetEnds(s string) string {
	return strings.TrimSpace(strings.Trim(s, "'"))
}

// foldName is the form Excel compares sheet names in.
func foldName(s string) string { return strings.ToLower(s) }

// truncUTF16 shortens s to at most n UTF-16 units without splitting a character.
func truncUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if units+w > n {
			return strings.TrimRight(s[:i], " ")
		}
		units += w
	}
	return s
}
