//! Guild scheduled events (the server's Events tab): create, list, get, modify, delete, with
//! Discord's own checks for external events (a location and an end time, a start in the
//! future, the end after the start, privacy level 2) and its permission (Manage Events or
//! Create Events).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Extension;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::pipeline::Payload;
use super::{no_content, ok, snowflake, ApiResult};
use crate::error::ApiError;
use crate::perms;
use crate::render;
use crate::server::Shared;
use crate::state::State as World;

const ENTITY_EXTERNAL: u64 = 3;
const PRIVACY_GUILD_ONLY: u64 = 2;
const STATUS_SCHEDULED: u64 = 1;

/// Discord's error code for an unknown scheduled event.
const UNKNOWN_EVENT: u32 = 10070;

/// One stored event.
#[derive(Debug, Clone)]
pub(crate) struct ScheduledEvent {
    pub(crate) id: u64,
    pub(crate) guild_id: u64,
    /// The event as the API shows it.
    pub(crate) body: Value,
}

fn guild_permissions(state: &World, guild_id: u64, user_id: u64) -> u64 {
    let (Some(guild), Some(member)) =
        (state.guilds.get(&guild_id), state.member(guild_id, user_id))
    else {
        return 0;
    };
    let mut permissions = guild.roles.first().map_or(0, |r| r.permissions);
    for role in guild.roles.iter().filter(|r| member.roles.contains(&r.id)) {
        permissions |= role.permissions;
    }
    if permissions & perms::ADMINISTRATOR != 0 {
        return u64::MAX;
    }
    permissions
}

fn guild_of(state: &World, guild: &str) -> Result<u64, ApiError> {
    let id = snowflake(guild)?;
    state
        .guilds
        .contains_key(&id)
        .then_some(id)
        .ok_or_else(ApiError::unknown_guild)
}

fn unknown_event() -> ApiError {
    ApiError {
        status: axum::http::StatusCode::NOT_FOUND,
        code: UNKNOWN_EVENT,
        message: "Unknown Guild Scheduled Event".into(),
    }
}

fn may_manage(state: &World, guild_id: u64) -> Result<(), ApiError> {
    let p = guild_permissions(state, guild_id, state.bot.user_id);
    if p & (perms::MANAGE_EVENTS | perms::CREATE_EVENTS) == 0 {
        return Err(ApiError::missing_permissions());
    }
    Ok(())
}

fn time_of(body: &Value, field: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| Some(t.with_timezone(&Utc)))
            .ok_or_else(|| ApiError::invalid_body(&format!("{field}: not an ISO8601 timestamp"))),
    }
}

/// Discord's rules for an external event, on the event as it would be after the request.
fn check(event: &Value, now: DateTime<Utc>, creating: bool) -> Result<(), ApiError> {
    let name = event["name"].as_str().unwrap_or_default();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid_body("name: must be 1-100 characters"));
    }
    if event["entity_type"].as_u64() != Some(ENTITY_EXTERNAL) {
        return Err(ApiError::invalid_body(
            "entity_type: only external events (3) are simulated",
        ));
    }
    if event["privacy_level"].as_u64() != Some(PRIVACY_GUILD_ONLY) {
        return Err(ApiError::invalid_body(
            "privacy_level: must be 2 (GUILD_ONLY)",
        ));
    }
    let location = event["entity_metadata"]["location"]
        .as_str()
        .unwrap_or_default();
    if location.is_empty() || location.chars().count() > 100 {
        return Err(ApiError::invalid_body(
            "entity_metadata.location: required for external events, 1-100 characters",
        ));
    }
    let start = time_of(event, "scheduled_start_time")?
        .ok_or_else(|| ApiError::invalid_body("scheduled_start_time: required"))?;
    let end = time_of(event, "scheduled_end_time")?.ok_or_else(|| {
        ApiError::invalid_body("scheduled_end_time: required for external events")
    })?;
    if creating && start <= now {
        return Err(ApiError::invalid_body(
            "scheduled_start_time: cannot schedule an event in the past",
        ));
    }
    if end <= start {
        return Err(ApiError::invalid_body(
            "scheduled_end_time: must be after the start time",
        ));
    }
    Ok(())
}

pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Path(guild): Path<String>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    shared.mutate(|state| {
        let guild_id = guild_of(state, &guild)?;
        may_manage(state, guild_id)?;
        let body = &payload.json;
        let metadata = json!({ "location": body["entity_metadata"]["location"] });
        let id = state.ids.next();
        let creator = state.bot.user_id;
        let event = json!({
            "id": render::id(id),
            "guild_id": render::id(guild_id),
            "channel_id": null,
            "creator_id": render::id(creator),
            "creator": state.users.get(&creator).map(render::user),
            "name": body["name"],
            "description": body.get("description").cloned().unwrap_or(Value::Null),
            "image": null,
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time").cloned().unwrap_or(Value::Null),
            "status": STATUS_SCHEDULED,
            "entity_type": body["entity_type"],
            "entity_id": null,
            "entity_metadata": metadata,
            "privacy_level": body["privacy_level"],
            "user_count": 0,
            "recurrence_rule": null,
        });
        check(&event, Utc::now(), true)?;
        state.scheduled_events.insert(
            id,
            ScheduledEvent {
                id,
                guild_id,
                body: event.clone(),
            },
        );
        ok(event)
    })
}

pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Path(guild): Path<String>,
) -> ApiResult {
    let state = shared.state.lock();
    let guild_id = guild_of(&state, &guild)?;
    ok(state
        .scheduled_events
        .values()
        .filter(|e| e.guild_id == guild_id)
        .map(|e| e.body.clone())
        .collect())
}

fn find<'a>(state: &'a World, guild: &str, event: &str) -> Result<&'a ScheduledEvent, ApiError> {
    let guild_id = guild_of(state, guild)?;
    let event_id = snowflake(event)?;
    state
        .scheduled_events
        .get(&event_id)
        .filter(|e| e.guild_id == guild_id)
        .ok_or_else(unknown_event)
}

pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    Path((guild, event)): Path<(String, String)>,
) -> ApiResult {
    let state = shared.state.lock();
    ok(find(&state, &guild, &event)?.body.clone())
}

pub(crate) async fn modify(
    State(shared): State<Arc<Shared>>,
    Path((guild, event)): Path<(String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    shared.mutate(|state| {
        let found = find(state, &guild, &event)?.clone();
        may_manage(state, found.guild_id)?;
        let mut body = found.body.clone();
        if let Some(changes) = payload.json.as_object() {
            for (key, value) in changes {
                if matches!(
                    key.as_str(),
                    "name"
                        | "description"
                        | "scheduled_start_time"
                        | "scheduled_end_time"
                        | "entity_metadata"
                        | "privacy_level"
                        | "status"
                ) {
                    body[key] = value.clone();
                }
            }
        }
        check(&body, Utc::now(), false)?;
        if let Some(stored) = state.scheduled_events.get_mut(&found.id) {
            stored.body = body.clone();
        }
        ok(body)
    })
}

pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Path((guild, event)): Path<(String, String)>,
) -> ApiResult {
    shared.mutate(|state| {
        let found = find(state, &guild, &event)?.clone();
        may_manage(state, found.guild_id)?;
        state.scheduled_events.remove(&found.id);
        no_content()
    })
}
