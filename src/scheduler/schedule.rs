//! When a job is due: a [`Schedule`] maps any instant to the latest period whose due time has
//! passed, with a key that names that period in `job_runs`.
//!
//! Pure and DST-correct. Local times are read in the schedule's time zone: a time that does not
//! exist on a spring-forward day (02:30 in Paris on the last Sunday of March) is due at the first
//! instant after the gap (03:00 local), and a time that happens twice on a fall-back day is due at
//! the earlier instant; the key is the local date (or ISO week), so it still runs once.

use std::fmt;
use std::time::Duration;

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday,
};
use chrono_tz::Tz;

/// When a job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Every fixed interval, in slots aligned on the unix epoch (so every process agrees on them).
    /// A zero interval is never due.
    Every(Duration),
    /// Each day at a local time.
    Daily { at: NaiveTime, tz: Tz },
    /// Each week on a day at a local time.
    Weekly {
        weekday: Weekday,
        at: NaiveTime,
        tz: Tz,
    },
}

/// One occurrence of a schedule: its key in `job_runs` and when it became due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `every:<interval ms>:<slot index>`, a local date (`2026-12-07`) for daily schedules, an ISO
    /// week in the schedule's time zone (`2026-W50`) for weekly ones.
    pub key: String,
    pub due_at_ms: i64,
}

const HOUR_MS: i64 = 3_600_000;

impl Schedule {
    /// The most recent period whose due time is at or before `now_ms`. `None` for a zero
    /// interval, or for times outside the range chrono handles.
    pub fn latest_due(&self, now_ms: i64) -> Option<Period> {
        match self {
            Schedule::Every(every) => {
                let step = interval_ms(*every)?;
                let slot = now_ms.div_euclid(step);
                Some(Period {
                    key: format!("every:{step}:{slot}"),
                    due_at_ms: slot.checked_mul(step)?,
                })
            }
            Schedule::Daily { .. } => {
                let (date, due_at_ms) = self.latest_local(now_ms)?;
                Some(Period {
                    key: date.to_string(),
                    due_at_ms,
                })
            }
            Schedule::Weekly { .. } => {
                let (date, due_at_ms) = self.latest_local(now_ms)?;
                let week = date.iso_week();
                Some(Period {
                    key: format!("{:04}-W{:02}", week.year(), week.week()),
                    due_at_ms,
                })
            }
        }
    }

    /// The first due time strictly after `now_ms`, to know how long to sleep.
    pub fn next_due_after(&self, now_ms: i64) -> Option<i64> {
        match self {
            Schedule::Every(every) => {
                let step = interval_ms(*every)?;
                now_ms.div_euclid(step).checked_add(1)?.checked_mul(step)
            }
            Schedule::Daily { at, tz } => {
                let (date, _) = self.latest_local(now_ms)?;
                occurrence_ms(date.checked_add_days(Days::new(1))?, *at, *tz)
            }
            Schedule::Weekly { at, tz, .. } => {
                let (date, _) = self.latest_local(now_ms)?;
                occurrence_ms(date.checked_add_days(Days::new(7))?, *at, *tz)
            }
        }
    }

    /// For a daily or weekly schedule: the local date of the latest occurrence at or before
    /// `now_ms`, and that occurrence.
    fn latest_local(&self, now_ms: i64) -> Option<(NaiveDate, i64)> {
        let (at, tz, step_days) = match self {
            Schedule::Every(_) => return None,
            Schedule::Daily { at, tz } => (*at, *tz, 1),
            Schedule::Weekly { at, tz, .. } => (*at, *tz, 7),
        };
        let today = DateTime::from_timestamp_millis(now_ms)?
            .with_timezone(&tz)
            .date_naive();
        let candidate = match self {
            Schedule::Weekly { weekday, .. } => {
                let back = (today.weekday().num_days_from_monday() + 7
                    - weekday.num_days_from_monday())
                    % 7;
                today.checked_sub_days(Days::new(u64::from(back)))?
            }
            _ => today,
        };
        let due = occurrence_ms(candidate, at, tz)?;
        if due <= now_ms {
            return Some((candidate, due));
        }
        let earlier = candidate.checked_sub_days(Days::new(step_days))?;
        Some((earlier, occurrence_ms(earlier, at, tz)?))
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Every(every) => write!(f, "every {}ms", every.as_millis()),
            Schedule::Daily { at, tz } => write!(f, "daily at {} {tz}", at.format("%H:%M")),
            Schedule::Weekly { weekday, at, tz } => {
                write!(f, "weekly on {weekday} at {} {tz}", at.format("%H:%M"))
            }
        }
    }
}

