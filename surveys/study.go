package surveys

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"odi/surveys/accounts"
	"odi/surveys/problem"
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

// Sentence is the job statement as people read it: "When …, I want to …, so
// I can …." (without the last clause when SoThat is empty).
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
	AttentionCheck bool          `json:"attention_check"` // ask one instructed-response item among the outcomes
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
	Complete     int64      `json:"complete"` // complete responses, not excluded
	LastResponse *time.Time `json:"last_response_at"`
}

// visible limits a query on studies to those u may see: admins see all,
// researchers their own and those they collaborate on.
func visible(tx *gorm.DB, u *accounts.User) *gorm.DB {
	if u.IsAdmin() {
		return tx
	}
	return tx.Where("studies.owner_id = ? OR studies.id IN (SELECT study_id FROM study_members WHERE user_id = ?)", u.ID, u.ID)
}

// lockStudy loads a study u may see in order to change it, and holds its row
// until tx ends, so that two edits of one study take turns instead of both
// reading the same state (two outcomes given the same next code). SQLite
// ignores the clause: its immediate transactions already run one at a time.
func lockStudy(tx *gorm.DB, u *accounts.User, id int64) (*Study, error) {
	var st Study
	if err := visible(tx, u).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).First(&st, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &st, nil
}

// ListStudies returns the studies u may see, newest first, each with its count
// of complete responses and the time of its latest response.
func (s *Store) ListStudies(ctx context.Context, u *accounts.User) ([]StudySummary, error) {
	db := s.db.WithContext(ctx)
	var studies []Study
	if err := visible(db, u).Order("id DESC").Find(&studies).Error; err != nil {
		return nil, fmt.Errorf("list studies for user %d: %w", u.ID, err)
	}
	var tallies []struct {
		StudyID  int64
		Complete int64
		Last     sql.NullString // a time; see sqlTime
	}
	err := visible(db.Model(&Study{}), u).
		Select("studies.id AS study_id, "+
			"SUM(CASE WHEN responses.status = ? AND NOT responses.excluded THEN 1 ELSE 0 END) AS complete, "+
			"MAX(COALESCE(responses.finished_at, responses.updated_at)) AS last", Complete).
		Joins("JOIN responses ON responses.study_id = studies.id").
		Group("studies.id").Scan(&tallies).Error
	if err != nil {
		return nil, fmt.Errorf("count responses of studies for user %d: %w", u.ID, err)
	}
	byStudy := make(map[int64]int, len(tallies))
	for i, t := range tallies {
		byStudy[t.StudyID] = i
	}
	out := make([]StudySummary, len(studies))
	for i, st := range studies {
		out[i] = StudySummary{Study: st}
		if j, ok := byStudy[st.ID]; ok {
			out[i].Complete = tallies[j].Complete
			if last := tallies[j].Last; last.Valid {
				t, err := sqlTime(last.String)
				if err != nil {
					return nil, fmt.Errorf("last response of study %d: %w", st.ID, err)
				}
				out[i].LastResponse = &t
			}
		}
	}
	return out, nil
}

// sqlTime reads a time computed in SQL, such as a MAX, as text: SQLite
// knows the type only of a plain column, so it sends the text it stored, and
// PostgreSQL's time comes as RFC 3339 text when scanned into a string.
func sqlTime(text string) (time.Time, error) {
	for _, layout := range sqliteTimes {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("read a time from %q", text)
}

// sqliteTimes are the layouts go-sqlite3 writes times in, then RFC 3339.
var sqliteTimes = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	time.RFC3339Nano,
}

