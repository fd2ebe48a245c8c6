//! Effects: what the bot decided must happen on Discord. They are stored in the outbox in the
//! same transaction as the state change they follow from, and carried out by the delivery
//! worker, which renders them from the state current at delivery time.

use serde::{Deserialize, Serialize};

/// One outward effect. The JSON form is the outbox payload; `kind()` is its `kind` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Post the alert to its guild's alert channel.
    PostAlert { alert_id: i64 },
    /// Edit the posted alert to show its current state (a grouped message, a raised severity,
    /// taken, closed, a refused helpline card).
    RefreshAlert { alert_id: i64 },
    /// Send the young person the helpline card by DM.
    HelplineCard { alert_id: i64 },
    /// Remind the coordinators that the alert has not been taken.
    Escalate { alert_id: i64, step: i64 },
}

impl Effect {
    pub fn kind(&self) -> &'static str {
        match self {
            Effect::PostAlert { .. } => "post_alert",
            Effect::RefreshAlert { .. } => "refresh_alert",
            Effect::HelplineCard { .. } => "helpline_card",
            Effect::Escalate { .. } => "escalate",
        }
    }

    /// The payload stored in the outbox.
    pub fn to_payload(&self) -> String {
        // Serialising a plain enum of integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_payload(payload: &str) -> Result<Effect, serde_json::Error> {
        serde_json::from_str(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_round_trip_through_the_outbox_payload() {
        for e in [
            Effect::PostAlert { alert_id: 1 },
            Effect::RefreshAlert { alert_id: 2 },
            Effect::HelplineCard { alert_id: 3 },
            Effect::Escalate {
                alert_id: 4,
                step: 2,
            },
        ] {
            assert_eq!(Effect::from_payload(&e.to_payload()).ok(), Some(e));
        }
    }
}
