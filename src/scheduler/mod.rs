//! One scheduler for timed work: named jobs run at their due times, from a [`Clock`] that tests
//! set.
//!
//! A job is either recorded ([`Job::once_per_period`], the default for anything people see: a
//! digest, an announcement) or unrecorded ([`Job::every_tick`], for frequent work that is
//! idempotent by its own data, such as escalations). A recorded job claims its period's row in
//! `job_runs` before it runs, so each period runs once across restarts and across processes that
//! share one PostgreSQL; a claimed run whose process died is retried when its lease expires, and
//! a failed one after a backoff. After downtime only the latest period runs: a weekly digest missed
//! three times is posted once, not three times.
//!
//! In one process a job never runs twice at once, and a slow job does not hold up the others.

mod clock;
mod parse;
mod run;
mod schedule;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::task::JoinSet;
use tracing::{info, info_span, Instrument as _};

use crate::jobs::Shutdown;
use crate::store::Db;
use run::{millis, Run};

pub use clock::{Clock, ManualClock, SystemClock};
pub use parse::{parse_weekly, ScheduleError};
pub use schedule::{Period, Schedule};

/// What a job is given when it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    pub name: &'static str,
    /// The period being run (see [`Period::key`]).
    pub period_key: String,
    /// When that period became due; later than that after downtime or a retry.
    pub due_at_ms: i64,
    /// The scheduler's clock when the run started: use it rather than the system time.
    pub now_ms: i64,
}

/// The body of a job.
pub type JobFn =
    Arc<dyn Fn(JobRun) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>> + Send + Sync>;

/// Whether a job's runs are recorded in `job_runs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// Claims a row before running: once per period across restarts and processes.
    OncePerPeriod,
    /// Writes nothing: runs once per period in each process, for work that is safe to repeat.
    EveryTick,
}

/// A named piece of timed work.
pub struct Job {
    /// Unique in a scheduler; the key of its rows in `job_runs`, so keep it stable.
    pub name: &'static str,
    pub schedule: Schedule,
    pub recording: Recording,
    pub run: JobFn,
}

impl Job {
    /// A job that runs once per period of `schedule`, across restarts and processes.
    pub fn once_per_period<F, Fut>(name: &'static str, schedule: Schedule, run: F) -> Job
    where
        F: Fn(JobRun) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        Job::new(name, schedule, Recording::OncePerPeriod, run)
    }

    /// A job that runs once per period of `schedule` in each process and records nothing: for
    /// frequent work that is idempotent by its own data (`Schedule::Every` a second or so).
    pub fn every_tick<F, Fut>(name: &'static str, schedule: Schedule, run: F) -> Job
    where
        F: Fn(JobRun) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        Job::new(name, schedule, Recording::EveryTick, run)
    }

    fn new<F, Fut>(name: &'static str, schedule: Schedule, recording: Recording, run: F) -> Job
    where
        F: Fn(JobRun) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        Job {
            name,
            schedule,
            recording,
            run: Arc::new(move |r| Box::pin(run(r))),
        }
    }
}

/// How long a claimed run is held before another process may take it over (its process died).
/// Longer than any job should take.
const DEFAULT_LEASE: Duration = Duration::from_secs(10 * 60);
/// The wait before retrying a failed run; it doubles with each failure, up to [`MAX_RETRY_AFTER`].
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// `run` looks at the clock at least this often, so a changed clock (or a retry) is noticed.
const MAX_SLEEP: Duration = Duration::from_secs(1);
const MIN_SLEEP: Duration = Duration::from_millis(10);

/// Runs jobs at their due times. Build it with [`Scheduler::new`] and [`Scheduler::add`], then
/// spawn [`Scheduler::run`]; tests call [`Scheduler::tick`] after setting the clock.
pub struct Scheduler {
    db: Db,
    clock: Arc<dyn Clock>,
    jobs: Vec<Slot>,
    lease: Duration,
    retry_after: Duration,
}

/// A job and what this process remembers about it. The mutex is held for the whole of a run,
/// which is what keeps a job from starting twice at once.
struct Slot {
    job: Job,
    state: Arc<Mutex<SlotState>>,
}

#[derive(Default)]
struct SlotState {
    /// The latest period known to be done (run here, or found finished): not looked at again.
    done: Option<String>,
    /// A period not to try before a time: held by another process, or backing off after a failure.
    wait: Option<(String, i64)>,
    /// Failures in a row of an unrecorded job, for its backoff (recorded ones count in the row).
    failures: i64,
}

