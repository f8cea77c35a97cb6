-- +goose Up
-- What the researcher wrote on each segment's canvas (results/canvas.go):
-- a JSON array, one entry per segment in the segmentation's order, with the
-- segment's own job statement, kept verbatims, typed alternatives, success
-- criteria and market size. NULL until the first edit: every segment then
-- shows the study's job and the proposals odi works out from the data.
ALTER TABLE segmentations ADD COLUMN canvases TEXT;

-- A choice question can be the respondents' current solution: the segment
-- canvas shows the shares of its options among each segment's members as
-- the alternatives they hire today.
ALTER TABLE questions ADD COLUMN current_solution BOOLEAN NOT NULL DEFAULT FALSE;
