//! Pure decisions: no I/O, no Discord, no database. Each submodule has its tests beside it.
//! Detection itself is its own crate, re-exported as `crate::safety`.
pub mod alerts;
pub mod categories;
pub mod digest;
pub mod effects;
pub mod guild_rules;
pub mod helpline;
pub mod permanences;
pub mod pseudonym;
pub mod questions;
pub mod resources;
pub mod themes;
