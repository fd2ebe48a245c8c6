//! `ALERT_LOAD_SCENARIO=processes` (issue 17): the real `promeneur` binary in separate processes
//! against discord-sim, measured in one run:
//!
//! 1. one process on SQLite, stepped rates until p99 message-to-alert passes 250 ms (the knee);
//! 2. two processes (same shard: an active standby) on one PostgreSQL database, the same steps;
//! 3. a short soak on PostgreSQL: two processes at a sustainable rate, a random one killed with
//!    SIGKILL (and started again) every `ALERT_LOAD_KILL_EVERY` seconds; then every worrying
//!    message must show in exactly one alert message of the channel (0 lost, 0 doubled), and
//!    each process slot's peak RSS (VmHWM, the highest of its successive processes) is printed.
//!
//! PostgreSQL: `PROMENEUR_TEST_POSTGRES_URL` (the bench creates and drops its own database);
//! without it, parts 2 and 3 are skipped. Settings: `ALERT_LOAD_RATES` (50,100,200,400,800),
//! `ALERT_LOAD_STEP_SECS` (10), `ALERT_LOAD_SOAK_SECS` (180), `ALERT_LOAD_SOAK_RATE` (50),
//! `ALERT_LOAD_KILL_EVERY` (40).

use std::process::{Child, Command, Stdio};

use sqlx::Executor;

use super::*;

/// The target for p99 message-to-alert.
const TARGET_P99: Duration = Duration::from_millis(250);

/// One `promeneur run` process slot: killed and started again during the soak.
struct Slot {
    child: Child,
    peak_kib: u64,
}

