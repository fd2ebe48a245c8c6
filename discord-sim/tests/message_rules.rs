//! Discord's rules for creating a message that the bot's safety relies on: `enforce_nonce` keeps a
//! retried post single, and `allowed_mentions` decides who is actually pinged.

mod common;

use std::time::Duration;

use common::{send, Seen};
use discord_sim::PostKind;
use serde_json::{json, Value};
use serenity::all::{ChannelId, CreateMessage, Nonce};

#[tokio::test]
async fn a_retried_post_with_an_enforced_nonce_returns_the_first_message_and_dispatches_nothing() {
    let sim = common::sim().await;
    let mut bot = common::bot(&sim).await;
    sim.wait_connected().await.expect("the client connects");
    bot.next(|seen| matches!(seen, Seen::GuildCreate(..)).then_some(()))
        .await;
    let channel = ChannelId::new(sim.channel_id("#discussion").expect("channel"));
    let dispatched_before = sim.gateway_stats().dispatched;
    let post = || {
        CreateMessage::new()
            .content("alerte 7")
            .nonce(Nonce::String("alert-7".into()))
            .enforce_nonce(true)
    };
    let first = channel
        .send_message(&bot.http, post())
        .await
        .expect("posted");
    let second = channel
        .send_message(&bot.http, post())
        .await
        .expect("the retry succeeds");

    assert_eq!(first.id, second.id, "the retry returns the first message");
    assert_eq!(sim.messages("#discussion").expect("channel").len(), 1);
    let created = sim
        .posts()
        .iter()
        .filter(|p| p.kind == PostKind::Created)
        .count();
    assert_eq!(created, 1, "one post in the feed");
    assert_eq!(sim.gateway_stats().dispatched - dispatched_before, 1);
    let seen = bot
        .next(|seen| match seen {
            Seen::Message(m) => Some(m.id),
            _ => None,
        })
        .await;
    assert_eq!(seen, first.id);
    let again = tokio::time::timeout(Duration::from_millis(300), bot.seen.recv()).await;
    assert!(
        !matches!(again, Ok(Some(Seen::Message(_)))),
        "no second MESSAGE_CREATE"
    );
}

#[tokio::test]
async fn a_nonce_without_enforce_nonce_does_not_stop_a_second_message() {
    let sim = common::sim().await;
    let channel = sim.channel_id("#discussion").expect("channel");
    let path = format!("/channels/{channel}/messages");
    let body = json!({"content": "x", "nonce": 42});
    let (_, _, first) = send(&sim, "POST", &path, Some(body.clone())).await;
    let (_, _, second) = send(&sim, "POST", &path, Some(body)).await;
    assert_ne!(first["id"], second["id"]);
    let enforced = json!({"content": "y", "nonce": "42", "enforce_nonce": true});
    let (status, _, third) = send(&sim, "POST", &path, Some(enforced)).await;
    assert_eq!(status, 200);
    assert_eq!(
        third["id"], second["id"],
        "an integer nonce and its text are the same nonce; the newest message is returned"
    );
    assert_eq!(sim.messages("#discussion").expect("channel").len(), 2);
}

#[tokio::test]
async fn the_same_enforced_nonce_in_another_channel_still_returns_the_first_message() {
    let sim = common::sim().await;
    let discussion = sim.channel_id("#discussion").expect("channel");
    let lea = sim.user_id("lea").expect("lea");
    let (_, _, dm) = send(
        &sim,
        "POST",
        "/users/@me/channels",
        Some(json!({"recipient_id": lea.to_string()})),
    )
    .await;
    let dm = dm["id"].as_str().expect("a DM channel id").to_string();
    let body = json!({"content": "carte", "nonce": "help-3", "enforce_nonce": true});
    let (_, _, first) = send(
        &sim,
        "POST",
        &format!("/channels/{dm}/messages"),
        Some(body.clone()),
    )
    .await;
    let (_, _, second) = send(
        &sim,
        "POST",
        &format!("/channels/{discussion}/messages"),
        Some(body),
    )
    .await;
    assert_eq!(first["id"], second["id"], "a nonce belongs to its author");
    assert!(sim.messages("#discussion").expect("channel").is_empty());
}

