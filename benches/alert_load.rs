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
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use discord_sim::{demo::demo_guild, PostKind, RecordedCall, Sim, SimHandle, SimUser};
use promeneur::safety::RuleSet;
use promeneur::sandbox::{demo_config, RunningBot};
use promeneur::store::{outbox, Db};

#[path = "../crates/safety/benches/common/corpus.rs"]
mod corpus;
use corpus::{chat_line, Rng, CHAT, OPENERS};

/// Young people in the guild (besides the demo guild's own).
const YOUNG_PEOPLE: usize = 600;
/// Channels the traffic goes to (all watched).
const CHANNELS: [&str; 3] = ["#discussion", "#general", "#jeux"];
/// One message in this many is worrying.
const WORRYING_ONE_IN: u64 = 10;
/// Alerts later than this count as lagging.
const LAG_LIMIT: Duration = Duration::from_secs(1);
/// How long to wait for the last alerts of a phase before calling them lost.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(90);

const BOT_CONFIG: &str = r#"
[alerts]
burst_window = "1s"
[alerts.escalation]
critical = "6h"
high = "6h"
medium = "6h"
low = "never"
"#;

/// Harmless chat lines of this bench, besides the shared `corpus::CHAT`.
const MORE_CHAT: &[&str] = &[
    "quelqu'un a fini le devoir de maths ?",
    "le foyer est ouvert jusqu'à 19h ce soir",
    "qui a pris mon chargeur à la MJC",
    "vous avez vu le match hier soir, incroyable",
    "je passe mon code la semaine prochaine, stressé",
    "il reste des places pour le séjour ski ?",
    "mon frère m'a piqué ma manette encore",
    "on fait une soirée jeux de société vendredi",
    "j'ai eu 15 en anglais trop contente",
];

/// Every harmless clause the young people use.
const HARMLESS: &[&[&str]] = &[CHAT, MORE_CHAT];

const WORRIES: &[&str] = &[
    "je veux mourir, ce soir je prends toutes mes boites de dolipranes",
    "j'en peux plus je vais me suicider",
    "je pense au suicide tous les jours",
    "je me suis encore scarifié hier soir",
    "je veux en finir avec la vie",
    "mon père me frappe quand il a bu",
    "ils m'insultent tous les jours sur le groupe et ils me menacent",
    "j'ai envie de me tuer",
    "personne me croit mais mon beau-père me touche la nuit",
    "je me sens vide, j'ai envie de disparaître pour toujours",
    "je me fais harceler au collège tous les jours",
    "ma mère me frappe et j'ai peur de rentrer chez moi",
];

/// A harmless chat line of realistic length, checked against the bot's own rules.
fn harmless(rng: &mut Rng, rules: &RuleSet) -> String {
    loop {
        let m = chat_line(rng, HARMLESS);
        if !rules.scan(&m).flagged {
            return m;
        }
    }
}

/// A worrying message, sometimes within chat, that the bot's rules flag.
fn worrying(rng: &mut Rng, rules: &RuleSet) -> String {
    loop {
        let mut m = String::new();
        if rng.next_u64() % 2 == 0 {
            m.push_str(rng.pick(OPENERS));
            m.push(' ');
        }
        if rng.next_u64() % 3 == 0 {
            m.push_str(rng.pick_in(HARMLESS));
            m.push_str(", ");
        }
        m.push_str(rng.pick(WORRIES));
        if rng.next_u64() % 4 == 0 {
            m.push_str(", ");
            m.push_str(rng.pick_in(HARMLESS));
        }
        if rules.scan(&m).flagged {
            return m;
        }
    }
}

/// Pre-generated texts, so the send loop does no scanning of its own.
struct Corpus {
    harmless: Vec<String>,
    worrying: Vec<String>,
}

impl Corpus {
    fn new(rules: &RuleSet) -> Corpus {
        let mut rng = Rng(0x5EED_CAFE);
        let usable = WORRIES.iter().filter(|w| rules.scan(w).flagged).count();
        assert!(
            usable >= 6,
            "only {usable} worrying sentences are flagged by the rules"
        );
        Corpus {
            harmless: (0..4000).map(|_| harmless(&mut rng, rules)).collect(),
            worrying: (0..800).map(|_| worrying(&mut rng, rules)).collect(),
        }
    }
}

/// A worrying message as posted.
#[derive(Clone, Copy)]
struct Sent {
    at: Instant,
    phase: usize,
}

