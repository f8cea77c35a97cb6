package surveys

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"odi/surveys/accounts"
	"odi/surveys/changelog"
	"odi/surveys/problem"
	"odi/surveys/statement"
)

// defaultSteps are the universal job steps every new study starts with.
var defaultSteps = []string{"Define", "Locate", "Prepare", "Confirm", "Execute", "Monitor", "Modify", "Conclude"}

// Step is a stage of the job map; it groups outcomes.
type Step struct {
	ID       int64  `json:"id"`
	StudyID  int64  `json:"-"`
	Name     string `json:"name"`
	Title    string `json:"title"` // what respondents read; "" for the default (fieldwork/survey.go)
	Position int    `json:"position"`
}

// Outcome is one desired-outcome statement of a study.
type Outcome struct {
	ID        int64  `json:"id"`
	StudyID   int64  `json:"-"`
	StepID    *int64 `json:"step_id"`
	Step      string `json:"step" gorm:"-"`
	Code      string `json:"code"`
	Statement string `json:"statement"`
	Position  int    `json:"position"`
	Slot      int    `json:"-"`
	// Ask is which ratings the survey asks: "both", or only "importance"
	// or "satisfaction" (a typing survey's outcomes, results/typingsurvey.go).
	Ask string `json:"ask" gorm:"default:both"`
	// Roles are the options of the study's role question this outcome is
	// asked of; [] asks it of every role (avatars.go).
	Roles  []string          `json:"roles" gorm:"serializer:json;default:[]"`
	Parsed statement.Parsed  `json:"parsed" gorm:"-"`
	Lint   []statement.Issue `json:"lint" gorm:"-"`
}

// Design is a study with everything a respondent will be asked.
type Design struct {
	Study     Study      `json:"study"`
	Steps     []Step     `json:"steps"`
	Outcomes  []Outcome  `json:"outcomes"` // in survey order: by step position, then position
	Questions []Question `json:"questions"`
	Linted    bool       `json:"-"` // the outcomes carry their lint, as only Store.Design's do
}

