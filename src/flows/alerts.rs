//! Staff actions on alerts (take, close, reopen, list), shared by the alert's buttons and the
//! `/alerte` command. Each action is the domain's transition, saved by one conditional update
//! with its journal entry (who acted, by id) and a refresh of the posted alert, in one
//! transaction. Viewing the list is journaled too, and so is the alert's delivery.

use crate::bot::Bot;
use crate::domain::alerts::{sort_for_list, Alert, Change, Outcome, TransitionError};
use crate::domain::journal::{self, Actor, Entry, Subject};
use crate::store::alerts as alert_store;
use crate::store::journal as journal_store;

use super::apply_change;

/// How many times an action is decided again when the alert changed under it.
const MAX_ATTEMPTS: usize = 5;

/// Why an action did not happen; each has its own prompt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("no such alert")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] TransitionError),
}

/// A staff action to apply.
#[derive(Debug, Clone)]
pub enum Action<'a> {
    Take,
    Close {
        outcome: Outcome,
        note: Option<&'a str>,
    },
    Reopen,
}

impl Action<'_> {
    /// The action in the journal.
    fn journaled(&self) -> journal::Action {
        match self {
            Action::Take => journal::Action::AlertTaken,
            Action::Close { .. } => journal::Action::AlertClosed,
            Action::Reopen => journal::Action::AlertReopened,
        }
    }
}

/// Applies `action` by `staff` on alert `alert_id` of `guild_id`, at `now`. The answer is the
/// domain's: the alert as it now is, or why the transition was refused.
pub async fn apply(
    bot: &Bot,
    guild_id: Option<u64>,
    alert_id: i64,
    staff: u64,
    action: Action<'_>,
    now: i64,
) -> anyhow::Result<Result<Alert, ActionError>> {
    for _ in 0..MAX_ATTEMPTS {
        let mut tx = bot.db.begin().await?;
        let Some(alert) = alert_store::get(&mut *tx, alert_id).await? else {
            return Ok(Err(ActionError::NotFound));
        };
        if alert.guild_id != guild_id {
            return Ok(Err(ActionError::NotFound));
        }
        let decided: Result<Change, TransitionError> = match &action {
            Action::Take => alert.take(staff, now),
            Action::Close { outcome, note } => alert.close(staff, *outcome, *note, now),
            Action::Reopen => alert.reopen(now, &bot.escalation),
        };
        let change = match decided {
            Ok(c) => c,
            Err(refused) => return Ok(Err(refused.into())),
        };
        if !apply_change(&mut tx, &change, now).await? {
            continue; // someone acted on the alert meanwhile: decide again
        }
        if change.changed {
            let categories = crate::domain::alerts::join_categories(&alert.categories);
            let mut entry = Entry::new(guild_id, now, Actor::Staff(staff), action.journaled())
                .about(Subject::Alert(alert_id))
                .in_channel(alert.channel_id)
                .severity(alert.severity.as_str())
                .categories(&categories);
            if let Action::Close { outcome, .. } = &action {
                entry = entry.outcome(outcome.as_str());
            }
            journal_store::append(&mut *tx, &entry).await?;
        }
        tx.commit().await?;
        if change.changed {
            bot.outbox_ready.notify_one();
        }
        return Ok(Ok(change.into_saved()));
    }
    anyhow::bail!("alert {alert_id} kept changing under {MAX_ATTEMPTS} attempts")
}

/// The guild's alerts that are not closed, gravest first, then oldest first, as `viewer`
/// sees them: the view is journaled.
pub async fn list_open(
    bot: &Bot,
    guild_id: Option<u64>,
    viewer: u64,
    now: i64,
) -> anyhow::Result<Vec<Alert>> {
    let mut alerts = alert_store::not_closed(bot.db.pool(), guild_id).await?;
    let entry = Entry::new(
        guild_id,
        now,
        Actor::Staff(viewer),
        journal::Action::AlertListViewed,
    )
    .note(format!("rows={}", alerts.len()));
    journal_store::append(bot.db.pool(), &entry).await?;
    sort_for_list(&mut alerts, |a| (a.severity, a.state.flagged_at));
    Ok(alerts)
}

/// Records where the alert was posted and journals its delivery (once, however many times a
/// crashed delivery is retried), in one transaction.
pub async fn delivered(
    bot: &Bot,
    alert: &Alert,
    channel_id: u64,
    message_id: u64,
    at: i64,
) -> anyhow::Result<()> {
    let mut tx = bot.db.begin().await?;
    alert_store::set_delivered(&mut *tx, alert.id, channel_id, message_id, at).await?;
    let entry = Entry::new(
        alert.guild_id,
        at,
        Actor::Bot,
        journal::Action::AlertDelivered,
    )
    .about(Subject::Alert(alert.id))
    .in_channel(channel_id)
    .severity(alert.severity.as_str())
    .categories(&crate::domain::alerts::join_categories(&alert.categories))
    .dedup(format!("delivered:{}", alert.id));
    journal_store::append(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}
