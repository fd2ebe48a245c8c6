-- Questions young people ask: openly (a top-level message in a question channel), anonymously
-- (/question anonyme: the bot posts it without a name) or privately (a DM relayed into a staff
-- thread). `asker_id` is kept only where the bot must write back to the young person (anonymous
-- and private questions) and is erased at the end of retention; everywhere else the asker is
-- the keyed pseudonym. `source_message_id` is the young person's message (open) or the first DM
-- (private): unique, so a replayed event opens nothing twice.
CREATE TABLE questions (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version            BIGINT NOT NULL DEFAULT 0,
    guild_id           BIGINT NOT NULL,
    way                TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    asker_pseudonym    TEXT    NOT NULL,
    asker_id           BIGINT,
    source_message_id  BIGINT UNIQUE,
    channel_id         BIGINT NOT NULL,
    message_id         BIGINT,
    thread_id          BIGINT,
    ack_message_id     BIGINT,
    thread_generation  BIGINT NOT NULL DEFAULT 0,
    title              TEXT    NOT NULL,
    taken_by           BIGINT,
    answered_by        BIGINT,
    closed_by          BIGINT,
    outcome            TEXT,
    note               TEXT,
    asked_at           BIGINT NOT NULL,
    taken_at           BIGINT,
    answered_at        BIGINT,
    closed_at          BIGINT,
    reminded_at        BIGINT,
    escalated_at       BIGINT
);
CREATE INDEX questions_thread ON questions (thread_id);
CREATE INDEX questions_waiting ON questions (status, answered_at, asked_at);
CREATE INDEX questions_private_asker ON questions (way, asker_id, status);

-- What was said in a private or anonymous question: kept to relay it (store first, relay after)
-- and redacted at the end of retention. `direction` is 'in' (from the young person) or 'out'
-- (a promeneur's answer); `discord_message_id` is the DM (in) or the interaction (out), unique,
-- so a DM is relayed once however often Discord delivers it.
CREATE TABLE question_messages (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id        BIGINT NOT NULL,
    direction          TEXT    NOT NULL,
    discord_message_id BIGINT NOT NULL UNIQUE,
    author_id          BIGINT,
    signature          TEXT,
    content            TEXT    NOT NULL,
    created_at         BIGINT NOT NULL,
    relayed_at         BIGINT,
    relay_failed       TEXT
);
CREATE INDEX question_messages_question ON question_messages (question_id);

-- The supervision log of questions: asked, taken, answered (with its delay), closed (with its
-- outcome), reminded, escalated. Staff appear by id, young people never.
CREATE TABLE question_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id BIGINT NOT NULL,
    guild_id    BIGINT NOT NULL,
    kind        TEXT    NOT NULL,
    way         TEXT    NOT NULL,
    actor_id    BIGINT,
    detail      TEXT,
    at          BIGINT NOT NULL
);
CREATE INDEX question_events_guild_at ON question_events (guild_id, at);

-- An alert raised by an anonymous question never names its asker.
ALTER TABLE alerts ADD COLUMN anonymous BIGINT NOT NULL DEFAULT 0;
