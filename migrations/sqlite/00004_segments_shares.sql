-- +goose Up
-- A needs-based segmentation discovered from the ratings and saved under a
-- key, usable wherever a profile question key is.
CREATE TABLE segmentations (
    id         INTEGER PRIMARY KEY,
    study_id   INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    labels     TEXT NOT NULL,
    members    TEXT NOT NULL,
    silhouette DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL,
    UNIQUE (study_id, key)
);

-- Read-only links for stakeholders; only the token's hash is stored.
CREATE TABLE shares (
    id                INTEGER PRIMARY KEY,
    study_id          INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    token_hash        TEXT NOT NULL UNIQUE,
    segment_by        TEXT NOT NULL DEFAULT '',
    include_responses BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at        DATETIME,
    revoked_at        DATETIME,
    last_access_at    DATETIME,
    created_at        DATETIME NOT NULL
);
CREATE INDEX shares_study ON shares(study_id);
