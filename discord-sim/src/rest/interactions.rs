//! Interaction callbacks (204, or the callback resource with `with_response=true`) and the
//! interaction webhook: follow-ups, and GET/PATCH/DELETE of `@original` and follow-up messages.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Extension;
use serde_json::json;

use super::pipeline::Payload;
use super::{attachments, no_content, ok, snowflake, ApiResult};
use crate::error::ApiError;
use crate::ops::mentions;
use crate::ops::messages::Draft;
use crate::render;
use crate::server::Shared;
use crate::state::{State as World, FLAG_EPHEMERAL, FLAG_LOADING};

pub(crate) async fn callback(
    State(shared): State<Arc<Shared>>,
    Path((interaction, token)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    let id = snowflake(&interaction)?;
    let files = attachments(&shared, &payload);
    shared.mutate(|state| {
        state.interaction_callback(id, &token, &payload.json, files)?;
        if query.get("with_response").map(String::as_str) != Some("true") {
            return no_content();
        }
        let ix = &state.interactions[&id];
        let message = ix.original_message.and_then(|m| state.messages.get(&m));
        let mut resource = json!({"type": payload.json.get("type").cloned().unwrap_or_default()});
        if let Some(message) = message {
            resource["message"] = render::message(state, message, false);
        }
        ok(json!({
            "interaction": {
                "id": render::id(ix.id),
                "type": ix.kind,
                "response_message_id": ix.original_message.map(render::id),
                "response_message_loading": message.is_some_and(|m| m.flags & FLAG_LOADING != 0),
                "response_message_ephemeral": message.is_some_and(|m| m.flags & FLAG_EPHEMERAL != 0),
            },
            "resource": resource,
        }))
    })
}

pub(crate) async fn followup(
    State(shared): State<Arc<Shared>>,
    Path((webhook, token)): Path<(String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    let application_id = snowflake(&webhook)?;
    let files = attachments(&shared, &payload);
    shared.mutate(|state| {
        let ix = state
            .interaction_for_webhook(application_id, &token)?
            .clone();
        mentions::check(payload.json.get("allowed_mentions"))
            .map_err(|detail| ApiError::invalid_body(&detail))?;
        let draft = Draft::from_json(&payload.json, files);
        if draft.is_empty() {
            return Err(ApiError::empty_message());
        }
        let id = state.post_interaction_message(&ix, draft);
        ok(state.message_json(id, false))
    })
}

/// The original response's message id, or Unknown Message before there is one.
fn original(state: &World, webhook: &str, token: &str) -> Result<u64, ApiError> {
    let ix = state.interaction_for_webhook(snowflake(webhook)?, token)?;
    ix.original_message
        .filter(|m| state.messages.contains_key(m))
        .ok_or_else(ApiError::unknown_message)
}

/// A follow-up (or the original) of this interaction by message id.
fn followup_message(
    state: &World,
    webhook: &str,
    token: &str,
    message: &str,
) -> Result<u64, ApiError> {
    let ix = state.interaction_for_webhook(snowflake(webhook)?, token)?;
    let message_id = snowflake(message)?;
    if state.messages.contains_key(&message_id) && state.message_of_interaction(ix, message_id) {
        Ok(message_id)
    } else {
        Err(ApiError::unknown_message())
    }
}

fn edit(
    shared: &Shared,
    payload: &Payload,
    find: impl FnOnce(&World) -> Result<u64, ApiError>,
) -> ApiResult {
    let files = (!payload.files.is_empty()).then(|| attachments(shared, payload));
    shared.mutate(|state| {
        let id = find(state)?;
        state
            .edit_message(id, &payload.json, files, None)
            .ok_or_else(ApiError::unknown_message)?;
        ok(state.message_json(id, false))
    })
}

fn delete(shared: &Shared, find: impl FnOnce(&World) -> Result<u64, ApiError>) -> ApiResult {
    shared.mutate(|state| {
        let id = find(state)?;
        state.delete_message(id);
        no_content()
    })
}

pub(crate) async fn get_original(
    State(shared): State<Arc<Shared>>,
    Path((webhook, token)): Path<(String, String)>,
) -> ApiResult {
    let state = shared.state.lock();
    let id = original(&state, &webhook, &token)?;
    ok(state.message_json(id, false))
}

pub(crate) async fn edit_original(
    State(shared): State<Arc<Shared>>,
    Path((webhook, token)): Path<(String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    edit(&shared, &payload, |state| original(state, &webhook, &token))
}

pub(crate) async fn delete_original(
    State(shared): State<Arc<Shared>>,
    Path((webhook, token)): Path<(String, String)>,
) -> ApiResult {
    delete(&shared, |state| original(state, &webhook, &token))
}

pub(crate) async fn get_followup(
    State(shared): State<Arc<Shared>>,
    Path((webhook, token, message)): Path<(String, String, String)>,
) -> ApiResult {
    let state = shared.state.lock();
    let id = followup_message(&state, &webhook, &token, &message)?;
    ok(state.message_json(id, false))
}

pub(crate) async fn edit_followup(
    State(shared): State<Arc<Shared>>,
    Path((webhook, token, message)): Path<(String, String, String)>,
    Extension(payload): Extension<Payload>,
) -> ApiResult {
    edit(&shared, &payload, |state| {
        followup_message(state, &webhook, &token, &message)
    })
}

pub(crate) async fn delete_followup(
    State(shared): State<Arc<Shared>>,
    Path((webhook, token, message)): Path<(String, String, String)>,
) -> ApiResult {
    delete(&shared, |state| {
        followup_message(state, &webhook, &token, &message)
    })
}
