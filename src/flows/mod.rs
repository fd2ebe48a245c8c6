//! Flows: the glue between a pure decision and the store, with no Discord type. Each flow takes
//! what an adapter saw, asks the domain what to do, and writes state and effects in one
//! transaction. Integration tests call them directly on a real database.

pub mod alerts;
pub mod message;
