//! The scheduler on real databases with a set clock: every test runs on SQLite and, when
//! `PROMENEUR_TEST_POSTGRES_URL` is set, on PostgreSQL.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveTime, TimeZone, Weekday};
use chrono_tz::Europe::Paris;
use promeneur::jobs::shutdown_pair;
use promeneur::scheduler::{Job, ManualClock, Schedule, Scheduler};
use promeneur::store::{job_runs, Db};

use crate::support::{each_backend, TestDb, PG_VAR};

const DAY: Duration = Duration::from_secs(86_400);
const WEEK: Duration = Duration::from_secs(7 * 86_400);

/// A local time in Paris, as unix milliseconds.
fn paris(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Paris
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("an unambiguous local time")
        .timestamp_millis()
}

/// Monday 2026-12-07 09:00 in Paris: the digest of ISO week 2026-W50 is due.
fn monday_of_w50() -> i64 {
    paris(2026, 12, 7, 9, 0)
}

fn mondays_at_nine() -> Schedule {
    Schedule::Weekly {
        weekday: Weekday::Mon,
        at: NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time"),
        tz: Paris,
    }
}

/// The period keys a job ran for, in order, shared by every scheduler of a test.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn keys(&self) -> Vec<String> {
        self.0.lock().expect("the log is not poisoned").clone()
    }
}

/// The weekly digest stand-in: records its period key, taking a little time like a real job.
fn digest(log: &Log) -> Job {
    let log = log.clone();
    Job::once_per_period("digest", mondays_at_nine(), move |run| {
        let log = log.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            log.0
                .lock()
                .expect("the log is not poisoned")
                .push(run.period_key);
            Ok(())
        }
    })
}

fn scheduler(db: &Db, clock: &Arc<ManualClock>, job: Job) -> Scheduler {
    let mut s = Scheduler::new(db.clone(), clock.clone());
    s.add(job);
    s
}

fn ran(key: &str) -> Vec<(&'static str, String)> {
    vec![("digest", key.to_string())]
}

#[tokio::test]
async fn a_weekly_job_runs_once_in_its_week_however_often_ticked_and_across_a_restart() {
    each_backend(|t| async move {
        let log = Log::default();
        let clock = Arc::new(ManualClock::new(monday_of_w50()));
        let first = scheduler(&t.db, &clock, digest(&log));
        assert_eq!(first.tick().await, ran("2026-W50"));
        for _ in 0..6 {
            clock.advance(DAY);
            assert!(first.tick().await.is_empty());
        }
        drop(first);

        // A restart: a new scheduler, nothing in memory, the same database, still in 2026-W50.
        let restarted = scheduler(&t.db, &clock, digest(&log));
        assert!(restarted.tick().await.is_empty());
        clock.set(monday_of_w50() + WEEK.as_millis() as i64);
        assert_eq!(restarted.tick().await, ran("2026-W51"));
        assert!(restarted.tick().await.is_empty());

        assert_eq!(log.keys(), ["2026-W50", "2026-W51"]);
    })
    .await;
}

#[tokio::test]
async fn after_three_missed_weeks_one_tick_runs_the_latest_week_only() {
    each_backend(|t| async move {
        let log = Log::default();
        let clock = Arc::new(ManualClock::new(monday_of_w50()));
        assert_eq!(
            scheduler(&t.db, &clock, digest(&log)).tick().await,
            ran("2026-W50")
        );

        // Down from then until Wednesday three weeks later (2026 has 53 ISO weeks).
        clock.advance(3 * WEEK + 2 * DAY);
        let restarted = scheduler(&t.db, &clock, digest(&log));
        assert_eq!(restarted.tick().await, ran("2026-W53"));
        assert!(restarted.tick().await.is_empty(), "no backlog follows");

        assert_eq!(log.keys(), ["2026-W50", "2026-W53"]);
        let rows = job_runs::list(t.db.pool(), "digest").await.unwrap();
        let keys: Vec<_> = rows.iter().map(|r| r.period_key.as_str()).collect();
        assert_eq!(keys, ["2026-W50", "2026-W53"]);
        assert_eq!(rows[1].due_at, paris(2026, 12, 28, 9, 0));
        assert!(rows
            .iter()
            .all(|r| r.finished_at.is_some() && r.attempts == 1));
    })
    .await;
}

