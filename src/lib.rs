//! promeneur: a Discord bot for the Promeneurs du Net.
//!
//! Data flows one way: Discord event -> adapter (`discord`) -> pure decision (`domain`) ->
//! store (state + outbox, one transaction) -> delivery worker (`jobs`) -> Discord.
pub mod domain;
pub mod prompts;
pub mod scan;
