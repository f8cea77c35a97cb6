package surveys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

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

// codePattern is what an outcome code looks like; codeRule says so to
// whoever typed another.
var codePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,15}$`)

const codeRule = "must start with a letter and hold only letters, digits and underscores (at most 16)"

// OutcomeInput adds or edits an outcome. Step names a step of the study.
type OutcomeInput struct {
	Statement *string `json:"statement" validate:"omitempty,max=1000"`
	Code      *string `json:"code" validate:"omitempty,max=16"`
	Step      *string `json:"step" validate:"omitempty,max=100"`
	Position  *int    `json:"position" validate:"omitempty,gte=0"`
	// Roles asks the outcome of these options of the role question only;
	// [] asks it of every role.
	Roles *[]string `json:"roles" validate:"omitempty,max=50,dive,max=200"`
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
	options, err := roleOptions(tx, st)
	if err != nil {
		return nil, err
	}
	var fields problem.List
	rows := make([]Outcome, len(ins))
	for i, in := range ins {
		// A row's fields are named after the row ("rows[3].code", "row 5").
		set := func(field, msg string) { fields.Add(name(i, field), msg) }
		var row problem.List
		if err := row.Merge(problem.Check(in)); err != nil {
			return nil, err
		}
		for f, m := range row {
			set(f, m)
		}
		o := Outcome{StudyID: st.ID, Roles: []string{}}
		if in.Roles != nil {
			var roles problem.List
			o.Roles = checkRoles(*in.Roles, options, name(i, "roles"), &roles)
			for f, m := range roles {
				fields.Add(f, m)
			}
		}
		if in.Statement == nil || strings.TrimSpace(*in.Statement) == "" {
			set("statement", "is required")
		} else {
			o.Statement = normaliseSpace(*in.Statement)
		}
		if in.Code != nil && strings.TrimSpace(*in.Code) != "" {
			o.Code = strings.TrimSpace(*in.Code)
			switch {
			case !codePattern.MatchString(o.Code):
				set("code", codeRule)
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
		return nil, fields.Err()
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
// or to a position within its step. Every bad field is reported at once. A
// published study's outcome may only be reworded (its code, step and place
// stay), and the rewording goes in the change log.
func (s *Store) UpdateOutcome(ctx context.Context, u *accounts.User, studyID, outcomeID int64, in OutcomeInput) (*Outcome, error) {
	var fields problem.List
	if err := fields.Merge(problem.Check(in)); err != nil {
		return nil, err
	}
	err := s.editWording(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		var o Outcome
		if err := tx.Where("study_id = ? AND id = ?", st.ID, outcomeID).First(&o).Error; err != nil {
			return notFound(err)
		}
		if st.Status != StatusDraft {
			return reword(tx, st, u, &o, in)
		}
		if in.Statement != nil {
			if strings.TrimSpace(*in.Statement) == "" {
				fields.Add("statement", "is required")
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
				fields.Add("code", codeRule)
			case n > 0:
				fields.Add("code", code+" is already used by another outcome")
			}
			o.Code = code
		}
		if in.Step != nil {
			var step Step
			err := tx.Where("study_id = ? AND LOWER(name) = LOWER(?)", st.ID, strings.TrimSpace(*in.Step)).First(&step).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				fields.Add("step", fmt.Sprintf("no step named %q in this study", strings.TrimSpace(*in.Step)))
			case err != nil:
				return err
			case o.StepID == nil || *o.StepID != step.ID:
				o.StepID = &step.ID
				o.Position = 1 << 30 // the end of its new step; renumbered below
			}
		}
		if in.Roles != nil {
			options, err := roleOptions(tx, st)
			if err != nil {
				return err
			}
			o.Roles = checkRoles(*in.Roles, options, "roles", &fields)
		}
		if len(fields) > 0 {
			return fields.Err()
		}
		roles, err := json.Marshal(o.Roles) // a map's values skip the column's serializer
		if err != nil {
			return err
		}
		if err := tx.Model(&Outcome{}).Where("id = ?", o.ID).
			Updates(map[string]any{"statement": o.Statement, "code": o.Code, "step_id": o.StepID, "position": o.Position, "roles": string(roles)}).Error; err != nil {
			return err
		}
		return renumber(tx, st.ID, o.StepID, o.ID, in.Position)
	})
	if err != nil {
		return nil, fmt.Errorf("update outcome %d: %w", outcomeID, err)
	}
	return s.outcome(ctx, u, studyID, outcomeID)
}

// reword changes only the statement of a published study's outcome o, and
// keeps the change in the log; anything else in would change the structure
// respondents have answered.
func reword(tx *gorm.DB, st *Study, u *accounts.User, o *Outcome, in OutcomeInput) error {
	step, err := stepNameOf(tx, o.StepID)
	if err != nil {
		return err
	}
	sameStep := in.Step == nil || strings.EqualFold(strings.TrimSpace(*in.Step), step)
	sameRoles := in.Roles == nil || slices.Equal(*in.Roles, o.Roles)
	if (in.Code != nil && strings.TrimSpace(*in.Code) != o.Code) || !sameStep || in.Position != nil || !sameRoles {
		return fmt.Errorf("%w: only an outcome's wording can change once the study is published; duplicate it to change codes, steps, roles or order", ErrLocked)
	}
	if in.Statement == nil {
		return nil
	}
	now := normaliseSpace(*in.Statement)
	if now == "" {
		return problem.Invalid("statement", "is required")
	}
	if err := tx.Model(&Outcome{}).Where("id = ?", o.ID).Update("statement", now).Error; err != nil {
		return err
	}
	return logWording(tx, st, u, "outcome "+o.Code, o.Statement, now)
}

// stepNameOf is the name of the step stepID, "" for none.
func stepNameOf(tx *gorm.DB, stepID *int64) (string, error) {
	var name string
	if stepID == nil {
		return "", nil
	}
	err := tx.Model(&Step{}).Where("id = ?", *stepID).Select("name").Take(&name).Error
	return name, err
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
		return deleteOne(tx, &Outcome{}, "study_id = ? AND id = ?", st.ID, outcomeID)
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
