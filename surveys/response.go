package surveys

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Response statuses and sources.
const (
	InProgress  = "in_progress"
	Complete    = "complete"
	ScreenedOut = "screened_out"

	SourceLink   = "link"
	SourceInvite = "invite"
	SourceImport = "import"
)

// Response is one respondent's answers to one study.
type Response struct {
	ID           int64             `json:"-"`
	StudyID      int64             `json:"-"`
	RespondentID string            `json:"respondent_id"`
	SubmissionID *string           `json:"-"`
	ResumeHash   *string           `json:"-"`
	InvitationID *int64            `json:"-"`
	ExternalID   string            `json:"external_id"`
	Status       string            `json:"status"`
	Excluded     bool              `json:"excluded"`
	Source       string            `json:"source"`
	Answers      map[string]string `json:"answers" gorm:"serializer:json"`
	Ratings      []byte            `json:"-"` // 2 per outcome slot: importance, satisfaction; 0 = none
	Forces       []byte            `json:"-"` // push, pull, anxiety, habit; empty = none
	ItemOrder    []string          `json:"item_order" gorm:"serializer:json"`
	Flags        []string          `json:"flags" gorm:"serializer:json"`
	StartedAt    time.Time         `json:"started_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	FinishedAt   *time.Time        `json:"finished_at"`
	Seq          int64             `json:"-"`
}

// nextSeq numbers a write of one of a study's responses, so caches can load
// just what changed since they last looked.
func nextSeq(tx *gorm.DB, studyID int64) (int64, error) {
	var seq int64
	var err error
	if tx.Dialector.Name() == "postgres" {
		err = tx.Raw("SELECT nextval('response_seq')").Scan(&seq).Error
	} else {
		err = tx.Raw("SELECT COALESCE(MAX(seq), 0) + 1 FROM responses WHERE study_id = ?", studyID).Scan(&seq).Error
	}
	return seq, err
}

// Rating returns the importance and satisfaction given for an outcome slot (0 = none).
func (r *Response) Rating(slot int) (imp, sat byte) {
	if 2*slot+1 < len(r.Ratings) {
		return r.Ratings[2*slot], r.Ratings[2*slot+1]
	}
	return 0, 0
}

// Submission is what a respondent's browser (or a script) sends. Values are
// decoded loosely and checked here so every bad field is named.
//
// Decoded by DecodeSubmission, ratings that are plain numbers skip
// Ratings and land in a typed list: a complete submission is a hundred of
// them, and boxing each in a map[string]any cost more than storing the
// response. Code that builds a Submission sets Ratings as before.
type Submission struct {
	SubmissionID string         `json:"submission_id"`
	Invitation   string         `json:"invitation"`
	Answers      map[string]any `json:"answers"`
	Ratings      map[string]any `json:"ratings"`
	Forces       map[string]any `json:"forces"`
	Order        []string       `json:"order"`
	Complete     bool           `json:"complete"`

	rated []ratingIn // ratings decoded from JSON, in the order sent
}

// ratingIn is one outcome's rating as decoded. A pair of numbers (or nulls)
// is kept typed; any other value is kept as decoded for apply to judge.
type ratingIn struct {
	code     string
	imp, sat ratingPart
	other    any
	typed    bool
}

// ratingPart is importance or satisfaction as sent: absent, null (clears
// it) or a number still to be checked.
type ratingPart struct {
	given, null bool
	v           float64
}

// SubmitResult answers a submission.
type SubmitResult struct {
	RespondentID string `json:"respondent_id"`
	Status       string `json:"status"`
	ResumeToken  string `json:"resume_token"`
	Redirect     string `json:"redirect,omitempty"`
}

// form is a published study compiled for checking submissions quickly. A
// published study's structure is locked, so it only changes with updated_at.
type form struct {
	studyID   int64
	updatedAt time.Time
	status    string
	slots     map[string]int // outcome code -> slot
	codes     []string       // in survey order
	nSlots    int
	slotList  []int // every outcome's slot, for loops that need no codes
	questions map[string]Question
	ordered   []Question
	forces    bool
	redirect  string
	design    *Design
}

type formCache struct {
	mu    sync.Mutex
	forms map[string]formEntry
}

type formEntry struct {
	f       *form
	checked time.Time // when f.status was read from the database
}

// formFresh is how long submissions trust a cached study's status without
// asking the database. A dry run stores nothing, so answering one for a
// moment after a close does no harm; a write checks the status again inside
// its own transaction (batch.open), so no response is stored after a close.
const formFresh = time.Second

// cachedForm returns the compiled study behind slug from memory when its
// status was read within formFresh and it was open, and asks the database
// otherwise.
func (s *Store) cachedForm(ctx context.Context, slug string) (*form, error) {
	s.forms.mu.Lock()
	e := s.forms.forms[slug]
	s.forms.mu.Unlock()
	if e.f != nil && e.f.status == StatusOpen && time.Since(e.checked) < formFresh {
		return e.f, nil
	}
	return s.form(ctx, slug)
}

// form returns the compiled published study behind slug. Its status is read
// from the database on every call, so closing a study takes effect at once on
// every instance.
func (s *Store) form(ctx context.Context, slug string) (*form, error) {
	checked := time.Now()
	var row struct {
		ID        int64
		Status    string
		UpdatedAt time.Time
	}
	err := s.db.WithContext(ctx).Model(&Study{}).Select("id, status, updated_at").Where("slug = ?", slug).Take(&row).Error
	if err != nil {
		return nil, notFound(err)
	}
	s.forms.mu.Lock()
	f := s.forms.forms[slug].f
	s.forms.mu.Unlock()
	if f != nil && f.updatedAt.Equal(row.UpdatedAt) {
		if f.status != row.Status {
			cp := *f
			cp.status = row.Status
			f = &cp
		}
		s.forms.put(slug, f, checked)
		return f, nil
	}
	var st Study
	if err := s.db.WithContext(ctx).First(&st, row.ID).Error; err != nil {
		return nil, notFound(err)
	}
	d, err := s.design(s.db.WithContext(ctx), &st)
	if err != nil {
		return nil, err
	}
	f = &form{studyID: st.ID, updatedAt: st.UpdatedAt, status: st.Status, slots: map[string]int{},
		questions: map[string]Question{}, ordered: d.Questions, forces: st.FourForces, redirect: st.RedirectURL, design: d}
	for _, o := range d.Outcomes {
		f.slots[o.Code] = o.Slot
		f.codes = append(f.codes, o.Code)
		f.slotList = append(f.slotList, o.Slot)
		f.nSlots = max(f.nSlots, o.Slot+1)
	}
	for _, q := range d.Questions {
		f.questions[q.Key] = q
	}
	s.forms.put(slug, f, checked)
	return f, nil
}

func (c *formCache) put(slug string, f *form, checked time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.forms == nil {
		c.forms = map[string]formEntry{}
	}
	if old := c.forms[slug]; old.f == nil || !old.checked.After(checked) {
		c.forms[slug] = formEntry{f, checked}
	}
}

// forget drops a cached study, so the next submission compiles it again.
func (c *formCache) forget(slug string) {
	c.mu.Lock()
	delete(c.forms, slug)
	c.mu.Unlock()
}

// PublicDesign is the published study behind a survey link, for rendering the
// respondent page; a closed study answers ErrClosed.
func (s *Store) PublicDesign(ctx context.Context, slug string) (*Design, error) {
	f, err := s.form(ctx, slug)
	if err != nil {
		return nil, err
	}
	switch f.status {
	case StatusOpen:
		return f.design, nil
	case StatusClosed:
		return f.design, ErrClosed
	}
	return nil, ErrNotFound
}

var forceNames = [4]string{"push", "pull", "anxiety", "habit"}

// apply checks a submission against the study and merges it into r. Every bad
// field is reported at once.
func (f *form) apply(in *Submission, r *Response) error {
	var fields problems
	if r.Answers == nil {
		r.Answers = make(map[string]string, len(in.Answers))
	}
	for key, v := range in.Answers {
		q, ok := f.questions[key]
		if !ok {
			fields.add("answers."+key, "is not a question of this survey")
			continue
		}
		val, msg := q.answer(v)
		if msg != "" {
			fields.add("answers."+key, msg)
			continue
		}
		if val == "" {
			delete(r.Answers, key)
		} else {
			r.Answers[key] = val
		}
	}
	if len(r.Ratings) < 2*f.nSlots {
		r.Ratings = append(r.Ratings, make([]byte, 2*f.nSlots-len(r.Ratings))...)
	}
	for code, v := range in.Ratings {
		f.rate(code, v, r, &fields)
	}
	// A code given twice counts once, as its last value, as it would in a
	// map: so walk back and skip slots already seen.
	var seen [16]uint64
	var seenMore map[int]bool
	for i := len(in.rated) - 1; i >= 0; i-- {
		ri := &in.rated[i]
		slot, ok := f.slots[ri.code]
		if !ok {
			fields.add("ratings."+ri.code, "is not an outcome of this survey")
			continue
		}
		if slot < 64*len(seen) {
			if seen[slot/64]&(1<<(slot%64)) != 0 {
				continue
			}
			seen[slot/64] |= 1 << (slot % 64)
		} else {
			if seenMore[slot] {
				continue
			}
			if seenMore == nil {
				seenMore = map[int]bool{}
			}
			seenMore[slot] = true
		}
		if !ri.typed {
			f.rate(ri.code, ri.other, r, &fields)
			continue
		}
		ratePart(ri.code, "importance", ri.imp, r.Ratings[2*slot:], &fields)
		ratePart(ri.code, "satisfaction", ri.sat, r.Ratings[2*slot+1:], &fields)
	}
	if len(in.Forces) > 0 {
		if !f.forces {
			fields.add("forces", "this survey does not ask the four forces")
		} else {
			if len(r.Forces) != 4 {
				r.Forces = make([]byte, 4)
			}
			for name, v := range in.Forces {
				i := slices.Index(forceNames[:], name)
				if i < 0 {
					fields.add("forces."+name, "is not a force: use push, pull, anxiety and habit")
					continue
				}
				n, ok := wholeNumber(v, 1, 10)
				if !ok && v != nil {
					fields.add("forces."+name, "must be a whole number from 1 to 10")
					continue
				}
				r.Forces[i] = byte(n)
			}
		}
	}
	if len(in.Order) > 0 {
		for i, code := range in.Order {
			if _, ok := f.slots[code]; !ok {
				fields.add(fmt.Sprintf("order[%d]", i), "is not an outcome of this survey")
			}
		}
		r.ItemOrder = in.Order
	}
	if in.Complete {
		for _, q := range f.ordered {
			if q.Required && r.Answers[q.Key] == "" && !r.screenedBy(f) {
				if _, bad := fields["answers."+q.Key]; !bad {
					fields.add("answers."+q.Key, "is required")
				}
			}
		}
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}

// problems collects bad fields; most submissions have none, so the map is
// made only for the first.
type problems map[string]string

func (p *problems) add(field, msg string) {
	if *p == nil {
		*p = map[string]string{}
	}
	(*p)[field] = msg
}

// rate merges one outcome's rating given as a loosely typed value.
func (f *form) rate(code string, v any, r *Response, fields *problems) {
	slot, ok := f.slots[code]
	if !ok {
		fields.add("ratings."+code, "is not an outcome of this survey")
		return
	}
	pair, ok := v.(map[string]any)
	if !ok {
		fields.add("ratings."+code, "must be an object with importance and satisfaction")
		return
	}
	for part, v := range pair {
		var at int
		switch part {
		case "importance":
			at = 2 * slot
		case "satisfaction":
			at = 2*slot + 1
		default:
			fields.add("ratings."+code+"."+part, "is not a rating: use importance and satisfaction")
			continue
		}
		n, ok := wholeNumber(v, 1, 5)
		if !ok && v != nil {
			fields.add("ratings."+code+"."+part, "must be a whole number from 1 to 5")
			continue
		}
		r.Ratings[at] = byte(n)
	}
}

// ratePart merges importance or satisfaction decoded as a number into dst[0].
func ratePart(code, part string, p ratingPart, dst []byte, fields *problems) {
	switch {
	case !p.given:
	case p.null:
		dst[0] = 0
	case p.v != math.Trunc(p.v) || p.v < 1 || p.v > 5:
		fields.add("ratings."+code+"."+part, "must be a whole number from 1 to 5")
	default:
		dst[0] = byte(p.v)
	}
}

// screenedBy tells whether an answer so far ends the survey.
func (r *Response) screenedBy(f *form) bool {
	for _, q := range f.ordered {
		if a, ok := r.Answers[q.Key]; ok && slices.Contains(q.ScreenOut, a) {
			return true
		}
	}
	return false
}

// wholeNumber accepts a JSON number (or numeric string) that is an integer in [lo, hi].
func wholeNumber(v any, lo, hi int) (int, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, false
	}
	return int(f), true
}

// answer turns a submitted value into the stored text, or says what is wrong.
// An empty value clears the answer.
func (q Question) answer(v any) (string, string) {
	if v == nil {
		return "", ""
	}
	switch q.Kind {
	case KindSingle:
		s, ok := v.(string)
		if !ok {
			return "", "must be one of the options"
		}
		if s == "" {
			return "", ""
		}
		if !slices.Contains(q.Options, s) {
			return "", fmt.Sprintf("%q is not one of the options", s)
		}
		return s, ""
	case KindMulti:
		var picked []string
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return "", "must be a list of options"
				}
				picked = append(picked, s)
			}
		case string:
			if x != "" {
				picked = strings.Split(x, ";")
			}
		default:
			return "", "must be a list of options"
		}
		var out []string
		for _, p := range picked {
			if !slices.Contains(q.Options, p) {
				return "", fmt.Sprintf("%q is not one of the options", p)
			}
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		// Keep the question's option order so exports are stable.
		slices.SortFunc(out, func(a, b string) int { return slices.Index(q.Options, a) - slices.Index(q.Options, b) })
		return strings.Join(out, ";"), ""
	case KindNumber:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case string:
			if strings.TrimSpace(x) == "" {
				return "", ""
			}
			var err error
			if f, err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return "", "must be a number"
			}
		default:
			return "", "must be a number"
		}
		if q.MinValue != nil && f < *q.MinValue {
			return "", "must be at least " + strconv.FormatFloat(*q.MinValue, 'f', -1, 64)
		}
		if q.MaxValue != nil && f > *q.MaxValue {
			return "", "must be at most " + strconv.FormatFloat(*q.MaxValue, 'f', -1, 64)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), ""
	case KindNPS:
		if s, ok := v.(string); ok && s == "" {
			return "", ""
		}
		n, ok := wholeNumber(v, 0, 10)
		if !ok {
			return "", "must be a whole number from 0 to 10"
		}
		return strconv.Itoa(n), ""
	default: // text
		s, ok := v.(string)
		if !ok {
			return "", "must be text"
		}
		s = strings.TrimSpace(s)
		if len(s) > 5000 {
			return "", "must be at most 5000 characters"
		}
		return s, ""
	}
}

// Group is which result group a stored answer puts a respondent in (the band
// of a number, the NPS category); "" = none.
func (q Question) Group(answer string) []string {
	if answer == "" {
		return nil
	}
	switch q.Kind {
	case KindMulti:
		return strings.Split(answer, ";")
	case KindNumber:
		f, err := strconv.ParseFloat(answer, 64)
		if err != nil {
			return nil
		}
		for _, b := range q.Bands {
			if f >= b.Min && f <= b.Max {
				return []string{b.Label}
			}
		}
		return nil
	case KindNPS:
		n, _ := strconv.Atoi(answer)
		switch {
		case n <= 6:
			return []string{"detractor"}
		case n <= 8:
			return []string{"passive"}
		}
		return []string{"promoter"}
	}
	return []string{answer}
}

// resumeToken derives a response's resume token from a server-wide secret, so
// a repeated submission can be answered with the same token although only its
// hash is stored.
func (s *Store) resumeToken(ctx context.Context, studyID int64, respondentID string) (string, error) {
	secret, err := s.secret(ctx, "resume_secret")
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%d/%s", studyID, respondentID)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// Submit stores a new response (201) or, for a submission_id already seen,
// answers the first result again (created = false). It returns only after the
// response is committed.
func (s *Store) Submit(ctx context.Context, slug string, in Submission) (*SubmitResult, bool, error) {
	for try := 0; ; try++ {
		res, created, err := s.submit(ctx, slug, &in, try > 0)
		if errors.Is(err, errFormChanged) && try < 3 {
			s.forms.forget(slug)
			continue
		}
		return res, created, err
	}
}

// errRepeated rolls back what a repeated submission claimed before its
// submission_id turned out to be stored already.
var errRepeated = errors.New("repeated submission")

func (s *Store) submit(ctx context.Context, slug string, in *Submission, fresh bool) (*SubmitResult, bool, error) {
	f, err := s.cachedForm(ctx, slug)
	if fresh {
		f, err = s.form(ctx, slug)
	}
	if err != nil {
		return nil, false, err
	}
	if f.status == StatusClosed {
		return nil, false, ErrClosed
	}
	if f.status != StatusOpen {
		return nil, false, ErrNotFound
	}
	if in.SubmissionID == "" {
		return nil, false, Invalid("submission_id", "is required (a UUID made by the client)")
	}
	if _, err := uuid.Parse(in.SubmissionID); err != nil {
		return nil, false, Invalid("submission_id", "must be a UUID")
	}
	now := time.Now().UTC()
	r := &Response{StudyID: f.studyID, RespondentID: uuid.NewString(), SubmissionID: &in.SubmissionID,
		Status: InProgress, Source: SourceLink, StartedAt: now, UpdatedAt: now, Flags: []string{}, ItemOrder: []string{}}
	if err := f.apply(in, r); err != nil {
		return nil, false, err
	}
	token, err := s.resumeToken(ctx, f.studyID, r.RespondentID)
	if err != nil {
		return nil, false, err
	}
	hash := HashSecret(token)
	r.ResumeHash = &hash
	var prev *Response
	err = s.writes.do(ctx, func(b *batch) error {
		if err := b.open(f); err != nil {
			return err
		}
		if in.Invitation != "" {
			// A repeated submission_id answers the first result, even when
			// it carried an invitation that the first one used.
			var first Response
			err := b.tx.Where("study_id = ? AND submission_id = ?", f.studyID, in.SubmissionID).Take(&first).Error
			if err == nil {
				prev = &first
				return nil
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			if err := claimInvitation(b.tx, f.studyID, in.Invitation, r); err != nil {
				return err
			}
		}
		if err := s.settle(context.WithoutCancel(ctx), b, f, r, in.Complete); err != nil {
			return err
		}
		var err error
		if r.Seq, err = b.seq(f.studyID); err != nil {
			return err
		}
		added, err := b.insert(r)
		if err != nil {
			return err
		}
		if !added {
			// This submission_id was stored before (by a browser retrying,
			// or by another instance a moment ago): answer that result.
			prev = &Response{}
			if err := b.tx.Where("study_id = ? AND submission_id = ?", f.studyID, in.SubmissionID).Take(prev).Error; err != nil {
				return err
			}
			if in.Invitation != "" {
				return errRepeated // and keep the invitation unused
			}
			return nil
		}
		b.stored(r)
		return nil
	})
	if errors.Is(err, errRepeated) && prev != nil {
		err = nil
	}
	if err != nil {
		if errors.Is(err, errFormChanged) {
			return nil, false, err
		}
		return nil, false, fmt.Errorf("submit to %s: %w", slug, err)
	}
	if prev != nil {
		res, err := s.result(ctx, f, prev, "")
		return res, false, err
	}
	res, err := s.result(ctx, f, r, token)
	return res, true, err
}

// Check validates a submission against the published study without storing
// anything: a client's dry run, and the ceiling a load test compares
// submissions against.
func (s *Store) Check(ctx context.Context, slug string, in Submission) error {
	f, err := s.cachedForm(ctx, slug)
	if err != nil {
		return err
	}
	if f.status == StatusClosed {
		return ErrClosed
	}
	if f.status != StatusOpen {
		return ErrNotFound
	}
	return f.apply(&in, &Response{})
}

// Update merges an autosave or the final page into the response behind a resume token.
func (s *Store) Update(ctx context.Context, slug, token string, in Submission) (*SubmitResult, error) {
	for try := 0; ; try++ {
		res, err := s.update(ctx, slug, token, &in, try > 0)
		if errors.Is(err, errFormChanged) && try < 3 {
			s.forms.forget(slug)
			continue
		}
		return res, err
	}
}

func (s *Store) update(ctx context.Context, slug, token string, in *Submission, fresh bool) (*SubmitResult, error) {
	f, err := s.cachedForm(ctx, slug)
	if fresh {
		f, err = s.form(ctx, slug)
	}
	if err != nil {
		return nil, err
	}
	if f.status == StatusClosed {
		return nil, ErrClosed
	}
	var r Response
	err = s.writes.do(ctx, func(b *batch) error {
		if err := b.open(f); err != nil {
			return err
		}
		r = Response{}
		if err := b.tx.Where("study_id = ? AND resume_hash = ?", f.studyID, HashSecret(token)).Take(&r).Error; err != nil {
			return notFound(err)
		}
		if r.Status != InProgress {
			return fmt.Errorf("%w: this response is already %s", ErrConflict, strings.ReplaceAll(r.Status, "_", " "))
		}
		if err := f.apply(in, &r); err != nil {
			return err
		}
		r.UpdatedAt = time.Now().UTC()
		if err := s.settle(context.WithoutCancel(ctx), b, f, &r, in.Complete); err != nil {
			return err
		}
		var err error
		if r.Seq, err = b.seq(f.studyID); err != nil {
			return err
		}
		if err := b.tx.Save(&r).Error; err != nil {
			return err
		}
		b.stored(&r)
		return nil
	})
	if err != nil {
		if errors.Is(err, errFormChanged) {
			return nil, err
		}
		return nil, fmt.Errorf("update response: %w", err)
	}
	return s.result(ctx, f, &r, token)
}

// Resume loads the response behind a resume token, to continue where the
// respondent left off.
func (s *Store) Resume(ctx context.Context, slug, token string) (*Response, error) {
	f, err := s.form(ctx, slug)
	if err != nil {
		return nil, err
	}
	var r Response
	if err := s.db.WithContext(ctx).Where("study_id = ? AND resume_hash = ?", f.studyID, HashSecret(token)).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// settle decides a response's status: a screener answer or a full quota ends
// it as screened out; a finished one becomes complete with its quality flags.
func (s *Store) settle(ctx context.Context, b *batch, f *form, r *Response, complete bool) error {
	if r.screenedBy(f) {
		r.Status = ScreenedOut
	} else if full, err := s.quotaFull(ctx, b, f, r); err != nil {
		return err
	} else if full {
		r.Status = ScreenedOut
		r.Flags = append(r.Flags, "quota_full")
	} else if complete {
		r.Status = Complete
	}
	if r.Status != InProgress {
		now := time.Now().UTC()
		r.FinishedAt = &now
	}
	if r.Status == Complete {
		flags, err := s.qualityFlags(b.tx, f, r)
		if err != nil {
			return err
		}
		r.Flags = append(r.Flags, flags...)
	}
	return nil
}

// result answers a stored response; token is its resume token when the
// caller has it at hand already.
func (s *Store) result(ctx context.Context, f *form, r *Response, token string) (*SubmitResult, error) {
	if token == "" {
		var err error
		if token, err = s.resumeToken(ctx, f.studyID, r.RespondentID); err != nil {
			return nil, err
		}
	}
	res := &SubmitResult{RespondentID: r.RespondentID, Status: r.Status, ResumeToken: token}
	if r.Status != InProgress && f.redirect != "" {
		res.Redirect = strings.ReplaceAll(f.redirect, "{panel_id}", urlEscape(r.ExternalID))
		res.Redirect = strings.ReplaceAll(res.Redirect, "{status}", r.Status)
	}
	return res, nil
}

func urlEscape(s string) string { return url.QueryEscape(s) }

// insertArgs are r's values for insertResponsesSQL, in responseColumns
// order, encoded as GORM encodes them.
func (r *Response) insertArgs(args []any) []any {
	answers, _ := json.Marshal(r.Answers) // a map of strings always encodes
	order, _ := json.Marshal(r.ItemOrder) // as does a list of strings
	flags, _ := json.Marshal(r.Flags)
	var submissionID, resumeHash, invitationID, finishedAt any
	if r.SubmissionID != nil {
		submissionID = *r.SubmissionID
	}
	if r.ResumeHash != nil {
		resumeHash = *r.ResumeHash
	}
	if r.InvitationID != nil {
		invitationID = *r.InvitationID
	}
	if r.FinishedAt != nil {
		finishedAt = *r.FinishedAt
	}
	return append(args, r.StudyID, r.RespondentID, submissionID, resumeHash, invitationID, r.ExternalID,
		r.Status, r.Excluded, r.Source, string(answers), r.Ratings, r.Forces, string(order), string(flags),
		r.StartedAt, r.UpdatedAt, finishedAt, r.Seq)
}

// errNotPlain tells DecodeSubmission's caller to decode the body the general
// way, which also words any error as for every other request.
var errNotPlain = errors.New("not a plain submission")

// DecodeSubmission reads a submission body in one pass, without reflection:
// ratings that are numbers go to a typed list, other values are decoded as
// encoding/json decodes them into `any` and judged by apply as before. It
// accepts only well-formed JSON with the submission's own field names and
// value types, and returns an error for anything else — malformed JSON, a
// wrong type, an unknown field — without saying more: the caller then
// decodes the body with encoding/json, whose result or error is the answer.
// On every body both accept, both give the same submission.
func DecodeSubmission(data []byte, in *Submission) error {
	p := &jsonReader{b: data}
	if err := p.submission(in); err != nil {
		return err
	}
	if p.peek() != 0 || p.i != len(p.b) {
		return errNotPlain
	}
	return nil
}

// jsonReader reads the JSON of a submission. It checks every index and the
// grammar of what it reads itself, so bad input is an error, never a panic
// nor a silently different value.
type jsonReader struct {
	b []byte
	i int
}

func (p *jsonReader) submission(in *Submission) error {
	if p.literal("null") {
		return nil
	}
	if !p.consume('{') {
		return errNotPlain
	}
	if p.consume('}') {
		return nil
	}
	for {
		key, err := p.str()
		if err != nil {
			return err
		}
		if !p.consume(':') {
			return errNotPlain
		}
		switch key {
		case "submission_id":
			err = p.optString(&in.SubmissionID)
		case "invitation":
			err = p.optString(&in.Invitation)
		case "answers":
			err = p.objectOfAny(&in.Answers)
		case "forces":
			err = p.objectOfAny(&in.Forces)
		case "ratings":
			err = p.ratings(in)
		case "order":
			err = p.strings(&in.Order)
		case "complete":
			switch {
			case p.literal("true"):
				in.Complete = true
			case p.literal("false"):
				in.Complete = false
			case p.literal("null"):
			default:
				err = errNotPlain
			}
		default:
			return errNotPlain
		}
		if err != nil {
			return err
		}
		if p.consume(',') {
			continue
		}
		if p.consume('}') {
			return nil
		}
		return errNotPlain
	}
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (p *jsonReader) peek() byte {
	for p.i < len(p.b) {
		switch c := p.b[p.i]; c {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return c
		}
	}
	return 0
}

func (p *jsonReader) consume(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// literal consumes true, false or null; what follows is checked by the caller.
func (p *jsonReader) literal(word string) bool {
	if p.peek() == word[0] && len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

// str reads a string. Printable ASCII without escapes, the usual case, is
// copied as is; anything else is decoded by encoding/json, which also checks
// its escapes and replaces bad UTF-8 as it always does.
func (p *jsonReader) str() (string, error) {
	if p.peek() != '"' {
		return "", errNotPlain
	}
	start := p.i
	plain := true
	for j := start + 1; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '\\':
			plain = false
			j++
		case c == '"':
			p.i = j + 1
			if plain {
				return string(p.b[start+1 : j]), nil
			}
			var s string
			if err := json.Unmarshal(p.b[start:j+1], &s); err != nil {
				return "", errNotPlain
			}
			return s, nil
		case c < 0x20:
			return "", errNotPlain
		case c >= 0x80:
			plain = false
		}
	}
	return "", errNotPlain
}

// number reads a JSON number as float64, as encoding/json does for `any`.
func (p *jsonReader) number() (float64, error) {
	p.peek()
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' {
			break
		}
		p.i++
	}
	lit := p.b[start:p.i]
	if len(lit) == 1 && lit[0] >= '0' && lit[0] <= '9' {
		return float64(lit[0] - '0'), nil
	}
	if !jsonNumber(lit) {
		return 0, errNotPlain
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return 0, errNotPlain
	}
	return f, nil
}

// jsonNumber checks the JSON number grammar, which is stricter than
// strconv's: no leading zeros, no "+", no "1." or ".5".
func jsonNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// compound passes over an object or array and returns it, for
// encoding/json to decode (and check).
func (p *jsonReader) compound() ([]byte, error) {
	start := p.i
	depth := 0
	for j := p.i; j < len(p.b); j++ {
		switch p.b[j] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				p.i = j + 1
				return p.b[start:p.i], nil
			}
		case '"':
			for j++; j < len(p.b) && p.b[j] != '"'; j++ {
				if p.b[j] == '\\' {
					j++
				}
			}
		}
	}
	return nil, errNotPlain
}

// anyValue decodes one value as encoding/json decodes it into `any`.
func (p *jsonReader) anyValue() (any, error) {
	switch c := p.peek(); {
	case c == '"':
		return p.str()
	case c == 'n' && p.literal("null"):
		return nil, nil
	case c == 't' && p.literal("true"):
		return true, nil
	case c == 'f' && p.literal("false"):
		return false, nil
	case c == '{' || c == '[':
		raw, err := p.compound()
		if err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, errNotPlain
		}
		return v, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, errNotPlain
}

func (p *jsonReader) optString(dst *string) error {
	if p.literal("null") {
		return nil
	}
	s, err := p.str()
	if err == nil {
		*dst = s
	}
	return err
}

// objectOfAny decodes an object into a map[string]any as encoding/json does:
// null empties it, an existing map is added to.
func (p *jsonReader) objectOfAny(dst *map[string]any) error {
	if p.literal("null") {
		*dst = nil
		return nil
	}
	if !p.consume('{') {
		return errNotPlain
	}
	if *dst == nil {
		*dst = map[string]any{}
	}
	if p.consume('}') {
		return nil
	}
	for {
		key, err := p.str()
		if err != nil {
			return err
		}
		if !p.consume(':') {
			return errNotPlain
		}
		v, err := p.anyValue()
		if err != nil {
			return err
		}
		(*dst)[key] = v
		if p.consume(',') {
			continue
		}
		if p.consume('}') {
			return nil
		}
		return errNotPlain
	}
}

// strings decodes a list of strings as encoding/json does: null empties it,
// a null element is "".
func (p *jsonReader) strings(dst *[]string) error {
	if p.literal("null") {
		*dst = nil
		return nil
	}
	if !p.consume('[') {
		return errNotPlain
	}
	out := (*dst)[:0]
	if p.consume(']') {
		if out == nil {
			out = []string{}
		}
		*dst = out
		return nil
	}
	for {
		var s string
		if !p.literal("null") {
			var err error
			if s, err = p.str(); err != nil {
				return err
			}
		}
		out = append(out, s)
		if p.consume(',') {
			continue
		}
		if p.consume(']') {
			*dst = out
			return nil
		}
		return errNotPlain
	}
}

// ratings decodes the ratings object into in.rated.
func (p *jsonReader) ratings(in *Submission) error {
	if p.literal("null") {
		in.Ratings, in.rated = nil, nil
		return nil
	}
	if !p.consume('{') {
		return errNotPlain
	}
	if in.rated == nil {
		in.rated = make([]ratingIn, 0, 64)
	}
	if p.consume('}') {
		return nil
	}
	for {
		code, err := p.str()
		if err != nil {
			return err
		}
		if !p.consume(':') {
			return errNotPlain
		}
		start := p.i
		ri, ok := p.ratingPair(code)
		if !ok {
			// Not a pair of numbers: decode it as it is, for apply to judge.
			p.i = start
			v, err := p.anyValue()
			if err != nil {
				return err
			}
			ri = ratingIn{code: code, other: v}
		}
		in.rated = append(in.rated, ri)
		if p.consume(',') {
			continue
		}
		if p.consume('}') {
			return nil
		}
		return errNotPlain
	}
}

// ratingPair reads {"importance": n, "satisfaction": n} with numbers or nulls
// in any order; anything else reports false.
func (p *jsonReader) ratingPair(code string) (ratingIn, bool) {
	ri := ratingIn{code: code, typed: true}
	if !p.consume('{') {
		return ri, false
	}
	if p.consume('}') {
		return ri, true
	}
	for {
		var part *ratingPart
		switch {
		case p.literal(`"importance"`):
			part = &ri.imp
		case p.literal(`"satisfaction"`):
			part = &ri.sat
		default:
			return ri, false
		}
		if !p.consume(':') {
			return ri, false
		}
		switch c := p.peek(); {
		case c == 'n' && p.literal("null"):
			*part = ratingPart{given: true, null: true}
		case c == '-' || (c >= '0' && c <= '9'):
			v, err := p.number()
			if err != nil {
				return ri, false
			}
			*part = ratingPart{given: true, v: v}
		default:
			return ri, false
		}
		if p.consume(',') {
			continue
		}
		return ri, p.consume('}')
	}
}
