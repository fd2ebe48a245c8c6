//! Carrying out the permanences' effects: the announcement in the question channels when a
//! slot starts, and the Discord scheduled events of the Events tab (created a week ahead,
//! deleted when an occurrence is cancelled, moved or retired).

use chrono::{DateTime, SecondsFormat};
use serde_json::json;
use tracing::info;

use crate::bot::Bot;
use crate::flows::permanences as flow;
use crate::prompts;
use crate::store::{now_ms, permanences as store};

use super::execute::{db_failure, Failure};
use super::render;
use super::rest::{Rest, RestError};

/// Discord's answer when the event was already deleted (by a moderator, say).
const UNKNOWN_SCHEDULED_EVENT: i64 = 10070;

fn iso(at_ms: i64) -> String {
    DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Posts the announcement in each question channel, while the occurrence still runs.
pub(super) async fn announce(
    bot: &Bot,
    rest: &Rest,
    slot_id: i64,
    start_ms: i64,
) -> Result<(), Failure> {
    let Some((occurrence, slot)) = flow::live_occurrence(bot, slot_id, start_ms)
        .await
        .map_err(db_failure)?
    else {
        return Ok(()); // retired or cancelled meanwhile
    };
    if occurrence.end_ms <= now_ms() {
        return Ok(()); // over before it could be announced: nothing to say any more
    }
    let Some(gc) = bot.config.guild(slot.guild_id) else {
        return Err(Failure::Permanent(
            "permanence of an unconfigured guild".into(),
        ));
    };
    let text = prompts::permanence_announcement(
        gc.language,
        slot.promeneur_id,
        occurrence.end_ms,
        slot.location.as_deref(),
        gc.tz,
    );
    for channel in &gc.question_channels {
        let msg = render::announcement_message(text.clone(), slot_id, start_ms, channel.0);
        rest.create_message(channel.0, &msg).await?;
    }
    info!(slot_id, "permanence announced");
    Ok(())
}

/// Creates the occurrence's scheduled event (external, with its place and end), once.
pub(super) async fn create_event(
    bot: &Bot,
    rest: &Rest,
    slot_id: i64,
    start_ms: i64,
) -> Result<(), Failure> {
    if store::event_of(bot.db.pool(), slot_id, start_ms)
        .await
        .map_err(db_failure)?
        .is_some()
    {
        return Ok(());
    }
    let Some((occurrence, slot)) = flow::live_occurrence(bot, slot_id, start_ms)
        .await
        .map_err(db_failure)?
    else {
        return Ok(());
    };
    if occurrence.start_ms <= now_ms() {
        return Ok(()); // Discord refuses events that start in the past
    }
    let Some(gc) = bot.config.guild(slot.guild_id) else {
        return Err(Failure::Permanent(
            "permanence of an unconfigured guild".into(),
        ));
    };
    let lang = gc.language;
    let location = slot
        .location
        .clone()
        .unwrap_or_else(|| prompts::permanence_event_location(lang));
    let name = prompts::text::truncate_chars(
        &prompts::permanence_event_name(lang, &slot.promeneur_name),
        100,
    );
    let body = json!({
        "name": name,
        "description": prompts::permanence_event_description(lang),
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": iso(occurrence.start_ms),
        "scheduled_end_time": iso(occurrence.end_ms),
        "entity_metadata": { "location": prompts::text::truncate_chars(&location, 100) },
    });
    let id = rest.create_scheduled_event(gc.id.0, &body).await?;
    store::record_event(bot.db.pool(), slot_id, start_ms, id)
        .await
        .map_err(db_failure)?;
    info!(slot_id, event_id = id, "permanence event created");
    Ok(())
}

/// Deletes the occurrence's scheduled event if one was created.
pub(super) async fn delete_event(
    bot: &Bot,
    rest: &Rest,
    slot_id: i64,
    start_ms: i64,
) -> Result<(), Failure> {
    let Some((event_id, deleted)) = store::event_of(bot.db.pool(), slot_id, start_ms)
        .await
        .map_err(db_failure)?
    else {
        return Ok(()); // never created: a pending creation finds the occurrence gone
    };
    if deleted {
        return Ok(());
    }
    let Some((slot, _)) = store::get(bot.db.pool(), slot_id)
        .await
        .map_err(db_failure)?
    else {
        return Ok(());
    };
    match rest.delete_scheduled_event(slot.guild_id, event_id).await {
        Ok(()) => {}
        Err(RestError::Refused { code, .. }) if code == UNKNOWN_SCHEDULED_EVENT => {}
        Err(e) => return Err(e.into()),
    }
    store::mark_event_deleted(bot.db.pool(), slot_id, start_ms, now_ms())
        .await
        .map_err(db_failure)?;
    info!(slot_id, event_id, "permanence event deleted");
    Ok(())
}
