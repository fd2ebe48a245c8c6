//! `/bilan [semaine]` (coordinators): the week's digest, privately; the week in progress by
//! default. The same numbers as the posted digest and `promeneur digest`.

use crate::domain::digest::IsoWeek;
use crate::domain::permanences::local_date;
use crate::flows;
use crate::prompts;
use crate::store::now_ms;

use super::super::{Context, Error};
use super::private::{coordinator_guard, reply};

/// `/bilan [semaine]`: the digest of a week (coordinators).
#[poise::command(slash_command, guild_only)]
pub async fn bilan(ctx: Context<'_>, semaine: Option<String>) -> Result<(), Error> {
    let Some((gc, lang)) = coordinator_guard(ctx, prompts::digest_coordinators_only).await? else {
        return Ok(());
    };
    let now = now_ms();
    let Some(today) = local_date(now, gc.tz) else {
        anyhow::bail!("the clock is out of range");
    };
    let week = match semaine.as_deref() {
        None => IsoWeek::of(today),
        Some(text) => match IsoWeek::parse(text, today) {
            Ok(week) => week,
            Err(e) => return reply(ctx, prompts::digest_week_refused(lang, &e)).await,
        },
    };
    let digest = flows::digest::build(&ctx.data().db, gc.id.0, gc.tz, week, now).await?;
    reply(ctx, prompts::digest_markdown(lang, &digest)).await
}
