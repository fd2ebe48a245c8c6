//! The weekly digest for coordinators: for one guild and one ISO week in the guild's time zone,
//! whether young people were answered and alerts taken in time, and where the load sits.
//!
//! Pure: the store gathers [`Facts`] (rows already reduced to what a count needs: no names, no
//! ids of young people, no text), [`summarise`] turns them into numbers, [`Digest`] adds the
//! trend against the previous four weeks. Renderings (Markdown from prompts/, JSON, CSV) read
//! only a `Digest`, so the posted digest, `/bilan` and the CLI show the same numbers.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, TimeZone as _, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use crate::domain::alerts::Outcome;
use crate::domain::questions::Way;
use crate::safety::{Category, Severity};

/// A question still unanswered after this long is listed by link.
pub const UNANSWERED_AFTER_MS: i64 = 48 * 3_600_000;

/// How many earlier weeks the trend compares with.
pub const TREND_WEEKS: u32 = 4;

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

/// A question asked in the week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionFact {
    pub way: Way,
    pub asked_at: i64,
    pub answered_at: Option<i64>,
}

/// A question (of any week) still waiting for its first answer at the digest's cut-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingQuestion {
    pub way: Way,
    pub asked_at: i64,
    /// Its thread, where staff answer it (none before the bot could open one).
    pub thread_id: Option<u64>,
}

/// An alert flagged in the week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertFact {
    pub severity: Severity,
    pub categories: BTreeSet<Category>,
    pub flagged_at: i64,
    pub taken_at: Option<i64>,
    pub escalations: u32,
    pub outcome: Option<Outcome>,
    /// The helpline card could not be sent: the young person's DMs are closed.
    pub dm_refused: bool,
    /// The ids of the rules that matched its messages.
    pub rules: BTreeSet<String>,
}

/// A permanence held in the week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermanenceFact {
    pub promeneur_id: u64,
    pub promeneur_name: String,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// What the store gathers for one week: everything the numbers are computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub questions: Vec<QuestionFact>,
    pub waiting: Vec<WaitingQuestion>,
    pub alerts: Vec<AlertFact>,
    pub resources_added: u32,
    pub permanences: Vec<PermanenceFact>,
}

/// Median and 90th percentile of a set of delays (nearest rank), in ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Delays {
    pub count: u32,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

