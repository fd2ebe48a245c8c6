//! `ALERT_LOAD_SCENARIO=flood`: the figures of issue 15, under Discord's rate limits emulated by
//! discord-sim (5 posts per 5 s per channel, 50 requests a second), one alert channel, the
//! production burst window (a young person's messages of the last minutes are one alert).
//!
//! 1. flood: 20 messages a second for `ALERT_LOAD_FLOOD_SECS` (60), half of them worrying from
//!    85 young people in turn (so about 85 alerts, each growing), one critical message from
//!    another young person in the middle. Latency of an alert: its young person's first
//!    worrying message dispatched -> the first alert POST naming them reaching the sim.
//! 2. raid: 20 accounts post 10 insults a second at one young person for 15 s; in the middle,
//!    another young person's critical message in another channel. Counted: alert POSTs naming
//!    the target (one alert, edited in place, is the aim), and the critical alert's latency.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use discord_sim::{RecordedCall, SimHandle, SimUser};

use crate::corpus::Rng;
use crate::report::percentile;
use crate::traffic::{Corpus, CHANNELS};

pub(crate) const FLOOD_CONFIG: &str = r#"
[alerts.escalation]
critical = "6h"
high = "6h"
medium = "6h"
low = "never"
"#;

/// Young people whose worrying messages make the flood's alerts (the issue's 85).
pub(crate) const WORRIERS: usize = 85;
/// Raid accounts.
pub(crate) const RAIDERS: usize = 20;
const CRITICAL: &str = "je veux mourir, ce soir je prends toutes mes boites de dolipranes";
const INSULT: &str = "t'es qu'une grosse merde, personne veut de toi, casse toi du serveur";

/// Alert POSTs to the alert channel that succeeded, with their body as text.
fn alert_posts(calls: &[RecordedCall], alert_channel: u64) -> Vec<(Instant, String)> {
    let path = format!("/channels/{alert_channel}/messages");
    calls
        .iter()
        .filter(|c| c.method == "POST" && c.path == path && (200..300).contains(&c.status))
        .map(|c| {
            let body = c.body.as_ref().map(|b| b.to_string()).unwrap_or_default();
            (c.at, body)
        })
        .collect()
}

fn count_patches(calls: &[RecordedCall], alert_channel: u64, mention: &str) -> usize {
    let path = format!("/channels/{alert_channel}/messages/");
    calls
        .iter()
        .filter(|c| {
            c.method == "PATCH" && c.path.starts_with(&path) && (200..300).contains(&c.status)
        })
        .filter(|c| {
            c.body
                .as_ref()
                .is_some_and(|b| b.to_string().contains(mention))
        })
        .count()
}

