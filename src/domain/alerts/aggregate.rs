//! The alert aggregate: an alert as the rest of the bot sees it, typed (statuses, severities,
//! category sets, helpline state), with every change it can go through.
//!
//! The store parses a row into an [`Alert`] once (a row that does not parse is an error) and
//! saves the result of a change with one conditional update on [`Alert::version`]. Each change
//! returns the new alert plus the [`Effect`]s it calls for; the flow applies both in one
//! transaction. So the state machine tested here is the one that runs.

use std::collections::BTreeSet;

use super::{AlertState, AlertStatus, EscalationPolicy, Outcome, TransitionError};
use crate::domain::effects::Effect;
use crate::safety::{Category, Severity, Stance};

/// What happened to the helpline card sent to the young person. (Its stored form is the
/// store's business.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HelplineStatus {
    Sent,
    /// The young person's DMs are closed to the bot.
    Refused,
    /// Discord refused for another reason.
    Failed,
}

impl HelplineStatus {
    pub const ALL: [HelplineStatus; 3] = [Self::Sent, Self::Refused, Self::Failed];
}

/// One young person's alert: the flags of a burst, grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    /// Bumped by every saved change; a save is conditional on it, so two processes acting on
    /// the same alert cannot both win.
    pub version: i64,
    /// The guild whose promeneurs receive it (`None`: a DM from someone in no configured guild).
    pub guild_id: Option<u64>,
    /// Where its first message was written.
    pub channel_id: u64,
    /// Who wrote the message that opened it, kept so a promeneur can reach them; erased with
    /// the alert.
    pub author_id: u64,
    pub author_pseudonym: String,
    /// Raised by an anonymous question (or erased on request): its author is never shown.
    pub anonymous: bool,
    /// How its first message read: a disclosure, an aggression, a worry about someone.
    pub stance: Stance,
    /// The young person an aggression targets, when known.
    pub target_id: Option<u64>,
    /// The young person the alert is about (see `about::Reading::subject`).
    pub subject_id: Option<u64>,
    pub severity: Severity,
    pub categories: BTreeSet<Category>,
    pub state: AlertState,
    pub message_count: u32,
    /// Time of the latest message grouped into the alert, unix ms.
    pub last_message_at: i64,
    pub helpline: Option<HelplineStatus>,
    /// Reminders sent to the coordinators so far.
    pub escalations: u32,
    pub next_escalation_at: Option<i64>,
    /// Where the alert is (to be) posted, and the posted message once delivered.
    pub alert_channel_id: Option<u64>,
    pub alert_message_id: Option<u64>,
    pub delivered_at: Option<i64>,
}

/// A change decided on an alert: the alert as it must be saved and what must follow on
/// Discord. `changed` is false for a change that changes nothing (a double click), which is
/// neither saved nor logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub alert: Alert,
    pub effects: Vec<Effect>,
    pub changed: bool,
}

impl Change {
    /// The alert as it is once this change is saved (a saved change moves the version on).
    pub fn into_saved(self) -> Alert {
        let mut alert = self.alert;
        if self.changed {
            alert.version += 1;
        }
        alert
    }

    fn unchanged(alert: &Alert) -> Change {
        Change {
            alert: alert.clone(),
            effects: Vec::new(),
            changed: false,
        }
    }
}

/// A flagged message that joins an alert, or raises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagFacts {
    pub severity: Severity,
    pub categories: BTreeSet<Category>,
    /// The young person the message targets, for an aggression (see `about`).
    pub target: Option<u64>,
    /// When the message was sent or edited, unix ms.
    pub at: i64,
}

impl Alert {
    pub fn status(&self) -> AlertStatus {
        self.state.status
    }

    /// Since when the alert has been waiting for someone: its flag, or its last reopening.
    pub fn waiting_since(&self) -> i64 {
        self.state.waiting_since()
    }

