package surveys

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"odi/surveys/accounts"
	"odi/surveys/problem"
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

// maxImportErrors bounds the list of bad cells an import reports; past it the
// file is clearly the wrong one.
const maxImportErrors = 200

// ImportResponses adds every row of a wide CSV to a study as source "import",
// or nothing: any bad cell rejects the file, reporting each bad cell by row
// and column.
func (s *Store) ImportResponses(ctx context.Context, u *accounts.User, studyID int64, data io.Reader) (int, error) {
	d, err := s.studyDesign(ctx, u, studyID)
	if err != nil {
		return 0, err
	}
	rows, err := d.parseWide(data)
	if err != nil {
		return 0, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids := make([]string, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.RespondentID)
		}
		var taken []string
		for chunk := range slices.Chunk(ids, 500) {
			var found []string
			if err := tx.Model(&Response{}).Where("study_id = ? AND respondent_id IN ?", studyID, chunk).Pluck("respondent_id", &found).Error; err != nil {
				return err
			}
			taken = append(taken, found...)
		}
		if len(taken) > 0 {
			fields := map[string]string{}
			for i, id := range taken {
				if i == maxImportErrors {
					break
				}
				fields["respondent_id "+id] = "is already in this study"
			}
			return &problem.Validation{Fields: fields}
		}
		seq, err := nextSeq(tx, studyID)
		if err != nil {
			return err
		}
		for i := range rows {
			rows[i].StudyID, rows[i].Seq = studyID, seq
		}
		return insertResponses(tx, s.dialect, rows)
	})
	if err != nil {
		return 0, fmt.Errorf("import responses into study %d: %w", studyID, err)
	}
	return len(rows), nil
}

// importRowsPerInsert is how many responses one INSERT of an import adds:
// 200 × 17 values stays far below SQLite's and PostgreSQL's limits on
// parameters, and a statement that long costs little more to run than one
// row does.
const importRowsPerInsert = 200

// insertResponses adds rows checked to be new in statements of
// importRowsPerInsert rows, each prepared once: GORM's CreateInBatches spent
// more time reflecting over the rows than SQLite spent storing them.
func insertResponses(tx *gorm.DB, dialect string, rows []Response) error {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	var full *sql.Stmt
	args := make([]any, 0, importRowsPerInsert*nResponseColumns)
	for chunk := range slices.Chunk(rows, importRowsPerInsert) {
		args = args[:0]
		for i := range chunk {
			args = chunk[i].insertArgs(args)
		}
		query := insertResponsesSQL(dialect, len(chunk))
		if !ok {
			if err := tx.Exec(query, args...).Error; err != nil {
				return err
			}
			continue
		}
		stmt := full
		if len(chunk) < importRowsPerInsert || full == nil {
			var err error
			if stmt, err = sqlTx.PrepareContext(tx.Statement.Context, query); err != nil {
				return err
			}
			if len(chunk) == importRowsPerInsert {
				full = stmt
				defer full.Close()
			} else {
				defer stmt.Close()
			}
		}
		if _, err := stmt.ExecContext(tx.Statement.Context, args...); err != nil {
			return err
		}
	}
	return nil
}

