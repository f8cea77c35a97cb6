package surveys

import (
	"context"
	"fmt"

	"odi/surveys/statement"
)

// Linted is a statement's parts and the lint rules it breaks.
type Linted struct {
	Parsed statement.Parsed  `json:"parsed"`
	Lint   []statement.Issue `json:"lint"`
}

// LintDraft parses and lints a statement that is not saved yet, against the
// study's stored outcomes, so the editor can warn while someone types. except
// names the outcome being edited (0 for a new one): it is not its own duplicate.
func (s *Store) LintDraft(ctx context.Context, u *User, studyID int64, stmt string, except int64) (*Linted, error) {
	st, err := s.Study(ctx, u, studyID)
	if err != nil {
		return nil, err
	}
	var others []string
	if err := s.db.WithContext(ctx).Model(&Outcome{}).Where("study_id = ? AND id <> ?", st.ID, except).
		Order("id").Pluck("statement", &others).Error; err != nil {
		return nil, fmt.Errorf("lint statement for study %d: %w", studyID, err)
	}
	stmt = normaliseSpace(stmt)
	out := &Linted{Parsed: statement.Parse(stmt), Lint: statement.Lint(stmt, others)}
	if out.Lint == nil {
		out.Lint = []statement.Issue{} // a client reads an empty list, not null
	}
	return out, nil
}
