//! Permanences: weekly slots, their one-day exceptions, and the Discord scheduled events
//! created for their occurrences. Rows are parsed once into the domain's types; a bad row fails
//! loudly.

use anyhow::{anyhow, Context as _};
use chrono::{NaiveDate, Weekday};
use sqlx::{Any, Executor, FromRow};

use super::ids::{from_db, to_db};
use crate::domain::permanences::{Exception, ExceptionKind, Minute, Slot, SlotHours};

/// A `permanences` row as stored.
#[derive(Debug, FromRow)]
struct SlotRow {
    id: i64,
    guild_id: i64,
    promeneur_id: i64,
    promeneur_name: String,
    weekday: i64,
    start_minute: i64,
    end_minute: i64,
    location: Option<String>,
    retired_at: Option<i64>,
}

/// A `permanence_exceptions` row as stored.
#[derive(Debug, FromRow)]
struct ExceptionRow {
    slot_id: i64,
    date: String,
    kind: String,
    start_minute: Option<i64>,
    end_minute: Option<i64>,
}

fn minute(value: i64) -> anyhow::Result<Minute> {
    u16::try_from(value)
        .ok()
        .and_then(Minute::new)
        .ok_or_else(|| anyhow!("stored minute {value} out of range"))
}

fn weekday(value: i64) -> anyhow::Result<Weekday> {
    u8::try_from(value)
        .ok()
        .and_then(|d| Weekday::try_from(d).ok())
        .ok_or_else(|| anyhow!("stored weekday {value} out of range"))
}

fn slot_of(row: SlotRow) -> anyhow::Result<Slot> {
    let id = row.id;
    Ok(Slot {
        id,
        guild_id: from_db(row.guild_id),
        promeneur_id: from_db(row.promeneur_id),
        promeneur_name: row.promeneur_name,
        weekday: weekday(row.weekday).with_context(|| format!("permanence {id}"))?,
        start: minute(row.start_minute).with_context(|| format!("permanence {id}"))?,
        end: minute(row.end_minute).with_context(|| format!("permanence {id}"))?,
        location: row.location,
    })
}

/// Saves a new slot; returns its id.
pub async fn insert<'e, E>(
    ex: E,
    guild_id: u64,
    promeneur_id: u64,
    promeneur_name: &str,
    hours: &SlotHours,
    created_by: u64,
    now: i64,
) -> anyhow::Result<i64>
where
    E: Executor<'e, Database = Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO permanences (guild_id, promeneur_id, promeneur_name, weekday, start_minute, \
           end_minute, location, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(to_db(guild_id))
    .bind(to_db(promeneur_id))
    .bind(promeneur_name)
    .bind(i64::from(hours.weekday.num_days_from_monday()))
    .bind(i64::from(hours.start.get()))
    .bind(i64::from(hours.end.get()))
    .bind(hours.location.as_deref())
    .bind(to_db(created_by))
    .bind(now)
    .fetch_one(ex)
    .await?;
    Ok(id)
}

/// The guild's slots that are not retired, by weekday and start.
pub async fn active_of_guild<'e, E>(ex: E, guild_id: u64) -> anyhow::Result<Vec<Slot>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<SlotRow> = sqlx::query_as(
        "SELECT id, guild_id, promeneur_id, promeneur_name, weekday, start_minute, end_minute, \
           location, retired_at FROM permanences WHERE guild_id = $1 AND retired_at IS NULL \
         ORDER BY weekday, start_minute, id",
    )
    .bind(to_db(guild_id))
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(slot_of).collect()
}

/// One slot (retired or not) and whether it is retired.
pub async fn get<'e, E>(ex: E, id: i64) -> anyhow::Result<Option<(Slot, bool)>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<SlotRow> = sqlx::query_as(
        "SELECT id, guild_id, promeneur_id, promeneur_name, weekday, start_minute, \
               end_minute, location, retired_at FROM permanences WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(ex)
    .await?;
    row.map(|row| {
        let retired = row.retired_at.is_some();
        Ok((slot_of(row)?, retired))
    })
    .transpose()
}

/// Retires a slot of the guild; `false` when there is no such active slot.
pub async fn retire<'e, E>(ex: E, guild_id: u64, id: i64, now: i64) -> anyhow::Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query(
        "UPDATE permanences SET retired_at = $1 \
         WHERE id = $2 AND guild_id = $3 AND retired_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(to_db(guild_id))
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The exceptions of the guild's active slots on or after `from`.
pub async fn exceptions_of_guild<'e, E>(
    ex: E,
    guild_id: u64,
    from: NaiveDate,
) -> anyhow::Result<Vec<Exception>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<ExceptionRow> = sqlx::query_as(
        "SELECT e.slot_id, e.date, e.kind, e.start_minute, e.end_minute \
         FROM permanence_exceptions e JOIN permanences p ON p.id = e.slot_id \
         WHERE p.guild_id = $1 AND p.retired_at IS NULL AND e.date >= $2 \
         ORDER BY e.date, e.slot_id",
    )
    .bind(to_db(guild_id))
    .bind(from.to_string())
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(exception_of).collect()
}