// Study loads one study if u may see it; anyone else gets problem.ErrNotFound so that
// the existence of other people's studies is not revealed.
func (s *Store) Study(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	var st Study
	if err := visible(s.db.WithContext(ctx), u).First(&st, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &st, nil
}

// StudyInput creates a study or edits one; nil fields are left as they are.
type StudyInput struct {
	Name           *string             `json:"name" validate:"omitempty,max=200"`
	Job            *Job                `json:"job"`
	RespondentRole *string             `json:"respondent_role" validate:"omitempty,max=200"`
	MarketSize     *float64            `json:"market_size" validate:"omitempty,gte=0"`
	MinN           *int                `json:"min_n" validate:"omitempty,gte=1,lte=100000"`
	FourForces     *bool               `json:"four_forces"`
	ForcesWording  *ForcesWordingInput `json:"forces_wording"`
	AttentionCheck *bool               `json:"attention_check"`
	Language       *string             `json:"language" validate:"omitempty,oneof=en fr"`
	Intro          *string             `json:"intro" validate:"omitempty,max=5000"`
	Thanks         *string             `json:"thanks" validate:"omitempty,max=5000"`
	RedirectURL    *string             `json:"redirect_url" validate:"omitempty,max=2000"`
	TargetN        *int                `json:"target_n" validate:"omitempty,gte=0,lte=10000000"`
}

// ForcesWordingInput edits some of the four forces texts; the ones not sent
// stay as they are.
type ForcesWordingInput struct {
	Push    *string `json:"push" validate:"omitempty,max=300"`
	Pull    *string `json:"pull" validate:"omitempty,max=300"`
	Anxiety *string `json:"anxiety" validate:"omitempty,max=300"`
	Habit   *string `json:"habit" validate:"omitempty,max=300"`
}

// merge returns w with the texts in set in place of its own.
func (in ForcesWordingInput) merge(w ForcesWording) ForcesWording {
	for _, f := range []struct {
		from *string
		to   *string
	}{{in.Push, &w.Push}, {in.Pull, &w.Pull}, {in.Anxiety, &w.Anxiety}, {in.Habit, &w.Habit}} {
		if f.from != nil {
			*f.to = strings.TrimSpace(*f.from)
		}
	}
	return w
}

// Avatars are the four customer avatars a study can ask.
var Avatars = []string{"job executor", "job beneficiary", "product lifecycle support", "purchase decision-maker"}

// DefaultForces is the wording a new study starts with for the four forces
// questions; a researcher may reword them.
var DefaultForces = ForcesWording{
	Push:    "How much does your current way of doing this frustrate you?",
	Pull:    "How attractive is a new way of doing this?",
	Anxiety: "How worried are you about what could go wrong if you switched?",
	Habit:   "How hard would it be to leave your current way behind?",
}

// apply copies the set fields of in onto st and reports every bad field at
// once; a new study must be named. Changing the structure (job, language, four
// forces) of a published study is ErrLocked, because respondents have already
// answered it: sending it unchanged is fine.
func (in StudyInput) apply(st *Study, creating bool) error {
	fields := map[string]string{}
	if err := problem.Check(in); err != nil {
		var ve *problem.Validation
		if !errors.As(err, &ve) {
			return err
		}
		maps.Copy(fields, ve.Fields)
	}
	set := func(field, msg string) {
		if _, ok := fields[field]; !ok {
			fields[field] = msg
		}
	}
	published := st.Status != StatusDraft
	var locked []string
	if in.Name != nil {
		st.Name = strings.TrimSpace(*in.Name)
	}
	if (in.Name != nil || creating) && st.Name == "" {
		set("name", "is required")
	}
	if in.Job != nil {
		job := Job{When: strings.TrimSpace(in.Job.When), Want: strings.TrimSpace(in.Job.Want), SoThat: strings.TrimSpace(in.Job.SoThat)}
		if published && job != st.Job {
			locked = append(locked, "job")
		}
		st.Job = job
	}
	if in.FourForces != nil {
		if published && *in.FourForces != st.FourForces {
			locked = append(locked, "four_forces")
		}
		st.FourForces = *in.FourForces
	}
	if in.AttentionCheck != nil {
		if published && *in.AttentionCheck != st.AttentionCheck {
			locked = append(locked, "attention_check")
		}
		st.AttentionCheck = *in.AttentionCheck
	}
	if in.ForcesWording != nil {
		w := in.ForcesWording.merge(st.ForcesWording)
		if published && w != st.ForcesWording {
			locked = append(locked, "forces_wording")
		}
		st.ForcesWording = w
	}
	if in.Language != nil {
		if published && *in.Language != st.Language {
			locked = append(locked, "language")
		}
		st.Language = *in.Language
	}
	if len(locked) > 0 {
		return fmt.Errorf("%w: %s cannot change once the study is published: duplicate it to edit", ErrLocked, strings.Join(locked, ", "))
	}
	if st.FourForces {
		w := st.ForcesWording
		for name, text := range map[string]string{"push": w.Push, "pull": w.Pull, "anxiety": w.Anxiety, "habit": w.Habit} {
			if text == "" {
				set("forces_wording."+name, "is required when four forces is on")
			}
		}
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
		// Empty clears it; anything else is where a panel sends respondents.
		st.RedirectURL = strings.TrimSpace(*in.RedirectURL)
		if st.RedirectURL != "" {
			if msg := problem.Rule(st.RedirectURL, "http_url"); msg != "" {
				set("redirect_url", msg)
			}
		}
	}
	if in.TargetN != nil {
		st.TargetN = *in.TargetN
	}
	if len(fields) > 0 {
		return &problem.Validation{Fields: fields}
	}
	return nil
}

// CreateStudy makes a draft study owned by u, with the eight universal job steps.
func (s *Store) CreateStudy(ctx context.Context, u *accounts.User, in StudyInput) (*Study, error) {
	st := &Study{OwnerID: u.ID, Status: StatusDraft, MinN: 30, Language: "en", ForcesWording: DefaultForces}
	if err := in.apply(st, true); err != nil {
		return nil, err
	}
	if in.ForcesWording == nil {
		st.ForcesWording = DefaultForcesIn(st.Language)
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(st).Error; err != nil {
			return err
		}
		steps := make([]Step, len(DefaultSteps))
		for i, name := range DefaultSteps {
			steps[i] = Step{StudyID: st.ID, Name: Default(st.Language, name), Position: i}
		}
		return tx.Create(&steps).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create study: %w", err)
	}
	return st, nil
}

// UpdateStudy edits a study's settings.
func (s *Store) UpdateStudy(ctx context.Context, u *accounts.User, id int64, in StudyInput) (*Study, error) {
	var st *Study
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if st, err = lockStudy(tx, u, id); err != nil {
			return err
		}
		if err := in.apply(st, false); err != nil {
			return err
		}
		return tx.Save(st).Error
	})
	if err != nil {
		return nil, fmt.Errorf("update study %d: %w", id, err)
	}
	return st, nil
}

