-- +goose Up
-- A share link has a name, so that a study with a link per stakeholder
-- tells them apart in the list (and knows which one to revoke). Links made
-- before have none.
ALTER TABLE shares ADD COLUMN name TEXT NOT NULL DEFAULT '';
