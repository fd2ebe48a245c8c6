-- First schema: guild settings, the exchange log, alerts and their flags, the outbox, and the
-- gateway catch-up cursors. Ids are Discord snowflakes stored as signed 64-bit integers; times are
-- unix milliseconds UTC.

CREATE TABLE guild_settings (
    guild_id   BIGINT PRIMARY KEY,
    language   TEXT    NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row per exchange (a message scanned, an edit, a staff action). Young people appear only as a
-- keyed pseudonym; message content is never stored here.
CREATE TABLE exchanges (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id         BIGINT,
    channel_id       BIGINT NOT NULL,
    message_id       BIGINT,
    author_pseudonym TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    severity         TEXT    NOT NULL,
    categories       TEXT    NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX exchanges_created_at ON exchanges (created_at);
CREATE INDEX exchanges_author ON exchanges (author_pseudonym);
-- A message delivered twice (a gateway replay and a catch-up) is logged once; an edit that
-- changes the severity is logged again.
CREATE UNIQUE INDEX exchanges_message ON exchanges (message_id, kind, severity);

-- An alert groups the flags of one young person's burst. The author's id is kept so a promeneur
-- can reach them; it is erased with the alert at the end of retention.
CREATE TABLE alerts (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id         BIGINT,
    channel_id       BIGINT NOT NULL,
    author_id        BIGINT NOT NULL,
    author_pseudonym TEXT    NOT NULL,
    severity         TEXT    NOT NULL,
    categories       TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    message_count    BIGINT NOT NULL,
    last_message_at  BIGINT NOT NULL,
    alert_channel_id BIGINT,
    alert_message_id BIGINT,
    taken_by         BIGINT,
    outcome          TEXT,
    note             TEXT,
    helpline         TEXT,
    escalations      BIGINT NOT NULL DEFAULT 0,
    next_escalation_at BIGINT,
    flagged_at       BIGINT NOT NULL,
    delivered_at     BIGINT,
    taken_at         BIGINT,
    closed_at        BIGINT,
    reopened_at      BIGINT
);
CREATE INDEX alerts_open_author ON alerts (guild_id, author_id, status);
CREATE INDEX alerts_escalation ON alerts (status, next_escalation_at);

-- One flag per flagged message (an edit updates it). The excerpt is what the alert shows.
CREATE TABLE flags (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id    BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    message_id  BIGINT NOT NULL UNIQUE,
    channel_id  BIGINT NOT NULL,
    severity    TEXT    NOT NULL,
    categories  TEXT    NOT NULL,
    excerpt     TEXT    NOT NULL,
    matches     TEXT    NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX flags_alert ON flags (alert_id);

-- Effects that must reach Discord, written in the same transaction as the state they follow from.
-- `dedup_key` makes enqueueing idempotent; `locked_until` is a lease so several processes share it.
CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key       TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT,
    delivered_at    BIGINT,
    failed_at       BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (delivered_at, failed_at, next_attempt_at);

-- The last message seen per channel, to catch up after a gateway session that could not resume.
CREATE TABLE channel_cursors (
    channel_id      BIGINT PRIMARY KEY,
    guild_id        BIGINT,
    last_message_id BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