impl Slot {
    fn spawn(config: &std::path::Path) -> Slot {
        let child = Command::new(env!("CARGO_BIN_EXE_promeneur"))
            .env_remove("DATABASE_URL")
            .env_remove("DISCORD_TOKEN")
            .env_remove("DISCORD_API_BASE")
            .env_remove("PROMENEUR_PSEUDONYM_KEY")
            .env("RUST_LOG", "error")
            .arg("run")
            .arg("--config")
            .arg(config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the promeneur binary starts");
        Slot { child, peak_kib: 0 }
    }

    /// Reads the process's peak RSS so far into the slot's.
    fn sample_rss(&mut self) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()));
        let kib = status.ok().and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        });
        self.peak_kib = self.peak_kib.max(kib.unwrap_or(0));
    }

    fn kill(&mut self) {
        self.sample_rss();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A sim, its bot processes, and the load.
struct Setup {
    sim: SimHandle,
    config: std::path::PathBuf,
    slots: Vec<Slot>,
    load: Load,
    watch: Arc<Watch>,
    phases: usize,
    _dir: tempfile::TempDir,
}

/// One step's figures.
struct Step {
    rate: u64,
    worrying: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
    missing: usize,
}

impl Step {
    fn sustained(&self) -> bool {
        self.missing == 0 && self.p99 <= TARGET_P99
    }
}

impl Setup {
    async fn start(
        sim_runtime: &tokio::runtime::Handle,
        url: &str,
        processes: usize,
        rules: &RuleSet,
    ) -> anyhow::Result<Setup> {
        let mut guild = demo_guild().text_channel("general").text_channel("jeux");
        let names: Vec<String> = (0..YOUNG_PEOPLE).map(|i| format!("jeune{i:03}")).collect();
        for n in &names {
            guild = guild.member(n, &[]);
        }
        let sim = sim_runtime
            .spawn(Sim::builder().guild(guild).launch())
            .await??;
        let dir = tempfile::tempdir()?;
        let url = url.replace("{dir}", &dir.path().display().to_string());
        let config = dir.path().join("promeneur.toml");
        std::fs::write(
            &config,
            promeneur::sandbox::demo_config_toml(&sim, &url, BOT_CONFIG)?,
        )?;
        let mut slots = Vec::new();
        for i in 0..processes {
            slots.push(Slot::spawn(&config));
            // The first applies the migrations; the others would wait for its lock anyway.
            sim.wait_gateway(|s| s.identifies as usize > i).await?;
        }
        sim.wait_command("alerte").await?;
        let alert_channel = sim.channel_id("#alertes-promeneurs")?;
        let watch = spawn_watch(&sim, alert_channel);
        let load = Load {
            users: names.iter().map(|n| sim.user(n)).collect(),
            corpus: Corpus::new(rules),
            rng: Rng(17),
            next_worrier: 0,
            count: 0,
            worrying: HashMap::new(),
            harmless_sent: 0,
        };
        Ok(Setup {
            sim,
            config,
            slots,
            load,
            watch,
            phases: 0,
            _dir: dir,
        })
    }

    /// Posts at `rate` for `secs` (calling `every_second` each second), then waits for the
    /// phase's alerts and measures them.
    async fn phase(
        &mut self,
        rate: u64,
        secs: u64,
        mut every_second: impl FnMut(&mut Self, u64),
    ) -> Step {
        let index = self.phases;
        self.phases += 1;
        let total = rate * secs;
        let start = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let (mut sent, mut second) = (0u64, 0u64);
        while sent < total {
            tick.tick().await;
            let elapsed = start.elapsed();
            if elapsed.as_secs() > second {
                second = elapsed.as_secs();
                every_second(self, second);
            }
            let due = ((elapsed.as_secs_f64() * rate as f64) as u64).min(total);
            while sent < due {
                self.load.post_one(index);
                sent += 1;
            }
        }
        let mine: Vec<(u64, Instant)> = self
            .load
            .worrying
            .iter()
            .filter(|(_, s)| s.phase == index)
            .map(|(id, s)| (*id, s.at))
            .collect();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut latencies = Vec::new();
        let mut missing;
        loop {
            latencies.clear();
            missing = 0;
            {
                let covered = self.watch.covered.lock().expect("watch lock");
                for (id, at) in &mine {
                    match covered.get(id) {
                        Some(shown) => latencies.push(shown.saturating_duration_since(*at)),
                        None => missing += 1,
                    }
                }
            }
            if missing == 0 || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        latencies.sort();
        let step = Step {
            rate,
            worrying: mine.len(),
            p50: percentile(&latencies, 50.0),
            p99: percentile(&latencies, 99.0),
            max: latencies.last().copied().unwrap_or_default(),
            missing,
        };
        eprintln!(
            "  {rate:>5} msg/s x {secs}s: {} worrying, p50 {} ms, p99 {} ms, max {} ms, missing {missing}",
            step.worrying,
            ms(step.p50),
            ms(step.p99),
            ms(step.max)
        );
        step
    }

    /// Steps through `rates` until one is not sustained (the knee).
    async fn steps(&mut self, rates: &[u64], secs: u64) -> Vec<Step> {
        let mut steps = Vec::new();
        for &rate in rates {
            let step = self.phase(rate, secs, |_, _| {}).await;
            let ok = step.sustained();
            steps.push(step);
            if !ok {
                break;
            }
        }
        steps
    }

    /// Per worrying message, how many alert messages of the channel show it now.
    fn shown_in_channel(&self) -> HashMap<u64, usize> {
        let mut shown: HashMap<u64, usize> = HashMap::new();
        let messages = self.sim.messages("#alertes-promeneurs").unwrap_or_default();
        for m in messages {
            let text = serde_json::Value::Array(m.embeds.clone()).to_string();
            let mut ids = linked_messages(&text);
            ids.sort();
            ids.dedup();
            for id in ids {
                *shown.entry(id).or_default() += 1;
            }
        }
        shown
    }

    fn stop(mut self) -> Vec<u64> {
        for slot in &mut self.slots {
            slot.kill();
        }
        self.slots.iter().map(|s| s.peak_kib).collect()
    }
}

fn print_steps(title: &str, steps: &[Step]) {
    println!("### {title}");
    println!();
    println!("| msg/s | worrying | p50 ms | p99 ms | max ms | missing | p99 <= 250 ms |");
    println!("|---|---|---|---|---|---|---|");
    for s in steps {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            s.rate,
            s.worrying,
            ms(s.p50),
            ms(s.p99),
            ms(s.max),
            s.missing,
            if s.sustained() { "yes" } else { "no" }
        );
    }
    let best = steps.iter().filter(|s| s.sustained()).map(|s| s.rate).max();
    let knee = steps.iter().find(|s| !s.sustained()).map(|s| s.rate);
    println!();
    println!(
        "highest rate sustained: {}; knee (first rate that lags): {}",
        best.map_or("none".into(), |r| format!("{r} msg/s")),
        knee.map_or("not reached".into(), |r| format!("{r} msg/s"))
    );
    println!();
}

/// A fresh PostgreSQL database for the bench; returns its URL.
async fn create_pg_database(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let admin = Db::connect(admin_url).await?;
    admin
        .pool()
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    admin.close().await;
    let (base, query) = admin_url.split_once('?').unwrap_or((admin_url, ""));
    let cut = base
        .rfind('/')
        .filter(|i| *i > "postgres://".len())
        .unwrap_or(base.len());
    Ok(if query.is_empty() {
        format!("{}/{name}", &base[..cut])
    } else {
        format!("{}/{name}?{query}", &base[..cut])
    })
}

async fn drop_pg_database(admin_url: &str, name: &str) {
    if let Ok(admin) = Db::connect(admin_url).await {
        let _ = admin
            .pool()
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .await;
        admin.close().await;
    }
}

pub(crate) async fn run(sim_runtime: tokio::runtime::Handle) -> anyhow::Result<()> {
    let rates: Vec<u64> = std::env::var("ALERT_LOAD_RATES")
        .ok()
        .map(|v| v.split(',').filter_map(|r| r.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50, 100, 200, 400, 800]);
    let step_secs = env_u64("ALERT_LOAD_STEP_SECS", 10);
    let soak_secs = env_u64("ALERT_LOAD_SOAK_SECS", 180);
    let soak_rate = env_u64("ALERT_LOAD_SOAK_RATE", 50);
    let kill_every = env_u64("ALERT_LOAD_KILL_EVERY", 40).max(1);
    let rules = RuleSet::builtin().map_err(|e| anyhow::anyhow!("{e}"))?;
    let load_before = loadavg();

    eprintln!("processes: one process on SQLite");
    let mut sqlite = Setup::start(&sim_runtime, "sqlite://{dir}/bot.db", 1, &rules).await?;
    let sqlite_steps = sqlite.steps(&rates, step_secs).await;
    let sqlite_rss = sqlite.stop();

    let admin_url = std::env::var("PROMENEUR_TEST_POSTGRES_URL")
        .ok()
        .filter(|v| !v.is_empty());
    let mut pg_report = None;
    if let Some(admin_url) = &admin_url {
        let name = format!("promeneur_bench_{}", std::process::id());
        let url = create_pg_database(admin_url, &name).await?;
        eprintln!("processes: two processes on PostgreSQL");
        let result = async {
            let mut pg = Setup::start(&sim_runtime, &url, 2, &rules).await?;
            let steps = pg.steps(&rates, step_secs).await;
            eprintln!("processes: soak, {soak_rate} msg/s for {soak_secs} s, a kill -9 every {kill_every} s");
            let mut rng = Rng(99);
            let mut kills = 0;
            let soak = pg
                .phase(soak_rate, soak_secs, |setup, second| {
                    for slot in &mut setup.slots {
                        slot.sample_rss();
                    }
                    if second % kill_every == 0 {
                        let victim = rng.below(setup.slots.len());
                        let peak = {
                            let slot = &mut setup.slots[victim];
                            slot.kill();
                            slot.peak_kib
                        };
                        let mut fresh = Slot::spawn(&setup.config);
                        fresh.peak_kib = peak;
                        setup.slots[victim] = fresh;
                        kills += 1;
                    }
                })
                .await;
            // Late or doubled alerts show up now.
            tokio::time::sleep(Duration::from_secs(20)).await;
            let shown = pg.shown_in_channel();
            let ids: Vec<u64> = pg.load.worrying.keys().copied().collect();
            let lost = ids.iter().filter(|id| !shown.contains_key(id)).count();
            let doubled = ids.iter().filter(|id| shown.get(id).copied().unwrap_or(0) > 1).count();
            let violations = pg.sim.violations().len();
            let rss = pg.stop();
            anyhow::Ok((steps, soak, kills, ids.len(), lost, doubled, violations, rss))
        }
        .await;
        drop_pg_database(admin_url, &name).await;
        pg_report = Some(result?);
    }

    let profile = if cfg!(debug_assertions) {
        "dev (debug assertions; dependencies at opt-level 1)"
    } else {
        "optimised"
    };
    println!();
    println!("## alert_load processes — MESSAGE_CREATE dispatched -> alert shown in the channel");
    println!();
    println!("bench profile: {profile}; the bot is the `promeneur` binary of the same profile, in separate processes; discord-sim and the load generator in the bench process; 2 shared cores");
    println!(
        "machine load average before: {load_before}; after: {}",
        loadavg()
    );
    println!();
    print_steps("one process, SQLite", &sqlite_steps);
    println!(
        "peak RSS of the SQLite process: {:.0} MiB",
        sqlite_rss[0] as f64 / 1024.0
    );
    println!();
    match pg_report {
        None => println!("PostgreSQL parts skipped: PROMENEUR_TEST_POSTGRES_URL is not set"),
        Some((steps, soak, kills, worrying, lost, doubled, violations, rss)) => {
            print_steps("two processes (same shard), PostgreSQL", &steps);
            println!("### soak, two processes on PostgreSQL");
            println!();
            println!("| figure | value |");
            println!("|---|---|");
            println!("| rate x duration | {soak_rate} msg/s x {soak_secs} s |");
            println!(
                "| kill -9 (then restart) of a random process | {kills}, every {kill_every} s |"
            );
            println!("| worrying messages (all PostgreSQL phases) | {worrying} |");
            println!(
                "| soak p50 / p99 / max message-to-alert | {} / {} / {} ms |",
                ms(soak.p50),
                ms(soak.p99),
                ms(soak.max)
            );
            println!("| lost (in no alert message) | {lost} |");
            println!("| doubled (in more than one alert message) | {doubled} |");
            println!("| OpenAPI violations | {violations} |");
            for (i, kib) in rss.iter().enumerate() {
                println!(
                    "| peak RSS, process slot {} | {:.0} MiB |",
                    i + 1,
                    *kib as f64 / 1024.0
                );
            }
        }
    }
    Ok(())
}
