//! Slots in time: the UTC instants a wall-clock time starts or ends a slot at (the module's
//! rule for skipped and repeated hours), the occurrences of a week's slots, and who is on duty.

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::*;

/// The UTC instant a wall-clock time of `date` starts a slot at (see the module's rule).
fn start_instant(date: NaiveDate, at: Minute, tz: Tz) -> Option<i64> {
    instant(date, at, tz, Edge::Start)
}

fn end_instant(date: NaiveDate, at: Minute, tz: Tz) -> Option<i64> {
    instant(date, at, tz, Edge::End)
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

fn instant(date: NaiveDate, at: Minute, tz: Tz, edge: Edge) -> Option<i64> {
    let (date, minutes) = if at.get() >= DAY_MINUTES {
        (date.checked_add_days(Days::new(1))?, 0)
    } else {
        (date, at.get())
    };
    let time = NaiveTime::from_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0)?;
    let mut naive = date.and_time(time);
    // A time in a spring-forward gap: walk to the first minute that exists (gaps are at most
    // a few hours in every zone's history).
    for _ in 0..(4 * 60) {
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => return Some(t.timestamp_millis()),
            LocalResult::Ambiguous(early, late) => {
                return Some(match edge {
                    Edge::Start => early.timestamp_millis(),
                    Edge::End => late.timestamp_millis(),
                })
            }
            LocalResult::None => naive += chrono::Duration::minutes(1),
        }
    }
    None
}

/// The occurrences of `slots` (with `exceptions`) on the local dates `from..=to`, in time order.
/// A cancelled day has none; a moved day has its new hours; a day where the slot falls wholly
/// in a skipped hour has none.
pub fn occurrences(
    slots: &[Slot],
    exceptions: &[Exception],
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let mut date = from;
    while date <= to {
        for slot in slots.iter().filter(|s| s.weekday == date.weekday()) {
            if let Some(o) = occurrence_on(slot, exceptions, date, tz) {
                out.push(o);
            }
        }
        match date.checked_add_days(Days::new(1)) {
            Some(next) => date = next,
            None => break,
        }
    }
    out.sort_by_key(|o| (o.start_ms, o.slot_id));
    out
}

/// The slot's occurrence on `date` if it has one (right weekday, not cancelled, not empty).
pub fn occurrence_on(
    slot: &Slot,
    exceptions: &[Exception],
    date: NaiveDate,
    tz: Tz,
) -> Option<Occurrence> {
    if slot.weekday != date.weekday() {
        return None;
    }
    let exception = exceptions
        .iter()
        .find(|e| e.slot_id == slot.id && e.date == date);
    let (start, end) = match exception.map(|e| e.kind) {
        Some(ExceptionKind::Cancelled) => return None,
        Some(ExceptionKind::Moved { start, end }) => (start, end),
        None => (slot.start, slot.end),
    };
    let start_ms = start_instant(date, start, tz)?;
    let end_ms = end_instant(date, end, tz)?;
    (start_ms < end_ms).then(|| Occurrence {
        slot_id: slot.id,
        promeneur_id: slot.promeneur_id,
        date,
        start_ms,
        end_ms,
        location: slot.location.clone(),
    })
}

/// The local date of an instant in `tz`.
pub fn local_date(at_ms: i64, tz: Tz) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(at_ms).map(|t| t.with_timezone(&tz).date_naive())
}

/// Monday of the local week of `date`.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
        .unwrap_or(date)
}

/// Who is on duty at an instant, or when the next permanence is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnDuty {
    /// Promeneurs on duty now (at least one), each with the end of their slot; ordered by id.
    Now { promeneurs: Vec<(u64, i64)> },
    /// Nobody now; the next permanence starts at `start_ms` with these promeneurs.
    Next {
        start_ms: i64,
        end_ms: i64,
        promeneurs: Vec<u64>,
    },
    /// No permanence in the coming weeks.
    Nobody,
}

impl OnDuty {
    /// The promeneurs to ping now (empty when nobody is on duty).
    pub fn on_duty_now(&self) -> Vec<u64> {
        match self {
            OnDuty::Now { promeneurs } => promeneurs.iter().map(|(id, _)| *id).collect(),
            _ => Vec::new(),
        }
    }
}

/// How far ahead "the next permanence" is looked for.
const LOOKAHEAD_DAYS: u64 = 14;

/// Who is on duty at `now_ms`, else the next permanence within two weeks.
pub fn on_duty(slots: &[Slot], exceptions: &[Exception], now_ms: i64, tz: Tz) -> OnDuty {
    let Some(today) = local_date(now_ms, tz) else {
        return OnDuty::Nobody;
    };
    // From yesterday: a slot ending at 24:00 local is still read from its own date.
    let from = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let to = today
        .checked_add_days(Days::new(LOOKAHEAD_DAYS))
        .unwrap_or(today);
    let all = occurrences(slots, exceptions, from, to, tz);
    let mut now: Vec<(u64, i64)> = Vec::new();
    for o in all.iter().filter(|o| o.contains(now_ms)) {
        match now.iter_mut().find(|(id, _)| *id == o.promeneur_id) {
            Some((_, until)) => *until = (*until).max(o.end_ms),
            None => now.push((o.promeneur_id, o.end_ms)),
        }
    }
    if !now.is_empty() {
        now.sort();
        return OnDuty::Now { promeneurs: now };
    }
    let Some(next) = all.iter().find(|o| o.start_ms > now_ms) else {
        return OnDuty::Nobody;
    };
    let mut promeneurs: Vec<u64> = all
        .iter()
        .filter(|o| o.start_ms == next.start_ms)
        .map(|o| o.promeneur_id)
        .collect();
    promeneurs.sort();
    promeneurs.dedup();
    OnDuty::Next {
        start_ms: next.start_ms,
        end_ms: next.end_ms,
        promeneurs,
    }
}
