//! The gateway URL, the bot user, the application, and application commands (global and guild:
//! bulk overwrite, create, get, edit, delete).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Extension;
use serde_json::{json, Value};

use super::pipeline::Payload;
use super::{no_content, ok, snowflake, ApiResult};
use crate::error::ApiError;
use crate::render;
use crate::server::Shared;
use crate::state::{Command, State as World};

pub(crate) async fn gateway(State(shared): State<Arc<Shared>>) -> ApiResult {
    ok(json!({"url": shared.gateway_url()}))
}

pub(crate) async fn gateway_bot(State(shared): State<Arc<Shared>>) -> ApiResult {
    let shards = shared.state.lock().hub.recommended_shards.max(1);
    ok(json!({
        "url": shared.gateway_url(),
        "shards": shards,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
    }))
}

pub(crate) async fn current_user(State(shared): State<Arc<Shared>>) -> ApiResult {
    ok(crate::gateway::current_user(&shared.state.lock()))
}

pub(crate) async fn user(
    State(shared): State<Arc<Shared>>,
    Path(user_id): Path<String>,
) -> ApiResult {
    let user_id = snowflake(&user_id)?;
    let state = shared.state.lock();
    let user = state
        .users
        .get(&user_id)
        .ok_or_else(ApiError::unknown_user)?;
    ok(render::user(user))
}

pub(crate) async fn application(State(shared): State<Arc<Shared>>) -> ApiResult {
    ok(render::application(&shared.state.lock()))
}

fn check_app(state: &World, application_id: &str) -> Result<(), ApiError> {
    if snowflake(application_id)? == state.bot.application_id {
        Ok(())
    } else {
        Err(ApiError::missing_access())
    }
}

fn check_guild(state: &World, guild_id: &str) -> Result<u64, ApiError> {
    let guild_id = snowflake(guild_id)?;
    state
        .guilds
        .contains_key(&guild_id)
        .then_some(guild_id)
        .ok_or_else(ApiError::missing_access)
}

fn list(state: &World, guild_id: Option<u64>) -> Value {
    state
        .commands
        .values()
        .filter(|c| c.guild_id == guild_id)
        .map(|c| c.body.clone())
        .collect()
}

/// Stores one command definition (replacing the one with the same name) and returns it.
fn upsert(state: &mut World, guild_id: Option<u64>, definition: &Value) -> Result<Value, ApiError> {
    let name = definition
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid_body("command without a name"))?
        .to_string();
    let kind = definition.get("type").and_then(Value::as_u64).unwrap_or(1);
    let existing = state
        .commands
        .values()
        .find(|c| c.guild_id == guild_id && c.name == name && c.body["type"] == kind)
        .map(|c| c.id);
    let id = existing.unwrap_or_else(|| state.ids.next());
    let version = state.ids.next();
    let mut body = definition.clone();
    body["id"] = render::id(id);
    body["application_id"] = render::id(state.bot.application_id);
    body["version"] = render::id(version);
    body["type"] = json!(kind);
    for (key, default) in [
        ("description", json!("")),
        ("options", json!([])),
        ("nsfw", json!(false)),
        ("default_member_permissions", Value::Null),
    ] {
        if body.get(key).is_none() {
            body[key] = default;
        }
    }
    if let Some(guild_id) = guild_id {
        body["guild_id"] = render::id(guild_id);
    }
    state.commands.insert(
        id,
        Command {
            id,
            guild_id,
            name,
            body: body.clone(),
        },
    );
    Ok(body)
}

fn overwrite(state: &mut World, guild_id: Option<u64>, payload: &Payload) -> ApiResult {
    let definitions = payload
        .json
        .as_array()
        .cloned()
        .ok_or_else(|| ApiError::invalid_body("expected an array of commands"))?;
    let mut kept = Vec::new();
    for definition in &definitions {
        let stored = upsert(state, guild_id, definition)?;
        kept.push(stored);
    }
    let kept_ids: Vec<Value> = kept.iter().map(|c| c["id"].clone()).collect();
    state
        .commands
        .retain(|id, c| c.guild_id != guild_id || kept_ids.contains(&render::id(*id)));
    ok(Value::Array(kept))
}

fn find(state: &World, guild_id: Option<u64>, command_id: &str) -> Result<u64, ApiError> {
    let command_id = snowflake(command_id)?;
    state
        .commands
        .get(&command_id)
        .filter(|c| c.guild_id == guild_id)
        .map(|c| c.id)
        .ok_or_else(ApiError::unknown_command)
}

