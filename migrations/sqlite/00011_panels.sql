-- +goose Up
-- Panels send respondents to the open link with their panel id and other
-- fields in the URL, and expect them back at one URL per outcome. A study
-- names the URL parameter holding the panel id (panel_param), the other
-- parameters to keep (url_fields, a JSON list) and its end URLs (end_urls, a
-- JSON object keyed complete, screened_out, quota_full). The one redirect a
-- study had becomes its end URL for every outcome, as it was.
ALTER TABLE studies ADD COLUMN panel_param TEXT NOT NULL DEFAULT '';
ALTER TABLE studies ADD COLUMN url_fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE studies ADD COLUMN end_urls TEXT NOT NULL DEFAULT '{}';
UPDATE studies SET end_urls = json_object('complete', redirect_url, 'screened_out', redirect_url, 'quota_full', redirect_url)
    WHERE redirect_url <> '';
ALTER TABLE studies DROP COLUMN redirect_url;

-- Over quota becomes a status of its own, quota_full, instead of
-- screened_out with a note in flags; the notes go, and a response keeps the
-- URL fields it came with. SQLite changes a CHECK constraint only by
-- rebuilding the table; nothing references responses, so the copy is
-- plain.
CREATE TABLE responses_new (
    id            INTEGER PRIMARY KEY,
    study_id      INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    respondent_id TEXT NOT NULL,
    submission_id TEXT,
    invitation_id INTEGER REFERENCES invitations(id) ON DELETE SET NULL,
    external_id   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('in_progress', 'complete', 'screened_out', 'quota_full')),
    source        TEXT NOT NULL CHECK (source IN ('link', 'invite', 'import')),
    answers       TEXT NOT NULL DEFAULT '{}',
    ratings       BLOB NOT NULL,
    forces        BLOB,
    item_order    TEXT NOT NULL DEFAULT '[]',
    url_fields    TEXT NOT NULL DEFAULT '{}',
    started_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    seq           INTEGER NOT NULL DEFAULT 0,
    finished_at   DATETIME,
    decision      TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'include', 'exclude')),
    network       TEXT NOT NULL DEFAULT '',
    UNIQUE (study_id, respondent_id),
    UNIQUE (study_id, submission_id)
);
INSERT INTO responses_new (id, study_id, respondent_id, submission_id, invitation_id, external_id, status, source,
        answers, ratings, forces, item_order, started_at, updated_at, seq, finished_at, decision, network)
    SELECT id, study_id, respondent_id, submission_id, invitation_id, external_id,
        CASE WHEN flags LIKE '%"quota_full"%' THEN 'quota_full' ELSE status END, source,
        answers, ratings, forces, item_order, started_at, updated_at, seq, finished_at, decision, network
    FROM responses;
DROP TABLE responses;
ALTER TABLE responses_new RENAME TO responses;
CREATE INDEX responses_study_status ON responses(study_id, status);
CREATE INDEX responses_study_seq ON responses(study_id, seq);
-- A panel id finishes a study once: finishing looks its panel id up.
CREATE INDEX responses_study_panel ON responses(study_id, external_id) WHERE external_id <> '';
