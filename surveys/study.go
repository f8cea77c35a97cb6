package surveys

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Study statuses.
const (
	StatusDraft  = "draft"
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Job is the job statement in its three parts.
type Job struct {
	When   string `json:"when" validate:"max=500"`
	Want   string `json:"want" validate:"max=500"`
	SoThat string `json:"so_that" gorm:"column:so_that" validate:"max=500"`
}

// Sentence renders the job the way the seed writes it.
func (j Job) Sentence() string {
	if j.When == "" && j.Want == "" && j.SoThat == "" {
		return ""
	}
	s := "When " + j.When + ", I want to " + j.Want
	if j.SoThat != "" {
		s += ", so I can " + j.SoThat
	}
	return s + "."
}

// ForcesWording is the study's own text for the four forces questions.
type ForcesWording struct {
	Push    string `json:"push" validate:"max=300"`
	Pull    string `json:"pull" validate:"max=300"`
	Anxiety string `json:"anxiety" validate:"max=300"`
	Habit   string `json:"habit" validate:"max=300"`
}

// Study is one core job researched with one survey.
type Study struct {
	ID             int64         `json:"id"`
	OwnerID        int64         `json:"owner_id"`
	Name           string        `json:"name"`
	Status         string        `json:"status"`
	Job            Job           `json:"job" gorm:"embedded;embeddedPrefix:job_"`
	RespondentRole string        `json:"respondent_role"`
	MarketSize     *float64      `json:"market_size"`
	MinN           int           `json:"min_n"`
	FourForces     bool          `json:"four_forces"`
	ForcesWording  ForcesWording `json:"forces_wording" gorm:"serializer:json"`
	Language       string        `json:"language"`
	Intro          string        `json:"intro"`
	Thanks         string        `json:"thanks"`
	RedirectURL    string        `json:"redirect_url"`
	TargetN        int           `json:"target_n"`
	Slug           *string       `json:"slug"`
	NextSlot       int           `json:"-"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
	PublishedAt    *time.Time    `json:"published_at"`
	ClosedAt       *time.Time    `json:"closed_at"`
}

// StudySummary is a row of the study list.
type StudySummary struct {
	Study
	Complete     int64      `json:"complete"`
	LastResponse *time.Time `json:"last_response_at"`
}

// visible limits a query on studies to those u may see: admins see all,
// researchers their own and those they collaborate on.
func visible(tx *gorm.DB, u *User) *gorm.DB {
	if u.IsAdmin() {
		return tx
	}
	return tx.Where("studies.owner_id = ? OR studies.id IN (SELECT study_id FROM study_members WHERE user_id = ?)", u.ID, u.ID)
}

// ListStudies returns the studies u may see, newest first.
func (s *Store) ListStudies(ctx context.Context, u *User) ([]StudySummary, error) {
	var studies []Study
	if err := visible(s.db.WithContext(ctx), u).Order("id DESC").Find(&studies).Error; err != nil {
		return nil, fmt.Errorf("list studies for user %d: %w", u.ID, err)
	}
	out := make([]StudySummary, len(studies))
	for i, st := range studies {
		out[i] = StudySummary{Study: st}
	}
	return out, nil
}

// Study loads one study if u may see it; anyone else gets ErrNotFound so that
// the existence of other people's studies is not revealed.
func (s *Store) Study(ctx context.Context, u *User, id int64) (*Study, error) {
	var st Study
	if err := visible(s.db.WithContext(ctx), u).First(&st, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &st, nil
}
