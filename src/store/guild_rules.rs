//! A guild's own keyword rules (`/motcle`) and the per-guild version counter every process
//! polls to pick a change up. Rows are parsed once into the domain's [`GuildRule`].

use anyhow::Context as _;
use sqlx::{Any, Executor, FromRow};

use super::ids::{from_db, to_db};
use crate::domain::guild_rules::{GuildRule, Kind, NewRule, Status};

const COLUMNS: &str = "id, guild_id, kind, term, category, severity, exception, status, \
     added_by, added_at, removed_by, removed_at";

#[derive(Debug, Clone, FromRow)]
struct Row {
    id: i64,
    guild_id: i64,
    kind: String,
    term: String,
    category: String,
    severity: String,
    exception: Option<String>,
    status: String,
    added_by: i64,
    added_at: i64,
    removed_by: Option<i64>,
    removed_at: Option<i64>,
}

impl TryFrom<Row> for GuildRule {
    type Error = anyhow::Error;

    fn try_from(r: Row) -> anyhow::Result<GuildRule> {
        let bad = |what: &str, v: &str| anyhow::anyhow!("guild rule {}: bad {what} `{v}`", r.id);
        Ok(GuildRule {
            id: r.id,
            guild_id: from_db(r.guild_id),
            rule: NewRule {
                kind: Kind::parse(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
                term: r.term.clone(),
                category: r
                    .category
                    .parse()
                    .map_err(|_| bad("category", &r.category))?,
                severity: r
                    .severity
                    .parse()
                    .map_err(|_| bad("severity", &r.severity))?,
                exception: r.exception.clone(),
            },
            status: Status::parse(&r.status).ok_or_else(|| bad("status", &r.status))?,
            added_by: from_db(r.added_by),
            added_at: r.added_at,
            removed_by: r.removed_by.map(from_db),
            removed_at: r.removed_at,
        })
    }
}

/// Stores a new rule with `status`; returns its id.
pub async fn insert<'e, E>(
    ex: E,
    guild_id: u64,
    rule: &NewRule,
    status: Status,
    by: u64,
    now: i64,
) -> anyhow::Result<i64>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO guild_rules (guild_id, kind, term, category, severity, exception, status, \
         added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(to_db(guild_id))
    .bind(rule.kind.as_str())
    .bind(&rule.term)
    .bind(rule.category.as_str())
    .bind(rule.severity.as_str())
    .bind(rule.exception.as_deref())
    .bind(status.as_str())
    .bind(to_db(by))
    .bind(now)
    .fetch_one(ex)
    .await
    .context("inserting a guild rule")?;
    Ok(id)
}

/// One rule by id.
pub async fn get<'e, E>(ex: E, id: i64) -> anyhow::Result<Option<GuildRule>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM guild_rules WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(ex)
    .await
    .context("reading a guild rule")?;
    row.map(GuildRule::try_from).transpose()
}

/// The guild's rules in `status`, oldest first.
pub async fn of_guild<'e, E>(ex: E, guild_id: u64, status: Status) -> anyhow::Result<Vec<GuildRule>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM guild_rules WHERE guild_id = $1 AND status = $2 ORDER BY id"
    )))
    .bind(to_db(guild_id))
    .bind(status.as_str())
    .fetch_all(ex)
    .await
    .context("reading a guild's rules")?;
    rows.into_iter().map(GuildRule::try_from).collect()
}

/// A pending rule becomes active; false when it was not pending (confirmed already, or gone).
pub async fn activate<'e, E>(ex: E, id: i64) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query(
        "UPDATE guild_rules SET status = 'active' WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .execute(ex)
    .await
    .context("confirming a guild rule")?;
    Ok(done.rows_affected() == 1)
}

/// An active rule is removed (the row stays, with who and when); false when it was not active.
pub async fn remove<'e, E>(ex: E, id: i64, by: u64, now: i64) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query(
        "UPDATE guild_rules SET status = 'removed', removed_by = $1, removed_at = $2 \
         WHERE id = $3 AND status = 'active'",
    )
    .bind(to_db(by))
    .bind(now)
    .bind(id)
    .execute(ex)
    .await
    .context("removing a guild rule")?;
    Ok(done.rows_affected() == 1)
}

/// Raises the guild's version (in the transaction that changed its active rules).
pub async fn bump_version<'e, E>(ex: E, guild_id: u64) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO guild_rule_versions (guild_id, version) VALUES ($1, 1) \
         ON CONFLICT (guild_id) DO UPDATE SET version = guild_rule_versions.version + 1",
    )
    .bind(to_db(guild_id))
    .execute(ex)
    .await
    .context("raising a guild's rules version")?;
    Ok(())
}

/// Every guild's rules version (one small row per guild that ever changed its rules).
pub async fn versions<'e, E>(ex: E) -> anyhow::Result<Vec<(u64, i64)>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT guild_id, version FROM guild_rule_versions")
        .fetch_all(ex)
        .await
        .context("reading the guild rules versions")?;
    Ok(rows.into_iter().map(|(g, v)| (from_db(g), v)).collect())
}
