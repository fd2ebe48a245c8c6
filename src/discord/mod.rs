//! The inbound serenity/poise adapter: builds the client, turns gateway events into flows and
//! runs slash commands. Effects go out through `outbound`; nothing else knows serenity.

pub mod commands;
pub mod events;
mod questions;

use std::sync::Arc;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use tracing::{error, info, warn};

use crate::bot::Bot;
use crate::config::{Secret, DEFAULT_API_BASE};

/// What every command and event handler gets.
pub type Data = Arc<Bot>;
pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// The gateway intents the bot needs: guilds (channels, roles, threads), guild messages and
/// their content (privileged: enable "Message Content Intent" in the developer portal), DMs.
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::MESSAGE_CONTENT
        | serenity::GatewayIntents::DIRECT_MESSAGES
}

/// serenity's HTTP client. Behind another API base (a rate-limit proxy, discord-sim) every URL
/// is rewritten and serenity's ratelimiter must be off, because it ignores the proxy setting;
/// deliveries then handle 429 themselves (see `rest`).
pub fn http_client(api_base: &str, token: &Secret) -> serenity::Http {
    let builder = serenity::HttpBuilder::new(token.expose());
    if api_base == DEFAULT_API_BASE {
        builder.build()
    } else {
        builder.proxy(api_base).ratelimiter_disabled(true).build()
    }
}

/// Builds the serenity client with the poise framework. Commands are registered in each
/// configured guild when the gateway is ready (instant, unlike global registration).
pub async fn build_client(bot: Data, token: &Secret) -> anyhow::Result<serenity::Client> {
    let http = http_client(&bot.config.api_base, token);
    let setup_bot = bot.clone();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            event_handler: |framework, event| Box::pin(events::handle(framework, event)),
            on_error: |err| Box::pin(commands::on_error(err)),
            // Replies never ping anyone unless a command says so explicitly.
            allowed_mentions: Some(serenity::CreateAllowedMentions::new()),
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                let guilds: Vec<u64> = setup_bot.config.guilds.iter().map(|g| g.id.0).collect();
                if guilds.is_empty() {
                    poise::builtins::register_globally(ctx, commands).await?;
                }
                for g in guilds {
                    if let Err(e) =
                        poise::builtins::register_in_guild(ctx, commands, serenity::GuildId::new(g))
                            .await
                    {
                        // A guild the bot is not in yet must not keep it from serving the others.
                        warn!(guild = g, error = %e, "registering commands failed");
                    }
                }
                info!(
                    user = %ready.user.name,
                    guilds = ?ready.guilds.iter().map(|g| g.id.get()).collect::<Vec<_>>(),
                    "READY: commands registered"
                );
                Ok(setup_bot)
            })
        })
        .build();
    serenity::ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .await
        .context("building the Discord client")
}

/// The shards to run: those configured, else all of Discord's recommended count
/// (`GET /gateway/bot`) in this one process.
pub async fn shards_to_run(
    bot: &Bot,
    client: &serenity::Client,
) -> anyhow::Result<crate::config::Shards> {
    if let Some(shards) = bot.config.shards {
        return Ok(shards);
    }
    let gateway = client
        .http
        .get_bot_gateway()
        .await
        .context("asking Discord for the recommended shard count (GET /gateway/bot)")?;
    Ok(crate::config::Shards::all(gateway.shards.max(1)))
}

/// Connects this process's shards and serves until they all stop.
pub async fn start(
    client: &mut serenity::Client,
    shards: crate::config::Shards,
) -> serenity::Result<()> {
    // serenity 0.12 takes the range's end as the last shard to run, included.
    client
        .start_shard_range(shards.first..shards.last, shards.count)
        .await
}

/// How many of this process's shards are connected, for `/healthz`: a shard counts once
/// its runner reports the Connected stage; a runner restarting after a lost connection is
/// absent meanwhile.
pub fn gateway_probe(
    manager: Arc<serenity::ShardManager>,
    expected: usize,
) -> crate::metrics::http::GatewayProbe {
    Arc::new(move || {
        let manager = manager.clone();
        Box::pin(async move {
            let runners = manager.runners.lock().await;
            let connected = runners
                .values()
                .filter(|r| r.stage == serenity::ConnectionStage::Connected)
                .count();
            (connected, expected)
        })
    })
}

/// Logs a failed event or command with its error chain (never message content).
pub fn log_error(what: &str, e: &anyhow::Error) {
    error!(error = %format!("{e:#}"), "{what} failed");
}
