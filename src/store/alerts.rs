//! Alerts: rows parsed once into the domain's [`Alert`], saved whole by one conditional update.
//!
//! A save is conditional on the version the change was decided from (`WHERE version = $n`), so
//! two promeneurs pressing "Je prends" at once, or two processes escalating the same alert,
//! cannot both win: the loser's save changes nothing and its flow decides again from the
//! alert as it now is. A row that does not parse is an error, never a silent default.

use anyhow::Context as _;
use sqlx::{Any, Executor, FromRow};

use super::ids::{from_db, to_db};
use crate::domain::alerts::{
    join_categories, parse_categories, Alert, AlertState, AlertStatus, HelplineStatus, OpenAlert,
    Outcome,
};

const ALERT_COLUMNS: &str = "id, version, guild_id, channel_id, author_id, author_pseudonym, anonymous, \
     stance, target_id, subject_id, severity, categories, status, message_count, last_message_at, alert_channel_id, \
     alert_message_id, taken_by, closed_by, outcome, note, helpline, escalations, \
     next_escalation_at, flagged_at, delivered_at, taken_at, closed_at, reopened_at";

/// A stored alert exactly as the row holds it; only this module sees it.
#[derive(Debug, Clone, FromRow)]
struct AlertRow {
    id: i64,
    version: i64,
    guild_id: Option<i64>,
    channel_id: i64,
    author_id: i64,
    author_pseudonym: String,
    anonymous: i64,
    stance: Option<String>,
    target_id: Option<i64>,
    subject_id: Option<i64>,
    severity: String,
    categories: String,
    status: String,
    message_count: i64,
    last_message_at: i64,
    alert_channel_id: Option<i64>,
    alert_message_id: Option<i64>,
    taken_by: Option<i64>,
    closed_by: Option<i64>,
    outcome: Option<String>,
    note: Option<String>,
    helpline: Option<String>,
    escalations: i64,
    next_escalation_at: Option<i64>,
    flagged_at: i64,
    delivered_at: Option<i64>,
    taken_at: Option<i64>,
    closed_at: Option<i64>,
    reopened_at: Option<i64>,
}

impl TryFrom<AlertRow> for Alert {
    type Error = anyhow::Error;

    fn try_from(r: AlertRow) -> anyhow::Result<Alert> {
        let id = r.id;
        let parsed = || -> anyhow::Result<Alert> {
            let status = parse_status(&r.status)?;
            let outcome = r
                .outcome
                .as_deref()
                .map(str::parse::<Outcome>)
                .transpose()?;
            Ok(Alert {
                id: r.id,
                version: r.version,
                guild_id: r.guild_id.map(from_db),
                channel_id: from_db(r.channel_id),
                author_id: from_db(r.author_id),
                author_pseudonym: r.author_pseudonym,
                anonymous: r.anonymous != 0,
                // Alerts stored before stances existed were all about their author.
                stance: r.stance.as_deref().unwrap_or("self").parse()?,
                target_id: r.target_id.map(from_db),
                subject_id: r.subject_id.map(from_db),
                severity: r.severity.parse()?,
                categories: parse_categories(&r.categories).map_err(anyhow::Error::msg)?,
                state: AlertState {
                    status,
                    flagged_at: r.flagged_at,
                    taken_by: r.taken_by.map(from_db),
                    taken_at: r.taken_at,
                    closed_by: r.closed_by.map(from_db),
                    closed_at: r.closed_at,
                    outcome,
                    note: r.note,
                    reopened_at: r.reopened_at,
                },
                message_count: u32::try_from(r.message_count)?,
                last_message_at: r.last_message_at,
                helpline: r.helpline.as_deref().map(parse_helpline).transpose()?,
                escalations: u32::try_from(r.escalations)?,
                next_escalation_at: r.next_escalation_at,
                alert_channel_id: r.alert_channel_id.map(from_db),
                alert_message_id: r.alert_message_id.map(from_db),
                delivered_at: r.delivered_at,
            })
        };
        parsed().with_context(|| format!("alert {id} does not parse"))
    }
}

/// The stored form of a status.
pub(super) fn status_id(status: AlertStatus) -> &'static str {
    status.as_str()
}

