package mailing

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
)

// outgoing is a claimed message with what its e-mail needs.
type outgoing struct {
	MessageID   int64
	Attempts    int
	MailingID   int64
	Email       string
	Subject     string
	Body        string
	Slug        string
	IsReminder  bool
	StudyStatus string
	OptedOut    bool
	Finished    bool
}

// claim takes the oldest message due at now for this sender, 'pending' →
// 'sending', in a transaction of its own that is committed before the
// message goes anywhere. The conditional update lets only one of several
// instances sharing a database take it. A message that should no longer go
// (the address opted out, a reminder to someone who has finished since, a
// study closed) is settled there instead, and the next one tried. nil when
// nothing is due.
func (s *Store) claim(ctx context.Context, now time.Time) (*outgoing, error) {
	for {
		var ids []int64
		err := s.db.WithContext(ctx).Model(&Message{}).Where("state = ? AND not_before <= ?", Pending, now).
			Order("id").Limit(1).Pluck("id", &ids).Error
		if err != nil {
			return nil, fmt.Errorf("find a due message: %w", err)
		}
		if len(ids) == 0 {
			return nil, nil
		}
		id := ids[0]
		var out *outgoing
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&Message{}).Where("id = ? AND state = ?", id, Pending).
				Updates(map[string]any{"state": Sending, "claimed_at": now, "attempts": gorm.Expr("attempts + 1")})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // taken by another instance meanwhile
			}
			var o outgoing
			err := tx.Raw(`SELECT m.id AS message_id, m.attempts, r.mailing_id, r.email,
				COALESCE(rm.subject, ml.subject) AS subject, COALESCE(rm.body, ml.body) AS body,
				COALESCE(st.slug, '') AS slug, m.reminder_id IS NOT NULL AS is_reminder, st.status AS study_status,
				EXISTS (SELECT 1 FROM mail_optouts o WHERE o.study_id = r.study_id AND o.email = r.email) AS opted_out,
				EXISTS (SELECT 1 FROM responses x WHERE x.invitation_id = r.invitation_id AND x.status <> ?) AS finished
				FROM mail_messages m JOIN mail_recipients r ON r.id = m.recipient_id
				JOIN mailings ml ON ml.id = r.mailing_id JOIN studies st ON st.id = r.study_id
				LEFT JOIN mail_reminders rm ON rm.id = m.reminder_id WHERE m.id = ?`, surveys.InProgress, id).Scan(&o).Error
			if err != nil {
				return err
			}
			state, why := "", ""
			switch {
			case o.OptedOut:
				state, why = Skipped, "opted out"
			case o.IsReminder && o.Finished:
				state, why = Skipped, "finished the survey"
			case o.StudyStatus != surveys.StatusOpen || o.Slug == "":
				state, why = Failed, "the study was closed before this message was sent"
			}
			if state != "" {
				return tx.Model(&Message{}).Where("id = ?", id).Updates(map[string]any{"state": state, "error": why}).Error
			}
			out = &o
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("claim message %d: %w", id, err)
		}
		if out != nil {
			return out, nil
		}
	}
}

// settle records how sending a claimed message went: sent, failed for
// good (reason), or to be tried again at retry.
func (s *Store) settle(ctx context.Context, id int64, state, reason string, retry time.Time) error {
	now := time.Now().UTC()
	set := map[string]any{"state": state, "error": reason}
	switch state {
	case Sent:
		set["sent_at"] = now
	case Pending:
		set["not_before"] = retry
	}
	// The condition keeps a message that was resolved as interrupted (its
	// claim outlived) from being changed by a sender that was not dead after
	// all, only slow: it is then reported failed, never sent again.
	err := s.db.WithContext(ctx).Model(&Message{}).Where("id = ? AND state = ?", id, Sending).Updates(set).Error
	if err != nil {
		return fmt.Errorf("record message %d as %s: %w", id, state, err)
	}
	return nil
}

// Interrupted is the reason given to a message whose sender stopped between
// claiming it and recording the SMTP server's answer.
const Interrupted = "interrupted while being handed to the SMTP server: it may have been delivered, so it is not sent again"

// recoverClaims resolves the messages claimed before stale and never
// settled: their sender died mid-send. They are failed, not retried, since
// the server may have accepted them: at most once.
func (s *Store) recoverClaims(ctx context.Context, stale time.Time) (int, error) {
	res := s.db.WithContext(ctx).Model(&Message{}).Where("state = ? AND claimed_at < ?", Sending, stale).
		Updates(map[string]any{"state": Failed, "error": Interrupted})
	if res.Error != nil {
		return 0, fmt.Errorf("resolve interrupted messages: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// untilNext is how long the sender may sleep: until the next retry is due,
// never longer than pollEvery, and never so short that a database refusing
// claims is asked again and again at once.
func (s *Store) untilNext(ctx context.Context, now time.Time) time.Duration {
	var next []time.Time
	err := s.db.WithContext(ctx).Model(&Message{}).Where("state = ?", Pending).Order("not_before").Limit(1).Pluck("not_before", &next).Error
	if err != nil || len(next) == 0 {
		return pollEvery
	}
	return min(max(next[0].Sub(now), 100*time.Millisecond), pollEvery)
}
