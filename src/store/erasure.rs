//! A young person's rights over what the store keeps about them: everything gathered for
//! `/mes-donnees`, and everything erased for `/oubli`, in one transaction.
//!
//! A young person appears in the store by id (`alerts.author_id`, `subject_id`, `target_id`,
//! `flags.author_id`, `questions.asker_id`, `question_messages.author_id`,
//! `resource_drafts.user_id`) or by keyed pseudonym (`alerts.author_pseudonym`,
//! `questions.asker_pseudonym`, `journal.actor`). Their texts are flag excerpts
//! (and their matches), question titles and relayed messages. The outbox holds only row ids,
//! the channel cursors only channel ids, permanences and resources only staff.

use serde_json::{json, Value};
use sqlx::{Any, Executor};

use super::ids::{from_db, to_db};
use super::Tx;

/// What an erased person's pseudonym becomes: the journal keeps the row, as an anonymous count.
pub const ERASED: &str = "efface";

/// What a request to see or erase data is logged as (no person, no content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RightsRequest {
    Export,
    Erasure,
}

impl RightsRequest {
    pub fn as_str(self) -> &'static str {
        match self {
            RightsRequest::Export => "export",
            RightsRequest::Erasure => "erasure",
        }
    }
}

/// Logs a request, without who asked nor what was kept.
pub async fn log_request<'e, E>(
    ex: E,
    guild_id: Option<u64>,
    kind: RightsRequest,
    at: i64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("INSERT INTO rights_requests (guild_id, kind, at) VALUES ($1, $2, $3)")
        .bind(guild_id.map(to_db))
        .bind(kind.as_str())
        .bind(at)
        .execute(ex)
        .await?;
    Ok(())
}

type QuestionRow = (i64, i64, String, String, String, i64, Option<i64>);
type AlertRow = (
    i64,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
);

/// Everything kept about `user` (known by id and by `pseudonym`), as the JSON document
/// `/mes-donnees` sends: questions with the messages relayed, alerts concerning them with the
/// excerpts of their own messages (not the words of others), and the journal's rows.
pub async fn gather(tx: &mut Tx, user: u64, pseudonym: &str) -> anyhow::Result<Value> {
    let id = to_db(user);
    let questions: Vec<QuestionRow> = sqlx::query_as(
        "SELECT id, guild_id, way, status, title, asked_at, closed_at FROM questions \
         WHERE asker_id = $1 OR asker_pseudonym = $2 ORDER BY id",
    )
    .bind(id)
    .bind(pseudonym)
    .fetch_all(&mut **tx)
    .await?;
    let mut question_docs = Vec::new();
    for (qid, guild, way, status, title, asked_at, closed_at) in questions {
        let messages: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT direction, content, created_at FROM question_messages \
             WHERE question_id = $1 ORDER BY id",
        )
        .bind(qid)
        .fetch_all(&mut **tx)
        .await?;
        question_docs.push(json!({
            "id": qid,
            "guild_id": from_db(guild).to_string(),
            "way": way,
            "status": status,
            "text": title,
            "asked_at": asked_at,
            "closed_at": closed_at,
            "messages": messages.into_iter().map(|(direction, content, at)| json!({
                "direction": direction, "content": content, "at": at,
            })).collect::<Vec<_>>(),
        }));
    }
    let alerts: Vec<AlertRow> = sqlx::query_as(
        "SELECT id, guild_id, author_id, subject_id, target_id, severity, categories, status, \
         outcome, flagged_at, closed_at FROM alerts \
         WHERE author_id = $1 OR subject_id = $1 OR target_id = $1 OR author_pseudonym = $2 \
         ORDER BY id",
    )
    .bind(id)
    .bind(pseudonym)
    .fetch_all(&mut **tx)
    .await?;
    let mut alert_docs = Vec::new();
    for (aid, guild, author, subject, target, severity, categories, status, outcome, at, closed) in
        alerts
    {
        let role = if author == id {
            "author"
        } else if target == Some(id) {
            "target"
        } else if subject == Some(id) {
            "subject"
        } else {
            "author"
        };
        let excerpts: Vec<(String, i64)> = sqlx::query_as(
            "SELECT excerpt, created_at FROM flags WHERE alert_id = $1 \
             AND (author_id = $2 OR (author_id IS NULL AND $3 = 1)) ORDER BY id",
        )
        .bind(aid)
        .bind(id)
        .bind(i64::from(author == id))
        .fetch_all(&mut **tx)
        .await?;
        alert_docs.push(json!({
            "id": aid,
            "guild_id": guild.map(|g| from_db(g).to_string()),
            "concerns_you_as": role,
            "severity": severity,
            "categories": categories,
            "status": status,
            "outcome": outcome,
            "flagged_at": at,
            "closed_at": closed,
            "excerpts": excerpts.into_iter().map(|(excerpt, at)| json!({
                "excerpt": excerpt, "at": at,
            })).collect::<Vec<_>>(),
        }));
    }
    let journal: Vec<Value> = super::journal::of_young(&mut **tx, pseudonym)
        .await?
        .into_iter()
        .map(|logged| {
            let e = logged.entry;
            let (subject_kind, subject_id) = e.subject.columns();
            json!({
                "guild_id": e.guild_id.map(|g| g.to_string()),
                "channel_id": e.channel_id.map(|c| c.to_string()),
                "action": e.action.as_str(),
                "subject": subject_kind,
                "subject_id": subject_id.map(|id| match id {
                    crate::domain::journal::SubjectId::Snowflake(s) => s.to_string(),
                    crate::domain::journal::SubjectId::Number(n) => n.to_string(),
                }),
                "severity": e.detail.severity,
                "categories": e.detail.categories,
                "at": e.at,
            })
        })
        .collect();
    Ok(json!({
        "user_id": user.to_string(),
        "pseudonym": pseudonym,
        "questions": question_docs,
        "alerts": alert_docs,
        "journal": journal,
    }))
}