/// Two schedulers, each with its own database handle (two processes), ticked at the same time
/// over four weeks: each week runs once.
async fn two_schedulers_run_each_week_once(t: TestDb) {
    let other_process = Db::connect(&t.url).await.expect("a second handle opens");
    let log = Log::default();
    let clock = Arc::new(ManualClock::new(monday_of_w50()));
    let a = scheduler(&t.db, &clock, digest(&log));
    let b = scheduler(&other_process, &clock, digest(&log));
    let mut ran_total = Vec::new();
    for _week in 0..4 {
        for _round in 0..5 {
            let (ran_a, ran_b) = tokio::join!(a.tick(), b.tick());
            ran_total.extend(ran_a);
            ran_total.extend(ran_b);
        }
        clock.advance(WEEK);
    }
    assert_eq!(log.keys(), ["2026-W50", "2026-W51", "2026-W52", "2026-W53"]);
    assert_eq!(ran_total.len(), 4);
    other_process.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_on_one_postgresql_database_run_each_week_once() {
    match TestDb::postgres().await {
        Some(t) => two_schedulers_run_each_week_once(t).await,
        None => eprintln!("skipped the PostgreSQL run: {PG_VAR} is not set"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_on_one_sqlite_file_run_each_week_once() {
    two_schedulers_run_each_week_once(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_concurrent_claims_of_one_period_exactly_one_wins() {
    each_backend(|t| async move {
        let other_process = Db::connect(&t.url).await.expect("a second handle opens");
        for week in 0..20 {
            let key = format!("2027-W{week:02}");
            let (a, b) = tokio::join!(
                job_runs::claim(t.db.pool(), "digest", &key, 0, 1_000, 60_000),
                job_runs::claim(other_process.pool(), "digest", &key, 0, 1_000, 60_000),
            );
            let winners = [a.unwrap(), b.unwrap()].iter().flatten().count();
            assert_eq!(winners, 1, "{key}");
        }
        other_process.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_failed_run_is_retried_after_its_backoff_and_then_recorded_once() {
    each_backend(|t| async move {
        let calls = Arc::new(Mutex::new(0));
        let counted = calls.clone();
        let flaky = Job::once_per_period("digest", mondays_at_nine(), move |_run| {
            let calls = counted.clone();
            async move {
                let mut n = calls.lock().expect("not poisoned");
                *n += 1;
                anyhow::ensure!(*n > 1, "Discord answered 502");
                Ok(())
            }
        });
        let clock = Arc::new(ManualClock::new(monday_of_w50()));
        let mut s =
            Scheduler::new(t.db.clone(), clock.clone()).with_retry_after(Duration::from_secs(30));
        s.add(flaky);

        assert!(s.tick().await.is_empty(), "the first run fails");
        let row = job_runs::get(t.db.pool(), "digest", "2026-W50")
            .await
            .unwrap()
            .expect("the failed run is recorded");
        assert_eq!(row.finished_at, None);
        assert_eq!(row.attempts, 1);
        assert!(row.last_error.unwrap().contains("Discord answered 502"));

        clock.advance(Duration::from_secs(10));
        assert!(s.tick().await.is_empty(), "still backing off");
        assert_eq!(*calls.lock().unwrap(), 1);

        clock.advance(Duration::from_secs(20));
        assert_eq!(s.tick().await, ran("2026-W50"));
        assert!(s.tick().await.is_empty());
        assert_eq!(*calls.lock().unwrap(), 2);
        let row = job_runs::get(t.db.pool(), "digest", "2026-W50")
            .await
            .unwrap()
            .expect("the run is recorded");
        assert!(row.finished_at.is_some());
        assert_eq!((row.attempts, row.last_error), (2, None));
    })
    .await;
}

#[tokio::test]
async fn a_run_whose_process_died_is_run_by_another_once_its_lease_expires() {
    each_backend(|t| async move {
        let now = monday_of_w50();
        // The dead process claimed the week for five minutes and never finished.
        let dead = job_runs::claim(t.db.pool(), "digest", "2026-W50", now, now, 300_000)
            .await
            .unwrap();
        assert_eq!(dead, Some(1));

        let log = Log::default();
        let clock = Arc::new(ManualClock::new(now + 60_000));
        let s = scheduler(&t.db, &clock, digest(&log));
        assert!(s.tick().await.is_empty(), "the lease still holds the run");

        clock.set(now + 300_000);
        assert_eq!(s.tick().await, ran("2026-W50"));
        assert_eq!(log.keys(), ["2026-W50"]);
        let row = job_runs::get(t.db.pool(), "digest", "2026-W50")
            .await
            .unwrap()
            .expect("the run is recorded");
        assert!(row.finished_at.is_some());
        assert_eq!(row.attempts, 2);
    })
    .await;
}

#[tokio::test]
async fn an_every_tick_job_runs_each_period_and_writes_no_job_runs_rows() {
    each_backend(|t| async move {
        let log = Log::default();
        let recorder = log.clone();
        let escalations = Job::every_tick(
            "escalations",
            Schedule::Every(Duration::from_secs(1)),
            move |run| {
                let log = recorder.clone();
                async move {
                    log.0.lock().expect("not poisoned").push(run.period_key);
                    Ok(())
                }
            },
        );
        let clock = Arc::new(ManualClock::new(monday_of_w50()));
        let s = scheduler(&t.db, &clock, escalations);
        for _ in 0..4 {
            assert_eq!(s.tick().await.len(), 1);
            assert!(s.tick().await.is_empty(), "once per period");
            clock.advance(Duration::from_secs(1));
        }
        assert_eq!(log.keys().len(), 4);
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM job_runs")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(rows, 0);
    })
    .await;
}

#[tokio::test]
async fn a_slow_job_is_not_started_again_while_it_runs() {
    let t = TestDb::sqlite().await;
    let log = Log::default();
    let recorder = log.clone();
    let slow = Job::every_tick(
        "slow",
        Schedule::Every(Duration::from_secs(1)),
        move |run| {
            let log = recorder.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                log.0.lock().expect("not poisoned").push(run.period_key);
                Ok(())
            }
        },
    );
    let clock = Arc::new(ManualClock::new(monday_of_w50()));
    let s = scheduler(&t.db, &clock, slow);
    let first = s.tick();
    let second = async {
        tokio::time::sleep(Duration::from_millis(10)).await;
        clock.advance(Duration::from_secs(1));
        s.tick().await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first.len(), 1);
    assert!(second.is_empty(), "the job was still running");
    assert_eq!(log.keys().len(), 1);
}

/// Waits (at most five seconds) until the log holds `n` runs.
async fn wait_for_runs(log: &Log, n: usize) {
    for _ in 0..50 {
        if log.keys().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_run_loop_notices_a_set_clock_and_stops_on_shutdown() {
    let t = TestDb::sqlite().await;
    let log = Log::default();
    let clock = Arc::new(ManualClock::new(monday_of_w50() - 60_000));
    let (trigger, shutdown) = shutdown_pair();
    let running = tokio::spawn(scheduler(&t.db, &clock, digest(&log)).run(shutdown));

    // Monday 08:59: the latest due week is the one before, never run, so it runs at once.
    wait_for_runs(&log, 1).await;
    assert_eq!(log.keys(), ["2026-W49"]);
    clock.set(monday_of_w50());
    wait_for_runs(&log, 2).await;
    assert_eq!(log.keys(), ["2026-W49", "2026-W50"]);

    trigger.fire();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the loop stops promptly")
        .expect("the loop does not panic");
}

#[tokio::test]
async fn purging_old_runs_keeps_the_latest_period_of_each_job() {
    each_backend(|t| async move {
        let db = t.db.pool();
        for (job, key, at) in [
            ("digest", "2026-W50", 1_000),
            ("digest", "2026-W51", 2_000),
            ("retention", "every:3600000:1", 1_500),
        ] {
            assert_eq!(
                job_runs::claim(db, job, key, at, at, 60_000).await.unwrap(),
                Some(1)
            );
            job_runs::finish(db, job, key, at + 10).await.unwrap();
        }
        assert_eq!(job_runs::purge_before(db, 1_000_000).await.unwrap(), 1);
        let digest: Vec<_> = job_runs::list(db, "digest")
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.period_key)
            .collect();
        assert_eq!(digest, ["2026-W51"]);
        assert_eq!(job_runs::list(db, "retention").await.unwrap().len(), 1);
        assert_eq!(
            job_runs::last_finished(db, "digest").await.unwrap(),
            Some(("2026-W51".to_string(), 2_010))
        );
    })
    .await;
}

/// The bot's own jobs (`jobs::scheduler`) on a set clock: an untaken critical alert is
/// escalated once its delay has passed, once, and retention is recorded once per hour.
#[tokio::test]
async fn the_bots_jobs_escalate_an_untaken_alert_once_and_record_retention_once_per_hour() {
    use promeneur::domain::effects::Effect;
    use promeneur::flows::message::{handle, Handled, Incoming};
    use promeneur::store::outbox;

    each_backend(|t| async move {
        let bot = crate::support::test_bot(&t, "");
        let t0 = monday_of_w50();
        let msg = Incoming {
            guild_id: Some(crate::support::GUILD),
            alert_guild_id: Some(crate::support::GUILD),
            channel_id: 42,
            message_id: 10,
            author_id: 777,
            content: "je veux mourir, ce soir je prends toutes mes boites de dolipranes",
            edit: false,
            at: t0,
            ..Incoming::default()
        };
        let Handled::Flagged { alert_id, .. } = handle(&bot, &msg).await.unwrap() else {
            panic!("a worrying message is flagged")
        };
        let clock = Arc::new(ManualClock::new(t0 + 60_000));
        let scheduler = promeneur::jobs::scheduler(bot.clone(), clock.clone());
        let escalations = |entries: Vec<outbox::OutboxEntry>| {
            entries
                .iter()
                .filter(|e| {
                    matches!(Effect::from_payload(&e.payload), Ok(Effect::Escalate { alert_id: a, .. }) if a == alert_id)
                })
                .count()
        };
        scheduler.tick().await;
        let far = t0 + 3_600_000;
        assert_eq!(escalations(outbox::claim_due(t.db.pool(), far, 1, 100).await.unwrap()), 0);
        // The critical delay is five minutes.
        clock.set(t0 + 5 * 60_000 + 1);
        scheduler.tick().await;
        scheduler.tick().await;
        let due = outbox::claim_due(t.db.pool(), far + 1, 1, 100).await.unwrap();
        assert_eq!(escalations(due), 1);
        let runs = job_runs::list(t.db.pool(), "retention").await.unwrap();
        assert_eq!(runs.len(), 1, "retention ran once in its hour");
        assert!(job_runs::list(t.db.pool(), "escalation").await.unwrap().is_empty());
    })
    .await;
}
