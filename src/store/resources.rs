//! Resources and their drafts: rows parsed once into the domain's [`Resource`] and [`Draft`].
//!
//! A save is conditional on the version the change was decided from, like alerts: two
//! promeneurs editing the same resource at once cannot both win silently.

use anyhow::Context as _;
use sqlx::{Any, Executor, FromRow};

use super::ids::{from_db, to_db};
use crate::domain::resources::{Draft, Fields, Resource, Status};

const COLUMNS: &str = "id, version, guild_id, title, link, description, themes, author_id, \
     status, channel_id, message_id, created_at, updated_at, retired_at, retired_by";

#[derive(Debug, Clone, FromRow)]
struct Row {
    id: i64,
    version: i64,
    guild_id: i64,
    title: String,
    link: String,
    description: String,
    themes: String,
    author_id: i64,
    status: String,
    channel_id: Option<i64>,
    message_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
    retired_at: Option<i64>,
    retired_by: Option<i64>,
}

impl TryFrom<Row> for Resource {
    type Error = anyhow::Error;

    fn try_from(r: Row) -> anyhow::Result<Resource> {
        let status = Status::parse(&r.status)
            .with_context(|| format!("resource {}: unknown status `{}`", r.id, r.status))?;
        Ok(Resource {
            id: r.id,
            version: r.version,
            guild_id: from_db(r.guild_id),
            title: r.title,
            link: r.link,
            description: r.description,
            themes: r
                .themes
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            author_id: from_db(r.author_id),
            status,
            channel_id: r.channel_id.map(from_db),
            message_id: r.message_id.map(from_db),
            created_at: r.created_at,
            updated_at: r.updated_at,
            retired_at: r.retired_at,
            retired_by: r.retired_by.map(from_db),
        })
    }
}

/// A resource about to be stored (its id comes from the database).
#[derive(Debug, Clone)]
pub struct NewResource<'a> {
    pub guild_id: u64,
    pub fields: &'a Fields,
    pub themes: &'a [String],
    pub author_id: u64,
    pub now: i64,
}

/// Stores a new active resource; returns its id.
pub async fn insert<'e, E>(ex: E, new: &NewResource<'_>) -> anyhow::Result<i64>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO resources (version, guild_id, title, link, description, themes, author_id, \
         status, created_at, updated_at) \
         VALUES (0, $1, $2, $3, $4, $5, $6, 'active', $7, $7) RETURNING id",
    )
    .bind(to_db(new.guild_id))
    .bind(&new.fields.title)
    .bind(&new.fields.link)
    .bind(&new.fields.description)
    .bind(new.themes.join(","))
    .bind(to_db(new.author_id))
    .bind(new.now)
    .fetch_one(ex)
    .await
    .context("inserting a resource")?;
    Ok(id)
}

/// Saves a changed resource if nobody saved it since it was read (its version is one more
/// than the stored one). False when somebody did: the caller decides again.
pub async fn save<'e, E>(ex: E, r: &Resource) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query(
        "UPDATE resources SET version = $1, title = $2, link = $3, description = $4, \
         themes = $5, status = $6, updated_at = $7, retired_at = $8, retired_by = $9 \
         WHERE id = $10 AND version = $11",
    )
    .bind(r.version)
    .bind(&r.title)
    .bind(&r.link)
    .bind(&r.description)
    .bind(r.themes.join(","))
    .bind(r.status.as_str())
    .bind(r.updated_at)
    .bind(r.retired_at)
    .bind(r.retired_by.map(to_db))
    .bind(r.id)
    .bind(r.version - 1)
    .execute(ex)
    .await
    .context("saving a resource")?;
    Ok(done.rows_affected() == 1)
}

/// Records where the resource's embed was posted.
pub async fn set_posted<'e, E>(ex: E, id: i64, channel: u64, message: u64) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("UPDATE resources SET channel_id = $1, message_id = $2 WHERE id = $3")
        .bind(to_db(channel))
        .bind(to_db(message))
        .bind(id)
        .execute(ex)
        .await
        .context("recording a posted resource")?;
    Ok(())
}

pub async fn get<'e, E>(ex: E, id: i64) -> anyhow::Result<Option<Resource>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM resources WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(ex)
    .await
    .context("loading a resource")?;
    row.map(Resource::try_from).transpose()
}

/// The guild's active resources, oldest first.
pub async fn active_of_guild<'e, E>(ex: E, guild: u64) -> anyhow::Result<Vec<Resource>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM resources WHERE guild_id = $1 AND status = 'active' ORDER BY id"
    )))
    .bind(to_db(guild))
    .fetch_all(ex)
    .await
    .context("listing resources")?;
    rows.into_iter().map(Resource::try_from).collect()
}

#[derive(Debug, Clone, FromRow)]
struct DraftRow {
    id: i64,
    guild_id: i64,
    user_id: i64,
    resource_id: Option<i64>,
    title: String,
    link: String,
    description: String,
    created_at: i64,
}

impl From<DraftRow> for Draft {
    fn from(r: DraftRow) -> Draft {
        Draft {
            id: r.id,
            guild_id: from_db(r.guild_id),
            user_id: from_db(r.user_id),
            resource_id: r.resource_id,
            fields: Fields {
                title: r.title,
                link: r.link,
                description: r.description,
            },
            created_at: r.created_at,
        }
    }
}

/// Keeps what a modal held; returns the draft's id.
pub async fn insert_draft<'e, E>(
    ex: E,
    guild: u64,
    user: u64,
    resource_id: Option<i64>,
    fields: &Fields,
    now: i64,
) -> anyhow::Result<i64>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO resource_drafts (guild_id, user_id, resource_id, title, link, description, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(to_db(guild))
    .bind(to_db(user))
    .bind(resource_id)
    .bind(&fields.title)
    .bind(&fields.link)
    .bind(&fields.description)
    .bind(now)
    .fetch_one(ex)
    .await
    .context("keeping a resource draft")?;
    Ok(id)
}

/// A draft of `user`, if it is still kept.
pub async fn draft<'e, E>(ex: E, id: i64, user: u64) -> anyhow::Result<Option<Draft>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<DraftRow> = sqlx::query_as(
        "SELECT id, guild_id, user_id, resource_id, title, link, description, created_at \
         FROM resource_drafts WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(to_db(user))
    .fetch_optional(ex)
    .await
    .context("loading a resource draft")?;
    Ok(row.map(Draft::from))
}

pub async fn delete_draft<'e, E>(ex: E, id: i64) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query("DELETE FROM resource_drafts WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await
        .context("deleting a resource draft")?;
    Ok(done.rows_affected() == 1)
}

/// Forgets the drafts created before `before`.
pub async fn purge_drafts<'e, E>(ex: E, before: i64) -> anyhow::Result<u64>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query("DELETE FROM resource_drafts WHERE created_at < $1")
        .bind(before)
        .execute(ex)
        .await
        .context("purging resource drafts")?;
    Ok(done.rows_affected())
}
