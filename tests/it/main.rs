//! Integration and end-to-end tests: one test binary, one module per area.

mod cli;
mod crash;
mod digest;
mod digest_e2e;
mod digest_seed;
mod e2e;
mod export;
mod flood;
mod guild_rules;
mod harassment;
mod journal;
mod motcle;
mod permanences;
mod permanences_e2e;
mod pile_on;
mod processes;
mod questions;
mod questions_private;
mod resources;
mod rights;
mod sandbox;
mod scheduler;
mod service;
mod store;
mod support;
