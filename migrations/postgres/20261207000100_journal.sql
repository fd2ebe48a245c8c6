-- The journal: one append-only entry per exchange and per staff action (issue 13). Young
-- people appear only as their keyed pseudonym (`actor` with `actor_kind` 'young'; NULL once
-- they asked for erasure), staff by Discord id (as text), the bot and the operator unnamed.
-- No content ever: the texts live in their own tables and are redacted at the end of
-- `privacy.retention_days`; entries stay `privacy.journal_retention_days`.
CREATE TABLE journal (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id     BIGINT,
    at           BIGINT  NOT NULL,
    actor_kind   TEXT    NOT NULL,
    actor        TEXT,
    action       TEXT    NOT NULL,
    subject_kind TEXT,
    subject_id   BIGINT,
    channel_id   BIGINT,
    severity     TEXT,
    categories   TEXT,
    way          TEXT,
    outcome      TEXT,
    detail       TEXT,
    -- An entry a replayed event would write again (a message delivered twice) carries a key.
    dedup        TEXT
);
CREATE INDEX journal_guild_at ON journal (guild_id, at);
CREATE INDEX journal_at ON journal (at);
CREATE INDEX journal_actor ON journal (actor);
CREATE UNIQUE INDEX journal_dedup ON journal (dedup);

-- The old log, `exchanges`, moves into the journal (scanned messages with their pseudonyms,
-- staff actions without who acted: it never said), then goes.
INSERT INTO journal (guild_id, at, actor_kind, actor, action, subject_kind, subject_id,
                     channel_id, severity, categories, dedup)
SELECT guild_id, created_at, 'young',
       CASE WHEN author_pseudonym = 'efface' THEN NULL ELSE author_pseudonym END,
       CASE kind WHEN 'message' THEN 'message_scanned' WHEN 'edit' THEN 'message_edited'
                 ELSE 'dm_scanned' END,
       'message', message_id, channel_id, severity, NULLIF(categories, ''),
       'scan:' || message_id || ':' || kind || ':' || severity
  FROM exchanges WHERE kind <> 'staff_action' ORDER BY id;

INSERT INTO journal (guild_id, at, actor_kind, action, channel_id, severity, categories)
SELECT guild_id, created_at, 'staff',
       CASE author_pseudonym
            WHEN 'staff:take' THEN 'alert_taken' WHEN 'staff:close' THEN 'alert_closed'
            WHEN 'staff:reopen' THEN 'alert_reopened' WHEN 'staff:resource_add' THEN 'resource_added'
            WHEN 'staff:resource_edit' THEN 'resource_edited' ELSE 'resource_retired' END,
       channel_id, severity, NULLIF(categories, '')
  FROM exchanges WHERE kind = 'staff_action' ORDER BY id;

-- Alerts already open said when they were flagged; question events say the rest.
INSERT INTO journal (guild_id, at, actor_kind, actor, action, subject_kind, subject_id,
                     channel_id, severity, categories)
SELECT guild_id, flagged_at, 'young',
       CASE WHEN author_pseudonym = 'efface' THEN NULL ELSE author_pseudonym END,
       'alert_flagged', 'alert', id, channel_id, severity, NULLIF(categories, '')
  FROM alerts ORDER BY id;

INSERT INTO journal (guild_id, at, actor_kind, actor, action, subject_kind, subject_id, way,
                     outcome, detail)
SELECT e.guild_id, e.at,
       CASE WHEN e.kind = 'asked' THEN 'young' WHEN e.actor_id IS NULL THEN 'bot' ELSE 'staff' END,
       CASE WHEN e.kind = 'asked' THEN NULLIF(q.asker_pseudonym, 'efface')
            ELSE CAST(e.actor_id AS TEXT) END,
       'question_' || e.kind, 'question', e.question_id, e.way,
       CASE WHEN e.kind = 'closed' THEN q.outcome END, e.detail
  FROM question_events e LEFT JOIN questions q ON q.id = e.question_id ORDER BY e.id;

DROP TABLE exchanges;
