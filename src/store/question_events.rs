//! The questions' own log (`question_events`: asked, taken, answered, relayed, closed,
//! reminded, escalated; the digest counts from it), each line journaled in the same
//! transaction. Staff by id, the asker only as their pseudonym; never a text.

use sqlx::{Any, Executor};

use super::ids::to_db;
use crate::domain::journal::{Action, Actor, Entry, Subject};
use crate::domain::questions::Question;

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

/// Appends to the questions' log and to the journal: staff by id, the asker only as their
/// pseudonym (for `asked`); `detail` is a channel, a delay in milliseconds or an outcome,
/// never a text.
pub async fn log(
    conn: &mut sqlx::AnyConnection,
    q: &Question,
    kind: EventKind,
    actor: Option<u64>,
    detail: Option<&str>,
    at: i64,
) -> anyhow::Result<()> {
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
    .execute(&mut *conn)
    .await?;
    super::journal::append(conn, &journal_entry(q, kind, actor, detail, at)).await?;
    Ok(())
}

fn journal_entry(
    q: &Question,
    kind: EventKind,
    actor: Option<u64>,
    detail: Option<&str>,
    at: i64,
) -> Entry {
    let action = match kind {
        EventKind::Asked => Action::QuestionAsked,
        EventKind::Taken => Action::QuestionTaken,
        EventKind::Answered => Action::QuestionAnswered,
        EventKind::Relayed => Action::QuestionRelayed,
        EventKind::Closed => Action::QuestionClosed,
        EventKind::Reminded => Action::QuestionReminded,
        EventKind::Escalated => Action::QuestionEscalated,
    };
    let who = match (kind, actor) {
        (_, Some(staff)) => Actor::Staff(staff),
        (EventKind::Asked, None) if q.asker_pseudonym != super::erasure::ERASED => {
            Actor::Young(q.asker_pseudonym.clone())
        }
        (EventKind::Asked, None) => Actor::Anonymous,
        (_, None) => Actor::Bot,
    };
    let mut entry = Entry::new(Some(q.guild_id), at, who, action)
        .about(Subject::Question(q.id))
        .way(q.way.as_str());
    if let Some(detail) = detail {
        entry = entry.note(detail);
    }
    if let (EventKind::Closed, Some(outcome)) = (kind, q.outcome) {
        entry = entry.outcome(outcome.as_str());
    }
    entry
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
