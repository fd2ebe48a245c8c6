//! Posting a guild's weekly digest to its coordination channel, with the numbers as they stand
//! at delivery (an entry retried an hour later shows the answers given meanwhile), and its
//! chart attached as a PNG drawn from those same numbers. The entry stores only the week; a
//! retry draws the chart again and sends the same nonce, so Discord keeps one message.

use poise::serenity_prelude::{CreateAllowedMentions, CreateAttachment, CreateMessage, Nonce};
use tracing::{info, warn};

use super::execute::{db_failure, Failure};
use super::rest::Rest;
use crate::bot::Bot;
use crate::domain::digest::IsoWeek;
use crate::domain::permanences::local_date;
use crate::flows;
use crate::prompts::{self, text::truncate_chars};
use crate::store::now_ms;

/// A Discord message's longest content.
const MAX_CONTENT_CHARS: usize = 2000;

pub(super) async fn post(bot: &Bot, rest: &Rest, guild_id: u64, week: &str) -> Result<(), Failure> {
    let Some(gc) = bot.config.guild(guild_id) else {
        return Err(Failure::Permanent(format!(
            "digest of unconfigured guild {guild_id}"
        )));
    };
    let Some(channel) = gc.coordination_channel else {
        return Err(Failure::Permanent(format!(
            "guild {guild_id} has no coordination channel"
        )));
    };
    let now = now_ms();
    let today = local_date(now, gc.tz)
        .ok_or_else(|| Failure::Permanent("the clock is out of range".into()))?;
    let week = IsoWeek::parse(week, today)
        .map_err(|e| Failure::Permanent(format!("digest entry: {e}")))?;
    let digest = flows::digest::build(&bot.db, guild_id, gc.tz, week, now)
        .await
        .map_err(db_failure)?;
    let text = truncate_chars(
        &prompts::digest_markdown(gc.language, &digest),
        MAX_CONTENT_CHARS,
    );
    let msg = CreateMessage::new()
        .content(text)
        // Nonces are at most 25 characters: "d" + the guild's last digits + the week.
        .nonce(Nonce::String(format!(
            "d{}-{week}",
            guild_id % 1_000_000_000
        )))
        .enforce_nonce(true)
        .allowed_mentions(CreateAllowedMentions::new());
    // The text goes out even if the chart cannot be drawn: the numbers matter most.
    let labels = prompts::digest_chart_labels(gc.language, &digest);
    match crate::chart::render_png(&digest.chart, &labels) {
        Ok(png) => {
            let file = CreateAttachment::bytes(
                png,
                prompts::digest_chart_file_name(gc.language, &digest.week),
            );
            rest.create_message_with_files(channel.0, &msg, &[file])
                .await?;
        }
        Err(e) => {
            warn!(guild_id, %week, error = %format!("{e:#}"), "digest chart not drawn");
            rest.create_message(channel.0, &msg).await?;
        }
    }
    info!(guild_id, %week, "weekly digest posted");
    Ok(())
}
