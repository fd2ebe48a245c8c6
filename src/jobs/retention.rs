//! Retention: closed alerts (with their excerpts) and the texts of questions are erased after
//! `privacy.retention_days`, the journal's entries (no content) after
//! `privacy.journal_retention_days`;
//! finished outbox entries after a week, past scheduler runs after a month (the latest of each
//! job is kept). Run hourly by the scheduler (see `jobs::scheduler`).

use crate::bot::Bot;
use crate::store::{alerts, job_runs, journal, outbox, questions};

const DAY_MS: i64 = 86_400_000;
/// Finished outbox entries are kept a week, for operators investigating a delivery.
const OUTBOX_KEEP_MS: i64 = 7 * DAY_MS;
/// Past scheduler runs are kept a month, for operators checking that a job ran.
const JOB_RUNS_KEEP_MS: i64 = 30 * DAY_MS;

/// What one purge erased.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub journal: u64,
    pub alerts: u64,
    pub outbox: u64,
    pub job_runs: u64,
    pub questions: u64,
}

/// Erases what is past its retention at `now`.
pub async fn purge(bot: &Bot, now: i64) -> anyhow::Result<Purged> {
    let cutoff = now - i64::from(bot.config.retention_days) * DAY_MS;
    let mut tx = bot.db.begin().await?;
    let journal_cutoff = now - i64::from(bot.config.journal_retention_days) * DAY_MS;
    let journal = journal::purge_before(&mut *tx, journal_cutoff).await?;
    let alerts = alerts::purge_closed_before(&mut tx, cutoff).await?;
    let outbox = outbox::purge_finished_before(&mut *tx, now - OUTBOX_KEEP_MS).await?;
    let job_runs = job_runs::purge_before(&mut *tx, now - JOB_RUNS_KEEP_MS).await?;
    let questions = questions::purge_before(&mut tx, cutoff).await?;
    tx.commit().await?;
    Ok(Purged {
        journal,
        alerts,
        outbox,
        job_runs,
        questions,
    })
}
