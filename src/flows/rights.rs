//! A young person's rights: the file of everything kept about them (`/mes-donnees`) and its
//! erasure (`/oubli`). Both are logged without who asked nor what was kept.

use tracing::info;

use crate::bot::Bot;
use crate::domain::effects::Effect;
use crate::domain::journal::{Action, Actor, Entry};
use crate::safety::Severity;
use crate::store::erasure::{self, Erased, RightsRequest};
use crate::store::{journal, outbox};

/// The JSON file of everything kept about `user`, pretty-printed; the request is logged.
pub async fn export(
    bot: &Bot,
    guild_id: Option<u64>,
    user: u64,
    now: i64,
) -> anyhow::Result<Vec<u8>> {
    let pseudonym = bot.pseudonyms.pseudonym(user);
    let mut tx = bot.db.begin().await?;
    let mut doc = erasure::gather(&mut tx, user, pseudonym.as_str()).await?;
    doc["generated_at"] = now.into();
    doc["retention_days"] = bot.config.retention_days.into();
    doc["journal_retention_days"] = bot.config.journal_retention_days.into();
    erasure::log_request(&mut *tx, guild_id, RightsRequest::Export, now).await?;
    // Journaled like the request itself: without who asked.
    let entry = Entry::new(guild_id, now, Actor::Anonymous, Action::DataShown);
    journal::append(&mut *tx, &entry).await?;
    tx.commit().await?;
    info!("data export built");
    Ok(serde_json::to_vec_pretty(&doc)?)
}

/// Erases everything kept about `user` in one transaction, with the effects that follow (the
/// alerts redrawn without their excerpts, the promeneurs of closed alerts told). Running it
/// again finds nothing more to erase.
pub async fn forget(
    bot: &Bot,
    guild_id: Option<u64>,
    user: u64,
    now: i64,
) -> anyhow::Result<Erased> {
    let pseudonym = bot.pseudonyms.pseudonym(user);
    let mut tx = bot.db.begin().await?;
    let erased = erasure::erase(&mut tx, user, pseudonym.as_str(), now).await?;
    for &alert_id in &erased.closed_alerts {
        let effect = Effect::AlertErased { alert_id };
        outbox::enqueue(&mut *tx, &effect, effect.priority(Severity::High), now).await?;
    }
    for &(alert_id, version) in &erased.redraw_alerts {
        let effect = Effect::RefreshAlert { alert_id, version };
        outbox::enqueue(&mut *tx, &effect, effect.priority(Severity::High), now).await?;
    }
    erasure::log_request(&mut *tx, guild_id, RightsRequest::Erasure, now).await?;
    let entry = Entry::new(guild_id, now, Actor::Anonymous, Action::DataErased)
        .note(format!("questions={}", erased.questions));
    journal::append(&mut *tx, &entry).await?;
    tx.commit().await?;
    bot.outbox_ready.notify_one();
    info!(
        closed_alerts = erased.closed_alerts.len(),
        redrawn_alerts = erased.redraw_alerts.len(),
        questions = erased.questions,
        "data erased on request"
    );
    Ok(erased)
}
