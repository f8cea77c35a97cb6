-- +goose Up
-- Outcome codes are one code whatever their case ("o01" is O01) everywhere in
-- odi: the wide CSV, the API, the editor. The index says so too, so that two
-- writers racing past the application's check cannot store both.
CREATE UNIQUE INDEX outcomes_study_code_nocase ON outcomes (study_id, code COLLATE NOCASE);
