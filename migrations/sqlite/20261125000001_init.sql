-- First schema: guild settings, the exchange log, alerts and their flags, the outbox, and the
-- gateway catch-up cursors. Ids are Discord snowflakes stored as signed 64-bit integers; times are
-- unix milliseconds UTC.

CREATE TABLE guild_settings (
    guild_id   INTEGER PRIMARY KEY,
    language   TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- One row per exchange (a message scanned, an edit, a staff action). Young people appear only as a
-- keyed pseudonym; message content is never stored here.
CREATE TABLE exchanges (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER,
    channel_id       INTEGER NOT NULL,
    message_id       INTEGER,
    author_pseudonym TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    severity         TEXT    NOT NULL,
    categories       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX exchanges_created_at ON exchanges (created_at);
CREATE INDEX exchanges_author ON exchanges (author_pseudonym);
-- A message delivered twice (a gateway replay and a catch-up) is logged once; an edit that
-- changes the severity is logged again.
CREATE UNIQUE INDEX exchanges_message ON exchanges (message_id, kind, severity);

-- An alert groups the flags of one young person's burst. The author's id is kept so a promeneur
-- can reach them; it is erased with the alert at the end of retention.
CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER,
    channel_id       INTEGER NOT NULL,
    author_id        INTEGER NOT NULL,
    author_pseudonym TEXT    NOT NULL,
    severity         TEXT    NOT NULL,
    categories       TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    message_count    INTEGER NOT NULL,
    last_message_at  INTEGER NOT NULL,
    alert_channel_id INTEGER,
    alert_message_id INTEGER,
    taken_by         INTEGER,
    outcome          TEXT,
    note             TEXT,
    helpline         TEXT,
    escalations      INTEGER NOT NULL DEFAULT 0,
    next_escalation_at INTEGER,
    flagged_at       INTEGER NOT NULL,
    delivered_at     INTEGER,
    taken_at         INTEGER,
    closed_at        INTEGER,
    reopened_at      INTEGER
);
CREATE INDEX alerts_open_author ON alerts (guild_id, author_id, status);
CREATE INDEX alerts_escalation ON alerts (status, next_escalation_at);

-- One flag per flagged message (an edit updates it). The excerpt is what the alert shows.
CREATE TABLE flags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id    INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL UNIQUE,
    channel_id  INTEGER NOT NULL,
    severity    TEXT    NOT NULL,
    categories  TEXT    NOT NULL,
    excerpt     TEXT    NOT NULL,
    matches     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX flags_alert ON flags (alert_id);

-- Effects that must reach Discord, written in the same transaction as the state they follow from.
-- `dedup_key` makes enqueueing idempotent; `locked_until` is a lease so several processes share it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup_key       TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    delivered_at    INTEGER,
    failed_at       INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (delivered_at, failed_at, next_attempt_at);

-- The last message seen per channel, to catch up after a gateway session that could not resume.
CREATE TABLE channel_cursors (
    channel_id      INTEGER PRIMARY KEY,
    guild_id        INTEGER,
    last_message_id INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