impl Delays {
    pub fn of(mut values: Vec<i64>) -> Delays {
        values.sort_unstable();
        Delays {
            count: values.len() as u32,
            median_ms: percentile(&values, 50),
            p90_ms: percentile(&values, 90),
        }
    }
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QuestionSummary {
    pub asked: u32,
    pub open: u32,
    pub anonymous: u32,
    pub private: u32,
    pub answered: u32,
    /// Share answered (0-100), none when nothing was asked.
    pub answered_pct: Option<f64>,
    pub first_answer: Delays,
    /// Still unanswered after 48 h at the cut-off: their thread ids (staff open them).
    pub waiting_over_48h: Vec<WaitingSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingSummary {
    pub way: &'static str,
    pub asked_at: i64,
    pub thread_id: Option<String>,
}

/// How often alerts flagged by one family of rules were closed as false positives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleFamilyShare {
    /// The rule id without its last part: "fr.suicide" for "fr.suicide.word".
    pub family: String,
    pub closed: u32,
    pub false_positives: u32,
    pub share_pct: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlertSummary {
    pub flagged: u32,
    pub by_category: BTreeMap<&'static str, u32>,
    pub by_severity: BTreeMap<&'static str, u32>,
    pub taken: u32,
    pub time_to_take: Delays,
    pub escalated: u32,
    pub outcomes: BTreeMap<&'static str, u32>,
    pub still_open: u32,
    /// Rule families with at least one false positive, the worst share first.
    pub false_positive_rules: Vec<RuleFamilyShare>,
    pub dms_refused: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PromeneurHours {
    pub promeneur_id: String,
    pub name: String,
    pub count: u32,
    pub minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PermanenceSummary {
    pub held: u32,
    pub minutes: i64,
    pub by_promeneur: Vec<PromeneurHours>,
}

/// The numbers of one week.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub questions: QuestionSummary,
    pub alerts: AlertSummary,
    pub resources_added: u32,
    pub permanences: PermanenceSummary,
}

impl Summary {
    /// Nothing happened: the digest says "rien à signaler".
    pub fn is_empty(&self) -> bool {
        self.questions.asked == 0
            && self.questions.waiting_over_48h.is_empty()
            && self.alerts.flagged == 0
            && self.resources_added == 0
            && self.permanences.held == 0
    }

    pub fn headline(&self) -> Headline {
        Headline {
            questions: f64::from(self.questions.asked),
            answered_pct: self.questions.answered_pct,
            first_answer_median_ms: self.questions.first_answer.median_ms.map(|v| v as f64),
            alerts: f64::from(self.alerts.flagged),
            take_median_ms: self.alerts.time_to_take.median_ms.map(|v| v as f64),
        }
    }
}

/// Turns a week's facts into its numbers. `cut_off` is when the week is looked at (its end, or
/// now for the week in progress): "unanswered over 48 h" is counted at that instant.
pub fn summarise(facts: &Facts, cut_off: i64) -> Summary {
    Summary {
        questions: summarise_questions(facts, cut_off),
        alerts: summarise_alerts(&facts.alerts),
        resources_added: facts.resources_added,
        permanences: summarise_permanences(&facts.permanences),
    }
}

fn summarise_questions(facts: &Facts, cut_off: i64) -> QuestionSummary {
    let qs = &facts.questions;
    let by_way = |way: Way| qs.iter().filter(|q| q.way == way).count() as u32;
    let delays: Vec<i64> = qs
        .iter()
        .filter_map(|q| {
            q.answered_at
                .filter(|a| *a <= cut_off)
                .map(|a| a - q.asked_at)
        })
        .collect();
    let asked = qs.len() as u32;
    let answered = delays.len() as u32;
    let mut waiting: Vec<WaitingSummary> = facts
        .waiting
        .iter()
        .filter(|w| cut_off - w.asked_at >= UNANSWERED_AFTER_MS)
        .map(|w| WaitingSummary {
            way: w.way.as_str(),
            asked_at: w.asked_at,
            thread_id: w.thread_id.map(|t| t.to_string()),
        })
        .collect();
    waiting.sort_by_key(|w| w.asked_at);
    QuestionSummary {
        asked,
        open: by_way(Way::Open),
        anonymous: by_way(Way::Anonymous),
        private: by_way(Way::Private),
        answered,
        answered_pct: (asked > 0).then(|| pct(answered, asked)),
        first_answer: Delays::of(delays),
        waiting_over_48h: waiting,
    }
}

fn pct(part: u32, whole: u32) -> f64 {
    (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0
}

/// The family of a rule id: everything before its last dot.
pub fn rule_family(rule: &str) -> &str {
    rule.rsplit_once('.').map(|(f, _)| f).unwrap_or(rule)
}

fn summarise_alerts(alerts: &[AlertFact]) -> AlertSummary {
    let mut s = AlertSummary {
        flagged: alerts.len() as u32,
        ..AlertSummary::default()
    };
    let mut take = Vec::new();
    let mut families: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for a in alerts {
        for c in &a.categories {
            *s.by_category.entry(c.as_str()).or_default() += 1;
        }
        *s.by_severity.entry(a.severity.as_str()).or_default() += 1;
        if let Some(t) = a.taken_at {
            s.taken += 1;
            take.push(t - a.flagged_at);
        }
        if a.escalations > 0 {
            s.escalated += 1;
        }
        if a.dm_refused {
            s.dms_refused += 1;
        }
        match a.outcome {
            Some(o) => {
                *s.outcomes.entry(o.as_str()).or_default() += 1;
                let fp = u32::from(o == Outcome::FauxPositif);
                let of_alert: BTreeSet<&str> = a.rules.iter().map(|r| rule_family(r)).collect();
                for f in of_alert {
                    let e = families.entry(f.to_owned()).or_default();
                    e.0 += 1;
                    e.1 += fp;
                }
            }
            None => s.still_open += 1,
        }
    }
    s.time_to_take = Delays::of(take);
    let mut rules: Vec<RuleFamilyShare> = families
        .into_iter()
        .filter(|(_, (_, fp))| *fp > 0)
        .map(|(family, (closed, fp))| RuleFamilyShare {
            family,
            closed,
            false_positives: fp,
            share_pct: pct(fp, closed),
        })
        .collect();
    rules.sort_by(|a, b| {
        b.share_pct
            .total_cmp(&a.share_pct)
            .then(b.false_positives.cmp(&a.false_positives))
            .then(a.family.cmp(&b.family))
    });
    s.false_positive_rules = rules;
    s
}

fn summarise_permanences(held: &[PermanenceFact]) -> PermanenceSummary {
    let mut by: BTreeMap<u64, PromeneurHours> = BTreeMap::new();
    let mut minutes = 0;
    for p in held {
        let m = (p.end_ms - p.start_ms) / 60_000;
        minutes += m;
        let e = by.entry(p.promeneur_id).or_insert_with(|| PromeneurHours {
            promeneur_id: p.promeneur_id.to_string(),
            name: p.promeneur_name.clone(),
            ..PromeneurHours::default()
        });
        e.count += 1;
        e.minutes += m;
    }
    let mut by_promeneur: Vec<PromeneurHours> = by.into_values().collect();
    by_promeneur.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.name.cmp(&b.name)));
    PermanenceSummary {
        held: held.len() as u32,
        minutes,
        by_promeneur,
    }
}

/// The numbers the trend compares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Headline {
    pub questions: f64,
    pub answered_pct: Option<f64>,
    pub first_answer_median_ms: Option<f64>,
    pub alerts: f64,
    pub take_median_ms: Option<f64>,
}

/// Where a headline number stands against the mean of the previous weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Steady,
}

