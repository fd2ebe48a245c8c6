//! discord-sim: a local Discord-compatible server (REST under /api/v10 and a WebSocket gateway)
//! that the unmodified serenity/poise client talks to, for end-to-end tests and the sandbox.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use discord_sim::{GuildSpec, Sim};
//! let sim = Sim::start([GuildSpec::new("Promeneurs")
//!     .text_channel("discussion")
//!     .role("Promeneur")
//!     .member("lea", &[])
//!     .member("karim", &["Promeneur"])])
//! .await?;
//! // Give sim.api_base() to serenity's HttpBuilder::proxy, start the bot, then:
//! sim.user("lea").post("#discussion", "salut")?;
//! let reply = sim.wait_message_in("#discussion", |m| m.content.contains("salut")).await?;
//! sim.assert_no_violations();
//! # Ok(()) }
//! ```
//!
//! Faults are injected on demand ([`SimHandle::rate_limit`], [`SimHandle::fail`],
//! [`SimHandle::latency`]). Discord's real REST rate limits are emulated when switched on
//! ([`SimHandle::emulate_rate_limits`] or [`Sim::rate_limits`]): per-route buckets counted per
//! channel (or guild, or webhook), the global 50 requests per second, the `X-RateLimit-*`
//! headers on every response of a limited route, and 429s with Discord's body; see
//! [`ratelimits`] for the preset table and [`SimHandle::rate_limit_stats`] for the counts.
//!
//! ```no_run
//! # async fn demo(sim: discord_sim::SimHandle) {
//! use std::time::Duration;
//! use discord_sim::RateLimits;
//! sim.emulate_rate_limits(RateLimits::discord());
//! // or shorter windows to keep a test fast:
//! sim.emulate_rate_limits(RateLimits::off().route(
//!     "POST /channels/{channel_id}/messages",
//!     5,
//!     Duration::from_millis(300),
//! ));
//! // ... run the bot, then:
//! let stats = sim.rate_limit_stats();
//! assert_eq!(stats.rejected, 0);
//! # }
//! ```

mod api;
mod components;
pub mod demo;
mod error;
mod faults;
mod feed;
mod gateway;
mod ids;
mod openapi;
mod ops;
pub mod perms;
pub mod ratelimits;
mod record;
mod render;
mod rest;
mod server;
mod setup;
mod spec;
mod state;

#[cfg(test)]
mod fixtures_parse;

pub use api::{InteractionRef, MessageView, Sim, SimError, SimHandle, SimUser};
pub use faults::FaultWindow;
pub use feed::{BotPost, PostKind};
pub use gateway::hub::GatewayStats;
pub use openapi::SPEC_ENV;
pub use ratelimits::{Limit, RateLimitStats, RateLimits};
pub use record::{RecordedCall, Violation};
pub use spec::GuildSpec;
pub use state::Upload;
