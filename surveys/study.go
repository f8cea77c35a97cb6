package surveys

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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

// StudyInput creates a study or edits one; nil fields are left as they are.
type StudyInput struct {
	Name           *string        `json:"name" validate:"omitempty,max=200"`
	Job            *Job           `json:"job"`
	RespondentRole *string        `json:"respondent_role" validate:"omitempty,max=200"`
	MarketSize     *float64       `json:"market_size" validate:"omitempty,gte=0"`
	MinN           *int           `json:"min_n" validate:"omitempty,gte=1,lte=100000"`
	FourForces     *bool          `json:"four_forces"`
	ForcesWording  *ForcesWording `json:"forces_wording"`
	Language       *string        `json:"language" validate:"omitempty,oneof=en fr"`
	Intro          *string        `json:"intro" validate:"omitempty,max=5000"`
	Thanks         *string        `json:"thanks" validate:"omitempty,max=5000"`
	RedirectURL    *string        `json:"redirect_url" validate:"omitempty,max=2000,http_url"`
	TargetN        *int           `json:"target_n" validate:"omitempty,gte=0,lte=10000000"`
}

// Avatars are the four customer avatars a study can ask.
var Avatars = []string{"job executor", "job beneficiary", "product lifecycle support", "purchase decision-maker"}

// DefaultForces is the seed's wording of the four forces questions.
var DefaultForces = ForcesWording{
	Push:    "How much does your current way of doing this frustrate you?",
	Pull:    "How attractive is a new way of doing this?",
	Anxiety: "How worried are you about what could go wrong if you switched?",
	Habit:   "How hard would it be to leave your current way behind?",
}

// apply copies the set fields of in onto st; structural fields are refused once
// the study is published because respondents have already seen them.
func (in StudyInput) apply(st *Study) error {
	if err := check(in); err != nil {
		return err
	}
	locked := st.Status != StatusDraft
	fields := map[string]string{}
	if in.Name != nil {
		if strings.TrimSpace(*in.Name) == "" {
			fields["name"] = "is required"
		}
		st.Name = strings.TrimSpace(*in.Name)
	}
	if in.Job != nil {
		if err := check(in.Job); err != nil {
			return prefixFields(err, "job.")
		}
		if locked {
			fields["job"] = "cannot change once the study is published: duplicate it to edit"
		}
		st.Job = Job{When: strings.TrimSpace(in.Job.When), Want: strings.TrimSpace(in.Job.Want), SoThat: strings.TrimSpace(in.Job.SoThat)}
	}
	if in.FourForces != nil {
		if locked && *in.FourForces != st.FourForces {
			fields["four_forces"] = "cannot change once the study is published: duplicate it to edit"
		}
		st.FourForces = *in.FourForces
	}
	if in.ForcesWording != nil {
		if err := check(in.ForcesWording); err != nil {
			return prefixFields(err, "forces_wording.")
		}
		if locked {
			fields["forces_wording"] = "cannot change once the study is published: duplicate it to edit"
		}
		st.ForcesWording = *in.ForcesWording
	}
	if in.Language != nil {
		if locked && *in.Language != st.Language {
			fields["language"] = "cannot change once the study is published: duplicate it to edit"
		}
		st.Language = *in.Language
	}
	if in.RespondentRole != nil {
		st.RespondentRole = strings.TrimSpace(*in.RespondentRole)
	}
	if in.MarketSize != nil {
		if *in.MarketSize == 0 {
			st.MarketSize = nil
		} else {
			st.MarketSize = in.MarketSize
		}
	}
	if in.MinN != nil {
		st.MinN = *in.MinN
	}
	if in.Intro != nil {
		st.Intro = strings.TrimSpace(*in.Intro)
	}
	if in.Thanks != nil {
		st.Thanks = strings.TrimSpace(*in.Thanks)
	}
	if in.RedirectURL != nil {
		st.RedirectURL = strings.TrimSpace(*in.RedirectURL)
	}
	if in.TargetN != nil {
		st.TargetN = *in.TargetN
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}

func prefixFields(err error, prefix string) error {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := make(map[string]string, len(ve.Fields))
	for k, v := range ve.Fields {
		out[prefix+k] = v
	}
	return &ValidationError{Fields: out}
}

// CreateStudy makes a draft study owned by u, with the eight universal job steps.
func (s *Store) CreateStudy(ctx context.Context, u *User, in StudyInput) (*Study, error) {
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return nil, Invalid("name", "is required")
	}
	st := &Study{OwnerID: u.ID, Status: StatusDraft, MinN: 30, Language: "en", ForcesWording: DefaultForces}
	if err := in.apply(st); err != nil {
		return nil, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(st).Error; err != nil {
			return err
		}
		steps := make([]Step, len(DefaultSteps))
		for i, name := range DefaultSteps {
			steps[i] = Step{StudyID: st.ID, Name: name, Position: i}
		}
		return tx.Create(&steps).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create study: %w", err)
	}
	return st, nil
}

