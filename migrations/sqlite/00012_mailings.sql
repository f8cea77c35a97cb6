-- +goose Up
-- E-mail invitations. A mailing sends each recipient one message with a
-- personal invitation link (a row of invitations, so the survey treats it
-- like any single-use link) and reminders later. mail_messages is the queue
-- the sender works through: a message is claimed ('sending') in one committed
-- transaction before it is handed to the SMTP server and marked 'sent' after,
-- so a crash in between leaves it 'sending', which is resolved as 'failed'
-- and never sent again (at most once per message).
CREATE TABLE mailings (
    id         INTEGER PRIMARY KEY,
    study_id   INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX mailings_study ON mailings(study_id);

CREATE TABLE mail_recipients (
    id            INTEGER PRIMARY KEY,
    mailing_id    INTEGER NOT NULL REFERENCES mailings(id) ON DELETE CASCADE,
    study_id      INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    panel_id      TEXT NOT NULL DEFAULT '',
    invitation_id INTEGER REFERENCES invitations(id) ON DELETE SET NULL,
    optout_hash   TEXT NOT NULL UNIQUE,
    UNIQUE (mailing_id, email)
);
CREATE INDEX mail_recipients_invitation ON mail_recipients(invitation_id);

-- A reminder of a mailing, sent now or at send_at; queued_at is set, in the
-- transaction that queues its messages, by the one instance that does so.
CREATE TABLE mail_reminders (
    id         INTEGER PRIMARY KEY,
    mailing_id INTEGER NOT NULL REFERENCES mailings(id) ON DELETE CASCADE,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    send_at    DATETIME NOT NULL,
    queued_at  DATETIME,
    queued     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mail_reminders_due ON mail_reminders(send_at) WHERE queued_at IS NULL;

-- One message to one recipient: the invitation (reminder_id NULL) or a reminder.
CREATE TABLE mail_messages (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES mail_recipients(id) ON DELETE CASCADE,
    reminder_id  INTEGER REFERENCES mail_reminders(id) ON DELETE CASCADE,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   DATETIME NOT NULL,
    claimed_at   DATETIME,
    sent_at      DATETIME,
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_messages_queue ON mail_messages(not_before) WHERE state = 'pending';
CREATE INDEX mail_messages_sending ON mail_messages(claimed_at) WHERE state = 'sending';
CREATE INDEX mail_messages_recipient ON mail_messages(recipient_id);

-- Addresses that asked for no more e-mail about a study.
CREATE TABLE mail_optouts (
    study_id   INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (study_id, email)
);
