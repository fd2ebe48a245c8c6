//! Alerts and their flags. State changes are conditional updates (`WHERE status = ...`), so two
//! promeneurs pressing "Je prends" at once cannot both win, whichever process serves them.

use sqlx::{Any, Executor, FromRow};

use super::ids::to_db;

const ALERT_COLUMNS: &str = "id, guild_id, channel_id, author_id, author_pseudonym, severity, \
     categories, status, message_count, last_message_at, alert_channel_id, alert_message_id, \
     taken_by, outcome, note, helpline, escalations, next_escalation_at, flagged_at, \
     delivered_at, taken_at, closed_at, reopened_at";

/// A stored alert (ids as stored: see `store::ids`).
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct AlertRow {
    pub id: i64,
    pub guild_id: Option<i64>,
    pub channel_id: i64,
    pub author_id: i64,
    pub author_pseudonym: String,
    pub severity: String,
    pub categories: String,
    pub status: String,
    pub message_count: i64,
    pub last_message_at: i64,
    pub alert_channel_id: Option<i64>,
    pub alert_message_id: Option<i64>,
    pub taken_by: Option<i64>,
    pub outcome: Option<String>,
    pub note: Option<String>,
    pub helpline: Option<String>,
    pub escalations: i64,
    pub next_escalation_at: Option<i64>,
    pub flagged_at: i64,
    pub delivered_at: Option<i64>,
    pub taken_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub reopened_at: Option<i64>,
}

impl AlertRow {
    /// Since when the alert has been waiting for someone: its flag, or its last reopening.
    pub fn waiting_since(&self) -> i64 {
        self.reopened_at.unwrap_or(self.flagged_at)
    }
}

/// A stored flag: one flagged message.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct FlagRow {
    pub id: i64,
    pub alert_id: i64,
    pub message_id: i64,
    pub channel_id: i64,
    pub severity: String,
    pub categories: String,
    pub excerpt: String,
    pub matches: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A new alert, opened by its first flag.
#[derive(Debug, Clone)]
pub struct NewAlert<'a> {
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub author_id: u64,
    pub author_pseudonym: &'a str,
    pub severity: &'a str,
    pub categories: &'a str,
    pub alert_channel_id: Option<u64>,
    pub next_escalation_at: Option<i64>,
    pub at: i64,
}

/// A flagged message.
#[derive(Debug, Clone)]
pub struct NewFlag<'a> {
    pub alert_id: i64,
    pub message_id: u64,
    pub channel_id: u64,
    pub severity: &'a str,
    pub categories: &'a str,
    pub excerpt: &'a str,
    /// The matches as JSON (rule, category, span), for the alert and the audit.
    pub matches: &'a str,
    pub at: i64,
}

pub async fn insert_alert<'e, E>(ex: E, a: &NewAlert<'_>) -> anyhow::Result<i64>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO alerts (guild_id, channel_id, author_id, author_pseudonym, severity, categories, \
           status, message_count, last_message_at, alert_channel_id, escalations, next_escalation_at, flagged_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open', 1, $7, $8, 0, $9, $7) RETURNING id",
    )
    .bind(a.guild_id.map(to_db))
    .bind(to_db(a.channel_id))
    .bind(to_db(a.author_id))
    .bind(a.author_pseudonym)
    .bind(a.severity)
    .bind(a.categories)
    .bind(a.at)
    .bind(a.alert_channel_id.map(to_db))
    .bind(a.next_escalation_at)
    .fetch_one(ex)
    .await?;
    Ok(id)
}

/// Stores a flag; `None` when this message was already flagged (a replayed event).
pub async fn insert_flag<'e, E>(ex: E, f: &NewFlag<'_>) -> anyhow::Result<Option<i64>>
where
    E: Executor<'e, Database = Any>,
{
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO flags (alert_id, message_id, channel_id, severity, categories, excerpt, matches, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (message_id) DO NOTHING RETURNING id",
    )
    .bind(f.alert_id)
    .bind(to_db(f.message_id))
    .bind(to_db(f.channel_id))
    .bind(f.severity)
    .bind(f.categories)
    .bind(f.excerpt)
    .bind(f.matches)
    .bind(f.at)
    .fetch_optional(ex)
    .await?;
    Ok(id.map(|(i,)| i))
}

