-- +goose Up
-- A saved segmentation is a model as well as a member list: the needs
-- values' standardisation and each segment's centre, as JSON, so that a
-- response that arrives after saving belongs to its nearest segment. Empty
-- for segmentations saved before: those stay member lists.
ALTER TABLE segmentations ADD COLUMN model TEXT NOT NULL DEFAULT '';

