//! The weekly digest for coordinators: for one guild and one ISO week in the guild's time zone,
//! whether young people were answered and alerts taken in time, and where the load sits.
//!
//! Pure: the store gathers [`Facts`] (rows already reduced to what a count needs: no names, no
//! ids of young people, no text), [`summarise`] turns them into numbers, [`Digest`] adds the
//! trend against the previous four weeks. Renderings (Markdown from prompts/, JSON, CSV) read
//! only a `Digest`, so the posted digest, `/bilan` and the CLI show the same numbers; so does
//! the PNG chart attached to the posted digest ([`ChartData`], drawn by `crate::chart`).

mod chart;
mod csv;
mod summary;
mod trend;
mod week;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::alerts::Outcome;
use crate::domain::questions::Way;
use crate::safety::{Category, Severity};

pub use chart::{take_bucket, ChartData, TAKE_BUCKETS, TAKE_BUCKETS_MS};
pub use summary::{
    rule_family, summarise, AlertSummary, Delays, PermanenceSummary, PromeneurHours,
    QuestionSummary, RuleFamilyShare, Summary, WaitingSummary,
};
pub use trend::{Direction, Headline, Trend};
pub use week::{IsoWeek, WeekError};

#[cfg(test)]
use {chrono_tz::Tz, csv::csv_field, summary::summarise_alerts};

/// A question still unanswered after this long is listed by link.
pub const UNANSWERED_AFTER_MS: i64 = 48 * 3_600_000;

/// How many earlier weeks the trend compares with.
pub const TREND_WEEKS: u32 = 4;

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
    /// What the attached chart draws.
    pub chart: ChartData,
}

#[cfg(test)]
mod tests;
