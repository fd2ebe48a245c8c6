//! Private questions under load, with Discord's rate limits emulated in discord-sim: the real bot
//! (the code `promeneur run` runs, unmodified serenity/poise) on a fresh SQLite database.
//!
//! `QUESTION_RELAY_PEOPLE` young people (default 40) each write the bot a DM, spread over
//! `QUESTION_RELAY_SECS` seconds (default 10): each DM opens a private question, whose head
//! message, thread and relay go to the one staff channel; then a promeneur answers each of them
//! with `/repondre` and the answer goes back by DM. Measured from the moment the sim dispatches
//! the DM (or the command) to the moment the relay (or the answer's DM) reaches the sim:
//! latencies (p50, p95, max), the requests Discord would have answered 429, and that every DM
//! was relayed exactly once and every answer delivered once.
//!
//! ```sh
//! cargo bench --bench question_relay
//! QUESTION_RELAY_PEOPLE=100 QUESTION_RELAY_SECS=20 cargo bench --bench question_relay
//! ```

use std::collections::HashMap;
use std::time::{Duration, Instant};

use discord_sim::{demo::demo_guild, PostKind, RateLimits, Sim};
use promeneur::sandbox::{demo_config, RunningBot};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn summary(name: &str, mut v: Vec<Duration>, expected: usize) {
    v.sort();
    println!(
        "{name:<28} {:>4}/{expected:<4} p50 {:>8.0} ms  p95 {:>8.0} ms  max {:>8.0} ms",
        v.len(),
        percentile(&v, 0.5).as_secs_f64() * 1000.0,
        percentile(&v, 0.95).as_secs_f64() * 1000.0,
        v.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let people = env_or("QUESTION_RELAY_PEOPLE", 40) as usize;
    let secs = env_or("QUESTION_RELAY_SECS", 10);
    let mut guild = demo_guild();
    let names: Vec<String> = (0..people).map(|i| format!("jeune{i:03}")).collect();
    for n in &names {
        guild = guild.member(n, &[]);
    }
    let sim = Sim::builder()
        .guild(guild)
        .rate_limits(RateLimits::discord())
        .wait_timeout(Duration::from_secs(600))
        .launch()
        .await?;
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let bot = RunningBot::start(demo_config(&sim, &url, "")?).await?;
    sim.wait_connected().await?;
    sim.wait_command("question").await?;

    // Relays: one per DM, found by the token each DM carries.
    let mut posts = sim.subscribe();
    let started = Instant::now();
    let mut sent_at: HashMap<String, Instant> = HashMap::new();
    let gap = Duration::from_secs_f64(secs as f64 / people.max(1) as f64);
    for (i, n) in names.iter().enumerate() {
        let token = format!("q{i:03}x");
        sim.user(n).dm(&format!(
            "bonjour, j'ai une question ({token}) sur l'orientation"
        ))?;
        sent_at.insert(token, Instant::now());
        tokio::time::sleep(gap).await;
    }
    let mut relayed: HashMap<String, Duration> = HashMap::new();
    let mut doubled = 0;
    let deadline = Instant::now() + Duration::from_secs(600);
    while relayed.len() < people && Instant::now() < deadline {
        let Ok(Ok(p)) = tokio::time::timeout(Duration::from_secs(5), posts.recv()).await else {
            continue;
        };
        if p.kind != PostKind::Created || !p.is_in("#questions-privees") {
            continue;
        }
        for (token, at) in &sent_at {
            if p.content.contains(token.as_str())
                && relayed.insert(token.clone(), at.elapsed()).is_some()
            {
                doubled += 1;
            }
        }
    }
    let relay_secs = started.elapsed().as_secs_f64();

    // Answers: a promeneur answers every question from its thread.
    let threads = sim.threads_of("#questions-privees")?;
    let mut answered_at: HashMap<String, Instant> = HashMap::new();
    for (i, (_, thread)) in threads.iter().enumerate() {
        let token = format!("a{i:03}x");
        sim.user("karim").slash_with(
            thread,
            "repondre",
            &[("texte", &format!("Bonjour, voici ma réponse ({token})."))],
        )?;
        answered_at.insert(token, Instant::now());
        tokio::time::sleep(gap).await;
    }
    let mut answers: HashMap<String, Duration> = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(600);
    while answers.len() < threads.len() && Instant::now() < deadline {
        let Ok(Ok(p)) = tokio::time::timeout(Duration::from_secs(5), posts.recv()).await else {
            continue;
        };
        if p.kind != PostKind::Created || !p.channel.starts_with("dm:") {
            continue;
        }
        for (token, at) in &answered_at {
            if p.content.contains(token.as_str())
                && answers.insert(token.clone(), at.elapsed()).is_some()
            {
                doubled += 1;
            }
        }
    }
    let stats = sim.rate_limit_stats();
    let requests: u64 = stats.requests_by_bucket.values().sum();
    println!(
        "question_relay: {people} private questions over {secs} s, Discord's rate limits emulated"
    );
    summary(
        "DM -> relayed in staff thread",
        relayed.into_values().collect(),
        people,
    );
    summary(
        "/repondre -> DM delivered",
        answers.into_values().collect(),
        threads.len(),
    );
    println!(
        "threads opened: {}  doubled: {doubled}  all relays in {relay_secs:.1} s  \
         requests under limits: {requests}  answered 429: {}",
        threads.len(),
        stats.rejected
    );
    bot.stop().await?;
    Ok(())
}
