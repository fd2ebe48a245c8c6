//! `promeneur export`: the network's supervision log of one guild over a date range, as CSV or
//! JSON lines on stdout, one row per entry, streamed from the database (constant memory
//! however long the range).
//!
//! Rows come from the existing supervision tables: `exchanges` (one per scanned message or
//! staff action), `alerts` (flagged, taken, closed) and `question_events`. No content ever:
//! young people appear only as their keyed pseudonym, staff by Discord id.

use std::io::Write;

use chrono::{NaiveDate, TimeZone, Utc};
use futures_util::TryStreamExt;
use serde::Serialize;

use crate::store::ids::{from_db, to_db};
use crate::store::Db;

/// The longest range one export covers.
pub const MAX_DAYS: i64 = 366;

/// The export's columns, in order (the README documents each).
pub const COLUMNS: [&str; 13] = [
    "time",
    "source",
    "event",
    "guild_id",
    "channel_id",
    "ref_id",
    "young",
    "staff_id",
    "severity",
    "categories",
    "way",
    "outcome",
    "detail",
];

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

impl Format {
    pub fn parse(input: &str) -> Result<Format, ExportError> {
        match input {
            "csv" => Ok(Format::Csv),
            "jsonl" => Ok(Format::Jsonl),
            other => Err(ExportError::BadFormat(other.to_owned())),
        }
    }
}

/// A range of whole UTC days, `from` and `to` included, as unix milliseconds `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Range {
    pub fn parse(from: &str, to: &str) -> Result<Range, ExportError> {
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
        let ms = |d: NaiveDate| Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN));
        Ok(Range {
            start_ms: ms(first).timestamp_millis(),
            end_ms: ms(last).timestamp_millis() + 86_400_000,
        })
    }
}

/// One row of the export.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    at: i64,
    source: String,
    event: String,
    guild_id: Option<i64>,
    channel_id: Option<i64>,
    ref_id: Option<i64>,
    young: Option<String>,
    staff_id: Option<i64>,
    severity: Option<String>,
    categories: Option<String>,
    way: Option<String>,
    outcome: Option<String>,
    detail: Option<String>,
}

/// The row as written out: ids as strings (JSON loses precision past 2^53), time in RFC 3339.
#[derive(Debug, Serialize)]
struct Out {
    time: String,
    source: String,
    event: String,
    guild_id: Option<String>,
    channel_id: Option<String>,
    ref_id: Option<String>,
    young: Option<String>,
    staff_id: Option<String>,
    severity: Option<String>,
    categories: Option<String>,
    way: Option<String>,
    outcome: Option<String>,
    detail: Option<String>,
}

impl From<Row> for Out {
    fn from(r: Row) -> Out {
        let id = |v: Option<i64>| v.map(|v| from_db(v).to_string());
        let time = Utc
            .timestamp_millis_opt(r.at)
            .single()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        Out {
            time,
            source: r.source,
            event: r.event,
            guild_id: id(r.guild_id),
            channel_id: id(r.channel_id),
            // Alert and question numbers are the bot's own, not snowflakes.
            ref_id: r.ref_id.map(|v| v.to_string()),
            young: r.young.filter(|y| !y.is_empty()),
            staff_id: id(r.staff_id),
            severity: r.severity,
            categories: r.categories.filter(|c| !c.is_empty()),
            way: r.way,
            outcome: r.outcome,
            detail: r.detail,
        }
    }
}

