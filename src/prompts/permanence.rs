//! Texts of the permanences: replies to `/permanence`, `/permanences` and `/qui-est-la`, the
//! slot announcement, the scheduled events, and the "who is on duty" sentence other features
//! (question acknowledgements) reuse.

use chrono::{DateTime, Datelike, Timelike, Weekday};
use chrono_tz::Tz;

use super::registry::*;
use super::text::{sanitize, user_mention};
use super::{render, severity_label, Lang};
use crate::domain::permanences::{Minute, OnDuty, PermanenceError};
use crate::safety::Severity;

/// A weekday's name: "mardi", "Tuesday".
pub fn weekday_label(lang: Lang, day: Weekday) -> String {
    let template = match day {
        Weekday::Mon => &WEEKDAY_MON,
        Weekday::Tue => &WEEKDAY_TUE,
        Weekday::Wed => &WEEKDAY_WED,
        Weekday::Thu => &WEEKDAY_THU,
        Weekday::Fri => &WEEKDAY_FRI,
        Weekday::Sat => &WEEKDAY_SAT,
        Weekday::Sun => &WEEKDAY_SUN,
    };
    render(lang, template, &[])
}

/// A wall-clock time: "17h", "17h30" (French), "17:00", "17:30" (English).
pub fn clock_time(lang: Lang, hour: u32, minute: u32) -> String {
    if minute == 0 {
        render(
            lang,
            &PERMANENCE_TIME_ON_THE_HOUR,
            &[("hour", &hour.to_string())],
        )
    } else {
        render(
            lang,
            &PERMANENCE_TIME,
            &[
                ("hour", &hour.to_string()),
                ("minute", &format!("{minute:02}")),
            ],
        )
    }
}

/// A slot's time of day.
pub fn minute_label(lang: Lang, m: Minute) -> String {
    clock_time(lang, u32::from(m.hour()), u32::from(m.minute()))
}

/// An instant's local time of day in `tz`.
fn local_clock(lang: Lang, at_ms: i64, tz: Tz) -> String {
    match DateTime::from_timestamp_millis(at_ms) {
        Some(t) => {
            let t = t.with_timezone(&tz);
            clock_time(lang, t.hour(), t.minute())
        }
        None => String::new(),
    }
}

/// The local time an interval ends at: midnight at its end reads "24h", not "0h".
fn local_end_clock(lang: Lang, at_ms: i64, tz: Tz) -> String {
    match DateTime::from_timestamp_millis(at_ms) {
        Some(t) => {
            let t = t.with_timezone(&tz);
            match (t.hour(), t.minute()) {
                (0, 0) => clock_time(lang, 24, 0),
                (h, m) => clock_time(lang, h, m),
            }
        }
        None => String::new(),
    }
}

/// An instant's local day: "mardi 8/12".
fn local_day(lang: Lang, at_ms: i64, tz: Tz) -> String {
    match DateTime::from_timestamp_millis(at_ms) {
        Some(t) => day_date(lang, t.with_timezone(&tz).date_naive()),
        None => String::new(),
    }
}

/// A date with its weekday: "mardi 8/12".
pub fn day_date(lang: Lang, date: chrono::NaiveDate) -> String {
    render(
        lang,
        &PERMANENCE_DAY_DATE,
        &[
            ("weekday", &weekday_label(lang, date.weekday())),
            ("day", &date.day().to_string()),
            ("month", &date.month().to_string()),
        ],
    )
}

/// " (MJC Centre)" after a name, or nothing; the place is user text, sanitised here.
pub fn location_suffix(lang: Lang, location: Option<&str>) -> String {
    match location {
        Some(l) => render(lang, &PERMANENCE_LOCATION, &[("location", &sanitize(l))]),
        None => String::new(),
    }
}

/// "Karim et Julie".
fn people(lang: Lang, ids: &[u64]) -> String {
    let names: Vec<String> = ids.iter().map(|&id| user_mention(id)).collect();
    names.join(&render(lang, &PERMANENCE_AND, &[]))
}

