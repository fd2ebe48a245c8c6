//! `/journal`: the latest staff actions of a guild, newest first; the view itself is
//! journaled (who looked, with which filter).

use crate::bot::Bot;
use crate::domain::journal::{Action, Actor, Entry, AUDIT_PAGE};
use crate::store::journal::{self, AuditFilter, Logged};

/// The latest staff actions of `guild` under `filter`, as `viewer` sees them at `now`.
pub async fn audit(
    bot: &Bot,
    guild: u64,
    filter: AuditFilter,
    viewer: u64,
    now: i64,
) -> anyhow::Result<Vec<Logged>> {
    let limit = i64::try_from(AUDIT_PAGE).unwrap_or(20);
    let rows = journal::staff_actions(bot.db.pool(), guild, filter, limit).await?;
    let mut note = format!("rows={}", rows.len());
    if let Some(staff) = filter.staff {
        note.push_str(&format!(" membre={staff}"));
    }
    if let Some(since) = filter.since {
        note.push_str(&format!(" depuis={since}"));
    }
    let entry = Entry::new(
        Some(guild),
        now,
        Actor::Staff(viewer),
        Action::JournalViewed,
    )
    .note(note);
    journal::append(bot.db.pool(), &entry).await?;
    Ok(rows)
}
