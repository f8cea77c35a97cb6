package fieldwork

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/problem"
)

// maxBatch bounds how many response writes share one transaction.
const maxBatch = 256

// errStoreClosed answers writes queued after Close; it wraps the database's
// own "closed" error, so that surveys.Unavailable takes it for an outage
// (503, try again) like any other.
var errStoreClosed = fmt.Errorf("store is closed: %w", sql.ErrConnDone)

// writer funnels response writes into as few transactions as the load allows.
// SQLite takes one writer at a time and a commit costs about the same for one
// response as for a hundred, so under load many respondents share a commit;
// alone, a write commits at once. Every caller still waits for its own commit.
//
// What every write of a batch would otherwise ask the database again — is the
// study still open, what seq comes next — is asked once per batch (see batch).
type writer struct {
	db      *gorm.DB
	dialect string
	jobs    chan *writeJob
	quit    chan struct{}
	done    chan struct{}

	prepOnce sync.Once
	insert   *sql.Stmt // the INSERT of one response, prepared once for the writer's connections
	prepErr  error
}

type writeJob struct {
	fn  func(b *batch) error
	err chan error
}

func newWriter(db *gorm.DB, dialect string) *writer {
	w := &writer{db: db, dialect: dialect, jobs: make(chan *writeJob, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// do runs fn in a shared transaction and returns once that transaction has
// committed (nil) or fn or the commit failed. fn runs inside a savepoint, so
// its failure undoes only its own writes.
func (w *writer) do(ctx context.Context, fn func(b *batch) error) error {
	j := &writeJob{fn: fn, err: make(chan error, 1)}
	select {
	case w.jobs <- j:
	case <-w.quit:
		return errStoreClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the write may commit, so wait for the outcome even if the
	// caller has gone: reporting failure for a committed write would be a lie.
	return <-j.err
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*writeJob, 0, maxBatch)
	for {
		select {
		case j := <-w.jobs:
			batch = append(batch[:0], j)
		case <-w.quit:
			w.drain()
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case j := <-w.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		w.flush(batch)
	}
}

// drain answers what was queued when the store closed.
func (w *writer) drain() {
	for {
		select {
		case j := <-w.jobs:
			w.flush([]*writeJob{j})
		default:
			return
		}
	}
}

func (w *writer) flush(jobs []*writeJob) {
	errs := make([]error, len(jobs))
	b, err := w.begin()
	if err == nil {
		for i, j := range jobs {
			if errs[i] = b.run(j.fn, len(jobs) > 1); b.broken != nil {
				err = b.broken
				break
			}
		}
		if err == nil && len(jobs) == 1 && errs[0] != nil {
			err = errs[0] // alone, a failed write rolls back its transaction
		}
	}
	if b != nil {
		if err == nil {
			err = b.tx.Commit().Error
		} else {
			b.tx.Rollback()
		}
	}
	for i, j := range jobs {
		if errs[i] == nil && err != nil {
			errs[i] = err // the commit itself failed: nothing of the batch is stored
		}
		j.err <- errs[i]
	}
}

func (w *writer) begin() (*batch, error) {
	w.prepOnce.Do(w.prepare)
	tx := w.db.Begin()
	if tx.Error != nil {
		return nil, tx.Error
	}
	b := &batch{w: w, tx: tx}
	b.sqlTx, _ = tx.Statement.ConnPool.(*sql.Tx)
	return b, nil
}

func (w *writer) prepare() {
	sqlDB, err := w.db.DB()
	if err != nil {
		w.prepErr = err
		return
	}
	w.insert, w.prepErr = sqlDB.Prepare(insertResponsesSQL(w.dialect, 1))
}

func (w *writer) close() {
	close(w.quit)
	<-w.done
	if w.insert != nil {
		w.insert.Close()
	}
}

// batch is one transaction of the writer. It remembers, for the batch, what
// every write in it would otherwise read again: each study's status and seq.
type batch struct {
	w      *writer
	tx     *gorm.DB
	sqlTx  *sql.Tx // the same transaction, for the prepared INSERT
	broken error   // a savepoint failed: the transaction can't be trusted

	pending *surveys.Response // what the current write stored, for quotas

	studies map[int64]*batchStudy
}

type batchStudy struct {
	status string
	seq    int64
	stored []*surveys.Response // complete responses written so far in this batch, for quotas
	locked bool                // the batch holds the study's row lock (lockForQuota)
}

// run runs fn in its own savepoint when the batch holds other writes too.
func (b *batch) run(fn func(*batch) error, savepoint bool) error {
	b.pending = nil
	if !savepoint {
		err := fn(b)
		b.keepPending(err)
		return err
	}
	if err := b.exec("SAVEPOINT w"); err != nil {
		b.broken = err
		return err
	}
	err := fn(b)
	if err != nil {
		if rerr := b.exec("ROLLBACK TO SAVEPOINT w"); rerr != nil {
			b.broken = rerr
			return err
		}
	}
	if rerr := b.exec("RELEASE SAVEPOINT w"); rerr != nil {
		b.broken = rerr
	}
	b.keepPending(err)
	return err
}

func (b *batch) exec(stmt string) error {
	if b.sqlTx != nil {
		_, err := b.sqlTx.Exec(stmt)
		return err
	}
	return b.tx.Exec(stmt).Error
}

func (b *batch) study(id int64) (*batchStudy, error) {
	if st, ok := b.studies[id]; ok {
		return st, nil
	}
	st := &batchStudy{}
	if err := b.tx.Table("studies").Select("status").Where("id = ?", id).Take(&st.status).Error; err != nil {
		return nil, notFound(err)
	}
	if b.studies == nil {
		b.studies = map[int64]*batchStudy{}
	}
	b.studies[id] = st
	return st, nil
}

// open checks, inside the transaction, that the study behind f is still
// open; so closing a study stops every submission committed after the close,
// on every instance. Nothing else of the study need be checked: an open
// study's structure is locked, so f, compiled from it, still holds, however
// often the researcher edits its name or intro meanwhile.
func (b *batch) open(f *form) error {
	st, err := b.study(f.studyID)
	if err != nil {
		return err
	}
	switch st.status {
	case surveys.StatusOpen:
		return nil
	case surveys.StatusClosed:
		return surveys.ErrClosed
	}
	return problem.ErrNotFound
}

// lockForQuota makes the batch the only one, on any instance, deciding
// quotas of the study until it commits. On PostgreSQL several instances
// write at once, and each counts only the completes committed before it
// asked: without the lock two of them could both take a quota's last
// place. The lock is the study's row, held to the end of the transaction;
// a batch of another instance waits for it and then counts what this one
// committed. SQLite has a single writer, the batch itself, so no lock.
func (b *batch) lockForQuota(studyID int64) error {
	st, err := b.study(studyID)
	if err != nil || st.locked || b.w.dialect != "postgres" {
		return err
	}
	if err := b.tx.Exec("SELECT id FROM studies WHERE id = ? FOR UPDATE", studyID).Error; err != nil {
		return fmt.Errorf("lock study %d for its quotas: %w", studyID, err)
	}
	st.locked = true
	return nil
}

// seq numbers the batch's writes of a study's responses. They commit
// together, so they share one number, as an import's rows do.
func (b *batch) seq(studyID int64) (int64, error) {
	st, err := b.study(studyID)
	if err != nil {
		return 0, err
	}
	if st.seq == 0 {
		if st.seq, err = nextSeq(b.tx, studyID); err != nil {
			return 0, err
		}
	}
	return st.seq, nil
}

// insert stores a new response unless its study already has its
// submission_id (or respondent_id): it reports whether a row was added.
func (b *batch) insert(r *surveys.Response) (bool, error) {
	if b.w.prepErr != nil || b.sqlTx == nil {
		res := b.tx.Exec(insertResponsesSQL(b.w.dialect, 1), insertArgs(r, nil)...)
		return res.RowsAffected > 0, res.Error
	}
	res, err := b.sqlTx.Stmt(b.w.insert).Exec(insertArgs(r, nil)...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// stored records a complete response written by the current write, so a
// quota counts it before the batch commits; it counts once the write's
// savepoint is released.
func (b *batch) stored(r *surveys.Response) {
	if r.Status == surveys.Complete && r.Decision != surveys.Exclude {
		b.pending = r
	}
}

func (b *batch) keepPending(err error) {
	if err != nil || b.pending == nil || b.broken != nil {
		return
	}
	if st, ok := b.studies[b.pending.StudyID]; ok {
		st.stored = append(st.stored, b.pending)
	}
	b.pending = nil
}

// responseColumns are the columns of a new response, in insertArgs order.
const responseColumns = "study_id, respondent_id, submission_id, invitation_id, external_id, status, decision, source, answers, ratings, forces, item_order, url_fields, network, started_at, updated_at, finished_at, seq"

const nResponseColumns = 18

// insertResponsesSQL is an INSERT of rows responses. The writer's single-row
// form skips a response whose submission_id or respondent_id the study
// already has; an import checks those first and inserts many rows at once.
func insertResponsesSQL(dialect string, rows int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO responses (" + responseColumns + ") VALUES ")
	n := 0
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range nResponseColumns {
			if c > 0 {
				sb.WriteByte(',')
			}
			n++
			if dialect == "postgres" {
				fmt.Fprintf(&sb, "$%d", n)
			} else {
				sb.WriteByte('?')
			}
		}
		sb.WriteByte(')')
	}
	if rows == 1 {
		sb.WriteString(" ON CONFLICT DO NOTHING")
	}
	return sb.String()
}

// nextSeq numbers a write of one of a study's responses, so caches can load
// just what changed since they last looked.
func nextSeq(tx *gorm.DB, studyID int64) (int64, error) {
	var seq int64
	var err error
	if tx.Dialector.Name() == "postgres" {
		err = tx.Raw("SELECT nextval('response_seq')").Scan(&seq).Error
	} else {
		err = tx.Raw("SELECT COALESCE(MAX(seq), 0) + 1 FROM responses WHERE study_id = ?", studyID).Scan(&seq).Error
	}
	return seq, err
}

// insertArgs are r's values for insertResponsesSQL, in responseColumns
// order, encoded as GORM encodes them.
func insertArgs(r *surveys.Response, args []any) []any {
	answers := stringsJSON(r.Answers)
	order := "[]"
	if r.ItemOrder == nil || len(r.ItemOrder) > 0 {
		b, _ := json.Marshal(r.ItemOrder) // a list of strings always encodes
		order = string(b)
	}
	fields := "{}"
	if len(r.URLFields) > 0 {
		fields = stringsJSON(r.URLFields)
	}
	var submissionID, invitationID, finishedAt any
	if r.SubmissionID != nil {
		submissionID = *r.SubmissionID
	}
	if r.InvitationID != nil {
		invitationID = *r.InvitationID
	}
	if r.FinishedAt != nil {
		finishedAt = *r.FinishedAt
	}
	return append(args, r.StudyID, r.RespondentID, submissionID, invitationID, r.ExternalID,
		r.Status, r.Decision, r.Source, answers, r.Ratings, r.Forces, order, fields, r.Network,
		r.StartedAt, r.UpdatedAt, finishedAt, r.Seq)
}

// stringsJSON is m as json.Marshal encodes it, keys sorted, without its
// reflection where every key and value is plain text: an import encodes a
// million rows' answers.
func stringsJSON(m map[string]string) string {
	if m == nil {
		return "null"
	}
	var stack [16]string
	keys := stack[:0]
	size := 2
	for k, v := range m {
		if !plainJSON(k) || !plainJSON(v) {
			b, _ := json.Marshal(m) // a map of strings always encodes
			return string(b)
		}
		keys = append(keys, k)
		size += len(k) + len(v) + 6
	}
	slices.Sort(keys)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":"`...)
		b = append(b, m[k]...)
		b = append(b, '"')
	}
	return string(append(b, '}'))
}

// plainJSON says s encodes in JSON as itself between quotes: printable
// ASCII other than what encoding/json escapes (quote, backslash, and <, >, &
// for HTML).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
