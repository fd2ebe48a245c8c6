//! Threads (from a message, standalone public or private), thread members, active threads, and
//! DM channels (POST /users/@me/channels).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Extension;
use serde_json::{json, Value};

use super::messages::readable;
use super::pipeline::Payload;
use super::{created, no_content, ok, snowflake, ApiResult};
use crate::error::ApiError;
use crate::ids::parse_id;
use crate::perms;
use crate::render;
use crate::server::Shared;
use crate::state::{State as World, CHANNEL_PRIVATE_THREAD};

fn thread_name(payload: &Payload) -> Result<String, ApiError> {
    payload
        .json
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty() && n.chars().count() <= 100)
        .map(str::to_string)
        .ok_or_else(|| ApiError::invalid_body("name: must be 1-100 characters"))
}

fn require(state: &World, channel_id: u64, permission: u64) -> Result<(), ApiError> {
    readable(state, channel_id)?;
    if state.permissions_in(channel_id, state.bot.user_id) & permission == 0 {
        return Err(ApiError::missing_permissions());
    }
    Ok(())
}

pub(crate) async fn from_message(
    State(shared): State<Arc<Shared>>,
    Path((channel, message)): Path<(String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    let message_id = snowflake(&message)?;
    let name = thread_name(&payload)?;
    shared.mutate(|state| {
        require(state, channel_id, perms::CREATE_PUBLIC_THREADS)?;
        let message = state
            .messages
            .get(&message_id)
            .filter(|m| m.channel_id == channel_id)
            .ok_or_else(ApiError::unknown_message)?;
        if message.thread_id.is_some() {
            return Err(ApiError {
                status: axum::http::StatusCode::BAD_REQUEST,
                code: 160004,
                message: "A thread has already been created for this message".into(),
            });
        }
        let bot_id = state.bot.user_id;
        let id = state
            .create_thread(channel_id, Some(message_id), &name, false, bot_id)
            .ok_or_else(ApiError::unknown_channel)?;
        state.feed_message(message_id, crate::feed::PostKind::Edited);
        created(state.channel_json(id))
    })
}

pub(crate) async fn standalone(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    let name = thread_name(&payload)?;
    // Without a type Discord makes a private thread (type 12).
    let kind = payload
        .json
        .get("type")
        .and_then(Value::as_u64)
        .unwrap_or(12);
    let private = kind == u64::from(CHANNEL_PRIVATE_THREAD);
    let invitable = payload
        .json
        .get("invitable")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    shared.mutate(|state| {
        let needed = if private {
            perms::CREATE_PRIVATE_THREADS
        } else {
            perms::CREATE_PUBLIC_THREADS
        };
        require(state, channel_id, needed)?;
        let bot_id = state.bot.user_id;
        let id = state
            .create_thread(channel_id, None, &name, private, bot_id)
            .ok_or_else(ApiError::unknown_channel)?;
        if let Some(thread) = state.channels.get_mut(&id) {
            thread.invitable = invitable && private;
        }
        created(state.channel_json(id))
    })
}

fn thread_member_json(thread_id: u64, user_id: u64, joined: &str) -> Value {
    json!({"id": render::id(thread_id), "user_id": render::id(user_id), "join_timestamp": joined, "flags": 0})
}

fn thread(state: &World, channel: &str) -> Result<u64, ApiError> {
    let id = snowflake(channel)?;
    readable(state, id)?;
    state
        .channels
        .get(&id)
        .filter(|c| c.is_thread())
        .map(|c| c.id)
        .ok_or_else(ApiError::unknown_channel)
}

pub(crate) async fn list_members(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
) -> ApiResult {
    let state = shared.state.lock();
    let id = thread(&state, &channel)?;
    ok(state.channels[&id]
        .thread_members
        .iter()
        .map(|(user, joined)| thread_member_json(id, *user, joined))
        .collect())
}

pub(crate) async fn get_member(
    State(shared): State<Arc<Shared>>,
    Path((channel, user)): Path<(String, String)>,
) -> ApiResult {
    let user_id = snowflake(&user)?;
    let state = shared.state.lock();
    let id = thread(&state, &channel)?;
    let (_, joined) = state.channels[&id]
        .thread_members
        .iter()
        .find(|(u, _)| *u == user_id)
        .ok_or_else(ApiError::unknown_member)?;
    ok(thread_member_json(id, user_id, joined))
}

fn add(shared: &Shared, channel: &str, user_id: Option<u64>) -> ApiResult {
    shared.mutate(|state| {
        let id = thread(state, channel)?;
        let user_id = user_id.unwrap_or(state.bot.user_id);
        if !state.users.contains_key(&user_id) {
            return Err(ApiError::unknown_user());
        }
        let guild_id = state.channels[&id].guild_id.unwrap_or(0);
        if state.member(guild_id, user_id).is_none() {
            return Err(ApiError::unknown_member());
        }
        state.add_thread_member(id, user_id);
        no_content()
    })
}

fn remove(shared: &Shared, channel: &str, user_id: Option<u64>) -> ApiResult {
    shared.mutate(|state| {
        let id = thread(state, channel)?;
        let user_id = user_id.unwrap_or(state.bot.user_id);
        state.remove_thread_member(id, user_id);
        no_content()
    })
}

pub(crate) async fn join(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
) -> ApiResult {
    add(&shared, &channel, None)
}

pub(crate) async fn leave(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
) -> ApiResult {
    remove(&shared, &channel, None)
}

pub(crate) async fn add_member(
    State(shared): State<Arc<Shared>>,
    Path((channel, user)): Path<(String, String)>,
) -> ApiResult {
    add(&shared, &channel, Some(snowflake(&user)?))
}

pub(crate) async fn remove_member(
    State(shared): State<Arc<Shared>>,
    Path((channel, user)): Path<(String, String)>,
) -> ApiResult {
    remove(&shared, &channel, Some(snowflake(&user)?))
}

pub(crate) async fn active(
    State(shared): State<Arc<Shared>>,
    Path(guild): Path<String>,
) -> ApiResult {
    let guild_id = snowflake(&guild)?;
    let state = shared.state.lock();
    if !state.guilds.contains_key(&guild_id) {
        return Err(ApiError::unknown_guild());
    }
    let bot = state.bot.user_id;
    let threads: Vec<_> = state
        .channels
        .values()
        .filter(|c| c.is_thread() && c.guild_id == Some(guild_id) && state.can_view(c.id, bot))
        .collect();
    let members: Vec<Value> = threads
        .iter()
        .flat_map(|t| {
            t.thread_members
                .iter()
                .filter(|(u, _)| *u == bot)
                .map(|(u, joined)| thread_member_json(t.id, *u, joined))
        })
        .collect();
    ok(json!({
        "threads": threads.iter().map(|t| render::channel(&state, t)).collect::<Vec<_>>(),
        "members": members,
    }))
}

pub(crate) async fn open_dm(
    State(shared): State<Arc<Shared>>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    let recipient = payload
        .json
        .get("recipient_id")
        .and_then(parse_id)
        .ok_or_else(|| ApiError::invalid_body("recipient_id is required"))?;
    shared.mutate(|state| {
        if !state.users.contains_key(&recipient) || recipient == state.bot.user_id {
            return Err(ApiError::unknown_user());
        }
        let id = state.dm_channel(recipient);
        ok(state.channel_json(id))
    })
}
