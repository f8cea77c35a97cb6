package fieldwork

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"

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
//
// The file streams through: rows are checked and inserted a chunk at a time
// inside one transaction, so memory holds a chunk, not the file's
// responses; a problem anywhere rolls all of it back.
func (s *Store) ImportResponses(ctx context.Context, d *surveys.Design, data io.Reader, opt ImportOptions) (*ImportReport, error) {
	studyID := d.Study.ID
	src, closeRows, err := openRows(data, opt.XLSX)
	if err != nil {
		return nil, err
	}
	defer closeRows()
	var p *parsed
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		w := &importWriter{tx: tx, dialect: s.dialect, studyID: studyID, insert: !opt.DryRun}
		var err error
		if !opt.DryRun {
			if w.seq, err = nextSeq(tx, studyID); err != nil {
				return err
			}
		}
		p, err = parseResponses(d, src, opt, w.add)
		if _, werr := w.wait(); err == nil {
			err = werr // parseResponses drains w; this only waits out a chunk it left on an error
		}
		if err != nil || opt.DryRun {
			return err
		}
		return s.keepExclusions(ctx, tx, d, p)
	})
	var ve *problem.Validation
	switch {
	case errors.As(err, &ve):
		return p.refused(opt, err)
	case err != nil:
		return nil, fmt.Errorf("import responses into study %d: %w", studyID, err)
	}
	if !opt.DryRun {
		p.report.Imported = p.report.Rows
	}
	return &p.report, nil
}

// importChunk is how many rows an import checks and inserts at once: five
// full INSERTs of importRowsPerInsert.
const importChunk = 5 * importRowsPerInsert

// importWriter adds a file's rows to the study a chunk at a time, inside the
// import's transaction. A chunk is checked and stored in the background
// while the next one is parsed: the database's work (in C, for SQLite) and
// the parsing then take a core each, where the machine has two.
type importWriter struct {
	tx      *gorm.DB
	dialect string
	studyID int64
	seq     int64
	insert  bool           // false in a dry run
	pending chan addResult // the chunk being stored, nil when none is
}

type addResult struct {
	taken []string
	err   error
}

// add starts checking and storing rows and answers for the chunk given
// before: the ids of it already taken, or its error. rows are w's until the
// next call; a call with no rows only waits for the chunk before. clean says
// no problem was found before rows' chunk: a problem in the chunk still
// being stored is known one call late, and the rows stored meanwhile are
// rolled back with the rest.
func (w *importWriter) add(rows []surveys.Response, clean bool) ([]string, error) {
	taken, err := w.wait()
	if err != nil || len(rows) == 0 {
		return taken, err
	}
	done := make(chan addResult, 1)
	w.pending = done
	go func() {
		t, err := w.store(rows, clean)
		done <- addResult{t, err}
	}()
	return taken, nil
}

// wait answers for the chunk being stored, if any, once it is.
func (w *importWriter) wait() ([]string, error) {
	if w.pending == nil {
		return nil, nil
	}
	r := <-w.pending
	w.pending = nil
	return r.taken, r.err
}

// store checks rows' respondent ids against the study's and, while the file
// has shown no problem (clean), inserts them. It answers the ids already
// taken.
func (w *importWriter) store(rows []surveys.Response, clean bool) ([]string, error) {
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].RespondentID
	}
	var taken []string
	if err := w.tx.Model(&surveys.Response{}).Where("study_id = ? AND respondent_id IN ?", w.studyID, ids).Pluck("respondent_id", &taken).Error; err != nil {
		return nil, err
	}
	if len(taken) > 0 || !clean || !w.insert {
		return taken, nil
	}
	for i := range rows {
		rows[i].StudyID, rows[i].Seq = w.studyID, w.seq
	}
	return nil, insertResponses(w.tx, w.dialect, rows)
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
// the file's study saw and an import cannot: a duplicate by network, a
// failed attention check; or a researcher's own exclusion),
// include where it says 0 and the rule would leave it out (a researcher's
// inclusion). Everywhere else the rule goes on deciding, and follows a later
// change of it. The rule is applied to the study's responses as committed
// (read outside tx) with the file's rows after them (results'
// RuleExcludes): what the review makes of them once tx commits, with the
// decisions in the same transaction as the rows.
func (s *Store) keepExclusions(ctx context.Context, tx *gorm.DB, d *surveys.Design, p *parsed) error {
	if p.said == nil {
		return nil
	}
	rule := p.rule
	p.rule = nil // RuleExcludes makes its own of each row: let the collector take these as it goes
	if len(rule) >= bigImport {
		// Collect the parse's garbage now, while only the kept rows are
		// live (about 200 bytes each): the collector's next goal is then
		// twice them, and RuleExcludes' copies (about 150 bytes a row)
		// fit under it, where otherwise the heap grows to twice the rows
		// and the copies together. At a million rows: 534 MB peak instead
		// of 650 MB, for well under a second.
		runtime.GC()
	}
	ruled, err := s.results.RuleExcludes(ctx, d, rule)
	if err != nil {
		return err
	}
	decided := map[string][]string{}
	for i, id := range p.ids {
		switch {
		case p.said[i] == saysOut && !ruled[i]:
			decided[surveys.Exclude] = append(decided[surveys.Exclude], id)
		case p.said[i] == saysIn && ruled[i]:
			decided[surveys.Include] = append(decided[surveys.Include], id)
		}
	}
	for decision, ids := range decided {
		for chunk := range slices.Chunk(ids, importChunk) {
			if err := tx.Model(&surveys.Response{}).Where("study_id = ? AND respondent_id IN ?", d.Study.ID, chunk).
				Update("decision", decision).Error; err != nil {
				return fmt.Errorf("store the file's decisions: %w", err)
			}
		}
	}
	return nil
}

// bigImport is the number of rows from which an import collects its
// garbage before the rule reviews its rows (keepExclusions).
const bigImport = 100000

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
