//! The delivery worker: claims due outbox entries, carries them out on Discord, and records the
//! result. Transient failures (429 with its delay, 5xx, network) are retried with exponential
//! backoff; a refusal (403, 404, DMs closed) is recorded once and never retried.

use std::sync::Arc;
use std::time::Duration;

use tracing::{debug, info, instrument, warn};

use crate::bot::Bot;
use crate::domain::effects::Effect;
use crate::jobs::Shutdown;
use crate::store::{now_ms, outbox};

use super::execute as deliver;
use super::render;
use super::rest::{Rest, RestError};

/// How long a claimed entry stays reserved for its worker: longer than a request may take (the
/// REST client times out after 10 s). Another process takes over a crashed one's entries then.
const LEASE_MS: i64 = 15_000;
/// Entries claimed per round.
const BATCH: i64 = 32;
/// Alerts to post claimed with them at most, to be packed (ten a message).
const PACK_CLAIM: i64 = 100;
/// How often the worker looks for entries written by another process.
const POLL: Duration = Duration::from_millis(1000);
/// Backoff cap for transient failures.
const MAX_BACKOFF_MS: i64 = 5 * 60_000;

/// Runs until `shutdown` fires.
pub async fn run(bot: Arc<Bot>, rest: Rest, mut shutdown: Shutdown) {
    info!("delivery worker started");
    loop {
        if shutdown.is_fired() {
            break;
        }
        let claimed = match outbox::claim_due(bot.db.pool(), now_ms(), LEASE_MS, BATCH).await {
            Ok(c) => c,
            Err(e) => {
                warn!(error = %format!("{e:#}"), "claiming outbox entries failed");
                Vec::new()
            }
        };
        let claimed = with_every_due_alert(&bot, claimed).await;
        if claimed.is_empty() {
            let wait = match outbox::next_due_at(bot.db.pool()).await {
                Ok(Some(at)) => {
                    Duration::from_millis(u64::try_from(at - now_ms()).unwrap_or(0)).min(POLL)
                }
                _ => POLL,
            };
            tokio::select! {
                _ = bot.outbox_ready.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.fired() => break,
            }
            continue;
        }
        for unit in plan(&bot, &rest, claimed).await {
            match unit {
                Unit::One(entry) => deliver_one(&bot, &rest, entry).await,
                Unit::Pack(channel, entries) => deliver_pack(&bot, &rest, channel, entries).await,
            }
        }
    }
    info!("delivery worker stopped");
}

/// When the round holds an alert to post, every other alert due to be posted joins it (up to
/// [`PACK_CLAIM`]), even past the batch: helpline cards and graver entries fill the batch first,
/// and alerts seen a few at a time would each find room and never be packed.
async fn with_every_due_alert(
    bot: &Bot,
    mut claimed: Vec<outbox::OutboxEntry>,
) -> Vec<outbox::OutboxEntry> {
    let kind = Effect::PostAlert { alert_id: 0 }.kind();
    if !claimed.iter().any(|e| e.kind == kind) {
        return claimed;
    }
    match outbox::claim_due_of_kind(bot.db.pool(), kind, now_ms(), LEASE_MS, PACK_CLAIM).await {
        Ok(more) => claimed.extend(more),
        Err(e) => warn!(error = %format!("{e:#}"), "claiming the other due alerts failed"),
    }
    claimed.sort_by_key(|r| (r.priority, r.id));
    claimed
}

/// What the worker carries out: one entry, or alerts packed into one message.
enum Unit {
    One(outbox::OutboxEntry),
    Pack(u64, Vec<outbox::OutboxEntry>),
}

/// Collapse, don't bury: when more alerts are due for one channel than its bucket lets the bot
/// post now (Discord: 5 messages per 5 s a channel), they go out packed, up to ten a message,
/// gravest first, instead of waiting in line one message each. Everything else, and alerts
/// that fit in the bucket, go one by one. Units keep the claim's order (gravest first).
async fn plan(bot: &Bot, rest: &Rest, claimed: Vec<outbox::OutboxEntry>) -> Vec<Unit> {
    // Entries of alerts to post, by destination channel.
    let mut by_channel: Vec<(u64, Vec<usize>)> = Vec::new();
    for (i, entry) in claimed.iter().enumerate() {
        let Ok(Effect::PostAlert { alert_id }) = Effect::from_payload(&entry.payload) else {
            continue;
        };
        match deliver::pending_alert_channel(bot, alert_id).await {
            Ok(Some(channel)) => match by_channel.iter_mut().find(|(c, _)| *c == channel) {
                Some((_, list)) => list.push(i),
                None => by_channel.push((channel, vec![i])),
            },
            Ok(None) => {}
            Err(e) => warn!(error = %format!("{e:#}"), "looking up an alert to pack failed"),
        }
    }
    let mut packs: Vec<(u64, Vec<usize>)> = Vec::new();
    for (channel, list) in by_channel {
        if list.len() < 2 {
            continue;
        }
        let room = usize::from(rest.post_room(channel).await);
        if list.len() <= room {
            continue;
        }
        // `claimed` is sorted gravest first: each pack takes the gravest still waiting.
        for chunk in list.chunks(render::PACK_MAX) {
            packs.push((channel, chunk.to_vec()));
        }
    }
    let mut slots: Vec<Option<outbox::OutboxEntry>> = claimed.into_iter().map(Some).collect();
    let mut units = Vec::new();
    for i in 0..slots.len() {
        if let Some(p) = packs.iter().position(|(_, list)| list[0] == i) {
            let (channel, list) = packs.swap_remove(p);
            let entries = list.iter().filter_map(|&j| slots[j].take()).collect();
            units.push(Unit::Pack(channel, entries));
        } else if let Some(entry) = slots[i].take() {
            units.push(Unit::One(entry));
        }
    }
    units
}

