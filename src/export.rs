//! The export of a guild's journal (`promeneur export`, `/export`): the range of days as the
//! guild's clock reads them, and each entry as a CSV line or a JSON line. Formatting only: the
//! rows come from `store::journal::stream_range` (see `flows::export`). No content ever:
//! young people appear only as their keyed pseudonym, staff by Discord id.

use std::io::Write;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::domain::journal::{Entry, SubjectId};

/// The longest range one export covers.
pub const MAX_DAYS: i64 = 366;

/// The export's columns, in order (the README documents each).
pub const COLUMNS: [&str; 13] = [
    "time",
    "guild_id",
    "actor_kind",
    "actor",
    "action",
    "subject_kind",
    "subject_id",
    "channel_id",
    "severity",
    "categories",
    "way",
    "outcome",
    "detail",
];

/// Which argument was wrong: the CLI names its option, `/export` its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    From,
    To,
    Format,
}

/// What was wrong with the arguments, naming the option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{field}: `{input}` is not a date (expected YYYY-MM-DD)")]
    BadDate { field: &'static str, input: String },
    #[error("--to: {to} is before --from {from}")]
    Reversed { from: String, to: String },
    #[error(
        "--to: the range covers {days} days, more than {MAX_DAYS}; export a year at most at a time"
    )]
    TooLong { days: i64 },
    #[error("--format: unknown format `{0}` (expected csv or jsonl)")]
    BadFormat(String),
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

impl ExportError {
    /// The argument at fault.
    pub fn field(&self) -> Field {
        match self {
            ExportError::BadDate { field, .. } if *field == "--from" => Field::From,
            ExportError::BadDate { .. } | ExportError::Reversed { .. } => Field::To,
            ExportError::TooLong { .. } => Field::To,
            ExportError::BadFormat(_) => Field::Format,
        }
    }
}

impl Format {
    /// The file's extension (and `/export`'s file name).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    pub fn parse(input: &str) -> Result<Format, ExportError> {
        match input {
            "csv" => Ok(Format::Csv),
            "jsonl" => Ok(Format::Jsonl),
            other => Err(ExportError::BadFormat(other.to_owned())),
        }
    }
}

/// A range of whole days of the guild's clock, `from` and `to` included, as unix
/// milliseconds `[start, end)`: `--from 2026-03-01` in Europe/Paris starts at 2026-02-28
/// 23:00 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Range {
    pub fn parse(from: &str, to: &str, tz: Tz) -> Result<Range, ExportError> {
        let day = |field: &'static str, input: &str| {
            NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d").map_err(|_| ExportError::BadDate {
                field,
                input: input.to_owned(),
            })
        };
        let (first, last) = (day("--from", from)?, day("--to", to)?);
        if last < first {
            return Err(ExportError::Reversed {
                from: from.to_owned(),
                to: to.to_owned(),
            });
        }
        let days = (last - first).num_days() + 1;
        if days > MAX_DAYS {
            return Err(ExportError::TooLong { days });
        }
        let after = last.succ_opt().ok_or_else(|| ExportError::BadDate {
            field: "--to",
            input: to.to_owned(),
        })?;
        Ok(Range {
            first,
            last,
            start_ms: local_midnight(first, tz),
            end_ms: local_midnight(after, tz),
        })
    }
}

/// The first instant of `day` in `tz` (a day that starts in a DST gap starts when the clock
/// jumps).
pub fn local_midnight(day: NaiveDate, tz: Tz) -> i64 {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.timestamp_millis(),
        None => (0..=180)
            .find_map(|m| {
                let later = midnight + chrono::Duration::minutes(m);
                tz.from_local_datetime(&later).earliest()
            })
            .map_or_else(
                || Utc.from_utc_datetime(&midnight).timestamp_millis(),
                |t| t.timestamp_millis(),
            ),
    }
}

/// The row as written out: ids as strings (JSON loses precision past 2^53), time in RFC 3339.
#[derive(Debug, Serialize)]
struct Out<'a> {
    time: String,
    guild_id: Option<String>,
    actor_kind: &'static str,
    actor: Option<String>,
    action: &'static str,
    subject_kind: Option<&'static str>,
    subject_id: Option<String>,
    channel_id: Option<String>,
    severity: Option<&'a str>,
    categories: Option<&'a str>,
    way: Option<&'a str>,
    outcome: Option<&'a str>,
    detail: Option<&'a str>,
}

