//! When an alert nobody took must be brought to the coordinators, and how often after that.
//!
//! Each severity has a delay (`[alerts.escalation]`, e.g. critical "5m"): the first reminder
//! goes out one delay after the alert started waiting, the next ones every delay after that,
//! until someone takes or closes the alert. After downtime, missed reminders collapse into one
//! instead of arriving in a burst.

use std::time::Duration;

use super::AlertStatus;
use crate::safety::Severity;

/// Why a duration string was refused. Messages quote the input and say what is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("the duration is empty; write e.g. \"30s\", \"5m\", \"2h\" or \"never\"")]
    Empty,
    #[error("`{input}`: expected a number at `{rest}` (e.g. \"30s\", \"5m\", \"1h30m\")")]
    ExpectedNumber { input: String, rest: String },
    #[error("`{input}`: the number {number} has no unit (use ms, s, m, h or d)")]
    MissingUnit { input: String, number: u64 },
    #[error("`{input}`: unknown unit `{unit}` (use ms, s, m, h or d)")]
    UnknownUnit { input: String, unit: String },
    #[error("`{input}` is zero; write \"never\" to disable")]
    Zero { input: String },
    #[error("`{input}` is too long a duration")]
    TooLong { input: String },
    #[error("\"never\" is not allowed here; give a duration such as \"5m\"")]
    NeverNotAllowed,
}

/// Parses a duration such as "30s", "5m", "2h", "1d", "500ms" or "1h30m" (spaces between
/// parts are allowed). Zero is refused: a zero delay would remind in a loop.
pub fn parse_duration(input: &str) -> Result<Duration, DurationError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    if text.eq_ignore_ascii_case("never") {
        return Err(DurationError::NeverNotAllowed);
    }
    let too_long = || DurationError::TooLong {
        input: text.to_owned(),
    };
    let mut total_ms: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err(DurationError::ExpectedNumber {
                input: text.to_owned(),
                rest: rest.to_owned(),
            });
        }
        let number: u64 = rest[..digits].parse().map_err(|_| too_long())?;
        let after_number = rest[digits..].trim_start();
        let unit_len =
            after_number.len() - after_number.trim_start_matches(char::is_alphabetic).len();
        let unit = &after_number[..unit_len];
        let unit_ms: u64 = match unit.to_ascii_lowercase().as_str() {
            "" => {
                return Err(DurationError::MissingUnit {
                    input: text.to_owned(),
                    number,
                })
            }
            "ms" => 1,
            "s" | "sec" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" | "j" => 86_400_000,
            _ => {
                return Err(DurationError::UnknownUnit {
                    input: text.to_owned(),
                    unit: unit.to_owned(),
                })
            }
        };
        let part = number.checked_mul(unit_ms).ok_or_else(too_long)?;
        total_ms = total_ms.checked_add(part).ok_or_else(too_long)?;
        rest = after_number[unit_len..].trim_start();
    }
    if total_ms == 0 {
        return Err(DurationError::Zero {
            input: text.to_owned(),
        });
    }
    // Keep every delay addable to a unix time in milliseconds without overflow worries.
    if i64::try_from(total_ms).is_err() {
        return Err(too_long());
    }
    Ok(Duration::from_millis(total_ms))
}

/// Like [`parse_duration`], but "never" (any case) gives `None`: the config's delays.
pub fn parse_delay(input: &str) -> Result<Option<Duration>, DurationError> {
    if input.trim().eq_ignore_ascii_case("never") {
        return Ok(None);
    }
    parse_duration(input).map(Some)
}

/// Escalation delay per severity; `None` means never.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationPolicy {
    pub critical: Option<Duration>,
    pub high: Option<Duration>,
    pub medium: Option<Duration>,
    pub low: Option<Duration>,
}

impl Default for EscalationPolicy {
    /// Critical 5 min, high 15 min, medium 2 h, low never.
    fn default() -> Self {
        Self {
            critical: Some(Duration::from_secs(5 * 60)),
            high: Some(Duration::from_secs(15 * 60)),
            medium: Some(Duration::from_secs(2 * 3600)),
            low: None,
        }
    }
}

