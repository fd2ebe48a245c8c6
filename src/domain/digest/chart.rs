//! What the digest's chart draws: the week day by day (alerts by category, questions by way)
//! and how long alerts waited to be taken. Counts only, like the rest of the digest.

use std::collections::BTreeMap;

use chrono::Datelike as _;
use chrono_tz::Tz;
use serde::Serialize;

use super::Facts;
use crate::domain::permanences::local_date;

const MIN: i64 = 60_000;

/// The upper bounds of the time-to-take buckets (the last bucket is everything longer).
pub const TAKE_BUCKETS_MS: [i64; 4] = [5 * MIN, 15 * MIN, 60 * MIN, 4 * 60 * MIN];

/// How many time-to-take buckets there are: one per bound, and one past the last.
pub const TAKE_BUCKETS: usize = TAKE_BUCKETS_MS.len() + 1;

/// The chart's numbers for one week.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChartData {
    /// Alerts flagged each local day (Monday first), each under its gravest category (the
    /// first in the categories' order), so a day's bar adds up to its alerts.
    pub alerts_by_day: BTreeMap<&'static str, [u32; 7]>,
    /// Questions asked each local day (Monday first), by way.
    pub questions_by_day: BTreeMap<&'static str, [u32; 7]>,
    /// Alerts taken within each bucket of [`TAKE_BUCKETS_MS`]: at most 5 min, 15 min, 1 h,
    /// 4 h, then longer.
    pub time_to_take: [u32; TAKE_BUCKETS],
    /// Alerts of the week nobody has taken yet.
    pub not_taken: u32,
}

impl ChartData {
    /// The chart of `facts` with days in `tz`.
    pub fn of(facts: &Facts, tz: Tz) -> ChartData {
        let mut chart = ChartData::default();
        for q in &facts.questions {
            if let Some(day) = weekday(q.asked_at, tz) {
                chart.questions_by_day.entry(q.way.as_str()).or_default()[day] += 1;
            }
        }
        for a in &facts.alerts {
            if let (Some(day), Some(category)) = (weekday(a.flagged_at, tz), a.categories.first()) {
                chart.alerts_by_day.entry(category.as_str()).or_default()[day] += 1;
            }
            match a.taken_at {
                Some(taken) => chart.time_to_take[take_bucket(taken - a.flagged_at)] += 1,
                None => chart.not_taken += 1,
            }
        }
        chart
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.alerts_by_day.is_empty()
            && self.questions_by_day.is_empty()
            && self.not_taken == 0
            && self.time_to_take.iter().all(|n| *n == 0)
    }
}

/// The bucket of a delay: the first bound it does not exceed, or the last bucket.
pub fn take_bucket(delay_ms: i64) -> usize {
    TAKE_BUCKETS_MS
        .iter()
        .position(|bound| delay_ms <= *bound)
        .unwrap_or(TAKE_BUCKETS_MS.len())
}

/// The local weekday of an instant, Monday = 0.
fn weekday(at_ms: i64, tz: Tz) -> Option<usize> {
    local_date(at_ms, tz).map(|d| d.weekday().num_days_from_monday() as usize)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::TimeZone as _;
    use chrono_tz::Europe::Paris;

    use super::*;
    use crate::domain::digest::{AlertFact, QuestionFact};
    use crate::domain::questions::Way;
    use crate::safety::{Category, Severity};

    fn paris(day: u32, hour: u32) -> i64 {
        Paris
            .with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .unwrap()
            .timestamp_millis()
    }

    fn alert(at: i64, categories: &[Category], taken_after: Option<i64>) -> AlertFact {
        AlertFact {
            severity: Severity::High,
            categories: categories.iter().copied().collect::<BTreeSet<_>>(),
            flagged_at: at,
            taken_at: taken_after.map(|d| at + d),
            escalations: 0,
            outcome: None,
            dm_refused: false,
            rules: BTreeSet::new(),
        }
    }

    #[test]
    fn days_are_local_and_an_alert_counts_once_under_its_gravest_category() {
        let facts = Facts {
            questions: vec![
                QuestionFact {
                    way: Way::Open,
                    asked_at: paris(16, 10),
                    answered_at: None,
                },
                // Sunday 23:30 in Paris is Sunday 22:30 UTC: still Sunday here.
                QuestionFact {
                    way: Way::Private,
                    asked_at: paris(22, 23) + 30 * MIN,
                    answered_at: None,
                },
            ],
            alerts: vec![
                alert(
                    paris(17, 0) + 30 * MIN,
                    &[Category::Distress, Category::SuicideSelfharm],
                    Some(4 * MIN),
                ),
                alert(paris(17, 12), &[Category::Harassment], Some(5 * 60 * MIN)),
                alert(paris(21, 12), &[Category::Distress], None),
            ],
            ..Facts::default()
        };
        let chart = ChartData::of(&facts, Paris);
        assert_eq!(chart.questions_by_day["open"], [1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(chart.questions_by_day["private"], [0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(
            chart.alerts_by_day["suicide_selfharm"],
            [0, 1, 0, 0, 0, 0, 0]
        );
        assert_eq!(chart.alerts_by_day["harassment"], [0, 1, 0, 0, 0, 0, 0]);
        assert_eq!(chart.alerts_by_day["distress"], [0, 0, 0, 0, 0, 1, 0]);
        assert_eq!(chart.time_to_take, [1, 0, 0, 0, 1]);
        assert_eq!(chart.not_taken, 1);
        assert!(!chart.is_empty());
        assert!(ChartData::of(&Facts::default(), Paris).is_empty());
    }

    #[test]
    fn a_delay_on_a_bound_falls_in_the_shorter_bucket() {
        assert_eq!(take_bucket(0), 0);
        assert_eq!(take_bucket(5 * MIN), 0);
        assert_eq!(take_bucket(5 * MIN + 1), 1);
        assert_eq!(take_bucket(60 * MIN), 2);
        assert_eq!(take_bucket(4 * 60 * MIN + 1), 4);
    }
}