impl<'a> Out<'a> {
    fn of(e: &'a Entry) -> Out<'a> {
        let time = Utc
            .timestamp_millis_opt(e.at)
            .single()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        let (subject_kind, subject_id) = e.subject.columns();
        Out {
            time,
            guild_id: e.guild_id.map(|g| g.to_string()),
            actor_kind: e.actor.kind().as_str(),
            actor: e.actor.label(),
            action: e.action.as_str(),
            subject_kind,
            subject_id: subject_id.map(|id| match id {
                SubjectId::Snowflake(s) => s.to_string(),
                SubjectId::Number(n) => n.to_string(),
            }),
            channel_id: e.channel_id.map(|c| c.to_string()),
            severity: e.detail.severity.as_deref(),
            categories: e.detail.categories.as_deref(),
            way: e.detail.way.as_deref(),
            outcome: e.detail.outcome.as_deref(),
            detail: e.detail.note.as_deref(),
        }
    }
}

/// Writes what comes before the rows (the CSV header).
pub fn write_header(format: Format, out: &mut impl Write) -> std::io::Result<()> {
    match format {
        Format::Csv => writeln!(out, "{}", COLUMNS.join(",")),
        Format::Jsonl => Ok(()),
    }
}

/// Writes one entry as one line.
pub fn write_row(format: Format, entry: &Entry, out: &mut impl Write) -> std::io::Result<()> {
    let row = Out::of(entry);
    match format {
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, &row)?;
            writeln!(out)
        }
        Format::Csv => write_csv(out, &row),
    }
}

fn write_csv(out: &mut impl Write, r: &Out) -> std::io::Result<()> {
    fn opt(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or_default()
    }
    let fields = [
        r.time.as_str(),
        opt(&r.guild_id),
        r.actor_kind,
        opt(&r.actor),
        r.action,
        r.subject_kind.unwrap_or_default(),
        opt(&r.subject_id),
        opt(&r.channel_id),
        r.severity.unwrap_or_default(),
        r.categories.unwrap_or_default(),
        r.way.unwrap_or_default(),
        r.outcome.unwrap_or_default(),
        r.detail.unwrap_or_default(),
    ];
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(csv_field(field).as_bytes())?;
    }
    writeln!(out)
}

/// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
fn csv_field(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::UTC;

    #[test]
    fn a_date_that_does_not_parse_names_its_option() {
        let err = Range::parse("2026-13-01", "2026-12-31", UTC).unwrap_err();
        assert!(err.to_string().starts_with("--from:"), "{err}");
        let err = Range::parse("2026-01-01", "demain", UTC).unwrap_err();
        assert!(err.to_string().starts_with("--to:"), "{err}");
    }

    #[test]
    fn a_range_over_a_year_or_reversed_is_refused() {
        assert_eq!(
            Range::parse("2025-01-01", "2026-01-02", UTC),
            Err(ExportError::TooLong { days: 367 })
        );
        assert!(Range::parse("2026-02-01", "2026-01-01", UTC).is_err());
        assert!(
            Range::parse("2024-01-01", "2024-12-31", UTC).is_ok(),
            "a leap year fits"
        );
    }

    #[test]
    fn the_range_covers_whole_days_both_ends_included() {
        let r = Range::parse("2026-01-01", "2026-01-01", UTC).unwrap();
        assert_eq!(r.end_ms - r.start_ms, 86_400_000);
        assert_eq!(r.start_ms, 1_767_225_600_000);
    }

    #[test]
    fn days_are_the_guilds_days_dst_included() {
        let paris = chrono_tz::Europe::Paris;
        let r = Range::parse("2026-01-01", "2026-01-01", paris).unwrap();
        assert_eq!(
            r.start_ms,
            1_767_225_600_000 - 3_600_000,
            "midnight in Paris"
        );
        // 2026-03-29 is 23 hours long in Paris (summer time starts).
        let r = Range::parse("2026-03-29", "2026-03-29", paris).unwrap();
        assert_eq!(r.end_ms - r.start_ms, 23 * 3_600_000);
    }

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(csv_field("harassment,distress"), "\"harassment,distress\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn unknown_formats_are_refused_naming_the_option() {
        assert_eq!(Format::parse("csv"), Ok(Format::Csv));
        let err = Format::parse("xlsx").unwrap_err();
        assert!(err.to_string().starts_with("--format:"));
    }
}
