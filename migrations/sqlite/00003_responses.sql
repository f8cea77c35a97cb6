-- +goose Up
CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    study_id    INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    external_id TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    used_at     DATETIME
);
CREATE INDEX invitations_study ON invitations(study_id);

-- One row per respondent. Ratings are packed, two bytes per outcome slot
-- (importance, satisfaction; 0 = no answer), so scoring 100,000 respondents
-- reads 100,000 rows rather than 20 million.
CREATE TABLE responses (
    id            INTEGER PRIMARY KEY,
    study_id      INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    respondent_id TEXT NOT NULL,
    submission_id TEXT,
    resume_hash   TEXT,
    invitation_id INTEGER REFERENCES invitations(id) ON DELETE SET NULL,
    external_id   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('in_progress', 'complete', 'screened_out')),
    excluded      BOOLEAN NOT NULL DEFAULT FALSE,
    source        TEXT NOT NULL CHECK (source IN ('link', 'invite', 'import')),
    answers       TEXT NOT NULL DEFAULT '{}',
    ratings       BLOB NOT NULL,
    forces        BLOB,
    item_order    TEXT NOT NULL DEFAULT '[]',
    flags         TEXT NOT NULL DEFAULT '[]',
    started_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    seq           INTEGER NOT NULL DEFAULT 0,
    finished_at   DATETIME,
    UNIQUE (study_id, respondent_id),
    UNIQUE (study_id, submission_id)
);
CREATE INDEX responses_resume ON responses(resume_hash);
CREATE INDEX responses_study_status ON responses(study_id, status);
-- seq is bumped on every write of a response; a cache of a study's responses
-- reloads only rows with a seq above the highest it holds.
CREATE INDEX responses_study_seq ON responses(study_id, seq);
