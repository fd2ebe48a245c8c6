//! Pure decisions: no I/O, no Discord, no database. Each submodule has its tests beside it.
pub mod alerts;
pub mod effects;
pub mod helpline;
pub mod pseudonym;
pub use promeneur_safety as safety;
