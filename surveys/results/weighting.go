package results

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/weighting"
)

// shareTolerance is how far a question's target shares may add up from 1:
// shares typed as rounded percentages (33.3 three times) add up to 0.999.
// They are scaled to add up to exactly 1 before raking.
const shareTolerance = 0.01

// Weighting is a study's raking targets: per profile question, the
// population's share of each option, and the largest weight allowed (none
// when Trim is nil). Only the targets are stored; the weights are raked
// again from them whenever the responses or the cleaning change
// (docs/scoring.md, "Weighting").
type Weighting struct {
	StudyID   int64                         `json:"-" gorm:"primaryKey;autoIncrement:false"`
	Targets   map[string]map[string]float64 `json:"targets" gorm:"serializer:json"`
	Trim      *float64                      `json:"trim" gorm:"column:max_weight"`
	UpdatedAt time.Time                     `json:"updated_at"`
}

// WeightingInput is the body of PUT …/weighting: targets as shares (0.25
// for 25%) and the largest weight allowed, none when left out.
type WeightingInput struct {
	Targets map[string]map[string]float64 `json:"targets"`
	Trim    *float64                      `json:"trim"`
}

// Raking is how the weights came out: what PUT …/weighting answers.
type Raking struct {
	By         []string `json:"by"` // the questions raked on, in question order
	Converged  bool     `json:"converged"`
	Iterations int      `json:"iterations"`
	EffectiveN float64  `json:"effective_n"` // Kish: (Σw)² ÷ Σw² over the respondents raked
	MaxWeight  float64  `json:"max_weight"`
	N          int      `json:"n"`       // respondents raked: complete and not excluded
	Trimmed    int      `json:"trimmed"` // weights the trim capped
	Empty      []string `json:"empty"`   // target cells nobody in the sample is in, as "question.option"
}

// WeightingStatus is a study's weighting and how it rakes now.
type WeightingStatus struct {
	Weighting
	Raking
	// Problem says why the targets no longer fit the study's questions (one
	// was deleted, or an option renamed) and so are not applied; "" when
	// they are.
	Problem string `json:"problem,omitempty"`
}

// margin is one validated target question: its question and the target
// share of each of its groups, in the question's order.
type margin struct {
	q       surveys.Question
	groups  []string
	targets []float64
}

// margins checks w against d's questions and returns them in question
// order. Every bad field is named: targets.KEY for a question,
// targets.KEY.OPTION for a share, trim.
func margins(d *surveys.Design, w *Weighting) ([]margin, error) {
	var bad problem.List
	if len(w.Targets) == 0 {
		bad.Add("targets", `give the population's share of each option of at least one profile question, e.g. {"company_size": {"1-9": 0.5, "10-49": 0.5}}`)
	}
	if w.Trim != nil && !(*w.Trim >= 1) { // also refuses NaN
		bad.Add("trim", "must be the largest weight allowed, at least 1 (weights average 1), e.g. 5; leave it out for no cap")
	}
	var out []margin
	for key := range w.Targets {
		i := slices.IndexFunc(d.Questions, func(q surveys.Question) bool { return q.Key == key })
		if i < 0 {
			bad.Add("targets."+key, "is not a profile question of this study")
			continue
		}
		q := d.Questions[i]
		if q.Kind == surveys.KindMulti || q.Kind == surveys.KindText {
			bad.Add("targets."+key, fmt.Sprintf("is a %s question: weighting needs each respondent in one option", map[string]string{surveys.KindMulti: "multi-choice", surveys.KindText: "free-text"}[q.Kind]))
			continue
		}
		m := margin{q: q, groups: q.Groups(), targets: make([]float64, len(q.Groups()))}
		var sum float64
		ok := true
		for opt, share := range w.Targets[key] {
			field := "targets." + key + "." + opt
			j := slices.Index(m.groups, opt)
			switch {
			case j < 0:
				bad.Add(field, fmt.Sprintf("is not an option of %s (options: %s)", key, strings.Join(m.groups, ", ")))
				ok = false
			case !(share >= 0 && share <= 1):
				bad.Add(field, "must be a share from 0 to 1, e.g. 0.25 for 25%")
				ok = false
			default:
				m.targets[j] = share
				sum += share
			}
		}
		if ok && math.Abs(sum-1) > shareTolerance {
			bad.Add("targets."+key, fmt.Sprintf("shares add up to %s (%s%%); they must add up to 1 (100%%) within %g; an option left out has share 0",
				strconv.FormatFloat(sum, 'f', -1, 64), strconv.FormatFloat(sum*100, 'f', -1, 64), shareTolerance))
			ok = false
		}
		if ok {
			for j := range m.targets {
				m.targets[j] /= sum
			}
			out = append(out, m)
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b margin) int { return a.q.Position - b.q.Position })
	return out, nil
}

// raked is the weights of one cached list under one weighting: one per
// response, 1 for those not raked.
type raked struct {
	key     string
	weights []float64
	raking  Raking
}

// rake weights the counted complete responses of list (those the review
// keeps) to ms; any other response weighs 1.
func rake(list []*scored, rv *review, ms []margin, trim float64) *raked {
	var idx []int
	for i, r := range list {
		if r.Status == surveys.Complete && !rv.excluded[i] {
			idx = append(idx, i)
		}
	}
	wm := make([]weighting.Margin, len(ms))
	for m, mg := range ms {
		of := make([]int, len(idx))
		for k, i := range idx {
			of[k] = -1
			if g := mg.q.Group(list[i].Answers[mg.q.Key]); len(g) == 1 {
				of[k] = slices.Index(mg.groups, g[0])
			}
		}
		wm[m] = weighting.Margin{Of: of, Targets: mg.targets}
	}
	res := weighting.Rake(len(idx), wm, trim)
	out := &raked{weights: make([]float64, len(list)), raking: Raking{Converged: res.Converged, Iterations: res.Rounds,
		EffectiveN: res.EffectiveN, MaxWeight: res.MaxWeight, N: len(idx), Trimmed: res.Trimmed, Empty: []string{}}}
	for i := range out.weights {
		out.weights[i] = 1
	}
	for k, i := range idx {
		out.weights[i] = res.Weights[k]
	}
	for _, mg := range ms {
		out.raking.By = append(out.raking.By, mg.q.Key)
	}
	for m, cells := range res.Empty {
		for _, c := range cells {
			out.raking.Empty = append(out.raking.Empty, ms[m].q.Key+"."+ms[m].groups[c])
		}
	}
	return out
}

