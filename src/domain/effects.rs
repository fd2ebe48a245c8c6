//! Effects: what the bot decided must happen on Discord. They are stored in the outbox in the
//! same transaction as the state change they follow from, and carried out by the delivery
//! worker (`outbound`), which renders them from the state current at delivery time.
//!
//! Each effect knows its dedup key: the outbox stores an effect once per key, so a decision
//! replayed (a gateway event delivered twice, a retried transaction) never acts twice.

use serde::{Deserialize, Serialize};

use crate::safety::Severity;

/// The delivery priority of resource effects: after every alert effect.
pub const RESOURCE_PRIORITY: i64 = 10;

/// One outward effect. The JSON form is the outbox payload; `kind()` is its `kind` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Post the alert to its guild's alert channel.
    PostAlert { alert_id: i64 },
    /// Edit the posted alert to show its state as of `version` or later (a grouped message, a
    /// raised severity, taken, closed, a refused helpline card).
    RefreshAlert {
        alert_id: i64,
        /// The alert's version after the change that called for the refresh. Entries written
        /// before versions existed read as 0.
        #[serde(default)]
        version: i64,
    },
    /// Send the young person the helpline card by DM.
    HelplineCard { alert_id: i64 },
    /// Remind the coordinators that the alert has not been taken.
    Escalate { alert_id: i64, step: i64 },
    /// Post a new resource's embed in its guild's resources channel.
    PostResource { resource_id: i64 },
    /// Edit the posted resource to show it as of `version` or later.
    RefreshResource { resource_id: i64, version: i64 },
    /// Delete the posted embed of a retired resource.
    DeleteResource { resource_id: i64 },
}

impl Effect {
    pub fn kind(&self) -> &'static str {
        match self {
            Effect::PostAlert { .. } => "post_alert",
            Effect::RefreshAlert { .. } => "refresh_alert",
            Effect::HelplineCard { .. } => "helpline_card",
            Effect::Escalate { .. } => "escalate",
            Effect::PostResource { .. } => "post_resource",
            Effect::RefreshResource { .. } => "refresh_resource",
            Effect::DeleteResource { .. } => "delete_resource",
        }
    }

    /// The key under which the outbox keeps this effect once: one post and one card per
    /// alert, one refresh per saved version, one reminder per escalation step.
    pub fn dedup_key(&self) -> String {
        match self {
            Effect::PostAlert { alert_id } => format!("alert:{alert_id}:post"),
            Effect::RefreshAlert { alert_id, version } => {
                format!("alert:{alert_id}:refresh:v{version}")
            }
            Effect::HelplineCard { alert_id } => format!("alert:{alert_id}:helpline"),
            Effect::Escalate { alert_id, step } => format!("alert:{alert_id}:escalate:{step}"),
            Effect::PostResource { resource_id } => format!("resource:{resource_id}:post"),
            Effect::RefreshResource {
                resource_id,
                version,
            } => format!("resource:{resource_id}:refresh:v{version}"),
            Effect::DeleteResource { resource_id } => format!("resource:{resource_id}:delete"),
        }
    }

    /// Its place in the delivery queue (0 first), given the severity of its alert: under a
    /// flood, a young person's helpline card and a critical alert never wait behind milder
    /// alerts, and refreshing posted alerts comes after posting new ones.
    pub fn priority(&self, severity: Severity) -> i64 {
        let by_severity = match severity {
            Severity::Critical => 1,
            Severity::High => 2,
            Severity::Medium => 3,
            Severity::Low | Severity::None => 4,
        };
        match self {
            Effect::HelplineCard { .. } => 0,
            Effect::PostAlert { .. } => by_severity,
            Effect::Escalate { .. } => by_severity + 1,
            Effect::RefreshAlert { .. } => by_severity + 4,
            // Resources are never urgent: they wait behind every alert.
            Effect::PostResource { .. }
            | Effect::RefreshResource { .. }
            | Effect::DeleteResource { .. } => RESOURCE_PRIORITY,
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

    fn all() -> [Effect; 7] {
        [
            Effect::PostAlert { alert_id: 1 },
            Effect::RefreshAlert {
                alert_id: 2,
                version: 5,
            },
            Effect::HelplineCard { alert_id: 3 },
            Effect::Escalate {
                alert_id: 4,
                step: 2,
            },
            Effect::PostResource { resource_id: 1 },
            Effect::RefreshResource {
                resource_id: 1,
                version: 2,
            },
            Effect::DeleteResource { resource_id: 1 },
        ]
    }

    #[test]
    fn effects_round_trip_through_the_outbox_payload() {
        for e in all() {
            assert_eq!(Effect::from_payload(&e.to_payload()).ok(), Some(e));
        }
    }

    #[test]
    fn a_refresh_stored_before_versions_existed_still_reads() {
        let old = r#"{"type":"refresh_alert","alert_id":2}"#;
        assert_eq!(
            Effect::from_payload(old).ok(),
            Some(Effect::RefreshAlert {
                alert_id: 2,
                version: 0
            })
        );
    }

    #[test]
    fn a_card_and_a_critical_alert_go_before_milder_alerts_and_edits() {
        let card = Effect::HelplineCard { alert_id: 1 }.priority(Severity::Low);
        let critical = Effect::PostAlert { alert_id: 2 }.priority(Severity::Critical);
        let medium = Effect::PostAlert { alert_id: 3 }.priority(Severity::Medium);
        let edit = Effect::RefreshAlert {
            alert_id: 2,
            version: 1,
        }
        .priority(Severity::Critical);
        assert!(card < critical && critical < medium && medium < edit);
    }

    #[test]
    fn every_effect_has_its_own_dedup_key() {
        let keys: std::collections::BTreeSet<String> =
            all().iter().map(Effect::dedup_key).collect();
        assert_eq!(keys.len(), 7);
        let later = Effect::RefreshAlert {
            alert_id: 2,
            version: 6,
        };
        assert!(!keys.contains(&later.dedup_key()));
    }
}
