//! Staff actions on alerts (take, close, reopen, list), shared by the alert's buttons and the
//! `/alerte` command. Each action is a conditional update, a line in the supervision log and a
//! refresh of the posted alert, in one transaction.

use crate::bot::Bot;
use crate::domain::alerts::{sort_for_list, AlertStatus, Outcome, TransitionError, MAX_NOTE_CHARS};
use crate::domain::effects::Effect;
use crate::domain::safety::Severity;
use crate::store::alerts::{self as alert_store, AlertRow};
use crate::store::exchanges::{self, ExchangeKind, NewExchange};
use crate::store::ids::from_db;

use super::message::enqueue;

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

/// Applies `action` by `staff` on alert `alert_id` of `guild_id`, at `now`.
pub async fn apply(
    bot: &Bot,
    guild_id: Option<u64>,
    alert_id: i64,
    staff: u64,
    action: Action<'_>,
    now: i64,
) -> anyhow::Result<Result<AlertRow, ActionError>> {
    let mut tx = bot.db.begin().await?;
    let Some(alert) = alert_store::get(&mut *tx, alert_id).await? else {
        return Ok(Err(ActionError::NotFound));
    };
    if alert.guild_id.map(from_db) != guild_id {
        return Ok(Err(ActionError::NotFound));
    }
    let status: AlertStatus = alert.status.parse().unwrap_or(AlertStatus::Open);
    if let Action::Close { note: Some(n), .. } = &action {
        let len = n.chars().count();
        if len > MAX_NOTE_CHARS {
            return Ok(Err(TransitionError::NoteTooLong { len }.into()));
        }
    }
    let (done, log_kind) = match action {
        Action::Take => (
            alert_store::take(&mut *tx, alert_id, staff, now).await?,
            "take",
        ),
        Action::Close { outcome, note } => (
            alert_store::close(&mut *tx, alert_id, staff, outcome.as_str(), note, now).await?,
            "close",
        ),
        Action::Reopen => {
            let severity: Severity = alert.severity.parse().unwrap_or(Severity::None);
            let next = bot
                .escalation
                .next_escalation(AlertStatus::Open, severity, now, 0);
            (
                alert_store::reopen(&mut *tx, alert_id, now, next).await?,
                "reopen",
            )
        }
    };
    if !done {
        let err = match (log_kind, status) {
            ("take", AlertStatus::Taken) => TransitionError::AlreadyTaken {
                by: alert.taken_by.map(from_db).unwrap_or(0),
            },
            ("reopen", _) => TransitionError::NotClosed,
            _ => TransitionError::AlreadyClosed,
        };
        return Ok(Err(err.into()));
    }
    let staff_label = format!("staff:{log_kind}");
    exchanges::record(
        &mut *tx,
        &NewExchange {
            guild_id,
            channel_id: from_db(alert.channel_id),
            message_id: None,
            author_pseudonym: &staff_label,
            kind: ExchangeKind::StaffAction,
            severity: &alert.severity,
            categories: &alert.categories,
            at: now,
        },
    )
    .await?;
    enqueue(
        &mut tx,
        &format!("alert:{alert_id}:{log_kind}:{now}"),
        &Effect::RefreshAlert { alert_id },
        now,
    )
    .await?;
    let updated = alert_store::get(&mut *tx, alert_id).await?;
    tx.commit().await?;
    bot.outbox_ready.notify_one();
    Ok(updated.ok_or(ActionError::NotFound))
}

/// The guild's alerts that are not closed, gravest first, then oldest first.
pub async fn list_open(bot: &Bot, guild_id: Option<u64>) -> anyhow::Result<Vec<AlertRow>> {
    let mut rows = alert_store::not_closed(bot.db.pool(), guild_id).await?;
    sort_for_list(&mut rows, |a| {
        (a.severity.parse().unwrap_or(Severity::None), a.flagged_at)
    });
    Ok(rows)
}
