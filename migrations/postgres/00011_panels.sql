-- +goose Up
-- Panels send respondents to the open link with their panel id and other
-- fields in the URL, and expect them back at one URL per outcome. A study
-- names the URL parameter holding the panel id (panel_param), the other
-- parameters to keep (url_fields, a JSON list) and its end URLs (end_urls, a
-- JSON object keyed complete, screened_out, quota_full). The one redirect a
-- study had becomes its end URL for every outcome, as it was.
ALTER TABLE studies ADD COLUMN panel_param TEXT NOT NULL DEFAULT '';
ALTER TABLE studies ADD COLUMN url_fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE studies ADD COLUMN end_urls TEXT NOT NULL DEFAULT '{}';
UPDATE studies SET end_urls = json_build_object('complete', redirect_url, 'screened_out', redirect_url, 'quota_full', redirect_url)::text
    WHERE redirect_url <> '';
ALTER TABLE studies DROP COLUMN redirect_url;

-- Over quota becomes a status of its own, quota_full, instead of
-- screened_out with a note in flags; the notes go, and a response keeps the
-- URL fields it came with.
ALTER TABLE responses DROP CONSTRAINT responses_status_check;
ALTER TABLE responses ADD CONSTRAINT responses_status_check
    CHECK (status IN ('in_progress', 'complete', 'screened_out', 'quota_full'));
UPDATE responses SET status = 'quota_full' WHERE flags LIKE '%"quota_full"%';
ALTER TABLE responses DROP COLUMN flags;
ALTER TABLE responses ADD COLUMN url_fields TEXT NOT NULL DEFAULT '{}';
-- A panel id finishes a study once: finishing looks its panel id up.
CREATE INDEX responses_study_panel ON responses(study_id, external_id) WHERE external_id <> '';
