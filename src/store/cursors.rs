//! The last message id seen per watched channel, so the bot can catch up with
//! `GET /channels/{id}/messages?after=` when the gateway starts a new session instead of resuming.

use sqlx::{Any, Executor};

use super::ids::{from_db, to_db};

/// Moves the channel's cursor forward to `message_id` (never backwards).
pub async fn advance<'e, E>(
    ex: E,
    channel_id: u64,
    guild_id: Option<u64>,
    message_id: u64,
    now: i64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO channel_cursors (channel_id, guild_id, last_message_id, updated_at) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (channel_id) DO UPDATE SET \
           last_message_id = CASE WHEN excluded.last_message_id > channel_cursors.last_message_id \
                                  THEN excluded.last_message_id ELSE channel_cursors.last_message_id END, \
           updated_at = excluded.updated_at",
    )
    .bind(to_db(channel_id))
    .bind(guild_id.map(to_db))
    .bind(to_db(message_id))
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// A channel's cursor. Messages read over REST carry no guild id, so the cursor keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub last_message_id: u64,
}

/// Every channel's cursor.
pub async fn all<'e, E>(ex: E) -> anyhow::Result<Vec<Cursor>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT channel_id, guild_id, last_message_id FROM channel_cursors ORDER BY channel_id",
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(c, g, m)| Cursor {
            channel_id: from_db(c),
            guild_id: g.map(from_db),
            last_message_id: from_db(m),
        })
        .collect())
}

/// The cursor of one channel.
pub async fn get<'e, E>(ex: E, channel_id: u64) -> anyhow::Result<Option<u64>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT last_message_id FROM channel_cursors WHERE channel_id = $1")
            .bind(to_db(channel_id))
            .fetch_optional(ex)
            .await?;
    Ok(row.map(|(m,)| from_db(m)))
}
