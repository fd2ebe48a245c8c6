//! Questions, what was said in the private and anonymous ones, and their supervision log.
//!
//! A staff action saves the question's state with one conditional update (`WHERE version`), like
//! alerts; the delivery worker records the Discord ids it created (the anonymous post, the
//! thread, the acknowledgement) with targeted updates that never touch that state.

use anyhow::Context as _;
use sqlx::{Any, Executor, FromRow};

use super::ids::{from_db, to_db};
use crate::domain::questions::{Question, QuestionStatus, Way};

mod messages;
pub use messages::*;

const COLUMNS: &str = "id, version, guild_id, way, status, asker_pseudonym, asker_id, \
     source_message_id, channel_id, message_id, thread_id, ack_message_id, thread_generation, \
     title, taken_by, answered_by, closed_by, outcome, note, asked_at, taken_at, answered_at, \
     closed_at, reminded_at, escalated_at";

#[derive(Debug, Clone, FromRow)]
struct Row {
    id: i64,
    version: i64,
    guild_id: i64,
    way: String,
    status: String,
    asker_pseudonym: String,
    asker_id: Option<i64>,
    source_message_id: Option<i64>,
    channel_id: i64,
    message_id: Option<i64>,
    thread_id: Option<i64>,
    ack_message_id: Option<i64>,
    thread_generation: i64,
    title: String,
    taken_by: Option<i64>,
    answered_by: Option<i64>,
    closed_by: Option<i64>,
    outcome: Option<String>,
    note: Option<String>,
    asked_at: i64,
    taken_at: Option<i64>,
    answered_at: Option<i64>,
    closed_at: Option<i64>,
    reminded_at: Option<i64>,
    escalated_at: Option<i64>,
}

impl TryFrom<Row> for Question {
    type Error = anyhow::Error;

    fn try_from(r: Row) -> anyhow::Result<Question> {
        let id = r.id;
        let parse = || -> Result<Question, String> {
            Ok(Question {
                id: r.id,
                version: r.version,
                guild_id: from_db(r.guild_id),
                way: r.way.parse()?,
                status: r.status.parse()?,
                asker_pseudonym: r.asker_pseudonym,
                asker_id: r.asker_id.map(from_db),
                source_message_id: r.source_message_id.map(from_db),
                channel_id: from_db(r.channel_id),
                message_id: r.message_id.map(from_db),
                thread_id: r.thread_id.map(from_db),
                ack_message_id: r.ack_message_id.map(from_db),
                thread_generation: r.thread_generation,
                title: r.title,
                taken_by: r.taken_by.map(from_db),
                answered_by: r.answered_by.map(from_db),
                closed_by: r.closed_by.map(from_db),
                outcome: r.outcome.as_deref().map(str::parse).transpose()?,
                note: r.note,
                asked_at: r.asked_at,
                taken_at: r.taken_at,
                answered_at: r.answered_at,
                closed_at: r.closed_at,
                reminded_at: r.reminded_at,
                escalated_at: r.escalated_at,
            })
        };
        parse()
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("question {id} does not parse"))
    }
}

fn parse_all(rows: Vec<Row>) -> anyhow::Result<Vec<Question>> {
    rows.into_iter().map(Question::try_from).collect()
}

/// A question about to be stored.
#[derive(Debug, Clone)]
pub struct NewQuestion<'a> {
    pub guild_id: u64,
    pub way: Way,
    pub asker_pseudonym: &'a str,
    pub asker_id: Option<u64>,
    pub source_message_id: Option<u64>,
    pub channel_id: u64,
    /// The message the thread hangs on, when it already exists (an open question).
    pub message_id: Option<u64>,
    pub title: &'a str,
    pub asked_at: i64,
}

/// Stores a new open question. `None` when its source message already opened one.
pub async fn insert<'e, E>(ex: E, q: &NewQuestion<'_>) -> anyhow::Result<Option<i64>>
where
    E: Executor<'e, Database = Any>,
{
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO questions (guild_id, way, status, asker_pseudonym, asker_id, \
         source_message_id, channel_id, message_id, title, asked_at) \
         VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (source_message_id) DO NOTHING RETURNING id",
    )
    .bind(to_db(q.guild_id))
    .bind(q.way.as_str())
    .bind(q.asker_pseudonym)
    .bind(q.asker_id.map(to_db))
    .bind(q.source_message_id.map(to_db))
    .bind(to_db(q.channel_id))
    .bind(q.message_id.map(to_db))
    .bind(q.title)
    .bind(q.asked_at)
    .fetch_optional(ex)
    .await
    .context("storing a question")?;
    Ok(id.map(|(id,)| id))
}

pub async fn get<'e, E>(ex: E, id: i64) -> anyhow::Result<Option<Question>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM questions WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(ex)
    .await?;
    row.map(Question::try_from).transpose()
}

/// The question a Discord message or interaction opened.
pub async fn by_source<'e, E>(ex: E, source_message_id: u64) -> anyhow::Result<Option<Question>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM questions WHERE source_message_id = $1"
    )))
    .bind(to_db(source_message_id))
    .fetch_optional(ex)
    .await?;
    row.map(Question::try_from).transpose()
}