/// Replaces a flag's content after an edit of its message.
pub async fn update_flag<'e, E>(ex: E, f: &NewFlag<'_>) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE flags SET severity = $1, categories = $2, excerpt = $3, matches = $4, updated_at = $5 \
         WHERE message_id = $6",
    )
    .bind(f.severity)
    .bind(f.categories)
    .bind(f.excerpt)
    .bind(f.matches)
    .bind(f.at)
    .bind(to_db(f.message_id))
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn flag_by_message<'e, E>(ex: E, message_id: u64) -> anyhow::Result<Option<FlagRow>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as::<_, FlagRow>(
        "SELECT id, alert_id, message_id, channel_id, severity, categories, excerpt, matches, created_at, updated_at \
         FROM flags WHERE message_id = $1",
    )
    .bind(to_db(message_id))
    .fetch_optional(ex)
    .await?)
}

/// The flags of an alert, oldest first.
pub async fn flags_of<'e, E>(ex: E, alert_id: i64) -> anyhow::Result<Vec<FlagRow>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as::<_, FlagRow>(
        "SELECT id, alert_id, message_id, channel_id, severity, categories, excerpt, matches, created_at, updated_at \
         FROM flags WHERE alert_id = $1 ORDER BY message_id",
    )
    .bind(alert_id)
    .fetch_all(ex)
    .await?)
}

pub async fn get<'e, E>(ex: E, id: i64) -> anyhow::Result<Option<AlertRow>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
    Ok(sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(ex)
        .await?)
}

/// The not-yet-closed alert of this young person whose last message is at or after `since`: a
/// new flag joins it instead of opening another (burst grouping).
pub async fn open_for_author<'e, E>(
    ex: E,
    guild_id: Option<u64>,
    author_id: u64,
    since: i64,
) -> anyhow::Result<Option<AlertRow>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts \
         WHERE author_id = $1 AND status <> 'closed' AND last_message_at >= $2 \
           AND (guild_id = $3 OR (guild_id IS NULL AND $3 IS NULL)) \
         ORDER BY id DESC LIMIT 1"
    );
    Ok(sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(to_db(author_id))
        .bind(since)
        .bind(guild_id.map(to_db))
        .fetch_optional(ex)
        .await?)
}

/// A further message joins the alert: raises its severity and categories as given.
pub async fn add_message<'e, E>(
    ex: E,
    id: i64,
    severity: &str,
    categories: &str,
    at: i64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE alerts SET severity = $1, categories = $2, message_count = message_count + 1, \
           last_message_at = CASE WHEN last_message_at > $3 THEN last_message_at ELSE $3 END \
         WHERE id = $4",
    )
    .bind(severity)
    .bind(categories)
    .bind(at)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Sets severity and categories (an edit changed a flagged message).
pub async fn set_severity<'e, E>(
    ex: E,
    id: i64,
    severity: &str,
    categories: &str,
    next_escalation_at: Option<i64>,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE alerts SET severity = $1, categories = $2, \
           next_escalation_at = CASE WHEN status = 'open' THEN $3 ELSE next_escalation_at END \
         WHERE id = $4",
    )
    .bind(severity)
    .bind(categories)
    .bind(next_escalation_at)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
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

/// Takes an open alert. False when it was not open (someone else took or closed it).
pub async fn take<'e, E>(ex: E, id: i64, by: u64, at: i64) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let r = sqlx::query(
        "UPDATE alerts SET status = 'taken', taken_by = $1, taken_at = $2, next_escalation_at = NULL \
         WHERE id = $3 AND status = 'open'",
    )
    .bind(to_db(by))
    .bind(at)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Closes an alert that is not closed. Records who closed it if nobody had taken it.
