package surveys

import (
	"strconv"
)

// Quality flags a response can carry. They are worked out from the data
// whenever it changes (results/review.go, by the rules of docs/scoring.md,
// "Cleaning"); a study's rule (ExcludeFlags) says which of them keep a
// response out of the results unless the researcher decides otherwise.
const (
	FlagStraightLining = "straight_lining"
	FlagSpeeding       = "speeding"
	FlagAttention      = "failed_attention"
	FlagDuplicate      = "duplicate"
)

// QualityFlagNames are the quality flags, in the order pages and the
// workbook list them; by default each of them excludes.
var QualityFlagNames = []string{FlagStraightLining, FlagSpeeding, FlagAttention, FlagDuplicate}

// The attention checks: a study may ask up to MaxAttentionChecks
// instructed-response items ("please choose Somewhat important for this
// item"), one per page. Their answers are kept among a response's answers
// under AttentionKey(i), a form no question key can take, so that exports
// and groups, which read answers by question key, never see them.
const (
	MaxAttentionChecks = 3
	// AttentionChoice is the importance the items ask for: not an end of the
	// scale nor its middle, where a respondent who answers without reading
	// tends to click.
	AttentionChoice = 2
)

// ChecksAsked is how many attention checks d's respondents are asked: none
// unless the study asks them, else the study's number (1 to
// MaxAttentionChecks), but no more than the survey has pages of outcomes,
// since each check has a page of its own.
func (d *Design) ChecksAsked() int {
	if !d.Study.AttentionCheck {
		return 0
	}
	return min(max(1, d.Study.AttentionChecks), MaxAttentionChecks, len(d.Pages()))
}

// AttentionKey is where a response keeps its answer to the i-th attention
// check (from 0).
func AttentionKey(i int) string {
	if i == 0 {
		return "_attention"
	}
	return "_attention_" + strconv.Itoa(i+1)
}

// FailedAttention tells whether answers miss or get wrong any of the first n
// attention checks.
func FailedAttention(answers map[string]string, n int) bool {
	for i := range n {
		if answers[AttentionKey(i)] != strconv.Itoa(AttentionChoice) {
			return true
		}
	}
	return false
}
