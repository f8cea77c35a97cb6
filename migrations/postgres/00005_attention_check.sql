-- +goose Up
-- A study may ask one instructed-response item ("please choose Somewhat
-- important for this item") among its outcomes; a complete response that
-- answers it otherwise is flagged failed_attention. It is part of the survey's
-- structure, so it is set while the study is a draft.
ALTER TABLE studies ADD COLUMN attention_check BOOLEAN NOT NULL DEFAULT FALSE;
