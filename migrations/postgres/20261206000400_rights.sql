-- A young person's rights: each request to see (/mes-donnees) or erase (/oubli) their data is
-- logged here, without who asked or what was kept: only the guild, the kind and the time.
CREATE TABLE rights_requests (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id BIGINT,
    kind     TEXT    NOT NULL,
    at       BIGINT  NOT NULL
);
CREATE INDEX rights_requests_at ON rights_requests (at);
