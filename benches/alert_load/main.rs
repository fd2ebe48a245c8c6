//! Load benchmark (issue 5 item 10): the real bot (the code `promeneur run` runs, with the
//! unmodified serenity/poise client) against discord-sim over real sockets, on a fresh SQLite
//! database, everything in this one process on this machine's cores.
//!
//! Young people post mixed traffic (about 90% harmless French chat, 10% worrying messages) in
//! three channels; the bench measures, for each worrying message, the time from the moment the
//! sim dispatches its MESSAGE_CREATE (`SimUser::post` returns once the event is queued to the
//! gateway connection) to the moment the bot's alert `POST /channels/{alert}/messages` reaches the
//! sim (`RecordedCall::at`). Phases:
//!
//! 1. steady: 100 messages/s for 60 s;
//! 2. steps: 100, 200, 400, 600, 800, 1000, 1500, 2000 ... 8000 messages/s for 15 s each, until alerts
//!    lag beyond one second (p99 > 1 s, or alerts still missing one second after the step);
//! 3. accounting: every worrying message has exactly one alert post, no alert is posted twice,
//!    and the bot's outbox has nothing pending or failed.
//!
//! Worrying messages rotate over 600 young people and `[alerts] burst_window = "1s"`, so each one
//! opens its own alert (the production window of ten minutes would group a person's messages into
//! one alert edited in place; edits are counted apart). The sim (on its own one-thread runtime),
//! the load generator (the main thread) and the bot (a runtime of one worker per core, as
//! `promeneur run`) share the CPU: the latencies are for the whole system on this machine; the
//! CPU table splits the time by thread group.
//!
//! ```sh
//! cargo bench --bench alert_load
//! # shorter: ALERT_LOAD_STEADY_SECS=10 ALERT_LOAD_STEP_SECS=5 ALERT_LOAD_RATES=100,500 cargo bench --bench alert_load
//! # under Discord's rate limits: ALERT_LOAD_DISCORD_LIMITS=1 ALERT_LOAD_STEADY_SECS=30 ALERT_LOAD_RATES=20 ...
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use discord_sim::{demo::demo_guild, PostKind, RecordedCall, Sim, SimHandle, SimUser};
use promeneur::safety::RuleSet;
use promeneur::sandbox::{demo_config, RunningBot};
use promeneur::store::{outbox, Db};

#[path = "../../crates/safety/benches/common/corpus.rs"]
mod corpus;
use corpus::{chat_line, Rng, CHAT, OPENERS};

mod flood;
mod processes;
mod report;
mod traffic;

use report::*;
use traffic::*;

struct Bench {
    sim: SimHandle,
    alert_channel: u64,
    load: Load,
    watch: Arc<Watch>,
    phases: Vec<PhaseResult>,
}

