//! Permanences: the promeneurs' weekly office hours, with one-day exceptions, read in the
//! guild's time zone, and who is on duty at a given instant.
//!
//! A slot is a weekday and two local wall-clock times ("mardi 17:00-19:00"). It is expanded
//! into concrete UTC intervals for each local date, so a 17:00-19:00 Europe/Paris slot stays
//! 17:00-19:00 on the clock on both sides of a daylight-saving change. The two days a year
//! where the clock is not continuous follow one rule: **a slot covers every instant whose
//! wall-clock time lies within it**. So
//! - a time that does not exist (02:30 on the last Sunday of March in Paris, the skipped hour)
//!   is read as the first instant after the gap (03:00 local): a 02:00-04:00 slot lasts one
//!   hour that day, and a slot wholly inside the gap (02:15-02:45) does not happen at all;
//! - a time that happens twice (02:30 on the last Sunday of October) starts a slot at its
//!   first occurrence and ends one at its second: a 02:00-03:00 slot lasts two hours that day.
//!
//! Pure: no Discord, no database. The store saves [`Slot`]s and [`Exception`]s; flows call
//! [`occurrences`] and [`on_duty`].

use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;

mod calendar;
pub use calendar::*;

/// The longest place name ("lieu") accepted, in characters (Discord's event location is 100).
pub const MAX_LOCATION_CHARS: usize = 100;
/// Minutes in a day: the end of a slot may be 24:00 (midnight at the end of its day).
const DAY_MINUTES: u16 = 24 * 60;

/// A wall-clock time of day in minutes after midnight, 0..=1440 (1440 is "24:00", an end only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minute(u16);

impl Minute {
    pub fn new(minutes: u16) -> Option<Minute> {
        (minutes <= DAY_MINUTES).then_some(Minute(minutes))
    }

    pub fn get(self) -> u16 {
        self.0
    }

    pub fn hour(self) -> u16 {
        self.0 / 60
    }

    pub fn minute(self) -> u16 {
        self.0 % 60
    }

    /// Reads "17:00", "17h", "17h30", "9:05", "24:00" (surrounding spaces allowed).
    pub fn parse(text: &str) -> Option<Minute> {
        let t = text.trim().to_ascii_lowercase();
        let (h, m) = match t.split_once([':', 'h']) {
            Some((h, "")) => (h, "0"),
            Some((h, m)) => (h, m),
            None => (t.as_str(), "0"),
        };
        let all_digits =
            |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(h) || !all_digits(m) {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        if m >= 60 {
            return None;
        }
        Minute::new(h.checked_mul(60)?.checked_add(m)?)
    }
}

impl std::fmt::Display for Minute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

/// Reads a weekday in French or English, full or abbreviated, any case, with or without
/// accents: "mardi", "Mar", "tuesday", "tue".
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let t = text.trim().to_lowercase();
    const NAMES: [(Weekday, &str, &str); 7] = [
        (Weekday::Mon, "lundi", "monday"),
        (Weekday::Tue, "mardi", "tuesday"),
        (Weekday::Wed, "mercredi", "wednesday"),
        (Weekday::Thu, "jeudi", "thursday"),
        (Weekday::Fri, "vendredi", "friday"),
        (Weekday::Sat, "samedi", "saturday"),
        (Weekday::Sun, "dimanche", "sunday"),
    ];
    if t.chars().count() < 3 {
        return None;
    }
    NAMES
        .iter()
        .find(|(_, fr, en)| fr.starts_with(t.as_str()) || en.starts_with(t.as_str()))
        .map(|(d, _, _)| *d)
}

/// Reads a date: "2026-12-24", "24/12/2026" or "24/12" (the next 24 December from `today`).
pub fn parse_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%d/%m/%Y") {
        return Some(d);
    }
    let (d, m) = t.split_once('/')?;
    let (d, m): (u32, u32) = (d.trim().parse().ok()?, m.trim().parse().ok()?);
    let this_year = NaiveDate::from_ymd_opt(today.year(), m, d);
    match this_year {
        Some(date) if date >= today => Some(date),
        _ => NaiveDate::from_ymd_opt(today.year() + 1, m, d),
    }
}

