package surveys

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// Question kinds.
const (
	KindSingle = "single"
	KindMulti  = "multi"
	KindNumber = "number"
	KindText   = "text"
	KindNPS    = "nps"
)

// kinds are the question kinds, in the order a form offers them.
var kinds = []string{KindSingle, KindMulti, KindNumber, KindText, KindNPS}

// Band is a labelled range of a number question, used to split results.
type Band struct {
	Label string  `json:"label" validate:"required,max=100"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
}

// Question is a profile question asked before the outcomes.
type Question struct {
	ID       int64    `json:"-"`
	StudyID  int64    `json:"-"`
	Key      string   `json:"key"`
	Text     string   `json:"text"`
	Kind     string   `json:"kind"`
	Options  []string `json:"options" gorm:"serializer:json"`
	Required bool     `json:"required"`
	Segment  bool     `json:"segment"`
	// CurrentSolution marks the choice question that asks what respondents
	// use today: each segment's canvas shows its answers' shares.
	CurrentSolution bool           `json:"current_solution"`
	ScreenOut       []string       `json:"screen_out" gorm:"serializer:json"`
	MinValue        *float64       `json:"min"`
	MaxValue        *float64       `json:"max"`
	Bands           []Band         `json:"bands" gorm:"serializer:json"`
	Quotas          map[string]int `json:"quotas" gorm:"serializer:json"`
	Position        int            `json:"position"`
}

// Groups are the values results can be split by: the options of a choice
// question, the band labels of a number question, the three NPS categories
// (see Group).
func (q Question) Groups() []string {
	switch q.Kind {
	case KindSingle, KindMulti:
		return q.Options
	case KindNumber:
		labels := make([]string, len(q.Bands))
		for i, b := range q.Bands {
			labels[i] = b.Label
		}
		return labels
	case KindNPS:
		return []string{"detractor", "passive", "promoter"}
	}
	return nil
}

// QuestionInput is a profile question as a client sends it; Template fills
// everything else from one of questionTemplates.
type QuestionInput struct {
	Template        string         `json:"template" validate:"omitempty,oneof=role company_size job_frequency"`
	Key             string         `json:"key" validate:"required_without=Template,omitempty,max=40"`
	Text            string         `json:"text" validate:"required_without=Template,max=500"`
	Kind            string         `json:"kind" validate:"required_without=Template,omitempty,oneof=single multi number text nps"`
	Options         []string       `json:"options" validate:"max=50,dive,required,max=200"`
	Required        bool           `json:"required"`
	Segment         bool           `json:"segment"`
	CurrentSolution bool           `json:"current_solution"`
	ScreenOut       []string       `json:"screen_out" validate:"dive,required"`
	Min             *float64       `json:"min"`
	Max             *float64       `json:"max"`
	Bands           []Band         `json:"bands" validate:"max=20,dive"`
	Quotas          map[string]int `json:"quotas" validate:"dive,gte=0"`
	// Position moves the question to that place among the study's questions
	// (0 is first). Sent alone, it only moves the question.
	Position *int `json:"position" validate:"omitempty,gte=0"`

	// lang is the study's language, in which a template is worded.
	lang string
}

// questionTemplates are the profile questions one click away.
var questionTemplates = map[string]QuestionInput{
	"role": {Key: "role", Text: "Which best describes your part in this?", Kind: KindSingle, Required: true, Segment: true,
		Options: []string{"I do the job myself (job executor)", "I benefit from the job being done (job beneficiary)",
			"I install, maintain or support the product (product lifecycle support)", "I decide what to buy (purchase decision-maker)"}},
	"company_size": {Key: "company_size", Text: "How many people work at your company?", Kind: KindSingle, Required: true, Segment: true,
		Options: []string{"1-9", "10-49", "50-249", "250+"}},
	"job_frequency": {Key: "job_frequency", Text: "How often do you do this?", Kind: KindSingle, Required: true, Segment: true,
		Options: []string{"Daily", "Weekly", "Monthly", "Less often"}},
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// KeyProblem says what is wrong with a question key, or a saved
// segmentation's key (which takes a question key's place), or "".
func KeyProblem(key string) string {
	if !keyPattern.MatchString(key) {
		return "must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 40)"
	}
	return ""
}

// ReservedKey tells a key that would collide with a column of the wide CSV
// (widecsv.go).
func ReservedKey(key string) bool {
	return slices.Contains(wideLeading, key) || slices.Contains(ForceNames[:], key) ||
		strings.HasSuffix(key, "_imp") || strings.HasSuffix(key, "_sat")
}

// CheckQuestion tells what AddQuestion would refuse in, short of a key that
// another question of the study already has.
func CheckQuestion(in QuestionInput) error {
	_, err := in.normalise()
	return err
}

// normalise checks a question, its tags and its own rules alike, reporting
// every bad field at once, and returns it ready to store. The rules that
// depend on the kind wait for a kind that exists.
func (in QuestionInput) normalise() (Question, error) {
	var fields problem.List
	if t, ok := questionTemplates[in.Template]; ok {
		// A template gives the wording and the options; the study still
		// chooses the key, the quotas and the screen-outs among those
		// options. What the template would replace is refused, not dropped.
		for field, sent := range map[string]bool{"text": in.Text != "", "kind": in.Kind != "", "options": len(in.Options) > 0,
			"min": in.Min != nil, "max": in.Max != nil, "bands": len(in.Bands) > 0} {
			if sent {
				fields.Add(field, "comes from the template "+in.Template+": leave it out, or add the question without a template")
			}
		}
		t.Text, t.Options = Default(in.lang, t.Text), slices.Clone(t.Options)
		for i, o := range t.Options {
			t.Options[i] = Default(in.lang, o)
		}
		t.Template, t.Quotas, t.ScreenOut = in.Template, in.Quotas, in.ScreenOut
		if in.Key != "" {
			t.Key = in.Key
		}
		in = t
	}
	if err := fields.Merge(problem.Check(in)); err != nil {
		return Question{}, err
	}
	q := Question{Key: strings.TrimSpace(in.Key), Text: strings.TrimSpace(in.Text), Kind: in.Kind,
		Required: in.Required, Segment: in.Segment, CurrentSolution: in.CurrentSolution, MinValue: in.Min, MaxValue: in.Max, Quotas: in.Quotas}
	if msg := KeyProblem(q.Key); msg != "" {
		fields.Add("key", msg)
	} else if ReservedKey(q.Key) {
		fields.Add("key", q.Key+" is reserved for the responses file")
	}
	if q.Text == "" {
		fields.Add("text", "is required")
	}
	seen := map[string]bool{}
	for i, o := range in.Options {
		o = strings.TrimSpace(o)
		if seen[strings.ToLower(o)] {
			fields.Add(fmt.Sprintf("options[%d]", i), fmt.Sprintf("repeats %q", o))
		}
		if strings.Contains(o, ";") {
			fields.Add(fmt.Sprintf("options[%d]", i), "may not contain ; (it separates choices in the responses file)")
		}
		seen[strings.ToLower(o)] = true
		q.Options = append(q.Options, o)
	}
	if !slices.Contains(kinds, q.Kind) {
		fields.Add("kind", "must be one of: "+strings.Join(kinds, ", "))
		return Question{}, fields.Err()
	}
	choice := q.Kind == KindSingle || q.Kind == KindMulti
	if choice && len(q.Options) < 2 {
		fields.Add("options", "a choice question needs at least 2 options")
	}
	if !choice && len(q.Options) > 0 {
		fields.Add("options", "only single and multi questions have options")
	}
	for i, o := range in.ScreenOut {
		if q.Kind != KindSingle {
			fields.Add("screen_out", "only a single-choice question can screen respondents out")
			break
		}
		if !slices.Contains(q.Options, strings.TrimSpace(o)) {
			fields.Add(fmt.Sprintf("screen_out[%d]", i), fmt.Sprintf("%q is not one of the options", o))
		}
		q.ScreenOut = append(q.ScreenOut, strings.TrimSpace(o))
	}
	if len(q.ScreenOut) > 0 && len(q.ScreenOut) == len(q.Options) {
		fields.Add("screen_out", "would screen out every respondent")
	}
	if q.Kind == KindNumber {
		if q.MinValue != nil && q.MaxValue != nil && *q.MinValue > *q.MaxValue {
			fields.Add("max", "must not be below min")
		}
		for i, b := range in.Bands {
			if b.Min > b.Max {
				fields.Add(fmt.Sprintf("bands[%d].max", i), "must not be below min")
			}
			q.Bands = append(q.Bands, Band{Label: strings.TrimSpace(b.Label), Min: b.Min, Max: b.Max})
		}
		if q.Segment && len(q.Bands) == 0 {
			fields.Add("bands", "a number question used as a segment needs bands to split it")
		}
	} else {
		if in.Min != nil || in.Max != nil {
			fields.Add("min", "only number questions have min and max")
		}
		if len(in.Bands) > 0 {
			fields.Add("bands", "only number questions have bands")
		}
	}
	if q.CurrentSolution && !choice {
		fields.Add("current_solution", "only a single or multi question can name the current solution")
	}
	if q.Kind == KindText && q.Segment {
		fields.Add("segment", "free text cannot split results")
	}
	for opt := range q.Quotas {
		if !slices.Contains(q.Groups(), opt) {
			fields.Add("quotas", fmt.Sprintf("%q is not an option of this question", opt))
		}
	}
	if len(q.Quotas) > 0 && !q.Segment {
		fields.Add("quotas", "only segment questions have quotas")
	}
	if len(fields) > 0 {
		return Question{}, fields.Err()
	}
	if q.Options == nil {
		q.Options = []string{}
	}
	if q.ScreenOut == nil {
		q.ScreenOut = []string{}
	}
	if q.Bands == nil {
		q.Bands = []Band{}
	}
	if q.Quotas == nil {
		q.Quotas = map[string]int{}
	}
	return q, nil
}

// AddQuestion appends a profile question to a draft study. The role
// template's question becomes the study's role question when it has none
// (avatars.go).
func (s *Store) AddQuestion(ctx context.Context, u *accounts.User, studyID int64, in QuestionInput) (*Question, error) {
	var q Question
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		in.lang = st.Language
		var err error
		if q, err = in.normalise(); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Question{}).Where("study_id = ? AND key = ?", st.ID, q.Key).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return problem.Invalid("key", q.Key+" is already used by another question")
		}
		if slices.Contains(st.URLFields, q.Key) || st.PanelParam == q.Key {
			return problem.Invalid("key", q.Key+" is a URL field of the study's panel link: its column in responses.csv would clash")
		}
		var count int64
		if err := tx.Model(&Question{}).Where("study_id = ?", st.ID).Count(&count).Error; err != nil {
			return err
		}
		q.StudyID, q.Position = st.ID, int(count)
		if err := tx.Create(&q).Error; err != nil {
			return err
		}
		if in.Template == roleTemplate && st.RoleQuestion == "" {
			return tx.Model(&Study{}).Where("id = ?", st.ID).Update("role_question", q.Key).Error
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("add question to study %d: %w", studyID, err)
	}
	return &q, nil
}

// UpdateQuestion replaces a question (found by key) in a draft study and, when
// in has a position, moves it there; a position alone only moves it. A
// published study's question may only be reworded (its text; the rest as it
// was), and the rewording goes in the change log.
func (s *Store) UpdateQuestion(ctx context.Context, u *accounts.User, studyID int64, key string, in QuestionInput) (*Question, error) {
	moveOnly := in.Position != nil && reflect.DeepEqual(in, QuestionInput{Position: in.Position})
	if moveOnly && *in.Position < 0 {
		return nil, problem.Invalid("position", "must be 0 or more")
	}
	var q Question
	err := s.editWording(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		var old Question
		if err := tx.Where("study_id = ? AND key = ?", st.ID, key).First(&old).Error; err != nil {
			return notFound(err)
		}
		published := st.Status != StatusDraft
		if moveOnly && published {
			return ErrLocked
		}
		if moveOnly {
			q = old
			return moveQuestion(tx, st.ID, &q, *in.Position)
		}
		var err error
		if q, err = in.normalise(); err != nil {
			return err
		}
		if published {
			// Whether it names the current solution is how results read
			// the answers, not what respondents answer: it may change too.
			renames, ok := optionRenames(old, q)
			if !ok || in.Position != nil && *in.Position != old.Position {
				return fmt.Errorf("%w: only a question's text, its options' texts (each in its place) and whether it names the current solution can change once the study is published; duplicate it to change the rest", ErrLocked)
			}
			if err := tx.Model(&Question{}).Where("id = ?", old.ID).Updates(map[string]any{"text": q.Text, "current_solution": q.CurrentSolution,
				"options": mustJSON(q.Options), "screen_out": mustJSON(q.ScreenOut), "quotas": mustJSON(q.Quotas)}).Error; err != nil {
				return err
			}
			if err := logWording(tx, st, u, "question "+key, old.Text, q.Text); err != nil {
				return err
			}
			for i, o := range old.Options {
				if err := logWording(tx, st, u, fmt.Sprintf("question %s, option %d", key, i+1), o, q.Options[i]); err != nil {
					return err
				}
			}
			q.ID, q.StudyID, q.Position = old.ID, st.ID, old.Position
			if len(renames) == 0 {
				return nil
			}
			return renameAnswers(tx, st, q, renames)
		}
		if q.Key != key {
			var n int64
			if err := tx.Model(&Question{}).Where("study_id = ? AND key = ?", st.ID, q.Key).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return problem.Invalid("key", q.Key+" is already used by another question")
			}
		}
		q.ID, q.StudyID, q.Position = old.ID, st.ID, old.Position
		if err := tx.Save(&q).Error; err != nil {
			return err
		}
		if key == st.RoleQuestion {
			// The outcomes' roles are its options: they must still be.
			st.RoleQuestion = q.Key
			if err := tx.Model(&Study{}).Where("id = ?", st.ID).Update("role_question", q.Key).Error; err != nil {
				return err
			}
			if err := checkRoleSetup(tx, st); err != nil {
				return err
			}
		}
		if in.Position != nil {
			return moveQuestion(tx, st.ID, &q, *in.Position)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update question %s: %w", key, err)
	}
	return &q, nil
}

// sameButText tells whether a and b differ at most in their text: the rest
// is what answers are stored and read by (an empty list is no list).
func sameButText(a, b Question) bool {
	num := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Key == b.Key && a.Kind == b.Kind && a.Required == b.Required && a.Segment == b.Segment &&
		slices.Equal(a.Options, b.Options) && slices.Equal(a.ScreenOut, b.ScreenOut) && slices.Equal(a.Bands, b.Bands) &&
		maps.Equal(a.Quotas, b.Quotas) && num(a.MinValue, b.MinValue) && num(a.MaxValue, b.MaxValue)
}

// moveQuestion puts q at position among the study's questions (a position
// past the end means last) and numbers them all again from 0.
func moveQuestion(tx *gorm.DB, studyID int64, q *Question, position int) error {
	var qs []Question
	if err := tx.Where("study_id = ?", studyID).Order("position, id").Find(&qs).Error; err != nil {
		return err
	}
	at := slices.IndexFunc(qs, func(o Question) bool { return o.ID == q.ID })
	if at < 0 {
		return problem.ErrNotFound
	}
	qs = move(qs, at, position)
	for i := range qs {
		if err := tx.Model(&Question{}).Where("id = ?", qs[i].ID).Update("position", i).Error; err != nil {
			return err
		}
		if qs[i].ID == q.ID {
			q.Position = i
		}
	}
	return nil
}

// DeleteQuestion removes a question from a draft study.
func (s *Store) DeleteQuestion(ctx context.Context, u *accounts.User, studyID int64, key string) error {
	err := s.editDesign(ctx, u, studyID, func(tx *gorm.DB, st *Study) error {
		if key == st.RoleQuestion {
			return problem.Invalid("role_question", key+" is the study's role question: set role_question to \"\" (or another question) before deleting it")
		}
		return deleteOne(tx, &Question{}, "study_id = ? AND key = ?", st.ID, key)
	})
	if err != nil {
		return fmt.Errorf("delete question %s: %w", key, err)
	}
	return nil
}
