// Package fieldwork is how a study's responses come in and are looked after:
// the survey a respondent answers (generated from the study's design), the
// submissions and autosaves of the survey page and the API, resume tokens,
// invitations, imported files and the sample study's data, the quality flags
// each response gets, and the researcher's view of it all (counts, the
// responses table, exclusions). Package surveys holds the studies and their
// analysis; this package writes the responses that analysis reads.
package fieldwork

import (
	"errors"
	"sync"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// Store takes a study's responses, in the database of a surveys.Store.
type Store struct {
	studies  *surveys.Store
	results  *results.Store  // the quota counts, from its response cache
	accounts *accounts.Store // the secret resume tokens are signed with
	db       *gorm.DB
	dialect  string

	writes    *writer
	closeOnce sync.Once

	// Per-instance caches, each checked against the database before use.
	forms formCache
}

// New takes responses for the studies of studies, counting quotas with res.
func New(studies *surveys.Store, res *results.Store) *Store {
	db := studies.DB()
	return &Store{studies: studies, results: res, accounts: studies.Accounts(), db: db, dialect: studies.Dialect(),
		writes: newWriter(db, studies.Dialect())}
}

// Close finishes the submissions being written. The surveys.Store is the
// caller's to close, after this.
func (s *Store) Close() { s.closeOnce.Do(s.writes.close) }

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return problem.ErrNotFound
	}
	return err
}
