-- +goose Up
-- Clean data by default. A response's quality flags are worked out from the
-- data whenever it changes, so only the researcher's own decision is stored:
-- '' lets the study's rule decide, 'include' and 'exclude' overrule it. The
-- manual exclusions made so far become 'exclude' decisions.
ALTER TABLE responses ADD COLUMN decision TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'include', 'exclude'));
UPDATE responses SET decision = 'exclude' WHERE excluded;
ALTER TABLE responses DROP COLUMN excluded;

-- Where a response came from, as a keyed hash of the client's network (its
-- /24 or /64), so that the same answers sent twice from one network can be
-- told apart from two people answering alike; the address itself is not kept.
ALTER TABLE responses ADD COLUMN network TEXT NOT NULL DEFAULT '';

-- The flags that exclude a response unless the researcher decides otherwise,
-- as a JSON list; by default all four.
ALTER TABLE studies ADD COLUMN exclude_flags TEXT NOT NULL DEFAULT '["straight_lining","speeding","failed_attention","duplicate"]';

-- How many attention checks a study that asks them asks (one per page, at
-- most three).
ALTER TABLE studies ADD COLUMN attention_checks INTEGER NOT NULL DEFAULT 1;
