//! The message flow: scan, log the exchange, and when flagged store the flag, its alert and the
//! effects to deliver, all in one transaction.

use std::collections::BTreeSet;

use anyhow::Context as _;
use tracing::{debug, instrument};

use crate::bot::Bot;
use crate::domain::alerts::{AlertStatus, FlagPlacement, NewFlag, OpenAlertRef};
use crate::domain::effects::Effect;
use crate::domain::safety::{Category, Scan, Severity};
use crate::store::alerts::{self as alert_store, AlertRow, NewAlert};
use crate::store::exchanges::{self, ExchangeKind, NewExchange};
use crate::store::{cursors, ids, outbox};

/// Longest excerpt kept for an alert, in bytes of the original message.
const MAX_EXCERPT_BYTES: usize = 1500;

/// A message as an adapter saw it.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    /// Where the message was written (`None` for a DM to the bot).
    pub guild_id: Option<u64>,
    /// Whose promeneurs receive its alert (for a DM: a guild the young person is in).
    pub alert_guild_id: Option<u64>,
    pub channel_id: u64,
    pub message_id: u64,
    pub author_id: u64,
    pub content: &'a str,
    pub edit: bool,
    /// When it was written (or edited), unix ms.
    pub at: i64,
}

/// What the flow did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Logged; nothing worrying.
    Logged,
    /// Flagged into this alert (`new` when the alert was opened by this message).
    Flagged { alert_id: i64, new: bool },
    /// Flagged, but its alert already says as much (a replayed event, an edit that adds nothing).
    Unchanged,
}

/// Scans and records one message. Idempotent: the same message delivered twice (a gateway
/// replay and a catch-up) changes nothing the second time.
#[instrument(skip_all, fields(channel = m.channel_id, message = m.message_id, edit = m.edit))]
pub async fn handle(bot: &Bot, m: &Incoming<'_>) -> anyhow::Result<Handled> {
    let scan = bot.rules.scan(m.content);
    let pseudonym = bot.pseudonyms.pseudonym(m.author_id);
    let categories = join_categories(scan.categories.iter().copied());
    let kind = match (m.guild_id, m.edit) {
        (_, true) => ExchangeKind::Edit,
        (None, false) => ExchangeKind::Dm,
        (Some(_), false) => ExchangeKind::Message,
    };
    let exchange = NewExchange {
        guild_id: m.guild_id,
        channel_id: m.channel_id,
        message_id: Some(m.message_id),
        author_pseudonym: pseudonym.as_str(),
        kind,
        severity: scan.severity.as_str(),
        categories: &categories,
        at: m.at,
    };

    // Flags are rare: take the lock only for them, so ordinary traffic never waits on it.
    let _guard = if scan.flagged {
        Some(bot.flag_lock.lock().await)
    } else {
        None
    };
    let mut tx = bot.db.begin().await?;
    exchanges::record(&mut *tx, &exchange).await?;
    if !m.edit {
        cursors::advance(&mut *tx, m.channel_id, m.guild_id, m.message_id, m.at).await?;
    }
    let handled = if scan.flagged {
        flag(bot, &mut tx, m, &scan, &categories, pseudonym.as_str()).await?
    } else {
        Handled::Logged
    };
    tx.commit().await.context("committing the message")?;
    if matches!(handled, Handled::Flagged { .. }) {
        bot.outbox_ready.notify_one();
    }
    debug!(
        severity = scan.severity.as_str(),
        ?handled,
        "message handled"
    );
    Ok(handled)
}

