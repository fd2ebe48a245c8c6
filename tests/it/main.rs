//! Integration and end-to-end tests: one test binary, one module per area.

mod cli;
mod crash;
mod digest;
mod e2e;
mod export;
mod flood;
mod harassment;
mod permanences;
mod processes;
mod questions;
mod resources;
mod rights;
mod sandbox;
mod scheduler;
mod service;
mod store;
mod support;
