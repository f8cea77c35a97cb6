package fieldwork

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

	"odi/surveys"
	"odi/surveys/problem"
)

// maxImportErrors bounds the list of bad cells an import reports; past it the
// file is clearly the wrong one.
const maxImportErrors = 200

// ImportResponses adds every row of a wide CSV to a study as source "import",
// or nothing: any bad cell rejects the file, reporting each bad cell by row
// and column.
func (s *Store) ImportResponses(ctx context.Context, d *surveys.Design, data io.Reader) (int, error) {
	studyID := d.Study.ID
	rows, err := parseWide(d, data)
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
			if err := tx.Model(&surveys.Response{}).Where("study_id = ? AND respondent_id IN ?", studyID, chunk).Pluck("respondent_id", &found).Error; err != nil {
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
func insertResponses(tx *gorm.DB, dialect string, rows []surveys.Response) error {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	var full *sql.Stmt
	args := make([]any, 0, importRowsPerInsert*nResponseColumns)
	for chunk := range slices.Chunk(rows, importRowsPerInsert) {
		args = args[:0]
		for i := range chunk {
			args = insertArgs(&chunk[i], args)
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
func parseWide(d *surveys.Design, data io.Reader) ([]surveys.Response, error) {
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
		q     surveys.Question
		at    int // byte index in ratings or forces
		valid bool
	}
	cols := make([]column, len(header))
	questions := map[string]surveys.Question{}
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
		case slices.Contains(surveys.ForceNames[:], h) && d.Study.FourForces:
			cols[i] = column{kind: 'f', at: slices.Index(surveys.ForceNames[:], h), valid: true}
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
	var out []surveys.Response
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
		r := surveys.Response{Source: surveys.SourceImport, Answers: map[string]string{}, Ratings: make([]byte, 2*nSlots),
			StartedAt: now, UpdatedAt: now, Notes: []string{}, ItemOrder: []string{}}
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
				if cell != surveys.Complete && cell != surveys.InProgress && cell != surveys.ScreenedOut {
					bad("status", "must be complete, in_progress or screened_out")
				}
				r.Status = strings.Clone(cell)
			case 'q':
				if cell == "" {
					continue
				}
				v, msg := answer(c.q, Text(cell))
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
		if r.Status != surveys.InProgress {
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
