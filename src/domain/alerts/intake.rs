//! Intake: what one flagged message (or edit) does to the alerts, decided in one place.
//!
//! The flow loads what the store knows (the flag already kept for this message, the young
//! person's latest active alert), asks [`decide`], and applies the answer in one transaction:
//! the burst placement ([`super::burst`]), the escalation schedule and the helpline card are
//! all decided here, with no I/O.

use std::collections::BTreeSet;

use super::about::Reading;
use super::aggregate::{Alert, Change, FlagFacts};
use super::burst::{FlagPlacement, NewFlag, OpenAlertRef};
use super::{AlertStatus, BurstPolicy, EscalationPolicy};
use crate::domain::effects::Effect;
use crate::domain::helpline::HelplinePolicy;
use crate::safety::{Category, Severity, Stance};

/// The policies an intake decision follows (from the configuration).
#[derive(Debug, Clone, Copy)]
pub struct IntakePolicy<'a> {
    pub burst: &'a BurstPolicy,
    pub escalation: &'a EscalationPolicy,
    pub helpline: &'a HelplinePolicy,
}

/// A message the scanner flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedMessage {
    pub severity: Severity,
    pub categories: BTreeSet<Category>,
    /// When it was sent (or edited), unix ms.
    pub at: i64,
    pub edit: bool,
    /// Whom it is about (its stance, its target).
    pub reading: Reading,
}

/// What the store knows around the message.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    /// The flag already kept for this message (its severity) and the alert holding it.
    pub message_flag: Option<(Severity, &'a Alert)>,
    /// The latest alert that is not closed, whose last message falls within the burst
    /// window, about the same young person (the message's subject; for an aggression whose
    /// target is unknown, the latest such alert of the same author).
    pub author_latest: Option<&'a Alert>,
    /// The categories of the other flags of the message's alert (for an edit).
    pub sibling_categories: &'a BTreeSet<Category>,
}

static NO_CATEGORIES: BTreeSet<Category> = BTreeSet::new();

impl Default for Known<'_> {
    /// Nothing known: a first flag.
    fn default() -> Self {
        Known {
            message_flag: None,
            author_latest: None,
            sibling_categories: &NO_CATEGORIES,
        }
    }
}

/// A new alert to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAlert {
    pub severity: Severity,
    pub categories: BTreeSet<Category>,
    pub next_escalation_at: Option<i64>,
    /// Whom the alert is about.
    pub reading: Reading,
    /// Whether a helpline card goes out (to whom: [`Alert::card_recipient`]).
    pub helpline_card: bool,
}

impl OpenAlert {
    /// The effects of the alert once the store gave it its id: post it, and send the card.
    pub fn effects(&self, alert_id: i64) -> Vec<Effect> {
        let mut effects = vec![Effect::PostAlert { alert_id }];
        if self.helpline_card {
            effects.push(Effect::HelplineCard { alert_id });
        }
        effects
    }
}

/// The decision for a flagged message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intake {
    /// Nothing to store but the exchange (the flag has no severity).
    Ignore,
    /// The message's alert already says as much (a replayed event, an edit that adds nothing).
    Unchanged,
    /// Open a new alert holding the message's flag (moved there if an edit made a message of
    /// a closed alert graver).
    Open(OpenAlert),
    /// The message joins this alert (its flag is added to `change.alert.id`).
    Join(Change),
    /// An edit made the message graver; its alert is raised (its flag is updated).
    Raise(Change),
}

/// Decides what a flagged message does.
pub fn decide(policy: IntakePolicy<'_>, msg: &FlaggedMessage, known: Known<'_>) -> Intake {
    if known.message_flag.is_some() && !msg.edit {
        return Intake::Unchanged;
    }
    let flag = NewFlag {
        severity: msg.severity,
        at: msg.at,
    };
    let latest = known.author_latest.map(placement_ref);
    let placement = match known.message_flag {
        Some((flag_severity, alert)) => {
            // The flag's own severity decides whether the edit says more than before.
            let of_message = OpenAlertRef {
                severity: flag_severity,
                ..placement_ref(alert)
            };
            policy.burst.place_edit(flag, Some(of_message), latest)
        }
        None => policy.burst.place_message(flag, latest),
    };
    let facts = FlagFacts {
        severity: msg.severity,
        categories: msg.categories.clone(),
        target: msg.reading.target,
        at: msg.at,
    };
    match placement {
        FlagPlacement::Ignore => Intake::Ignore,
        FlagPlacement::Unchanged { .. } => Intake::Unchanged,
        FlagPlacement::NewAlert => Intake::Open(OpenAlert {
            severity: msg.severity,
            categories: msg.categories.clone(),
            next_escalation_at: policy.escalation.next_escalation(
                AlertStatus::Open,
                msg.severity,
                msg.at,
                0,
            ),
            reading: msg.reading,
            helpline_card: match msg.reading.stance {
                Stance::SelfDisclosure | Stance::ThirdParty => {
                    policy.helpline.wants_card(&msg.categories)
                }
                // The target gets support; an unknown target means no card to anyone.
                Stance::Aggression => {
                    msg.reading.target.is_some()
                        && policy.helpline.wants_targeted_card(&msg.categories)
                }
            },
        }),
        FlagPlacement::GroupInto { .. } => match known.author_latest {
            Some(alert) => Intake::Join(alert.group(&facts, policy.escalation)),
            None => Intake::Ignore,
        },
        FlagPlacement::UpdateSeverity { severity, .. } => match known.message_flag {
            Some((_, alert)) => {
                let categories = known
                    .sibling_categories
                    .union(&msg.categories)
                    .copied()
                    .collect();
                Intake::Raise(alert.raise(severity, categories, policy.escalation))
            }
            None => Intake::Ignore,
        },
    }
}

