//! Alert lifecycle: open -> taken -> closed (and reopened), with the decisions around it: the
//! typed aggregate and its changes ([`aggregate`]), what a flagged message does ([`intake`]),
//! when to escalate ([`escalation`]), whether a new flag joins an existing alert ([`burst`]),
//! and the order of the `/alerte` list.
//!
//! Everything here is pure: the caller passes the current state and the time (unix
//! milliseconds, UTC) and stores what comes back. Ids of staff are Discord user ids (`u64`);
//! alert ids are the database's (`i64`).

pub mod about;
pub mod aggregate;
pub mod burst;
pub mod escalation;
pub mod flag;
pub mod intake;

use std::fmt;
use std::str::FromStr;

pub use about::{Around, Reading};
pub use aggregate::{join_categories, parse_categories, Alert, Change, FlagFacts, HelplineStatus};
pub use burst::{sort_for_list, BurstPolicy, FlagPlacement, NewFlag, OpenAlertRef};
pub use escalation::{parse_delay, parse_duration, DurationError, EscalationPolicy};
pub use flag::{Flag, PileOnNote, Span};
pub use intake::{FlaggedMessage, Intake, IntakePolicy, Known, OpenAlert};

/// Longest note accepted when closing an alert (a Discord modal paragraph allows 4000).
pub const MAX_NOTE_CHARS: usize = 1000;

/// Where an alert stands. (Its stored form is the store's business: `store::alerts`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertStatus {
    Open,
    Taken,
    Closed,
}

impl AlertStatus {
    pub const ALL: [AlertStatus; 3] = [Self::Open, Self::Taken, Self::Closed];

    /// Its id, as stored and as the metrics label it: `open`, `taken`, `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Taken => "taken",
            Self::Closed => "closed",
        }
    }

    /// Whether the alert still waits for someone (escalations and grouping apply).
    pub fn is_active(self) -> bool {
        !matches!(self, Self::Closed)
    }
}

/// A stored id that is not one of ours (a corrupted row, or a typo in a command).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{input}` (expected one of: {expected})")]
pub struct UnknownId {
    pub kind: &'static str,
    pub input: String,
    pub expected: &'static str,
}

/// How a promeneur closed an alert. Stored as `"accompagne"`, `"oriente"`, `"faux_positif"`,
/// `"autre"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The promeneur accompanied the young person.
    Accompagne,
    /// The young person was referred to a service.
    Oriente,
    /// The message was not worrying after all.
    FauxPositif,
    Autre,
    /// Closed because the young person erased their data (`/oubli`); set by the erasure only,
    /// never offered to promeneurs, so it is not in [`Outcome::ALL`].
    Efface,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Self::Accompagne,
        Self::Oriente,
        Self::FauxPositif,
        Self::Autre,
    ];

    /// The stable id stored in the database and used as a command choice.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accompagne => "accompagne",
            Self::Oriente => "oriente",
            Self::FauxPositif => "faux_positif",
            Self::Autre => "autre",
            Self::Efface => "efface",
        }
    }

    /// Reads what a promeneur typed in the close modal, given the words each outcome
    /// accepts (from prompts): with or without accents, hyphens or extra spaces, in any case
    /// ("Orienté", "faux-positif", "REFERRED").
    pub fn from_user_input(input: &str, vocabulary: &[(Outcome, Vec<String>)]) -> Option<Outcome> {
        let typed = fold(input);
        vocabulary
            .iter()
            .find(|(_, words)| words.iter().any(|w| fold(w) == typed))
            .map(|(o, _)| *o)
    }
}

/// Lowercase, without accents, middle dots, hyphens or repeated spaces.
fn fold(text: &str) -> String {
    let mapped: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| *c != '·')
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'ô' => 'o',
            'î' | 'ï' => 'i',
            'ù' | 'û' => 'u',
            '-' | '_' => ' ',
            other => other,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Outcome {
    type Err = UnknownId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .chain([Self::Efface])
            .find(|o| o.as_str() == s)
            .ok_or_else(|| UnknownId {
                kind: "outcome",
                input: s.to_owned(),
                expected: "accompagne, oriente, faux_positif, autre",
            })
    }
}

/// Why a transition was refused; each is told to the staff member (from a prompt).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the alert is already taken by {by}")]
    AlreadyTaken { by: u64 },
    #[error("the alert is already closed")]
    AlreadyClosed,
    #[error("the alert is not closed, so it cannot be reopened")]
    NotClosed,
    #[error("the note is {len} characters long; at most {MAX_NOTE_CHARS} are kept")]
    NoteTooLong { len: usize },
}

