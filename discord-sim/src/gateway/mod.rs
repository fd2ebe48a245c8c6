//! The WebSocket gateway at `/gateway`: HELLO, IDENTIFY -> READY + GUILD_CREATE per guild,
//! heartbeats, RESUME -> replay + RESUMED, and the fault opcodes. Sessions and dispatch live in
//! [`hub`]; this module runs one connection.

pub(crate) mod hub;

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxumState;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::render;
use crate::server::Shared;
use hub::Outbound;

/// GET /gateway: upgrade to a gateway connection (serenity appends `?v=10`).
pub(crate) async fn upgrade(
    AxumState(shared): AxumState<Arc<Shared>>,
    ws: WebSocketUpgrade,
) -> Response {
    if shared.state.lock().hub.down {
        // An outage (`SimHandle::gateway_down`): no connection until it ends.
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "discord-sim: the gateway is down",
        )
            .into_response();
    }
    ws.on_upgrade(move |socket| run(shared, socket))
}

async fn run(shared: Arc<Shared>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Outbound>();
    let conn = shared.state.lock().hub.new_connection();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": shared.heartbeat_ms}});
    if socket
        .send(WsMessage::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(WsMessage::Text(text))) => text.to_string(),
                    Some(Ok(WsMessage::Binary(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
                    Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => continue,
                    Some(Ok(WsMessage::Close(_)) | Err(_)) | None => break,
                };
                let reply = handle_frame(&shared, conn, &tx, &text);
                // Waiters (wait_connected, wait_gateway) re-check after every frame.
                shared.changed.notify_waiters();
                if !deliver(&mut socket, reply).await {
                    break;
                }
            }
            outgoing = rx.recv() => {
                let Some(outgoing) = outgoing else { break };
                if !deliver(&mut socket, Some(outgoing)).await {
                    break;
                }
            }
        }
    }
    shared.mutate(|state| state.hub.disconnected(conn));
}

/// Sends one outbound payload; `false` when the connection is over (closed or broken).
async fn deliver(socket: &mut WebSocket, outbound: Option<Outbound>) -> bool {
    match outbound {
        Some(Outbound::Text(text)) => socket.send(WsMessage::Text(text.into())).await.is_ok(),
        Some(Outbound::Close(code, reason)) => {
            close(socket, code, reason).await;
            false
        }
        None => true,
    }
}

async fn close(socket: &mut WebSocket, code: u16, reason: String) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = socket.send(WsMessage::Close(Some(frame))).await;
}

/// Handles one client payload; returns a direct reply (heartbeat ACK, op 9, a close).
fn handle_frame(
    shared: &Shared,
    conn: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
    text: &str,
) -> Option<Outbound> {
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        return Some(Outbound::Close(
            4002,
            "Error while decoding payload.".into(),
        ));
    };
    let data = payload.get("d").cloned().unwrap_or(Value::Null);
    match payload.get("op").and_then(Value::as_u64) {
        Some(1) => {
            shared.state.lock().hub.stats.heartbeats += 1;
            Some(Outbound::Text(json!({"op": 11}).to_string()))
        }
        Some(2) => identify(shared, conn, tx, &data),
        Some(6) => {
            let session_id = data.get("session_id").and_then(Value::as_str).unwrap_or("");
            let seq = data.get("seq").and_then(Value::as_u64).unwrap_or(0);
            if !token_matches(shared, &data) {
                return Some(Outbound::Close(4004, "Authentication failed.".into()));
            }
            let resumed = shared
                .state
                .lock()
                .hub
                .resume(conn, tx.clone(), session_id, seq);
            (!resumed).then(|| Outbound::Text(json!({"op": 9, "d": false}).to_string()))
        }
        // Presence updates, voice state, member requests: accepted and ignored.
        Some(3 | 4 | 8) => None,
        _ => Some(Outbound::Close(4001, "Unknown opcode.".into())),
    }
}

fn token_matches(shared: &Shared, data: &Value) -> bool {
    let sent = data.get("token").and_then(Value::as_str).unwrap_or("");
    let token = shared.state.lock().bot.token.clone();
    sent.trim_start_matches("Bot ") == token
}

fn identify(
    shared: &Shared,
    conn: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
    data: &Value,
) -> Option<Outbound> {
    if !token_matches(shared, data) {
        return Some(Outbound::Close(4004, "Authentication failed.".into()));
    }
    let intents = data.get("intents").and_then(Value::as_u64).unwrap_or(0);
    let shard = data
        .get("shard")
        .and_then(Value::as_array)
        .and_then(|s| Some((s.first()?.as_u64()?, s.get(1)?.as_u64()?)));
    let mut state = shared.state.lock();
    let session_id = format!("sim-session-{}", state.ids.next());
    state
        .hub
        .identify(conn, tx.clone(), intents, shard, session_id.clone());
    let ready = ready_payload(
        &state,
        &session_id,
        &shared.gateway_url(),
        data.get("shard"),
    );
    let shard_of = shard;
    state.hub.send_to_conn(conn, "READY", ready);
    let guilds: Vec<Value> = state
        .guilds
        .values()
        .filter(|g| hub::shard_receives(shard_of, Some(g.id)))
        .map(|g| render::guild_create(&state, g))
        .collect();
    for guild in guilds {
        state.hub.send_to_conn(conn, "GUILD_CREATE", guild);
    }
    None
}

/// The READY payload for a new session.
pub(crate) fn ready_payload(
    state: &crate::state::State,
    session_id: &str,
    gateway_url: &str,
    shard: Option<&Value>,
) -> Value {
    let shard_of = shard
        .and_then(Value::as_array)
        .and_then(|s| Some((s.first()?.as_u64()?, s.get(1)?.as_u64()?)));
    let guilds: Vec<Value> = state
        .guilds
        .keys()
        .filter(|g| hub::shard_receives(shard_of, Some(**g)))
        .map(|g| json!({"id": render::id(*g), "unavailable": true}))
        .collect();
    let mut ready = json!({
        "v": 10,
        "user": current_user(state),
        "guilds": guilds,
        "session_id": session_id,
        "resume_gateway_url": gateway_url,
        "application": {"id": render::id(state.bot.application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "_trace": ["discord-sim"],
    });
    if let Some(shard) = shard {
        ready["shard"] = shard.clone();
    }
    ready
}

/// The bot user as READY and GET /users/@me show it.
pub(crate) fn current_user(state: &crate::state::State) -> Value {
    let mut user = render::user_by_id(state, state.bot.user_id);
    user["verified"] = json!(true);
    user["mfa_enabled"] = json!(false);
    user["email"] = Value::Null;
    user
}
