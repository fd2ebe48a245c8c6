-- Resources promeneurs post for young people. `themes` holds theme ids (data/themes.toml)
-- separated by commas. A retired resource keeps its row (retired_at, retired_by) for the
-- supervision log; its posted embed is deleted. `version` rises with every change, so each
-- refresh of the posted embed has its own outbox entry.
CREATE TABLE resources (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version     BIGINT  NOT NULL,
    guild_id    BIGINT  NOT NULL,
    title       TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    themes      TEXT    NOT NULL,
    author_id   BIGINT  NOT NULL,
    status      TEXT    NOT NULL,
    channel_id  BIGINT,
    message_id  BIGINT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    retired_at  BIGINT,
    retired_by  BIGINT
);
CREATE INDEX resources_guild_status ON resources (guild_id, status);

-- What a resource modal held, between its submission and the theme menu, or until a refused
-- field is corrected; for a new resource, or an edit of `resource_id`. Kept an hour at most.
CREATE TABLE resource_drafts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id    BIGINT  NOT NULL,
    user_id     BIGINT  NOT NULL,
    resource_id BIGINT,
    title       TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX resource_drafts_created_at ON resource_drafts (created_at);
