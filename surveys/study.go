package surveys

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"odi/surveys/accounts"
	"odi/surveys/problem"
	"odi/surveys/statement"
)

// Study statuses.
const (
	StatusDraft  = "draft"
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Where a study's responses come from: its own survey link, or a file of
// another tool's export it was made from (source import, see
// CreateImportedStudy).
const sourceSurvey = "survey"

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
	ID             int64  `json:"id"`
	OwnerID        int64  `json:"owner_id"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	Source         string `json:"source"` // sourceSurvey or SourceImport
	Job            Job    `json:"job" gorm:"embedded;embeddedPrefix:job_"`
	RespondentRole string `json:"respondent_role"`
	// RoleQuestion is the key of the single-choice profile question whose
	// options are the customer roles (avatars.go); "" for none.
	RoleQuestion    string        `json:"role_question"`
	MarketSize      *float64      `json:"market_size"`
	MinN            int           `json:"min_n"`
	FourForces      bool          `json:"four_forces"`
	ForcesWording   ForcesWording `json:"forces_wording" gorm:"serializer:json"`
	AttentionCheck  bool          `json:"attention_check"`                      // ask instructed-response items among the outcomes
	AttentionChecks int           `json:"attention_checks"`                     // how many, one per page, when asked (1 to MaxAttentionChecks)
	ExcludeFlags    []string      `json:"exclude_flags" gorm:"serializer:json"` // the quality flags that keep a response out unless decided otherwise
	Language        string        `json:"language"`
	Intro           string        `json:"intro"`
	Thanks          string        `json:"thanks"`
	PanelParam      string        `json:"panel_param"`                       // the URL parameter holding a panel's id for the respondent
	URLFields       []string      `json:"url_fields" gorm:"serializer:json"` // other URL parameters kept with each response
	EndURLs         EndURLs       `json:"end_urls" gorm:"serializer:json"`   // where each outcome ends (panels.go)
	TargetN         int           `json:"target_n"`
	Slug            *string       `json:"slug"`
	NextSlot        int           `json:"-"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	PublishedAt     *time.Time    `json:"published_at"`
	ClosedAt        *time.Time    `json:"closed_at"`
	// JobLint is the job statement's lint (statement.LintJob) for the
	// researchers: filled where a study is shown to them, [] when clean.
	JobLint []statement.Issue `json:"job_lint" gorm:"-"`
}

// BeforeSave writes a study without URL fields as [], not NULL: GORM writes
// a nil list as NULL, which the column refuses.
func (st *Study) BeforeSave(*gorm.DB) error {
	if st.URLFields == nil {
		st.URLFields = []string{}
	}
	return nil
}