    /// The version the next save writes, used in the dedup key of the refresh it calls for.
    fn next_version(&self) -> i64 {
        self.version + 1
    }

    /// `self` changed into `alert`, with a refresh of the posted alert.
    fn refreshed(&self, alert: Alert, mut effects: Vec<Effect>) -> Change {
        effects.push(Effect::RefreshAlert {
            alert_id: self.id,
            version: self.next_version(),
        });
        Change {
            alert,
            effects,
            changed: true,
        }
    }

    /// A promeneur presses "Je prends" (or `/alerte prendre`). The same promeneur pressing
    /// again changes nothing and is answered as the first time.
    pub fn take(&self, by: u64, now: i64) -> Result<Change, TransitionError> {
        let state = self.state.take(by, now)?;
        if state == self.state {
            return Ok(Change::unchanged(self));
        }
        let alert = Alert {
            state,
            next_escalation_at: None,
            ..self.clone()
        };
        Ok(self.refreshed(alert, Vec::new()))
    }

    /// A staff member closes the alert with an outcome and an optional note.
    pub fn close(
        &self,
        by: u64,
        outcome: Outcome,
        note: Option<&str>,
        now: i64,
    ) -> Result<Change, TransitionError> {
        let state = self.state.close(by, outcome, note, now)?;
        let alert = Alert {
            state,
            next_escalation_at: None,
            ..self.clone()
        };
        Ok(self.refreshed(alert, Vec::new()))
    }

    /// A staff member reopens a closed alert: it waits again, and escalates again from `now`.
    pub fn reopen(&self, now: i64, policy: &EscalationPolicy) -> Result<Change, TransitionError> {
        let state = self.state.reopen(now)?;
        let next = policy.next_escalation(state.status, self.severity, state.waiting_since(), 0);
        let alert = Alert {
            state,
            escalations: 0,
            next_escalation_at: next,
            ..self.clone()
        };
        Ok(self.refreshed(alert, Vec::new()))
    }

    /// A reminder to the coordinators, if one is due at `now`. Reminders missed during
    /// downtime collapse into this one.
    pub fn escalate(&self, now: i64, policy: &EscalationPolicy) -> Option<Change> {
        let since = self.waiting_since();
        let steps = policy.due(self.status(), self.severity, since, self.escalations, now)?;
        let alert = Alert {
            escalations: steps,
            next_escalation_at: policy.next_escalation(self.status(), self.severity, since, steps),
            ..self.clone()
        };
        Some(Change {
            alert,
            effects: vec![Effect::Escalate {
                alert_id: self.id,
                step: i64::from(steps),
            }],
            changed: true,
        })
    }

    /// Records what became of the helpline card. When the young person did not get it, the
    /// posted alert says so, so the promeneurs know.
    pub fn record_helpline(&self, status: HelplineStatus) -> Change {
        if self.helpline == Some(status) {
            return Change::unchanged(self);
        }
        let alert = Alert {
            helpline: Some(status),
            ..self.clone()
        };
        if status == HelplineStatus::Sent {
            Change {
                alert,
                effects: Vec::new(),
                changed: true,
            }
        } else {
            self.refreshed(alert, Vec::new())
        }
    }

    /// A further flagged message of the burst joins the alert: its severity can only rise,
    /// and a graver alert follows the graver delay, counted from when it started waiting.
    pub fn group(&self, flag: &FlagFacts, policy: &EscalationPolicy) -> Change {
        let severity = self.severity.max(flag.severity);
        let alert = Alert {
            severity,
            categories: self.categories.union(&flag.categories).copied().collect(),
            message_count: self.message_count.saturating_add(1),
            // An attack joining the alert about a young person makes them its target.
            target_id: self.target_id.or(flag.target),
            last_message_at: self.last_message_at.max(flag.at),
            next_escalation_at: policy.next_escalation(
                self.status(),
                severity,
                self.waiting_since(),
                self.escalations,
            ),
            ..self.clone()
        };
        self.refreshed(alert, Vec::new())
    }

