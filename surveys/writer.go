package surveys

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// maxBatch bounds how many response writes share one transaction.
const maxBatch = 256

// errStoreClosed answers writes queued after Close.
var errStoreClosed = errors.New("store is closed")

// writer funnels response writes into as few transactions as the load allows.
// SQLite takes one writer at a time and a commit costs about the same for one
// response as for a hundred, so under load many respondents share a commit;
// alone, a write commits at once. Every caller still waits for its own commit.
type writer struct {
	db   *gorm.DB
	jobs chan *writeJob
	quit chan struct{}
	done chan struct{}
}

type writeJob struct {
	fn  func(tx *gorm.DB) error
	err chan error
}

func newWriter(db *gorm.DB) *writer {
	w := &writer{db: db, jobs: make(chan *writeJob, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// do runs fn in a shared transaction and returns once that transaction has
// committed (nil) or fn or the commit failed. fn runs inside a savepoint, so
// its failure undoes only its own writes.
func (w *writer) do(ctx context.Context, fn func(tx *gorm.DB) error) error {
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

func (w *writer) flush(batch []*writeJob) {
	errs := make([]error, len(batch))
	err := w.db.Transaction(func(tx *gorm.DB) error {
		if len(batch) == 1 {
			errs[0] = batch[0].fn(tx)
			return errs[0]
		}
		for i, j := range batch {
			errs[i] = tx.Transaction(j.fn) // a savepoint
		}
		return nil
	})
	for i, j := range batch {
		if errs[i] == nil && err != nil {
			errs[i] = err // the commit itself failed: nothing of the batch is stored
		}
		j.err <- errs[i]
	}
}

func (w *writer) close() {
	close(w.quit)
	<-w.done
}
