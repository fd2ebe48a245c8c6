//! Escalations: an alert nobody took within its severity's delay is brought to the
//! coordinators, again after each further delay, until someone takes it. Run by the scheduler.

use tracing::debug;

use crate::bot::Bot;
use crate::domain::alerts::join_categories;
use crate::domain::journal::{Action, Actor, Entry, Subject};
use crate::store::{alerts, journal};

use super::apply_change;

/// One round at `now`: every open alert whose reminder is due gets one (reminders missed
/// during downtime collapse into it) and its next one scheduled. Returns how many went out.
/// An alert saved meanwhile by someone else (taken, or escalated by another process) is left
/// to the next round, which reads it afresh.
pub async fn escalate_due(bot: &Bot, now: i64) -> anyhow::Result<usize> {
    let due = alerts::due_escalations(bot.db.pool(), now).await?;
    let mut sent = 0;
    for alert in due {
        let Some(change) = alert.escalate(now, &bot.escalation) else {
            continue;
        };
        let mut tx = bot.db.begin().await?;
        if apply_change(&mut tx, &change, now).await? {
            let entry = Entry::new(alert.guild_id, now, Actor::Bot, Action::AlertEscalated)
                .about(Subject::Alert(alert.id))
                .in_channel(alert.channel_id)
                .severity(alert.severity.as_str())
                .categories(&join_categories(&alert.categories));
            journal::append(&mut *tx, &entry).await?;
            tx.commit().await?;
            sent += 1;
        } else {
            debug!(
                alert_id = alert.id,
                "alert changed meanwhile; left to the next round"
            );
        }
    }
    if sent > 0 {
        bot.outbox_ready.notify_one();
    }
    Ok(sent)
}
