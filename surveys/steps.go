package surveys

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// StepInput adds or renames a step, titles it for respondents, or moves it
// to a position (0-based).
type StepInput struct {
	Name     *string `json:"name" validate:"omitempty,max=100"`
	Title    *string `json:"title" validate:"omitempty,max=100"`
	Position *int    `json:"position" validate:"omitempty,gte=0"`
}

// check trims a step's name and reports every bad field; a new step needs
// a name.
func (in *StepInput) check(adding bool) error {
	var fields problem.List
	if err := fields.Merge(problem.Check(*in)); err != nil {
		return err
	}
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
	}
	if in.Title != nil {
		*in.Title = strings.TrimSpace(*in.Title)
	}
	if (in.Name == nil && adding) || (in.Name != nil && *in.Name == "") {
		fields.Add("name", "is required")
	}
	if len(fields) > 0 {
		return fields.Err()
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
		if in.Title != nil {
			step.Title = *in.Title
		}
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
		if in.Title != nil {
			steps[at].Title = *in.Title
		}
		if in.Position != nil {
			steps = move(steps, at, *in.Position)
		}
		for i := range steps {
			steps[i].Position = i
			if err := tx.Model(&Step{}).Where("id = ?", steps[i].ID).
				Updates(map[string]any{"name": steps[i].Name, "title": steps[i].Title, "position": i}).Error; err != nil {
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
		return deleteOne(tx, &Step{}, "study_id = ? AND id = ?", st.ID, stepID)
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