// UpdateStudy edits a study's settings.
func (s *Store) UpdateStudy(ctx context.Context, u *User, id int64, in StudyInput) (*Study, error) {
	var st Study
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := visible(tx, u).First(&st, id).Error; err != nil {
			return notFound(err)
		}
		if err := in.apply(&st); err != nil {
			return err
		}
		return tx.Save(&st).Error
	})
	if err != nil {
		return nil, fmt.Errorf("update study %d: %w", id, err)
	}
	return &st, nil
}

// DeleteStudy removes a study and, through foreign keys, everything in it.
// Only its owner or an admin may delete it.
func (s *Store) DeleteStudy(ctx context.Context, u *User, id int64) error {
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if !u.IsAdmin() {
		q = q.Where("owner_id = ?", u.ID)
	}
	res := q.Delete(&Study{})
	if res.Error != nil {
		return fmt.Errorf("delete study %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// AddMember lets another researcher see and edit a study.
func (s *Store) AddMember(ctx context.Context, u *User, studyID int64, email string) error {
	if _, err := s.Study(ctx, u, studyID); err != nil {
		return err
	}
	member, err := s.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return Invalid("email", "no account has this email")
	}
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&studyMember{StudyID: studyID, UserID: member.ID}).Error
}

type studyMember struct {
	StudyID int64
	UserID  int64
}

func (studyMember) TableName() string { return "study_members" }

// Publish opens a draft (or reopens a closed) study for responses. A draft
// needs at least one outcome; its structure is locked from then on.
func (s *Store) Publish(ctx context.Context, u *User, id int64) (*Study, error) {
	var st Study
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := visible(tx, u).First(&st, id).Error; err != nil {
			return notFound(err)
		}
		switch st.Status {
		case StatusOpen:
			return nil
		case StatusClosed:
			st.Status, st.ClosedAt = StatusOpen, nil
			return tx.Save(&st).Error
		}
		var n int64
		if err := tx.Model(&Outcome{}).Where("study_id = ?", st.ID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return Invalid("outcomes", "add at least one outcome before publishing")
		}
		now := s.db.NowFunc()
		slug := newSlug()
		st.Status, st.Slug, st.PublishedAt = StatusOpen, &slug, &now
		return tx.Save(&st).Error
	})
	if err != nil {
		return nil, fmt.Errorf("publish study %d: %w", id, err)
	}
	return &st, nil
}

// CloseStudy stops new submissions; the study can be reopened with Publish.
func (s *Store) CloseStudy(ctx context.Context, u *User, id int64) (*Study, error) {
	var st Study
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := visible(tx, u).First(&st, id).Error; err != nil {
			return notFound(err)
		}
		if st.Status == StatusDraft {
			return fmt.Errorf("%w: a draft study is not open", ErrConflict)
		}
		if st.Status == StatusClosed {
			return nil
		}
		now := s.db.NowFunc()
		st.Status, st.ClosedAt = StatusClosed, &now
		return tx.Save(&st).Error
	})
	if err != nil {
		return nil, fmt.Errorf("close study %d: %w", id, err)
	}
	return &st, nil
}

// Duplicate copies a study's settings, steps, outcomes and questions into a new
// draft owned by u, to edit a published study's structure.
func (s *Store) Duplicate(ctx context.Context, u *User, id int64) (*Study, error) {
	d, err := s.Design(ctx, u, id)
	if err != nil {
		return nil, err
	}
	cp := d.Study
	cp.ID, cp.OwnerID, cp.Status, cp.Slug, cp.PublishedAt, cp.ClosedAt = 0, u.ID, StatusDraft, nil, nil, nil
	cp.Name = "Copy of " + cp.Name
	if len(cp.Name) > 200 {
		cp.Name = cp.Name[:200]
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&cp).Error; err != nil {
			return err
		}
		stepIDs := map[int64]int64{}
		for _, sp := range d.Steps {
			old := sp.ID
			sp.ID, sp.StudyID = 0, cp.ID
			if err := tx.Create(&sp).Error; err != nil {
				return err
			}
			stepIDs[old] = sp.ID
		}
		for _, o := range d.Outcomes {
			o.ID, o.StudyID = 0, cp.ID
			if o.StepID != nil {
				id := stepIDs[*o.StepID]
				o.StepID = &id
			}
			if err := tx.Create(&o).Error; err != nil {
				return err
			}
		}
		for _, q := range d.Questions {
			q.ID, q.StudyID = 0, cp.ID
			if err := tx.Create(&q).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duplicate study %d: %w", id, err)
	}
	return &cp, nil
}

// newSlug is the public part of a survey link: short enough to type, random
// enough not to be guessed.
func newSlug() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