    /// An edit made one of the alert's messages graver: the alert takes `severity` and the
    /// categories of all its flags (`categories`), and reschedules its reminders if it waits.
    pub fn raise(
        &self,
        severity: Severity,
        categories: BTreeSet<Category>,
        policy: &EscalationPolicy,
    ) -> Change {
        let next_escalation_at = if self.status() == AlertStatus::Open {
            policy.next_escalation(
                self.status(),
                severity,
                self.waiting_since(),
                self.escalations,
            )
        } else {
            self.next_escalation_at
        };
        let alert = Alert {
            severity,
            categories,
            next_escalation_at,
            ..self.clone()
        };
        self.refreshed(alert, Vec::new())
    }
}

/// Parses the stored form of a category set, `"harassment,suicide_selfharm"`.
pub fn parse_categories(text: &str) -> Result<BTreeSet<Category>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.parse::<Category>().map_err(|e| e.to_string()))
        .collect()
}

/// The stored form of a category set: ids in order, joined by commas.
pub fn join_categories<'a>(categories: impl IntoIterator<Item = &'a Category>) -> String {
    let set: BTreeSet<&Category> = categories.into_iter().collect();
    set.into_iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const T0: i64 = 1_700_000_000_000;
    const MIN: i64 = 60_000;
    const ALICE: u64 = 11;
    const BOB: u64 = 22;

    pub(crate) fn open_alert(severity: Severity) -> Alert {
        Alert {
            id: 7,
            version: 3,
            guild_id: Some(1),
            channel_id: 2,
            author_id: 3,
            author_pseudonym: "p".into(),
            anonymous: false,
            stance: Stance::SelfDisclosure,
            target_id: None,
            subject_id: Some(3),
            severity,
            categories: [Category::Distress].into(),
            state: AlertState::open(T0),
            message_count: 1,
            last_message_at: T0,
            helpline: None,
            escalations: 0,
            next_escalation_at: EscalationPolicy::default().next_escalation(
                AlertStatus::Open,
                severity,
                T0,
                0,
            ),
            alert_channel_id: Some(4),
            alert_message_id: None,
            delivered_at: None,
        }
    }

    fn ok<T>(r: Result<T, TransitionError>) -> T {
        r.unwrap_or_else(|e| panic!("transition refused: {e}"))
    }

    #[test]
    fn taking_an_alert_stops_its_reminders_and_refreshes_it_under_the_next_version() {
        let change = ok(open_alert(Severity::High).take(ALICE, T0 + MIN));
        assert!(change.changed);
        assert_eq!(change.alert.status(), AlertStatus::Taken);
        assert_eq!(change.alert.next_escalation_at, None);
        assert_eq!(
            change.effects,
            [Effect::RefreshAlert {
                alert_id: 7,
                version: 4
            }]
        );
    }

    #[test]
    fn a_double_click_on_take_is_answered_like_the_first_and_changes_nothing() {
        let taken = ok(open_alert(Severity::High).take(ALICE, T0)).alert;
        let again = ok(taken.take(ALICE, T0 + 5));
        assert!(!again.changed);
        assert!(again.effects.is_empty());
        assert_eq!(again.alert, taken);
    }

    #[test]
    fn someone_else_taking_a_taken_alert_is_told_who_holds_it() {
        let taken = ok(open_alert(Severity::High).take(ALICE, T0)).alert;
        assert_eq!(
            taken.take(BOB, T0 + 1),
            Err(TransitionError::AlreadyTaken { by: ALICE })
        );
    }

    #[test]
    fn reopening_restarts_the_reminders_from_the_reopening() {
        let policy = EscalationPolicy::default();
        let closed =
            ok(open_alert(Severity::Critical).close(ALICE, Outcome::Autre, None, T0)).alert;
        let mut closed = closed;
        closed.escalations = 2;
        let reopened = ok(closed.reopen(T0 + 60 * MIN, &policy)).alert;
        assert_eq!(reopened.status(), AlertStatus::Open);
        assert_eq!(reopened.escalations, 0);
        assert_eq!(reopened.next_escalation_at, Some(T0 + 65 * MIN));
    }

    #[test]
    fn a_due_escalation_records_its_step_and_schedules_the_next() {
        let policy = EscalationPolicy::default();
        let alert = open_alert(Severity::Critical);
        assert_eq!(alert.escalate(T0 + 4 * MIN, &policy), None);
        let change = alert.escalate(T0 + 5 * MIN, &policy);
        let change = change.unwrap_or_else(|| panic!("an escalation is due at 5 min"));
        assert_eq!(change.alert.escalations, 1);
        assert_eq!(change.alert.next_escalation_at, Some(T0 + 10 * MIN));
        assert_eq!(
            change.effects,
            [Effect::Escalate {
                alert_id: 7,
                step: 1
            }]
        );
    }

    #[test]
    fn missed_escalations_collapse_into_one_reminder() {
        let change = open_alert(Severity::Critical).escalate(T0 + 23 * MIN, &Default::default());
        let change = change.unwrap_or_else(|| panic!("an escalation is due"));
        assert_eq!(change.alert.escalations, 4);
        assert_eq!(change.effects.len(), 1);
    }

    #[test]
    fn a_taken_alert_never_escalates() {
        let taken = ok(open_alert(Severity::Critical).take(ALICE, T0)).alert;
        assert_eq!(taken.escalate(T0 + 60 * MIN, &Default::default()), None);
    }

    #[test]
    fn a_refused_helpline_card_shows_on_the_alert_and_a_sent_one_changes_only_the_record() {
        let alert = open_alert(Severity::High);
        let refused = alert.record_helpline(HelplineStatus::Refused);
        assert_eq!(refused.alert.helpline, Some(HelplineStatus::Refused));
        assert_eq!(refused.effects.len(), 1);
        let sent = alert.record_helpline(HelplineStatus::Sent);
        assert!(sent.changed && sent.effects.is_empty());
    }

    #[test]
    fn a_graver_message_in_the_burst_raises_the_alert_and_its_reminder_comes_sooner() {
        let policy = EscalationPolicy::default();
        let alert = open_alert(Severity::Medium);
        let flag = FlagFacts {
            severity: Severity::Critical,
            categories: [Category::SuicideSelfharm].into(),
            target: None,
            at: T0 + MIN,
        };
        let grouped = alert.group(&flag, &policy).alert;
        assert_eq!(grouped.severity, Severity::Critical);
        assert_eq!(grouped.message_count, 2);
        assert_eq!(grouped.last_message_at, T0 + MIN);
        assert_eq!(
            grouped.categories,
            [Category::SuicideSelfharm, Category::Distress].into()
        );
        assert_eq!(grouped.next_escalation_at, Some(T0 + 5 * MIN));
    }

    #[test]
    fn a_milder_message_never_lowers_the_alert() {
        let flag = FlagFacts {
            severity: Severity::Low,
            categories: BTreeSet::new(),
            target: None,
            at: T0 - MIN,
        };
        let grouped = open_alert(Severity::High)
            .group(&flag, &Default::default())
            .alert;
        assert_eq!(grouped.severity, Severity::High);
        assert_eq!(grouped.last_message_at, T0);
    }

    #[test]
    fn category_sets_round_trip_through_their_stored_form_and_unknown_ids_are_errors() {
        let set: BTreeSet<Category> = [Category::Harassment, Category::Distress].into();
        let stored = join_categories(&set);
        assert_eq!(parse_categories(&stored), Ok(set));
        assert_eq!(parse_categories(""), Ok(BTreeSet::new()));
        assert!(parse_categories("harassment,suicid").is_err());
    }
}
