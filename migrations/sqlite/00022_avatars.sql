-- +goose Up
-- Avatars: a study may name one of its single-choice profile questions as
-- the role question (job executor, job beneficiary, product lifecycle
-- support, purchase decision-maker, or the study's own roles), and each
-- outcome may be asked of some of its options only: a JSON array of option
-- values, [] for every role. The survey routes each respondent to the
-- outcomes of their role (fieldwork/flow.go); results count each outcome
-- over those it was asked of.
ALTER TABLE studies ADD COLUMN role_question TEXT NOT NULL DEFAULT '';
ALTER TABLE outcomes ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