fn interval_ms(every: Duration) -> Option<i64> {
    i64::try_from(every.as_millis()).ok().filter(|ms| *ms > 0)
}

/// The instant `date` at `at` happens in `tz` (see the module comment for gaps and overlaps).
fn occurrence_ms(date: NaiveDate, at: NaiveTime, tz: Tz) -> Option<i64> {
    let local = date.and_time(at);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.timestamp_millis()),
        LocalResult::Ambiguous(a, b) => Some(a.timestamp_millis().min(b.timestamp_millis())),
        LocalResult::None => end_of_gap_ms(local, tz),
    }
}

/// The first instant whose local time is at or after `local`, a time skipped by a
/// spring-forward: the instant the clocks jumped.
fn end_of_gap_ms(local: NaiveDateTime, tz: Tz) -> Option<i64> {
    // UTC offsets stay within -12 h..+14 h, so that instant lies within 15 h of `local` read as
    // UTC; around a gap the local time only moves forward, so a binary search finds it.
    let as_utc = local.and_utc().timestamp_millis();
    let (mut before, mut after) = (as_utc - 15 * HOUR_MS, as_utc + 15 * HOUR_MS);
    while after - before > 1 {
        let mid = before + (after - before) / 2;
        let mid_local = DateTime::from_timestamp_millis(mid)?
            .with_timezone(&tz)
            .naive_local();
        if mid_local >= local {
            after = mid;
        } else {
            before = mid;
        }
    }
    Some(after)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use chrono_tz::Europe::Paris;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .timestamp_millis()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn period(key: &str, due_at_ms: i64) -> Option<Period> {
        Some(Period {
            key: key.to_string(),
            due_at_ms,
        })
    }

    #[test]
    fn an_interval_is_cut_into_slots_aligned_on_the_epoch() {
        let hourly = Schedule::Every(Duration::from_secs(3600));
        let slot_start = 493_812 * HOUR_MS;
        assert_eq!(
            hourly.latest_due(slot_start + 5),
            period("every:3600000:493812", slot_start)
        );
        assert_eq!(
            hourly.latest_due(slot_start),
            period("every:3600000:493812", slot_start)
        );
        assert_eq!(
            hourly.latest_due(slot_start - 1).unwrap().key,
            "every:3600000:493811"
        );
        assert_eq!(
            hourly.next_due_after(slot_start),
            Some(slot_start + HOUR_MS)
        );
    }

    #[test]
    fn a_zero_interval_is_never_due() {
        let never = Schedule::Every(Duration::ZERO);
        assert_eq!(never.latest_due(1_000), None);
        assert_eq!(never.next_due_after(1_000), None);
    }

    #[test]
    fn a_daily_job_before_its_time_is_still_in_yesterdays_period() {
        let daily = Schedule::Daily {
            at: hm(9, 0),
            tz: Paris,
        };
        // 2026-12-07 08:59 Paris (UTC+1) is 07:59 UTC.
        assert_eq!(
            daily.latest_due(utc(2026, 12, 7, 7, 59)),
            period("2026-12-06", utc(2026, 12, 6, 8, 0))
        );
        assert_eq!(
            daily.latest_due(utc(2026, 12, 7, 8, 0)),
            period("2026-12-07", utc(2026, 12, 7, 8, 0))
        );
        assert_eq!(
            daily.next_due_after(utc(2026, 12, 7, 7, 59)),
            Some(utc(2026, 12, 7, 8, 0))
        );
        assert_eq!(
            daily.next_due_after(utc(2026, 12, 7, 8, 0)),
            Some(utc(2026, 12, 8, 8, 0))
        );
    }

    #[test]
    fn a_daily_job_at_a_time_skipped_by_spring_forward_runs_when_the_clocks_jump() {
        // Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 does not exist.
        let daily = Schedule::Daily {
            at: hm(2, 30),
            tz: Paris,
        };
        let jump = utc(2026, 3, 29, 1, 0);
        assert_eq!(daily.latest_due(jump - 1).unwrap().key, "2026-03-28");
        assert_eq!(daily.latest_due(jump), period("2026-03-29", jump));
        assert_eq!(daily.next_due_after(jump - 1), Some(jump));
        // The next day is back to 02:30 local, now UTC+2.
        assert_eq!(daily.next_due_after(jump), Some(utc(2026, 3, 30, 0, 30)));
    }

    #[test]
    fn a_daily_job_at_a_time_repeated_by_fall_back_runs_once_at_the_first() {
        // Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
        let daily = Schedule::Daily {
            at: hm(2, 30),
            tz: Paris,
        };
        let first = utc(2026, 10, 25, 0, 30);
        assert_eq!(daily.latest_due(first), period("2026-10-25", first));
        assert_eq!(
            daily.latest_due(utc(2026, 10, 25, 1, 30)),
            period("2026-10-25", first)
        );
        assert_eq!(daily.next_due_after(first), Some(utc(2026, 10, 26, 1, 30)));
    }

    #[test]
    fn a_weekly_job_keeps_its_local_time_across_both_paris_dst_changes() {
        let weekly = Schedule::Weekly {
            weekday: Weekday::Mon,
            at: hm(9, 0),
            tz: Paris,
        };
        // Summer time: Monday 2026-10-19 09:00 CEST = 07:00 UTC.
        let summer = utc(2026, 10, 19, 7, 0);
        assert_eq!(weekly.latest_due(summer), period("2026-W43", summer));
        // Clocks go back on Sunday 2026-10-25; the next run is 09:00 CET = 08:00 UTC.
        let winter = utc(2026, 10, 26, 8, 0);
        assert_eq!(weekly.next_due_after(summer), Some(winter));
        assert_eq!(weekly.latest_due(winter - 1), period("2026-W43", summer));
        assert_eq!(weekly.latest_due(winter), period("2026-W44", winter));
        // Clocks go forward on Sunday 2027-03-28; 09:00 is 08:00 UTC before, 07:00 UTC after.
        let before = utc(2027, 3, 22, 8, 0);
        let after = utc(2027, 3, 29, 7, 0);
        assert_eq!(weekly.latest_due(before).unwrap().key, "2027-W12");
        assert_eq!(weekly.next_due_after(before), Some(after));
        assert_eq!(weekly.latest_due(after), period("2027-W13", after));
    }

    #[test]
    fn a_weekly_job_on_the_night_of_a_dst_change_runs_once_that_week() {
        let weekly = Schedule::Weekly {
            weekday: Weekday::Sun,
            at: hm(2, 30),
            tz: Paris,
        };
        // Fall back (2026-10-25): the earlier 02:30, and the later one is the same period.
        let first = utc(2026, 10, 25, 0, 30);
        assert_eq!(weekly.latest_due(first - 1).unwrap().key, "2026-W42");
        assert_eq!(weekly.latest_due(first), period("2026-W43", first));
        assert_eq!(
            weekly.latest_due(utc(2026, 10, 25, 1, 30)),
            period("2026-W43", first)
        );
        // Spring forward (2027-03-28): 02:30 does not exist, so 03:00 CEST = 01:00 UTC.
        let jump = utc(2027, 3, 28, 1, 0);
        assert_eq!(weekly.latest_due(jump - 1).unwrap().key, "2027-W11");
        assert_eq!(weekly.latest_due(jump), period("2027-W12", jump));
    }

    #[test]
    fn weekly_keys_are_iso_weeks_across_the_new_year() {
        let weekly = Schedule::Weekly {
            weekday: Weekday::Mon,
            at: hm(9, 0),
            tz: Paris,
        };
        // 2026 has 53 ISO weeks; Friday 2027-01-01 still belongs to Monday 2026-12-28's week.
        assert_eq!(
            weekly.latest_due(utc(2027, 1, 1, 12, 0)),
            period("2026-W53", utc(2026, 12, 28, 8, 0))
        );
        assert_eq!(
            weekly.latest_due(utc(2027, 1, 4, 8, 0)).unwrap().key,
            "2027-W01"
        );
        assert_eq!(
            weekly.latest_due(utc(2026, 12, 7, 8, 0)).unwrap().key,
            "2026-W50"
        );
    }

    #[test]
    fn schedules_describe_themselves_for_the_logs() {
        let weekly = Schedule::Weekly {
            weekday: Weekday::Mon,
            at: hm(9, 0),
            tz: Paris,
        };
        assert_eq!(weekly.to_string(), "weekly on Mon at 09:00 Europe/Paris");
    }
}