impl EscalationPolicy {
    /// The delay for a severity; a flag of no severity never escalates.
    pub fn delay_for(&self, severity: Severity) -> Option<Duration> {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::None => None,
        }
    }

    fn delay_ms(&self, severity: Severity) -> Option<i64> {
        self.delay_for(severity)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .filter(|&ms| ms > 0)
    }

    /// When the next reminder is due (unix ms), for an alert waiting since `since`
    /// ([`super::AlertState::waiting_since`]) that has had `escalations_done` reminders.
    /// `None` once the alert is taken or closed, or when its severity never escalates.
    pub fn next_escalation(
        &self,
        status: AlertStatus,
        severity: Severity,
        since: i64,
        escalations_done: u32,
    ) -> Option<i64> {
        if status != AlertStatus::Open {
            return None;
        }
        let delay = self.delay_ms(severity)?;
        let slots = i64::from(escalations_done).saturating_add(1);
        Some(since.saturating_add(delay.saturating_mul(slots)))
    }

    /// Whether a reminder must go out at `now`. If so, returns the count of escalations to
    /// record once it is sent: every slot already past, so that after downtime the missed
    /// reminders collapse into this one.
    pub fn due(
        &self,
        status: AlertStatus,
        severity: Severity,
        since: i64,
        escalations_done: u32,
        now: i64,
    ) -> Option<u32> {
        let next = self.next_escalation(status, severity, since, escalations_done)?;
        if now < next {
            return None;
        }
        let delay = self.delay_ms(severity)?;
        let elapsed_slots = now.saturating_sub(since) / delay;
        let slots = u32::try_from(elapsed_slots).unwrap_or(u32::MAX);
        Some(slots.max(escalations_done.saturating_add(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;
    const MIN: i64 = 60_000;

    #[test]
    fn the_documented_durations_parse() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86_400)));
    }

    #[test]
    fn compound_spaced_and_millisecond_durations_parse() {
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration(" 1h 30m "), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("10 min"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2H"), Ok(Duration::from_secs(7200)));
    }

    #[test]
    fn never_is_a_delay_but_not_a_duration() {
        assert_eq!(parse_delay("never"), Ok(None));
        assert_eq!(parse_delay("Never"), Ok(None));
        assert_eq!(parse_delay("5m"), Ok(Some(Duration::from_secs(300))));
        assert_eq!(parse_duration("never"), Err(DurationError::NeverNotAllowed));
    }

    #[test]
    fn a_number_without_unit_is_refused_with_a_hint() {
        let err = parse_duration("15");
        assert_eq!(
            err,
            Err(DurationError::MissingUnit {
                input: "15".into(),
                number: 15
            })
        );
        let message = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("ms, s, m, h or d"), "{message}");
    }

    #[test]
    fn an_unknown_unit_is_named_in_the_error() {
        let message = parse_duration("5 minutes")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            message,
            "`5 minutes`: unknown unit `minutes` (use ms, s, m, h or d)"
        );
    }

    #[test]
    fn text_that_is_not_a_duration_is_refused() {
        assert_eq!(parse_duration(""), Err(DurationError::Empty));
        assert_eq!(parse_duration("   "), Err(DurationError::Empty));
        assert!(matches!(
            parse_duration("soon"),
            Err(DurationError::ExpectedNumber { .. })
        ));
        assert!(matches!(
            parse_duration("-5m"),
            Err(DurationError::ExpectedNumber { .. })
        ));
        assert!(matches!(
            parse_duration("5m!"),
            Err(DurationError::ExpectedNumber { .. })
        ));
    }

    #[test]
    fn zero_and_absurdly_long_durations_are_refused() {
        assert_eq!(
            parse_duration("0s"),
            Err(DurationError::Zero { input: "0s".into() })
        );
        assert!(matches!(
            parse_duration("99999999999999999999d"),
            Err(DurationError::TooLong { .. })
        ));
        assert!(matches!(
            parse_duration("9999999999999999d"),
            Err(DurationError::TooLong { .. })
        ));
    }

    #[test]
    fn the_default_policy_matches_the_issue() {
        let policy = EscalationPolicy::default();
        assert_eq!(policy.critical, Some(Duration::from_secs(300)));
        assert_eq!(policy.high, Some(Duration::from_secs(900)));
        assert_eq!(policy.medium, Some(Duration::from_secs(7200)));
        assert_eq!(policy.low, None);
    }

    #[test]
    fn a_critical_alert_escalates_five_minutes_after_the_flag_then_every_five_minutes() {
        let policy = EscalationPolicy::default();
        let next = |done| policy.next_escalation(AlertStatus::Open, Severity::Critical, T0, done);
        assert_eq!(next(0), Some(T0 + 5 * MIN));
        assert_eq!(next(1), Some(T0 + 10 * MIN));
        assert_eq!(next(2), Some(T0 + 15 * MIN));
    }

    #[test]
    fn reminders_stop_once_the_alert_is_taken_or_closed() {
        let policy = EscalationPolicy::default();
        for status in [AlertStatus::Taken, AlertStatus::Closed] {
            assert_eq!(
                policy.next_escalation(status, Severity::Critical, T0, 0),
                None
            );
            assert_eq!(
                policy.due(status, Severity::Critical, T0, 0, T0 + 60 * MIN),
                None
            );
        }
    }

    #[test]
    fn low_and_unflagged_severities_never_escalate_by_default() {
        let policy = EscalationPolicy::default();
        assert_eq!(
            policy.next_escalation(AlertStatus::Open, Severity::Low, T0, 0),
            None
        );
        assert_eq!(
            policy.next_escalation(AlertStatus::Open, Severity::None, T0, 0),
            None
        );
    }

    #[test]
    fn nothing_is_due_before_the_delay() {
        let policy = EscalationPolicy::default();
        let due = |now| policy.due(AlertStatus::Open, Severity::High, T0, 0, now);
        assert_eq!(due(T0 + 15 * MIN - 1), None);
        assert_eq!(due(T0 + 15 * MIN), Some(1));
    }

    #[test]
    fn missed_reminders_after_downtime_collapse_into_one() {
        let policy = EscalationPolicy::default();
        // Down for 52 minutes: ten critical slots are past; one reminder, counted as ten.
        let due = policy.due(AlertStatus::Open, Severity::Critical, T0, 0, T0 + 52 * MIN);
        assert_eq!(due, Some(10));
        assert_eq!(
            policy.next_escalation(AlertStatus::Open, Severity::Critical, T0, 10),
            Some(T0 + 55 * MIN)
        );
    }

    #[test]
    fn second_delays_work_for_tests() {
        let policy = EscalationPolicy {
            critical: parse_delay("1s").ok().flatten(),
            ..EscalationPolicy::default()
        };
        assert_eq!(
            policy.next_escalation(AlertStatus::Open, Severity::Critical, T0, 0),
            Some(T0 + 1000)
        );
    }
}