/// The first text a young person gave the question (an anonymous question's words).
pub async fn first_text<'e, E>(ex: E, question_id: i64) -> anyhow::Result<Option<String>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT content FROM question_messages WHERE question_id = $1 AND direction = 'in' \
         ORDER BY id LIMIT 1",
    )
    .bind(question_id)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|(c,)| c))
}

/// The question whose thread is `thread_id`.
pub async fn by_thread<'e, E>(ex: E, thread_id: u64) -> anyhow::Result<Option<Question>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM questions WHERE thread_id = $1 ORDER BY id DESC LIMIT 1"
    )))
    .bind(to_db(thread_id))
    .fetch_optional(ex)
    .await?;
    row.map(Question::try_from).transpose()
}

/// A young person's private question still running, if any.
pub async fn open_private_of<'e, E>(ex: E, asker_id: u64) -> anyhow::Result<Option<Question>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM questions WHERE way = 'private' AND asker_id = $1 \
         AND status <> 'closed' ORDER BY id DESC LIMIT 1"
    )))
    .bind(to_db(asker_id))
    .fetch_optional(ex)
    .await?;
    row.map(Question::try_from).transpose()
}

/// The guild's questions in `statuses`, oldest first (at most `limit`).
pub async fn list<'e, E>(
    ex: E,
    guild_id: u64,
    statuses: &[QuestionStatus],
    limit: i64,
) -> anyhow::Result<Vec<Question>>
where
    E: Executor<'e, Database = Any>,
{
    let wanted: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM questions WHERE guild_id = $1 AND status IN ({}) \
         ORDER BY asked_at, id LIMIT $2",
        wanted.join(", ")
    )))
    .bind(to_db(guild_id))
    .bind(limit)
    .fetch_all(ex)
    .await?;
    parse_all(rows)
}

/// Questions nobody has answered, asked at or before `asked_before`, not yet escalated.
pub async fn waiting<'e, E>(ex: E, asked_before: i64, limit: i64) -> anyhow::Result<Vec<Question>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM questions WHERE status IN ('open', 'taken') \
         AND answered_at IS NULL AND escalated_at IS NULL AND asked_at <= $1 \
         ORDER BY asked_at LIMIT $2"
    )))
    .bind(asked_before)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    parse_all(rows)
}

/// Saves the question's state if nobody saved it since it was read at `q.version`. Returns
/// whether it was saved; the caller decides again when not.
pub async fn save<'e, E>(ex: E, q: &Question) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query(
        "UPDATE questions SET version = version + 1, status = $1, taken_by = $2, \
         answered_by = $3, closed_by = $4, outcome = $5, note = $6, taken_at = $7, \
         answered_at = $8, closed_at = $9, reminded_at = $10, escalated_at = $11 \
         WHERE id = $12 AND version = $13",
    )
    .bind(q.status.as_str())
    .bind(q.taken_by.map(to_db))
    .bind(q.answered_by.map(to_db))
    .bind(q.closed_by.map(to_db))
    .bind(q.outcome.map(|o| o.as_str()))
    .bind(q.note.as_deref())
    .bind(q.taken_at)
    .bind(q.answered_at)
    .bind(q.closed_at)
    .bind(q.reminded_at)
    .bind(q.escalated_at)
    .bind(q.id)
    .bind(q.version)
    .execute(ex)
    .await
    .context("saving a question")?;
    Ok(done.rows_affected() == 1)
}

/// Records the message the thread hangs on (the bot's anonymous post or private head).
pub async fn set_message<'e, E>(ex: E, id: i64, message_id: u64) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("UPDATE questions SET message_id = $1 WHERE id = $2")
        .bind(to_db(message_id))
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_thread<'e, E>(ex: E, id: i64, thread_id: u64) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("UPDATE questions SET thread_id = $1 WHERE id = $2")
        .bind(to_db(thread_id))
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_ack<'e, E>(ex: E, id: i64, ack_message_id: u64) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("UPDATE questions SET ack_message_id = $1 WHERE id = $2")
        .bind(to_db(ack_message_id))
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// A private question's thread is gone (deleted or locked by hand): forget it, so the next
/// relay opens a new one. Returns the new generation, or `None` if another worker did already.
pub async fn forget_thread<'e, E>(ex: E, id: i64, generation: i64) -> anyhow::Result<Option<i64>>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query(
        "UPDATE questions SET thread_id = NULL, message_id = NULL, ack_message_id = NULL, \
         thread_generation = thread_generation + 1 WHERE id = $1 AND thread_generation = $2",
    )
    .bind(id)
    .bind(generation)
    .execute(ex)
    .await?;
    Ok((done.rows_affected() == 1).then_some(generation + 1))
}

/// Erases what retention no longer allows: relayed texts written before `before`, and the
/// ids of askers (and notes) of questions closed before it. The log stays (no content in it).
pub async fn purge_before(tx: &mut super::Tx, before: i64) -> anyhow::Result<u64> {
    let texts = sqlx::query("DELETE FROM question_messages WHERE created_at < $1")
        .bind(before)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    let ids = sqlx::query(
        "UPDATE questions SET asker_id = NULL, note = NULL \
         WHERE closed_at IS NOT NULL AND closed_at < $1 AND asker_id IS NOT NULL",
    )
    .bind(before)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(texts + ids)
}