// CheckStudyEdit tells what UpdateStudy would refuse in, without saving
// anything, so that a form whose other inputs could not even be read still
// hears about every bad field at once.
func (s *Store) CheckStudyEdit(ctx context.Context, u *accounts.User, id int64, in StudyInput) error {
	st, err := s.Study(ctx, u, id)
	if err != nil {
		return err
	}
	return in.apply(st, false)
}

// DeleteStudy removes a study and, through foreign keys, everything in it.
// Only its owner or an admin may delete it.
func (s *Store) DeleteStudy(ctx context.Context, u *accounts.User, id int64) error {
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if !u.IsAdmin() {
		q = q.Where("owner_id = ?", u.ID)
	}
	res := q.Delete(&Study{})
	if res.Error != nil {
		return fmt.Errorf("delete study %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return problem.ErrNotFound
	}
	return nil
}

// Member is a researcher who may see and edit a study without owning it.
type Member struct {
	UserID int64  `json:"user_id"`
	Email  string `json:"email"`
}

// MemberInput names the account to add as a collaborator.
type MemberInput struct {
	Email string `json:"email"`
}

// Members lists a study's collaborators by email.
func (s *Store) Members(ctx context.Context, d *Design) ([]Member, error) {
	studyID := d.Study.ID
	members := []Member{}
	err := s.db.WithContext(ctx).Table("study_members").
		Select("users.id AS user_id, users.email").
		Joins("JOIN users ON users.id = study_members.user_id").
		Where("study_members.study_id = ?", studyID).Order("users.email").Scan(&members).Error
	if err != nil {
		return nil, fmt.Errorf("list members of study %d: %w", studyID, err)
	}
	return members, nil
}

// CanManageMembers tells whether u may add and remove st's collaborators:
// its owner and admins may, collaborators may not.
func CanManageMembers(u *accounts.User, st *Study) bool { return u.IsAdmin() || st.OwnerID == u.ID }

// managedStudy loads a study whose collaborators u may change; anyone else,
// collaborators included, gets problem.ErrNotFound, as for deleting the study.
func (s *Store) managedStudy(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	st, err := s.Study(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !CanManageMembers(u, st) {
		return nil, problem.ErrNotFound
	}
	return st, nil
}

// AddMember lets another researcher see and edit a study. Adding someone
// twice changes nothing.
func (s *Store) AddMember(ctx context.Context, u *accounts.User, studyID int64, in MemberInput) (*Member, error) {
	st, err := s.managedStudy(ctx, u, studyID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Email) == "" {
		return nil, problem.Invalid("email", "is required")
	}
	user, err := s.accounts.UserByEmail(ctx, in.Email)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, problem.Invalid("email", "no account with this email")
	}
	if err != nil {
		return nil, fmt.Errorf("add member to study %d: %w", studyID, err)
	}
	if user.ID == st.OwnerID {
		return nil, problem.Invalid("email", "owns this study already")
	}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&studyMember{StudyID: studyID, UserID: user.ID}).Error
	if err != nil {
		return nil, fmt.Errorf("add member to study %d: %w", studyID, err)
	}
	return &Member{UserID: user.ID, Email: user.Email}, nil
}

