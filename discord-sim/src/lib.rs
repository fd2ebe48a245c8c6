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
pub use record::{RecordedCall, Violation};
pub use spec::GuildSpec;
