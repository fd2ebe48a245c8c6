//! The sim's REST routes, errors and faults checked at the wire level with plain HTTP.

mod common;

use std::time::Duration;

use common::send;
use discord_sim::{FaultWindow, PostKind};
use serde_json::{json, Value};

#[tokio::test]
async fn an_unknown_route_is_a_discord_404_and_recorded_as_unexpected() {
    let sim = common::sim().await;
    let (status, _, body) = send(&sim, "GET", "/nowhere/1", None).await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "404: Not Found", "code": 0}))
    );
    assert_eq!(sim.unexpected_calls().len(), 1);
}

#[tokio::test]
async fn a_wrong_token_is_refused() {
    let sim = common::sim().await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v10/users/@me", sim.api_base()))
        .header("Authorization", "Bot wrong")
        .send()
        .await
        .expect("the sim answers");
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn posting_where_the_bot_lacks_access_or_permission_is_forbidden() {
    let sim = common::sim().await;
    let hidden = sim.channel_id("#coulisses").expect("channel");
    let read_only = sim.channel_id("#annonces").expect("channel");
    let (status, _, body) = send(
        &sim,
        "POST",
        &format!("/channels/{hidden}/messages"),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (403, json!(50001)));
    let (status, _, body) = send(
        &sim,
        "POST",
        &format!("/channels/{read_only}/messages"),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (403, json!(50013)));
}

#[tokio::test]
async fn a_user_refusing_dms_gets_error_50007() {
    let sim = common::sim().await;
    let sami = sim.user_id("sami").expect("sami");
    let (status, _, channel) = send(
        &sim,
        "POST",
        "/users/@me/channels",
        Some(json!({"recipient_id": sami.to_string()})),
    )
    .await;
    assert_eq!(status, 200);
    let dm = channel["id"].as_str().expect("an id").to_string();
    let (status, _, body) = send(
        &sim,
        "POST",
        &format!("/channels/{dm}/messages"),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            403,
            json!({"message": "Cannot send messages to this user", "code": 50007})
        )
    );
}