async fn flag(
    bot: &Bot,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    m: &Incoming<'_>,
    scan: &Scan,
    categories: &str,
    pseudonym: &str,
) -> anyhow::Result<Handled> {
    let existing = alert_store::flag_by_message(&mut **tx, m.message_id).await?;
    if existing.is_some() && !m.edit {
        return Ok(Handled::Unchanged);
    }
    let since = m.at - i64::try_from(bot.burst.window.as_millis()).unwrap_or(i64::MAX / 2);
    let latest = alert_store::open_for_author(&mut **tx, m.alert_guild_id, m.author_id, since)
        .await?
        .map(|a| alert_ref(&a));
    let new_flag = NewFlag {
        severity: scan.severity,
        at: m.at,
    };
    let placement = match &existing {
        Some(f) => {
            let of_message = alert_store::get(&mut **tx, f.alert_id).await?;
            // The flag's own severity decides whether the edit says more than before.
            let of_message = of_message.map(|a| OpenAlertRef {
                severity: f.severity.parse().unwrap_or(Severity::None),
                ..alert_ref(&a)
            });
            bot.burst.place_edit(new_flag, of_message, latest)
        }
        None => bot.burst.place_message(new_flag, latest),
    };

    let (excerpt, matches) = excerpt_and_matches(m.content, scan);
    let flag_row = |alert_id| alert_store::NewFlag {
        alert_id,
        message_id: m.message_id,
        channel_id: m.channel_id,
        severity: scan.severity.as_str(),
        categories,
        excerpt: &excerpt,
        matches: &matches,
        at: m.at,
    };
    let now = m.at;

    match placement {
        FlagPlacement::Ignore => Ok(Handled::Logged),
        FlagPlacement::Unchanged { .. } => Ok(Handled::Unchanged),
        FlagPlacement::NewAlert => {
            let alert_channel = m
                .alert_guild_id
                .and_then(|g| bot.config.guild(g))
                .map(|g| g.alert_channel.0);
            let next = bot
                .escalation
                .next_escalation(AlertStatus::Open, scan.severity, now, 0);
            let alert_id = alert_store::insert_alert(
                &mut **tx,
                &NewAlert {
                    guild_id: m.alert_guild_id,
                    channel_id: m.channel_id,
                    author_id: m.author_id,
                    author_pseudonym: pseudonym,
                    severity: scan.severity.as_str(),
                    categories,
                    alert_channel_id: alert_channel,
                    next_escalation_at: next,
                    at: now,
                },
            )
            .await?;
            let f = flag_row(alert_id);
            if existing.is_some() {
                alert_store::update_flag(&mut **tx, &f).await?;
                move_flag(tx, m.message_id, alert_id).await?;
            } else {
                alert_store::insert_flag(&mut **tx, &f).await?;
            }
            enqueue(
                tx,
                &format!("alert:{alert_id}:post"),
                &Effect::PostAlert { alert_id },
                now,
            )
            .await?;
            let wants_card = scan.categories.iter().any(|c| {
                bot.config
                    .alerts
                    .helpline_categories
                    .iter()
                    .any(|h| h == c.as_str())
            });
            if wants_card {
                enqueue(
                    tx,
                    &format!("alert:{alert_id}:helpline"),
                    &Effect::HelplineCard { alert_id },
                    now,
                )
                .await?;
            }
            Ok(Handled::Flagged {
                alert_id,
                new: true,
            })
        }
        FlagPlacement::GroupInto { alert_id, severity } => {
            let f = flag_row(alert_id);
            if alert_store::insert_flag(&mut **tx, &f).await?.is_none() {
                return Ok(Handled::Unchanged);
            }
            let merged = merged_categories(tx, alert_id).await?;
            alert_store::add_message(&mut **tx, alert_id, severity.as_str(), &merged, now).await?;
            reschedule(bot, tx, alert_id, severity).await?;
            let key = format!("alert:{alert_id}:refresh:{}", m.message_id);
            enqueue(tx, &key, &Effect::RefreshAlert { alert_id }, now).await?;
            Ok(Handled::Flagged {
                alert_id,
                new: false,
            })
        }
        FlagPlacement::UpdateSeverity { alert_id, severity } => {
            let f = flag_row(alert_id);
            alert_store::update_flag(&mut **tx, &f).await?;
            let merged = merged_categories(tx, alert_id).await?;
            let next = alert_store::get(&mut **tx, alert_id).await?.and_then(|a| {
                let status = a.status.parse().unwrap_or(AlertStatus::Open);
                let done = u32::try_from(a.escalations).unwrap_or(0);
                bot.escalation
                    .next_escalation(status, severity, a.waiting_since(), done)
            });
            alert_store::set_severity(&mut **tx, alert_id, severity.as_str(), &merged, next)
                .await?;
            let key = format!(
                "alert:{alert_id}:refresh:{}:{}",
                m.message_id,
                severity.as_str()
            );
            enqueue(tx, &key, &Effect::RefreshAlert { alert_id }, now).await?;
            Ok(Handled::Flagged {
                alert_id,
                new: false,
            })
        }
    }
}

/// A grouped message may raise the alert's severity: its escalation then follows the new
/// severity's delay, counted from when the alert was flagged.
async fn reschedule(
    bot: &Bot,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    alert_id: i64,
    severity: Severity,
) -> anyhow::Result<()> {
    if let Some(a) = alert_store::get(&mut **tx, alert_id).await? {
        let next = bot.escalation.next_escalation(
            a.status.parse().unwrap_or(AlertStatus::Open),
            severity,
            a.waiting_since(),
            u32::try_from(a.escalations).unwrap_or(0),
        );
        alert_store::set_severity(&mut **tx, alert_id, severity.as_str(), &a.categories, next)
            .await?;
    }
    Ok(())
}

async fn move_flag(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    message_id: u64,
    alert_id: i64,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE flags SET alert_id = $1 WHERE message_id = $2")
        .bind(alert_id)
        .bind(ids::to_db(message_id))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn merged_categories(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    alert_id: i64,
) -> anyhow::Result<String> {
    let flags = alert_store::flags_of(&mut **tx, alert_id).await?;
    let all: BTreeSet<&str> = flags
        .iter()
        .flat_map(|f| f.categories.split(','))
        .filter(|c| !c.is_empty())
        .collect();
    Ok(all.into_iter().collect::<Vec<_>>().join(","))
}

pub(crate) async fn enqueue(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: &str,
    effect: &Effect,
    now: i64,
) -> anyhow::Result<()> {
    outbox::enqueue(&mut **tx, key, effect.kind(), &effect.to_payload(), now).await?;
    Ok(())
}

fn alert_ref(a: &AlertRow) -> OpenAlertRef {
    OpenAlertRef {
        alert_id: a.id,
        status: a.status.parse().unwrap_or(AlertStatus::Open),
        severity: a.severity.parse().unwrap_or(Severity::None),
        last_message_at: a.last_message_at,
    }
}

/// Category ids joined by commas, the form stored in the database.
pub fn join_categories(cats: impl Iterator<Item = Category>) -> String {
    let set: BTreeSet<&'static str> = cats.map(|c| c.as_str()).collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// The excerpt kept for the alert (the start of the message, cut on a char boundary) and the
/// matches that fall inside it, as JSON `[[start, end, rule], ...]`.
fn excerpt_and_matches(content: &str, scan: &Scan) -> (String, String) {
    let mut cut = content.len().min(MAX_EXCERPT_BYTES);
    while !content.is_char_boundary(cut) {
        cut -= 1;
    }
    let excerpt = content[..cut].to_string();
    let spans: Vec<(usize, usize, &str)> = scan
        .matches
        .iter()
        .filter(|x| x.end <= cut)
        .map(|x| (x.start, x.end, x.rule.as_str()))
        .collect();
    (
        excerpt,
        serde_json::to_string(&spans).unwrap_or_else(|_| "[]".into()),
    )
}
