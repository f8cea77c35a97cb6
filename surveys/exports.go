package surveys

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"odi/surveys/export"
)

// The exports (package export) write plain values and know nothing of the
// domain; this file hands them a study's responses in the wide layout
// (results/exports.go fills in the scores, fieldwork/exports.go the
// fieldwork).

// WideColumns are the columns of the wide layout (WideHeader), each with how
// the exports write it: ratings and forces as whole numbers, answers to
// number and NPS questions as numbers when they read as one, the rest as
// text.
func (d *Design) WideColumns() []export.Column {
	header := d.WideHeader()
	cols := make([]export.Column, len(header))
	for i, h := range header {
		cols[i].Name = h
		switch {
		case i < 2: // respondent_id, status
		case i < 2+len(d.Questions):
			if k := d.Questions[i-2].Kind; k == KindNumber || k == KindNPS {
				cols[i].Kind = export.NumberColumn
			}
		default:
			cols[i].Kind = export.RatingColumn
		}
	}
	return cols
}

// WideResponses are every response of d's study in the wide layout, in the
// order they came in. The rows are read from the database in batches as they
// are written, so memory stays flat whatever the number of responses.
func (s *Store) WideResponses(ctx context.Context, d *Design) *export.Responses {
	return &export.Responses{Columns: d.WideColumns(), Rows: func(yield func(row []string) error) error {
		return s.wideRows(ctx, d, yield)
	}}
}

// wideBatch is how many responses one query of wideRows reads: big enough
// that the queries cost little, small enough that memory stays flat.
const wideBatch = 2000

func (s *Store) wideRows(ctx context.Context, d *Design, yield func(row []string) error) error {
	byCode := ByCode(d.Outcomes)
	var row []string
	var batch []Response
	err := s.db.WithContext(ctx).Where("study_id = ?", d.Study.ID).Order("id").
		FindInBatches(&batch, wideBatch, func(tx *gorm.DB, _ int) error {
			for i := range batch {
				row = d.WideRow(&batch[i], byCode, row)
				if err := yield(row); err != nil {
					return err
				}
			}
			return nil
		}).Error
	if err != nil {
		return fmt.Errorf("responses of study %d: %w", d.Study.ID, err)
	}
	return nil
}
