//! What an operator's metrics and health check read from the database: alerts not closed and
//! the outbox's backlog, counted over the whole database (every process sharing it).

use sqlx::{Any, Executor, FromRow};

use crate::domain::alerts::AlertStatus;

use super::alerts::status_id;

/// The backlog at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    pub alerts_open: i64,
    pub alerts_taken: i64,
    pub outbox_pending: i64,
    /// When the oldest entry not yet delivered was written (unix ms).
    pub oldest_pending_at: Option<i64>,
    /// Since when the longest-waiting due entry (not held by a live worker) has been due.
    pub oldest_due_since: Option<i64>,
}

#[derive(FromRow)]
struct OutboxRow {
    pending: i64,
    oldest_pending_at: Option<i64>,
    oldest_due_since: Option<i64>,
}

#[derive(FromRow)]
struct AlertRow {
    open: i64,
    taken: i64,
}

/// Reads the backlog as of `now` (unix ms). An entry is due from its next attempt, or from the
/// end of its lease when a worker claimed it (a lease that ran out means that worker died).
pub async fn backlog<'e, E>(ex: E, now: i64) -> anyhow::Result<Backlog>
where
    E: Executor<'e, Database = Any> + Copy,
{
    let outbox: OutboxRow = sqlx::query_as(
        "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest_pending_at, \
           MIN(CASE WHEN (CASE WHEN locked_until IS NOT NULL AND locked_until > next_attempt_at \
                               THEN locked_until ELSE next_attempt_at END) <= $1 \
               THEN (CASE WHEN locked_until IS NOT NULL AND locked_until > next_attempt_at \
                          THEN locked_until ELSE next_attempt_at END) END) AS oldest_due_since \
         FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL",
    )
    .bind(now)
    .fetch_one(ex)
    .await?;
    let alerts: AlertRow = sqlx::query_as(
        "SELECT COUNT(CASE WHEN status = $1 THEN 1 END) AS open, \
                COUNT(CASE WHEN status = $2 THEN 1 END) AS taken \
         FROM alerts WHERE status IN ($1, $2)",
    )
    .bind(status_id(AlertStatus::Open))
    .bind(status_id(AlertStatus::Taken))
    .fetch_one(ex)
    .await?;
    Ok(Backlog {
        alerts_open: alerts.open,
        alerts_taken: alerts.taken,
        outbox_pending: outbox.pending,
        oldest_pending_at: outbox.oldest_pending_at,
        oldest_due_since: outbox.oldest_due_since,
    })
}