impl Bench {
    /// Posts at `rate` messages/s for `secs`, waits for the phase's alerts, measures.
    async fn phase(&mut self, name: &str, rate: u64, secs: u64) -> PhaseResult {
        let index = self.phases.len();
        let edits_before = self.watch.edited.load(Ordering::Relaxed);
        let cpu_before = cpu_now();
        let total = rate * secs;
        let start = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut sent = 0u64;
        while sent < total {
            tick.tick().await;
            let due = ((start.elapsed().as_secs_f64() * rate as f64) as u64).min(total);
            while sent < due {
                self.load.post_one(index);
                sent += 1;
            }
        }
        let send_end = Instant::now();
        let achieved_rate = sent as f64 / (send_end - start).as_secs_f64();
        let mine: Vec<(u64, Sent)> = self
            .load
            .worrying
            .iter()
            .filter(|(_, s)| s.phase == index)
            .map(|(id, s)| (*id, *s))
            .collect();
        let backlog_at_end = {
            let covered = self.watch.covered.lock().expect("watch lock");
            mine.iter()
                .filter(|(id, _)| !covered.contains_key(id))
                .count()
        };
        // Wait for every alert of the phase (as the feed shows them).
        let deadline = Instant::now() + DRAIN_TIMEOUT;
        loop {
            let missing = {
                let covered = self.watch.covered.lock().expect("watch lock");
                mine.iter()
                    .filter(|(id, _)| !covered.contains_key(id))
                    .count()
            };
            if missing == 0 || Instant::now() > deadline {
                break;
            }
            if self.watch.lagged.load(Ordering::Relaxed) > 0 {
                // The feed dropped posts: the record of calls decides (slower to read).
                let calls = alert_calls(&self.sim.calls(), self.alert_channel);
                if mine
                    .iter()
                    .all(|(id, _)| calls.first_shown.contains_key(id))
                {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let cpu_after = cpu_now();
        let wall = (Instant::now() - start).as_secs_f64();
        // Latencies from the sim's record: when each alert request reached the sim.
        let calls = alert_calls(&self.sim.calls(), self.alert_channel);
        let mut latencies = Vec::new();
        let mut timed: Vec<(Instant, Duration)> = Vec::new();
        let mut missing = 0;
        let mut last_alert = send_end;
        let mut alerts_posted = 0;
        for (id, s) in &mine {
            match calls.first_shown.get(id) {
                Some(at) => {
                    let lat = at.saturating_duration_since(s.at);
                    latencies.push(lat);
                    timed.push((s.at, lat));
                    last_alert = last_alert.max(*at);
                    if calls.posts_showing.contains_key(id) {
                        alerts_posted += 1;
                    }
                }
                None => missing += 1,
            }
        }
        latencies.sort();
        timed.sort_by_key(|(at, _)| *at);
        let third = timed.len() / 3;
        let median_of = |part: &[(Instant, Duration)]| {
            let mut v: Vec<Duration> = part.iter().map(|(_, l)| *l).collect();
            v.sort();
            percentile(&v, 50.0)
        };
        let first_third_p50 = median_of(&timed[..third]);
        let last_third_p50 = median_of(&timed[timed.len() - third..]);
        let ticks = cpu_after.total.saturating_sub(cpu_before.total) as f64;
        let mut cpu_split: Vec<(String, f64)> = cpu_after
            .by_thread
            .iter()
            .map(|(k, v)| {
                let before = cpu_before.by_thread.get(k).copied().unwrap_or(0);
                (k.clone(), v.saturating_sub(before) as f64 / wall)
            })
            .filter(|(_, pct)| *pct >= 0.5)
            .collect();
        cpu_split.sort_by(|a, b| b.1.total_cmp(&a.1));
        let result = PhaseResult {
            name: name.to_string(),
            rate,
            secs,
            sent,
            achieved_rate,
            worrying: mine.len(),
            alerts_posted,
            edits: usize::try_from(self.watch.edited.load(Ordering::Relaxed) - edits_before)
                .unwrap_or(0),
            missing,
            latencies,
            backlog_at_end,
            drain: last_alert.saturating_duration_since(send_end),
            first_third_p50,
            last_third_p50,
            // Ticks are 10 ms: ticks / seconds = percent of one core.
            cpu_percent: ticks / wall,
            cpu_split,
            peak_rss_mib: peak_rss_mib(),
        };
        eprintln!(
            "  {:<8} {:>5} msg/s x {:>2}s: {} worrying, p50 {} ms, p99 {} ms, max {} ms, drain {} ms, missing {}, cpu {:.0}%",
            result.name,
            rate,
            secs,
            result.worrying,
            ms(result.p(50.0)),
            ms(result.p(99.0)),
            ms(result.max()),
            ms(result.drain),
            result.missing,
            result.cpu_percent
        );
        result
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rates() -> Vec<u64> {
    std::env::var("ALERT_LOAD_RATES")
        .ok()
        .map(|v| v.split(',').filter_map(|r| r.trim().parse().ok()).collect())
        .unwrap_or_else(|| {
            vec![
                100, 200, 400, 600, 800, 1000, 1500, 2000, 3000, 4000, 6000, 8000,
            ]
        })
}

async fn run(sim_runtime: tokio::runtime::Handle) -> anyhow::Result<()> {
    // ALERT_LOAD_SCENARIO=processes: issue 17's figures, bot processes on SQLite and PostgreSQL.
    if std::env::var("ALERT_LOAD_SCENARIO").is_ok_and(|s| s == "processes") {
        return processes::run(sim_runtime).await;
    }
    let load_before = loadavg();
    let steady_secs = env_u64("ALERT_LOAD_STEADY_SECS", 60);
    let step_secs = env_u64("ALERT_LOAD_STEP_SECS", 15);
    let mut guild = demo_guild().text_channel("general").text_channel("jeux");
    let names: Vec<String> = (0..YOUNG_PEOPLE).map(|i| format!("jeune{i:03}")).collect();
    for n in &names {
        guild = guild.member(n, &[]);
    }
    // The sim serves from its own runtime thread, so its CPU is counted apart from the bot's.
    let sim = sim_runtime.spawn(Sim::start([guild])).await??;
    let dir = tempfile::tempdir()?;
    let db_path = dir.path().join("bot.db");
    let url = format!("sqlite://{}", db_path.display());
    // ALERT_LOAD_SCENARIO=flood: issue 15's figures (see flood.rs), under Discord's limits.
    let scenario_flood = std::env::var("ALERT_LOAD_SCENARIO").is_ok_and(|s| s == "flood");
    let bot_config = if scenario_flood {
        flood::FLOOD_CONFIG
    } else {
        BOT_CONFIG
    };
    let config = demo_config(&sim, &url, bot_config)?;
    let rules = promeneur::app::load_rules(&config)?;
    let corpus = Corpus::new(&rules);
    let alert_channel = sim.channel_id("#alertes-promeneurs")?;
    let bot = RunningBot::start(config).await?;
    sim.wait_connected().await?;
    // ALERT_LOAD_DISCORD_LIMITS=1: Discord's rate limits emulated (5 posts per 5 s per channel,
    // 10 DM channels per 10 s, 50 requests per second), as the bot meets them for real.
    let limited = env_u64("ALERT_LOAD_DISCORD_LIMITS", 0) == 1 || scenario_flood;
    if limited {
        sim.emulate_rate_limits(discord_sim::RateLimits::discord());
    }
    sim.wait_command("alerte").await?;
    if scenario_flood {
        let users: Vec<SimUser> = names.iter().map(|n| sim.user(n)).collect();
        flood::run(&sim, alert_channel, &corpus, &users, &names, &url).await?;
        bot.stop().await?;
        let db = Db::connect(&url).await?;
        let stats = outbox::stats(db.pool()).await?;
        let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM alerts WHERE delivered_at IS NULL")
            .fetch_one(db.pool())
            .await?;
        db.close().await;
        println!(
            "| DB alerts never delivered / outbox pending / failed | {} / {} / {} | 0 / 0 / 0 |",
            row.0, stats.pending, stats.failed
        );
        drop(dir);
        return Ok(());
    }
    let watch = spawn_watch(&sim, alert_channel);
    let profile = if cfg!(debug_assertions) {
        "dev (debug assertions; dependencies at opt-level 1)"
    } else {
        "optimised (bench/release)"
    };
    eprintln!(
        "alert_load: {} young people, {} channels, 1 worrying message in {WORRYING_ONE_IN}, profile {profile}, bot runtime of {} workers, sim runtime of 1",
        YOUNG_PEOPLE,
        CHANNELS.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut bench = Bench {
        load: Load {
            users: names.iter().map(|n| sim.user(n)).collect(),
            corpus,
            rng: Rng(42),
            next_worrier: 0,
            count: 0,
            worrying: HashMap::new(),
            harmless_sent: 0,
        },
        sim: sim.clone(),
        alert_channel,
        watch: watch.clone(),
        phases: Vec::new(),
    };

    // Warm-up (not reported): the first alert, DM channel, connection pool and caches.
    let warm = bench.phase("warm-up", 50, 3).await;
    bench.phases.push(warm);
    let steady = bench.phase("steady", 100, steady_secs).await;
    bench.phases.push(steady);
    for rate in rates() {
        let step = bench.phase("step", rate, step_secs).await;
        let ok = step.sustained();
        bench.phases.push(step);
        if !ok {
            break;
        }
    }

    // Anything late or doubled shows up now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let calls = sim.calls();
    let alerts = alert_calls(&calls, alert_channel);
    let dm_posts = calls
        .iter()
        .filter(|c| c.method == "POST" && c.path == "/users/@me/channels")
        .count();
    let rest_errors = calls
        .iter()
        .filter(|c| c.status >= 400 || c.status == 0)
        .count();
    let worrying_ids: HashSet<u64> = bench.load.worrying.keys().copied().collect();
    let lost = worrying_ids
        .iter()
        .filter(|id| !alerts.first_shown.contains_key(id))
        .count();
    let shown_twice_as_new = worrying_ids
        .iter()
        .filter(|id| alerts.posts_showing.get(id).copied().unwrap_or(0) > 1)
        .count();
    let grouped = worrying_ids
        .iter()
        .filter(|id| {
            !alerts.posts_showing.contains_key(id) && alerts.patches_showing.contains_key(id)
        })
        .count();
    let alerts_posted_twice = alerts.posts_per_alert.values().filter(|n| **n > 1).count();
    let violations = sim.violations().len() + sim.unexpected_calls().len();
    let feed_lagged = watch.lagged.load(Ordering::Relaxed);

    bot.stop().await?;
    let db = Db::connect(&url).await?;
    let stats = outbox::stats(db.pool()).await?;
    let count = |sql: &'static str| {
        let pool = db.pool().clone();
        async move {
            let row: (i64,) = sqlx::query_as(sql).fetch_one(&pool).await?;
            anyhow::Ok(row.0)
        }
    };
    let flags = count("SELECT COUNT(*) FROM flags").await?;
    let db_alerts = count("SELECT COUNT(*) FROM alerts").await?;
    let undelivered = count("SELECT COUNT(*) FROM alerts WHERE delivered_at IS NULL").await?;
    let exchanges = count("SELECT COUNT(*) FROM journal WHERE action = 'message_scanned'").await?;
    db.close().await;

    let load_after = loadavg();
    let reported: Vec<PhaseResult> = bench.phases.into_iter().skip(1).collect();
    println!();
    println!("## alert_load — MESSAGE_CREATE dispatched by the sim -> alert POST reaching the sim");
    println!();
    println!("profile: {profile}; bot + discord-sim + load generator in one process on 2 shared cores; SQLite (WAL) in a temp dir");
    println!("machine load average (1/5/15 min) before: {load_before}; after: {load_after}");
    println!();
    print_phase_table(&reported);
    println!();
    let best = reported
        .iter()
        .filter(|r| r.name == "step" && r.sustained())
        .map(|r| r.rate)
        .max();
    match best {
        Some(rate) => println!("highest rate sustained (p99 <= 1 s, every alert within 1 s of the step's end): {rate} msg/s"),
        None => println!("highest rate sustained: none of the steps"),
    }
    println!();
    println!("CPU by thread group (% of one core, whole phase incl. drain):");
    for r in &reported {
        let split: Vec<String> = r
            .cpu_split
            .iter()
            .map(|(k, v)| format!("{k} {v:.0}%"))
            .collect();
        println!("  {} {} msg/s: {}", r.name, r.rate, split.join(", "));
    }
    println!();
    println!("## accounting (all phases, warm-up included)");
    println!();
    println!("| check | value |");
    println!("|---|---|");
    println!("| messages sent | {} |", bench.load.count);
    println!("| harmless | {} |", bench.load.harmless_sent);
    println!("| worrying | {} |", worrying_ids.len());
    println!(
        "| alert POSTs in #alertes-promeneurs (2xx) | {} |",
        alerts.posts
    );
    println!("| alert PATCHes (2xx) | {} |", alerts.patches);
    println!("| worrying messages with no alert (lost) | {lost} |");
    println!("| worrying messages in more than one alert POST | {shown_twice_as_new} |");
    println!("| worrying messages only in an edit (grouped) | {grouped} |");
    println!("| alerts POSTed more than once (doubled) | {alerts_posted_twice} |");
    println!("| failed alert calls | {} |", alerts.failed_calls);
    println!("| DM channels opened (helpline cards) | {dm_posts} |");
    println!("| REST calls answered >= 400 | {rest_errors} |");
    println!("| OpenAPI violations / unknown routes | {violations} |");
    println!("| feed events dropped (bench watcher lag) | {feed_lagged} |");
    println!("| DB exchanges logged | {exchanges} |");
    println!("| DB flags | {flags} |");
    println!("| DB alerts | {db_alerts} |");
    println!("| DB alerts never delivered | {undelivered} |");
    println!(
        "| DB outbox pending / delivered / failed | {} / {} / {} |",
        stats.pending, stats.delivered, stats.failed
    );
    println!("| peak RSS (VmHWM) | {:.0} MiB |", peak_rss_mib());
    println!();
    let exact = lost == 0
        && shown_twice_as_new == 0
        && alerts_posted_twice == 0
        && stats.pending == 0
        && stats.failed == 0
        && undelivered == 0
        && flags == i64::try_from(worrying_ids.len()).unwrap_or(-1);
    println!(
        "zero alerts lost or doubled: {}",
        if exact { "yes" } else { "NO" }
    );
    if limited {
        let limits = sim.rate_limit_stats();
        let calls = sim.calls().len();
        println!(
            "Discord's limits emulated: {} requests answered 429 ({} global) out of {calls}",
            limits.rejected, limits.rejected_global
        );
    }
    drop(dir);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // RUST_LOG=promeneur=debug: the bot's logs on stderr (the delivery worker's decisions).
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    // `cargo bench` passes `--bench`; this binary takes its settings from the environment.
    // The bot gets a runtime like `promeneur run` (one worker per core); the sim one thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("bot-worker")
        .enable_all()
        .build()?;
    let sim_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("sim-worker")
        .enable_all()
        .build()?;
    let result = runtime.block_on(run(sim_runtime.handle().clone()));
    sim_runtime.shutdown_background();
    result
}
