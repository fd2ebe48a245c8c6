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

/// Logs a failed event or command with its error chain (never message content).
pub fn log_error(what: &str, e: &anyhow::Error) {
    error!(error = %format!("{e:#}"), "{what} failed");
}
