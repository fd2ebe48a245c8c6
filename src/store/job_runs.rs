//! `job_runs`: which period of which scheduled job has run, so a period runs once across restarts
//! and across processes sharing one database (see `scheduler`).
//!
//! A run is claimed before it starts. The claim is one conditional upsert: it inserts the row, or
//! takes over a row that is unfinished and no longer held (`locked_until` passed: the process
//! running it died, or a failure's backoff is over). On PostgreSQL, of two concurrent claims the
//! second waits for the first's row and then sees it held, so exactly one wins.

use sqlx::{Any, Executor, FromRow};

/// One job's run for one period.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct JobRunRow {
    pub job: String,
    pub period_key: String,
    pub due_at: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub locked_until: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// Claims `job`'s run for `period_key` until `now + lease_ms`. Returns the attempt number (1 for
/// a first run) when this caller won the claim; `None` when the period is finished or another
/// claim still holds it.
pub async fn claim<'e, E>(
    ex: E,
    job: &str,
    period_key: &str,
    due_at: i64,
    now: i64,
    lease_ms: i64,
) -> anyhow::Result<Option<i64>>
where
    E: Executor<'e, Database = Any>,
{
    let attempts: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO job_runs (job, period_key, due_at, started_at, locked_until, attempts) \
         VALUES ($1, $2, $3, $4, $5, 1) \
         ON CONFLICT (job, period_key) DO UPDATE \
           SET started_at = excluded.started_at, locked_until = excluded.locked_until, \
               attempts = job_runs.attempts + 1 \
           WHERE job_runs.finished_at IS NULL \
             AND (job_runs.locked_until IS NULL OR job_runs.locked_until <= $4) \
         RETURNING attempts",
    )
    .bind(job)
    .bind(period_key)
    .bind(due_at)
    .bind(now)
    .bind(now.saturating_add(lease_ms))
    .fetch_optional(ex)
    .await?;
    Ok(attempts.map(|(a,)| a))
}

/// Records that the run finished: the period will not run again.
pub async fn finish<'e, E>(ex: E, job: &str, period_key: &str, now: i64) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE job_runs SET finished_at = $3, locked_until = NULL, last_error = NULL \
         WHERE job = $1 AND period_key = $2 AND finished_at IS NULL",
    )
    .bind(job)
    .bind(period_key)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records that the run failed: the period stays unfinished and may be claimed again from
/// `retry_at`.
pub async fn fail<'e, E>(
    ex: E,
    job: &str,
    period_key: &str,
    error: &str,
    retry_at: i64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE job_runs SET locked_until = $3, last_error = $4 \
         WHERE job = $1 AND period_key = $2 AND finished_at IS NULL",
    )
    .bind(job)
    .bind(period_key)
    .bind(retry_at)
    .bind(truncate(error))
    .execute(ex)
    .await?;
    Ok(())
}

/// One job's run for one period, if it was ever claimed.
pub async fn get<'e, E>(ex: E, job: &str, period_key: &str) -> anyhow::Result<Option<JobRunRow>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as::<_, JobRunRow>(
        "SELECT job, period_key, due_at, started_at, finished_at, locked_until, attempts, \
                last_error \
         FROM job_runs WHERE job = $1 AND period_key = $2",
    )
    .bind(job)
    .bind(period_key)
    .fetch_optional(ex)
    .await?)
}

/// Every recorded run of `job`, oldest period first (for operators and tests).
pub async fn list<'e, E>(ex: E, job: &str) -> anyhow::Result<Vec<JobRunRow>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as::<_, JobRunRow>(
        "SELECT job, period_key, due_at, started_at, finished_at, locked_until, attempts, \
                last_error \
         FROM job_runs WHERE job = $1 ORDER BY due_at, period_key",
    )
    .bind(job)
    .fetch_all(ex)
    .await?)
}

/// The period key and finish time of `job`'s most recently finished run.
pub async fn last_finished<'e, E>(ex: E, job: &str) -> anyhow::Result<Option<(String, i64)>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT period_key, finished_at FROM job_runs \
         WHERE job = $1 AND finished_at IS NOT NULL \
         ORDER BY finished_at DESC, due_at DESC LIMIT 1",
    )
    .bind(job)
    .fetch_optional(ex)
    .await?)
}

/// Deletes runs started before `before` once a later period of the same job exists, finished or
/// abandoned alike. The latest period of each job is always kept whatever its age: its row is
/// what stops that period from running again.
pub async fn purge_before<'e, E>(ex: E, before: i64) -> anyhow::Result<u64>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query(
        "DELETE FROM job_runs WHERE started_at < $1 \
           AND EXISTS (SELECT 1 FROM job_runs AS later \
                       WHERE later.job = job_runs.job AND later.due_at > job_runs.due_at)",
    )
    .bind(before)
    .execute(ex)
    .await?
    .rows_affected())
}

fn truncate(error: &str) -> String {
    error.chars().take(500).collect()
}
