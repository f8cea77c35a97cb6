// Package programme groups studies asked of one population, one job each,
// and finds the people who answered several of them: the cross-job buyers
// that the needs-based method calls the most valuable (docs/scoring.md,
// "Cross-job buyers"). A programme belongs to the researcher who made it.
package programme

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// Programme is a named group of studies, in the order they were given.
type Programme struct {
	ID        int64     `json:"id"`
	OwnerID   int64     `json:"-"`
	Name      string    `json:"name"`
	StudyIDs  []int64   `json:"study_ids" gorm:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// study is one row of programme_studies.
type study struct {
	ProgrammeID int64
	StudyID     int64
	Position    int
}

func (study) TableName() string { return "programme_studies" }

// MaxStudies bounds a programme: its pairs grow with the square of it.
const MaxStudies = 20

// Input makes a programme.
type Input struct {
	Name     string  `json:"name" validate:"required,max=200"`
	StudyIDs []int64 `json:"study_ids" validate:"required"`
}

// Store keeps programmes in the database of a surveys.Store.
type Store struct {
	studies *surveys.Store
	results *results.Store
	db      *gorm.DB
}

// New keeps programmes of the studies of studies, read through res.
func New(studies *surveys.Store, res *results.Store) *Store {
	return &Store{studies: studies, results: res, db: studies.DB()}
}

// Create stores a programme of u's. Every study must be one u can see,
// named once, and there must be from 2 to MaxStudies of them.
func (s *Store) Create(ctx context.Context, u *accounts.User, in Input) (*Programme, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := problem.Check(in); err != nil {
		return nil, err
	}
	if n := len(in.StudyIDs); n < 2 || n > MaxStudies {
		return nil, problem.Invalid("study_ids", fmt.Sprintf("give from 2 to %d studies (%d given): a programme compares studies in pairs", MaxStudies, n))
	}
	seen := map[int64]bool{}
	for _, id := range in.StudyIDs {
		if seen[id] {
			return nil, problem.Invalid("study_ids", fmt.Sprintf("study %d is given twice", id))
		}
		seen[id] = true
		if _, err := s.studies.Study(ctx, u, id); errors.Is(err, problem.ErrNotFound) {
			return nil, problem.Invalid("study_ids", fmt.Sprintf("there is no study %d that you can see", id))
		} else if err != nil {
			return nil, err
		}
	}
	p := &Programme{OwnerID: u.ID, Name: in.Name, StudyIDs: in.StudyIDs, CreatedAt: time.Now().UTC()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		rows := make([]study, len(in.StudyIDs))
		for i, id := range in.StudyIDs {
			rows[i] = study{ProgrammeID: p.ID, StudyID: id, Position: i}
		}
		return tx.Create(&rows).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create programme %q: %w", in.Name, err)
	}
	return p, nil
}

// List is u's programmes, newest first.
func (s *Store) List(ctx context.Context, u *accounts.User) ([]Programme, error) {
	out := []Programme{}
	if err := s.db.WithContext(ctx).Where("owner_id = ?", u.ID).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("programmes of user %d: %w", u.ID, err)
	}
	var rows []study
	if err := s.db.WithContext(ctx).Where("programme_id IN (SELECT id FROM programmes WHERE owner_id = ?)", u.ID).
		Order("programme_id, position").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("studies of the programmes of user %d: %w", u.ID, err)
	}
	index := map[int64]int{}
	for i, p := range out {
		index[p.ID] = i
		out[i].StudyIDs = []int64{}
	}
	for _, r := range rows {
		p := &out[index[r.ProgrammeID]]
		p.StudyIDs = append(p.StudyIDs, r.StudyID)
	}
	return out, nil
}

// Get is u's programme id; anyone else's is not found, as if it did not
// exist.
func (s *Store) Get(ctx context.Context, u *accounts.User, id int64) (*Programme, error) {
	var p Programme
	err := s.db.WithContext(ctx).Where("id = ? AND owner_id = ?", id, u.ID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, problem.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load programme %d: %w", id, err)
	}
	var rows []study
	if err := s.db.WithContext(ctx).Where("programme_id = ?", id).Order("position").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("studies of programme %d: %w", id, err)
	}
	p.StudyIDs = make([]int64, len(rows))
	for i, r := range rows {
		p.StudyIDs[i] = r.StudyID
	}
	return &p, nil
}

// Delete removes u's programme id; its studies stay as they are. Anyone
// else's is not found.
func (s *Store) Delete(ctx context.Context, u *accounts.User, id int64) error {
	res := s.db.WithContext(ctx).Where("id = ? AND owner_id = ?", id, u.ID).Delete(&Programme{})
	return problem.OneRow(res, "delete programme %d", id)
}