fn placement_ref(a: &Alert) -> OpenAlertRef {
    OpenAlertRef {
        alert_id: a.id,
        status: a.status(),
        severity: a.severity,
        last_message_at: a.last_message_at,
    }
}

#[cfg(test)]
mod tests {
    use super::super::aggregate::tests::{open_alert, T0};
    use super::*;

    const MIN: i64 = 60_000;

    fn decide_with(msg: &FlaggedMessage, known: Known<'_>) -> Intake {
        let policy = IntakePolicy {
            burst: &BurstPolicy::default(),
            escalation: &EscalationPolicy::default(),
            helpline: &HelplinePolicy::default(),
        };
        decide(policy, msg, known)
    }

    fn message(severity: Severity, category: Category, at: i64) -> FlaggedMessage {
        FlaggedMessage {
            severity,
            categories: [category].into(),
            at,
            edit: false,
            reading: Reading {
                stance: Stance::SelfDisclosure,
                target: None,
                subject: Some(3),
            },
        }
    }

    #[test]
    fn an_insult_sends_the_card_to_its_target_and_one_with_no_known_target_sends_none() {
        let aimed = FlaggedMessage {
            reading: Reading {
                stance: Stance::Aggression,
                target: Some(8),
                subject: Some(8),
            },
            ..message(Severity::High, Category::Harassment, T0)
        };
        let Intake::Open(open) = decide_with(&aimed, Known::default()) else {
            panic!("a first flag opens an alert");
        };
        assert!(open.helpline_card);
        let unknown = FlaggedMessage {
            reading: Reading {
                stance: Stance::Aggression,
                target: None,
                subject: None,
            },
            ..aimed
        };
        let Intake::Open(open) = decide_with(&unknown, Known::default()) else {
            panic!("a first flag opens an alert");
        };
        assert!(!open.helpline_card);
    }

    #[test]
    fn a_first_worrying_message_opens_an_alert_with_its_card_and_its_reminder() {
        let msg = message(Severity::Critical, Category::SuicideSelfharm, T0);
        let Intake::Open(open) = decide_with(&msg, Known::default()) else {
            panic!("a first flag opens an alert");
        };
        assert!(open.helpline_card);
        assert_eq!(open.next_escalation_at, Some(T0 + 5 * MIN));
        assert_eq!(
            open.effects(9),
            [
                Effect::PostAlert { alert_id: 9 },
                Effect::HelplineCard { alert_id: 9 }
            ]
        );
    }

    #[test]
    fn a_category_without_a_card_opens_an_alert_that_only_reaches_the_promeneurs() {
        let msg = message(Severity::Medium, Category::Substances, T0);
        let Intake::Open(open) = decide_with(&msg, Known::default()) else {
            panic!("a first flag opens an alert");
        };
        assert_eq!(open.effects(9), [Effect::PostAlert { alert_id: 9 }]);
    }

    #[test]
    fn a_message_of_the_same_burst_joins_the_alert() {
        let alert = open_alert(Severity::High);
        let msg = message(Severity::Medium, Category::Harassment, T0 + MIN);
        let known = Known {
            author_latest: Some(&alert),
            ..Known::default()
        };
        let Intake::Join(change) = decide_with(&msg, known) else {
            panic!("the message joins the burst");
        };
        assert_eq!(change.alert.id, alert.id);
        assert_eq!(change.alert.message_count, 2);
    }

    #[test]
    fn a_replayed_message_changes_nothing() {
        let alert = open_alert(Severity::High);
        let msg = message(Severity::High, Category::Distress, T0);
        let known = Known {
            message_flag: Some((Severity::High, &alert)),
            ..Known::default()
        };
        assert_eq!(decide_with(&msg, known), Intake::Unchanged);
    }

    #[test]
    fn an_edit_that_makes_a_message_graver_raises_its_alert_with_all_its_categories() {
        let alert = open_alert(Severity::Medium);
        let siblings: BTreeSet<Category> = [Category::Distress].into();
        let msg = FlaggedMessage {
            edit: true,
            ..message(Severity::Critical, Category::SuicideSelfharm, T0 + MIN)
        };
        let known = Known {
            message_flag: Some((Severity::Medium, &alert)),
            author_latest: Some(&alert),
            sibling_categories: &siblings,
        };
        let Intake::Raise(change) = decide_with(&msg, known) else {
            panic!("the edit raises the alert");
        };
        assert_eq!(change.alert.severity, Severity::Critical);
        assert_eq!(
            change.alert.categories,
            [Category::SuicideSelfharm, Category::Distress].into()
        );
    }
}