// Staff actions in `exchanges` carry `staff:<action>` instead of a pseudonym: they are not a
// young person. Alerts give up to three rows (flagged, taken, closed).
const SQL: &str = "\
SELECT at, source, event, guild_id, channel_id, ref_id, young, staff_id, severity, categories, \
       way, outcome, detail FROM ( \
  SELECT created_at AS at, 'exchange' AS source, kind AS event, guild_id, channel_id, \
         message_id AS ref_id, \
         CASE WHEN author_pseudonym LIKE 'staff:%' THEN NULL ELSE author_pseudonym END AS young, \
         CAST(NULL AS BIGINT) AS staff_id, severity, categories, CAST(NULL AS TEXT) AS way, \
         CAST(NULL AS TEXT) AS outcome, \
         CASE WHEN author_pseudonym LIKE 'staff:%' THEN author_pseudonym ELSE NULL END AS detail, \
         1 AS o, id \
    FROM exchanges WHERE guild_id = $1 AND created_at >= $2 AND created_at < $3 \
  UNION ALL \
  SELECT flagged_at, 'alert', 'flagged', guild_id, channel_id, id, author_pseudonym, NULL, \
         severity, categories, NULL, NULL, NULL, 2, id \
    FROM alerts WHERE guild_id = $1 AND flagged_at >= $2 AND flagged_at < $3 \
  UNION ALL \
  SELECT taken_at, 'alert', 'taken', guild_id, channel_id, id, author_pseudonym, taken_by, \
         severity, categories, NULL, NULL, NULL, 3, id \
    FROM alerts WHERE guild_id = $1 AND taken_at >= $2 AND taken_at < $3 \
  UNION ALL \
  SELECT closed_at, 'alert', 'closed', guild_id, channel_id, id, author_pseudonym, closed_by, \
         severity, categories, NULL, outcome, NULL, 4, id \
    FROM alerts WHERE guild_id = $1 AND closed_at >= $2 AND closed_at < $3 \
  UNION ALL \
  SELECT e.at, 'question', e.kind, e.guild_id, NULL, e.question_id, q.asker_pseudonym, \
         e.actor_id, NULL, NULL, e.way, q.outcome, e.detail, 5, e.id \
    FROM question_events e LEFT JOIN questions q ON q.id = e.question_id \
   WHERE e.guild_id = $1 AND e.at >= $2 AND e.at < $3 \
) entries ORDER BY at, o, id";

/// Writes the export of `guild` over `range` to `out`, row by row as the database yields them;
/// returns how many rows were written.
pub async fn run(
    db: &Db,
    guild: u64,
    range: Range,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    if format == Format::Csv {
        writeln!(out, "{}", COLUMNS.join(","))?;
    }
    let mut rows = sqlx::query_as::<_, Row>(SQL)
        .bind(to_db(guild))
        .bind(range.start_ms)
        .bind(range.end_ms)
        .fetch(db.pool());
    let mut count = 0u64;
    while let Some(row) = rows.try_next().await? {
        let row = Out::from(row);
        match format {
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, &row)?;
                writeln!(out)?;
            }
            Format::Csv => write_csv(out, &row)?,
        }
        count += 1;
    }
    out.flush()?;
    Ok(count)
}

fn write_csv(out: &mut impl Write, r: &Out) -> std::io::Result<()> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields = [
        r.time.clone(),
        r.source.clone(),
        r.event.clone(),
        opt(&r.guild_id),
        opt(&r.channel_id),
        opt(&r.ref_id),
        opt(&r.young),
        opt(&r.staff_id),
        opt(&r.severity),
        opt(&r.categories),
        opt(&r.way),
        opt(&r.outcome),
        opt(&r.detail),
    ];
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    writeln!(out, "{}", line.join(","))
}

/// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_that_does_not_parse_names_its_option() {
        let err = Range::parse("2026-13-01", "2026-12-31").unwrap_err();
        assert!(err.to_string().starts_with("--from:"), "{err}");
        let err = Range::parse("2026-01-01", "demain").unwrap_err();
        assert!(err.to_string().starts_with("--to:"), "{err}");
    }

    #[test]
    fn a_range_over_a_year_or_reversed_is_refused() {
        assert_eq!(
            Range::parse("2025-01-01", "2026-01-02"),
            Err(ExportError::TooLong { days: 367 })
        );
        assert!(Range::parse("2026-02-01", "2026-01-01").is_err());
        assert!(
            Range::parse("2024-01-01", "2024-12-31").is_ok(),
            "a leap year fits"
        );
    }

    #[test]
    fn the_range_covers_whole_days_both_ends_included() {
        let r = Range::parse("2026-01-01", "2026-01-01").unwrap();
        assert_eq!(r.end_ms - r.start_ms, 86_400_000);
        assert_eq!(r.start_ms, 1_767_225_600_000);
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