/// The alert's ping line when promeneurs are on duty: mentions them instead of the role.
pub fn alert_content_on_duty(lang: Lang, promeneurs: &[u64], severity: Severity) -> String {
    let mentions: Vec<String> = promeneurs.iter().map(|&id| user_mention(id)).collect();
    render(
        lang,
        &ALERT_CONTENT_ON_DUTY,
        &[
            ("promeneurs", &mentions.join(" ")),
            ("severity", &severity_label(lang, severity)),
        ],
    )
}

/// One slot as added or removed.
#[derive(Debug, Clone, Copy)]
pub struct SlotText<'a> {
    pub id: i64,
    pub weekday: Weekday,
    pub start: Minute,
    pub end: Minute,
    pub promeneur: u64,
    pub location: Option<&'a str>,
}

pub fn permanence_added(lang: Lang, s: &SlotText<'_>) -> String {
    render(
        lang,
        &PERMANENCE_ADDED,
        &[
            ("id", &s.id.to_string()),
            ("weekday", &weekday_label(lang, s.weekday)),
            ("start", &minute_label(lang, s.start)),
            ("end", &minute_label(lang, s.end)),
            ("promeneur", &user_mention(s.promeneur)),
            ("location", &location_suffix(lang, s.location)),
        ],
    )
}

pub fn permanence_removed(lang: Lang, s: &SlotText<'_>) -> String {
    render(
        lang,
        &PERMANENCE_REMOVED_OK,
        &[
            ("id", &s.id.to_string()),
            ("weekday", &weekday_label(lang, s.weekday)),
            ("start", &minute_label(lang, s.start)),
            ("end", &minute_label(lang, s.end)),
            ("promeneur", &user_mention(s.promeneur)),
        ],
    )
}

pub fn permanence_cancelled(lang: Lang, id: i64, date: chrono::NaiveDate) -> String {
    render(
        lang,
        &PERMANENCE_CANCELLED_OK,
        &[("id", &id.to_string()), ("date", &day_date(lang, date))],
    )
}

pub fn permanence_moved(
    lang: Lang,
    id: i64,
    date: chrono::NaiveDate,
    start: Minute,
    end: Minute,
) -> String {
    render(
        lang,
        &PERMANENCE_MOVED_OK,
        &[
            ("id", &id.to_string()),
            ("date", &day_date(lang, date)),
            ("start", &minute_label(lang, start)),
            ("end", &minute_label(lang, end)),
        ],
    )
}

/// A refused permanence or exception: names the option and why; nothing was saved.
pub fn permanence_error(lang: Lang, error: &PermanenceError) -> String {
    let reason = match error {
        PermanenceError::BadTime { value, .. } => render(
            lang,
            &PERMANENCE_ERROR_BAD_TIME,
            &[("value", &sanitize(value))],
        ),
        PermanenceError::UnknownDay(value) => render(
            lang,
            &PERMANENCE_ERROR_UNKNOWN_DAY,
            &[("value", &sanitize(value))],
        ),
        PermanenceError::BadDate(value) => render(
            lang,
            &PERMANENCE_ERROR_BAD_DATE,
            &[("value", &sanitize(value))],
        ),
        PermanenceError::EndNotAfterStart => render(lang, &PERMANENCE_ERROR_END_BEFORE_START, &[]),
        PermanenceError::DateInPast => render(lang, &PERMANENCE_ERROR_DATE_IN_PAST, &[]),
        PermanenceError::WrongWeekday { expected } => render(
            lang,
            &PERMANENCE_ERROR_WRONG_WEEKDAY,
            &[("weekday", &weekday_label(lang, *expected))],
        ),
        PermanenceError::Overlap { other } => render(
            lang,
            &PERMANENCE_ERROR_OVERLAP,
            &[("id", &other.to_string())],
        ),
        PermanenceError::TooLong { max, .. } => render(
            lang,
            &PERMANENCE_ERROR_TOO_LONG,
            &[("max", &max.to_string())],
        ),
        PermanenceError::IncompleteException => render(lang, &PERMANENCE_ERROR_INCOMPLETE, &[]),
        PermanenceError::NotFound(id) => render(
            lang,
            &PERMANENCE_ERROR_NOT_FOUND,
            &[("id", &id.to_string())],
        ),
        PermanenceError::NoSlotThatDay => render(lang, &PERMANENCE_ERROR_NO_SLOT_THAT_DAY, &[]),
        PermanenceError::SeveralSlotsThatDay => render(lang, &PERMANENCE_ERROR_SEVERAL_SLOTS, &[]),
    };
    render(
        lang,
        &PERMANENCE_ERROR,
        &[("field", error.field().as_str()), ("reason", &reason)],
    )
}