fn parse_status(text: &str) -> anyhow::Result<AlertStatus> {
    AlertStatus::ALL
        .into_iter()
        .find(|s| status_id(*s) == text)
        .ok_or_else(|| {
            anyhow::anyhow!("unknown alert status `{text}` (expected open, taken, closed)")
        })
}

/// The stored form of a helpline card's fate.
fn helpline_id(status: HelplineStatus) -> &'static str {
    match status {
        HelplineStatus::Sent => "sent",
        HelplineStatus::Refused => "refused",
        HelplineStatus::Failed => "failed",
    }
}

fn parse_helpline(text: &str) -> anyhow::Result<HelplineStatus> {
    HelplineStatus::ALL
        .into_iter()
        .find(|h| helpline_id(*h) == text)
        .ok_or_else(|| {
            anyhow::anyhow!("unknown helpline status `{text}` (expected sent, refused, failed)")
        })
}

fn parse_all(rows: Vec<AlertRow>) -> anyhow::Result<Vec<Alert>> {
    rows.into_iter().map(Alert::try_from).collect()
}

/// Where a new alert comes from: the young person and the message that opened it.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub author_id: u64,
    pub author_pseudonym: &'a str,
    /// Raised by an anonymous question: the author is never shown to staff.
    pub anonymous: bool,
    pub alert_channel_id: Option<u64>,
    pub at: i64,
}

/// Stores a new alert as the intake decided it; returns its id.
pub async fn insert<'e, E>(ex: E, origin: &Origin<'_>, open: &OpenAlert) -> anyhow::Result<i64>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO alerts (guild_id, channel_id, author_id, author_pseudonym, severity, categories, \
           status, message_count, last_message_at, alert_channel_id, escalations, next_escalation_at, \
           flagged_at, version, stance, target_id, subject_id, anonymous) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, 0, $10, $8, 0, $11, $12, $13, $14) RETURNING id",
    )
    .bind(origin.guild_id.map(to_db))
    .bind(to_db(origin.channel_id))
    .bind(to_db(origin.author_id))
    .bind(origin.author_pseudonym)
    .bind(open.severity.as_str())
    .bind(join_categories(&open.categories))
    .bind(status_id(AlertStatus::Open))
    .bind(origin.at)
    .bind(origin.alert_channel_id.map(to_db))
    .bind(open.next_escalation_at)
    .bind(open.reading.stance.as_str())
    .bind(open.reading.target.map(to_db))
    .bind(open.reading.subject.map(to_db))
    .bind(i64::from(origin.anonymous))
    .fetch_one(ex)
    .await?;
    Ok(id)
}

/// Saves a changed alert if nobody saved it since `alert.version` was read. Returns false
/// when someone did (the caller decides again from the alert as it now is). Delivery columns
/// (where the alert is posted) are not the decision's: [`set_delivered`] writes them.
pub async fn save<'e, E>(ex: E, alert: &Alert) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let s = &alert.state;
    let r = sqlx::query(
        "UPDATE alerts SET version = $1, severity = $2, categories = $3, status = $4, \
           message_count = $5, last_message_at = $6, taken_by = $7, taken_at = $8, closed_by = $9, \
           closed_at = $10, outcome = $11, note = $12, reopened_at = $13, helpline = $14, \
           escalations = $15, next_escalation_at = $16 \
         WHERE id = $17 AND version = $18",
    )
    .bind(alert.version + 1)
    .bind(alert.severity.as_str())
    .bind(join_categories(&alert.categories))
    .bind(status_id(s.status))
    .bind(i64::from(alert.message_count))
    .bind(alert.last_message_at)
    .bind(s.taken_by.map(to_db))
    .bind(s.taken_at)
    .bind(s.closed_by.map(to_db))
    .bind(s.closed_at)
    .bind(s.outcome.map(|o| o.as_str()))
    .bind(s.note.as_deref())
    .bind(s.reopened_at)
    .bind(alert.helpline.map(helpline_id))
    .bind(i64::from(alert.escalations))
    .bind(alert.next_escalation_at)
    .bind(alert.id)
    .bind(alert.version)
    .execute(ex)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn get<'e, E>(ex: E, id: i64) -> anyhow::Result<Option<Alert>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
    sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .map(Alert::try_from)
        .transpose()
}

