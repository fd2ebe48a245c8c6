//! promeneur: a Discord bot for the Promeneurs du Net.
//!
//! Data flows one way: Discord event -> adapter (`discord`) -> pure decision (`domain`) ->
//! store (state + outbox, one transaction) -> delivery worker (`jobs`) -> Discord.
pub mod app;
pub mod bot;
pub mod config;
pub mod discord;
pub mod domain;
pub mod flows;
pub mod jobs;
pub mod prompts;
pub mod sandbox;
pub mod scan;
pub mod scheduler;
pub mod store;
pub mod telemetry;
