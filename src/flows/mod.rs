//! Flows: the glue between a pure decision and the store, with no Discord type. Each flow takes
//! what an adapter saw, loads what the store knows, asks the domain what to do, and writes the
//! state and its effects in one transaction. Integration tests call them on a real database.

pub mod alerts;
pub mod conversations;
pub mod digest;
pub mod escalation;
pub mod guild_rules;
pub mod helpline;
pub mod message;
pub mod permanences;
pub mod questions;
pub mod resources;
pub mod rights;

use crate::domain::alerts::Change;
use crate::store::{alerts as alert_store, outbox, Tx};

/// Saves a change decided on an alert and stores its effects, in `tx`. False when another
/// process saved the alert first: the caller rolls back and decides again from the alert as
/// it now is. A change that changes nothing writes nothing.
pub(crate) async fn apply_change(tx: &mut Tx, change: &Change, now: i64) -> anyhow::Result<bool> {
    if !change.changed {
        return Ok(true);
    }
    if !alert_store::save(&mut **tx, &change.alert).await? {
        return Ok(false);
    }
    for effect in &change.effects {
        let priority = effect.priority(change.alert.severity);
        outbox::enqueue(&mut **tx, effect, priority, now).await?;
    }
    Ok(true)
}