// parseWide reads and checks a wide CSV against the design.
func (d *Design) parseWide(data io.Reader) ([]Response, error) {
	br := bufio.NewReaderSize(data, 1<<16)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, problem.Invalid("file", "is empty")
	}
	if err != nil {
		return nil, problem.Invalid("file", "is not valid CSV: "+err.Error())
	}
	header = slices.Clone(header)
	type column struct {
		kind  byte // 'i' respondent id, 's' status, 'q' question, 'r' rating, 'f' force
		q     Question
		at    int // byte index in ratings or forces
		valid bool
	}
	cols := make([]column, len(header))
	questions := map[string]Question{}
	for _, q := range d.Questions {
		questions[q.Key] = q
	}
	slots := map[string]int{}
	for _, o := range d.Outcomes {
		slots[o.Code] = o.Slot
	}
	nSlots := 0
	for _, o := range d.Outcomes {
		nSlots = max(nSlots, o.Slot+1)
	}
	fields := map[string]string{}
	seenCol := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if seenCol[h] {
			fields["column "+h] = "appears twice"
		}
		seenCol[h] = true
		switch {
		case h == "respondent_id":
			cols[i] = column{kind: 'i', valid: true}
		case h == "status":
			cols[i] = column{kind: 's', valid: true}
		case questions[h].Key != "":
			cols[i] = column{kind: 'q', q: questions[h], valid: true}
		case slices.Contains(ForceNames[:], h) && d.Study.FourForces:
			cols[i] = column{kind: 'f', at: slices.Index(ForceNames[:], h), valid: true}
		default:
			code, part := h, ""
			if idx := strings.LastIndex(h, "_"); idx > 0 {
				code, part = h[:idx], h[idx+1:]
			}
			slot, known := slots[code]
			if known && (part == "imp" || part == "sat") {
				at := 2 * slot
				if part == "sat" {
					at++
				}
				cols[i] = column{kind: 'r', at: at, valid: true}
			} else {
				fields["column "+h] = "is not a question, outcome rating or force of this study"
			}
		}
	}
	if !seenCol["respondent_id"] || !seenCol["status"] {
		fields["file"] = "needs respondent_id and status columns"
	}
	if len(fields) > 0 {
		return nil, &problem.Validation{Fields: fields}
	}
	now := time.Now().UTC()
	var out []Response
	ids := map[string]int{}
	line := 1
	bad := func(col, msg string) {
		if len(fields) < maxImportErrors {
			fields[fmt.Sprintf("row %d, %s", line, col)] = msg
		}
	}
	for {
		rec, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
				bad("file", "is not valid CSV: "+pe.Err.Error())
				break
			}
		}
		if len(rec) != len(header) {
			bad("file", fmt.Sprintf("has %d cells, the header has %d", len(rec), len(header)))
			continue
		}
		r := Response{Source: SourceImport, Answers: map[string]string{}, Ratings: make([]byte, 2*nSlots),
			StartedAt: now, UpdatedAt: now, Flags: []string{}, ItemOrder: []string{}}
		for i, cell := range rec {
			cell = strings.TrimSpace(cell)
			c := cols[i]
			switch c.kind {
			case 'i':
				if cell == "" {
					bad("respondent_id", "is required")
				} else if len(cell) > 200 {
					bad("respondent_id", "must be at most 200 characters")
				} else if prev, dup := ids[cell]; dup {
					bad("respondent_id", fmt.Sprintf("%s repeats row %d", cell, prev))
				} else {
					ids[cell] = line
				}
				r.RespondentID = strings.Clone(cell)
			case 's':
				if cell != Complete && cell != InProgress && cell != ScreenedOut {
					bad("status", "must be complete, in_progress or screened_out")
				}
				r.Status = strings.Clone(cell)
			case 'q':
				if cell == "" {
					continue
				}
				v, msg := c.q.answer(Text(cell))
				if msg != "" {
					bad(c.q.Key, msg)
				} else if v != "" {
					r.Answers[c.q.Key] = v
				}
			case 'r', 'f':
				if cell == "" {
					continue
				}
				hi := 5
				if c.kind == 'f' {
					hi = 10
				}
				n := -1
				if len(cell) == 1 {
					n = int(cell[0]) - '0' // the usual case, without Atoi
				} else if v, err := strconv.Atoi(cell); err == nil {
					n = v
				}
				if n < 1 || n > hi {
					bad(header[i], fmt.Sprintf("must be a whole number from 1 to %d", hi))
					continue
				}
				if c.kind == 'r' {
					r.Ratings[c.at] = byte(n)
				} else {
					if len(r.Forces) == 0 {
						r.Forces = make([]byte, 4)
					}
					r.Forces[c.at] = byte(n)
				}
			}
		}
		if r.Status != InProgress {
			r.FinishedAt = &now
		}
		if r.RespondentID == "" {
			r.RespondentID = uuid.NewString()
		}
		out = append(out, r)
	}
	if len(fields) > 0 {
		return nil, &problem.Validation{Fields: fields}
	}
	if len(out) == 0 {
		return nil, problem.Invalid("file", "has no response rows")
	}
	return out, nil
}