fn patch(
    state: &mut World,
    guild_id: Option<u64>,
    command_id: &str,
    payload: &Payload,
) -> ApiResult {
    let id = find(state, guild_id, command_id)?;
    let mut definition = state.commands[&id].body.clone();
    if let (Some(target), Some(changes)) = (definition.as_object_mut(), payload.json.as_object()) {
        for (key, value) in changes {
            target.insert(key.clone(), value.clone());
        }
    }
    ok(upsert(state, guild_id, &definition)?)
}

pub(crate) async fn list_global_commands(
    State(shared): State<Arc<Shared>>,
    Path(app): Path<String>,
) -> ApiResult {
    let state = shared.state.lock();
    check_app(&state, &app)?;
    ok(list(&state, None))
}

pub(crate) async fn put_global_commands(
    State(shared): State<Arc<Shared>>,
    Path(app): Path<String>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    shared.mutate(|state| {
        check_app(state, &app)?;
        overwrite(state, None, &payload)
    })
}

pub(crate) async fn post_global_command(
    State(shared): State<Arc<Shared>>,
    Path(app): Path<String>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    shared.mutate(|state| {
        check_app(state, &app)?;
        ok(upsert(state, None, &payload.json)?)
    })
}

pub(crate) async fn get_global_command(
    State(shared): State<Arc<Shared>>,
    Path((app, command)): Path<(String, String)>,
) -> ApiResult {
    let state = shared.state.lock();
    check_app(&state, &app)?;
    let id = find(&state, None, &command)?;
    ok(state.commands[&id].body.clone())
}

pub(crate) async fn patch_global_command(
    State(shared): State<Arc<Shared>>,
    Path((app, command)): Path<(String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    shared.mutate(|state| {
        check_app(state, &app)?;
        patch(state, None, &command, &payload)
    })
}

pub(crate) async fn delete_global_command(
    State(shared): State<Arc<Shared>>,
    Path((app, command)): Path<(String, String)>,
) -> ApiResult {
    shared.mutate(|state| {
        check_app(state, &app)?;
        let id = find(state, None, &command)?;
        state.commands.remove(&id);
        no_content()
    })
}

pub(crate) async fn list_guild_commands(
    State(shared): State<Arc<Shared>>,
    Path((app, guild)): Path<(String, String)>,
) -> ApiResult {
    let state = shared.state.lock();
    check_app(&state, &app)?;
    let guild_id = check_guild(&state, &guild)?;
    ok(list(&state, Some(guild_id)))
}

pub(crate) async fn put_guild_commands(
    State(shared): State<Arc<Shared>>,
    Path((app, guild)): Path<(String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    shared.mutate(|state| {
        check_app(state, &app)?;
        let guild_id = check_guild(state, &guild)?;
        overwrite(state, Some(guild_id), &payload)
    })
}

pub(crate) async fn post_guild_command(
    State(shared): State<Arc<Shared>>,
    Path((app, guild)): Path<(String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    shared.mutate(|state| {
        check_app(state, &app)?;
        let guild_id = check_guild(state, &guild)?;
        ok(upsert(state, Some(guild_id), &payload.json)?)
    })
}

pub(crate) async fn get_guild_command(
    State(shared): State<Arc<Shared>>,
    Path((app, guild, command)): Path<(String, String, String)>,
) -> ApiResult {
    let state = shared.state.lock();
    check_app(&state, &app)?;
    let guild_id = check_guild(&state, &guild)?;
    let id = find(&state, Some(guild_id), &command)?;
    ok(state.commands[&id].body.clone())
}

pub(crate) async fn patch_guild_command(
    State(shared): State<Arc<Shared>>,
    Path((app, guild, command)): Path<(String, String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    shared.mutate(|state| {
        check_app(state, &app)?;
        let guild_id = check_guild(state, &guild)?;
        patch(state, Some(guild_id), &command, &payload)
    })
}

pub(crate) async fn delete_guild_command(
    State(shared): State<Arc<Shared>>,
    Path((app, guild, command)): Path<(String, String, String)>,
) -> ApiResult {
    shared.mutate(|state| {
        check_app(state, &app)?;
        let guild_id = check_guild(state, &guild)?;
        let id = find(state, Some(guild_id), &command)?;
        state.commands.remove(&id);
        no_content()
    })
}