/// A weekly recurring permanence of one promeneur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub id: i64,
    pub guild_id: u64,
    pub promeneur_id: u64,
    /// The promeneur's display name when the slot was added (for event titles).
    pub promeneur_name: String,
    pub weekday: Weekday,
    pub start: Minute,
    pub end: Minute,
    pub location: Option<String>,
}

/// What happens to a slot on one local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionKind {
    /// No permanence that day.
    Cancelled,
    /// Other hours that day.
    Moved { start: Minute, end: Minute },
}

/// A one-day change to a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exception {
    pub slot_id: i64,
    pub date: NaiveDate,
    pub kind: ExceptionKind,
}

/// One concrete permanence: a slot on a local date, as a UTC interval `[start_ms, end_ms)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub slot_id: i64,
    pub promeneur_id: u64,
    pub date: NaiveDate,
    pub start_ms: i64,
    pub end_ms: i64,
    pub location: Option<String>,
}

impl Occurrence {
    pub fn contains(&self, at_ms: i64) -> bool {
        self.start_ms <= at_ms && at_ms < self.end_ms
    }
}

/// Which option of a command a mistake is in (named in the error shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Jour,
    Debut,
    Fin,
    Lieu,
    Date,
    Numero,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Jour => "jour",
            Field::Debut => "debut",
            Field::Fin => "fin",
            Field::Lieu => "lieu",
            Field::Date => "date",
            Field::Numero => "numero",
        }
    }
}

/// Why a permanence or an exception was refused; each names the option at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermanenceError {
    #[error("{field:?}: not a time: {value}")]
    BadTime { field: Field, value: String },
    #[error("unknown day: {0}")]
    UnknownDay(String),
    #[error("not a date: {0}")]
    BadDate(String),
    #[error("end before start")]
    EndNotAfterStart,
    #[error("date in the past")]
    DateInPast,
    #[error("the date is not on the slot's day")]
    WrongWeekday { expected: Weekday },
    #[error("overlaps permanence #{other}")]
    Overlap { other: i64 },
    #[error("{field:?} longer than {max} characters")]
    TooLong { field: Field, max: usize },
    #[error("give debut and fin together, or annulee")]
    IncompleteException,
    #[error("permanence #{0} does not exist")]
    NotFound(i64),
    #[error("no permanence of yours on that day; give its numero")]
    NoSlotThatDay,
    #[error("several permanences that day; give the numero")]
    SeveralSlotsThatDay,
}

impl PermanenceError {
    /// The option the mistake is in.
    pub fn field(&self) -> Field {
        match self {
            PermanenceError::BadTime { field, .. } | PermanenceError::TooLong { field, .. } => {
                *field
            }
            PermanenceError::UnknownDay(_) => Field::Jour,
            PermanenceError::EndNotAfterStart | PermanenceError::Overlap { .. } => Field::Fin,
            PermanenceError::IncompleteException => Field::Debut,
            PermanenceError::BadDate(_)
            | PermanenceError::DateInPast
            | PermanenceError::WrongWeekday { .. } => Field::Date,
            PermanenceError::NotFound(_)
            | PermanenceError::NoSlotThatDay
            | PermanenceError::SeveralSlotsThatDay => Field::Numero,
        }
    }
}

/// A new slot's options, as typed.
#[derive(Debug, Clone, Copy)]
pub struct NewSlot<'a> {
    pub jour: &'a str,
    pub debut: &'a str,
    pub fin: &'a str,
    pub lieu: Option<&'a str>,
}

/// The checked weekday, hours and place of a new slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotHours {
    pub weekday: Weekday,
    pub start: Minute,
    pub end: Minute,
    pub location: Option<String>,
}

/// Whether a day option says "today" ("aujourd'hui", "aujourdhui", "today").
fn is_today(text: &str) -> bool {
    let t = text.trim().to_lowercase().replace(['\'', '\u{2019}'], "");
    t == "aujourdhui" || t == "today"
}

