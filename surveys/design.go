package surveys

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"odi/surveys/accounts"
	"odi/surveys/problem"
	"odi/surveys/statement"
)

// DefaultSteps are the universal job steps every new study starts with.
var DefaultSteps = []string{"Define", "Locate", "Prepare", "Confirm", "Execute", "Monitor", "Modify", "Conclude"}

// Step is a stage of the job map; it groups outcomes.
type Step struct {
	ID       int64  `json:"id"`
	StudyID  int64  `json:"-"`
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// Outcome is one desired-outcome statement of a study.
type Outcome struct {
	ID        int64             `json:"id"`
	StudyID   int64             `json:"-"`
	StepID    *int64            `json:"step_id"`
	Step      string            `json:"step" gorm:"-"`
	Code      string            `json:"code"`
	Statement string            `json:"statement"`
	Position  int               `json:"position"`
	Slot      int               `json:"-"`
	Parsed    statement.Parsed  `json:"parsed" gorm:"-"`
	Lint      []statement.Issue `json:"lint" gorm:"-"`
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
	d, err := s.studyDesign(ctx, u, id)
	if err != nil {
		return nil, err
	}
	s.lint(d)
	return d, nil
}

// studyDesign is Design without the lint, for everything that reads the
// structure only: analysis, exports, the survey, share links.
func (s *Store) studyDesign(ctx context.Context, u *accounts.User, id int64) (*Design, error) {
	st, err := s.Study(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return s.design(s.db.WithContext(ctx), st)
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
	stepPos := make(map[int64]int, len(d.Steps))
	stepName := make(map[int64]string, len(d.Steps))
	for i, sp := range d.Steps {
		stepPos[sp.ID], stepName[sp.ID] = i, sp.Name
	}
	// Outcomes without a step come last.
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
		o.Parsed = statement.Parse(o.Statement)
	}
	return d, nil
}

// editDesign runs fn in a transaction on a draft study that u may see; a
// published study's structure answers ErrLocked. The study row stays locked
// until the transaction ends, so edits of one study take turns: two outcomes
// added at once get different codes. Should a unique index still refuse a
// write (a code typed at the same moment by someone else), that is a conflict
// to try again, not a failure.
func (s *Store) editDesign(ctx context.Context, u *accounts.User, studyID int64, fn func(tx *gorm.DB, st *Study) error) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := lockStudy(tx, u, studyID)
		if err != nil {
			return err
		}
		if st.Status != StatusDraft {
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

// StepInput adds or renames a step, or moves it to a position (0-based).
type StepInput struct {
	Name     *string `json:"name" validate:"omitempty,min=1,max=100"`
	Position *int    `json:"position" validate:"omitempty,gte=0"`
}

// check trims a step's name and reports every bad field; a new step needs
// a name.
func (in *StepInput) check(adding bool) error {
	fields := map[string]string{}
	if err := problem.Check(*in); err != nil {
		var ve *problem.Validation
		if !errors.As(err, &ve) {
			return err
		}
		maps.Copy(fields, ve.Fields)
	}
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
	}
	if (in.Name == nil && adding) || (in.Name != nil && *in.Name == "") {
		fields["name"] = "is required"
	}
	if len(fields) > 0 {
		return &problem.Validation{Fields: fields}
	}
	return nil
}

// AddStep appends a job step.
func (s *Store) AddStep(ctx context.Context, u *accounts.User, studyID int64, in StepInput) (*Step, error) {
	if err := in.check(true); err != nil {
		return nil, err
	}
	var step Step
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		var steps []Step
		if err := tx.Where("study_id = ?", st.ID).Find(&steps).Error; err != nil {
			return err
		}
		for _, sp := range steps {
			if strings.EqualFold(sp.Name, *in.Name) {
				return problem.Invalid("name", "another step already has this name")
			}
		}
		step = Step{StudyID: st.ID, Name: *in.Name, Position: len(steps)}
		return tx.Create(&step).Error
	})
	if err != nil {
		return nil, fmt.Errorf("add step to study %d: %w", studyID, err)
	}
	return &step, nil
}

