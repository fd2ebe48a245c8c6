//! Builds one guild's weekly digest: the week's facts from the store, their numbers, and the
//! trend against the four weeks before. The scheduled post, `/bilan` and `promeneur digest`
//! all call [`build`], so they show the same numbers.

use chrono_tz::Tz;

use crate::config::Config;
use crate::domain::digest::{summarise, ChartData, Digest, IsoWeek, Trend, TREND_WEEKS};
use crate::domain::effects::Effect;
use crate::domain::permanences::local_date;
use crate::prompts::digest_markdown;
use crate::safety::Severity;
use crate::store::{digest as digest_store, outbox, Db};
use anyhow::Context as _;

/// The digest of `week` for `guild_id` (in `tz`), as it stands at `now` (unix ms).
#[tracing::instrument(skip_all, fields(guild_id, week = %week))]
pub async fn build(
    db: &Db,
    guild_id: u64,
    tz: Tz,
    week: IsoWeek,
    now: i64,
) -> anyhow::Result<Digest> {
    let (_, end) = week.bounds(tz);
    let facts = digest_store::week_facts(db.pool(), guild_id, week, tz, now).await?;
    let summary = summarise(&facts, now);
    let chart = ChartData::of(&facts, tz);
    let mut previous = Vec::new();
    let mut earlier = week;
    for _ in 0..TREND_WEEKS {
        earlier = earlier.previous();
        let (_, earlier_end) = earlier.bounds(tz);
        let facts = digest_store::week_facts(db.pool(), guild_id, earlier, tz, earlier_end).await?;
        previous.push(summarise(&facts, earlier_end).headline());
    }
    let trend = Trend::of(&summary.headline(), &previous);
    Ok(Digest {
        guild_id: guild_id.to_string(),
        week: week.to_string(),
        from: week.monday(),
        to: week.sunday(),
        timezone: tz.name().to_owned(),
        cut_off_ms: now,
        partial: now < end,
        summary,
        trend,
        chart,
    })
}

/// The scheduled push: the period `period_key` of the weekly schedule ("2026-W48", the week the
/// digest is posted in) calls for the digest of the week before, stored in the outbox once per
/// guild and week (its dedup key), whoever enqueues it and however often.
///
/// The very first run of a guild's job (a new install, a guild just added) only sets the
/// baseline: catching up means posting what downtime missed, not last week's digest of a bot
/// that was not there. `false` when nothing was stored for that reason.
pub async fn enqueue_weekly(
    db: &Db,
    job: &str,
    guild_id: u64,
    period_key: &str,
    now: i64,
) -> anyhow::Result<bool> {
    if !digest_store::ran_before(db.pool(), job, period_key).await? {
        tracing::info!(
            guild_id,
            period_key,
            "first digest period: baseline, nothing posted"
        );
        return Ok(false);
    }
    let posted_in = IsoWeek::parse(period_key, far_future())
        .map_err(|e| anyhow::anyhow!("digest period `{period_key}`: {e}"))?;
    let effect = Effect::PostDigest {
        guild_id,
        week: posted_in.previous().to_string(),
    };
    let mut tx = db.begin().await?;
    outbox::enqueue(&mut *tx, &effect, effect.priority(Severity::None), now).await?;
    tx.commit().await.context("storing the weekly digest")?;
    Ok(true)
}

/// The forms `promeneur digest` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The Markdown posted to the coordination channel, in the guild's language.
    Md,
    /// Every number, for the network's own tools.
    Json,
    /// `section,metric,key,value` lines, for spreadsheets.
    Csv,
}

/// `promeneur digest`: the digest of `week` (default: the last complete week) for the guild
/// `guild_id` of the configuration, in `format`. Errors name the option at fault.
pub async fn report(
    config: &Config,
    db: &Db,
    guild_id: u64,
    week: Option<&str>,
    format: Format,
    now: i64,
) -> anyhow::Result<String> {
    let guild = config
        .guild(guild_id)
        .ok_or_else(|| anyhow::anyhow!("--guild: no guild {guild_id} in the configuration"))?;
    let today =
        local_date(now, guild.tz).ok_or_else(|| anyhow::anyhow!("the clock is out of range"))?;
    let week = match week {
        Some(text) => IsoWeek::parse(text, today).map_err(|e| anyhow::anyhow!("--week: {e}"))?,
        None => IsoWeek::of(today).previous(),
    };
    let digest = build(db, guild_id, guild.tz, week, now).await?;
    Ok(match format {
        Format::Md => digest_markdown(guild.language, &digest) + "\n",
        Format::Json => serde_json::to_string_pretty(&digest)? + "\n",
        Format::Csv => digest.to_csv(),
    })
}

/// A date after any week a schedule names (a period key is never refused as "future").
fn far_future() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("9999-12-31 is a valid date")
}