/// Checks a new slot's options (not yet its overlaps: see [`check_overlap`]); `today` is the
/// local weekday now, for a day given as "aujourd'hui".
pub fn parse_new_slot(input: NewSlot<'_>, today: Weekday) -> Result<SlotHours, PermanenceError> {
    let weekday = if is_today(input.jour) {
        today
    } else {
        parse_weekday(input.jour).ok_or_else(|| PermanenceError::UnknownDay(input.jour.into()))?
    };
    let (start, end) = parse_hours(input.debut, input.fin)?;
    let location = input
        .lieu
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            if l.chars().count() > MAX_LOCATION_CHARS {
                Err(PermanenceError::TooLong {
                    field: Field::Lieu,
                    max: MAX_LOCATION_CHARS,
                })
            } else {
                Ok(l.to_owned())
            }
        })
        .transpose()?;
    Ok(SlotHours {
        weekday,
        start,
        end,
        location,
    })
}

/// Checks a start and an end time: both valid, the start before 24:00, the end after it.
pub fn parse_hours(debut: &str, fin: &str) -> Result<(Minute, Minute), PermanenceError> {
    let start = Minute::parse(debut)
        .filter(|m| m.get() < DAY_MINUTES)
        .ok_or_else(|| PermanenceError::BadTime {
            field: Field::Debut,
            value: debut.into(),
        })?;
    let end = Minute::parse(fin).ok_or_else(|| PermanenceError::BadTime {
        field: Field::Fin,
        value: fin.into(),
    })?;
    if end <= start {
        return Err(PermanenceError::EndNotAfterStart);
    }
    Ok((start, end))
}

/// Refuses a slot that overlaps another slot of the same promeneur on the same day.
pub fn check_overlap(
    new: &SlotHours,
    promeneur: u64,
    existing: &[Slot],
) -> Result<(), PermanenceError> {
    match existing.iter().find(|s| {
        s.promeneur_id == promeneur
            && s.weekday == new.weekday
            && s.start < new.end
            && new.start < s.end
    }) {
        Some(other) => Err(PermanenceError::Overlap { other: other.id }),
        None => Ok(()),
    }
}

/// An exception's options, as typed.
#[derive(Debug, Clone, Copy)]
pub struct NewException<'a> {
    pub date: &'a str,
    pub annulee: bool,
    pub debut: Option<&'a str>,
    pub fin: Option<&'a str>,
}

/// Reads an exception's date and kind; `today` is the local date now (past dates are refused).
pub fn parse_exception(
    input: NewException<'_>,
    today: NaiveDate,
) -> Result<(NaiveDate, ExceptionKind), PermanenceError> {
    let date =
        parse_date(input.date, today).ok_or_else(|| PermanenceError::BadDate(input.date.into()))?;
    if date < today {
        return Err(PermanenceError::DateInPast);
    }
    let kind = match (input.annulee, input.debut, input.fin) {
        (true, None, None) => ExceptionKind::Cancelled,
        (false, Some(debut), Some(fin)) => {
            let (start, end) = parse_hours(debut, fin)?;
            ExceptionKind::Moved { start, end }
        }
        _ => return Err(PermanenceError::IncompleteException),
    };
    Ok((date, kind))
}

/// Checks an exception against its slot and the promeneur's other slots: the date is on the
/// slot's weekday, and new hours overlap none of the promeneur's other permanences that day.
pub fn check_exception(
    slot: &Slot,
    date: NaiveDate,
    kind: ExceptionKind,
    others: &[Slot],
    exceptions: &[Exception],
    tz: Tz,
) -> Result<Exception, PermanenceError> {
    if date.weekday() != slot.weekday {
        return Err(PermanenceError::WrongWeekday {
            expected: slot.weekday,
        });
    }
    let exception = Exception {
        slot_id: slot.id,
        date,
        kind,
    };
    if let ExceptionKind::Moved { .. } = kind {
        let moved = occurrence_on(slot, &[exception], date, tz);
        let clash = others
            .iter()
            .filter(|s| s.id != slot.id && s.promeneur_id == slot.promeneur_id)
            .filter_map(|s| occurrence_on(s, exceptions, date, tz))
            .find(|o| {
                moved
                    .as_ref()
                    .is_some_and(|m| o.start_ms < m.end_ms && m.start_ms < o.end_ms)
            });
        if let Some(o) = clash {
            return Err(PermanenceError::Overlap { other: o.slot_id });
        }
    }
    Ok(exception)
}

#[cfg(test)]
mod tests;
