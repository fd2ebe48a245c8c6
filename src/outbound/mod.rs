//! Outbound: carrying stored effects out on Discord. The delivery worker ([`delivery`]) claims
//! due outbox entries, the executor ([`execute`]) renders each from the state current at
//! delivery time ([`render`], texts from `prompts`) and sends it with the REST client
//! ([`rest`]), which reads Discord's rate-limit answers. Inbound events and commands live in
//! `discord`; nothing here reacts to Discord, it only speaks to it.

pub mod delivery;
mod digest;
pub mod execute;
mod permanences;
pub mod questions;
pub mod render;
pub mod resources;
pub mod rest;
