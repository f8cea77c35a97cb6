package surveys

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"gorm.io/gorm"
)

// The wide responses file is both the export and the import format:
// respondent_id, status, one column per profile question, <code>_imp and
// <code>_sat per outcome in code order, then push, pull, anxiety, habit when
// the study asks the four forces. An empty cell is no answer.

// ByCode returns the outcomes in code order, comparing the numbers in codes as
// numbers so O2 comes before O10.
func ByCode(outcomes []Outcome) []Outcome {
	out := slices.Clone(outcomes)
	slices.SortFunc(out, func(a, b Outcome) int { return CompareCodes(a.Code, b.Code) })
	return out
}

// CompareCodes orders outcome codes naturally: letters as text, digit runs as numbers.
func CompareCodes(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, _ := strconv.ParseUint(a[:da], 10, 64)
			nb, _ := strconv.ParseUint(b[:db], 10, 64)
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
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

// ExportResponses writes every response of a study as the wide CSV, rows
// coming from the database in batches (WideRows) as they are written, so
// memory stays flat whatever the number of responses.
func (s *Store) ExportResponses(ctx context.Context, d *Design, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(d.WideHeader()); err != nil {
		return err
	}
	if err := s.WideRows(ctx, d, cw.Write); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WideRows yields every response of a study in the wide layout, aligned
// with Design.WideHeader and without it, in the order they came in. Rows
// are read from the database in batches; row is reused once yield returns,
// and an error from yield stops the rows and is returned.
// wideBatch is how many responses one query of WideRows reads: big enough
// that the queries cost little, small enough that memory stays flat.
const wideBatch = 2000

func (s *Store) WideRows(ctx context.Context, d *Design, yield func(row []string) error) error {
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
