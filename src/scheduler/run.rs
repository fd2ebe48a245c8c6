//! One run of one job on its own task: claim its period (recorded jobs), call the body, then
//! record the outcome, and tell the scheduler what to skip until there is something to do.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OwnedMutexGuard;
use tracing::{debug, error, info, warn};

use super::{Clock, JobFn, JobRun, Period, Ran, Recording, SlotState, MAX_RETRY_AFTER};
use crate::store::{job_runs, Db};

/// One run of one job, with what it needs to go on its own task.
pub(super) struct Run {
    pub(super) db: Db,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) lease_ms: i64,
    pub(super) retry_after: Duration,
    pub(super) name: &'static str,
    pub(super) recording: Recording,
    pub(super) body: JobFn,
    pub(super) period: Period,
    pub(super) now: i64,
}

impl Run {
    pub(super) async fn execute(self, mut state: OwnedMutexGuard<SlotState>) -> Option<Ran> {
        match self.recording {
            Recording::OncePerPeriod => self.execute_recorded(&mut state).await,
            Recording::EveryTick => {
                let outcome = self.call().await;
                let end = self.clock.now_ms();
                match outcome {
                    Ok(()) => {
                        debug!("job run finished");
                        state.failures = 0;
                        state.wait = None;
                        state.done = Some(self.period.key.clone());
                        Some((self.name, self.period.key))
                    }
                    Err(e) => {
                        state.failures += 1;
                        let retry_at = end + backoff_ms(self.retry_after, state.failures);
                        warn!(error = %format!("{e:#}"), retry_at, "job run failed");
                        state.wait = Some((self.period.key, retry_at));
                        None
                    }
                }
            }
        }
    }

    async fn execute_recorded(self, state: &mut SlotState) -> Option<Ran> {
        let (db, name, key) = (self.db.pool(), self.name, self.period.key.as_str());
        let claimed = job_runs::claim(
            db,
            name,
            key,
            self.period.due_at_ms,
            self.now,
            self.lease_ms,
        );
        let attempt = match claimed.await {
            Ok(Some(attempt)) => attempt,
            Ok(None) => {
                // Finished already, or held by another process (or a backoff): find out which, so
                // this process stops asking until there is something to do.
                match job_runs::get(db, name, key).await {
                    Ok(Some(row)) if row.finished_at.is_some() => {
                        state.done = Some(key.to_string());
                    }
                    Ok(Some(row)) => {
                        state.wait = Some((key.to_string(), row.locked_until.unwrap_or(self.now)));
                    }
                    Ok(None) => {}
                    Err(e) => warn!(error = %format!("{e:#}"), "reading a job run failed"),
                }
                return None;
            }
            Err(e) => {
                warn!(error = %format!("{e:#}"), "claiming a job run failed; trying again later");
                return None;
            }
        };
        info!(attempt, "job run started");
        let outcome = self.call().await;
        let end = self.clock.now_ms();
        match outcome {
            Ok(()) => {
                if let Err(e) = job_runs::finish(db, name, key, end).await {
                    // The work is done but not recorded: it will run again once the lease expires.
                    warn!(error = %format!("{e:#}"), "recording a finished job run failed");
                    state.wait = Some((key.to_string(), self.now + self.lease_ms));
                    return None;
                }
                info!("job run finished");
                state.wait = None;
                state.done = Some(key.to_string());
                Some((name, self.period.key))
            }
            Err(e) => {
                let retry_at = end + backoff_ms(self.retry_after, attempt);
                warn!(error = %format!("{e:#}"), attempt, retry_at, "job run failed");
                if let Err(e) = job_runs::fail(db, name, key, &format!("{e:#}"), retry_at).await {
                    // The lease still holds the run; it is retried when the lease expires.
                    warn!(error = %format!("{e:#}"), "recording a failed job run failed");
                    state.wait = Some((key.to_string(), self.now + self.lease_ms));
                } else {
                    state.wait = Some((key.to_string(), retry_at));
                }
                None
            }
        }
    }

    /// Calls the job's body on its own task, so a panic is a failure like any other.
    async fn call(&self) -> anyhow::Result<()> {
        let run = JobRun {
            name: self.name,
            period_key: self.period.key.clone(),
            due_at_ms: self.period.due_at_ms,
            now_ms: self.now,
        };
        match tokio::spawn((self.body)(run)).await {
            Ok(outcome) => outcome,
            Err(e) if e.is_panic() => {
                error!("job run panicked");
                Err(anyhow::anyhow!("the job panicked"))
            }
            Err(_) => Err(anyhow::anyhow!("the job was cancelled")),
        }
    }
}

/// `retry_after` doubled for each failure after the first, at most an hour.
fn backoff_ms(retry_after: Duration, failures: i64) -> i64 {
    let doublings = u32::try_from((failures - 1).clamp(0, 16)).unwrap_or(0);
    let wait = retry_after
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_AFTER.max(retry_after));
    millis(wait)
}

pub(super) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_wait_doubles_with_each_failure_up_to_an_hour() {
        let minute = Duration::from_secs(60);
        assert_eq!(backoff_ms(minute, 1), 60_000);
        assert_eq!(backoff_ms(minute, 2), 120_000);
        assert_eq!(backoff_ms(minute, 3), 240_000);
        assert_eq!(backoff_ms(minute, 40), 3_600_000);
        assert_eq!(backoff_ms(Duration::from_secs(7200), 3), 7_200_000);
    }
}
