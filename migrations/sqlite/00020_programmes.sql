-- +goose Up
-- A programme groups studies asked of one population, one job each, so that
-- the people who answered several of them (linked by panel id or invitation
-- e-mail) can be counted across jobs. It belongs to the researcher who made
-- it; surveys/programme reads it.
CREATE TABLE programmes (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX programmes_owner ON programmes(owner_id);

-- The studies of a programme, in the order the researcher gave them. A
-- deleted study leaves its programmes.
CREATE TABLE programme_studies (
    programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    study_id     INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    PRIMARY KEY (programme_id, study_id)
);
CREATE INDEX programme_studies_study ON programme_studies(study_id);
