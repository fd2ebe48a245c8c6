//! ISO weeks in a guild's time zone: reading one a person typed, and its bounds in UTC.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate, TimeZone as _, Weekday};
use chrono_tz::Tz;

/// An ISO 8601 week ("2026-W47"): Monday to Sunday, numbered within its ISO year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

/// Why a week given by a person was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeekError {
    #[error("`{0}` is not a week (expected 2026-W47 or a date such as 2026-11-20)")]
    Unreadable(String),
    #[error("week {0} has not started yet")]
    Future(IsoWeek),
}

impl IsoWeek {
    /// The week of a local date.
    pub fn of(date: NaiveDate) -> IsoWeek {
        let iso = date.iso_week();
        IsoWeek {
            year: iso.year(),
            week: iso.week(),
        }
    }

    /// Reads "2026-W47" (any case, "2026W47" too) or a date "2026-11-20" (its week). A week
    /// after `today`'s is refused.
    pub fn parse(text: &str, today: NaiveDate) -> Result<IsoWeek, WeekError> {
        let t = text.trim();
        let unreadable = || WeekError::Unreadable(text.to_owned());
        let week = if let Some((y, w)) = t.split_once(['W', 'w']) {
            let year: i32 = y.trim_end_matches('-').parse().map_err(|_| unreadable())?;
            let week: u32 = w.parse().map_err(|_| unreadable())?;
            let monday =
                NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(unreadable)?;
            IsoWeek::of(monday)
        } else {
            let date = NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
                .map_err(|_| unreadable())?;
            IsoWeek::of(date)
        };
        if week > IsoWeek::of(today) {
            return Err(WeekError::Future(week));
        }
        Ok(week)
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
            .expect("an IsoWeek is only built from a valid date")
    }

    pub fn sunday(self) -> NaiveDate {
        self.monday() + Days::new(6)
    }

    pub fn previous(self) -> IsoWeek {
        IsoWeek::of(self.monday() - Days::new(7))
    }

    /// The week as the UTC interval `[start, end)` in unix ms, from Monday 00:00 to the next
    /// Monday 00:00 local time (a DST week is 167 or 169 hours long).
    pub fn bounds(self, tz: Tz) -> (i64, i64) {
        let start = local_midnight(self.monday(), tz);
        let end = local_midnight(self.monday() + Days::new(7), tz);
        (start, end)
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// Local midnight of `date` in `tz`, in unix ms (the first instant of the day if midnight is
/// skipped by a DST change).
fn local_midnight(date: NaiveDate, tz: Tz) -> i64 {
    let naive = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.timestamp_millis()
        }
        chrono::LocalResult::None => tz
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.timestamp_millis())
            .unwrap_or_else(|| naive.and_utc().timestamp_millis()),
    }
}
