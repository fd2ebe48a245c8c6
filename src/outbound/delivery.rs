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
use super::rest::{Rest, RestError};

/// How long a claimed entry stays reserved for its worker: longer than a request may take (the
/// REST client times out after 10 s). Another process takes over a crashed one's entries then.
const LEASE_MS: i64 = 15_000;
/// Entries claimed per round.
const BATCH: i64 = 32;
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
        for entry in claimed {
            deliver_one(&bot, &rest, entry).await;
        }
    }
    info!("delivery worker stopped");
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
    let now = now_ms();
    let recorded = match result {
        Ok(()) => outbox::mark_delivered(bot.db.pool(), entry.id, now).await,
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
