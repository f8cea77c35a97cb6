package mailing

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/problem"
)

// ReminderInput is a reminder, as POST …/mailings/{mailing_id}/remind takes
// it. AfterDays schedules it that many days after the mailing was created;
// 0, or a day already past, sends it now.
type ReminderInput struct {
	Subject   string `json:"subject" validate:"required,max=200"`
	Body      string `json:"body" validate:"required,max=20000"`
	AfterDays int    `json:"after_days" validate:"gte=0,lte=365"`
}

// ReminderResult is what a reminder did: Queued messages now, or none yet
// and the time it will go.
type ReminderResult struct {
	ID     int64     `json:"id"`
	Queued int       `json:"queued"`
	SendAt time.Time `json:"send_at"`
}

// Remind queues a reminder of a mailing to its recipients who have not
// finished the survey (completed, screened out or over quota) and have not
// opted out, now or on the day asked for.
func (s *Store) Remind(ctx context.Context, d *surveys.Design, mailingID int64, in ReminderInput) (*ReminderResult, error) {
	if err := checkStudy(d); err != nil {
		return nil, err
	}
	if err := checkText(problem.Check(in), in.Subject, in.Body); err != nil {
		return nil, err
	}
	var m Mailing
	if err := s.db.WithContext(ctx).Where("id = ? AND study_id = ?", mailingID, d.Study.ID).Take(&m).Error; err != nil {
		return nil, fmt.Errorf("mailing %d: %w", mailingID, problem.ErrNotFound)
	}
	now := time.Now().UTC()
	r := Reminder{MailingID: m.ID, Subject: in.Subject, Body: in.Body, SendAt: now}
	if at := m.CreatedAt.AddDate(0, 0, in.AfterDays); at.After(now) {
		r.SendAt = at
	}
	n := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		var err error
		if !r.SendAt.After(now) {
			n, err = queueReminder(tx, r.ID, now)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("remind mailing %d: %w", m.ID, err)
	}
	s.wake()
	return &ReminderResult{ID: r.ID, Queued: n, SendAt: r.SendAt}, nil
}

// queueReminder queues a reminder's messages, unless another instance has:
// only the transaction that sets queued_at queues them.
func queueReminder(tx *gorm.DB, reminderID int64, now time.Time) (int, error) {
	res := tx.Model(&Reminder{}).Where("id = ? AND queued_at IS NULL", reminderID).Update("queued_at", now)
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, res.Error
	}
	res = tx.Exec(`INSERT INTO mail_messages (recipient_id, reminder_id, state, attempts, not_before, error)
		SELECT r.id, rm.id, ?, 0, ?, '' FROM mail_reminders rm
		JOIN mail_recipients r ON r.mailing_id = rm.mailing_id
		JOIN studies st ON st.id = r.study_id AND st.status = ?
		WHERE rm.id = ?
		AND NOT EXISTS (SELECT 1 FROM responses x WHERE x.invitation_id = r.invitation_id AND x.status <> ?)
		AND NOT EXISTS (SELECT 1 FROM mail_optouts o WHERE o.study_id = r.study_id AND o.email = r.email)
		ORDER BY r.id`, Pending, now, surveys.StatusOpen, reminderID, surveys.InProgress)
	if res.Error != nil {
		return 0, res.Error
	}
	n := int(res.RowsAffected)
	return n, tx.Model(&Reminder{}).Where("id = ?", reminderID).Update("queued", n).Error
}

// queueDue queues the scheduled reminders whose day has come.
func (s *Store) queueDue(ctx context.Context, now time.Time) (int, error) {
	var due []int64
	if err := s.db.WithContext(ctx).Model(&Reminder{}).Where("queued_at IS NULL AND send_at <= ?", now).Pluck("id", &due).Error; err != nil {
		return 0, fmt.Errorf("find due reminders: %w", err)
	}
	total := 0
	for _, id := range due {
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			n, err := queueReminder(tx, id, now)
			total += n
			return err
		})
		if err != nil {
			return total, fmt.Errorf("queue reminder %d: %w", id, err)
		}
	}
	return total, nil
}