// Design loads a study's full structure as its researchers edit it, with
// every outcome parsed and linted.
func (s *Store) Design(ctx context.Context, u *accounts.User, id int64) (*Design, error) {
	st, err := s.Study(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d, err := s.DesignOf(ctx, st)
	if err != nil {
		return nil, err
	}
	s.lint(d)
	return d, nil
}

// DesignOf is the design of a study already found, without lint: what its
// respondents are asked.
func (s *Store) DesignOf(ctx context.Context, st *Study) (*Design, error) {
	return s.design(s.db.WithContext(ctx), st)
}

// design loads a study's structure, every outcome parsed but not linted:
// lint is for the researchers writing the statements, and the pages anyone
// with a link may open (the survey, a share link's report) must never pay
// for it.
func (s *Store) design(tx *gorm.DB, st *Study) (*Design, error) {
	d := &Design{Study: *st}
	if err := tx.Where("study_id = ?", st.ID).Order("position, id").Find(&d.Steps).Error; err != nil {
		return nil, fmt.Errorf("load steps of study %d: %w", st.ID, err)
	}
	if err := tx.Where("study_id = ?", st.ID).Find(&d.Outcomes).Error; err != nil {
		return nil, fmt.Errorf("load outcomes of study %d: %w", st.ID, err)
	}
	if err := tx.Where("study_id = ?", st.ID).Order("position, id").Find(&d.Questions).Error; err != nil {
		return nil, fmt.Errorf("load questions of study %d: %w", st.ID, err)
	}
	sortOutcomes(d)
	for i := range d.Outcomes {
		d.Outcomes[i].Parsed = statement.Parse(d.Outcomes[i].Statement)
	}
	return d, nil
}

// sortOutcomes puts d's outcomes in survey order, by step position, then
// position (outcomes without a step last), and names each one's step.
func sortOutcomes(d *Design) {
	stepPos := make(map[int64]int, len(d.Steps))
	stepName := make(map[int64]string, len(d.Steps))
	for i, sp := range d.Steps {
		stepPos[sp.ID], stepName[sp.ID] = i, sp.Name
	}
	order := func(o Outcome) int {
		if o.StepID == nil {
			return len(d.Steps)
		}
		return stepPos[*o.StepID]
	}
	slices.SortStableFunc(d.Outcomes, func(a, b Outcome) int {
		if c := order(a) - order(b); c != 0 {
			return c
		}
		if c := a.Position - b.Position; c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	for i := range d.Outcomes {
		o := &d.Outcomes[i]
		if o.StepID != nil {
			o.Step = stepName[*o.StepID]
		}
		if o.Roles == nil {
			o.Roles = []string{} // one written without roles, as a typing survey's
		}
	}
}

// Pages splits the outcomes into the survey's pages of ratings: one per run
// of outcomes of one job step, as the respondent reads the step's name.
func (d *Design) Pages() [][]Outcome {
	var pages [][]Outcome
	step := func(o Outcome) string { return Default(d.Study.Language, o.Step) }
	start := 0
	for i := range d.Outcomes {
		if i+1 == len(d.Outcomes) || step(d.Outcomes[i+1]) != step(d.Outcomes[i]) {
			pages = append(pages, d.Outcomes[start:i+1])
			start = i + 1
		}
	}
	return pages
}

// editDesign runs fn in a transaction on a draft study that u may see; a
// published study's structure answers ErrLocked. The study row stays locked
// until the transaction ends, so edits of one study take turns: two outcomes
// added at once get different codes. Should a unique index still refuse a
// write (a code typed at the same moment by someone else), that is a conflict
// to try again, not a failure.
func (s *Store) editDesign(ctx context.Context, u *accounts.User, studyID int64, fn func(tx *gorm.DB, st *Study) error) error {
	return s.edit(ctx, u, studyID, false, fn)
}

// editWording is editDesign for an edit that may only reword a published
// study: fn is given the study whatever its status, must refuse (ErrLocked)
// what would change a published study's structure, and records each
// rewording in the change log (logWording).
func (s *Store) editWording(ctx context.Context, u *accounts.User, studyID int64, fn func(tx *gorm.DB, st *Study) error) error {
	return s.edit(ctx, u, studyID, true, fn)
}

func (s *Store) edit(ctx context.Context, u *accounts.User, studyID int64, wording bool, fn func(tx *gorm.DB, st *Study) error) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := lockStudy(tx, u, studyID)
		if err != nil {
			return err
		}
		if st.Status != StatusDraft && !wording {
			return ErrLocked
		}
		if err := fn(tx, st); err != nil {
			return err
		}
		return tx.Model(&Study{}).Where("id = ?", st.ID).Update("updated_at", s.db.NowFunc()).Error
	})
	if s.isDuplicate(err) {
		return fmt.Errorf("%w: someone else saved the same code, name or key in this study at the same moment; reload and try again", problem.ErrConflict)
	}
	return err
}

// logWording records, on a published study, that what was reworded from old
// to now by u; a draft's edits need no record, nor does an edit that leaves
// the text as it was.
func logWording(tx *gorm.DB, st *Study, u *accounts.User, what, old, now string) error {
	if st.Status == StatusDraft || old == now {
		return nil
	}
	return changelog.Record(tx, changelog.Change{StudyID: st.ID, UserEmail: u.Email, What: what, OldText: old, NewText: now})
}

// deleteOne deletes the one row of a study's design that where names (a
// step, an outcome, a question); a row that is not there is ErrNotFound.
func deleteOne(tx *gorm.DB, row any, where string, args ...any) error {
	return problem.OneRow(tx.Where(where, args...).Delete(row), "delete %T", row)
}

// isDuplicate tells whether err, or an error it wraps, is a unique index
// refusing a write, in either database's words.
func (s *Store) isDuplicate(err error) bool {
	t, ok := s.db.Dialector.(gorm.ErrorTranslator)
	if !ok {
		return false
	}
	for ; err != nil; err = errors.Unwrap(err) {
		if errors.Is(t.Translate(err), gorm.ErrDuplicatedKey) {
			return true
		}
	}
	return false
}