fn exception_of(row: ExceptionRow) -> anyhow::Result<Exception> {
    let ExceptionRow {
        slot_id,
        date,
        kind,
        start_minute: start,
        end_minute: end,
    } = row;
    let date = date
        .parse::<NaiveDate>()
        .with_context(|| format!("exception of permanence {slot_id}: date `{date}`"))?;
    let kind = match (kind.as_str(), start, end) {
        ("cancelled", _, _) => ExceptionKind::Cancelled,
        ("moved", Some(s), Some(e)) => ExceptionKind::Moved {
            start: minute(s)?,
            end: minute(e)?,
        },
        _ => anyhow::bail!("exception of permanence {slot_id}: bad kind `{kind}`"),
    };
    Ok(Exception {
        slot_id,
        date,
        kind,
    })
}

/// Saves an exception, replacing any earlier one for the same slot and date.
pub async fn put_exception<'e, E>(
    ex: E,
    exception: &Exception,
    created_by: u64,
    now: i64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    let (kind, start, end) = match exception.kind {
        ExceptionKind::Cancelled => ("cancelled", None, None),
        ExceptionKind::Moved { start, end } => (
            "moved",
            Some(i64::from(start.get())),
            Some(i64::from(end.get())),
        ),
    };
    sqlx::query(
        "INSERT INTO permanence_exceptions (slot_id, date, kind, start_minute, end_minute, \
           created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (slot_id, date) DO UPDATE SET kind = excluded.kind, \
           start_minute = excluded.start_minute, end_minute = excluded.end_minute, \
           created_by = excluded.created_by, created_at = excluded.created_at",
    )
    .bind(exception.slot_id)
    .bind(exception.date.to_string())
    .bind(kind)
    .bind(start)
    .bind(end)
    .bind(to_db(created_by))
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records the Discord event created for the occurrence of `slot_id` starting at `start_ms`.
pub async fn record_event<'e, E>(
    ex: E,
    slot_id: i64,
    start_ms: i64,
    event_id: u64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO permanence_events (slot_id, start_ms, event_id) VALUES ($1, $2, $3) \
         ON CONFLICT (slot_id, start_ms) DO NOTHING",
    )
    .bind(slot_id)
    .bind(start_ms)
    .bind(to_db(event_id))
    .execute(ex)
    .await?;
    Ok(())
}

/// The event created for an occurrence, if any, and whether it was deleted since.
pub async fn event_of<'e, E>(
    ex: E,
    slot_id: i64,
    start_ms: i64,
) -> anyhow::Result<Option<(u64, bool)>>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT event_id, deleted_at FROM permanence_events WHERE slot_id = $1 AND start_ms = $2",
    )
    .bind(slot_id)
    .bind(start_ms)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|(id, deleted)| (from_db(id), deleted.is_some())))
}

/// Marks an occurrence's event deleted on Discord.
pub async fn mark_event_deleted<'e, E>(
    ex: E,
    slot_id: i64,
    start_ms: i64,
    now: i64,
) -> anyhow::Result<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE permanence_events SET deleted_at = $1 WHERE slot_id = $2 AND start_ms = $3",
    )
    .bind(now)
    .bind(slot_id)
    .bind(start_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// The events of a slot not deleted that start after `now`: (start, event id).
pub async fn future_events_of_slot<'e, E>(
    ex: E,
    slot_id: i64,
    now: i64,
) -> anyhow::Result<Vec<(i64, u64)>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT start_ms, event_id FROM permanence_events \
         WHERE slot_id = $1 AND start_ms > $2 AND deleted_at IS NULL ORDER BY start_ms",
    )
    .bind(slot_id)
    .bind(now)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|(s, e)| (s, from_db(e))).collect())
}

/// A slot as it stood over a period: when it was added and, if so, retired (unix ms).
#[derive(Debug, Clone)]
pub struct SlotLife {
    pub slot: Slot,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// The guild's slots that existed at some point of `[from_ms, to_ms)`, retired ones included
/// (the digest counts the permanences of past weeks).
pub async fn of_guild_during<'e, E>(
    ex: E,
    guild_id: u64,
    from_ms: i64,
    to_ms: i64,
) -> anyhow::Result<Vec<SlotLife>>
where
    E: Executor<'e, Database = Any>,
{
    #[derive(FromRow)]
    struct LifeRow {
        #[sqlx(flatten)]
        row: SlotRow,
        created_at: i64,
    }
    let rows: Vec<LifeRow> = sqlx::query_as(
        "SELECT id, guild_id, promeneur_id, promeneur_name, weekday, start_minute, end_minute, \
           location, retired_at, created_at FROM permanences \
         WHERE guild_id = $1 AND created_at < $2 AND (retired_at IS NULL OR retired_at > $3) \
         ORDER BY weekday, start_minute, id",
    )
    .bind(to_db(guild_id))
    .bind(to_ms)
    .bind(from_ms)
    .fetch_all(ex)
    .await?;
    rows.into_iter()
        .map(|r| {
            let retired_at = r.row.retired_at;
            Ok(SlotLife {
                slot: slot_of(r.row)?,
                created_at: r.created_at,
                retired_at,
            })
        })
        .collect()
}

/// The exceptions of the guild's slots (retired ones included) on the local dates
/// `from..=to`.
pub async fn exceptions_between<'e, E>(
    ex: E,
    guild_id: u64,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Vec<Exception>>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<ExceptionRow> = sqlx::query_as(
        "SELECT e.slot_id, e.date, e.kind, e.start_minute, e.end_minute \
         FROM permanence_exceptions e JOIN permanences p ON p.id = e.slot_id \
         WHERE p.guild_id = $1 AND e.date >= $2 AND e.date <= $3 ORDER BY e.date, e.slot_id",
    )
    .bind(to_db(guild_id))
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(exception_of).collect()
}