// StudySummary is a row of the study list.
type StudySummary struct {
	Study
	Complete     int64      `json:"complete"` // complete responses the researcher has not excluded (before the cleaning rule)
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
			"SUM(CASE WHEN responses.status = ? AND responses.decision <> 'exclude' THEN 1 ELSE 0 END) AS complete, "+
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
		out[i].lintJob()
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
	Name            *string             `json:"name" validate:"omitempty,max=200"`
	Job             *Job                `json:"job"`
	RespondentRole  *string             `json:"respondent_role" validate:"omitempty,max=200"`
	RoleQuestion    *string             `json:"role_question" validate:"omitempty,max=40"`
	MarketSize      *float64            `json:"market_size" validate:"omitempty,gte=0"`
	MinN            *int                `json:"min_n" validate:"omitempty,gte=1,lte=100000"`
	FourForces      *bool               `json:"four_forces"`
	ForcesWording   *ForcesWordingInput `json:"forces_wording"`
	AttentionCheck  *bool               `json:"attention_check"`
	AttentionChecks *int                `json:"attention_checks" validate:"omitempty,gte=1,lte=3"`
	ExcludeFlags    *[]string           `json:"exclude_flags" validate:"omitempty,dive,oneof=straight_lining speeding failed_attention duplicate"`
	Language        *string             `json:"language" validate:"omitempty,oneof=en fr"`
	Intro           *string             `json:"intro" validate:"omitempty,max=5000"`
	Thanks          *string             `json:"thanks" validate:"omitempty,max=5000"`
	PanelParam      *string             `json:"panel_param"`
	URLFields       *[]string           `json:"url_fields"`
	EndURLs         *EndURLs            `json:"end_urls"`
	PanelPreset     *PresetInput        `json:"panel_preset"` // fills the three above from a panel's codes or base URL
	TargetN         *int                `json:"target_n" validate:"omitempty,gte=0,lte=10000000"`

	// typing is set for a typing survey, whose end URLs may use {segment}.
	typing bool
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

// setLocked gives a study's field its new value; on a published study a change
// of value is noted in locked, by the field's JSON name.
func setLocked[T comparable](field *T, v T, name string, published bool, locked *[]string) {
	if published && *field != v {
		*locked = append(*locked, name)
	}
	*field = v
}

// apply copies the set fields of in onto st and reports every bad field at
// once; a new study must be named. Changing the structure (job, language, four
// forces) of a published study is ErrLocked, because respondents have already
// answered it: sending it unchanged is fine.
func (in StudyInput) apply(st *Study, creating bool) error {
	var fields problem.List
	if err := fields.Merge(problem.Check(in)); err != nil {
		return err
	}
	published := st.Status != StatusDraft
	var locked []string
	if in.Name != nil {
		st.Name = strings.TrimSpace(*in.Name)
	}
	if (in.Name != nil || creating) && st.Name == "" {
		fields.Add("name", "is required")
	}
	if in.Job != nil {
		job := Job{When: strings.TrimSpace(in.Job.When), Want: strings.TrimSpace(in.Job.Want), SoThat: strings.TrimSpace(in.Job.SoThat)}
		setLocked(&st.Job, job, "job", published, &locked)
	}
	if in.FourForces != nil {
		setLocked(&st.FourForces, *in.FourForces, "four_forces", published, &locked)
	}
	if in.AttentionCheck != nil {
		setLocked(&st.AttentionCheck, *in.AttentionCheck, "attention_check", published, &locked)
	}
	if in.AttentionChecks != nil {
		setLocked(&st.AttentionChecks, *in.AttentionChecks, "attention_checks", published, &locked)
	}
	if in.ExcludeFlags != nil {
		// The rule is the analysis's, not the survey's: it may change at any
		// time, and every number follows it at once.
		st.ExcludeFlags = []string{} // in QualityFlagNames order, each once
		for _, f := range QualityFlagNames {
			if slices.Contains(*in.ExcludeFlags, f) {
				st.ExcludeFlags = append(st.ExcludeFlags, f)
			}
		}
	}
	if in.ForcesWording != nil {
		setLocked(&st.ForcesWording, in.ForcesWording.merge(st.ForcesWording), "forces_wording", published, &locked)
	}
	if in.Language != nil {
		setLocked(&st.Language, *in.Language, "language", published, &locked)
	}
	if in.RoleQuestion != nil {
		setLocked(&st.RoleQuestion, strings.TrimSpace(*in.RoleQuestion), "role_question", published, &locked)
	}
	if len(locked) > 0 {
		return fmt.Errorf("%w: %s cannot change once the study is published: duplicate it to edit", ErrLocked, strings.Join(locked, ", "))
	}
	if st.FourForces {
		w := st.ForcesWording
		for name, text := range map[string]string{"push": w.Push, "pull": w.Pull, "anxiety": w.Anxiety, "habit": w.Habit} {
			if text == "" {
				fields.Add("forces_wording."+name, "is required when four forces is on")
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
	if in.PanelParam != nil {
		st.PanelParam = strings.TrimSpace(*in.PanelParam)
	}
	if in.URLFields != nil {
		st.URLFields = []string{}
		for _, name := range *in.URLFields {
			if name = strings.TrimSpace(name); name != "" {
				st.URLFields = append(st.URLFields, name)
			}
		}
	}
	if in.EndURLs != nil {
		st.EndURLs = EndURLs{}
		given := in.EndURLs.each()
		for i, e := range st.EndURLs.each() {
			*e.url = strings.TrimSpace(*given[i].url)
		}
	}
	if in.PanelPreset != nil {
		in.PanelPreset.apply(st, &fields)
	}
	if in.PanelParam != nil || in.URLFields != nil || in.EndURLs != nil || in.PanelPreset != nil {
		checkPanel(st, in.typing, &fields)
	}
	if in.TargetN != nil {
		st.TargetN = *in.TargetN
	}
	if len(fields) > 0 {
		return fields.Err()
	}
	return nil
}

// CreateStudy makes a draft study owned by u, with the eight universal job steps.
func (s *Store) CreateStudy(ctx context.Context, u *accounts.User, in StudyInput) (*Study, error) {
	st := &Study{OwnerID: u.ID, Status: StatusDraft, Source: sourceSurvey, MinN: 30, Language: "en", ForcesWording: DefaultForces,
		AttentionChecks: 1, ExcludeFlags: slices.Clone(QualityFlagNames)}
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
		if err := checkRoleSetup(tx, st); err != nil {
			return err // a new study has no question to name
		}
		steps := make([]Step, len(defaultSteps))
		for i, name := range defaultSteps {
			steps[i] = Step{StudyID: st.ID, Name: Default(st.Language, name), Position: i}
		}
		return tx.Create(&steps).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create study: %w", err)
	}
	st.lintJob()
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
		if in.URLFields != nil || in.EndURLs != nil {
			// The link results/typingsurvey.go keeps: only a typing
			// survey assigns the segment an end URL may carry.
			var typing int64
			if err := tx.Table("typing_surveys").Where("study_id = ?", id).Count(&typing).Error; err != nil {
				return err
			}
			in.typing = typing > 0
		}
		if err := in.apply(st, false); err != nil {
			return err
		}
		if err := urlFieldsClash(tx, st); err != nil {
			return err
		}
		if in.RoleQuestion != nil {
			if err := setRoleQuestion(tx, st); err != nil {
				return err
			}
		}
		return tx.Save(st).Error
	})
	if err != nil {
		return nil, fmt.Errorf("update study %d: %w", id, err)
	}
	st.lintJob()
	return st, nil
}

// urlFieldsClash refuses URL fields named like one of the study's profile
// questions: both are columns of responses.csv, which could hold only one.
func urlFieldsClash(tx *gorm.DB, st *Study) error {
	if len(st.URLFields) == 0 {
		return nil
	}
	var keys []string
	if err := tx.Model(&Question{}).Where("study_id = ? AND key IN ?", st.ID, st.URLFields).Pluck("key", &keys).Error; err != nil {
		return err
	}
	var fields problem.List
	for i, name := range st.URLFields {
		if slices.Contains(keys, name) {
			fields.Add(fmt.Sprintf("url_fields[%d]", i), "is the key of a profile question: its column in responses.csv would clash")
		}
	}
	return fields.Err()
}

// CheckStudyEdit tells what UpdateStudy would refuse in on study d, without
// saving anything, so that a form whose other inputs could not even be read
// still hears about every bad field at once. It applies in to a copy of d's
// study: the form shown again with the errors still draws d as saved.
func (s *Store) CheckStudyEdit(ctx context.Context, d *Design, in StudyInput) error {
	st := d.Study
	var fields problem.List
	if err := fields.Merge(in.apply(&st, false)); err != nil {
		return err
	}
	if in.RoleQuestion != nil && st.RoleQuestion != "" {
		if err := fields.Merge(checkRoleSetup(s.db.WithContext(ctx), &st)); err != nil {
			return err
		}
	}
	return fields.Err()
}

// DeleteStudy removes a study and, through foreign keys, everything in it.
// Only its owner or an admin may delete it.
func (s *Store) DeleteStudy(ctx context.Context, u *accounts.User, id int64) error {
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if !u.IsAdmin() {
		q = q.Where("owner_id = ?", u.ID)
	}
	return problem.OneRow(q.Delete(&Study{}), "delete study %d", id)
}