/// What an erasure changed that Discord must be told about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// Alerts that were still open or taken, now closed as erased.
    pub closed_alerts: Vec<i64>,
    /// Posted alerts whose message must be redrawn (without the excerpts), with their version.
    pub redraw_alerts: Vec<(i64, i64)>,
    /// How many questions lost their text and asker.
    pub questions: u64,
}

/// Erases `user`'s ids and texts everywhere, inside `tx` (the caller commits: all or nothing,
/// so a crash halfway leaves everything as it was, and running it again is harmless).
pub async fn erase(tx: &mut Tx, user: u64, pseudonym: &str, now: i64) -> anyhow::Result<Erased> {
    let id = to_db(user);
    let mut erased = Erased::default();

    // Alerts concerning them: those still running are closed; all lose the person.
    let concerning: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM alerts \
         WHERE author_id = $1 OR subject_id = $1 OR target_id = $1 OR author_pseudonym = $2",
    )
    .bind(id)
    .bind(pseudonym)
    .fetch_all(&mut **tx)
    .await?;
    for (alert, status) in &concerning {
        if status != "closed" {
            sqlx::query(
                "UPDATE alerts SET status = 'closed', outcome = 'efface', closed_at = $2, \
                 closed_by = NULL, next_escalation_at = NULL WHERE id = $1",
            )
            .bind(alert)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            erased.closed_alerts.push(*alert);
        }
    }
    // Their own excerpts (a flag without an author predates the column: its alert's author).
    sqlx::query(
        "UPDATE flags SET excerpt = '', matches = '[]', author_id = NULL \
         WHERE author_id = $1 OR (author_id IS NULL AND alert_id IN \
         (SELECT id FROM alerts WHERE author_id = $1 OR author_pseudonym = $2))",
    )
    .bind(id)
    .bind(pseudonym)
    .execute(&mut **tx)
    .await?;
    // Others' words that mention them keep the words, not the mention.
    for mention in [format!("<@{user}>"), format!("<@!{user}>")] {
        sqlx::query(
            "UPDATE flags SET excerpt = REPLACE(excerpt, $1, '@…'), matches = '[]' \
             WHERE excerpt LIKE $2",
        )
        .bind(&mention)
        .bind(format!("%{mention}%"))
        .execute(&mut **tx)
        .await?;
    }
    // A pile-on note naming them as its target.
    sqlx::query("UPDATE flags SET conversation = NULL WHERE conversation LIKE $1")
        .bind(format!("%\"{pseudonym}\"%"))
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE alerts SET author_id = 0, author_pseudonym = $2, anonymous = 1, note = NULL \
         WHERE author_id = $1 OR author_pseudonym = $3",
    )
    .bind(id)
    .bind(ERASED)
    .bind(pseudonym)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE alerts SET subject_id = NULL WHERE subject_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE alerts SET target_id = NULL WHERE target_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for (alert, _) in &concerning {
        let version: Option<(i64, Option<i64>)> = sqlx::query_as(
            "UPDATE alerts SET version = version + 1 WHERE id = $1 \
             RETURNING version, alert_message_id",
        )
        .bind(alert)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((version, Some(_))) = version {
            erased.redraw_alerts.push((*alert, version));
        }
    }

    // Questions: texts, relays and asker go; a question still running is closed.
    let questions: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM questions WHERE asker_id = $1 OR asker_pseudonym = $2")
            .bind(id)
            .bind(pseudonym)
            .fetch_all(&mut **tx)
            .await?;
    for (question,) in &questions {
        sqlx::query("DELETE FROM question_messages WHERE question_id = $1")
            .bind(question)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "UPDATE questions SET asker_id = NULL, asker_pseudonym = $2, title = '', note = NULL, \
             outcome = COALESCE(outcome, 'sans_suite'), closed_at = COALESCE(closed_at, $3), \
             status = 'closed', version = version + 1 WHERE id = $1",
        )
        .bind(question)
        .bind(ERASED)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    erased.questions = questions.len() as u64;
    sqlx::query("DELETE FROM question_messages WHERE author_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM resource_drafts WHERE user_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    // The journal keeps its rows, as anonymous counts.
    super::journal::anonymise(&mut **tx, pseudonym).await?;
    Ok(erased)
}
