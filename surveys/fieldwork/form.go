package fieldwork

import (
	"context"
	"sync"
	"time"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// form is a published study compiled for checking submissions quickly. A
// published study's structure is locked, so it only changes with updated_at.
type form struct {
	studyID   int64
	updatedAt time.Time
	status    string
	slots     map[string]int    // outcome code -> slot
	asks      map[string]string // outcome code -> the one scale it asks; none for outcomes asking both
	codes     []string          // in survey order
	nSlots    int
	slotList  []int // every outcome's slot, for loops that need no codes
	questions map[string]surveys.Question
	ordered   []surveys.Question
	forces    bool
	checks    int                 // how many attention checks the survey asks
	roleKey   string              // the role question's key, "" for none
	roles     map[string][]string // outcome code -> the roles it is asked of; none for outcomes asked of every role
	panel     panelLink
	survey    *Survey
	typing    *results.TypingSurvey // the classifier of a typing survey; nil for other studies
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
	typing, err := results.TypingSurveyOf(ctx, s.db, st.ID)
	if err != nil {
		return nil, err
	}
	f = &form{studyID: st.ID, updatedAt: st.UpdatedAt, status: st.Status, slots: map[string]int{},
		questions: map[string]surveys.Question{}, ordered: d.Questions, forces: st.FourForces, checks: d.ChecksAsked(),
		panel: panelLink{fields: st.URLFields, ends: st.EndURLs}, survey: build(d), typing: typing, roleKey: st.RoleQuestion}
	for _, o := range d.Outcomes {
		f.slots[o.Code] = o.Slot
		f.codes = append(f.codes, o.Code)
		f.slotList = append(f.slotList, o.Slot)
		if o.Ask == ScaleImportance || o.Ask == ScaleSatisfaction {
			if f.asks == nil {
				f.asks = map[string]string{}
			}
			f.asks[o.Code] = o.Ask
		}
		if len(o.Roles) > 0 {
			if f.roles == nil {
				f.roles = map[string][]string{}
			}
			f.roles[o.Code] = o.Roles
		}
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
func Preview(d *surveys.Design) *Survey { return build(d) }
