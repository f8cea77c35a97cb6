// Package mailing sends a study's invitations by e-mail: a mailing gives each
// recipient a personal single-use survey link (a row of the invitations
// table, so the survey treats it like any invitation) and a one-click
// opt-out, reminders go to those who have not finished, and the messages
// wait in a queue in the database that a Sender works through over SMTP.
//
// A message is sent at most once. The sender claims it ('pending' →
// 'sending') in a committed transaction before handing it to the SMTP
// server and marks it 'sent' (or 'failed', or 'pending' again for a retry)
// after. A message still 'sending' when its claim has expired was in the
// hands of an instance that died between the two: it may or may not have
// reached the server, so it is recorded as failed with that reason and never
// sent again. No other message is lost: anything 'pending' is sent after a
// restart.
package mailing

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
)

// Message states.
const (
	Pending = "pending"
	Sending = "sending"
	Sent    = "sent"
	Failed  = "failed"
	Skipped = "skipped" // opted out, or finished the survey before a reminder went
)

// MaxRecipients bounds one mailing, as invitations are bounded.
const MaxRecipients = 100000

// Mailing is one e-mail sent to a list of recipients of a study.
type Mailing struct {
	ID        int64
	StudyID   int64
	Subject   string
	Body      string
	CreatedAt time.Time
}

// Recipient is one address of a mailing, with its invitation.
type Recipient struct {
	ID           int64
	MailingID    int64
	StudyID      int64
	Email        string
	PanelID      string
	InvitationID *int64
	OptoutHash   string
}

func (Recipient) TableName() string { return "mail_recipients" }

// Reminder is a mailing's later message to those who have not finished.
type Reminder struct {
	ID        int64
	MailingID int64
	Subject   string
	Body      string
	SendAt    time.Time
	QueuedAt  *time.Time
	Queued    int
}

func (Reminder) TableName() string { return "mail_reminders" }

// Message is one e-mail to one recipient, as the queue holds it.
type Message struct {
	ID          int64
	RecipientID int64
	ReminderID  *int64 // nil: the mailing's own message
	State       string
	Attempts    int
	NotBefore   time.Time
	ClaimedAt   *time.Time
	SentAt      *time.Time
	Error       string
}

func (Message) TableName() string { return "mail_messages" }

type optOut struct {
	StudyID   int64
	Email     string
	CreatedAt time.Time
}

func (optOut) TableName() string { return "mail_optouts" }

// Input is a new mailing, as POST /api/v1/studies/{id}/mailings takes it.
type Input struct {
	Subject    string           `json:"subject" validate:"required,max=200"`
	Body       string           `json:"body" validate:"required,max=20000"`
	Recipients []RecipientInput `json:"recipients" validate:"required,min=1,max=100000,dive"`
}

// RecipientInput is one address to send to, with the panel's id for them.
type RecipientInput struct {
	Email   string `json:"email" validate:"required,email,max=254"`
	PanelID string `json:"panel_id" validate:"max=200"`
}

// LinkPlaceholder is where a message's body gets the recipient's own link.
const LinkPlaceholder = "{link}"

// Store keeps the mailings in the database of a surveys.Store.
type Store struct {
	db       *gorm.DB
	dialect  string
	accounts *accounts.Store
	queued   chan struct{} // wakes the Sender when something was queued
}

// New keeps mailings beside the studies of studies.
func New(studies *surveys.Store) *Store {
	return &Store{db: studies.DB(), dialect: studies.Dialect(), accounts: studies.Accounts(), queued: make(chan struct{}, 1)}
}

func (s *Store) wake() {
	select {
	case s.queued <- struct{}{}:
	default:
	}
}

// Create queues a mailing of an open study: one invitation and one message
// per distinct address (compared without case). An address that opted out
// of the study is kept as a recipient whose message is skipped.
func (s *Store) Create(ctx context.Context, d *surveys.Design, in Input) (int64, error) {
	if err := checkStudy(d); err != nil {
		return 0, err
	}
	for i := range in.Recipients {
		in.Recipients[i].Email = strings.ToLower(strings.TrimSpace(in.Recipients[i].Email))
		in.Recipients[i].PanelID = strings.TrimSpace(in.Recipients[i].PanelID)
	}
	if err := checkText(problem.Check(in), in.Subject, in.Body); err != nil {
		return 0, err
	}
	secret, err := s.accounts.Secret(ctx, "mail_secret")
	if err != nil {
		return 0, err
	}
	now := time.Now().UTC()
	m := Mailing{StudyID: d.Study.ID, Subject: in.Subject, Body: in.Body, CreatedAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, r := range in.Recipients {
			if seen[r.Email] {
				continue
			}
			seen[r.Email] = true
			inv := fieldwork.Invitation{StudyID: m.StudyID, ExternalID: r.PanelID, CreatedAt: now,
				TokenHash: accounts.HashSecret(token(secret, "invite", m.ID, r.Email))}
			if err := tx.Create(&inv).Error; err != nil {
				return err
			}
			rec := Recipient{MailingID: m.ID, StudyID: m.StudyID, Email: r.Email, PanelID: r.PanelID, InvitationID: &inv.ID,
				OptoutHash: accounts.HashSecret(token(secret, "optout", m.ID, r.Email))}
			if err := tx.Create(&rec).Error; err != nil {
				return err
			}
			if err := tx.Create(&Message{RecipientID: rec.ID, State: Pending, NotBefore: now}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("create mailing of study %d: %w", d.Study.ID, err)
	}
	s.wake()
	return m.ID, nil
}

func checkStudy(d *surveys.Design) error {
	if d.Study.Status != surveys.StatusOpen || d.Study.Slug == nil {
		return fmt.Errorf("%w: the study is not open: the links in the e-mail lead to its survey, which takes answers only while the study is open", problem.ErrConflict)
	}
	return nil
}

// checkText adds to the tags' verdict (tagged) what they cannot say: a
// subject is one line, and the body has the personal link every message
// must carry.
func checkText(tagged error, subject, body string) error {
	var l problem.List
	if err := l.Merge(tagged); err != nil {
		return err
	}
	if strings.ContainsAny(subject, "\r\n") {
		l.Add("subject", "must be one line")
	}
	if !strings.Contains(body, LinkPlaceholder) {
		l.Add("body", "must contain {link}, where each recipient's personal survey link goes")
	}
	return l.Err()
}

// token is the secret of a recipient's invitation or opt-out link, derived
// rather than stored so that each message, reminders included, can carry it
// again while the database keeps only its hash.
func token(secret []byte, purpose string, mailingID int64, email string) string {
	mac := hmac.New(sha256.New, secret)
	fmt.Fprintf(mac, "%s:%d:%s", purpose, mailingID, email)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