impl Direction {
    /// Up or down when more than 10 % away from the mean (and by more than a unit for counts),
    /// steady otherwise; none when the earlier weeks have no value.
    fn compare(now: Option<f64>, earlier: &[Option<f64>]) -> Option<Direction> {
        let now = now?;
        let known: Vec<f64> = earlier.iter().flatten().copied().collect();
        if known.is_empty() {
            return None;
        }
        let mean = known.iter().sum::<f64>() / known.len() as f64;
        let margin = (mean.abs() * 0.1).max(0.5);
        Some(if now > mean + margin {
            Direction::Up
        } else if now < mean - margin {
            Direction::Down
        } else {
            Direction::Steady
        })
    }

    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Up => "↑",
            Direction::Down => "↓",
            Direction::Steady => "→",
        }
    }
}

/// The headline numbers' directions against the previous weeks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Trend {
    /// The mean of each headline number over the previous weeks.
    pub previous_mean: Headline,
    pub questions: Option<Direction>,
    pub answered_pct: Option<Direction>,
    pub first_answer_median: Option<Direction>,
    pub alerts: Option<Direction>,
    pub take_median: Option<Direction>,
}

impl Trend {
    /// `previous`: the headlines of the earlier weeks, most recent first.
    pub fn of(now: &Headline, previous: &[Headline]) -> Trend {
        let col = |f: fn(&Headline) -> Option<f64>| -> Vec<Option<f64>> {
            previous.iter().map(f).collect()
        };
        let mean = |v: &[Option<f64>]| {
            let known: Vec<f64> = v.iter().flatten().copied().collect();
            (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
        };
        let questions = col(|h| Some(h.questions));
        let answered = col(|h| h.answered_pct);
        let first = col(|h| h.first_answer_median_ms);
        let alerts = col(|h| Some(h.alerts));
        let take = col(|h| h.take_median_ms);
        Trend {
            previous_mean: Headline {
                questions: mean(&questions).unwrap_or(0.0),
                answered_pct: mean(&answered),
                first_answer_median_ms: mean(&first),
                alerts: mean(&alerts).unwrap_or(0.0),
                take_median_ms: mean(&take),
            },
            questions: Direction::compare(Some(now.questions), &questions),
            answered_pct: Direction::compare(now.answered_pct, &answered),
            first_answer_median: Direction::compare(now.first_answer_median_ms, &first),
            alerts: Direction::compare(Some(now.alerts), &alerts),
            take_median: Direction::compare(now.take_median_ms, &take),
        }
    }
}

/// One guild's digest for one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub guild_id: String,
    pub week: String,
    /// The week's first local day and last local day (YYYY-MM-DD).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub timezone: String,
    /// The instant the numbers hold at (when the digest was built).
    pub cut_off_ms: i64,
    /// Whether the week was still in progress.
    pub partial: bool,
    pub summary: Summary,
    pub trend: Trend,
}

