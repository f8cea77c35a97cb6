package fieldwork

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
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

// ImportOptions are how an import reads its file.
type ImportOptions struct {
	XLSX              bool // the file is a workbook: its first sheet is read
	DryRun            bool // read and check everything, write nothing
	OutOfScaleMissing bool // cells outside a rating's scale are blanks, not a refusal
}

// ImportReport is what an import understood of its file: every column and
// what it gives, the ignored ones by name, the cells outside a rating's
// scale, and (in a dry run) the problems that would refuse it.
type ImportReport struct {
	DryRun     bool              `json:"dry_run,omitempty"`
	Format     string            `json:"format"`
	Rows       int               `json:"rows"`
	Imported   int               `json:"imported"`
	Columns    []ImportColumn    `json:"columns"`
	Ignored    []string          `json:"ignored"`
	OutOfScale []OutOfScale      `json:"out_of_scale"`
	Problems   map[string]string `json:"problems,omitempty"`
}

// ImportResponses adds every row of a responses file to a study as source
// "import", or nothing: any bad cell rejects the file, reporting each by row
// and column. The report comes back with a refusal too, when the file's
// header could be read, so the client can show what was understood.
func (s *Store) ImportResponses(ctx context.Context, d *surveys.Design, data io.Reader, opt ImportOptions) (*ImportReport, error) {
	studyID := d.Study.ID
	var src rowSource
	if opt.XLSX {
		x, err := newXLSXSource(data)
		if err != nil {
			return nil, err
		}
		defer x.Close()
		src = x
	} else {
		src = newCSVSource(data)
	}
	p, err := parseResponses(d, src, opt)
	if err != nil {
		return p.refused(opt, err)
	}
	if err := s.keepExclusions(ctx, d, p.rows, p.said); err != nil {
		return nil, fmt.Errorf("import responses into study %d: %w", studyID, err)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids := make([]string, 0, len(p.rows))
		for _, r := range p.rows {
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
		if opt.DryRun {
			return nil
		}
		seq, err := nextSeq(tx, studyID)
		if err != nil {
			return err
		}
		for i := range p.rows {
			p.rows[i].StudyID, p.rows[i].Seq = studyID, seq
		}
		return insertResponses(tx, s.dialect, p.rows)
	})
	if err != nil {
		if ve := (*problem.Validation)(nil); errors.As(err, &ve) {
			return p.refused(opt, err)
		}
		return nil, fmt.Errorf("import responses into study %d: %w", studyID, err)
	}
	if !opt.DryRun {
		p.report.Imported = len(p.rows)
	}
	return &p.report, nil
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

// parsed is a file read against a design: its responses, what its excluded
// column says of each (nil without the column), and the report.
type parsed struct {
	rows   []surveys.Response
	said   []fileSays
	report ImportReport
}

// refused is an import's answer to a file it will not take: in a dry run,
// the report with the problems and no error; otherwise the error, with the
// report when the header was understood.
func (p *parsed) refused(opt ImportOptions, err error) (*ImportReport, error) {
	var ve *problem.Validation
	if p == nil || !errors.As(err, &ve) {
		return nil, err
	}
	if opt.DryRun {
		p.report.Problems = ve.Fields
		return &p.report, nil
	}
	return &p.report, err
}

// parseResponses reads and checks a responses file against the design.
func parseResponses(d *surveys.Design, src rowSource, opt ImportOptions) (*parsed, error) {
	h, err := readHeader(src)
	if errors.Is(err, errEmptyFile) {
		return nil, problem.Invalid("file", "is empty")
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, problem.Invalid("file", fmt.Sprintf("row %d: is not valid CSV: %v", pe.Line, pe.Err))
	}
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	cols := mapColumns(d, h, fields)
	p := &parsed{report: ImportReport{DryRun: opt.DryRun, Format: h.format, Columns: cols, Ignored: []string{}, OutOfScale: []OutOfScale{}}}
	has := map[string]bool{}
	for _, c := range cols {
		has[c.MapsTo] = true
		if c.MapsTo == RoleIgnored {
			p.report.Ignored = append(p.report.Ignored, c.Column)
		}
	}
	if len(fields) > 0 {
		return p, &problem.Validation{Fields: fields}
	}
	nSlots := 0
	for _, o := range d.Outcomes {
		nSlots = max(nSlots, o.Slot+1)
	}
	labels := scaleLabels(d.Study.Language)
	_, padded := src.(*xlsxSource) // a sheet's row ends at its last cell
	now := time.Now().UTC()
	if has[RoleExcluded] {
		p.said = []fileSays{}
	}
	var scale outOfScale
	ids := map[string]int{}
	line := h.rows // the file's line of the row read last
	bad := func(col, msg string) {
		if len(fields) < maxImportErrors {
			fields[fmt.Sprintf("row %d, %s", line, col)] = msg
		}
	}
	buffered := h.data
	for {
		var rec []string
		if len(buffered) > 0 {
			rec, buffered = buffered[0], buffered[1:]
		} else if rec, err = src.next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad("file", "is not valid CSV: "+pe.Err.Error())
			} else {
				bad("file", err.Error())
			}
			break
		}
		line++
		if len(rec) > len(cols) || (len(rec) < len(cols) && !padded) {
			bad("file", fmt.Sprintf("has %d cells, the header has %d", len(rec), len(cols)))
			continue
		}
		if blankRow(rec) {
			continue
		}
		r := surveys.Response{Source: surveys.SourceImport, Answers: map[string]string{}, Ratings: make([]byte, 2*nSlots),
			StartedAt: now, UpdatedAt: now, Notes: []string{}, ItemOrder: []string{}}
		says := saysNothing
		var started, finished *time.Time
		for i, cell := range rec {
			cell = strings.TrimSpace(cell)
			c := cols[i]
			if cell == "" {
				continue
			}
			switch c.MapsTo {
			case RoleRespondentID:
				if len(cell) > 200 {
					bad(c.Column, "must be at most 200 characters")
				} else if prev, dup := ids[cell]; dup {
					bad(c.Column, fmt.Sprintf("%s repeats row %d", cell, prev))
				} else {
					ids[cell] = line
				}
				r.RespondentID = strings.Clone(cell)
			case RoleStatus, RoleFinished:
				read := statusValue
				if c.MapsTo == RoleFinished {
					read = finishedValue
				}
				v, ok := read(cell)
				r.Status = v
				if ok {
					continue
				}
				r.Status = cell // refused below; not "is required" as well
				if c.MapsTo == RoleStatus {
					bad(c.Column, "must be complete, in_progress or screened_out")
				} else {
					bad(c.Column, "must be 1 or 0 (true or false, yes or no)")
				}
			case RoleExcluded:
				switch cell {
				case "1":
					says = saysOut
				case "0":
					says = saysIn
				default:
					bad(c.Column, "must be 1 (out of the results), 0 (in them) or empty (the study's rule decides)")
				}
			case RoleStartedAt, RoleFinishedAt:
				t, ok := timeValue(cell)
				if !ok {
					bad(c.Column, "must be a time since 1970, such as 2026-01-05T09:30:00Z or 2026-01-05 09:30:00")
				} else if c.MapsTo == RoleStartedAt {
					started = &t
				} else {
					finished = &t
				}
			case RoleQuestion:
				v, msg := answer(c.q, Text(cell))
				if msg != "" {
					bad(c.Column, msg)
				} else if v != "" {
					r.Answers[c.q.Key] = v
				}
			case RoleRating:
				v, ok := ratingValue(cell, 5, labels[c.at%2])
				if !ok {
					scale.add(i, cell)
					continue
				}
				r.Ratings[c.at] = v
			case RoleForce:
				v, ok := ratingValue(cell, 10, nil)
				if !ok {
					bad(c.Column, "must be a whole number from 1 to 10")
					continue
				}
				if len(r.Forces) == 0 {
					r.Forces = make([]byte, 4)
				}
				r.Forces[c.at] = v
			}
		}
		switch {
		case r.Status != "":
		case has[RoleStatus]:
			bad("status", "is required: complete, in_progress or screened_out")
		default:
			r.Status = inferredStatus(d, r.Ratings)
		}
		r.StartedAt, r.FinishedAt = responseTimes(started, finished, r.Status, now)
		switch {
		case finished != nil && r.Status == surveys.InProgress && has[RoleStatus]:
			bad("finished_at", "must be empty for a response in progress")
		case started != nil && finished != nil && finished.Before(*started):
			bad("finished_at", "is before started_at")
		}
		if r.RespondentID == "" {
			r.RespondentID = uuid.NewString()
		}
		p.rows = append(p.rows, r)
		if p.said != nil {
			p.said = append(p.said, says)
		}
	}
	p.report.Rows = len(p.rows)
	p.report.OutOfScale = scale.list(cols)
	if len(p.report.OutOfScale) > 0 && !opt.OutOfScaleMissing {
		for _, o := range p.report.OutOfScale {
			fields["column "+o.Column] = "has values outside the scale 1 to 5: " + describeCounts(o.Values) +
				"; import with out_of_scale=missing to read them as blanks"
		}
	}
	if len(fields) > 0 {
		return p, &problem.Validation{Fields: fields}
	}
	if len(p.rows) == 0 {
		return p, problem.Invalid("file", "has no response rows")
	}
	return p, nil
}

// inferredStatus is the status of a response from a file without one:
// complete when every outcome is rated on both scales.
func inferredStatus(d *surveys.Design, ratings []byte) string {
	for _, o := range d.Outcomes {
		if ratings[2*o.Slot] == 0 || ratings[2*o.Slot+1] == 0 {
			return surveys.InProgress
		}
	}
	return surveys.Complete
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// describeCounts lists values with their counts, most frequent first:
// `"0" ×12, "N/A" ×3`.
func describeCounts(values map[string]int) string {
	keys := slices.Collect(maps.Keys(values))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(values[b]-values[a], strings.Compare(a, b)) })
	parts := make([]string, 0, min(len(keys), 10))
	for i, k := range keys {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("and %d more values", len(keys)-10))
			break
		}
		parts = append(parts, fmt.Sprintf("%q ×%d", k, values[k]))
	}
	return strings.Join(parts, ", ")
}