/// The alert ids a message body carries (each alert has its own take button).
pub(crate) fn alert_ids(body: &str) -> Vec<u64> {
    body.match_indices("alert:take:")
        .filter_map(|(i, m)| {
            let digits: String = body[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

fn mention(sim: &SimHandle, name: &str) -> anyhow::Result<String> {
    Ok(format!("<@{}>", sim.user_id(name)?))
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// Posts at `rate` messages a second for `secs`, calling `next(i)` for the i-th message.
async fn pace(rate: u64, secs: u64, mut next: impl FnMut(u64)) {
    let total = rate * secs;
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut sent = 0;
    while sent < total {
        tick.tick().await;
        let due = ((start.elapsed().as_secs_f64() * rate as f64) as u64).min(total);
        while sent < due {
            next(sent);
            sent += 1;
        }
    }
}

/// Waits until every mention has an alert POST, or `limit` passes.
async fn drain(sim: &SimHandle, alert_channel: u64, mentions: &[String], limit: Duration) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let posts = alert_posts(&sim.calls(), alert_channel);
        if mentions
            .iter()
            .all(|m| posts.iter().any(|(_, body)| body.contains(m.as_str())))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub(crate) async fn run(
    sim: &SimHandle,
    alert_channel: u64,
    corpus: &Corpus,
    users: &[SimUser],
    names: &[String],
    db_url: &str,
) -> anyhow::Result<()> {
    let flood_secs = std::env::var("ALERT_LOAD_FLOOD_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60u64);
    let mut rng = Rng(7);
    // Worriers, the flood's critical writer, raiders, the raid's target and critical writer:
    // disjoint young people.
    let worriers = &users[..WORRIERS];
    let chatters = &users[WORRIERS..300];
    let flood_critical = &users[300];
    let raiders = &users[301..301 + RAIDERS];
    let target_name = &names[400];
    let raid_critical = &users[401];

    // 1. flood
    let mut first_sent: HashMap<usize, Instant> = HashMap::new();
    let mut critical_at = None;
    let total = 20 * flood_secs;
    let start = Instant::now();
    pace(20, flood_secs, |i| {
        let channel = "#discussion";
        if i == total / 2 {
            flood_critical.post(channel, CRITICAL).expect("posted");
            critical_at = Some(Instant::now());
        } else if i % 2 == 0 {
            let w = (i / 2) as usize % WORRIERS;
            let text = &corpus.worrying[rng.below(corpus.worrying.len())];
            worriers[w].post(channel, text).expect("posted");
            first_sent.entry(w).or_insert_with(Instant::now);
        } else {
            let text = &corpus.harmless[rng.below(corpus.harmless.len())];
            chatters[rng.below(chatters.len())]
                .post(channel, text)
                .expect("posted");
        }
    })
    .await;
    let flood_mentions: Vec<String> = (0..WORRIERS)
        .filter(|w| first_sent.contains_key(w))
        .map(|w| mention(sim, &names[w]))
        .collect::<anyhow::Result<_>>()?;
    let critical_mention = mention(sim, &names[300])?;
    let mut all = flood_mentions.clone();
    all.push(critical_mention.clone());
    drain(sim, alert_channel, &all, Duration::from_secs(120)).await;
    let flood_end = Instant::now();
    let calls = sim.calls();
    let posts = alert_posts(&calls, alert_channel);
    let first_post = |m: &str| posts.iter().find(|(_, b)| b.contains(m)).map(|(at, _)| *at);
    let mut latencies = Vec::new();
    let mut lost = 0;
    let mut doubled = 0;
    for (w, m) in (0..WORRIERS)
        .filter(|w| first_sent.contains_key(w))
        .zip(&flood_mentions)
    {
        match first_post(m) {
            Some(at) => latencies.push(at.saturating_duration_since(first_sent[&w])),
            None => lost += 1,
        }
    }
    let mut posts_per_alert: HashMap<u64, usize> = HashMap::new();
    for (_, body) in &posts {
        for id in alert_ids(body) {
            *posts_per_alert.entry(id).or_default() += 1;
        }
    }
    doubled += posts_per_alert.values().filter(|n| **n > 1).count();
    latencies.sort();
    let critical_latency = match (first_post(&critical_mention), critical_at) {
        (Some(at), Some(sent)) => Some(at.saturating_duration_since(sent)),
        _ => None,
    };
    let packed: Vec<usize> = posts
        .iter()
        .map(|(_, b)| b.matches("alert:take:").count())
        .collect();
    // The bot's own record: each alert's first flag -> its post, and what waits in the outbox.
    let db = promeneur::store::Db::connect(db_url).await?;
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT delivered_at - flagged_at, severity FROM alerts WHERE delivered_at IS NOT NULL",
    )
    .fetch_all(db.pool())
    .await?;
    let undelivered: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM alerts WHERE delivered_at IS NULL")
            .fetch_one(db.pool())
            .await?;
    let pending: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL \
         GROUP BY kind ORDER BY kind",
    )
    .fetch_all(db.pool())
    .await?;
    db.close().await;
    let mut db_latencies: Vec<Duration> = rows
        .iter()
        .map(|(ms, _)| Duration::from_millis(u64::try_from(*ms).unwrap_or(0)))
        .collect();
    db_latencies.sort();
    let flood_stats = sim.rate_limit_stats();
    let flood_calls = calls.len();

    // 2. raid
    let target = mention(sim, target_name)?;
    let raid_critical_mention = mention(sim, &names[401])?;
    let posts_before = alert_posts(&sim.calls(), alert_channel).len();
    let calls_before = flood_calls;
    let mut raid_critical_at = None;
    pace(10, 15, |i| {
        if i == 75 {
            raid_critical.post(CHANNELS[1], CRITICAL).expect("posted");
            raid_critical_at = Some(Instant::now());
        }
        let raider = &raiders[i as usize % RAIDERS];
        raider
            .post("#discussion", &format!("{target} {INSULT} {i}"))
            .expect("posted");
    })
    .await;
    drain(
        sim,
        alert_channel,
        &[target.clone(), raid_critical_mention.clone()],
        Duration::from_secs(60),
    )
    .await;
    // Edits of the raid's alert come after its post: give them a window.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let calls = sim.calls();
    let raid_posts = alert_posts(&calls, alert_channel);
    let raid_posts = &raid_posts[posts_before.min(raid_posts.len())..];
    // Posts whose embeds name the target (as target or in the excerpts), not the critical's.
    let about_target = raid_posts
        .iter()
        .filter(|(_, b)| b.contains(target.as_str()))
        .count();
    let target_edits = count_patches(&calls[calls_before..], alert_channel, &target);
    let raid_critical_latency = raid_posts
        .iter()
        .find(|(_, b)| b.contains(raid_critical_mention.as_str()))
        .zip(raid_critical_at)
        .map(|((at, _), sent)| at.saturating_duration_since(sent));
    let stats = sim.rate_limit_stats();

    println!();
    println!("## alert_load flood — issue 15's figures under Discord's emulated rate limits");
    println!();
    println!("| figure | value | target |");
    println!("|---|---|---|");
    println!(
        "| flood: messages / worrying / alerts expected | {} / {} / {} | |",
        total,
        total / 2,
        flood_mentions.len() + 1
    );
    println!(
        "| flood: alert POSTs (alerts per POST) | {} ({:?}) | |",
        posts.len(),
        packed
    );
    println!(
        "| flood: alert latency (young person's first worrying message dispatched -> first alert POST naming them) p50 / p95 / p99 / max | {} / {} / {} / {} ms | p95 < 30000 |",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 95.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default())
    );
    println!(
        "| flood: alert latency, bot's record (first flag -> post), p50 / p95 / p99 / max over {} alerts | {} / {} / {} / {} ms | p95 < 30000 |",
        db_latencies.len(),
        ms(percentile(&db_latencies, 50.0)),
        ms(percentile(&db_latencies, 95.0)),
        ms(percentile(&db_latencies, 99.0)),
        ms(db_latencies.last().copied().unwrap_or_default())
    );
    println!(
        "| flood: alerts not posted / outbox entries waiting at the end | {} / {:?} | 0 / edits only |",
        undelivered.0, pending
    );
    println!(
        "| flood: critical alert latency | {} | < 5000 ms |",
        critical_latency.map_or("not posted".into(), |d| format!("{} ms", ms(d)))
    );
    println!(
        "| flood: requests answered 429 / requests | {} / {} | < 1 in 100 |",
        flood_stats.rejected, flood_calls
    );
    println!("| flood: alerts lost / posted twice | {lost} / {doubled} | 0 / 0 |");
    println!(
        "| flood: 429 by route | {:?} | |",
        flood_stats.rejected_by_route
    );
    println!(
        "| flood: drain after the last message | {} ms | |",
        ms(flood_end.saturating_duration_since(start + Duration::from_secs(flood_secs)))
    );
    println!("| raid: insults | 150 from {RAIDERS} accounts in 15 s | |");
    println!("| raid: alert POSTs naming the target | {about_target} | <= 3 |");
    println!("| raid: edits of those alerts | {target_edits} | |");
    println!(
        "| raid: other young person's critical alert latency | {} | < 5000 ms |",
        raid_critical_latency.map_or("not posted".into(), |d| format!("{} ms", ms(d)))
    );
    println!(
        "| all: requests answered 429 / requests | {} ({} global) / {} | |",
        stats.rejected,
        stats.rejected_global,
        calls.len()
    );
    Ok(())
}