impl Digest {
    /// The numbers as `section,metric,key,value` lines (a header first), for spreadsheets.
    pub fn to_csv(&self) -> String {
        let mut rows: Vec<(String, String, String, String)> = Vec::new();
        let mut push = |s: &str, m: &str, k: &str, v: String| {
            rows.push((s.into(), m.into(), k.into(), v));
        };
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let q = &self.summary.questions;
        push("week", "week", "", self.week.clone());
        push("week", "from", "", self.from.to_string());
        push("week", "to", "", self.to.to_string());
        push("week", "partial", "", self.partial.to_string());
        push("questions", "asked", "", q.asked.to_string());
        push("questions", "asked", "open", q.open.to_string());
        push("questions", "asked", "anonymous", q.anonymous.to_string());
        push("questions", "asked", "private", q.private.to_string());
        push("questions", "answered", "", q.answered.to_string());
        push(
            "questions",
            "answered_pct",
            "",
            q.answered_pct.map(|v| v.to_string()).unwrap_or_default(),
        );
        push(
            "questions",
            "first_answer_median_ms",
            "",
            opt(q.first_answer.median_ms),
        );
        push(
            "questions",
            "first_answer_p90_ms",
            "",
            opt(q.first_answer.p90_ms),
        );
        push(
            "questions",
            "waiting_over_48h",
            "",
            q.waiting_over_48h.len().to_string(),
        );
        let a = &self.summary.alerts;
        push("alerts", "flagged", "", a.flagged.to_string());
        for (k, v) in &a.by_category {
            push("alerts", "by_category", k, v.to_string());
        }
        for (k, v) in &a.by_severity {
            push("alerts", "by_severity", k, v.to_string());
        }
        push("alerts", "taken", "", a.taken.to_string());
        push(
            "alerts",
            "take_median_ms",
            "",
            opt(a.time_to_take.median_ms),
        );
        push("alerts", "take_p90_ms", "", opt(a.time_to_take.p90_ms));
        push("alerts", "escalated", "", a.escalated.to_string());
        for (k, v) in &a.outcomes {
            push("alerts", "outcome", k, v.to_string());
        }
        push("alerts", "still_open", "", a.still_open.to_string());
        for r in &a.false_positive_rules {
            push(
                "alerts",
                "false_positive_pct",
                &r.family,
                r.share_pct.to_string(),
            );
        }
        push("alerts", "dms_refused", "", a.dms_refused.to_string());
        push(
            "resources",
            "added",
            "",
            self.summary.resources_added.to_string(),
        );
        let p = &self.summary.permanences;
        push("permanences", "held", "", p.held.to_string());
        push("permanences", "minutes", "", p.minutes.to_string());
        for h in &p.by_promeneur {
            push(
                "permanences",
                "minutes_by_promeneur",
                &h.promeneur_id,
                h.minutes.to_string(),
            );
        }
        let t = &self.trend;
        for (k, d) in [
            ("questions", t.questions),
            ("answered_pct", t.answered_pct),
            ("first_answer_median", t.first_answer_median),
            ("alerts", t.alerts),
            ("take_median", t.take_median),
        ] {
            let v = d
                .map(|d| match d {
                    Direction::Up => "up",
                    Direction::Down => "down",
                    Direction::Steady => "steady",
                })
                .unwrap_or("");
            push("trend", k, "", v.to_owned());
        }
        let mut out = String::from("section,metric,key,value\n");
        for (s, m, k, v) in rows {
            out.push_str(&format!("{s},{m},{},{}\n", csv_field(&k), csv_field(&v)));
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

#[cfg(test)]
mod tests;
