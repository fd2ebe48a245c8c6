//! Guild reads: the guild, its channels, roles and members.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use serde_json::Value;

use super::{ok, snowflake, ApiResult};
use crate::error::ApiError;
use crate::render;
use crate::server::Shared;
use crate::state::{Guild, State as World};

fn find_guild<'a>(state: &'a World, guild: &str) -> Result<&'a Guild, ApiError> {
    let id = snowflake(guild)?;
    state.guilds.get(&id).ok_or_else(ApiError::unknown_guild)
}

pub(crate) async fn guild(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    let state = shared.state.lock();
    let found = find_guild(&state, &id)?;
    let mut value = render::guild_base(found);
    value["approximate_member_count"] = found.members.len().into();
    ok(value)
}

pub(crate) async fn channels(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> ApiResult {
    let state = shared.state.lock();
    let found = find_guild(&state, &id)?;
    let bot = state.bot.user_id;
    ok(found
        .channel_ids
        .iter()
        .filter_map(|c| state.channels.get(c))
        .filter(|c| !c.is_thread() && state.can_view(c.id, bot))
        .map(|c| render::channel(&state, c))
        .collect())
}

pub(crate) async fn roles(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    let state = shared.state.lock();
    ok(find_guild(&state, &id)?
        .roles
        .iter()
        .map(render::role)
        .collect())
}

pub(crate) async fn role(
    State(shared): State<Arc<Shared>>,
    Path((id, role)): Path<(String, String)>,
) -> ApiResult {
    let role_id = snowflake(&role)?;
    let state = shared.state.lock();
    let found = find_guild(&state, &id)?;
    let role = found
        .roles
        .iter()
        .find(|r| r.id == role_id)
        .ok_or_else(ApiError::unknown_role)?;
    ok(render::role(role))
}

pub(crate) async fn members(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let state = shared.state.lock();
    let found = find_guild(&state, &id)?;
    let limit = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(1usize)
        .clamp(1, 1000);
    let after = query
        .get("after")
        .and_then(|a| a.parse::<u64>().ok())
        .unwrap_or(0);
    let mut ids: Vec<u64> = found
        .members
        .iter()
        .map(|m| m.user_id)
        .filter(|u| *u > after)
        .collect();
    ids.sort_unstable();
    ok(ids
        .into_iter()
        .take(limit)
        .map(|u| render::member(&state, found.id, u, true))
        .collect::<Vec<Value>>()
        .into())
}

pub(crate) async fn member(
    State(shared): State<Arc<Shared>>,
    Path((id, user)): Path<(String, String)>,
) -> ApiResult {
    let user_id = snowflake(&user)?;
    let state = shared.state.lock();
    let found = find_guild(&state, &id)?;
    state
        .member(found.id, user_id)
        .ok_or_else(ApiError::unknown_member)?;
    ok(render::member(&state, found.id, user_id, true))
}
