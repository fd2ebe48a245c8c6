-- Permanences: promeneurs' weekly office hours in the guild's time zone (weekday 0 = Monday,
-- minutes after local midnight, end up to 1440 = 24:00). A retired slot keeps its row
-- (`retired_at`), so its pending announcements and events still resolve.
CREATE TABLE permanences (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id       INTEGER NOT NULL,
    promeneur_id   INTEGER NOT NULL,
    promeneur_name TEXT    NOT NULL,
    weekday        INTEGER NOT NULL,
    start_minute   INTEGER NOT NULL,
    end_minute     INTEGER NOT NULL,
    location       TEXT,
    created_by     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    retired_at     INTEGER
);
CREATE INDEX permanences_guild ON permanences (guild_id, retired_at);

-- One-day changes: `cancelled`, or `moved` to other hours. `date` is the local date (YYYY-MM-DD).
CREATE TABLE permanence_exceptions (
    slot_id      INTEGER NOT NULL REFERENCES permanences (id) ON DELETE CASCADE,
    date         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    start_minute INTEGER,
    end_minute   INTEGER,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (slot_id, date)
);

-- The Discord scheduled event created for one occurrence of a slot (by its UTC start).
CREATE TABLE permanence_events (
    slot_id    INTEGER NOT NULL REFERENCES permanences (id) ON DELETE CASCADE,
    start_ms   INTEGER NOT NULL,
    event_id   INTEGER NOT NULL,
    deleted_at INTEGER,
    PRIMARY KEY (slot_id, start_ms)
);
