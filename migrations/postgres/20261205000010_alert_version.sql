-- Alerts are saved whole by conditional updates on a version (see store/alerts.rs), and record
-- who closed them apart from who took them.
ALTER TABLE alerts ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN closed_by BIGINT;
