//! Escalations: an alert not taken within its severity's delay is brought to the coordinators,
//! again after each further delay, until someone takes it.

use std::sync::Arc;
use std::time::Duration;

use tracing::{info, warn};

use crate::bot::Bot;
use crate::domain::alerts::AlertStatus;
use crate::domain::effects::Effect;
use crate::domain::safety::Severity;
use crate::flows::message::enqueue;
use crate::store::{alerts, now_ms};

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

/// One round: every open alert whose escalation is due gets one reminder (missed reminders
/// during downtime collapse into it) and its next one scheduled.
pub async fn tick(bot: &Bot, now: i64) -> anyhow::Result<usize> {
    let due = alerts::due_escalations(bot.db.pool(), now).await?;
    let mut sent = 0;
    for a in due {
        let severity: Severity = a.severity.parse().unwrap_or(Severity::None);
        let done = u32::try_from(a.escalations).unwrap_or(0);
        let Some(steps) =
            bot.escalation
                .due(AlertStatus::Open, severity, a.waiting_since(), done, now)
        else {
            continue;
        };
        let next =
            bot.escalation
                .next_escalation(AlertStatus::Open, severity, a.waiting_since(), steps);
        let mut tx = bot.db.begin().await?;
        let step = i64::from(steps);
        if alerts::record_escalation(&mut *tx, a.id, a.escalations, step, next).await? {
            enqueue(
                &mut tx,
                &format!("alert:{}:escalate:{step}", a.id),
                &Effect::Escalate {
                    alert_id: a.id,
                    step,
                },
                now,
            )
            .await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    if sent > 0 {
        bot.outbox_ready.notify_one();
    }
    Ok(sent)
}
