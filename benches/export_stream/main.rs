//! Export benchmark (issue 13): `promeneur export` over 1,000,000 supervision entries of one
//! guild, streamed in constant memory. The journal's entries (nine scanned messages, then a
//! staff action, in turn) are written to a fresh SQLite database by one SQL statement; then the peak RSS is reset
//! (`/proc/self/clear_refs`, Linux) and the export runs to a sink over the first whole days
//! holding a tenth of the entries (one a second: 172,800 rows for 1,000,000), then over all of
//! them: the peaks should be alike, whatever the number of rows.
//!
//! ```sh
//! cargo bench --bench export_stream
//! # fewer rows: EXPORT_BENCH_ROWS=200000 cargo bench --bench export_stream
//! ```

use std::io::Write;
use std::time::Instant;

use promeneur::domain::journal::Actor;
use promeneur::export::{Format, Range};
use promeneur::flows::export::export as run;
use promeneur::store::Db;

const GUILD: i64 = 900_000_000_000_000_001;
/// 2026-01-01 00:00 UTC.
const START: i64 = 1_767_225_600_000;

/// A sink that counts bytes, so the export is neither kept nor printed.
struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak RSS (VmHWM) to the current RSS; false where Linux does not allow it.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

async fn export(db: &Db, rows: u64, format: Format) -> anyhow::Result<()> {
    // One entry a second of 2026: `rows` entries span rows seconds.
    let days = ((rows as i64 + 86_399) / 86_400).max(1);
    let last = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date")
        + chrono::Days::new(days as u64 - 1);
    let range = Range::parse(
        "2026-01-01",
        &last.format("%Y-%m-%d").to_string(),
        chrono_tz::UTC,
    )?;
    let reset = reset_peak();
    let before = status_kb("VmRSS:").unwrap_or(0);
    let started = Instant::now();
    let mut sink = Count(0);
    let now = START + rows as i64 * 1000;
    let written = run(
        db,
        GUILD as u64,
        range,
        format,
        Actor::Operator,
        now,
        &mut sink,
    )
    .await?;
    let took = started.elapsed();
    let peak = status_kb("VmHWM:").unwrap_or(0);
    println!(
        "{format:?}: {written} rows, {:.1} MB, {:.1} s ({:.0} rows/s); RSS before {} MB, peak during {} MB{}",
        sink.0 as f64 / 1e6,
        took.as_secs_f64(),
        written as f64 / took.as_secs_f64(),
        before / 1024,
        peak / 1024,
        if reset { "" } else { " (peak not reset: since start)" }
    );
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let rows: u64 = std::env::var("EXPORT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let started = Instant::now();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1) \
         INSERT INTO journal (guild_id, at, actor_kind, actor, action, subject_kind, subject_id, \
         channel_id, severity, categories, outcome) \
         SELECT $2, $3 + i * 1000, \
         CASE WHEN i % 10 = 9 THEN 'staff' ELSE 'young' END, \
         CASE WHEN i % 10 = 9 THEN '900000000000000077' ELSE 'p-' || (i % 5000) END, \
         CASE WHEN i % 10 = 9 THEN 'alert_closed' ELSE 'message_scanned' END, \
         CASE WHEN i % 10 = 9 THEN 'alert' ELSE 'message' END, 1000000 + i, 42, \
         CASE WHEN i % 10 = 0 THEN 'high' ELSE 'none' END, \
         CASE WHEN i % 10 = 0 THEN 'distress' ELSE NULL END, \
         CASE WHEN i % 10 = 9 THEN 'oriente' ELSE NULL END FROM n",
    )
    .bind(rows as i64)
    .bind(GUILD)
    .bind(START)
    .execute(db.pool())
    .await?;
    println!(
        "{rows} entries written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    export(&db, rows / 10, Format::Jsonl).await?;
    export(&db, rows, Format::Jsonl).await?;
    export(&db, rows, Format::Csv).await?;
    db.close().await;
    Ok(())
}
