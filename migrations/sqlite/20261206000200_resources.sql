-- Resources promeneurs post for young people. `themes` holds theme ids (data/themes.toml)
-- separated by commas. A retired resource keeps its row (retired_at, retired_by) for the
-- supervision log; its posted embed is deleted. `version` rises with every change, so each
-- refresh of the posted embed has its own outbox entry.
CREATE TABLE resources (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    guild_id    INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    themes      TEXT    NOT NULL,
    author_id   INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    channel_id  INTEGER,
    message_id  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    retired_at  INTEGER,
    retired_by  INTEGER
);
CREATE INDEX resources_guild_status ON resources (guild_id, status);

-- What a resource modal held, between its submission and the theme menu, or until a refused
-- field is corrected; for a new resource, or an edit of `resource_id`. Kept an hour at most.
CREATE TABLE resource_drafts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    resource_id INTEGER,
    title       TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX resource_drafts_created_at ON resource_drafts (created_at);
