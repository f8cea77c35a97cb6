// Package results is what a study's responses say: opportunity scores
// overall and by group, the ways results can be grouped (segment questions
// and saved needs-based segmentations), needs-based segment discovery and
// the segment canvas, and the share links through which stakeholders read
// all of it. It reads the responses package fieldwork writes, from a cache
// checked against the database before each use.
package results

import (
	"errors"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/problem"
)

// Store reads results from the database of a surveys.Store.
type Store struct {
	studies *surveys.Store
	db      *gorm.DB

	responses responseCache // per instance, checked against the database before use
}

// New reads the results of the studies of studies.
func New(studies *surveys.Store) *Store {
	return &Store{studies: studies, db: studies.DB()}
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return problem.ErrNotFound
	}
	return err
}