// weightingOf is d's stored weighting, nil when the study is not weighted.
func (s *Store) weightingOf(ctx context.Context, studyID int64) (*Weighting, error) {
	var w Weighting
	err := s.db.WithContext(ctx).Where("study_id = ?", studyID).Take(&w).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load weighting of study %d: %w", studyID, err)
	}
	return &w, nil
}

// weights rakes list (reviewed as rv) to w, or takes the weights kept with
// the cached list when neither the responses, the cleaning nor w changed.
// Targets that no longer fit d's questions (a question deleted or an
// option renamed since they were saved) weight nothing: the results stay
// unweighted and the problem is said, rather than weighting to half of
// what the researcher set.
func (s *Store) weights(d *surveys.Design, list []*scored, rv *review, w *Weighting) (*raked, string) {
	ms, err := margins(d, w)
	if err != nil {
		return nil, "the weighting no longer fits the study's questions, so the results are unweighted; set it again or remove it (" + err.Error() + ")"
	}
	raw, _ := json.Marshal(w) // a map marshals in key order: the same targets give the same key
	key := rv.key + "\x00" + string(raw)
	s.responses.mu.Lock()
	c := s.responses.studies[d.Study.ID]
	if c != nil && sameList(c.list, list) && c.raked != nil && c.raked.key == key {
		rk := c.raked
		s.responses.mu.Unlock()
		return rk, ""
	}
	s.responses.mu.Unlock()
	trim := 0.0
	if w.Trim != nil {
		trim = *w.Trim
	}
	rk := rake(list, rv, ms, trim)
	rk.key = key
	s.responses.mu.Lock()
	if c := s.responses.studies[d.Study.ID]; c != nil && sameList(c.list, list) {
		c.raked = rk
	}
	s.responses.mu.Unlock()
	return rk, ""
}

// studyWeights is the weight of each response of list for d's results, nil
// when the study is not weighted, with why not when it has targets.
func (s *Store) studyWeights(ctx context.Context, d *surveys.Design, list []*scored, rv *review) (*raked, string, error) {
	w, err := s.weightingOf(ctx, d.Study.ID)
	if err != nil || w == nil {
		return nil, "", err
	}
	rk, unfit := s.weights(d, list, rv, w)
	return rk, unfit, nil
}

// SetWeighting checks in against d's questions, rakes the responses so far
// to it and stores it, replacing any weighting before. Bad input stores
// nothing and names its field.
func (s *Store) SetWeighting(ctx context.Context, d *surveys.Design, input WeightingInput) (*Raking, error) {
	in := Weighting{StudyID: d.Study.ID, Targets: input.Targets, Trim: input.Trim}
	ms, err := margins(d, &in)
	if err != nil {
		return nil, err
	}
	list, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, err
	}
	trim := 0.0
	if in.Trim != nil {
		trim = *in.Trim
	}
	rk := rake(list, rv, ms, trim)
	in.UpdatedAt = time.Now().UTC()
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&in).Error; err != nil {
		return nil, fmt.Errorf("save weighting of study %d: %w", d.Study.ID, err)
	}
	return &rk.raking, nil
}

// DeleteWeighting removes d's weighting, if it has one: its results are
// unweighted again.
func (s *Store) DeleteWeighting(ctx context.Context, d *surveys.Design) error {
	if err := s.db.WithContext(ctx).Where("study_id = ?", d.Study.ID).Delete(&Weighting{}).Error; err != nil {
		return fmt.Errorf("delete weighting of study %d: %w", d.Study.ID, err)
	}
	return nil
}

// WeightingStatus is d's weighting and how the responses so far rake to it;
// nil when the study is not weighted.
func (s *Store) WeightingStatus(ctx context.Context, d *surveys.Design) (*WeightingStatus, error) {
	w, err := s.weightingOf(ctx, d.Study.ID)
	if err != nil || w == nil {
		return nil, err
	}
	list, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, err
	}
	st := &WeightingStatus{Weighting: *w}
	rk, unfit := s.weights(d, list, rv, w)
	if rk != nil {
		st.Raking = rk.raking
	}
	st.Problem = unfit
	return st, nil
}

// SampleShares is, per question a weighting can use, the share of each of
// its groups among the counted complete responses that answered it: what
// the targets are set against. A question nobody answered has no entry.
func (s *Store) SampleShares(ctx context.Context, d *surveys.Design) (map[string]map[string]float64, error) {
	list, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]float64{}
	for _, q := range d.Questions {
		if q.Kind == surveys.KindMulti || q.Kind == surveys.KindText {
			continue
		}
		counts, total := map[string]float64{}, 0.0
		for i, r := range list {
			if r.Status != surveys.Complete || rv.excluded[i] {
				continue
			}
			if g := q.Group(r.Answers[q.Key]); len(g) == 1 {
				counts[g[0]]++
				total++
			}
		}
		if total == 0 {
			continue
		}
		for g := range counts {
			counts[g] /= total
		}
		out[q.Key] = counts
	}
	return out, nil
}
