//! Pure decisions: no I/O, no Discord, no database. Each submodule has its tests beside it.
pub mod alerts;
pub mod helpline;
pub mod safety;
