//! Flags: one row per flagged message, parsed into the domain's [`Flag`].

use anyhow::Context as _;
use sqlx::{Any, Executor, FromRow};

use super::ids::{from_db, to_db};
use crate::domain::alerts::{join_categories, parse_categories, Flag, Span};

const FLAG_COLUMNS: &str =
    "alert_id, message_id, author_id, channel_id, severity, categories, excerpt, matches, updated_at, \
     conversation";

#[derive(Debug, Clone, FromRow)]
struct FlagRow {
    alert_id: i64,
    message_id: i64,
    author_id: Option<i64>,
    channel_id: i64,
    severity: String,
    categories: String,
    excerpt: String,
    matches: String,
    updated_at: i64,
    conversation: Option<String>,
}

impl TryFrom<FlagRow> for Flag {
    type Error = anyhow::Error;

    fn try_from(r: FlagRow) -> anyhow::Result<Flag> {
        let message = from_db(r.message_id);
        let parsed = || -> anyhow::Result<Flag> {
            let spans: Vec<(usize, usize, String)> = serde_json::from_str(&r.matches)?;
            Ok(Flag {
                alert_id: r.alert_id,
                message_id: message,
                // Flags stored before authors were kept belong to their alert's author; the
                // renderer falls back to it for 0.
                author_id: r.author_id.map(from_db).unwrap_or_default(),
                channel_id: from_db(r.channel_id),
                severity: r.severity.parse()?,
                categories: parse_categories(&r.categories).map_err(anyhow::Error::msg)?,
                excerpt: r.excerpt,
                spans: spans
                    .into_iter()
                    .map(|(start, end, rule)| Span { start, end, rule })
                    .collect(),
                at: r.updated_at,
                conversation: r
                    .conversation
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()?,
            })
        };
        parsed().with_context(|| format!("the flag of message {message} does not parse"))
    }
}

/// The stored form of the spans: `[[start, end, rule], ...]`.
fn spans_json(flag: &Flag) -> String {
    let spans: Vec<(usize, usize, &str)> = flag
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.rule.as_str()))
        .collect();
    serde_json::to_string(&spans).unwrap_or_else(|_| "[]".into())
}

/// The stored form of a pile-on note (NULL for a flag raised by its own words).
fn conversation_json(flag: &Flag) -> Option<String> {
    flag.conversation
        .as_ref()
        .and_then(|n| serde_json::to_string(n).ok())
}

/// Stores a flag; false when this message was already flagged (a replayed event).
pub async fn insert<'e, E>(ex: E, f: &Flag) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO flags (alert_id, message_id, channel_id, severity, categories, excerpt, matches, created_at, updated_at, author_id, conversation) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) ON CONFLICT (message_id) DO NOTHING RETURNING id",
    )
    .bind(f.alert_id)
    .bind(to_db(f.message_id))
    .bind(to_db(f.channel_id))
    .bind(f.severity.as_str())
    .bind(join_categories(&f.categories))
    .bind(&f.excerpt)
    .bind(spans_json(f))
    .bind(f.at)
    .bind(to_db(f.author_id))
    .bind(conversation_json(f))
    .fetch_optional(ex)
    .await?;
    Ok(id.is_some())
}

/// Replaces the flag of `f.message_id` after an edit, in the alert `f.alert_id` (which an edit
/// may change: a graver edit of a closed alert's message opens a new alert).
pub async fn update<'e, E>(ex: E, f: &Flag) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE flags SET alert_id = $1, severity = $2, categories = $3, excerpt = $4, matches = $5, \
           updated_at = $6, conversation = COALESCE($8, conversation) WHERE message_id = $7",
    )
    .bind(f.alert_id)
    .bind(f.severity.as_str())
    .bind(join_categories(&f.categories))
    .bind(&f.excerpt)
    .bind(spans_json(f))
    .bind(f.at)
    .bind(to_db(f.message_id))
    .bind(conversation_json(f))
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_message<'e, E>(ex: E, message_id: u64) -> anyhow::Result<Option<Flag>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT {FLAG_COLUMNS} FROM flags WHERE message_id = $1");
    sqlx::query_as::<_, FlagRow>(sqlx::AssertSqlSafe(sql))
        .bind(to_db(message_id))
        .fetch_optional(ex)
        .await?
        .map(Flag::try_from)
        .transpose()
}

/// The flags of an alert, oldest message first.
pub async fn of_alert<'e, E>(ex: E, alert_id: i64) -> anyhow::Result<Vec<Flag>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT {FLAG_COLUMNS} FROM flags WHERE alert_id = $1 ORDER BY message_id");
    sqlx::query_as::<_, FlagRow>(sqlx::AssertSqlSafe(sql))
        .bind(alert_id)
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(Flag::try_from)
        .collect()
}
