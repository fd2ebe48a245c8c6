//! Integration and end-to-end tests: one test binary, one module per area.

mod cli;
mod e2e;
mod store;
mod support;