/// The latest not-yet-closed alert whose last message is at or after `since`, about the young
/// person `subject` (a new flag about them joins it: a burst, or a pile-on of several
/// authors); with no subject (an aggression whose target is unknown), the latest such alert of
/// `author` that has no subject either.
pub async fn latest_about<'e, E>(
    ex: E,
    guild_id: Option<u64>,
    subject: Option<u64>,
    author_id: u64,
    since: i64,
) -> anyhow::Result<Option<Alert>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts \
         WHERE status <> $4 AND last_message_at >= $2 \
           AND (guild_id = $3 OR (guild_id IS NULL AND $3 IS NULL)) \
           AND (subject_id = $1 OR ($1 IS NULL AND subject_id IS NULL AND author_id = $5)) \
         ORDER BY id DESC LIMIT 1"
    );
    sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(subject.map(to_db))
        .bind(since)
        .bind(guild_id.map(to_db))
        .bind(status_id(AlertStatus::Closed))
        .bind(to_db(author_id))
        .fetch_optional(ex)
        .await?
        .map(Alert::try_from)
        .transpose()
}

/// Records where the alert was posted; the first delivery time is kept.
pub async fn set_delivered<'e, E>(
    ex: E,
    id: i64,
    channel_id: u64,
    message_id: u64,
    at: i64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE alerts SET alert_channel_id = $1, alert_message_id = $2, \
           delivered_at = COALESCE(delivered_at, $3) WHERE id = $4",
    )
    .bind(to_db(channel_id))
    .bind(to_db(message_id))
    .bind(at)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// The alerts posted in one message (several when they were packed together), oldest first.
pub async fn on_message<'e, E>(
    ex: E,
    channel_id: u64,
    message_id: u64,
) -> anyhow::Result<Vec<Alert>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts \
         WHERE alert_message_id = $1 AND alert_channel_id = $2 ORDER BY id"
    );
    sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(to_db(message_id))
        .bind(to_db(channel_id))
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(Alert::try_from)
        .collect()
}

/// The alerts of a guild that are not closed, oldest first.
pub async fn not_closed<'e, E>(ex: E, guild_id: Option<u64>) -> anyhow::Result<Vec<Alert>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts WHERE status <> $2 \
           AND (guild_id = $1 OR (guild_id IS NULL AND $1 IS NULL)) ORDER BY id"
    );
    let rows = sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(guild_id.map(to_db))
        .bind(status_id(AlertStatus::Closed))
        .fetch_all(ex)
        .await?;
    parse_all(rows)
}

/// Open alerts whose escalation is due at `now`.
pub async fn due_escalations<'e, E>(ex: E, now: i64) -> anyhow::Result<Vec<Alert>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts WHERE status = $2 \
           AND next_escalation_at IS NOT NULL AND next_escalation_at <= $1 ORDER BY next_escalation_at"
    );
    let rows = sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(status_id(AlertStatus::Open))
        .fetch_all(ex)
        .await?;
    parse_all(rows)
}

/// Erases alerts closed before `before`, with their flags (excerpts and the author's id): the
/// end of their retention. Returns how many alerts went.
pub async fn purge_closed_before(
    tx: &mut sqlx::Transaction<'static, Any>,
    before: i64,
) -> anyhow::Result<u64> {
    let closed = status_id(AlertStatus::Closed);
    sqlx::query(
        "DELETE FROM flags WHERE alert_id IN \
           (SELECT id FROM alerts WHERE status = $2 AND closed_at < $1)",
    )
    .bind(before)
    .bind(closed)
    .execute(&mut **tx)
    .await?;
    Ok(
        sqlx::query("DELETE FROM alerts WHERE status = $2 AND closed_at < $1")
            .bind(before)
            .bind(closed)
            .execute(&mut **tx)
            .await?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_stored_form_and_an_unknown_one_is_an_error() {
        for status in AlertStatus::ALL {
            assert_eq!(parse_status(status_id(status)).ok(), Some(status));
        }
        let err = parse_status("fermé").map_err(|e| e.to_string());
        assert!(err.is_err_and(|e| e.contains("fermé") && e.contains("open, taken, closed")));
        for status in HelplineStatus::ALL {
            assert_eq!(parse_helpline(helpline_id(status)).ok(), Some(status));
        }
        assert!(parse_helpline("ok").is_err());
    }
}
