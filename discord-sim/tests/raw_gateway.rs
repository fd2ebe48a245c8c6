//! The gateway protocol at the wire level: heartbeats, op 9 (a new IDENTIFY), op 7 and RESUME
//! with replay and sequence numbers, which the serenity tests cannot reach quickly.

mod common;

use std::time::Duration;

use discord_sim::SimHandle;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as Ws;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a frame in time")
            .expect("the socket is open")
            .expect("a valid frame");
        if let Ws::Text(text) = frame {
            return serde_json::from_str(&text).expect("JSON");
        }
    }
}

async fn identify(sim: &SimHandle) -> (Socket, Value) {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("{}?v=10", sim.gateway_url()))
        .await
        .expect("the gateway accepts");
    assert_eq!(next_json(&mut socket).await["op"], 10);
    let identify =
        json!({"op": 2, "d": {"token": sim.token(), "intents": 37377, "properties": {}}});
    socket
        .send(Ws::Text(identify.to_string()))
        .await
        .expect("sent");
    let ready = next_json(&mut socket).await;
    assert_eq!(
        (ready["t"].clone(), ready["s"].clone()),
        (json!("READY"), json!(1))
    );
    (socket, ready)
}

#[tokio::test]
async fn heartbeats_are_acknowledged_and_op9_forces_a_new_identify() {
    let sim = common::sim().await;
    let (mut socket, ready) = identify(&sim).await;
    assert_eq!(next_json(&mut socket).await["t"], "GUILD_CREATE");
    socket
        .send(Ws::Text(json!({"op": 1, "d": 2}).to_string()))
        .await
        .expect("sent");
    assert_eq!(next_json(&mut socket).await["op"], 11);
    sim.gateway_invalidate(false);
    assert_eq!(next_json(&mut socket).await, json!({"op": 9, "d": false}));
    let resume = json!({"op": 6, "d": {"token": sim.token(), "session_id": ready["d"]["session_id"], "seq": 2}});
    socket
        .send(Ws::Text(resume.to_string()))
        .await
        .expect("sent");
    assert_eq!(
        next_json(&mut socket).await,
        json!({"op": 9, "d": false}),
        "the session is gone"
    );
    let (_, again) = identify(&sim).await;
    assert_ne!(again["d"]["session_id"], ready["d"]["session_id"]);
    assert_eq!(sim.gateway_stats().identifies, 2);
}

#[tokio::test]
async fn op7_asks_for_a_reconnect_and_a_resume_replays_with_sequence_numbers() {
    let sim = common::sim().await;
    let (mut socket, ready) = identify(&sim).await;
    next_json(&mut socket).await;
    sim.gateway_reconnect();
    assert_eq!(next_json(&mut socket).await["op"], 7);
    drop(socket);
    sim.user("lea")
        .post("#discussion", "entre deux")
        .expect("posted");
    let (mut socket, _) = tokio_tungstenite::connect_async(sim.gateway_url())
        .await
        .expect("reconnect");
    next_json(&mut socket).await;
    let resume = json!({"op": 6, "d": {"token": sim.token(), "session_id": ready["d"]["session_id"], "seq": 2}});
    socket
        .send(Ws::Text(resume.to_string()))
        .await
        .expect("sent");
    let replayed = next_json(&mut socket).await;
    assert_eq!(
        (replayed["t"].clone(), replayed["s"].clone()),
        (json!("MESSAGE_CREATE"), json!(3))
    );
    assert_eq!(replayed["d"]["content"], "entre deux");
    let resumed = next_json(&mut socket).await;
    assert_eq!(
        (resumed["t"].clone(), resumed["s"].clone()),
        (json!("RESUMED"), json!(4))
    );
}
