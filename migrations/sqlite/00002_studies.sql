-- +goose Up
CREATE TABLE studies (
    id              INTEGER PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES users(id),
    name            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    job_when        TEXT NOT NULL DEFAULT '',
    job_want        TEXT NOT NULL DEFAULT '',
    job_so_that     TEXT NOT NULL DEFAULT '',
    respondent_role TEXT NOT NULL DEFAULT '',
    market_size     DOUBLE PRECISION,
    min_n           INTEGER NOT NULL DEFAULT 30,
    four_forces     BOOLEAN NOT NULL DEFAULT FALSE,
    forces_wording  TEXT NOT NULL DEFAULT '{}',
    language        TEXT NOT NULL DEFAULT 'en',
    intro           TEXT NOT NULL DEFAULT '',
    thanks          TEXT NOT NULL DEFAULT '',
    redirect_url    TEXT NOT NULL DEFAULT '',
    target_n        INTEGER NOT NULL DEFAULT 0,
    slug            TEXT UNIQUE,
    next_slot       INTEGER NOT NULL DEFAULT 0,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    published_at    DATETIME,
    closed_at       DATETIME
);
CREATE INDEX studies_owner ON studies(owner_id);

CREATE TABLE study_members (
    study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (study_id, user_id)
);

CREATE TABLE steps (
    id       INTEGER PRIMARY KEY,
    study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX steps_study ON steps(study_id, position);

-- slot is the outcome's fixed place in every response's ratings vector; it is
-- never reused within a study, so reordering outcomes never moves ratings.
CREATE TABLE outcomes (
    id        INTEGER PRIMARY KEY,
    study_id  INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    step_id   INTEGER REFERENCES steps(id) ON DELETE SET NULL,
    code      TEXT NOT NULL,
    statement TEXT NOT NULL,
    position  INTEGER NOT NULL,
    slot      INTEGER NOT NULL,
    UNIQUE (study_id, code),
    UNIQUE (study_id, slot)
);

CREATE TABLE questions (
    id         INTEGER PRIMARY KEY,
    study_id   INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    text       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('single', 'multi', 'number', 'text', 'nps')),
    options    TEXT NOT NULL DEFAULT '[]',
    required   BOOLEAN NOT NULL DEFAULT FALSE,
    segment    BOOLEAN NOT NULL DEFAULT FALSE,
    screen_out TEXT NOT NULL DEFAULT '[]',
    min_value  DOUBLE PRECISION,
    max_value  DOUBLE PRECISION,
    bands      TEXT NOT NULL DEFAULT '[]',
    quotas     TEXT NOT NULL DEFAULT '{}',
    position   INTEGER NOT NULL,
    UNIQUE (study_id, key)
);
