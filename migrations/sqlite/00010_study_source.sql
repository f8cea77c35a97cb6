-- +goose Up
-- Where a study's responses came from: 'survey', fielded through odi's own
-- link, or 'import', a study made from another tool's export, closed from
-- the start because it has no fieldwork of its own.
ALTER TABLE studies ADD COLUMN source TEXT NOT NULL DEFAULT 'survey' CHECK (source IN ('survey', 'import'));
