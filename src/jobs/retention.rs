//! Retention: the supervision log and closed alerts are erased after `privacy.retention_days`;
//! finished outbox entries after a week. Runs at start and then every hour.

use std::sync::Arc;
use std::time::Duration;

use tracing::{info, warn};

use crate::bot::Bot;
use crate::store::{alerts, exchanges, now_ms, outbox};

use super::Shutdown;

const EVERY: Duration = Duration::from_secs(3600);
const DAY_MS: i64 = 86_400_000;
/// Finished outbox entries are kept a week, for operators investigating a delivery.
const OUTBOX_KEEP_MS: i64 = 7 * DAY_MS;

pub async fn run(bot: Arc<Bot>, mut shutdown: Shutdown) {
    loop {
        match purge(&bot, now_ms()).await {
            Ok(p) if p != Purged::default() => info!(?p, "retention purge"),
            Ok(_) => {}
            Err(e) => warn!(error = %format!("{e:#}"), "retention purge failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.fired() => break,
        }
    }
}

/// What one purge erased.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub exchanges: u64,
    pub alerts: u64,
    pub outbox: u64,
}

/// Erases what is past its retention at `now`.
pub async fn purge(bot: &Bot, now: i64) -> anyhow::Result<Purged> {
    let cutoff = now - i64::from(bot.config.retention_days) * DAY_MS;
    let mut tx = bot.db.begin().await?;
    let exchanges = exchanges::purge_before(&mut *tx, cutoff).await?;
    let alerts = alerts::purge_closed_before(&mut tx, cutoff).await?;
    let outbox = outbox::purge_finished_before(&mut *tx, now - OUTBOX_KEEP_MS).await?;
    tx.commit().await?;
    Ok(Purged {
        exchanges,
        alerts,
        outbox,
    })
}