/// The lifecycle part of an alert, flat so that it maps one-to-one onto table columns.
///
/// Invariants kept by the transitions: `taken_*` are set when `Taken` (and kept through
/// `Closed` for the digest's time-to-take); `closed_*` and `outcome` are set exactly when
/// `Closed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertState {
    pub status: AlertStatus,
    pub flagged_at: i64,
    pub taken_by: Option<u64>,
    pub taken_at: Option<i64>,
    pub closed_by: Option<u64>,
    pub closed_at: Option<i64>,
    pub outcome: Option<Outcome>,
    pub note: Option<String>,
    /// Last time the alert was reopened: escalation delays then count from here.
    pub reopened_at: Option<i64>,
}

impl AlertState {
    /// A new alert, open since `flagged_at`.
    pub fn open(flagged_at: i64) -> Self {
        Self {
            status: AlertStatus::Open,
            flagged_at,
            taken_by: None,
            taken_at: None,
            closed_by: None,
            closed_at: None,
            outcome: None,
            note: None,
            reopened_at: None,
        }
    }

    /// From when the alert has been waiting for someone (escalation delays count from here).
    pub fn waiting_since(&self) -> i64 {
        self.reopened_at.unwrap_or(self.flagged_at)
    }

    /// A promeneur takes the alert ("Je prends"). Taking it again by the same person is a
    /// harmless double click and changes nothing.
    pub fn take(&self, by: u64, now: i64) -> Result<AlertState, TransitionError> {
        match (self.status, self.taken_by) {
            (AlertStatus::Closed, _) => Err(TransitionError::AlreadyClosed),
            (AlertStatus::Taken, Some(holder)) if holder == by => Ok(self.clone()),
            (AlertStatus::Taken, Some(holder)) => Err(TransitionError::AlreadyTaken { by: holder }),
            _ => Ok(AlertState {
                status: AlertStatus::Taken,
                taken_by: Some(by),
                taken_at: Some(now),
                ..self.clone()
            }),
        }
    }

