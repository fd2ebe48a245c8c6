//! The outbox: effects that must reach Discord, stored in the same transaction as the state they
//! follow from, then delivered by `outbound::delivery` with retries.
//!
//! Delivery is at-least-once from the database's point of view, made exactly-once towards people
//! by (1) `dedup_key`, so the same effect is never enqueued twice, (2) a lease (`locked_until`),
//! taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two workers or processes never hold the
//! same entry, and (3) Discord's message nonce, so a crash between Discord's answer and
//! `mark_delivered` does not post twice.

use sqlx::{Any, AnyPool, Executor, FromRow};

use crate::domain::effects::Effect;

/// One stored effect.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub dedup_key: String,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub priority: i64,
    pub created_at: i64,
}

/// Stores an effect unless one with the same dedup key exists, at `priority` (0 first, see
/// [`Effect::priority`]). Returns its id when inserted.
pub async fn enqueue<'e, E>(
    ex: E,
    effect: &Effect,
    priority: i64,
    now: i64,
) -> anyhow::Result<Option<i64>>
where
    E: Executor<'e, Database = Any>,
{
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO outbox (dedup_key, kind, payload, attempts, next_attempt_at, created_at, priority) \
         VALUES ($1, $2, $3, 0, $4, $4, $5) \
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(effect.dedup_key())
    .bind(effect.kind())
    .bind(effect.to_payload())
    .bind(now)
    .bind(priority)
    .fetch_optional(ex)
    .await?;
    Ok(id.map(|(id,)| id))
}

/// The claim of due entries (`$4`: a kind, or NULL for any). `$lock` is `FOR UPDATE SKIP LOCKED`
/// on PostgreSQL: a process claiming skips the rows another is claiming at that instant instead
/// of waiting for them; the lease (`locked_until`) then keeps them to their claimer, and gives
/// them back to the others if it dies. The outer conditions repeat the inner ones so that a row
/// claimed concurrently is re-checked and skipped (SQLite has one writer: no lock clause).
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox \
                          WHERE ($4 IS NULL OR kind = $4) \
                            AND delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2 \
                            AND (locked_until IS NULL OR locked_until < $2) \
                          ORDER BY priority, id LIMIT $3",
            $lock,
            ") \
               AND delivered_at IS NULL AND failed_at IS NULL \
               AND (locked_until IS NULL OR locked_until < $2) \
             RETURNING id, dedup_key, kind, payload, attempts, priority, created_at"
        )
    };
}

const CLAIM_SQLITE: &str = claim_sql!("");
const CLAIM_POSTGRES: &str = claim_sql!(" FOR UPDATE SKIP LOCKED");

async fn claim(
    pool: &AnyPool,
    kind: Option<&str>,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> anyhow::Result<Vec<OutboxEntry>> {
    let postgres = pool
        .connect_options()
        .database_url
        .scheme()
        .starts_with("postgres");
    let sql = if postgres {
        CLAIM_POSTGRES
    } else {
        CLAIM_SQLITE
    };
    let mut rows = sqlx::query_as::<_, OutboxEntry>(sql)
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit)
        .bind(kind)
        .fetch_all(pool)
        .await?;
    rows.sort_by_key(|r| (r.priority, r.id));
    Ok(rows)
}

/// Claims up to `limit` due entries for `lease_ms`, gravest first (by priority), then oldest.
/// An entry whose lease expired (its worker died) is due again.
pub async fn claim_due(
    pool: &AnyPool,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> anyhow::Result<Vec<OutboxEntry>> {
    claim(pool, None, now, lease_ms, limit).await
}

/// Claims up to `limit` more due entries of one kind (as [`claim_due`] does): the delivery
/// worker takes every alert waiting to be posted at once, so that alerts piled up behind a
/// channel's limit are seen together and packed.
pub async fn claim_due_of_kind(
    pool: &AnyPool,
    kind: &str,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> anyhow::Result<Vec<OutboxEntry>> {
    claim(pool, Some(kind), now, lease_ms, limit).await
}

/// Releases every lease. Only for a database no other process uses (SQLite): after a crash,
/// what the dead process held is due again at once instead of when its lease expires.
pub async fn release_leases<'e, E>(ex: E) -> anyhow::Result<u64>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query(
        "UPDATE outbox SET locked_until = NULL \
         WHERE locked_until IS NOT NULL AND delivered_at IS NULL AND failed_at IS NULL",
    )
    .execute(ex)
    .await?
    .rows_affected())
}

