//! What was said in the private and anonymous questions (relayed texts, each way) and the
//! questions' supervision log (events, no content).

use anyhow::Context as _;
use sqlx::{Any, Executor, FromRow};

use crate::domain::questions::Question;
use crate::store::ids::{from_db, to_db};

/// Which way a relayed text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the young person (a DM, an anonymous question).
    In,
    /// A promeneur's answer, to the young person.
    Out,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// One relayed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionMessage {
    pub id: i64,
    pub question_id: i64,
    pub direction: Direction,
    pub discord_message_id: u64,
    pub author_id: Option<u64>,
    pub signature: Option<String>,
    pub content: String,
    pub created_at: i64,
    pub relayed_at: Option<i64>,
}

#[derive(Debug, FromRow)]
struct MessageRow {
    id: i64,
    question_id: i64,
    direction: String,
    discord_message_id: i64,
    author_id: Option<i64>,
    signature: Option<String>,
    content: String,
    created_at: i64,
    relayed_at: Option<i64>,
}

/// A text to relay, about to be stored.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub question_id: i64,
    pub direction: Direction,
    /// The DM (in) or the interaction (out): unique, so it is stored once.
    pub discord_message_id: u64,
    pub author_id: Option<u64>,
    /// The promeneur's name an answer is signed with.
    pub signature: Option<&'a str>,
    pub content: &'a str,
    pub at: i64,
}

/// Stores a text to relay; `None` when this Discord message or interaction was stored already.
pub async fn insert_message<'e, E>(ex: E, m: &NewMessage<'_>) -> anyhow::Result<Option<i64>>
where
    E: Executor<'e, Database = Any>,
{
    let NewMessage {
        question_id,
        direction,
        discord_message_id,
        author_id,
        signature,
        content,
        at,
    } = *m;
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO question_messages (question_id, direction, discord_message_id, author_id, \
         signature, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (discord_message_id) DO NOTHING RETURNING id",
    )
    .bind(question_id)
    .bind(direction.as_str())
    .bind(to_db(discord_message_id))
    .bind(author_id.map(to_db))
    .bind(signature)
    .bind(content)
    .bind(at)
    .fetch_optional(ex)
    .await
    .context("storing a relayed text")?;
    Ok(id.map(|(id,)| id))
}

pub async fn get_message<'e, E>(ex: E, id: i64) -> anyhow::Result<Option<QuestionMessage>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<MessageRow> = sqlx::query_as(
        "SELECT id, question_id, direction, discord_message_id, author_id, signature, content, \
         created_at, relayed_at FROM question_messages WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| QuestionMessage {
        id: r.id,
        question_id: r.question_id,
        direction: if r.direction == "out" {
            Direction::Out
        } else {
            Direction::In
        },
        discord_message_id: from_db(r.discord_message_id),
        author_id: r.author_id.map(from_db),
        signature: r.signature,
        content: r.content,
        created_at: r.created_at,
        relayed_at: r.relayed_at,
    }))
}

pub async fn mark_relayed<'e, E>(
    ex: E,
    id: i64,
    at: i64,
    failed: Option<&str>,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("UPDATE question_messages SET relayed_at = $1, relay_failed = $2 WHERE id = $3")
        .bind(at)
        .bind(failed)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// One line of the questions' supervision log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Asked,
    Taken,
    Answered,
    Relayed,
    Closed,
    Reminded,
    Escalated,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Asked => "asked",
            EventKind::Taken => "taken",
            EventKind::Answered => "answered",
            EventKind::Relayed => "relayed",
            EventKind::Closed => "closed",
            EventKind::Reminded => "reminded",
            EventKind::Escalated => "escalated",
        }
    }
}

/// Appends to the log: staff by id, young people never; `detail` is a channel, a delay in
/// milliseconds or an outcome, never a text.
pub async fn log<'e, E>(
    ex: E,
    q: &Question,
    kind: EventKind,
    actor: Option<u64>,
    detail: Option<&str>,
    at: i64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO question_events (question_id, guild_id, kind, way, actor_id, detail, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(q.id)
    .bind(to_db(q.guild_id))
    .bind(kind.as_str())
    .bind(q.way.as_str())
    .bind(actor.map(to_db))
    .bind(detail)
    .bind(at)
    .execute(ex)
    .await?;
    Ok(())
}

/// The log's kinds for one question, in order (for tests and the digest).
pub async fn events_of<'e, E>(
    ex: E,
    question_id: i64,
) -> anyhow::Result<Vec<(String, Option<String>)>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT kind, detail FROM question_events WHERE question_id = $1 ORDER BY id",
    )
    .bind(question_id)
    .fetch_all(ex)
    .await?;
    Ok(rows)
}