    /// Closes the alert with an outcome. Anyone on staff may close, taken or not: a clear
    /// false positive needs no taking first. A blank note counts as none.
    pub fn close(
        &self,
        by: u64,
        outcome: Outcome,
        note: Option<&str>,
        now: i64,
    ) -> Result<AlertState, TransitionError> {
        if self.status == AlertStatus::Closed {
            return Err(TransitionError::AlreadyClosed);
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = note {
            let len = n.chars().count();
            if len > MAX_NOTE_CHARS {
                return Err(TransitionError::NoteTooLong { len });
            }
        }
        Ok(AlertState {
            status: AlertStatus::Closed,
            closed_by: Some(by),
            closed_at: Some(now),
            outcome: Some(outcome),
            note: note.map(str::to_owned),
            ..self.clone()
        })
    }

    /// Reopens a closed alert: it waits for someone again, and escalates again from `now`.
    pub fn reopen(&self, now: i64) -> Result<AlertState, TransitionError> {
        if self.status != AlertStatus::Closed {
            return Err(TransitionError::NotClosed);
        }
        Ok(AlertState {
            status: AlertStatus::Open,
            taken_by: None,
            taken_at: None,
            closed_by: None,
            closed_at: None,
            outcome: None,
            note: None,
            reopened_at: Some(now),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;
    const ALICE: u64 = 11;
    const BOB: u64 = 22;

    #[test]
    fn an_open_alert_can_be_taken() {
        let taken = AlertState::open(T0).take(ALICE, T0 + 60_000);
        let taken = taken.unwrap_or_else(|e| panic!("take refused: {e}"));
        assert_eq!(taken.status, AlertStatus::Taken);
        assert_eq!(taken.taken_by, Some(ALICE));
        assert_eq!(taken.taken_at, Some(T0 + 60_000));
    }

    #[test]
    fn taking_an_alert_someone_else_holds_names_them() {
        let taken = AlertState::open(T0).take(ALICE, T0);
        let again = taken.and_then(|s| s.take(BOB, T0 + 1));
        assert_eq!(again, Err(TransitionError::AlreadyTaken { by: ALICE }));
    }

    #[test]
    fn a_double_click_on_take_changes_nothing() {
        let once = AlertState::open(T0).take(ALICE, T0 + 5);
        let twice = once.clone().and_then(|s| s.take(ALICE, T0 + 9));
        assert_eq!(once, twice);
    }

    #[test]
    fn an_open_alert_can_be_closed_without_being_taken() {
        let closed = AlertState::open(T0).close(BOB, Outcome::FauxPositif, None, T0 + 10);
        let closed = closed.unwrap_or_else(|e| panic!("close refused: {e}"));
        assert_eq!(closed.status, AlertStatus::Closed);
        assert_eq!(closed.outcome, Some(Outcome::FauxPositif));
        assert_eq!(closed.closed_by, Some(BOB));
        assert_eq!(closed.taken_by, None);
    }

    #[test]
    fn closing_keeps_who_took_the_alert_and_the_trimmed_note() {
        let closed = AlertState::open(T0)
            .take(ALICE, T0 + 1)
            .and_then(|s| s.close(ALICE, Outcome::Oriente, Some("  vers le CMP  "), T0 + 2));
        let closed = closed.unwrap_or_else(|e| panic!("close refused: {e}"));
        assert_eq!(closed.taken_by, Some(ALICE));
        assert_eq!(closed.taken_at, Some(T0 + 1));
        assert_eq!(closed.note.as_deref(), Some("vers le CMP"));
    }

    #[test]
    fn a_blank_note_is_no_note() {
        let closed = AlertState::open(T0).close(ALICE, Outcome::Autre, Some("   "), T0);
        assert_eq!(closed.map(|s| s.note), Ok(None));
    }

    #[test]
    fn a_note_that_is_too_long_is_refused() {
        let note = "é".repeat(MAX_NOTE_CHARS + 1);
        let closed = AlertState::open(T0).close(ALICE, Outcome::Autre, Some(&note), T0);
        assert_eq!(
            closed,
            Err(TransitionError::NoteTooLong {
                len: MAX_NOTE_CHARS + 1
            })
        );
    }

    #[test]
    fn a_closed_alert_can_be_neither_taken_nor_closed_again() {
        let closed = AlertState::open(T0).close(ALICE, Outcome::Accompagne, None, T0);
        let closed = closed.unwrap_or_else(|e| panic!("close refused: {e}"));
        assert_eq!(closed.take(BOB, T0), Err(TransitionError::AlreadyClosed));
        assert_eq!(
            closed.close(BOB, Outcome::Autre, None, T0),
            Err(TransitionError::AlreadyClosed)
        );
    }

    #[test]
    fn reopening_an_alert_that_is_not_closed_is_refused() {
        assert_eq!(
            AlertState::open(T0).reopen(T0),
            Err(TransitionError::NotClosed)
        );
    }

    #[test]
    fn a_reopened_alert_is_open_and_waits_from_the_reopening() {
        let reopened = AlertState::open(T0)
            .take(ALICE, T0 + 1)
            .and_then(|s| s.close(ALICE, Outcome::Accompagne, Some("ok"), T0 + 2))
            .and_then(|s| s.reopen(T0 + 3));
        let reopened = reopened.unwrap_or_else(|e| panic!("reopen refused: {e}"));
        assert_eq!(reopened.status, AlertStatus::Open);
        assert_eq!(reopened.outcome, None);
        assert_eq!(reopened.taken_by, None);
        assert_eq!(reopened.note, None);
        assert_eq!(reopened.flagged_at, T0);
        assert_eq!(reopened.waiting_since(), T0 + 3);
    }

    #[test]
    fn outcomes_round_trip_through_their_stable_ids() {
        for outcome in Outcome::ALL {
            assert_eq!(outcome.as_str().parse(), Ok(outcome));
        }
        assert_eq!(Outcome::FauxPositif.as_str(), "faux_positif");
    }

    #[test]
    fn an_unknown_stored_id_is_an_error_that_lists_the_valid_ones() {
        let err = "fini".parse::<Outcome>().err();
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("fini"));
        assert!(message.contains("accompagne, oriente, faux_positif, autre"));
    }

    #[test]
    fn outcomes_typed_by_a_promeneur_are_understood() {
        let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let vocabulary = vec![
            (Outcome::Accompagne, words(&["accompagne", "accompagnée"])),
            (Outcome::Oriente, words(&["oriente", "orienté", "referred"])),
            (
                Outcome::FauxPositif,
                words(&["faux_positif", "faux positif"]),
            ),
        ];
        let read = |typed| Outcome::from_user_input(typed, &vocabulary);
        assert_eq!(read("Orienté"), Some(Outcome::Oriente));
        assert_eq!(read("  FAUX   positif "), Some(Outcome::FauxPositif));
        assert_eq!(read("faux-positif"), Some(Outcome::FauxPositif));
        assert_eq!(read("accompagnée"), Some(Outcome::Accompagne));
        assert_eq!(read("ACCOMPAGNÉE"), Some(Outcome::Accompagne));
        assert_eq!(read("referred"), Some(Outcome::Oriente));
        assert_eq!(read("peut-être"), None);
    }
}
