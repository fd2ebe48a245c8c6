//! The bot's timed work, on one [`Scheduler`]: escalations (every half second, idempotent by
//! the alerts' own data, so unrecorded) and retention (hourly, recorded once per hour across
//! processes). Reminders, announcements and the weekly digest join here as jobs; none owns a
//! loop of its own. Also the shutdown signal every background task listens to.

pub mod retention;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::bot::Bot;
use crate::flows;
use crate::scheduler::{Clock, Job, Schedule, Scheduler};

/// How often due escalations are looked for; delays are configured down to seconds.
const ESCALATION_EVERY: Duration = Duration::from_millis(500);
/// How often waiting questions are looked at (reminders are configured down to seconds;
/// each is saved conditionally, so the job needs no record).
const QUESTIONS_EVERY: Duration = Duration::from_secs(1);
/// How often the permanences are looked at (announcements, the week's scheduled events):
/// slots are set to the minute; a second keeps announcements on time.
const PERMANENCES_EVERY: Duration = Duration::from_secs(1);
/// How often every guild's rules version is polled: a rule changed from Discord in another
/// process sharing the database is in place within this delay (and the compile's few ms).
const GUILD_RULES_EVERY: Duration = Duration::from_secs(1);
/// How often retention runs.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// The scheduler with every job of the bot, on `clock`.
pub fn scheduler(bot: Arc<Bot>, clock: Arc<dyn Clock>) -> Scheduler {
    let mut scheduler = Scheduler::new(bot.db.clone(), clock);
    let b = bot.clone();
    scheduler.add(Job::every_tick(
        "escalation",
        Schedule::Every(ESCALATION_EVERY),
        move |run| {
            let bot = b.clone();
            async move {
                flows::escalation::escalate_due(&bot, run.now_ms).await?;
                Ok(())
            }
        },
    ));
    let b = bot.clone();
    scheduler.add(Job::every_tick(
        "question_reminders",
        Schedule::Every(QUESTIONS_EVERY),
        move |run| {
            let bot = b.clone();
            async move {
                flows::questions::nudge_waiting(&bot, run.now_ms).await?;
                Ok(())
            }
        },
    ));
    // Unrecorded: each effect it stores is kept once by its outbox dedup key (one announcement
    // per occurrence, one event per occurrence), across restarts and processes.
    let b = bot.clone();
    let enqueued = Arc::new(flows::permanences::Enqueued::default());
    scheduler.add(Job::every_tick(
        "permanences",
        Schedule::Every(PERMANENCES_EVERY),
        move |run| {
            let bot = b.clone();
            let enqueued = enqueued.clone();
            async move {
                flows::permanences::sync(&bot, run.now_ms, &enqueued).await?;
                Ok(())
            }
        },
    ));
    // Unrecorded: each process keeps its own compiled sets current.
    let b = bot.clone();
    scheduler.add(Job::every_tick(
        "guild_rules",
        Schedule::Every(GUILD_RULES_EVERY),
        move |_run| {
            let bot = b.clone();
            async move {
                flows::guild_rules::refresh(&bot).await?;
                Ok(())
            }
        },
    ));
    add_digests(&mut scheduler, &bot);
    scheduler.add(Job::once_per_period(
        "retention",
        Schedule::Every(RETENTION_EVERY),
        move |run| {
            let bot = bot.clone();
            async move {
                let purged = retention::purge(&bot, run.now_ms).await?;
                if purged != retention::Purged::default() {
                    tracing::info!(?purged, "retention purge");
                }
                Ok(())
            }
        },
    ));
    scheduler
}

/// One weekly digest job per guild, at `[digest] schedule` in the guild's time zone (checked
/// when the configuration was loaded). A guild without a coordination channel gets none, with
/// one warning here at start-up; `/bilan` and the CLI still work for it.
fn add_digests(scheduler: &mut Scheduler, bot: &Arc<Bot>) {
    for gc in &bot.config.guilds {
        let guild_id = gc.id.0;
        if gc.coordination_channel.is_none() {
            tracing::warn!(
                guild_id,
                "no coordination_channel: the weekly digest is not posted for this guild"
            );
            continue;
        }
        let schedule = match crate::scheduler::parse_weekly(&bot.config.digest_schedule, gc.tz) {
            Ok(s) => s,
            Err(e) => {
                // Unreachable after Config::load, which checks the same string.
                tracing::error!(guild_id, error = %e, "digest.schedule does not parse");
                continue;
            }
        };
        // Job names are static and stable (they key `job_runs`); one per guild, made once at
        // start-up.
        let name: &'static str = Box::leak(format!("digest:{guild_id}").into_boxed_str());
        let b = bot.clone();
        scheduler.add(Job::once_per_period(name, schedule, move |run| {
            let bot = b.clone();
            async move {
                flows::digest::enqueue_weekly(&bot.db, name, guild_id, &run.period_key, run.now_ms)
                    .await?;
                Ok(())
            }
        }));
    }
}

/// Fires once at shutdown; jobs finish what they hold and return.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// The sending side of [`Shutdown`].
pub struct ShutdownTrigger(watch::Sender<bool>);

pub fn shutdown_pair() -> (ShutdownTrigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (ShutdownTrigger(tx), Shutdown(rx))
}

impl ShutdownTrigger {
    pub fn fire(&self) {
        let _ = self.0.send(true);
    }
}

impl Shutdown {
    pub fn is_fired(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when shutdown fires (at once if it already has).
    pub async fn fired(&mut self) {
        let _ = self.0.wait_for(|v| *v).await;
    }
}
