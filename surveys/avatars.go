package surveys

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"odi/surveys/problem"
)

// Avatars: a study may ask several customer roles, the four avatars of the
// method (the job executor, the job beneficiary, product lifecycle support,
// the purchase decision-maker) or its own. The roles are the options of one
// single-choice profile question, Study.RoleQuestion; an outcome asked of
// some roles only lists them in Outcome.Roles. The survey shows each
// respondent the outcomes of their role (fieldwork/flow.go), and results
// count each outcome over the respondents it was asked of.

// roleTemplate is the question template whose options are the four avatars;
// adding it to a study without a role question makes it the role question.
const roleTemplate = "role"

// roleOptions are the options of st's role question, nil when it has none.
// A role question that is missing or not single choice is named as
// role_question.
func roleOptions(tx *gorm.DB, st *Study) ([]string, error) {
	if st.RoleQuestion == "" {
		return nil, nil
	}
	var q Question
	err := tx.Where("study_id = ? AND key = ?", st.ID, st.RoleQuestion).Take(&q).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, problem.Invalid("role_question", fmt.Sprintf("no profile question of this study has the key %q", st.RoleQuestion))
	case err != nil:
		return nil, err
	case q.Kind != KindSingle:
		return nil, problem.Invalid("role_question", fmt.Sprintf("%s is a %s question; the role question must be single choice (one role a respondent)", q.Key, q.Kind))
	}
	return q.Options, nil
}

// checkRoles names, as field, each of roles that is not one of options, and
// returns the roles trimmed, each once, in the options' order; nil options
// (no role question) refuse any role.
func checkRoles(roles, options []string, field string, fields *problem.List) []string {
	out := []string{}
	if len(roles) > 0 && options == nil {
		fields.Add(field, "the study has no role question (role_question): set it before routing outcomes to roles")
		return out
	}
	for _, r := range roles {
		r = strings.TrimSpace(r)
		if !slices.Contains(options, r) {
			fields.Add(field, fmt.Sprintf("%q is not an option of the role question", r))
		} else if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return slices.Index(options, a) - slices.Index(options, b) })
	return out
}

// checkRoleSetup checks st's role question and every outcome's roles
// against it, once something they depend on changed (the role question
// named, edited or removed): a study whose outcomes name roles its role
// question lacks is refused, naming role_question or outcomes[i].roles (i
// in survey order).
func checkRoleSetup(tx *gorm.DB, st *Study) error {
	options, err := roleOptions(tx, st)
	if err != nil {
		return err
	}
	var outcomes []Outcome
	if err := tx.Where("study_id = ?", st.ID).Find(&outcomes).Error; err != nil {
		return err
	}
	d := &Design{Study: *st, Outcomes: outcomes}
	if err := tx.Where("study_id = ?", st.ID).Order("position, id").Find(&d.Steps).Error; err != nil {
		return err
	}
	sortOutcomes(d)
	var fields problem.List
	for i, o := range d.Outcomes {
		checkRoles(o.Roles, options, fmt.Sprintf("outcomes[%d].roles", i), &fields)
	}
	return fields.Err()
}

// setRoleQuestion checks the role question st names now against its
// outcomes' roles; naming none clears every outcome's roles, since they
// were options of the question no longer named.
func setRoleQuestion(tx *gorm.DB, st *Study) error {
	if st.RoleQuestion == "" {
		return tx.Model(&Outcome{}).Where("study_id = ?", st.ID).Update("roles", "[]").Error
	}
	return checkRoleSetup(tx, st)
}