#[tokio::test]
async fn a_429_carries_retry_after_and_the_rate_limit_headers() {
    let sim = common::sim().await;
    let channel = sim.channel_id("#discussion").expect("channel");
    sim.rate_limit(
        "POST /channels/{channel_id}/messages",
        Duration::from_millis(2500),
        FaultWindow::For(Duration::from_secs(30)),
    );
    let (status, headers, body) = send(
        &sim,
        "POST",
        &format!("/channels/{channel}/messages"),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(status, 429);
    assert_eq!(body["retry_after"], json!(2.5));
    assert_eq!(headers["retry-after"], "3");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(headers["x-ratelimit-reset-after"], "2.500");
    assert!(
        headers.contains_key("x-ratelimit-bucket") && headers.contains_key("x-ratelimit-reset")
    );
    let (status, _, _) = send(&sim, "GET", &format!("/channels/{channel}/messages"), None).await;
    assert_eq!(status, 200, "only the POST route is limited");
}

#[tokio::test]
async fn server_errors_last_for_the_requested_count() {
    let sim = common::sim().await;
    sim.fail("GET /users/@me", 502, 1);
    sim.fail("GET /users/@me", 500, 1);
    let statuses = [
        send(&sim, "GET", "/users/@me", None).await.0,
        send(&sim, "GET", "/users/@me", None).await.0,
    ];
    assert_eq!(statuses, [502, 500]);
    assert_eq!(send(&sim, "GET", "/users/@me", None).await.0, 200);
}

#[tokio::test]
async fn messages_page_with_before_after_and_limit() {
    let sim = common::sim().await;
    let lea = sim.user("lea");
    let ids: Vec<u64> = (0..5)
        .map(|i| lea.post("#discussion", &format!("m{i}")).expect("posted"))
        .collect();
    let channel = sim.channel_id("#discussion").expect("channel");
    let contents = |body: Value| -> Vec<String> {
        body.as_array()
            .expect("a list")
            .iter()
            .map(|m| m["content"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let (_, _, body) = send(
        &sim,
        "GET",
        &format!("/channels/{channel}/messages?limit=2"),
        None,
    )
    .await;
    assert_eq!(contents(body), ["m4", "m3"]);
    let (_, _, body) = send(
        &sim,
        "GET",
        &format!("/channels/{channel}/messages?&after={}&limit=2", ids[1]),
        None,
    )
    .await;
    assert_eq!(contents(body), ["m3", "m2"]);
    let (_, _, body) = send(
        &sim,
        "GET",
        &format!("/channels/{channel}/messages?before={}", ids[2]),
        None,
    )
    .await;
    assert_eq!(contents(body), ["m1", "m0"]);
}

#[tokio::test]
async fn threads_private_threads_and_dms_work_over_rest() {
    let sim = common::sim().await;
    let channel = sim.channel_id("#discussion").expect("channel");
    let question = sim
        .user("lea")
        .post("#discussion", "une question")
        .expect("posted");
    let (status, _, thread) = send(
        &sim,
        "POST",
        &format!("/channels/{channel}/messages/{question}/threads"),
        Some(json!({"name": "Question de lea"})),
    )
    .await;
    assert_eq!(
        (status, thread["id"].clone()),
        (201, json!(question.to_string()))
    );
    let (status, _, _) = send(
        &sim,
        "POST",
        &format!("/channels/{question}/messages"),
        Some(json!({"content": "on regarde"})),
    )
    .await;
    assert_eq!(status, 200);
    let post = sim
        .wait_message_in("#discussion", |m| m.content == "on regarde")
        .await
        .expect("posted in the thread");
    assert_eq!(post.channel, "#discussion > Question de lea");
    let (status, _, private) = send(
        &sim,
        "POST",
        &format!("/channels/{channel}/threads"),
        Some(json!({"name": "staff", "type": 12})),
    )
    .await;
    assert_eq!((status, private["type"].clone()), (201, json!(12)));
    assert!(
        sim.user("lea").post("staff", "coucou").is_err(),
        "lea is not in the private thread"
    );

    sim.user("lea").dm("bonjour").expect("DM sent");
    assert!(sim.messages("dm:lea").expect("the DM channel exists").len() == 1);
    let quick = sim.with_timeout(Duration::from_millis(200));
    assert!(
        quick.wait_dm("lea", |_| true).await.is_err(),
        "nobody answered the DM"
    );
}

#[tokio::test]
async fn an_interaction_answered_by_hand_supports_followups_and_original_edits() {
    let sim = common::sim().await;
    let app = sim.application_id();
    let (status, _, _) = send(
        &sim,
        "PUT",
        &format!("/applications/{app}/commands"),
        Some(json!([
            {"name": "alerte", "description": "Alertes", "options": [
                {"type": 1, "name": "prendre", "description": "Prendre", "options": [
                    {"type": 4, "name": "id", "description": "Numéro", "required": true}]}]}
        ])),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        sim.user("karim")
            .slash("#discussion", "/alerte prendre")
            .is_err(),
        "id is required"
    );
    let ix = sim
        .user("karim")
        .slash("#discussion", "/alerte prendre id:7")
        .expect("valid");
    let callback = format!("/interactions/{}/{}/callback", ix.id, ix.token);
    assert_eq!(
        send(
            &sim,
            "POST",
            &callback,
            Some(json!({"type": 5, "data": {"flags": 64}}))
        )
        .await
        .0,
        204
    );
    let deferred = sim.wait_response(&ix).await.expect("deferred");
    assert_eq!(
        (deferred.kind, deferred.ephemeral),
        (PostKind::Deferred, true)
    );
    assert_eq!(
        send(
            &sim,
            "POST",
            &callback,
            Some(json!({"type": 4, "data": {"content": "x"}}))
        )
        .await
        .0,
        400
    );
    let original = format!("/webhooks/{app}/{}/messages/@original", ix.token);
    let (status, _, edited) = send(
        &sim,
        "PATCH",
        &original,
        Some(json!({"content": "Alerte 7 prise"})),
    )
    .await;
    assert_eq!(
        (status, edited["content"].clone()),
        (200, json!("Alerte 7 prise"))
    );
    let (status, _, followup) = send(
        &sim,
        "POST",
        &format!("/webhooks/{app}/{}", ix.token),
        Some(json!({"content": "suite"})),
    )
    .await;
    assert_eq!(status, 200);
    let followup_path = format!(
        "/webhooks/{app}/{}/messages/{}",
        ix.token,
        followup["id"].as_str().expect("an id")
    );
    assert_eq!(send(&sim, "DELETE", &followup_path, None).await.0, 204);
    let kinds: Vec<PostKind> = sim.posts().iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            PostKind::Deferred,
            PostKind::Edited,
            PostKind::Created,
            PostKind::Deleted
        ]
    );
    sim.assert_no_violations();
}

#[tokio::test]
async fn a_modal_opened_by_the_bot_can_be_submitted_by_the_user() {
    let sim = common::sim().await;
    let app = sim.application_id();
    send(
        &sim,
        "PUT",
        &format!("/applications/{app}/commands"),
        Some(json!([{"name": "fermer", "description": "Fermer"}])),
    )
    .await;
    let ix = sim
        .user("karim")
        .slash("#discussion", "/fermer")
        .expect("valid");
    let modal = json!({"type": 9, "data": {"custom_id": "close:7", "title": "Clore", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "note", "label": "Note", "style": 2}]}]}});
    let callback = format!("/interactions/{}/{}/callback", ix.id, ix.token);
    assert_eq!(send(&sim, "POST", &callback, Some(modal)).await.0, 204);
    assert_eq!(
        sim.wait_response(&ix).await.expect("a modal").kind,
        PostKind::Modal
    );
    assert!(sim
        .user("karim")
        .submit_last_modal(&[("nope", "x")])
        .is_err());
    let submitted = sim
        .user("karim")
        .submit_last_modal(&[("note", "accompagné")])
        .expect("submitted");
    let callback = format!(
        "/interactions/{}/{}/callback",
        submitted.id, submitted.token
    );
    let answer = json!({"type": 4, "data": {"content": "Clos", "flags": 64}});
    assert_eq!(send(&sim, "POST", &callback, Some(answer)).await.0, 204);
    let closed = sim.wait_response(&submitted).await.expect("answered");
    assert!(closed.ephemeral && closed.content == "Clos");
    sim.assert_no_violations();
}

#[tokio::test]
async fn a_body_the_spec_rejects_is_recorded_as_a_violation() {
    if std::env::var_os(discord_sim::SPEC_ENV).is_none() {
        return;
    }
    let sim = common::sim().await;
    let channel = sim.channel_id("#discussion").expect("channel");
    let path = format!("/channels/{channel}/messages");
    send(
        &sim,
        "POST",
        &path,
        Some(json!({"content": "ok", "embeds": [{"title": 5}]})),
    )
    .await;
    let violations = sim.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].route, "/channels/{channel_id}/messages");
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sim.assert_no_violations()));
    assert!(outcome.is_err(), "assert_no_violations fails the test");
}
