-- Keyword rules a guild's coordinators add from Discord (/motcle), compiled apart from the
-- shipped rules. `kind` is `term` (the shipped terms' syntax, `*` for a prefix or suffix) or
-- `regex` (run on the normalised text). `status`: `pending` (tried against the labelled
-- harmless lines, it would flag some: waits for the coordinator's confirmation), `active`,
-- `removed` (kept with who removed it and when, for the supervision log).
CREATE TABLE guild_rules (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id    BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    term        TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    exception   TEXT,
    status      TEXT    NOT NULL,
    added_by    BIGINT  NOT NULL,
    added_at    BIGINT  NOT NULL,
    removed_by  BIGINT,
    removed_at  BIGINT
);
CREATE INDEX guild_rules_guild_status ON guild_rules (guild_id, status);

-- One counter per guild, raised in the same transaction as every change of its active rules:
-- each process polls it and recompiles a guild's set when it moved.
CREATE TABLE guild_rule_versions (
    guild_id    BIGINT  PRIMARY KEY,
    version     BIGINT  NOT NULL
);
