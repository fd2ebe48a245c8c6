//! Escalations: an alert not taken within its severity's delay is brought to the coordinators,
//! again after each further delay, until someone takes it.

use std::sync::Arc;
use std::time::Duration;

use tracing::{info, warn};

use crate::bot::Bot;
use crate::store::now_ms;

use super::Shutdown;

/// How often due escalations are looked for. Delays are configured down to seconds.
const TICK: Duration = Duration::from_millis(500);

pub async fn run(bot: Arc<Bot>, mut shutdown: Shutdown) {
    info!("escalation job started");
    loop {
        if let Err(e) = tick(&bot, now_ms()).await {
            warn!(error = %format!("{e:#}"), "escalation round failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.fired() => break,
        }
    }
    info!("escalation job stopped");
}

/// One round at `now` (see [`crate::flows::escalation::escalate_due`]).
pub async fn tick(bot: &Bot, now: i64) -> anyhow::Result<usize> {
    crate::flows::escalation::escalate_due(bot, now).await
}
