-- +goose Up
-- A study's raking targets: per profile question key, the population's
-- share of each option (JSON), and the largest weight allowed (NULL for no
-- cap). Only the targets are kept: the weights are raked again from them
-- over the responses counted at the time of each analysis, so responses
-- arriving later are weighted too (docs/scoring.md, "Weighting").
CREATE TABLE weightings (
    study_id   BIGINT PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
    targets    TEXT NOT NULL,
    max_weight DOUBLE PRECISION,
    updated_at TIMESTAMPTZ NOT NULL
);
