-- The weekly digest reads one guild's week: each table it counts is indexed by guild and time,
-- so a week of a million-entry log is read without a scan.
CREATE INDEX alerts_guild_flagged ON alerts (guild_id, flagged_at);
CREATE INDEX questions_guild_asked ON questions (guild_id, asked_at);
CREATE INDEX resources_guild_created ON resources (guild_id, created_at);
