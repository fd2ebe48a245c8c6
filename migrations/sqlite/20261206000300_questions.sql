-- Questions young people ask: openly (a top-level message in a question channel), anonymously
-- (/question anonyme: the bot posts it without a name) or privately (a DM relayed into a staff
-- thread). `asker_id` is kept only where the bot must write back to the young person (anonymous
-- and private questions) and is erased at the end of retention; everywhere else the asker is
-- the keyed pseudonym. `source_message_id` is the young person's message (open) or the first DM
-- (private): unique, so a replayed event opens nothing twice.
CREATE TABLE questions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    version            INTEGER NOT NULL DEFAULT 0,
    guild_id           INTEGER NOT NULL,
    way                TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    asker_pseudonym    TEXT    NOT NULL,
    asker_id           INTEGER,
    source_message_id  INTEGER UNIQUE,
    channel_id         INTEGER NOT NULL,
    message_id         INTEGER,
    thread_id          INTEGER,
    ack_message_id     INTEGER,
    thread_generation  INTEGER NOT NULL DEFAULT 0,
    title              TEXT    NOT NULL,
    taken_by           INTEGER,
    answered_by        INTEGER,
    closed_by          INTEGER,
    outcome            TEXT,
    note               TEXT,
    asked_at           INTEGER NOT NULL,
    taken_at           INTEGER,
    answered_at        INTEGER,
    closed_at          INTEGER,
    reminded_at        INTEGER,
    escalated_at       INTEGER
);
CREATE INDEX questions_thread ON questions (thread_id);
CREATE INDEX questions_waiting ON questions (status, answered_at, asked_at);
CREATE INDEX questions_private_asker ON questions (way, asker_id, status);

-- What was said in a private or anonymous question: kept to relay it (store first, relay after)
-- and redacted at the end of retention. `direction` is 'in' (from the young person) or 'out'
-- (a promeneur's answer); `discord_message_id` is the DM (in) or the interaction (out), unique,
-- so a DM is relayed once however often Discord delivers it.
CREATE TABLE question_messages (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id        INTEGER NOT NULL,
    direction          TEXT    NOT NULL,
    discord_message_id INTEGER NOT NULL UNIQUE,
    author_id          INTEGER,
    signature          TEXT,
    content            TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    relayed_at         INTEGER,
    relay_failed       TEXT
);
CREATE INDEX question_messages_question ON question_messages (question_id);

-- The supervision log of questions: asked, taken, answered (with its delay), closed (with its
-- outcome), reminded, escalated. Staff appear by id, young people never.
CREATE TABLE question_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL,
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    way         TEXT    NOT NULL,
    actor_id    INTEGER,
    detail      TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX question_events_guild_at ON question_events (guild_id, at);

-- An alert raised by an anonymous question never names its asker.
ALTER TABLE alerts ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;
