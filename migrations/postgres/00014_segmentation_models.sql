-- +goose Up
-- A saved segmentation is a model as well as a member list: the needs
-- values' standardisation and each segment's centre, as JSON, so that a
-- response that arrives after saving belongs to its nearest segment. Empty
-- for segmentations saved before: those stay member lists.
ALTER TABLE segmentations ADD COLUMN model TEXT NOT NULL DEFAULT '';


-- A segmentation's typing tool, as JSON: the few ratings that tell its
-- segments apart and the discriminant that assigns anyone from them; none
-- (NULL) until one is made.
ALTER TABLE segmentations ADD COLUMN typing_tool TEXT;
