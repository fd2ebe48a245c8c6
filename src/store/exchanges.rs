//! The supervision log: one row per exchange, the young person as a keyed pseudonym, no content.

use sqlx::{Any, Executor, FromRow};

use super::ids::to_db;

/// What kind of exchange a row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeKind {
    Message,
    Edit,
    Dm,
    StaffAction,
}

impl ExchangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeKind::Message => "message",
            ExchangeKind::Edit => "edit",
            ExchangeKind::Dm => "dm",
            ExchangeKind::StaffAction => "staff_action",
        }
    }
}

/// An exchange to record.
#[derive(Debug, Clone)]
pub struct NewExchange<'a> {
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub message_id: Option<u64>,
    pub author_pseudonym: &'a str,
    pub kind: ExchangeKind,
    pub severity: &'a str,
    /// Comma-separated category ids (empty when nothing was flagged).
    pub categories: &'a str,
    pub at: i64,
}

/// A stored exchange.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Exchange {
    pub id: i64,
    pub guild_id: Option<i64>,
    pub channel_id: i64,
    pub message_id: Option<i64>,
    pub author_pseudonym: String,
    pub kind: String,
    pub severity: String,
    pub categories: String,
    pub created_at: i64,
}

/// Records an exchange; `None` when this very exchange was already logged (a replayed event).
pub async fn record<'e, E>(ex: E, e: &NewExchange<'_>) -> anyhow::Result<Option<i64>>
where
    E: Executor<'e, Database = Any>,
{
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO exchanges \
           (guild_id, channel_id, message_id, author_pseudonym, kind, severity, categories, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (message_id, kind, severity) DO NOTHING RETURNING id",
    )
    .bind(e.guild_id.map(to_db))
    .bind(to_db(e.channel_id))
    .bind(e.message_id.map(to_db))
    .bind(e.author_pseudonym)
    .bind(e.kind.as_str())
    .bind(e.severity)
    .bind(e.categories)
    .bind(e.at)
    .fetch_optional(ex)
    .await?;
    Ok(id.map(|(id,)| id))
}

/// The exchanges recorded since `since` (ms), oldest first.
pub async fn since<'e, E>(ex: E, since: i64) -> anyhow::Result<Vec<Exchange>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as::<_, Exchange>(
        "SELECT id, guild_id, channel_id, message_id, author_pseudonym, kind, severity, categories, created_at \
         FROM exchanges WHERE created_at >= $1 ORDER BY id",
    )
    .bind(since)
    .fetch_all(ex)
    .await?)
}

/// Deletes exchanges older than `before` (retention). Returns how many went.
pub async fn purge_before<'e, E>(ex: E, before: i64) -> anyhow::Result<u64>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query("DELETE FROM exchanges WHERE created_at < $1")
        .bind(before)
        .execute(ex)
        .await?
        .rows_affected())
}
