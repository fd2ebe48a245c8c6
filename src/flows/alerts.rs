//! Staff actions on alerts (take, close, reopen, list), shared by the alert's buttons and the
//! `/alerte` command. Each action is the domain's transition, saved by one conditional update
//! with a line in the supervision log and a refresh of the posted alert, in one transaction.

use crate::bot::Bot;
use crate::domain::alerts::{sort_for_list, Alert, Change, Outcome, TransitionError};
use crate::store::alerts as alert_store;
use crate::store::exchanges::{self, ExchangeKind, NewExchange};

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
    /// The name of the action in the supervision log.
    fn log_name(&self) -> &'static str {
        match self {
            Action::Take => "take",
            Action::Close { .. } => "close",
            Action::Reopen => "reopen",
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
            let staff_label = format!("staff:{}", action.log_name());
            let categories = crate::domain::alerts::join_categories(&alert.categories);
            exchanges::record(
                &mut *tx,
                &NewExchange {
                    guild_id,
                    channel_id: alert.channel_id,
                    message_id: None,
                    author_pseudonym: &staff_label,
                    kind: ExchangeKind::StaffAction,
                    severity: alert.severity.as_str(),
                    categories: &categories,
                    at: now,
                },
            )
            .await?;
        }
        tx.commit().await?;
        if change.changed {
            bot.outbox_ready.notify_one();
        }
        return Ok(Ok(change.into_saved()));
    }
    anyhow::bail!("alert {alert_id} kept changing under {MAX_ATTEMPTS} attempts")
}

/// The guild's alerts that are not closed, gravest first, then oldest first.
pub async fn list_open(bot: &Bot, guild_id: Option<u64>) -> anyhow::Result<Vec<Alert>> {
    let mut alerts = alert_store::not_closed(bot.db.pool(), guild_id).await?;
    sort_for_list(&mut alerts, |a| (a.severity, a.state.flagged_at));
    Ok(alerts)
}
