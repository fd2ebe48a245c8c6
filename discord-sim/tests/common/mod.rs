//! A real serenity client pointed at a sim, forwarding what it receives on a channel.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use discord_sim::{GuildSpec, Sim, SimHandle};
use serde_json::Value;
use serenity::all::ClientBuilder;
use serenity::all::{
    ButtonStyle, ComponentInteraction, Context, CreateActionRow, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, EventHandler, GatewayIntents,
    GuildId, HttpBuilder, Interaction, Message, Ready, ResumedEvent,
};
use serenity::async_trait;
use serenity::http::Http;
use tokio::sync::mpsc;

/// What the bot saw, in order.
#[derive(Debug)]
pub enum Seen {
    Ready(Box<Ready>),
    GuildCreate(GuildId, usize),
    Message(Box<Message>),
    Interaction(Box<Interaction>),
    Resumed,
}

/// A minimal bot: forwards events, answers "ping" with "pong", answers /ping with a button,
/// and a click on the button by editing the message.
struct Forward(mpsc::UnboundedSender<Seen>);

#[async_trait]
impl EventHandler for Forward {
    async fn ready(&self, _: Context, ready: Ready) {
        let _ = self.0.send(Seen::Ready(Box::new(ready)));
    }

    async fn guild_create(&self, _: Context, guild: serenity::all::Guild, _: Option<bool>) {
        let _ = self
            .0
            .send(Seen::GuildCreate(guild.id, guild.channels.len()));
    }

    async fn message(&self, ctx: Context, message: Message) {
        if message.content == "ping" && !message.author.bot {
            let _ = message.channel_id.say(&ctx.http, "pong").await;
        }
        let _ = self.0.send(Seen::Message(Box::new(message)));
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match &interaction {
            Interaction::Command(command) => {
                let button = CreateButton::new("ping:again")
                    .label("Encore")
                    .style(ButtonStyle::Primary);
                let reply = CreateInteractionResponseMessage::new()
                    .content("pong")
                    .components(vec![CreateActionRow::Buttons(vec![button])]);
                let _ = command
                    .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
                    .await;
            }
            Interaction::Component(click) => answer_click(&ctx, click).await,
            _ => {}
        }
        let _ = self.0.send(Seen::Interaction(Box::new(interaction)));
    }

    async fn resume(&self, _: Context, _: ResumedEvent) {
        let _ = self.0.send(Seen::Resumed);
    }
}

async fn answer_click(ctx: &Context, click: &ComponentInteraction) {
    let update = CreateInteractionResponseMessage::new()
        .content(format!("pong encore ({})", click.data.custom_id))
        .components(Vec::new());
    let _ = click
        .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(update))
        .await;
}

pub struct Bot {
    pub http: Arc<Http>,
    pub seen: mpsc::UnboundedReceiver<Seen>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Bot {
    /// The next thing seen that `pick` accepts, skipping the rest (5 s at most).
    pub async fn next<T>(&mut self, mut pick: impl FnMut(Seen) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let seen = tokio::time::timeout_at(deadline, self.seen.recv())
                .await
                .expect("the bot saw the expected event in time")
                .expect("the client is running");
            if let Some(found) = pick(seen) {
                return found;
            }
        }
    }
}

pub fn guild() -> GuildSpec {
    GuildSpec::new("Promeneurs")
        .role("Promeneur")
        .text_channel("discussion")
        .text_channel("annonces")
        .text_channel("coulisses")
        .bot_cannot_send("annonces")
        .bot_cannot_see("coulisses")
        .member("lea", &[])
        .member("karim", &["Promeneur"])
        .member_refusing_dms("sami", &[])
}

pub async fn sim() -> SimHandle {
    Sim::start([guild()]).await.expect("the sim starts")
}

/// Starts the real serenity client against the sim, the way the bot does.
pub async fn bot(sim: &SimHandle) -> Bot {
    let http = HttpBuilder::new(sim.token())
        .proxy(sim.api_base())
        .ratelimiter_disabled(true)
        .build();
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    let (tx, seen) = mpsc::unbounded_channel();
    let mut client = ClientBuilder::new_with_http(http, intents)
        .event_handler(Forward(tx))
        .await
        .expect("the client builds");
    let http = client.http.clone();
    let task = tokio::spawn(async move {
        let _ = client.start().await;
    });
    Bot { http, seen, task }
}

/// One raw REST request as the bot, with its status, headers and JSON body (Null if none).
pub async fn send(
    sim: &SimHandle,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let client = reqwest::Client::new();
    let url = format!("{}/api/v10{path}", sim.api_base());
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = client
        .request(method, url)
        .header("Authorization", format!("Bot {}", sim.token()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the sim answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}
