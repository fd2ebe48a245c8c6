//! No noise: where a new flag goes. One alert per message; a burst of worrying messages from
//! the same young person in the same guild joins their active alert; an edit that raises the
//! severity updates the alert of that message. Also the order of the `/alerte` list.

use std::cmp::Ordering;
use std::time::Duration;

use super::AlertStatus;
use crate::safety::Severity;

/// How close together messages must be to form one burst (`alerts.burst_window`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurstPolicy {
    /// Measured from the last message already in the alert, so a steady stream stays one alert.
    pub window: Duration,
}

impl Default for BurstPolicy {
    /// Ten minutes.
    fn default() -> Self {
        Self {
            window: Duration::from_secs(10 * 60),
        }
    }
}

/// A message (or an edit) the scanner just flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewFlag {
    pub severity: Severity,
    /// When the message was sent (or edited), unix ms.
    pub at: i64,
}

/// What the store knows about an existing alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenAlertRef {
    pub alert_id: i64,
    pub status: AlertStatus,
    pub severity: Severity,
    /// Time of the latest message grouped into the alert, unix ms.
    pub last_message_at: i64,
}

/// The decision for a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagPlacement {
    /// Store a new alert (and deliver it).
    NewAlert,
    /// Add the message to this alert, whose severity becomes `severity` (never lower than
    /// before); the alert message is edited in place.
    GroupInto { alert_id: i64, severity: Severity },
    /// An edit raised the severity of its message's alert.
    UpdateSeverity { alert_id: i64, severity: Severity },
    /// The alert of this message already says as much; nothing to change.
    Unchanged { alert_id: i64 },
    /// The flag has no severity; nothing to store.
    Ignore,
}

impl BurstPolicy {
    fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }

    /// A newly flagged message, given the author's most recent alert in the same guild.
    pub fn place_message(
        &self,
        flag: NewFlag,
        author_latest: Option<OpenAlertRef>,
    ) -> FlagPlacement {
        if flag.severity == Severity::None {
            return FlagPlacement::Ignore;
        }
        match author_latest {
            // A message that arrives out of order (earlier than the last one) belongs too.
            Some(alert)
                if alert.status.is_active()
                    && flag.at.saturating_sub(alert.last_message_at) <= self.window_ms() =>
            {
                FlagPlacement::GroupInto {
                    alert_id: alert.alert_id,
                    severity: alert.severity.max(flag.severity),
                }
            }
            _ => FlagPlacement::NewAlert,
        }
    }

    /// A flagged edit, given the alert that already holds this message (if any) and the
    /// author's most recent alert in the same guild.
    pub fn place_edit(
        &self,
        flag: NewFlag,
        message_alert: Option<OpenAlertRef>,
        author_latest: Option<OpenAlertRef>,
    ) -> FlagPlacement {
        if flag.severity == Severity::None {
            return FlagPlacement::Ignore;
        }
        let Some(alert) = message_alert else {
            // Harmless before, worrying now: like a new message sent at the edit's time.
            return self.place_message(flag, author_latest);
        };
        if flag.severity <= alert.severity {
            return FlagPlacement::Unchanged {
                alert_id: alert.alert_id,
            };
        }
        if alert.status.is_active() {
            FlagPlacement::UpdateSeverity {
                alert_id: alert.alert_id,
                severity: flag.severity,
            }
        } else {
            // Its alert was closed: a graver edit needs fresh eyes.
            self.place_message(flag, author_latest)
        }
    }
}

