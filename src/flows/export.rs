//! The export of a guild's journal, for the CLI and `/export`: streamed from the store row by
//! row into the writer (constant memory however long the range), then itself journaled (who,
//! the range, the format and how many rows; never what they held).

use std::io::Write;

use futures_util::TryStreamExt;

use crate::domain::journal::{Action, Actor, Entry};
use crate::export::{write_header, write_row, Format, Range};
use crate::store::{journal, Db};

/// Writes the export of `guild` over `range` to `out` and journals it as done by `by` at
/// `now`; returns how many rows were written.
pub async fn export(
    db: &Db,
    guild: u64,
    range: Range,
    format: Format,
    by: Actor,
    now: i64,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    write_header(format, out)?;
    let mut rows = journal::stream_range(db.pool(), guild, range.start_ms, range.end_ms);
    let mut count = 0u64;
    while let Some(logged) = rows.try_next().await? {
        write_row(format, &logged.entry, out)?;
        count += 1;
    }
    drop(rows);
    out.flush()?;
    let entry = Entry::new(Some(guild), now, by, Action::ExportMade).note(format!(
        "{}..{} {} rows={count}",
        range.first,
        range.last,
        format.extension()
    ));
    journal::append(db.pool(), &entry).await?;
    Ok(count)
}
