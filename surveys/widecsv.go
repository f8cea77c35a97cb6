package surveys

import (
	"slices"
	"strings"
	"time"

	"odi/surveys/score"
)

// The wide responses file is both the export and the import format:
// respondent_id, status, then what the cleaning made of the response and
// when it was answered:
//
//   - excluded: 1 when the response is out of the results (by the study's
//     rule or the researcher's decision), 0 when it counts;
//   - flags: its quality flags, ;-separated in QualityFlagNames order;
//   - started_at, finished_at: RFC 3339 in UTC (fractions of a second kept,
//     so that speeding is worked out from the same durations), empty when
//     unknown (finished_at of a response in progress);
//   - panel_id: the respondent's id at the panel that sent them, if any;
//
// then one column per URL field of the study (what the link carried), one column per profile question, <code>_imp and <code>_sat per
// outcome in code order, then push, pull, anxiety, habit when the study asks
// the four forces. An empty cell is no answer; a rating cell reading NA
// (notAskedCell) is an outcome the respondent was never asked, routed to
// other roles than theirs (avatars.go). This file lays out a row;
// package export writes the file, handed the rows by results/exports.go (the
// cleaning is results'), and fieldwork/import.go reads it back: there the
// four cleaning and time columns are optional, flags is only read as
// information (flags are always worked out again) and excluded becomes a
// decision where the copy's own rule would decide otherwise.

// wideLeading are the columns every wide file starts with, before the
// profile questions.
var wideLeading = []string{"respondent_id", "status", "excluded", "flags", "started_at", "finished_at", "panel_id"}

// ByCode returns the outcomes in code order (score.CompareCodes: O2 before
// O10).
func ByCode(outcomes []Outcome) []Outcome {
	out := slices.Clone(outcomes)
	slices.SortFunc(out, func(a, b Outcome) int { return score.CompareCodes(a.Code, b.Code) })
	return out
}

// wideHeader is the header row of the study's responses file.
func (d *Design) wideHeader() []string {
	h := slices.Concat(wideLeading, d.Study.URLFields)
	for _, q := range d.Questions {
		h = append(h, q.Key)
	}
	for _, o := range ByCode(d.Outcomes) {
		h = append(h, o.Code+"_imp", o.Code+"_sat")
	}
	if d.Study.FourForces {
		h = append(h, ForceNames[:]...)
	}
	return h
}

// WideRow is one response in the wide layout, aligned with wideHeader; its
// Flags and Excluded are the cleaning's, filled in by the caller.
func (d *Design) WideRow(r *Response, byCode []Outcome, row []string) []string {
	excluded := "0"
	if r.Excluded {
		excluded = "1"
	}
	finished := ""
	if r.FinishedAt != nil {
		finished = wideTime(*r.FinishedAt)
	}
	row = append(row[:0], r.RespondentID, r.Status, excluded, strings.Join(r.Flags, ";"), wideTime(r.StartedAt), finished, r.ExternalID)
	for _, name := range d.Study.URLFields {
		row = append(row, r.URLFields[name])
	}
	for _, q := range d.Questions {
		row = append(row, r.Answers[q.Key])
	}
	role := ""
	if d.Study.RoleQuestion != "" {
		role = r.Answers[d.Study.RoleQuestion]
	}
	for _, o := range byCode {
		imp, sat := r.Rating(o.Slot)
		if imp == 0 && sat == 0 && role != "" && len(o.Roles) > 0 && !slices.Contains(o.Roles, role) {
			row = append(row, notAskedCell, notAskedCell)
			continue
		}
		row = append(row, ratingCell(imp), ratingCell(sat))
	}
	if d.Study.FourForces {
		for i := range 4 {
			var v byte
			if i < len(r.Forces) {
				v = r.Forces[i]
			}
			row = append(row, ratingCell(v))
		}
	}
	return row
}

// wideTime is a time as the wide file writes it: RFC 3339 in UTC, with the
// fraction of a second it has; the zero time is unknown, an empty cell.
func wideTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// notAskedCell is a rating the respondent was never asked. R and pandas
// read NA as missing by default, as they read an empty cell.
const notAskedCell = "NA"

var ratingCells = [...]string{"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}

func ratingCell(v byte) string {
	if int(v) < len(ratingCells) {
		return ratingCells[v]
	}
	return ""
}
