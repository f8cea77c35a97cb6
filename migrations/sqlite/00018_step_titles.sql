-- +goose Up
-- A job step has a title for respondents, apart from the researcher's name
-- for it: respondents should read "Getting ready", not the job map's
-- "Define". Empty means odi's default title for a default step, else the
-- step's name.
ALTER TABLE steps ADD COLUMN title TEXT NOT NULL DEFAULT '';
