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
	rows, said, err := parseWide(d, data)
	if err != nil {
		return 0, err
	}
	if err := s.keepExclusions(ctx, d, rows, said); err != nil {
		return 0, fmt.Errorf("import responses into study %d: %w", studyID, err)
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

// fileSays is what the excluded column of a file says of one row.
type fileSays uint8

const (
	saysNothing fileSays = iota // no such column, or an empty cell: the study's rule decides
	saysIn                      // 0: the row counted where it came from
	saysOut                     // 1: it was out of the results there
)

// keepExclusions makes the study count what the file's study counted. The
// rows' flags are worked out here again, with the same rule, so a decision
// is stored only where the file says otherwise than this study's rule will:
// exclude where the file says 1 and the rule would keep the row in (a flag
// the file's study saw and an import cannot: a duplicate by panel id or
// network, a failed attention check; or a researcher's own exclusion),
// include where it says 0 and the rule would leave it out (a researcher's
// inclusion). Everywhere else the rule
// goes on deciding, and follows a later change of it. It runs before the
// insert, on the study's responses with these after them (results'
// RuleExcludes), so that the rows go in with their decisions in one
// transaction.
func (s *Store) keepExclusions(ctx context.Context, d *surveys.Design, rows []surveys.Response, said []fileSays) error {
	if said == nil {
		return nil
	}
	ruled, err := s.results.RuleExcludes(ctx, d, rows)
	if err != nil {
		return err
	}
	for i := range rows {
		switch {
		case said[i] == saysOut && !ruled[i]:
			rows[i].Decision = surveys.Exclude
		case said[i] == saysIn && ruled[i]:
			rows[i].Decision = surveys.Include
		}
	}
	return nil
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

// parseWide reads and checks a wide CSV against the design: the responses,
// and what its excluded column says of each (nil without the column).
func parseWide(d *surveys.Design, data io.Reader) ([]surveys.Response, []fileSays, error) {
	br := bufio.NewReaderSize(data, 1<<16)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, problem.Invalid("file", "is empty")
	}
	if err != nil {
		return nil, nil, problem.Invalid("file", "is not valid CSV: "+err.Error())
	}
	header = slices.Clone(header)
	type column struct {
		kind  byte // 'i' respondent id, 's' status, 'x' excluded, 'g' flags, 'a' started_at, 'b' finished_at, 'q' question, 'r' rating, 'f' force
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
		case h == "excluded":
			cols[i] = column{kind: 'x', valid: true}
		case h == "flags": // worked out again from the data: read as information only
			cols[i] = column{kind: 'g', valid: true}
		case h == "started_at":
			cols[i] = column{kind: 'a', valid: true}
		case h == "finished_at":
			cols[i] = column{kind: 'b', valid: true}
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
		return nil, nil, &problem.Validation{Fields: fields}
	}
	now := time.Now().UTC()
	var out []surveys.Response
	var said []fileSays
	if seenCol["excluded"] {
		said = []fileSays{}
	}
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
		says := saysNothing
		var started, finished *time.Time
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
			case 'x':
				switch cell {
				case "1":
					says = saysOut
				case "0":
					says = saysIn
				case "":
				default:
					bad("excluded", "must be 1 (out of the results), 0 (in them) or empty (the study's rule decides)")
				}
			case 'a', 'b':
				if cell == "" {
					continue
				}
				t, err := time.Parse(time.RFC3339, cell)
				if err != nil || t.Year() < 1970 { // the year 1 would be the zero time, which the export writes as no time
					bad(header[i], "must be a time in RFC 3339 since 1970, such as 2026-01-05T09:30:00Z")
					continue
				}
				t = t.UTC()
				if c.kind == 'a' {
					started = &t
				} else {
					finished = &t
				}
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
		r.StartedAt, r.FinishedAt = responseTimes(started, finished, r.Status, now)
		switch {
		case finished != nil && r.Status == surveys.InProgress:
			bad("finished_at", "must be empty for a response in progress")
		case started != nil && finished != nil && finished.Before(*started):
			bad("finished_at", "is before started_at")
		}
		if r.RespondentID == "" {
			r.RespondentID = uuid.NewString()
		}
		out = append(out, r)
		if said != nil {
			said = append(said, says)
		}
	}
	if len(fields) > 0 {
		return nil, nil, &problem.Validation{Fields: fields}
	}
	if len(out) == 0 {
		return nil, nil, problem.Invalid("file", "has no response rows")
	}
	return out, said, nil
}

// responseTimes are an imported response's start and finish from the
// file's started_at and finished_at (nil where the file has none), taken at
// now when the file has neither. A response with only one of them starts and
// finishes then, and one with neither at now: either way it has no
// completion time (results' scored.duration), and so cannot be speeding. A
// response in progress has no finish.
func responseTimes(started, finished *time.Time, status string, now time.Time) (time.Time, *time.Time) {
	start, end := now, now
	switch {
	case started != nil && finished != nil:
		start, end = *started, *finished
	case started != nil:
		start, end = *started, *started
	case finished != nil:
		start, end = *finished, *finished
	}
	if status == surveys.InProgress {
		return start, nil
	}
	return start, &end
}
