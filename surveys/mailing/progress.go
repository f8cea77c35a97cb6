package mailing

import (
	"context"
	"fmt"
	"time"

	"odi/surveys"
	"odi/surveys/problem"
)

// Progress is how a mailing is going, as GET …/mailings/{mailing_id}
// answers. Pending, Sent, Failed and Skipped count the mailing's own
// messages, one per recipient; Started counts the recipients who opened
// their link and began (those who completed included), Completed those who
// completed, OptedOut those who asked for no more e-mail about the study.
type Progress struct {
	ID         int64              `json:"id"`
	Subject    string             `json:"subject"`
	CreatedAt  time.Time          `json:"created_at"`
	Recipients int                `json:"recipients"`
	Pending    int                `json:"pending"`
	Sent       int                `json:"sent"`
	Failed     int                `json:"failed"`
	Skipped    int                `json:"skipped"`
	Started    int                `json:"started"`
	Completed  int                `json:"completed"`
	OptedOut   int                `json:"opted_out"`
	Reminders  []ReminderProgress `json:"reminders"`
	Failures   []Failure          `json:"failures"`
}

// ReminderProgress is one reminder: when it goes, and its messages so far.
type ReminderProgress struct {
	ID      int64      `json:"id"`
	Subject string     `json:"subject"`
	SendAt  time.Time  `json:"send_at"`
	Queued  *time.Time `json:"queued_at"`
	Pending int        `json:"pending"`
	Sent    int        `json:"sent"`
	Failed  int        `json:"failed"`
	Skipped int        `json:"skipped"`
}

// Failure is a message that could not be sent, and why.
type Failure struct {
	Email    string `json:"email"`
	Reminder bool   `json:"reminder"`
	Attempts int    `json:"attempts"`
	Reason   string `json:"reason"`
}

// maxFailures bounds the failures listed with a mailing's progress: enough
// to see what went wrong, not a copy of the list.
const maxFailures = 100

// Mailings is every mailing of a study with its progress, newest first.
func (s *Store) Mailings(ctx context.Context, d *surveys.Design) ([]Progress, error) {
	studyID := d.Study.ID
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&Mailing{}).Where("study_id = ?", studyID).Order("id DESC").Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("list mailings of study %d: %w", studyID, err)
	}
	out := make([]Progress, 0, len(ids))
	for _, id := range ids {
		p, err := s.Progress(ctx, d, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// Progress counts a mailing of a study's messages, responses and opt-outs.
func (s *Store) Progress(ctx context.Context, d *surveys.Design, mailingID int64) (*Progress, error) {
	db := s.db.WithContext(ctx)
	var m Mailing
	if err := db.Where("id = ? AND study_id = ?", mailingID, d.Study.ID).Take(&m).Error; err != nil {
		return nil, fmt.Errorf("mailing %d: %w", mailingID, problem.ErrNotFound)
	}
	p := Progress{ID: m.ID, Subject: m.Subject, CreatedAt: m.CreatedAt, Reminders: []ReminderProgress{}, Failures: []Failure{}}
	err := db.Raw(`SELECT COUNT(*) AS recipients,
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM responses x WHERE x.invitation_id = r.invitation_id) THEN 1 ELSE 0 END), 0) AS started,
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM responses x WHERE x.invitation_id = r.invitation_id AND x.status = 'complete') THEN 1 ELSE 0 END), 0) AS completed,
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM mail_optouts o WHERE o.study_id = r.study_id AND o.email = r.email) THEN 1 ELSE 0 END), 0) AS opted_out
		FROM mail_recipients r WHERE r.mailing_id = ?`, m.ID).Row().Scan(&p.Recipients, &p.Started, &p.Completed, &p.OptedOut)
	if err != nil {
		return nil, fmt.Errorf("count recipients of mailing %d: %w", m.ID, err)
	}
	var states []struct {
		ReminderID *int64
		State      string
		N          int
	}
	err = db.Raw(`SELECT m.reminder_id, m.state, COUNT(*) AS n FROM mail_messages m
		JOIN mail_recipients r ON r.id = m.recipient_id WHERE r.mailing_id = ? GROUP BY m.reminder_id, m.state`, m.ID).Scan(&states).Error
	if err != nil {
		return nil, fmt.Errorf("count messages of mailing %d: %w", m.ID, err)
	}
	var reminders []Reminder
	if err := db.Where("mailing_id = ?", m.ID).Order("send_at, id").Find(&reminders).Error; err != nil {
		return nil, fmt.Errorf("reminders of mailing %d: %w", m.ID, err)
	}
	at := map[int64]int{}
	for i, r := range reminders {
		p.Reminders = append(p.Reminders, ReminderProgress{ID: r.ID, Subject: r.Subject, SendAt: r.SendAt, Queued: r.QueuedAt})
		at[r.ID] = i
	}
	for _, st := range states {
		pending, sent, failed, skipped := &p.Pending, &p.Sent, &p.Failed, &p.Skipped
		if st.ReminderID != nil {
			r := &p.Reminders[at[*st.ReminderID]]
			pending, sent, failed, skipped = &r.Pending, &r.Sent, &r.Failed, &r.Skipped
		}
		switch st.State {
		case Pending, Sending: // sending is a moment, or a crash being resolved: not yet known
			*pending += st.N
		case Sent:
			*sent += st.N
		case Failed:
			*failed += st.N
		case Skipped:
			*skipped += st.N
		}
	}
	err = db.Raw(`SELECT r.email, m.reminder_id IS NOT NULL AS reminder, m.attempts, m.error AS reason FROM mail_messages m
		JOIN mail_recipients r ON r.id = m.recipient_id WHERE r.mailing_id = ? AND m.state = ? ORDER BY m.id LIMIT ?`,
		m.ID, Failed, maxFailures).Scan(&p.Failures).Error
	if err != nil {
		return nil, fmt.Errorf("failures of mailing %d: %w", m.ID, err)
	}
	return &p, nil
}
