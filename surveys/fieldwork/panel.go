package fieldwork

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"odi/surveys"
	"odi/surveys/problem"
)

// Respondents sent by a panel: the open link carries their panel id and the
// study's URL fields, which the response keeps from its first submission;
// each panel id finishes the survey once, and a finished response goes to
// the study's end URL for its outcome (surveys/panels.go).

// ErrPanelFinished refuses a second finish by a panel id.
var ErrPanelFinished = fmt.Errorf("%w: this panel id has already finished this survey", problem.ErrConflict)

// panelLink is what a form needs of a study's panel settings.
type panelLink struct {
	fields []string
	ends   surveys.EndURLs
}

// applyPanel takes a new response's panel id and URL fields from in.
func (f *form) applyPanel(in *Submission, r *surveys.Response, fields *problem.List) {
	if in.PanelID != "" {
		if msg := panelValue(in.PanelID); msg != "" {
			fields.Add("panel_id", msg)
		} else if r.ExternalID == "" {
			r.ExternalID = in.PanelID
		}
	}
	r.URLFields = make(map[string]string, len(in.URLFields))
	var stray strays
	for name, v := range in.URLFields {
		switch {
		case !slices.Contains(f.panel.fields, name):
			stray.add(name)
		case panelValue(v) != "":
			fields.Add("url_fields."+name, panelValue(v))
		case v != "":
			r.URLFields[name] = v
		}
	}
	stray.report(fields, "url_fields", "is not a URL field of this survey", "keys that are not URL fields of this survey")
}

// maxPanelValue is how many bytes of a panel id or a URL field's value a
// response keeps.
const maxPanelValue = 200

// panelValue says what is wrong with a panel id or URL field value, or "".
func panelValue(v string) string {
	if len(v) > maxPanelValue || !utf8.ValidString(v) {
		return fmt.Sprintf("must be at most %d characters of text", maxPanelValue)
	}
	return ""
}

// finishOnce refuses to finish r when another response of the study with
// its panel id has finished. On PostgreSQL the study's row is locked until
// the batch commits, so two instances finishing one panel id take turns.
func finishOnce(tx *gorm.DB, r *surveys.Response) error {
	if r.ExternalID == "" || r.Status == surveys.InProgress {
		return nil
	}
	if tx.Dialector.Name() == "postgres" {
		var id int64
		if err := tx.Table("studies").Select("id").Where("id = ?", r.StudyID).
			Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).Take(&id).Error; err != nil {
			return err
		}
	}
	var n int64
	err := tx.Model(&surveys.Response{}).Where("study_id = ? AND external_id = ? AND status <> ? AND respondent_id <> ?",
		r.StudyID, r.ExternalID, surveys.InProgress, r.RespondentID).Limit(1).Count(&n).Error
	if err != nil {
		return fmt.Errorf("look up panel id: %w", err)
	}
	if n > 0 {
		return ErrPanelFinished
	}
	return nil
}

// byPanel is the response of the study behind f that panel id started: a
// finished one if there is one, else the newest in progress; nil for none.
func (s *Store) byPanel(ctx context.Context, f *form, panelID string) (*surveys.Response, error) {
	var r surveys.Response
	err := s.db.WithContext(ctx).Where("study_id = ? AND external_id = ?", f.studyID, panelID).
		Order(clause.Expr{SQL: "CASE WHEN status = ? THEN 1 ELSE 0 END, id DESC", Vars: []any{surveys.InProgress}}).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up panel id in study %d: %w", f.studyID, err)
	}
	return &r, nil
}

// continuePanel answers a new submission whose panel id has a response
// already: the same submission again gets its first result; a finished one
// is refused with ErrPanelFinished; one in progress is continued with in's
// answers, as its resume link would. ok is false when the panel id is new.
func (s *Store) continuePanel(ctx context.Context, f *form, slug string, in *Submission) (*SubmitResult, bool, error) {
	prev, err := s.byPanel(ctx, f, in.PanelID)
	switch {
	case err != nil:
		return nil, true, err
	case prev == nil:
		return nil, false, nil
	case prev.SubmissionID != nil && *prev.SubmissionID == in.SubmissionID:
		res, err := s.result(ctx, f, prev, "")
		return res, true, err
	case prev.Status != surveys.InProgress:
		return nil, true, ErrPanelFinished
	}
	token, err := s.resumeToken(ctx, f.studyID, prev.RespondentID)
	if err != nil {
		return nil, true, err
	}
	in.PanelID, in.URLFields = "", nil // the response keeps what it started with
	res, err := s.Update(ctx, slug, token, *in)
	return res, true, err
}

// PanelResponse tells what a panel id has in the survey behind slug: the
// resume token of its response in progress, or finished = true; both empty
// for a panel id not seen yet.
func (s *Store) PanelResponse(ctx context.Context, slug, panelID string) (token string, finished bool, err error) {
	if panelID == "" || panelValue(panelID) != "" {
		return "", false, nil
	}
	f, err := s.form(ctx, slug)
	if err != nil {
		return "", false, err
	}
	r, err := s.byPanel(ctx, f, panelID)
	if err != nil || r == nil {
		return "", false, err
	}
	if r.Status != surveys.InProgress {
		return "", true, nil
	}
	token, err = s.resumeToken(ctx, f.studyID, r.RespondentID)
	return token, false, err
}