/// Posts a pack and records the result for each of its entries.
#[instrument(skip_all, fields(channel, alerts = entries.len()))]
async fn deliver_pack(bot: &Bot, rest: &Rest, channel: u64, entries: Vec<outbox::OutboxEntry>) {
    let ids: Vec<i64> = entries
        .iter()
        .filter_map(|e| match Effect::from_payload(&e.payload) {
            Ok(Effect::PostAlert { alert_id }) => Some(alert_id),
            _ => None,
        })
        .collect();
    let result = deliver::post_pack(bot, rest, channel, &ids).await;
    for entry in entries {
        record(bot, &entry, clone_result(&result)).await;
    }
}

fn clone_result(r: &Result<(), deliver::Failure>) -> Result<(), deliver::Failure> {
    match r {
        Ok(()) => Ok(()),
        Err(deliver::Failure::Retry(e)) => Err(deliver::Failure::Retry(e.clone())),
        Err(deliver::Failure::Permanent(s)) => Err(deliver::Failure::Permanent(s.clone())),
    }
}

#[instrument(skip_all, fields(outbox_id = entry.id, kind = %entry.kind, attempt = entry.attempts))]
async fn deliver_one(bot: &Bot, rest: &Rest, entry: outbox::OutboxEntry) {
    let effect = Effect::from_payload(&entry.payload);
    if matches!(effect, Ok(Effect::RefreshAlert { .. })) {
        match outbox::newer_refresh_pending(bot.db.pool(), &entry).await {
            Ok(true) => {
                // A later refresh of the same alert shows everything this one would.
                debug!("refresh superseded by a later one");
                if let Err(e) = outbox::mark_delivered(bot.db.pool(), entry.id, now_ms()).await {
                    warn!(error = %format!("{e:#}"), "recording a superseded refresh failed");
                }
                return;
            }
            Ok(false) => {}
            Err(e) => warn!(error = %format!("{e:#}"), "looking for a later refresh failed"),
        }
    }
    let result = match effect {
        Ok(effect) => deliver::execute(bot, rest, &effect).await,
        Err(e) => Err(deliver::Failure::Permanent(format!(
            "unreadable payload: {e}"
        ))),
    };
    record(bot, &entry, result).await;
}

/// Records what became of an entry: delivered, due again later, or refused for good.
async fn record(bot: &Bot, entry: &outbox::OutboxEntry, result: Result<(), deliver::Failure>) {
    let now = now_ms();
    let recorded = match result {
        Ok(()) => {
            if entry.kind == (Effect::PostAlert { alert_id: 0 }).kind() {
                // `created_at` is the flagged message's own time.
                let waited = u64::try_from(now - entry.created_at).unwrap_or(0);
                crate::metrics::alert_posted(Duration::from_millis(waited));
            }
            outbox::mark_delivered(bot.db.pool(), entry.id, now).await
        }
        Err(deliver::Failure::Retry(err)) => {
            let delay = backoff_ms(entry.attempts, &err);
            if matches!(err, RestError::RateLimited(_)) {
                // The bucket is spent (usually known before asking): waiting is the pace.
                debug!(error = %err, retry_in_ms = delay, "delivery waits for its bucket");
            } else {
                warn!(error = %err, retry_in_ms = delay, "delivery will be retried");
            }
            outbox::mark_retry(bot.db.pool(), entry.id, now + delay, &err.to_string()).await
        }
        Err(deliver::Failure::Permanent(reason)) => {
            warn!(%reason, "delivery refused for good");
            outbox::mark_failed(bot.db.pool(), entry.id, now, &reason).await
        }
    };
    if let Err(e) = recorded {
        // The lease expires and the entry comes back: the message nonce keeps it single.
        warn!(error = %format!("{e:#}"), "recording the delivery result failed");
    }
}

/// Discord's own delay for a 429; otherwise 1 s, 2 s, 4 s ... up to five minutes.
fn backoff_ms(attempts: i64, err: &RestError) -> i64 {
    match err {
        RestError::RateLimited(d) => i64::try_from(d.as_millis()).unwrap_or(MAX_BACKOFF_MS) + 50,
        _ => {
            let exp = attempts.clamp(1, 20) - 1;
            (1000i64 << exp.min(18)).min(MAX_BACKOFF_MS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_waits_what_discord_asked() {
        let d = backoff_ms(1, &RestError::RateLimited(Duration::from_millis(1500)));
        assert_eq!(d, 1550);
    }

    #[test]
    fn transient_failures_back_off_exponentially_up_to_a_cap() {
        let e = RestError::Transient("502".into());
        assert_eq!(backoff_ms(1, &e), 1000);
        assert_eq!(backoff_ms(2, &e), 2000);
        assert_eq!(backoff_ms(4, &e), 8000);
        assert_eq!(backoff_ms(30, &e), MAX_BACKOFF_MS);
    }
}
