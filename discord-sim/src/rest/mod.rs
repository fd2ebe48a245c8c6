//! The REST API under `/api/v10`: the route table, and helpers the handlers share.
//! Route parameters carry the OpenAPI spec's names, so a matched route is also the spec's path
//! key for validation.

mod app;
pub(crate) mod events;
mod guilds;
mod interactions;
mod messages;
pub(crate) mod pipeline;
mod threads;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::server::Shared;
use pipeline::Payload;

pub(crate) type ApiResult = Result<Response, ApiError>;

/// The whole HTTP app: REST with its pipeline, plus the gateway upgrade at `/gateway`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/api/v10/gateway", get(app::gateway))
        .route("/api/v10/gateway/bot", get(app::gateway_bot))
        .route("/api/v10/users/@me", get(app::current_user))
        .route("/api/v10/users/{user_id}", get(app::user))
        .route("/api/v10/oauth2/applications/@me", get(app::application))
        .route(
            "/api/v10/applications/{application_id}/commands",
            get(app::list_global_commands)
                .put(app::put_global_commands)
                .post(app::post_global_command),
        )
        .route(
            "/api/v10/applications/{application_id}/commands/{command_id}",
            get(app::get_global_command)
                .patch(app::patch_global_command)
                .delete(app::delete_global_command),
        )
        .route(
            "/api/v10/applications/{application_id}/guilds/{guild_id}/commands",
            get(app::list_guild_commands)
                .put(app::put_guild_commands)
                .post(app::post_guild_command),
        )
        .route(
            "/api/v10/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
            get(app::get_guild_command)
                .patch(app::patch_guild_command)
                .delete(app::delete_guild_command),
        )
        .route(
            "/api/v10/channels/{channel_id}",
            get(messages::get_channel).patch(messages::patch_channel),
        )
        .route(
            "/api/v10/channels/{channel_id}/messages",
            get(messages::list).post(messages::create),
        )
        .route(
            "/api/v10/channels/{channel_id}/messages/{message_id}",
            get(messages::get)
                .patch(messages::edit)
                .delete(messages::delete),
        )
        .route(
            "/api/v10/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me",
            put(messages::react).delete(messages::react),
        )
        .route(
            "/api/v10/channels/{channel_id}/typing",
            post(messages::typing),
        )
        .route(
            "/api/v10/channels/{channel_id}/messages/{message_id}/threads",
            post(threads::from_message),
        )
        .route(
            "/api/v10/channels/{channel_id}/threads",
            post(threads::standalone),
        )
        .route(
            "/api/v10/channels/{channel_id}/thread-members",
            get(threads::list_members),
        )
        .route(
            "/api/v10/channels/{channel_id}/thread-members/@me",
            put(threads::join).delete(threads::leave),
        )
        .route(
            "/api/v10/channels/{channel_id}/thread-members/{user_id}",
            get(threads::get_member)
                .put(threads::add_member)
                .delete(threads::remove_member),
        )
        .route("/api/v10/users/@me/channels", post(threads::open_dm))
        .route("/api/v10/guilds/{guild_id}", get(guilds::guild))
        .route("/api/v10/guilds/{guild_id}/channels", get(guilds::channels))
        .route("/api/v10/guilds/{guild_id}/roles", get(guilds::roles))
        .route(
            "/api/v10/guilds/{guild_id}/roles/{role_id}",
            get(guilds::role),
        )
        .route("/api/v10/guilds/{guild_id}/members", get(guilds::members))
        .route(
            "/api/v10/guilds/{guild_id}/members/{user_id}",
            get(guilds::member),
        )
        .route(
            "/api/v10/guilds/{guild_id}/threads/active",
            get(threads::active),
        )
        .route(
            "/api/v10/interactions/{interaction_id}/{interaction_token}/callback",
            post(interactions::callback),
        )
        .route(
            "/api/v10/webhooks/{webhook_id}/{webhook_token}",
            post(interactions::followup),
        )
        .route(
            "/api/v10/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            get(interactions::get_original)
                .patch(interactions::edit_original)
                .delete(interactions::delete_original),
        )
        .route(
            "/api/v10/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            get(interactions::get_followup)
                .patch(interactions::edit_followup)
                .delete(interactions::delete_followup),
        )
        .route(
            "/api/v10/guilds/{guild_id}/scheduled-events",
            get(events::list).post(events::create),
        )
        .route(
            "/api/v10/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}",
            get(events::get)
                .patch(events::modify)
                .delete(events::delete),
        )
        .fallback(unknown_route)
        .layer(from_fn_with_state(shared.clone(), pipeline::pipeline))
        .with_state(shared.clone());
    let gateway = Router::new()
        .route("/gateway", get(crate::gateway::upgrade))
        .with_state(shared);
    api.merge(gateway)
}

/// Never reached for API paths (the pipeline answers first); kept for non-API paths.
async fn unknown_route() -> Response {
    ApiError::not_found_route().into_response()
}

/// Parses a snowflake path parameter.
pub(crate) fn snowflake(text: &str) -> Result<u64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::invalid_body(&format!("value \"{text}\" is not snowflake")))
}

pub(crate) fn ok(value: Value) -> ApiResult {
    Ok(Json(value).into_response())
}

pub(crate) fn created(value: Value) -> ApiResult {
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

pub(crate) fn no_content() -> ApiResult {
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Stored attachments for the files of a multipart request, named as the `attachments` array
/// of the payload describes them.
pub(crate) fn attachments(shared: &Shared, payload: &Payload) -> Vec<Value> {
    let base = shared.api_base();
    payload
        .files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            let id = shared.state.lock().ids.next();
            let filename = described_filename(&payload.json, index).unwrap_or(&file.filename);
            let url = format!("{base}/attachments/{id}/{filename}");
            shared.state.lock().uploads.push(crate::state::Upload {
                attachment_id: id,
                filename: filename.to_string(),
                data: file.data.to_vec(),
            });
            json!({
                "id": id.to_string(),
                "filename": filename,
                "size": file.size,
                "url": url,
                "proxy_url": url,
                "content_type": file.content_type,
            })
        })
        .collect()
}

fn described_filename(json: &Value, index: usize) -> Option<&str> {
    json.get("attachments")?
        .as_array()?
        .iter()
        .find(|a| crate::ids::parse_id(&a["id"]) == Some(index as u64))?
        .get("filename")?
        .as_str()
}
