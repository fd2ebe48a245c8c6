//! The journal (see `domain::journal`): appended within the transaction of the state change it
//! records, so an action and its entry are saved together or not at all; read back as a
//! stream for the export, as pages of staff actions for `/journal`, by pseudonym for
//! `/mes-donnees`; anonymised by `/oubli`; purged after `privacy.journal_retention_days`.

use anyhow::Context as _;
use futures_util::stream::{BoxStream, StreamExt};
use sqlx::{Any, AnyPool, Executor, FromRow};

use super::ids::{from_db, to_db};
use crate::domain::journal::{Action, Actor, Detail, Entry, Subject, SubjectId};

const COLUMNS: &str = "id, guild_id, at, actor_kind, actor, action, subject_kind, subject_id, \
                       channel_id, severity, categories, way, outcome, detail";

/// Appends `entry`; `false` when an entry with the same dedup key is already there (a
/// replayed event), which is not an error.
pub async fn append<'e, E>(ex: E, entry: &Entry) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let (subject_kind, subject_id) = entry.subject.columns();
    let subject_id = subject_id.map(|id| match id {
        SubjectId::Snowflake(s) => to_db(s),
        SubjectId::Number(n) => n,
    });
    let d = &entry.detail;
    let done = sqlx::query(
        "INSERT INTO journal (guild_id, at, actor_kind, actor, action, subject_kind, subject_id, \
           channel_id, severity, categories, way, outcome, detail, dedup) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (dedup) DO NOTHING",
    )
    .bind(entry.guild_id.map(to_db))
    .bind(entry.at)
    .bind(entry.actor.kind().as_str())
    .bind(entry.actor.label())
    .bind(entry.action.as_str())
    .bind(subject_kind)
    .bind(subject_id)
    .bind(entry.channel_id.map(to_db))
    .bind(d.severity.as_deref())
    .bind(d.categories.as_deref())
    .bind(d.way.as_deref())
    .bind(d.outcome.as_deref())
    .bind(d.note.as_deref())
    .bind(entry.dedup.as_deref())
    .execute(ex)
    .await
    .with_context(|| format!("appending {} to the journal", entry.action))?;
    Ok(done.rows_affected() == 1)
}

/// A stored entry: its number and the entry as the flow built it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub id: i64,
    pub entry: Entry,
}

#[derive(FromRow)]
struct Row {
    id: i64,
    guild_id: Option<i64>,
    at: i64,
    actor_kind: String,
    actor: Option<String>,
    action: String,
    subject_kind: Option<String>,
    subject_id: Option<i64>,
    channel_id: Option<i64>,
    severity: Option<String>,
    categories: Option<String>,
    way: Option<String>,
    outcome: Option<String>,
    detail: Option<String>,
}

impl TryFrom<Row> for Logged {
    type Error = anyhow::Error;

    fn try_from(r: Row) -> anyhow::Result<Logged> {
        let bad = |what: &str| anyhow::anyhow!("journal entry {}: bad {what}", r.id);
        let actor =
            Actor::from_columns(&r.actor_kind, r.actor.as_deref()).ok_or_else(|| bad("actor"))?;
        let action = Action::parse(&r.action).ok_or_else(|| bad("action"))?;
        let subject = match (r.subject_kind.as_deref(), r.subject_id) {
            (None, _) | (_, None) => Subject::None,
            (Some("message"), Some(id)) => Subject::Message(from_db(id)),
            (Some("alert"), Some(id)) => Subject::Alert(id),
            (Some("question"), Some(id)) => Subject::Question(id),
            (Some("resource"), Some(id)) => Subject::Resource(id),
            (Some("permanence"), Some(id)) => Subject::Permanence(id),
            (Some("rule"), Some(id)) => Subject::Rule(id),
            (Some(_), Some(_)) => return Err(bad("subject")),
        };
        Ok(Logged {
            id: r.id,
            entry: Entry {
                guild_id: r.guild_id.map(from_db),
                at: r.at,
                actor,
                action,
                subject,
                channel_id: r.channel_id.map(from_db),
                detail: Detail {
                    severity: r.severity,
                    categories: r.categories,
                    way: r.way,
                    outcome: r.outcome,
                    note: r.detail,
                },
                dedup: None,
            },
        })
    }
}

/// The entries of `guild` in `[start_ms, end_ms)`, oldest first, as the database yields them
/// (constant memory however long the range).
pub fn stream_range(
    pool: &AnyPool,
    guild: u64,
    start_ms: i64,
    end_ms: i64,
) -> BoxStream<'_, anyhow::Result<Logged>> {
    sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM journal WHERE guild_id = $1 AND at >= $2 AND at < $3 \
         ORDER BY at, id"
    )))
    .bind(to_db(guild))
    .bind(start_ms)
    .bind(end_ms)
    .fetch(pool)
    .map(|row| {
        row.context("reading the journal")
            .and_then(Logged::try_from)
    })
    .boxed()
}

/// Which staff actions `/journal` lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditFilter {
    /// One staff member only.
    pub staff: Option<u64>,
    /// From this time (ms) on.
    pub since: Option<i64>,
}

/// The latest `limit` staff actions of `guild`, newest first.
pub async fn staff_actions<'e, E>(
    ex: E,
    guild: u64,
    filter: AuditFilter,
    limit: i64,
) -> anyhow::Result<Vec<Logged>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM journal WHERE guild_id = $1 AND actor_kind = 'staff' \
           AND ($2 IS NULL OR actor = $2) AND at >= $3 \
         ORDER BY at DESC, id DESC LIMIT $4"
    )))
    .bind(to_db(guild))
    .bind(filter.staff.map(|s| s.to_string()))
    .bind(filter.since.unwrap_or(i64::MIN))
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(Logged::try_from).collect()
}

/// The entries under a young person's pseudonym, oldest first (for `/mes-donnees`).
pub async fn of_young<'e, E>(ex: E, pseudonym: &str) -> anyhow::Result<Vec<Logged>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM journal WHERE actor_kind = 'young' AND actor = $1 ORDER BY id"
    )))
    .bind(pseudonym)
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(Logged::try_from).collect()
}

/// `/oubli`: the person's entries stay, as anonymous counts. Returns how many.
pub async fn anonymise<'e, E>(ex: E, pseudonym: &str) -> anyhow::Result<u64>
where
    E: Executor<'e, Database = Any>,
{
    Ok(
        sqlx::query("UPDATE journal SET actor = NULL WHERE actor_kind = 'young' AND actor = $1")
            .bind(pseudonym)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Deletes entries older than `before` (`privacy.journal_retention_days`). Returns how many.
pub async fn purge_before<'e, E>(ex: E, before: i64) -> anyhow::Result<u64>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query("DELETE FROM journal WHERE at < $1")
        .bind(before)
        .execute(ex)
        .await?
        .rows_affected())
}

/// How many entries of `action` the journal holds for `guild` (tests, operators).
pub async fn count<'e, E>(ex: E, guild: Option<u64>, action: Action) -> anyhow::Result<i64>
where
    E: Executor<'e, Database = Any>,
{
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM journal WHERE action = $1 AND ($2 IS NULL OR guild_id = $2)",
    )
    .bind(action.as_str())
    .bind(guild.map(to_db))
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Every entry from `since` (ms) on, oldest first (tests, operators).
pub async fn since<'e, E>(ex: E, since: i64) -> anyhow::Result<Vec<Logged>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM journal WHERE at >= $1 ORDER BY id"
    )))
    .bind(since)
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(Logged::try_from).collect()
}