/// Order of the `/alerte` list: gravest first, then oldest first (waiting longest).
pub fn list_order(a: (Severity, i64), b: (Severity, i64)) -> Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Sorts alerts for the `/alerte` list; `key` gives each one's severity and flag time.
pub fn sort_for_list<T>(alerts: &mut [T], key: impl Fn(&T) -> (Severity, i64)) {
    alerts.sort_by(|a, b| list_order(key(a), key(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;
    const MIN: i64 = 60_000;

    fn alert(status: AlertStatus, severity: Severity, last_message_at: i64) -> OpenAlertRef {
        OpenAlertRef {
            alert_id: 7,
            status,
            severity,
            last_message_at,
        }
    }

    fn flag(severity: Severity, at: i64) -> NewFlag {
        NewFlag { severity, at }
    }

    #[test]
    fn a_first_flag_opens_a_new_alert() {
        let policy = BurstPolicy::default();
        assert_eq!(
            policy.place_message(flag(Severity::High, T0), None),
            FlagPlacement::NewAlert
        );
    }

    #[test]
    fn a_flag_within_ten_minutes_of_the_last_one_joins_the_alert() {
        let policy = BurstPolicy::default();
        let open = alert(AlertStatus::Open, Severity::Medium, T0);
        assert_eq!(
            policy.place_message(flag(Severity::Medium, T0 + 10 * MIN), Some(open)),
            FlagPlacement::GroupInto {
                alert_id: 7,
                severity: Severity::Medium
            }
        );
    }

    #[test]
    fn a_graver_message_in_a_burst_raises_the_alert_and_a_milder_one_does_not_lower_it() {
        let policy = BurstPolicy::default();
        let open = alert(AlertStatus::Taken, Severity::High, T0);
        assert_eq!(
            policy.place_message(flag(Severity::Critical, T0 + MIN), Some(open)),
            FlagPlacement::GroupInto {
                alert_id: 7,
                severity: Severity::Critical
            }
        );
        assert_eq!(
            policy.place_message(flag(Severity::Low, T0 + MIN), Some(open)),
            FlagPlacement::GroupInto {
                alert_id: 7,
                severity: Severity::High
            }
        );
    }

    #[test]
    fn a_flag_after_the_window_opens_a_new_alert() {
        let policy = BurstPolicy::default();
        let open = alert(AlertStatus::Open, Severity::Medium, T0);
        assert_eq!(
            policy.place_message(flag(Severity::Medium, T0 + 10 * MIN + 1), Some(open)),
            FlagPlacement::NewAlert
        );
    }

    #[test]
    fn the_window_is_configurable() {
        let policy = BurstPolicy {
            window: Duration::from_secs(2),
        };
        let open = alert(AlertStatus::Open, Severity::Medium, T0);
        assert_eq!(
            policy.place_message(flag(Severity::Medium, T0 + 3_000), Some(open)),
            FlagPlacement::NewAlert
        );
    }

    #[test]
    fn a_closed_alert_never_absorbs_new_messages() {
        let policy = BurstPolicy::default();
        let closed = alert(AlertStatus::Closed, Severity::Medium, T0);
        assert_eq!(
            policy.place_message(flag(Severity::Medium, T0 + MIN), Some(closed)),
            FlagPlacement::NewAlert
        );
    }

    #[test]
    fn an_edit_raising_the_severity_updates_its_alert() {
        let policy = BurstPolicy::default();
        let own = alert(AlertStatus::Open, Severity::Medium, T0);
        assert_eq!(
            policy.place_edit(flag(Severity::Critical, T0 + 60 * MIN), Some(own), None),
            FlagPlacement::UpdateSeverity {
                alert_id: 7,
                severity: Severity::Critical
            }
        );
    }

    #[test]
    fn an_edit_that_does_not_raise_the_severity_changes_nothing() {
        let policy = BurstPolicy::default();
        let own = alert(AlertStatus::Open, Severity::High, T0);
        assert_eq!(
            policy.place_edit(flag(Severity::High, T0 + MIN), Some(own), None),
            FlagPlacement::Unchanged { alert_id: 7 }
        );
    }

    #[test]
    fn an_edit_that_makes_a_harmless_message_worrying_is_placed_like_a_new_message() {
        let policy = BurstPolicy::default();
        let latest = alert(AlertStatus::Open, Severity::Low, T0);
        assert_eq!(
            policy.place_edit(flag(Severity::High, T0 + MIN), None, Some(latest)),
            FlagPlacement::GroupInto {
                alert_id: 7,
                severity: Severity::High
            }
        );
    }

    #[test]
    fn a_graver_edit_of_a_message_whose_alert_is_closed_opens_a_new_alert() {
        let policy = BurstPolicy::default();
        let own = alert(AlertStatus::Closed, Severity::Low, T0);
        assert_eq!(
            policy.place_edit(flag(Severity::Critical, T0 + MIN), Some(own), Some(own)),
            FlagPlacement::NewAlert
        );
    }

    #[test]
    fn a_flag_without_severity_is_ignored() {
        let policy = BurstPolicy::default();
        assert_eq!(
            policy.place_message(flag(Severity::None, T0), None),
            FlagPlacement::Ignore
        );
    }

    #[test]
    fn the_list_shows_the_gravest_first_then_the_oldest() {
        let mut alerts = vec![
            ("medium old", Severity::Medium, T0),
            ("critical new", Severity::Critical, T0 + 5 * MIN),
            ("medium new", Severity::Medium, T0 + 9 * MIN),
            ("critical old", Severity::Critical, T0 + MIN),
            ("low", Severity::Low, T0 - 60 * MIN),
        ];
        sort_for_list(&mut alerts, |a| (a.1, a.2));
        let names: Vec<&str> = alerts.iter().map(|a| a.0).collect();
        assert_eq!(
            names,
            [
                "critical old",
                "critical new",
                "medium old",
                "medium new",
                "low"
            ]
        );
    }
}
