//! Channels and their messages: read a channel, list/create/get/edit/delete messages (with
//! Discord's permission and DM-refusal errors), typing and reactions.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Extension;
use serde_json::Value;

use super::pipeline::Payload;
use super::{attachments, no_content, ok, snowflake, ApiResult};
use crate::error::ApiError;
use crate::ops::mentions;
use crate::ops::messages::Draft;
use crate::perms;
use crate::server::Shared;
use crate::state::{State as World, CHANNEL_DM};

/// The bot's right to read a channel: 404 if it does not exist, 403 50001 if hidden.
pub(crate) fn readable(state: &World, channel_id: u64) -> Result<(), ApiError> {
    if !state.channels.contains_key(&channel_id) {
        return Err(ApiError::unknown_channel());
    }
    if state.can_view(channel_id, state.bot.user_id) {
        Ok(())
    } else {
        Err(ApiError::missing_access())
    }
}

/// The bot's right to post: Missing Access, Missing Permissions, or the user refuses DMs.
pub(crate) fn writable(state: &World, channel_id: u64) -> Result<(), ApiError> {
    readable(state, channel_id)?;
    let Some(channel) = state.channels.get(&channel_id) else {
        return Err(ApiError::unknown_channel());
    };
    if channel.kind == CHANNEL_DM {
        let refuses = channel
            .recipients
            .iter()
            .filter_map(|id| state.users.get(id))
            .any(|u| u.refuses_dms);
        return if refuses {
            Err(ApiError::cannot_dm())
        } else {
            Ok(())
        };
    }
    let needed = if channel.is_thread() {
        perms::SEND_MESSAGES_IN_THREADS
    } else {
        perms::SEND_MESSAGES
    };
    if state.permissions_in(channel_id, state.bot.user_id) & needed == 0 {
        return Err(ApiError::missing_permissions());
    }
    Ok(())
}

pub(crate) async fn get_channel(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    let state = shared.state.lock();
    readable(&state, channel_id)?;
    ok(state.channel_json(channel_id))
}

pub(crate) async fn patch_channel(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    shared.mutate(|state| {
        readable(state, channel_id)?;
        let channel = state
            .channels
            .get_mut(&channel_id)
            .ok_or_else(ApiError::unknown_channel)?;
        if let Some(name) = payload.json.get("name").and_then(Value::as_str) {
            channel.name = name.to_string();
        }
        if let Some(topic) = payload.json.get("topic") {
            channel.topic = topic.as_str().map(str::to_string);
        }
        let data = state.channel_json(channel_id);
        let event = if state.channels[&channel_id].is_thread() {
            "THREAD_UPDATE"
        } else {
            "CHANNEL_UPDATE"
        };
        state.hub.dispatch(event, &data);
        ok(data)
    })
}

pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    let state = shared.state.lock();
    readable(&state, channel_id)?;
    if state.permissions_in(channel_id, state.bot.user_id) & perms::READ_MESSAGE_HISTORY == 0
        && state.channels[&channel_id].kind != CHANNEL_DM
    {
        return ok(Value::Array(Vec::new()));
    }
    let limit = query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 100);
    let number = |key: &str| query.get(key).and_then(|v| v.parse::<u64>().ok());
    let all: Vec<u64> = state
        .channel_messages(channel_id)
        .filter(|m| m.flags & crate::state::FLAG_EPHEMERAL == 0)
        .map(|m| m.id)
        .collect();
    // Discord returns newest first; `after` pages forward from the oldest after the id.
    let chosen: Vec<u64> = if let Some(after) = number("after") {
        all.iter()
            .copied()
            .filter(|id| *id > after)
            .take(limit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    } else if let Some(before) = number("before") {
        all.iter()
            .copied()
            .filter(|id| *id < before)
            .rev()
            .take(limit)
            .collect()
    } else if let Some(around) = number("around") {
        let older = all
            .iter()
            .copied()
            .filter(|id| *id < around)
            .rev()
            .take(limit / 2);
        let newer: Vec<u64> = all
            .iter()
            .copied()
            .filter(|id| *id >= around)
            .take(limit - limit / 2)
            .collect();
        let mut picked: Vec<u64> = newer.into_iter().rev().collect();
        picked.extend(older);
        picked
    } else {
        all.iter().copied().rev().take(limit).collect()
    };
    ok(chosen
        .iter()
        .map(|id| state.message_json(*id, false))
        .collect())
}

pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    let files = attachments(&shared, &payload);
    shared.mutate(|state| {
        writable(state, channel_id)?;
        mentions::check(payload.json.get("allowed_mentions"))
            .map_err(|detail| ApiError::invalid_body(&detail))?;
        let draft = Draft::from_json(&payload.json, files);
        let bot_id = state.bot.user_id;
        // A retried post with the same nonce returns the first message and creates nothing.
        let enforce = payload.json.get("enforce_nonce").and_then(Value::as_bool) == Some(true);
        if let Some(nonce) = draft.nonce.as_deref().filter(|_| enforce) {
            if let Some(existing) = state.message_with_nonce(bot_id, nonce) {
                return ok(state.message_json(existing, false));
            }
        }
        if draft.is_empty()
            && payload.json.get("sticker_ids").is_none()
            && payload.json.get("poll").is_none()
        {
            return Err(ApiError::empty_message());
        }
        if let Some(reference) = &draft.message_reference {
            let target = reference.get("message_id").and_then(crate::ids::parse_id);
            let fail = reference
                .get("fail_if_not_exists")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            if target.is_some_and(|id| !state.messages.contains_key(&id)) && fail {
                return Err(ApiError::invalid_body("message_reference: Unknown message"));
            }
        }
        let id = state.post_message(channel_id, bot_id, draft, |m| {
            if m.message_reference.is_some() {
                m.kind = 19;
            }
        });
        ok(state.message_json(id, false))
    })
}

fn message_in(state: &World, channel_id: u64, message: &str) -> Result<u64, ApiError> {
    let message_id = snowflake(message)?;
    state
        .messages
        .get(&message_id)
        .filter(|m| m.channel_id == channel_id)
        .map(|m| m.id)
        .ok_or_else(ApiError::unknown_message)
}

pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    Path((channel, message)): Path<(String, String)>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    let state = shared.state.lock();
    readable(&state, channel_id)?;
    let id = message_in(&state, channel_id, &message)?;
    ok(state.message_json(id, false))
}

pub(crate) async fn edit(
    State(shared): State<Arc<Shared>>,
    Path((channel, message)): Path<(String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    let files = (!payload.files.is_empty()).then(|| attachments(&shared, &payload));
    shared.mutate(|state| {
        readable(state, channel_id)?;
        let id = message_in(state, channel_id, &message)?;
        if state.messages[&id].author_id != state.bot.user_id {
            return Err(ApiError {
                status: axum::http::StatusCode::FORBIDDEN,
                code: 50005,
                message: "Cannot edit a message authored by another user".into(),
            });
        }
        state
            .edit_message(id, &payload.json, files, None)
            .ok_or_else(ApiError::unknown_message)?;
        ok(state.message_json(id, false))
    })
}

pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Path((channel, message)): Path<(String, String)>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    shared.mutate(|state| {
        readable(state, channel_id)?;
        let id = message_in(state, channel_id, &message)?;
        let own = state.messages[&id].author_id == state.bot.user_id;
        let may_manage =
            state.permissions_in(channel_id, state.bot.user_id) & perms::MANAGE_MESSAGES != 0;
        if !own && !may_manage {
            return Err(ApiError::missing_permissions());
        }
        state.delete_message(id);
        no_content()
    })
}

pub(crate) async fn typing(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    readable(&shared.state.lock(), channel_id)?;
    no_content()
}

/// Reactions are accepted (and recorded as calls) but not modelled.
pub(crate) async fn react(
    State(shared): State<Arc<Shared>>,
    Path((channel, message, _emoji)): Path<(String, String, String)>,
) -> ApiResult {
    let channel_id = snowflake(&channel)?;
    let state = shared.state.lock();
    readable(&state, channel_id)?;
    message_in(&state, channel_id, &message)?;
    no_content()
}