pub async fn close<'e, E>(
    ex: E,
    id: i64,
    by: u64,
    outcome: &str,
    note: Option<&str>,
    at: i64,
) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let r = sqlx::query(
        "UPDATE alerts SET status = 'closed', outcome = $1, note = $2, closed_at = $3, \
           taken_by = COALESCE(taken_by, $4), taken_at = COALESCE(taken_at, $3), next_escalation_at = NULL \
         WHERE id = $5 AND status <> 'closed'",
    )
    .bind(outcome)
    .bind(note)
    .bind(at)
    .bind(to_db(by))
    .bind(id)
    .execute(ex)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Reopens a closed alert at `at`; it is open again, untaken, and escalates from
/// `next_escalation_at`.
pub async fn reopen<'e, E>(
    ex: E,
    id: i64,
    at: i64,
    next_escalation_at: Option<i64>,
) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let r = sqlx::query(
        "UPDATE alerts SET status = 'open', outcome = NULL, note = NULL, closed_at = NULL, \
           taken_by = NULL, taken_at = NULL, escalations = 0, next_escalation_at = $1, reopened_at = $2 \
         WHERE id = $3 AND status = 'closed'",
    )
    .bind(next_escalation_at)
    .bind(at)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The alerts of a guild that are not closed (most severe first is the caller's ordering).
pub async fn not_closed<'e, E>(ex: E, guild_id: Option<u64>) -> anyhow::Result<Vec<AlertRow>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts WHERE status <> 'closed' \
           AND (guild_id = $1 OR (guild_id IS NULL AND $1 IS NULL)) ORDER BY id"
    );
    Ok(sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(guild_id.map(to_db))
        .fetch_all(ex)
        .await?)
}

/// Open alerts whose escalation is due.
pub async fn due_escalations<'e, E>(ex: E, now: i64) -> anyhow::Result<Vec<AlertRow>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts WHERE status = 'open' \
           AND next_escalation_at IS NOT NULL AND next_escalation_at <= $1 ORDER BY next_escalation_at"
    );
    Ok(sqlx::query_as::<_, AlertRow>(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .fetch_all(ex)
        .await?)
}

/// Records escalations up to step `done_now` (missed steps collapse into one) and schedules the
/// next one. Conditional on the alert still being open with `escalations` still `done_before`,
/// so two processes never escalate the same step twice.
pub async fn record_escalation<'e, E>(
    ex: E,
    id: i64,
    done_before: i64,
    done_now: i64,
    next_at: Option<i64>,
) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let r = sqlx::query(
        "UPDATE alerts SET escalations = $1, next_escalation_at = $2 \
         WHERE id = $3 AND status = 'open' AND escalations = $4",
    )
    .bind(done_now)
    .bind(next_at)
    .bind(id)
    .bind(done_before)
    .execute(ex)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records what happened to the helpline card: "sent", "refused" (DMs closed) or "failed".
pub async fn set_helpline<'e, E>(ex: E, id: i64, status: &str) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("UPDATE alerts SET helpline = $1 WHERE id = $2")
        .bind(status)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Erases alerts closed before `before`, with their flags (excerpts and the author's id): the
/// end of their retention. Returns how many alerts went.
pub async fn purge_closed_before(
    tx: &mut sqlx::Transaction<'static, Any>,
    before: i64,
) -> anyhow::Result<u64> {
    sqlx::query(
        "DELETE FROM flags WHERE alert_id IN \
           (SELECT id FROM alerts WHERE status = 'closed' AND closed_at < $1)",
    )
    .bind(before)
    .execute(&mut **tx)
    .await?;
    Ok(
        sqlx::query("DELETE FROM alerts WHERE status = 'closed' AND closed_at < $1")
            .bind(before)
            .execute(&mut **tx)
            .await?
            .rows_affected(),
    )
}
