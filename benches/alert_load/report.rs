//! What a phase measured: CPU per thread group, peak memory, latency percentiles, the alert
//! calls the sim recorded, and the printed table.

use super::*;

/// CPU time of this process and of its threads grouped by name, from /proc (clock ticks of
/// 10 ms, the Linux USER_HZ).
#[derive(Clone, Default)]
pub(crate) struct Cpu {
    pub(crate) total: u64,
    pub(crate) by_thread: HashMap<String, u64>,
}

pub(crate) fn stat_ticks(stat: &str) -> Option<(String, u64)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_string();
    let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    // After the name: state is field 3 (index 0 here); utime 14, stime 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}

pub(crate) fn thread_group(name: &str) -> String {
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

pub(crate) fn cpu_now() -> Cpu {
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

pub(crate) fn peak_rss_mib() -> f64 {
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
pub(crate) struct PhaseResult {
    pub(crate) name: String,
    pub(crate) rate: u64,
    pub(crate) secs: u64,
    pub(crate) sent: u64,
    pub(crate) achieved_rate: f64,
    pub(crate) worrying: usize,
    pub(crate) alerts_posted: usize,
    pub(crate) edits: usize,
    pub(crate) missing: usize,
    pub(crate) latencies: Vec<Duration>,
    /// Worrying messages sent but not yet shown in an alert when the generator stopped.
    pub(crate) backlog_at_end: usize,
    /// From the last post of the phase to its last alert.
    pub(crate) drain: Duration,
    /// Median latency over the first and the last third of the phase.
    pub(crate) first_third_p50: Duration,
    pub(crate) last_third_p50: Duration,
    pub(crate) cpu_percent: f64,
    pub(crate) cpu_split: Vec<(String, f64)>,
    pub(crate) peak_rss_mib: f64,
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl PhaseResult {
    pub(crate) fn p(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }

    pub(crate) fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }

    pub(crate) fn sustained(&self) -> bool {
        self.missing == 0 && self.p(99.0) <= LAG_LIMIT && self.drain <= LAG_LIMIT
    }
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// Alert posts and edits in the alert channel, from the sim's record of REST calls.
pub(crate) struct AlertCalls {
    /// Worrying message id -> first successful alert POST or PATCH showing it.
    pub(crate) first_shown: HashMap<u64, Instant>,
    /// Worrying message id -> how many successful alert POSTs showed it.
    pub(crate) posts_showing: HashMap<u64, usize>,
    /// Alert id -> successful POSTs of it.
    pub(crate) posts_per_alert: HashMap<u64, usize>,
    /// Worrying message id -> successful PATCHes showing it.
    pub(crate) patches_showing: HashMap<u64, usize>,
    pub(crate) posts: usize,
    pub(crate) patches: usize,
    pub(crate) failed_calls: usize,
}

pub(crate) fn alert_calls(calls: &[RecordedCall], alert_channel: u64) -> AlertCalls {
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

pub(crate) fn print_phase_table(phases: &[PhaseResult]) {
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
