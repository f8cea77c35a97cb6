-- +goose Up
-- Once a study is published its structure is locked, but its wording may
-- still be fixed (a typo in a statement or a question). Each such fix is
-- kept here, so the Fieldwork tab and the workbook can say what respondents
-- saw before it and when it changed.
CREATE TABLE study_changes (
    id         INTEGER PRIMARY KEY,
    study_id   INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    user_email TEXT NOT NULL,
    at         DATETIME NOT NULL,
    what       TEXT NOT NULL,
    old_text   TEXT NOT NULL,
    new_text   TEXT NOT NULL
);
CREATE INDEX study_changes_study ON study_changes(study_id);
