package results

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/cluster"
	"odi/surveys/problem"
)

// A typing survey puts a saved segmentation's typing tool to work: a short
// published study that asks only the tool's items, in the study's wording
// and language, and assigns each respondent who completes it a segment
// (docs/api.md, "Typing survey").

// TypingSurvey links a typing survey (a study) to the classifier that
// assigns its respondents: the typing tool and the segments' labels as they
// were when the survey was made, its items in the survey's own outcome
// slots. A snapshot, so that refitting the segmentation's tool later does
// not move anyone who answered already.
type TypingSurvey struct {
	StudyID        int64              `gorm:"primaryKey;autoIncrement:false"`
	SegmentationID *int64             // nil once the segmentation or its study is deleted
	Labels         []string           `gorm:"serializer:json"`
	Tool           cluster.TypingTool `gorm:"serializer:json"`
	CreatedAt      time.Time
}

// Segment is the segment (its id, such as "s2", and label) the survey's
// classifier assigns to ratings; "" when they answer none of its items.
func (ts *TypingSurvey) Segment(ratings []byte) (id, label string) {
	x := make([]float64, len(ts.Tool.Items))
	answered := false
	for a, it := range ts.Tool.Items {
		x[a] = math.NaN()
		if i := 2*it.Slot + it.Scale; i < len(ratings) && ratings[i] >= 1 && ratings[i] <= 5 {
			x[a], answered = float64(ratings[i]), true
		}
	}
	if !answered {
		return "", ""
	}
	seg, _ := ts.Tool.Classify(x)
	if seg < 0 || seg >= len(ts.Labels) {
		return "", ""
	}
	return SegmentID(seg), ts.Labels[seg]
}

// TypingSurveyOf is the typing survey link of a study; nil when the study is
// no typing survey.
func TypingSurveyOf(ctx context.Context, db *gorm.DB, studyID int64) (*TypingSurvey, error) {
	var ts TypingSurvey
	err := db.WithContext(ctx).Where("study_id = ?", studyID).Take(&ts).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("typing survey of study %d: %w", studyID, err)
	}
	return &ts, nil
}

// CreateTypingSurvey makes and publishes, owned by u, the typing survey of
// the saved segmentation key of d's study: one page of the tool's items,
// each outcome asking importance, satisfaction or both as the items do.
// A segmentation without a typing tool is a conflict: the tool comes first.
func (s *Store) CreateTypingSurvey(ctx context.Context, u *accounts.User, d *surveys.Design, key string) (*surveys.Study, error) {
	sg, err := s.savedSegmentation(ctx, d, key)
	if err != nil {
		return nil, err
	}
	if sg.TypingTool == nil || len(sg.TypingTool.Items) == 0 {
		return nil, fmt.Errorf("%w: segmentation %q has no typing tool yet: fit one first", problem.ErrConflict, key)
	}
	tool := *sg.TypingTool
	tool.Items = append([]cluster.TypingItem(nil), tool.Items...)
	// The outcomes asked, in the study's survey order, each in a slot of
	// the new study's own.
	asked := map[int][2]bool{}
	for _, it := range tool.Items {
		a := asked[it.Slot]
		a[it.Scale] = true
		asked[it.Slot] = a
	}
	var outcomes []surveys.Outcome
	slot := map[int]int{}
	for _, o := range d.Outcomes {
		a, ok := asked[o.Slot]
		if !ok {
			continue
		}
		ask := "both"
		switch {
		case !a[1]:
			ask = scales[0]
		case !a[0]:
			ask = scales[1]
		}
		slot[o.Slot] = len(outcomes)
		outcomes = append(outcomes, surveys.Outcome{Code: o.Code, Statement: o.Statement, Position: len(outcomes), Slot: len(outcomes), Ask: ask})
	}
	if len(slot) != len(asked) {
		return nil, fmt.Errorf("%w: the typing tool of %s asks an outcome the study no longer has: fit it again", problem.ErrConflict, key)
	}
	for a, it := range tool.Items {
		tool.Items[a].Slot = slot[it.Slot]
	}
	st := d.Study
	st.ID, st.OwnerID, st.Status, st.Slug, st.PublishedAt, st.ClosedAt = 0, u.ID, surveys.StatusDraft, nil, nil, nil
	st.NextSlot, st.TargetN = len(outcomes), 0
	// Its respondents read the name as the survey's title.
	st.Name = fmt.Sprintf(surveys.Msg(st.Language, "short_survey"), st.Name)
	if r := []rune(st.Name); len(r) > 200 {
		st.Name = string(r[:200])
	}
	// One short page: no profile questions, four forces or attention
	// checks, and no panel settings of the study's (its end URLs may use
	// {segment}: set them on the new study).
	st.FourForces, st.AttentionCheck = false, false
	st.PanelParam, st.URLFields, st.EndURLs = "", []string{}, surveys.EndURLs{}
	st.CreatedAt, st.UpdatedAt = time.Time{}, time.Time{}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Its source is the column's default, survey (fielded by its own
		// link), even when the study's responses came from a file.
		if err := tx.Omit("Source").Create(&st).Error; err != nil {
			return err
		}
		for i := range outcomes {
			outcomes[i].StudyID = st.ID
		}
		if err := tx.Create(&outcomes).Error; err != nil {
			return err
		}
		return tx.Create(&TypingSurvey{StudyID: st.ID, SegmentationID: &sg.ID, Labels: sg.Labels, Tool: tool}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create the typing survey of %s: %w", key, err)
	}
	return s.studies.Publish(ctx, u, st.ID)
}

// TypingSurveys are the typing surveys made from the saved segmentation of
// id that u may open, oldest first.
func (s *Store) TypingSurveys(ctx context.Context, u *accounts.User, segmentationID int64) ([]surveys.Study, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&TypingSurvey{}).Where("segmentation_id = ?", segmentationID).Order("study_id").Pluck("study_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("typing surveys of segmentation %d: %w", segmentationID, err)
	}
	var out []surveys.Study
	for _, id := range ids {
		st, err := s.studies.Study(ctx, u, id)
		if errors.Is(err, problem.ErrNotFound) {
			continue // another researcher's
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, nil
}
