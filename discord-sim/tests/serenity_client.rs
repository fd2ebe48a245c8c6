//! The real serenity client against the sim: connection, messages both ways, resume after a
//! close 4000, an interaction round trip, and a 429 as serenity reports it.

mod common;

use std::time::Duration;

use common::Seen;
use discord_sim::{FaultWindow, PostKind};
use serenity::all::{ChannelId, Command, CreateCommand};

#[tokio::test]
async fn the_client_connects_and_receives_ready_then_the_guild() {
    let sim = common::sim().await;
    let mut bot = common::bot(&sim).await;
    let ready = bot
        .next(|s| match s {
            Seen::Ready(r) => Some(r),
            _ => None,
        })
        .await;
    assert_eq!(ready.user.name, "promeneur");
    assert_eq!(ready.application.id.get(), sim.application_id());
    let (guild, channels) = bot
        .next(|s| match s {
            Seen::GuildCreate(g, c) => Some((g, c)),
            _ => None,
        })
        .await;
    assert_eq!(Some(guild.get()), sim.guild_id("Promeneurs"));
    assert_eq!(channels, 3);
    assert!(sim
        .calls()
        .iter()
        .any(|c| c.method == "GET" && c.path == "/gateway"));
    sim.assert_no_violations();
}

#[tokio::test]
async fn a_user_message_reaches_the_bot_and_its_reply_lands_in_the_channel() {
    let sim = common::sim().await;
    let mut bot = common::bot(&sim).await;
    sim.wait_connected().await.expect("connected");
    sim.user("lea")
        .post("#discussion", "ping")
        .expect("lea posts");
    let received = bot
        .next(|s| match s {
            Seen::Message(m) if !m.author.bot => Some(m),
            _ => None,
        })
        .await;
    assert_eq!(received.content, "ping");
    assert_eq!(received.author.name, "lea");
    let reply = sim
        .wait_message_in("#discussion", |m| m.content == "pong")
        .await
        .expect("the bot replied");
    assert_eq!(reply.author, "promeneur");
    let echoed = bot
        .next(|s| match s {
            Seen::Message(m) if m.author.bot => Some(m),
            _ => None,
        })
        .await;
    assert_eq!(Some(echoed.id.get()), reply.message_id);
    let stored = sim.messages("#discussion").expect("channel exists");
    assert_eq!(
        stored
            .iter()
            .map(|m| m.content.as_str())
            .collect::<Vec<_>>(),
        ["ping", "pong"]
    );
    sim.assert_no_violations();
}

#[tokio::test]
async fn a_message_posted_during_a_gateway_drop_arrives_after_the_resume() {
    let sim = common::sim().await;
    let mut bot = common::bot(&sim).await;
    sim.wait_connected().await.expect("connected");
    sim.gateway_close(4000);
    sim.user("lea")
        .post("#discussion", "pendant la coupure")
        .expect("lea posts");
    let missed = bot
        .next(|s| match s {
            Seen::Message(m) => Some(m),
            _ => None,
        })
        .await;
    assert_eq!(missed.content, "pendant la coupure");
    let stats = sim.gateway_stats();
    assert_eq!(
        (stats.identifies, stats.resumes),
        (1, 1),
        "resumed, not re-identified"
    );
    assert!(stats.replayed >= 1, "the message came by replay");
    bot.next(|s| matches!(s, Seen::Resumed).then_some(())).await;
}

#[tokio::test]
async fn a_slash_command_and_a_button_click_round_trip() {
    let sim = common::sim().await;
    let mut bot = common::bot(&sim).await;
    bot.next(|s| matches!(s, Seen::Ready(_)).then_some(()))
        .await;
    Command::set_global_commands(
        &bot.http,
        vec![CreateCommand::new("ping").description("Pong !")],
    )
    .await
    .expect("commands registered");
    let ix = sim
        .user("karim")
        .slash("#discussion", "/ping")
        .expect("the command exists");
    let response = sim.wait_response(&ix).await.expect("the bot answered");
    assert_eq!(
        (response.kind, response.content.as_str()),
        (PostKind::Created, "pong")
    );
    assert_eq!(response.button_labels(), ["Encore"]);
    let message = response.message_id.expect("a message");
    let click = sim
        .user("karim")
        .click(message, "Encore")
        .expect("the button is there");
    let update = sim
        .wait_response(&click)
        .await
        .expect("the bot answered the click");
    assert_eq!(
        (update.kind, update.content.as_str()),
        (PostKind::Edited, "pong encore (ping:again)")
    );
    bot.next(|s| matches!(s, Seen::Interaction(_)).then_some(()))
        .await;
    let callbacks = sim
        .calls()
        .into_iter()
        .filter(|c| c.path.starts_with("/interactions/"))
        .count();
    assert_eq!(callbacks, 2);
    sim.assert_no_violations();
}

#[tokio::test]
async fn a_rate_limited_route_fails_with_429_in_serenity() {
    let sim = common::sim().await;
    let bot = common::bot(&sim).await;
    let channel = ChannelId::new(sim.channel_id("#discussion").expect("channel"));
    sim.rate_limit(
        "POST /channels/*/messages",
        Duration::from_millis(1500),
        FaultWindow::Times(1),
    );
    let error = channel
        .say(&bot.http, "salut")
        .await
        .expect_err("rate limited");
    match error {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(response)) => {
            assert_eq!(response.status_code.as_u16(), 429);
            assert_eq!(response.error.message, "You are being rate limited.");
        }
        other => panic!("expected an unsuccessful request, got {other:?}"),
    }
    channel
        .say(&bot.http, "salut")
        .await
        .expect("the window was one request");
    let statuses: Vec<u16> = sim
        .calls()
        .iter()
        .filter(|c| c.method == "POST")
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
}
