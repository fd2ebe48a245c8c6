//! promeneur: a Discord bot for the Promeneurs du Net.
//!
//! Data flows one way: Discord event -> inbound adapter (`discord`) -> flow (`flows`) asking a
//! pure decision (`domain`) -> store (state + outbox, one transaction, `store`) -> delivery
//! worker (`outbound`) -> Discord. Timed work runs on the scheduler (`jobs`). The README's
//! "Architecture" section says where each feature goes.
pub mod app;
pub mod bot;
pub mod chart;
pub mod config;
pub mod discord;
pub mod domain;
pub mod export;
pub mod flows;
pub mod jobs;
pub mod metrics;
pub mod outbound;
pub mod prompts;
#[cfg(feature = "sandbox")]
pub mod sandbox;
/// Detection: the `promeneur-safety` crate (normalisation, rules, matching).
pub use promeneur_safety as safety;
pub mod scan;
pub mod scheduler;
pub mod store;
pub mod telemetry;
