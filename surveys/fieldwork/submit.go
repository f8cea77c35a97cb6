package fieldwork

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
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/problem"
)

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
	questions map[string]surveys.Question
	ordered   []surveys.Question
	forces    bool
	attention bool // the survey asks the attention check
	redirect  string
	survey    *Survey
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
	if e.f != nil && e.f.status == surveys.StatusOpen && time.Since(e.checked) < formFresh {
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
	err := s.db.WithContext(ctx).Model(&surveys.Study{}).Select("id, status, updated_at").Where("slug = ?", slug).Take(&row).Error
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
	var st surveys.Study
	if err := s.db.WithContext(ctx).First(&st, row.ID).Error; err != nil {
		return nil, notFound(err)
	}
	d, err := s.studies.DesignOf(ctx, &st)
	if err != nil {
		return nil, err
	}
	attention := st.AttentionCheck
	f = &form{studyID: st.ID, updatedAt: st.UpdatedAt, status: st.Status, slots: map[string]int{},
		questions: map[string]surveys.Question{}, ordered: d.Questions, forces: st.FourForces, attention: attention,
		redirect: st.RedirectURL, survey: build(d, attention)}
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

// PublicSurvey is the published study behind a survey link as its
// respondents see it; a closed study answers ErrClosed, with the survey for
// its closed page.
func (s *Store) PublicSurvey(ctx context.Context, slug string) (*Survey, error) {
	f, err := s.form(ctx, slug)
	if err != nil {
		return nil, err
	}
	return f.public()
}

// CachedSurvey is PublicSurvey for a page that may be a moment out of date
// (an error page): an open study comes from memory when it can.
func (s *Store) CachedSurvey(ctx context.Context, slug string) (*Survey, error) {
	f, err := s.cachedForm(ctx, slug)
	if err != nil {
		return nil, err
	}
	return f.public()
}

func (f *form) public() (*Survey, error) {
	switch f.status {
	case surveys.StatusOpen:
		return f.survey, nil
	case surveys.StatusClosed:
		return f.survey, surveys.ErrClosed
	}
	return nil, problem.ErrNotFound
}

// Preview is the survey of a study, published or not, as its respondents
// will see it.
func Preview(d *surveys.Design) *Survey { return build(d, d.Study.AttentionCheck) }

// apply checks a submission against the study and merges it into r. Every bad
// field is reported at once.
func (f *form) apply(in *Submission, r *surveys.Response) problems {
	var fields problems
	if r.Answers == nil {
		r.Answers = make(map[string]string, min(len(in.Answers), len(f.questions)))
	}
	var strayAnswers, strayRatings, strayForces strays
	for key, v := range in.Answers {
		q, ok := f.questions[key]
		if !ok {
			strayAnswers.add(key)
			continue
		}
		val, msg := answer(q, v)
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
	strayAnswers.report(&fields, "answers", "is not a question of this survey", "keys that are not questions of this survey")
	if len(r.Ratings) < 2*f.nSlots {
		r.Ratings = append(r.Ratings, make([]byte, 2*f.nSlots-len(r.Ratings))...)
	}
	for code, rt := range in.Ratings {
		slot, ok := f.slots[code]
		if !ok {
			strayRatings.add(code)
			continue
		}
		rt.Importance.merge(&r.Ratings[2*slot], "ratings."+code+".importance", &fields)
		rt.Satisfaction.merge(&r.Ratings[2*slot+1], "ratings."+code+".satisfaction", &fields)
	}
	strayRatings.report(&fields, "ratings", "is not an outcome of this survey", "keys that are not outcomes of this survey")
	if !in.Attention.null() {
		n, ok := in.Attention.whole(1, 5)
		switch {
		case !f.attention:
			fields.add("attention", "this survey does not ask an attention check")
		case !ok:
			fields.add("attention", "must be a whole number from 1 to 5")
		default:
			r.Answers[AttentionKey] = strconv.Itoa(n)
		}
	}
	if len(in.Forces) > 0 {
		if !f.forces {
			fields.add("forces", "this survey does not ask the four forces")
		} else {
			if len(r.Forces) != 4 {
				r.Forces = make([]byte, 4)
			}
			for name, v := range in.Forces {
				i := slices.Index(surveys.ForceNames[:], name)
				if i < 0 {
					strayForces.add(name)
					continue
				}
				n, ok := v.whole(1, 10)
				if !ok && !v.null() {
					fields.add("forces."+name, "must be a whole number from 1 to 10")
					continue
				}
				r.Forces[i] = byte(n)
			}
			strayForces.report(&fields, "forces", "is not a force: use push, pull, anxiety and habit",
				"keys that are not forces (use push, pull, anxiety and habit)")
		}
	}
	if len(in.Order) > 0 {
		if msg := f.checkOrder(in.Order); msg != "" {
			fields.add("order", msg)
		} else {
			r.ItemOrder = in.Order
		}
	}
	if in.Complete {
		for _, q := range f.ordered {
			if q.Required && r.Answers[q.Key] == "" && !screenedBy(r, f) {
				if _, bad := fields["answers."+q.Key]; !bad {
					fields.add("answers."+q.Key, "is required")
				}
			}
		}
	}
	return fields
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

// err is the problem.Validation of what was collected, nil for nothing.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &problem.Validation{Fields: p}
}

// merge writes a sent rating into dst, or names field as bad.
func (v RatingValue) merge(dst *byte, field string, fields *problems) {
	switch {
	case !v.sent:
	case v.bad:
		fields.add(field, "must be a whole number from 1 to 5")
	default:
		*dst = v.n
	}
}

// screenedBy tells whether an answer so far ends the survey.
func screenedBy(r *surveys.Response, f *form) bool {
	for _, q := range f.ordered {
		if a, ok := r.Answers[q.Key]; ok && slices.Contains(q.ScreenOut, a) {
			return true
		}
	}
	return false
}

// maxText is the most characters (not bytes) a text answer may hold.
const maxText = 5000

// answer turns a submitted value into the stored text, or says what is wrong.
// An empty value clears the answer.
func answer(q surveys.Question, v Value) (string, string) {
	if v.null() {
		return "", ""
	}
	if v.hasNUL() {
		return "", "must not contain the NUL character (U+0000)"
	}
	switch q.Kind {
	case surveys.KindSingle:
		if v.kind != valText {
			return "", "must be one of the options"
		}
		if v.text == "" {
			return "", ""
		}
		if !slices.Contains(q.Options, v.text) {
			return "", brief(v.text) + " is not one of the options"
		}
		return v.text, ""
	case surveys.KindMulti:
		var picked []string
		switch v.kind {
		case valList:
			picked = v.list
		case valText:
			if v.text != "" {
				picked = strings.SplitN(v.text, ";", len(q.Options)+1)
			}
		default:
			return "", "must be a list of options"
		}
		if len(picked) > len(q.Options) {
			return "", fmt.Sprintf("must pick at most %d options", len(q.Options))
		}
		var out []string
		for _, p := range picked {
			if !slices.Contains(q.Options, p) {
				return "", brief(p) + " is not one of the options"
			}
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		// Keep the question's option order so exports are stable.
		slices.SortFunc(out, func(a, b string) int { return slices.Index(q.Options, a) - slices.Index(q.Options, b) })
		return strings.Join(out, ";"), ""
	case surveys.KindNumber:
		var f float64
		switch v.kind {
		case valNumber:
			f = v.num
		case valText:
			if strings.TrimSpace(v.text) == "" {
				return "", ""
			}
			var err error
			if f, err = strconv.ParseFloat(strings.TrimSpace(v.text), 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
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
	case surveys.KindNPS:
		if v.kind == valText {
			// A form sends text; a script may send either.
			if strings.TrimSpace(v.text) == "" {
				return "", ""
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v.text), 64)
			if err != nil {
				return "", "must be a whole number from 0 to 10"
			}
			v = Number(f)
		}
		n, ok := v.whole(0, 10)
		if !ok {
			return "", "must be a whole number from 0 to 10"
		}
		return strconv.Itoa(n), ""
	default: // text
		if v.kind != valText {
			return "", "must be text"
		}
		// One kind of line break, whatever the browser or file sent: a CSV
		// reader drops a CR before LF even inside quotes, so an answer kept
		// with CRs would not survive an export and import unchanged.
		s := lineBreaks.Replace(strings.TrimSpace(v.text))
		if utf8.RuneCountInString(s) > maxText {
			return "", fmt.Sprintf("must be at most %d characters", maxText)
		}
		return s, ""
	}
}

var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// resumeToken is a response's resume token: its respondent id and a MAC of
// study and respondent under a server-wide secret. Nothing of it is stored:
// the id finds the row through the index every response has anyway, the MAC
// proves the token was made here, and a repeated submission is answered
// with the same token. (A stored, indexed hash of a random token would cost
// every insert a write at a random place in one more index.)
func (s *Store) resumeToken(ctx context.Context, studyID int64, respondentID string) (string, error) {
	mac, err := s.resumeMAC(ctx, studyID, respondentID)
	if err != nil {
		return "", err
	}
	return respondentID + "." + base64.RawURLEncoding.EncodeToString(mac), nil
}

func (s *Store) resumeMAC(ctx context.Context, studyID int64, respondentID string) ([]byte, error) {
	secret, err := s.accounts.Secret(ctx, "resume_secret")
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%d/%s", studyID, respondentID)
	return m.Sum(nil), nil
}

// resumedBy is the respondent a resume token of studyID names, or
// problem.ErrNotFound when the token was not made for that study here.
func (s *Store) resumedBy(ctx context.Context, studyID int64, token string) (string, error) {
	i := strings.LastIndexByte(token, '.')
	if i <= 0 {
		return "", problem.ErrNotFound
	}
	given, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil {
		return "", problem.ErrNotFound
	}
	want, err := s.resumeMAC(ctx, studyID, token[:i])
	if err != nil {
		return "", err
	}
	if !hmac.Equal(given, want) {
		return "", problem.ErrNotFound
	}
	return token[:i], nil
}

// Submit stores a new response (201) or, for a submission_id already seen,
// answers the first result again (created = false). It returns only after the
// response is committed.
func (s *Store) Submit(ctx context.Context, slug string, in Submission) (*SubmitResult, bool, error) {
	return s.submit(ctx, slug, &in)
}

// errRepeated rolls back what a repeated submission claimed before its
// submission_id turned out to be stored already.
var errRepeated = errors.New("repeated submission")

func (s *Store) submit(ctx context.Context, slug string, in *Submission) (*SubmitResult, bool, error) {
	f, err := s.cachedForm(ctx, slug)
	if err != nil {
		return nil, false, err
	}
	if f.status != surveys.StatusOpen && f.status != surveys.StatusClosed {
		return nil, false, problem.ErrNotFound
	}
	now := time.Now().UTC()
	// Respondent ids of link responses grow with time (UUIDv7), so each new
	// one goes at the end of the index on them rather than at a random page.
	r := &surveys.Response{StudyID: f.studyID, RespondentID: uuid.Must(uuid.NewV7()).String(), SubmissionID: &in.SubmissionID,
		Status: surveys.InProgress, Source: surveys.SourceLink, StartedAt: now, UpdatedAt: now, Flags: []string{}, ItemOrder: []string{}}
	fields := f.apply(in, r)
	if in.SubmissionID == "" {
		fields.add("submission_id", "is required (a UUID made by the client)")
	} else if _, err := uuid.Parse(in.SubmissionID); err != nil {
		fields.add("submission_id", "must be a UUID")
	}
	switch {
	case f.status == surveys.StatusClosed:
		return s.repeatOr(ctx, f, in.SubmissionID, surveys.ErrClosed)
	case len(fields) > 0:
		return s.repeatOr(ctx, f, in.SubmissionID, fields.err())
	}
	token, err := s.resumeToken(ctx, f.studyID, r.RespondentID)
	if err != nil {
		return nil, false, err
	}
	var prev *surveys.Response
	err = s.writes.do(ctx, func(b *batch) error {
		if err := b.open(f); err != nil {
			return err
		}
		if in.Invitation != "" {
			// A repeated submission_id answers the first result, even when
			// it carried an invitation that the first one used.
			var first surveys.Response
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
			prev = &surveys.Response{}
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
	if errors.Is(err, surveys.ErrClosed) {
		return s.repeatOr(ctx, f, in.SubmissionID, surveys.ErrClosed) // closed while the write waited
	}
	if err != nil {
		return nil, false, fmt.Errorf("submit to %s: %w", slug, err)
	}
	if prev != nil {
		res, err := s.result(ctx, f, prev, "")
		return res, false, err
	}
	res, err := s.result(ctx, f, r, token)
	return res, true, err
}

// repeatOr answers a submission that cannot be stored. When its
// submission_id was stored before, the answer is that first result, however
// this body differs and even once the study has closed: a browser retrying
// must learn that its answers are kept. Otherwise it is refusal.
func (s *Store) repeatOr(ctx context.Context, f *form, submissionID string, refusal error) (*SubmitResult, bool, error) {
	if _, err := uuid.Parse(submissionID); err != nil {
		return nil, false, refusal // never stored: every stored one is a UUID
	}
	var first surveys.Response
	err := s.db.WithContext(ctx).Where("study_id = ? AND submission_id = ?", f.studyID, submissionID).Take(&first).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, false, refusal
	case err != nil:
		return nil, false, fmt.Errorf("look up submission %s: %w", submissionID, err)
	}
	res, err := s.result(ctx, f, &first, "")
	return res, false, err
}

// Check validates a submission against the published study without storing
// anything: a client's dry run, and the ceiling a load test compares
// submissions against.
func (s *Store) Check(ctx context.Context, slug string, in Submission) error {
	f, err := s.cachedForm(ctx, slug)
	if err != nil {
		return err
	}
	if f.status == surveys.StatusClosed {
		return surveys.ErrClosed
	}
	if f.status != surveys.StatusOpen {
		return problem.ErrNotFound
	}
	return f.apply(&in, &surveys.Response{}).err()
}

// Update merges an autosave or the final page into the response behind a resume token.
func (s *Store) Update(ctx context.Context, slug, token string, in Submission) (*SubmitResult, error) {
	f, err := s.cachedForm(ctx, slug)
	if err != nil {
		return nil, err
	}
	if f.status == surveys.StatusClosed {
		return nil, surveys.ErrClosed
	}
	respondent, err := s.resumedBy(ctx, f.studyID, token)
	if err != nil {
		return nil, err
	}
	var r surveys.Response
	err = s.writes.do(ctx, func(b *batch) error {
		if err := b.open(f); err != nil {
			return err
		}
		r = surveys.Response{}
		if err := b.tx.Where("study_id = ? AND respondent_id = ?", f.studyID, respondent).Take(&r).Error; err != nil {
			return notFound(err)
		}
		if r.Status != surveys.InProgress {
			return fmt.Errorf("%w: this response is already %s", problem.ErrConflict, strings.ReplaceAll(r.Status, "_", " "))
		}
		if err := f.apply(&in, &r).err(); err != nil {
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
		return nil, fmt.Errorf("update response: %w", err)
	}
	return s.result(ctx, f, &r, token)
}

// Resume loads the response behind a resume token, to continue where the
// respondent left off.
func (s *Store) Resume(ctx context.Context, slug, token string) (*surveys.Response, error) {
	f, err := s.form(ctx, slug)
	if err != nil {
		return nil, err
	}
	respondent, err := s.resumedBy(ctx, f.studyID, token)
	if err != nil {
		return nil, err
	}
	var r surveys.Response
	if err := s.db.WithContext(ctx).Where("study_id = ? AND respondent_id = ?", f.studyID, respondent).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// settle decides a response's status: a screener answer or a full quota ends
// it as screened out; a finished one becomes complete with its quality flags.
func (s *Store) settle(ctx context.Context, b *batch, f *form, r *surveys.Response, complete bool) error {
	if screenedBy(r, f) {
		r.Status = surveys.ScreenedOut
	} else if full, err := s.quotaFull(ctx, b, f, r); err != nil {
		return err
	} else if full {
		r.Status = surveys.ScreenedOut
		r.Flags = append(r.Flags, surveys.FlagQuotaFull)
	} else if complete {
		r.Status = surveys.Complete
	}
	if r.Status != surveys.InProgress {
		now := time.Now().UTC()
		r.FinishedAt = &now
	}
	if r.Status == surveys.Complete {
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
func (s *Store) result(ctx context.Context, f *form, r *surveys.Response, token string) (*SubmitResult, error) {
	if token == "" {
		var err error
		if token, err = s.resumeToken(ctx, f.studyID, r.RespondentID); err != nil {
			return nil, err
		}
	}
	res := &SubmitResult{RespondentID: r.RespondentID, Status: r.Status, ResumeToken: token}
	if r.Status != surveys.InProgress && f.redirect != "" {
		res.Redirect = strings.ReplaceAll(f.redirect, "{panel_id}", urlEscape(r.ExternalID))
		res.Redirect = strings.ReplaceAll(res.Redirect, "{status}", r.Status)
	}
	return res, nil
}

func urlEscape(s string) string { return url.QueryEscape(s) }

// insertArgs are r's values for insertResponsesSQL, in responseColumns
// order, encoded as GORM encodes them.
func insertArgs(r *surveys.Response, args []any) []any {
	answers, _ := json.Marshal(r.Answers) // a map of strings always encodes
	order, _ := json.Marshal(r.ItemOrder) // as does a list of strings
	flags, _ := json.Marshal(r.Flags)
	var submissionID, invitationID, finishedAt any
	if r.SubmissionID != nil {
		submissionID = *r.SubmissionID
	}
	if r.InvitationID != nil {
		invitationID = *r.InvitationID
	}
	if r.FinishedAt != nil {
		finishedAt = *r.FinishedAt
	}
	return append(args, r.StudyID, r.RespondentID, submissionID, invitationID, r.ExternalID,
		r.Status, r.Excluded, r.Source, string(answers), r.Ratings, r.Forces, string(order), string(flags),
		r.StartedAt, r.UpdatedAt, finishedAt, r.Seq)
}
