package surveys

import (
	"odi/surveys/export"
)

// The exports (package export) write plain values and know nothing of the
// domain; this file says how they write the columns of the wide layout
// (results/exports.go hands them the rows with the scores' cleaning,
// fieldwork/exports.go the fieldwork).

// WideColumns are the columns of the wide layout (wideHeader), each with how
// the exports write it: excluded, ratings and forces as whole numbers, the
// times as times, answers to number and NPS questions as numbers when they
// read as one, the rest as text.
func (d *Design) WideColumns() []export.Column {
	header := d.wideHeader()
	cols := make([]export.Column, len(header))
	lead := len(wideLeading) + len(d.Study.URLFields)
	for i, h := range header {
		cols[i].Name = h
		switch {
		case h == "excluded" && i < lead:
			cols[i].Kind = export.NumberColumn
		case (h == "started_at" || h == "finished_at") && i < lead:
			cols[i].Kind = export.TimeColumn
		case i < lead: // respondent_id, status, flags, panel_id, the URL fields
		case i < lead+len(d.Questions):
			if k := d.Questions[i-lead].Kind; k == KindNumber || k == KindNPS {
				cols[i].Kind = export.NumberColumn
			}
		default:
			cols[i].Kind = export.RatingColumn
		}
	}
	return cols
}
