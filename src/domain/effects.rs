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
    /// Announce in the question channels that a permanence has started (one occurrence of a
    /// slot, by its UTC start).
    AnnouncePermanence { slot_id: i64, start_ms: i64 },
    /// Create the Discord scheduled event of one occurrence of a slot.
    CreatePermanenceEvent { slot_id: i64, start_ms: i64 },
    /// Delete the Discord scheduled event of an occurrence that no longer happens.
    DeletePermanenceEvent { slot_id: i64, start_ms: i64 },
    /// Give a question its thread and acknowledgement: post it first when the bot writes it
    /// (anonymous question, private question's head), start the thread, post the
    /// acknowledgement. `generation` counts the threads a private question had (a thread
    /// deleted by hand gets a new one).
    QuestionThread { question_id: i64, generation: i64 },
    /// Edit a question's acknowledgement to show it taken, answered or closed.
    RefreshQuestion { question_id: i64, version: i64 },
    /// Relay a young person's text (a DM) into the question's staff thread.
    RelayIn { message_id: i64 },
    /// Relay a promeneur's answer to the young person by DM.
    RelayOut { message_id: i64 },
    /// Tell the young person about their question by DM (answered, closed).
    QuestionNotice { question_id: i64, notice: Notice },
    /// Remind (step 1) or escalate (step 2) a question nobody answered.
    QuestionNudge { question_id: i64, step: i64 },
    /// Tell the promeneur who held an alert (or the alert channel) that it was closed because
    /// the young person erased their data; says nothing of the content.
    AlertErased { alert_id: i64 },
    /// Post a guild's weekly digest of `week` ("2026-W47") to its coordination channel, with
    /// the numbers as they stand at delivery.
    PostDigest { guild_id: u64, week: String },
}

/// What a young person is told about their question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// Their first DM opened a private question: it is passed on, only staff read it.
    Opened,
    /// Their anonymous question got an answer (with the link).
    Answered,
    /// Their private question was closed; writing again opens a new one.
    Closed,
}

impl Effect {
    pub fn kind(&self) -> &'static str {
        match self {
            Effect::PostAlert { .. } => "post_alert",
            Effect::RefreshAlert { .. } => "refresh_alert",
            Effect::HelplineCard { .. } => "helpline_card",
            Effect::Escalate { .. } => "escalate",
            Effect::QuestionThread { .. } => "question_thread",
            Effect::RefreshQuestion { .. } => "refresh_question",
            Effect::RelayIn { .. } => "relay_in",
            Effect::RelayOut { .. } => "relay_out",
            Effect::QuestionNotice { .. } => "question_notice",
            Effect::QuestionNudge { .. } => "question_nudge",
            Effect::AnnouncePermanence { .. } => "announce_permanence",
            Effect::CreatePermanenceEvent { .. } => "create_permanence_event",
            Effect::DeletePermanenceEvent { .. } => "delete_permanence_event",
            Effect::PostResource { .. } => "post_resource",
            Effect::RefreshResource { .. } => "refresh_resource",
            Effect::DeleteResource { .. } => "delete_resource",
            Effect::AlertErased { .. } => "alert_erased",
            Effect::PostDigest { .. } => "post_digest",
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
            Effect::AnnouncePermanence { slot_id, start_ms } => {
                format!("permanence:{slot_id}:{start_ms}:announce")
            }
            Effect::CreatePermanenceEvent { slot_id, start_ms } => {
                format!("permanence:{slot_id}:{start_ms}:event")
            }
            Effect::DeletePermanenceEvent { slot_id, start_ms } => {
                format!("permanence:{slot_id}:{start_ms}:event-delete")
            }
            Effect::QuestionThread {
                question_id,
                generation,
            } => format!("question:{question_id}:thread:g{generation}"),
            Effect::RefreshQuestion {
                question_id,
                version,
            } => format!("question:{question_id}:refresh:v{version}"),
            Effect::RelayIn { message_id } => format!("qmsg:{message_id}:in"),
            Effect::RelayOut { message_id } => format!("qmsg:{message_id}:out"),
            Effect::QuestionNotice {
                question_id,
                notice,
            } => format!("question:{question_id}:notice:{notice:?}"),
            Effect::QuestionNudge { question_id, step } => {
                format!("question:{question_id}:nudge:{step}")
            }
            Effect::PostResource { resource_id } => format!("resource:{resource_id}:post"),
            Effect::RefreshResource {
                resource_id,
                version,
            } => format!("resource:{resource_id}:refresh:v{version}"),
            Effect::DeleteResource { resource_id } => format!("resource:{resource_id}:delete"),
            Effect::AlertErased { alert_id } => format!("alert:{alert_id}:erased"),
            Effect::PostDigest { guild_id, week } => format!("digest:{guild_id}:{week}"),
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
            // A young person's words may carry distress (they are scanned once relayed): they
            // go with critical alerts; answers and threads right after.
            // The thread first (same rank, older entry), since a relay waits for it.
            Effect::RelayIn { .. } | Effect::QuestionThread { .. } => 1,
            Effect::RelayOut { .. } => 2,
            Effect::QuestionNotice { .. } | Effect::QuestionNudge { .. } => 3,
            Effect::RefreshQuestion { .. } => 6,
            // Announcements and the Events tab wait behind every alert.
            Effect::AnnouncePermanence { .. } => 9,
            Effect::CreatePermanenceEvent { .. } | Effect::DeletePermanenceEvent { .. } => 10,
            // Resources are never urgent: they wait behind every alert.
            Effect::PostResource { .. }
            | Effect::RefreshResource { .. }
            | Effect::DeleteResource { .. } => RESOURCE_PRIORITY,
            Effect::AlertErased { .. } => by_severity + 1,
            // The digest is read on Monday morning: after everything else.
            Effect::PostDigest { .. } => RESOURCE_PRIORITY + 1,
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

    fn all() -> [Effect; 18] {
        [
            Effect::AlertErased { alert_id: 9 },
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
            Effect::AnnouncePermanence {
                slot_id: 1,
                start_ms: 5,
            },
            Effect::CreatePermanenceEvent {
                slot_id: 1,
                start_ms: 5,
            },
            Effect::DeletePermanenceEvent {
                slot_id: 1,
                start_ms: 5,
            },
            Effect::QuestionThread {
                question_id: 1,
                generation: 0,
            },
            Effect::RefreshQuestion {
                question_id: 1,
                version: 2,
            },
            Effect::RelayIn { message_id: 1 },
            Effect::RelayOut { message_id: 1 },
            Effect::QuestionNotice {
                question_id: 1,
                notice: Notice::Answered,
            },
            Effect::QuestionNotice {
                question_id: 1,
                notice: Notice::Closed,
            },
            Effect::QuestionNudge {
                question_id: 1,
                step: 1,
            },
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
        assert_eq!(keys.len(), 18);
        let later = Effect::RefreshAlert {
            alert_id: 2,
            version: 6,
        };
        assert!(!keys.contains(&later.dedup_key()));
    }
}