// UpdateStep renames a step and/or moves it.
func (s *Store) UpdateStep(ctx context.Context, u *accounts.User, studyID, stepID int64, in StepInput) (*Step, error) {
	if err := in.check(false); err != nil {
		return nil, err
	}
	var step Step
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		var steps []Step
		if err := tx.Where("study_id = ?", st.ID).Order("position, id").Find(&steps).Error; err != nil {
			return err
		}
		at := slices.IndexFunc(steps, func(sp Step) bool { return sp.ID == stepID })
		if at < 0 {
			return problem.ErrNotFound
		}
		if in.Name != nil {
			for _, sp := range steps {
				if sp.ID != stepID && strings.EqualFold(sp.Name, *in.Name) {
					return problem.Invalid("name", "another step already has this name")
				}
			}
			steps[at].Name = *in.Name
		}
		if in.Position != nil {
			steps = move(steps, at, *in.Position)
		}
		for i := range steps {
			steps[i].Position = i
			if err := tx.Model(&Step{}).Where("id = ?", steps[i].ID).
				Updates(map[string]any{"name": steps[i].Name, "position": i}).Error; err != nil {
				return err
			}
			if steps[i].ID == stepID {
				step = steps[i]
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update step %d: %w", stepID, err)
	}
	return &step, nil
}

// DeleteStep removes a step; its outcomes stay, without a step.
func (s *Store) DeleteStep(ctx context.Context, u *accounts.User, studyID, stepID int64) error {
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		if err := tx.Model(&Outcome{}).Where("study_id = ? AND step_id = ?", st.ID, stepID).Update("step_id", nil).Error; err != nil {
			return err
		}
		res := tx.Where("study_id = ? AND id = ?", st.ID, stepID).Delete(&Step{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return problem.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete step %d: %w", stepID, err)
	}
	return nil
}

// move returns xs with the element at from moved to index to (clamped).
func move[T any](xs []T, from, to int) []T {
	to = max(0, min(to, len(xs)-1))
	x := xs[from]
	xs = slices.Delete(xs, from, from+1)
	return slices.Insert(xs, to, x)
}

// MaxOutcomes is the most outcomes a study holds. ODI studies have 50 to
// 150; a respondent rates each twice, so a thousand is already far past what
// anyone answers, and the cap bounds the work of every page of a study.
const MaxOutcomes = 1000

// outcomeLimit refuses adding outcomes to a study that has some already
// when together they pass MaxOutcomes.
func outcomeLimit(have, adding int) error {
	switch {
	case have+adding <= MaxOutcomes:
		return nil
	case adding == 1:
		return problem.Invalid("outcomes", fmt.Sprintf("this study already has %d outcomes, the most a study may hold; delete one to add another", have))
	}
	return problem.Invalid("outcomes", fmt.Sprintf("adding %d outcomes to the %d this study has would make %d; a study holds at most %d", adding, have, have+adding, MaxOutcomes))
}

var codePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,15}$`)

// OutcomeInput adds or edits an outcome. Step names a step of the study.
type OutcomeInput struct {
	Statement *string `json:"statement" validate:"omitempty,max=1000"`
	Code      *string `json:"code" validate:"omitempty,max=16"`
	Step      *string `json:"step" validate:"omitempty,max=100"`
	Position  *int    `json:"position" validate:"omitempty,gte=0"`
	// Line is the row of the file an imported outcome came from, so that an
	// error names the row a person sees in their spreadsheet.
	Line int `json:"-"`
}

// AddOutcome adds one outcome statement at the end of its step.
func (s *Store) AddOutcome(ctx context.Context, u *accounts.User, studyID int64, in OutcomeInput) (*Outcome, error) {
	var id int64
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		ids, err := addOutcomes(tx, st, []OutcomeInput{in}, func(_ int, f string) string { return f })
		if err != nil {
			return err
		}
		id = ids[0]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("add outcome to study %d: %w", studyID, err)
	}
	return s.outcome(ctx, u, studyID, id)
}

func (s *Store) outcome(ctx context.Context, u *accounts.User, studyID, outcomeID int64) (*Outcome, error) {
	d, err := s.Design(ctx, u, studyID)
	if err != nil {
		return nil, err
	}
	for _, o := range d.Outcomes {
		if o.ID == outcomeID {
			return &o, nil
		}
	}
	return nil, problem.ErrNotFound
}

// addOutcomes validates every input against the study and each other, then
// inserts them all; field names of errors come from name(i, field) so a file
// import can report "row 7 code". Nothing is written if anything is wrong.
func addOutcomes(tx *gorm.DB, st *Study, ins []OutcomeInput, name func(i int, field string) string) ([]int64, error) {
	var steps []Step
	if err := tx.Where("study_id = ?", st.ID).Order("position, id").Find(&steps).Error; err != nil {
		return nil, err
	}
	var existing []Outcome
	if err := tx.Where("study_id = ?", st.ID).Find(&existing).Error; err != nil {
		return nil, err
	}
	if err := outcomeLimit(len(existing), len(ins)); err != nil {
		return nil, err
	}
	codes := make(map[string]string, len(existing)+len(ins)) // lower-case code -> who has it
	nextPos := map[int64]int{}
	maxNum := 0
	for _, o := range existing {
		codes[strings.ToLower(o.Code)] = "another outcome"
		if o.StepID != nil && o.Position >= nextPos[*o.StepID] {
			nextPos[*o.StepID] = o.Position + 1
		}
		maxNum = max(maxNum, codeNumber(o.Code))
	}
	fields := map[string]string{}
	rows := make([]Outcome, len(ins))
	for i, in := range ins {
		set := func(field, msg string) {
			if _, ok := fields[name(i, field)]; !ok {
				fields[name(i, field)] = msg
			}
		}
		if err := problem.Check(in); err != nil {
			var ve *problem.Validation
			if !errors.As(err, &ve) {
				return nil, err
			}
			for f, m := range ve.Fields {
				set(f, m)
			}
		}
		o := Outcome{StudyID: st.ID}
		if in.Statement == nil || strings.TrimSpace(*in.Statement) == "" {
			set("statement", "is required")
		} else {
			o.Statement = normaliseSpace(*in.Statement)
		}
		if in.Code != nil && strings.TrimSpace(*in.Code) != "" {
			o.Code = strings.TrimSpace(*in.Code)
			switch {
			case !codePattern.MatchString(o.Code):
				set("code", "must start with a letter and hold only letters, digits and underscores (at most 16)")
			case codes[strings.ToLower(o.Code)] != "":
				set("code", fmt.Sprintf("%s is already used by %s", o.Code, codes[strings.ToLower(o.Code)]))
			default:
				codes[strings.ToLower(o.Code)] = name(i, "code")
				maxNum = max(maxNum, codeNumber(o.Code))
			}
		}
		if in.Step != nil && strings.TrimSpace(*in.Step) != "" {
			at := slices.IndexFunc(steps, func(sp Step) bool { return strings.EqualFold(sp.Name, strings.TrimSpace(*in.Step)) })
			if at < 0 {
				set("step", fmt.Sprintf("no step named %q in this study", strings.TrimSpace(*in.Step)))
			} else {
				o.StepID = &steps[at].ID
			}
		} else if len(steps) > 0 {
			o.StepID = &steps[0].ID
		}
		rows[i] = o
	}
	if len(fields) > 0 {
		return nil, &problem.Validation{Fields: fields}
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		o := &rows[i]
		if o.Code == "" {
			for {
				maxNum++
				o.Code = fmt.Sprintf("O%02d", maxNum)
				if codes[strings.ToLower(o.Code)] == "" {
					break
				}
			}
			codes[strings.ToLower(o.Code)] = "another outcome"
		}
		if o.StepID != nil {
			o.Position = nextPos[*o.StepID]
			nextPos[*o.StepID]++
		}
		o.Slot = st.NextSlot
		st.NextSlot++
		if err := tx.Create(o).Error; err != nil {
			return nil, err
		}
		ids[i] = o.ID
	}
	if err := tx.Model(&Study{}).Where("id = ?", st.ID).Update("next_slot", st.NextSlot).Error; err != nil {
		return nil, err
	}
	return ids, nil
}

// codeNumber is the number in a generated code ("O07" -> 7), or 0.
func codeNumber(code string) int {
	if len(code) < 2 || (code[0] != 'O' && code[0] != 'o') {
		return 0
	}
	n, err := strconv.Atoi(code[1:])
	if err != nil {
		return 0
	}
	return n
}

func normaliseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// UpdateOutcome edits an outcome's statement or code, moves it to another step
// or to a position within its step. Every bad field is reported at once.
func (s *Store) UpdateOutcome(ctx context.Context, u *accounts.User, studyID, outcomeID int64, in OutcomeInput) (*Outcome, error) {
	fields := map[string]string{}
	if err := problem.Check(in); err != nil {
		var ve *problem.Validation
		if !errors.As(err, &ve) {
			return nil, err
		}
		maps.Copy(fields, ve.Fields)
	}
	set := func(field, msg string) {
		if _, ok := fields[field]; !ok {
			fields[field] = msg
		}
	}
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		var o Outcome
		if err := tx.Where("study_id = ? AND id = ?", st.ID, outcomeID).First(&o).Error; err != nil {
			return notFound(err)
		}
		if in.Statement != nil {
			if strings.TrimSpace(*in.Statement) == "" {
				set("statement", "is required")
			}
			o.Statement = normaliseSpace(*in.Statement)
		}
		if in.Code != nil {
			code := strings.TrimSpace(*in.Code)
			var n int64
			if err := tx.Model(&Outcome{}).Where("study_id = ? AND LOWER(code) = LOWER(?) AND id <> ?", st.ID, code, o.ID).Count(&n).Error; err != nil {
				return err
			}
			switch {
			case !codePattern.MatchString(code):
				set("code", "must start with a letter and hold only letters, digits and underscores (at most 16)")
			case n > 0:
				set("code", code+" is already used by another outcome")
			}
			o.Code = code
		}
		if in.Step != nil {
			var step Step
			err := tx.Where("study_id = ? AND LOWER(name) = LOWER(?)", st.ID, strings.TrimSpace(*in.Step)).First(&step).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				set("step", fmt.Sprintf("no step named %q in this study", strings.TrimSpace(*in.Step)))
			case err != nil:
				return err
			case o.StepID == nil || *o.StepID != step.ID:
				o.StepID = &step.ID
				o.Position = 1 << 30 // the end of its new step; renumbered below
			}
		}
		if len(fields) > 0 {
			return &problem.Validation{Fields: fields}
		}
		if err := tx.Model(&Outcome{}).Where("id = ?", o.ID).
			Updates(map[string]any{"statement": o.Statement, "code": o.Code, "step_id": o.StepID, "position": o.Position}).Error; err != nil {
			return err
		}
		return renumber(tx, st.ID, o.StepID, o.ID, in.Position)
	})
	if err != nil {
		return nil, fmt.Errorf("update outcome %d: %w", outcomeID, err)
	}
	return s.outcome(ctx, u, studyID, outcomeID)
}

// renumber makes positions within a step 0..n-1, placing moved at pos if given.
func renumber(tx *gorm.DB, studyID int64, stepID *int64, moved int64, pos *int) error {
	q := tx.Where("study_id = ?", studyID)
	if stepID == nil {
		q = q.Where("step_id IS NULL")
	} else {
		q = q.Where("step_id = ?", *stepID)
	}
	var os []Outcome
	if err := q.Order("position, id").Find(&os).Error; err != nil {
		return err
	}
	if pos != nil {
		if at := slices.IndexFunc(os, func(o Outcome) bool { return o.ID == moved }); at >= 0 {
			os = move(os, at, *pos)
		}
	}
	for i, o := range os {
		if o.Position != i {
			if err := tx.Model(&Outcome{}).Where("id = ?", o.ID).Update("position", i).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteOutcome removes an outcome from a draft study.
func (s *Store) DeleteOutcome(ctx context.Context, u *accounts.User, studyID, outcomeID int64) error {
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		res := tx.Where("study_id = ? AND id = ?", st.ID, outcomeID).Delete(&Outcome{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return problem.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete outcome %d: %w", outcomeID, err)
	}
	return nil
}

// ImportOutcomes adds every row of an outcomes file, or none: one bad row
// rejects the file with every bad row and column named ("row 3: code").
func (s *Store) ImportOutcomes(ctx context.Context, u *accounts.User, studyID int64, rows []OutcomeInput) (int, error) {
	if len(rows) == 0 {
		return 0, problem.Invalid("file", "has no outcome rows")
	}
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		_, err := addOutcomes(tx, st, rows, func(i int, f string) string {
			line := rows[i].Line
			if line == 0 {
				line = i + 2 // not from a file: as if under a header row
			}
			return fmt.Sprintf("row %d: %s", line, f)
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("import outcomes into study %d: %w", studyID, err)
	}
	return len(rows), nil
}