/// The load generator: posts as the young people, remembers when each worrying message went out.
struct Load {
    users: Vec<SimUser>,
    corpus: Corpus,
    rng: Rng,
    next_worrier: usize,
    count: u64,
    worrying: HashMap<u64, Sent>,
    harmless_sent: u64,
}

impl Load {
    fn post_one(&mut self, phase: usize) {
        self.count += 1;
        let channel = CHANNELS[self.rng.below(CHANNELS.len())];
        if self.count % WORRYING_ONE_IN == 0 {
            // Round robin: a young person's worrying messages are seconds apart, each its own alert.
            let user = &self.users[self.next_worrier % self.users.len()];
            self.next_worrier += 1;
            let text = &self.corpus.worrying[self.rng.below(self.corpus.worrying.len())];
            let id = user.post(channel, text).expect("the sim accepts the post");
            let at = Instant::now();
            self.worrying.insert(id, Sent { at, phase });
        } else {
            let user = &self.users[self.rng.below(self.users.len())];
            let text = &self.corpus.harmless[self.rng.below(self.corpus.harmless.len())];
            user.post(channel, text).expect("the sim accepts the post");
            self.harmless_sent += 1;
        }
    }
}

/// What the alert channel showed, as the sim's feed streams it (cheap to poll during a phase).
#[derive(Default)]
struct Watch {
    /// Worrying message id -> when an alert post or edit first showed it.
    covered: Mutex<HashMap<u64, Instant>>,
    created: AtomicU64,
    edited: AtomicU64,
    lagged: AtomicU64,
}

/// Message ids in `https://discord.com/channels/{guild}/{channel}/{message}` links.
fn linked_messages(text: &str) -> Vec<u64> {
    const MARK: &str = "discord.com/channels/";
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        rest = &rest[i + MARK.len()..];
        let mut parts = rest.splitn(3, '/');
        let (_, _, tail) = (parts.next(), parts.next(), parts.next());
        if let Some(tail) = tail {
            let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(id) = digits.parse() {
                ids.push(id);
            }
        }
    }
    ids
}

