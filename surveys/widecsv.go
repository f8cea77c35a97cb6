package surveys

import (
	"odi/surveys/score"
	"slices"
)

// The wide responses file is both the export and the import format:
// respondent_id, status, one column per profile question, <code>_imp and
// <code>_sat per outcome in code order, then push, pull, anxiety, habit when
// the study asks the four forces. An empty cell is no answer. This file lays
// out a row; package export writes the file, handed the rows by exports.go,
// and fieldwork/import.go reads it back.

// ByCode returns the outcomes in code order (score.CompareCodes: O2 before
// O10).
func ByCode(outcomes []Outcome) []Outcome {
	out := slices.Clone(outcomes)
	slices.SortFunc(out, func(a, b Outcome) int { return score.CompareCodes(a.Code, b.Code) })
	return out
}

// WideHeader is the header row of the study's responses file.
func (d *Design) WideHeader() []string {
	h := []string{"respondent_id", "status"}
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

// WideRow is one response in the wide layout, aligned with WideHeader.
func (d *Design) WideRow(r *Response, byCode []Outcome, row []string) []string {
	row = append(row[:0], r.RespondentID, r.Status)
	for _, q := range d.Questions {
		row = append(row, r.Answers[q.Key])
	}
	for _, o := range byCode {
		imp, sat := r.Rating(o.Slot)
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

var ratingCells = [...]string{"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}

func ratingCell(v byte) string {
	if int(v) < len(ratingCells) {
		return ratingCells[v]
	}
	return ""
}