/// Posts `content` with this `allowed_mentions` (omitted when Null) and returns the stored view.
async fn post_with(
    sim: &discord_sim::SimHandle,
    content: &str,
    allowed: Value,
) -> (u16, Value, Option<discord_sim::MessageView>) {
    let channel = sim.channel_id("#discussion").expect("channel");
    let mut body = json!({ "content": content });
    if !allowed.is_null() {
        body["allowed_mentions"] = allowed;
    }
    let (status, _, reply) = send(
        sim,
        "POST",
        &format!("/channels/{channel}/messages"),
        Some(body),
    )
    .await;
    let view = sim
        .messages("#discussion")
        .expect("channel")
        .into_iter()
        .find(|m| Some(m.id.to_string().as_str()) == reply["id"].as_str());
    (status, reply, view)
}

fn mentions_of(sim: &discord_sim::SimHandle) -> String {
    let lea = sim.user_id("lea").expect("lea");
    let role = sim.role_id("Promeneur").expect("role");
    format!("<@{lea}> <@&{role}> @everyone")
}

#[tokio::test]
async fn without_allowed_mentions_every_mention_in_the_content_pings() {
    let sim = common::sim().await;
    let (_, json, view) = post_with(&sim, &mentions_of(&sim), Value::Null).await;
    let view = view.expect("stored");
    assert_eq!(view.pinged_users, ["lea"]);
    assert_eq!(view.pinged_roles, ["Promeneur"]);
    assert!(view.pinged_everyone);
    assert_eq!(json["mention_everyone"], json!(true));
    assert_eq!(json["mention_roles"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn an_empty_parse_list_pings_nobody() {
    let sim = common::sim().await;
    let (_, json, view) = post_with(&sim, &mentions_of(&sim), json!({"parse": []})).await;
    let view = view.expect("stored");
    assert!(view.pinged_users.is_empty() && view.pinged_roles.is_empty());
    assert!(!view.pinged_everyone);
    assert_eq!(json["mention_everyone"], json!(false));
}

#[tokio::test]
async fn listed_roles_ping_only_when_the_content_mentions_them() {
    let sim = common::sim().await;
    let role = sim.role_id("Promeneur").expect("role");
    let allowed = json!({"parse": [], "roles": [role.to_string()]});
    let (_, _, view) = post_with(&sim, &mentions_of(&sim), allowed.clone()).await;
    let view = view.expect("stored");
    assert_eq!(view.pinged_roles, ["Promeneur"]);
    assert!(view.pinged_users.is_empty() && !view.pinged_everyone);

    let (_, _, view) = post_with(&sim, "no mention here", allowed).await;
    assert!(view.expect("stored").pinged_roles.is_empty());
}

#[tokio::test]
async fn parse_users_and_a_user_list_together_are_a_400() {
    let sim = common::sim().await;
    let allowed = json!({"parse": ["users"], "users": ["1"]});
    let (status, json, view) = post_with(&sim, "x", allowed).await;
    assert_eq!((status, json["code"].clone()), (400, json!(50035)));
    assert!(view.is_none());
}

#[tokio::test]
async fn a_user_message_pings_what_it_mentions_and_a_reply_pings_its_author() {
    let sim = common::sim().await;
    let karim = sim.user_id("karim").expect("karim");
    let lea = sim.user("lea");
    let first = lea.post("#discussion", "@here ça va ?").expect("posted");
    let reply = sim
        .user("karim")
        .reply(first, &format!("oui <@{karim}>"))
        .expect("replied");
    let views = sim.messages("#discussion").expect("channel");
    let of = |id: u64| views.iter().find(|m| m.id == id).expect("stored").clone();
    assert!(of(first).pinged_everyone);
    assert_eq!(of(reply).pinged_users, ["karim", "lea"]);
}