// RemoveMember takes a collaborator off a study, and revokes the share
// links they made of it: their access to its answers ends with them.
func (s *Store) RemoveMember(ctx context.Context, u *accounts.User, studyID, userID int64) error {
	if _, err := s.managedStudy(ctx, u, studyID); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("study_id = ? AND user_id = ?", studyID, userID).Delete(&studyMember{})
		if res.Error != nil {
			return fmt.Errorf("remove member %d from study %d: %w", userID, studyID, res.Error)
		}
		if res.RowsAffected == 0 {
			return problem.ErrNotFound
		}
		// The share links they made of it: what they shared stops being
		// readable when their access to it ends.
		err := tx.Table("shares").Where("created_by = ? AND study_id = ? AND revoked_at IS NULL", userID, studyID).
			Update("revoked_at", time.Now().UTC()).Error
		if err != nil {
			return fmt.Errorf("revoke share links of user %d in study %d: %w", userID, studyID, err)
		}
		return nil
	})
}

type studyMember struct {
	StudyID int64
	UserID  int64
}

func (studyMember) TableName() string { return "study_members" }

// Publish opens a draft study for responses; it needs at least one outcome,
// and its structure is locked from then on. An open study stays as it is; a
// closed one is reopened with Reopen, not published again.
func (s *Store) Publish(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	return s.transition(ctx, u, id, "publish", func(tx *gorm.DB, st *Study) error {
		switch st.Status {
		case StatusOpen:
			return nil
		case StatusClosed:
			return fmt.Errorf("%w: the study is closed: reopen it to take responses again", problem.ErrConflict)
		}
		var n int64
		if err := tx.Model(&Outcome{}).Where("study_id = ?", st.ID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return problem.Invalid("outcomes", "add at least one outcome before publishing")
		}
		now := s.db.NowFunc()
		slug := newSlug()
		st.Status, st.Slug, st.PublishedAt = StatusOpen, &slug, &now
		return tx.Save(st).Error
	})
}

// Reopen takes responses again on a closed study, under the same link.
func (s *Store) Reopen(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	return s.transition(ctx, u, id, "reopen", func(tx *gorm.DB, st *Study) error {
		if st.Status != StatusClosed {
			return fmt.Errorf("%w: only a closed study can be reopened, and this one is %s", problem.ErrConflict, st.Status)
		}
		st.Status, st.ClosedAt = StatusOpen, nil
		return tx.Save(st).Error
	})
}

// CloseStudy stops new submissions; Reopen takes them again.
func (s *Store) CloseStudy(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	return s.transition(ctx, u, id, "close", func(tx *gorm.DB, st *Study) error {
		switch st.Status {
		case StatusDraft:
			return fmt.Errorf("%w: a draft study is not open", problem.ErrConflict)
		case StatusClosed:
			return nil
		}
		now := s.db.NowFunc()
		st.Status, st.ClosedAt = StatusClosed, &now
		return tx.Save(st).Error
	})
}

// transition runs one step of a study's lifecycle on the locked study row.
func (s *Store) transition(ctx context.Context, u *accounts.User, id int64, what string, fn func(tx *gorm.DB, st *Study) error) (*Study, error) {
	var st *Study
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if st, err = lockStudy(tx, u, id); err != nil {
			return err
		}
		return fn(tx, st)
	})
	if err != nil {
		return nil, fmt.Errorf("%s study %d: %w", what, id, err)
	}
	return st, nil
}

// Duplicate copies a study's settings, steps, outcomes and questions into a new
// draft owned by u, to edit a published study's structure.
func (s *Store) Duplicate(ctx context.Context, u *accounts.User, id int64) (*Study, error) {
	d, err := s.studyDesign(ctx, u, id)
	if err != nil {
		return nil, err
	}
	// Only a study stored before the cap can hold more outcomes than it.
	if n := len(d.Outcomes); n > MaxOutcomes {
		return nil, problem.Invalid("outcomes", fmt.Sprintf("this study has %d outcomes; a study holds at most %d, so a copy would be refused: export it and import the outcomes to keep in a new study", n, MaxOutcomes))
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
