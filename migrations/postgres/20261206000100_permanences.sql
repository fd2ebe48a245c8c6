-- Permanences: promeneurs' weekly office hours in the guild's time zone (weekday 0 = Monday,
-- minutes after local midnight, end up to 1440 = 24:00). A retired slot keeps its row
-- (`retired_at`), so its pending announcements and events still resolve.
CREATE TABLE permanences (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id       BIGINT  NOT NULL,
    promeneur_id   BIGINT  NOT NULL,
    promeneur_name TEXT    NOT NULL,
    weekday        BIGINT  NOT NULL,
    start_minute   BIGINT  NOT NULL,
    end_minute     BIGINT  NOT NULL,
    location       TEXT,
    created_by     BIGINT  NOT NULL,
    created_at     BIGINT  NOT NULL,
    retired_at     BIGINT
);
CREATE INDEX permanences_guild ON permanences (guild_id, retired_at);

-- One-day changes: `cancelled`, or `moved` to other hours. `date` is the local date (YYYY-MM-DD).
CREATE TABLE permanence_exceptions (
    slot_id      BIGINT  NOT NULL REFERENCES permanences (id) ON DELETE CASCADE,
    date         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    start_minute BIGINT,
    end_minute   BIGINT,
    created_by   BIGINT  NOT NULL,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (slot_id, date)
);

-- The Discord scheduled event created for one occurrence of a slot (by its UTC start).
CREATE TABLE permanence_events (
    slot_id    BIGINT  NOT NULL REFERENCES permanences (id) ON DELETE CASCADE,
    start_ms   BIGINT  NOT NULL,
    event_id   BIGINT  NOT NULL,
    deleted_at BIGINT,
    PRIMARY KEY (slot_id, start_ms)
);
