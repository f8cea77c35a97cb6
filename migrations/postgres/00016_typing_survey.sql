-- +goose Up
-- Which ratings the survey asks of an outcome: both, as every outcome did
-- until now, or only importance or only satisfaction, as a typing survey
-- asks exactly the ratings of its typing tool.
ALTER TABLE outcomes ADD COLUMN ask TEXT NOT NULL DEFAULT 'both'
    CHECK (ask IN ('both', 'importance', 'satisfaction'));

-- A typing survey is a study made from a segmentation's typing tool: its
-- respondents are assigned a segment with the tool as it was when the survey
-- was made (tool, as JSON, its items in the typing survey's own outcome
-- slots; labels, the segments' names then), so refitting the segmentation's
-- tool later changes nothing for answers already given. The survey outlives
-- the segmentation it came from.
CREATE TABLE typing_surveys (
    study_id        BIGINT PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
    segmentation_id BIGINT REFERENCES segmentations(id) ON DELETE SET NULL,
    labels          TEXT NOT NULL,
    tool            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX typing_surveys_segmentation ON typing_surveys(segmentation_id);