/// A run that succeeded: the job's name and the period's key.
type Ran = (&'static str, String);

impl Scheduler {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Scheduler {
        Scheduler {
            db,
            clock,
            jobs: Vec::new(),
            lease: DEFAULT_LEASE,
            retry_after: DEFAULT_RETRY_AFTER,
        }
    }

    /// How long a claimed run is held before another process may take it over (10 minutes).
    pub fn with_lease(mut self, lease: Duration) -> Scheduler {
        self.lease = lease;
        self
    }

    /// The wait before the first retry of a failed run (1 minute); it doubles with each further
    /// failure, up to an hour.
    pub fn with_retry_after(mut self, retry_after: Duration) -> Scheduler {
        self.retry_after = retry_after;
        self
    }

    /// Adds a job. Names are the jobs' identity in `job_runs`, so two jobs may not share one.
    pub fn add(&mut self, job: Job) -> &mut Scheduler {
        assert!(
            self.jobs.iter().all(|s| s.job.name != job.name),
            "job names are unique in a scheduler (`{}` was added twice)",
            job.name
        );
        self.jobs.push(Slot {
            job,
            state: Arc::default(),
        });
        self
    }

    /// Runs whatever is due now and waits for it. Returns the runs that succeeded, in the order
    /// they finished; a failing job is logged, retried later, and does not stop the others.
    pub async fn tick(&self) -> Vec<(&'static str, String)> {
        let mut running = JoinSet::new();
        self.start_due(&mut running);
        let mut ran = Vec::new();
        while let Some(done) = running.join_next().await {
            if let Ok(Some(r)) = done {
                ran.push(r);
            }
        }
        ran
    }

    /// Ticks until `shutdown` fires, sleeping until the next due time (at most a second), then
    /// waits for the runs in progress. Runs are started in the background, so a slow job does not
    /// delay the others.
    pub async fn run(self, mut shutdown: Shutdown) {
        let names: Vec<&str> = self.jobs.iter().map(|s| s.job.name).collect();
        info!(jobs = ?names, "scheduler started");
        let mut running = JoinSet::new();
        while !shutdown.is_fired() {
            while running.try_join_next().is_some() {}
            self.start_due(&mut running);
            tokio::select! {
                _ = tokio::time::sleep(self.sleep_time()) => {}
                _ = shutdown.fired() => {}
            }
        }
        if !running.is_empty() {
            info!(
                runs = running.len(),
                "scheduler stopping: waiting for the runs in progress"
            );
        }
        while running.join_next().await.is_some() {}
        info!("scheduler stopped");
    }

    /// How long `run` may sleep: until the earliest next due time, within bounds.
    fn sleep_time(&self) -> Duration {
        let now = self.clock.now_ms();
        let next = self
            .jobs
            .iter()
            .filter_map(|s| s.job.schedule.next_due_after(now))
            .min();
        next.map(|at| Duration::from_millis(u64::try_from(at - now).unwrap_or(0)))
            .unwrap_or(MAX_SLEEP)
            .clamp(MIN_SLEEP, MAX_SLEEP)
    }

    /// Starts, in `running`, each job whose latest period is due and not known to be done.
    fn start_due(&self, running: &mut JoinSet<Option<Ran>>) {
        let now = self.clock.now_ms();
        for slot in &self.jobs {
            // Held: this job is running (a slow run, or another caller's tick); leave it be.
            let Ok(state) = slot.state.clone().try_lock_owned() else {
                continue;
            };
            let Some(period) = slot.job.schedule.latest_due(now) else {
                continue;
            };
            if state.done.as_deref() == Some(period.key.as_str()) {
                continue;
            }
            if matches!(&state.wait, Some((key, until)) if *key == period.key && now < *until) {
                continue;
            }
            let run = Run {
                db: self.db.clone(),
                clock: self.clock.clone(),
                lease_ms: millis(self.lease),
                retry_after: self.retry_after,
                name: slot.job.name,
                recording: slot.job.recording,
                body: slot.job.run.clone(),
                period,
                now,
            };
            let span = info_span!("job", job = run.name, period = %run.period.key);
            running.spawn(run.execute(state).instrument(span));
        }
    }
}