/// Records a successful delivery.
pub async fn mark_delivered<'e, E>(ex: E, id: i64, now: i64) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE outbox SET delivered_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records a transient failure: the entry is due again at `next_attempt_at`.
pub async fn mark_retry<'e, E>(
    ex: E,
    id: i64,
    next_attempt_at: i64,
    error: &str,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3",
    )
    .bind(next_attempt_at)
    .bind(truncate(error))
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records a permanent failure (Discord refused for good): never retried, kept for operators.
pub async fn mark_failed<'e, E>(ex: E, id: i64, now: i64, error: &str) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE outbox SET failed_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3",
    )
    .bind(now)
    .bind(truncate(error))
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Counts of entries waiting, delivered and failed (for operators and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct OutboxStats {
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
}

pub async fn stats<'e, E>(ex: E) -> anyhow::Result<OutboxStats>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as::<_, OutboxStats>(
        "SELECT \
           COUNT(CASE WHEN delivered_at IS NULL AND failed_at IS NULL THEN 1 END) AS pending, \
           COUNT(CASE WHEN delivered_at IS NOT NULL THEN 1 END) AS delivered, \
           COUNT(CASE WHEN failed_at IS NOT NULL THEN 1 END) AS failed \
         FROM outbox",
    )
    .fetch_one(ex)
    .await?)
}

/// The earliest time an entry becomes due, to sleep exactly until then.
pub async fn next_due_at<'e, E>(ex: E) -> anyhow::Result<Option<i64>>
where
    E: Executor<'e, Database = Any>,
{
    let row: (Option<i64>,) = sqlx::query_as(
        "SELECT MIN(CASE WHEN locked_until IS NOT NULL AND locked_until > next_attempt_at \
                    THEN locked_until ELSE next_attempt_at END) \
         FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL",
    )
    .fetch_one(ex)
    .await?;
    Ok(row.0)
}

/// Whether a later refresh of the same alert is still waiting: an earlier one then has
/// nothing to show that the later one will not (refreshes render the current state), so a
/// flood of edits to one alert costs one request, not one per message.
pub async fn newer_refresh_pending<'e, E>(ex: E, entry: &OutboxEntry) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let Some(prefix) = entry
        .dedup_key
        .rfind(":refresh:")
        .map(|i| &entry.dedup_key[..i + ":refresh:".len()])
    else {
        return Ok(false);
    };
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM outbox WHERE kind = $1 AND id > $2 AND delivered_at IS NULL \
           AND failed_at IS NULL AND dedup_key LIKE $3 LIMIT 1",
    )
    .bind(entry.kind.as_str())
    .bind(entry.id)
    .bind(format!("{prefix}%"))
    .fetch_optional(ex)
    .await?;
    Ok(row.is_some())
}

/// Records as done the refreshes of `alert_ids` written before `before` that no worker holds:
/// an edit of their pack rendered after that time showed what they would. Returns how many.
pub async fn settle_refreshes(
    pool: &sqlx::AnyPool,
    alert_ids: &[i64],
    before: i64,
    now: i64,
) -> anyhow::Result<u64> {
    let mut settled = 0;
    for id in alert_ids {
        settled += sqlx::query(
            "UPDATE outbox SET delivered_at = $1, locked_until = NULL \
             WHERE kind = $2 AND dedup_key LIKE $3 AND created_at < $4 \
               AND delivered_at IS NULL AND failed_at IS NULL \
               AND (locked_until IS NULL OR locked_until < $1)",
        )
        .bind(now)
        .bind(
            Effect::RefreshAlert {
                alert_id: 0,
                version: 0,
            }
            .kind(),
        )
        .bind(format!("alert:{id}:refresh:%"))
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected();
    }
    Ok(settled)
}

fn truncate(error: &str) -> String {
    error.chars().take(500).collect()
}

/// Deletes entries delivered or abandoned before `before`.
pub async fn purge_finished_before<'e, E>(ex: E, before: i64) -> anyhow::Result<u64>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query(
        "DELETE FROM outbox WHERE (delivered_at IS NOT NULL AND delivered_at < $1) \
           OR (failed_at IS NOT NULL AND failed_at < $1)",
    )
    .bind(before)
    .execute(ex)
    .await?
    .rows_affected())
}