/// One occurrence in the `/permanences` list.
#[derive(Debug, Clone, Copy)]
pub struct ListedOccurrence<'a> {
    pub id: i64,
    pub start_ms: i64,
    pub end_ms: i64,
    pub promeneur: u64,
    pub location: Option<&'a str>,
}

/// `/permanences`: this week's and next week's occurrences, or the empty message.
pub fn permanence_list(lang: Lang, tz: Tz, items: &[ListedOccurrence<'_>]) -> String {
    if items.is_empty() {
        return render(lang, &PERMANENCE_LIST_EMPTY, &[]);
    }
    let mut lines = vec![render(
        lang,
        &PERMANENCE_LIST_HEADER,
        &[("timezone", tz.name())],
    )];
    lines.extend(items.iter().map(|o| {
        render(
            lang,
            &PERMANENCE_LIST_LINE,
            &[
                ("day", &local_day(lang, o.start_ms, tz)),
                ("start", &local_clock(lang, o.start_ms, tz)),
                ("end", &local_end_clock(lang, o.end_ms, tz)),
                ("promeneur", &user_mention(o.promeneur)),
                ("location", &location_suffix(lang, o.location)),
                ("id", &o.id.to_string()),
            ],
        )
    }));
    lines.join("\n")
}

/// Who is on duty, in a sentence: "@Karim est en permanence jusqu'à 19h." (one line per
/// promeneur), "Prochaine permanence : mardi 8/12 à 17h avec @Julie.", or that none is
/// planned. Mentions render as names in Discord; send it with no allowed mentions.
pub fn on_duty_sentence(lang: Lang, on_duty: &OnDuty, tz: Tz) -> String {
    match on_duty {
        OnDuty::Now { promeneurs } => promeneurs
            .iter()
            .map(|&(id, until)| {
                render(
                    lang,
                    &PERMANENCE_ON_DUTY_NOW,
                    &[
                        ("promeneur", &user_mention(id)),
                        ("until", &local_end_clock(lang, until, tz)),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        OnDuty::Next {
            start_ms,
            promeneurs,
            ..
        } => render(
            lang,
            &PERMANENCE_NEXT,
            &[
                ("day", &local_day(lang, *start_ms, tz)),
                ("start", &local_clock(lang, *start_ms, tz)),
                ("promeneurs", &people(lang, promeneurs)),
            ],
        ),
        OnDuty::Nobody => render(lang, &PERMANENCE_NOBODY, &[]),
    }
}

/// The announcement posted in the question channels when a slot starts.
pub fn permanence_announcement(
    lang: Lang,
    promeneur: u64,
    until_ms: i64,
    location: Option<&str>,
    tz: Tz,
) -> String {
    render(
        lang,
        &PERMANENCE_ANNOUNCEMENT,
        &[
            ("promeneur", &user_mention(promeneur)),
            ("until", &local_end_clock(lang, until_ms, tz)),
            ("location", &location_suffix(lang, location)),
        ],
    )
}

/// A scheduled event's title; `name` is the promeneur's display name (plain text: event
/// titles do not render mentions).
pub fn permanence_event_name(lang: Lang, name: &str) -> String {
    render(lang, &PERMANENCE_EVENT_NAME, &[("promeneur", name)])
}

pub fn permanence_event_description(lang: Lang) -> String {
    render(lang, &PERMANENCE_EVENT_DESCRIPTION, &[])
}

/// The event's location when the slot names none.
pub fn permanence_event_location(lang: Lang) -> String {
    render(lang, &PERMANENCE_EVENT_LOCATION, &[])
}