fn alert_id_of(body: &str) -> Option<u64> {
    let i = body.find("alert:take:")?;
    let digits: String = body[i + 11..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn spawn_watch(sim: &SimHandle, alert_channel: u64) -> Arc<Watch> {
    let watch = Arc::new(Watch::default());
    let mut rx = sim.subscribe();
    let w = watch.clone();
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match rx.recv().await {
                Ok(p) if p.channel_id == alert_channel => {
                    let counter = match p.kind {
                        PostKind::Created => &w.created,
                        PostKind::Edited => &w.edited,
                        _ => continue,
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    let now = Instant::now();
                    let mut covered = w.covered.lock().expect("watch lock");
                    for id in linked_messages(&p.text()) {
                        covered.entry(id).or_insert(now);
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(n)) => {
                    w.lagged.fetch_add(n, Ordering::Relaxed);
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
    watch
}

/// CPU time of this process and of its threads grouped by name, from /proc (clock ticks of
/// 10 ms, the Linux USER_HZ).
#[derive(Clone, Default)]
struct Cpu {
    total: u64,
    by_thread: HashMap<String, u64>,
}

fn stat_ticks(stat: &str) -> Option<(String, u64)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_string();
    let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    // After the name: state is field 3 (index 0 here); utime 14, stime 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}

fn thread_group(name: &str) -> String {
    let n = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    if n.starts_with("bot-worker") {
        "bot runtime (bot + bench watcher)".into()
    } else if n.starts_with("sim-worker") {
        "discord-sim runtime".into()
    } else if n.starts_with("sqlx-sqlite") {
        "sqlite threads".into()
    } else if n.starts_with("alert_load") {
        "load generator (main thread)".into()
    } else {
        n.to_string()
    }
}

fn cpu_now() -> Cpu {
    let mut cpu = Cpu::default();
    if let Some((_, t)) = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| stat_ticks(&s))
    {
        cpu.total = t;
    }
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for task in dir.flatten() {
            if let Some((name, t)) = std::fs::read_to_string(task.path().join("stat"))
                .ok()
                .and_then(|s| stat_ticks(&s))
            {
                *cpu.by_thread.entry(thread_group(&name)).or_default() += t;
            }
        }
    }
    cpu
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// One measured phase.
struct PhaseResult {
    name: String,
    rate: u64,
    secs: u64,
    sent: u64,
    achieved_rate: f64,
    worrying: usize,
    alerts_posted: usize,
    edits: usize,
    missing: usize,
    latencies: Vec<Duration>,
    /// Worrying messages sent but not yet shown in an alert when the generator stopped.
    backlog_at_end: usize,
    /// From the last post of the phase to its last alert.
    drain: Duration,
    /// Median latency over the first and the last third of the phase.
    first_third_p50: Duration,
    last_third_p50: Duration,
    cpu_percent: f64,
    cpu_split: Vec<(String, f64)>,
    peak_rss_mib: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl PhaseResult {
    fn p(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }

    fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }

    fn sustained(&self) -> bool {
        self.missing == 0 && self.p(99.0) <= LAG_LIMIT && self.drain <= LAG_LIMIT
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// Alert posts and edits in the alert channel, from the sim's record of REST calls.
struct AlertCalls {
    /// Worrying message id -> first successful alert POST or PATCH showing it.
    first_shown: HashMap<u64, Instant>,
    /// Worrying message id -> how many successful alert POSTs showed it.
    posts_showing: HashMap<u64, usize>,
    /// Alert id -> successful POSTs of it.
    posts_per_alert: HashMap<u64, usize>,
    /// Worrying message id -> successful PATCHes showing it.
    patches_showing: HashMap<u64, usize>,
    posts: usize,
    patches: usize,
    failed_calls: usize,
}

fn alert_calls(calls: &[RecordedCall], alert_channel: u64) -> AlertCalls {
    let post_path = format!("/channels/{alert_channel}/messages");
    let mut out = AlertCalls {
        first_shown: HashMap::new(),
        posts_showing: HashMap::new(),
        posts_per_alert: HashMap::new(),
        patches_showing: HashMap::new(),
        posts: 0,
        patches: 0,
        failed_calls: 0,
    };
    for c in calls {
        let is_post = c.method == "POST" && c.path == post_path;
        let is_patch = c.method == "PATCH" && c.path.starts_with(&format!("{post_path}/"));
        if !is_post && !is_patch {
            continue;
        }
        if !(200..300).contains(&c.status) {
            out.failed_calls += 1;
            continue;
        }
        let body = c.body.as_ref().map(|b| b.to_string()).unwrap_or_default();
        let ids = linked_messages(&body);
        if is_post {
            out.posts += 1;
            if let Some(alert) = alert_id_of(&body) {
                *out.posts_per_alert.entry(alert).or_default() += 1;
            }
        } else {
            out.patches += 1;
        }
        for id in ids {
            let first = out.first_shown.entry(id).or_insert(c.at);
            if c.at < *first {
                *first = c.at;
            }
            let counts = if is_post {
                &mut out.posts_showing
            } else {
                &mut out.patches_showing
            };
            *counts.entry(id).or_default() += 1;
        }
    }
    out
}

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

fn print_phase_table(phases: &[PhaseResult]) {
    println!(
        "| phase | offered msg/s | achieved msg/s | s | messages | worrying | alerts posted | edits | p50 ms | p95 ms | p99 ms | max ms | backlog at end | drain ms | p50 1st/last third ms | CPU % (of 200) | peak RSS MiB | <= 1 s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in phases {
        println!(
            "| {} | {} | {:.0} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} | {:.0} | {:.0} | {} |",
            r.name,
            r.rate,
            r.achieved_rate,
            r.secs,
            r.sent,
            r.worrying,
            r.alerts_posted,
            r.edits,
            ms(r.p(50.0)),
            ms(r.p(95.0)),
            ms(r.p(99.0)),
            ms(r.max()),
            r.backlog_at_end,
            ms(r.drain),
            ms(r.first_third_p50),
            ms(r.last_third_p50),
            r.cpu_percent,
            r.peak_rss_mib,
            if r.sustained() { "yes" } else { "NO" },
        );
    }
}

async fn run(sim_runtime: tokio::runtime::Handle) -> anyhow::Result<()> {
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
    let config = demo_config(&sim, &url, BOT_CONFIG)?;
    let rules = promeneur::app::load_rules(&config)?;
    let corpus = Corpus::new(&rules);
    let alert_channel = sim.channel_id("#alertes-promeneurs")?;
    let bot = RunningBot::start(config).await?;
    sim.wait_connected().await?;
    sim.wait_command("alerte").await?;
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
    let exchanges = count("SELECT COUNT(*) FROM exchanges").await?;
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
    drop(dir);
    Ok(())
}

fn main() -> anyhow::Result<()> {
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
