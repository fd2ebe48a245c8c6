//! What became of a helpline card, recorded on its alert by the domain's change (a card the
//! young person did not get shows on the posted alert).

use crate::bot::Bot;
use crate::domain::alerts::HelplineStatus;
use crate::store::alerts;

use super::apply_change;

const MAX_ATTEMPTS: usize = 5;

/// Records `status` for the card of alert `alert_id`. A vanished alert (erased meanwhile) is
/// nothing to record.
pub async fn record(
    bot: &Bot,
    alert_id: i64,
    status: HelplineStatus,
    now: i64,
) -> anyhow::Result<()> {
    for _ in 0..MAX_ATTEMPTS {
        let mut tx = bot.db.begin().await?;
        let Some(alert) = alerts::get(&mut *tx, alert_id).await? else {
            return Ok(());
        };
        let change = alert.record_helpline(status);
        if apply_change(&mut tx, &change, now).await? {
            tx.commit().await?;
            if !change.effects.is_empty() {
                bot.outbox_ready.notify_one();
            }
            return Ok(());
        }
    }
    anyhow::bail!("alert {alert_id} kept changing under {MAX_ATTEMPTS} attempts")
}
