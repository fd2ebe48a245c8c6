-- Under a flood the graver effect goes first: entries are claimed by priority (0 first: a
-- helpline card, then critical alerts ... then edits), then in order of arrival.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 5;
CREATE INDEX outbox_due_priority ON outbox (delivered_at, failed_at, priority, id);
