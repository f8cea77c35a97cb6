-- +goose Up
-- Resume tokens are now a respondent id and a MAC under a server secret
-- (surveys.Store.resumeToken), found through the index on respondent ids:
-- their stored hash, and the index that cost every insert a write at a
-- random page, go. Tokens handed out before this no longer resume.
DROP INDEX responses_resume;
ALTER TABLE responses DROP COLUMN resume_hash;
