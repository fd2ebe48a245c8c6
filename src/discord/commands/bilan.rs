//! `/bilan [semaine]` (coordinators): the week's digest, privately; the week in progress by
//! default. The same numbers as the posted digest and `promeneur digest`.

use poise::serenity_prelude as serenity;

use crate::domain::digest::IsoWeek;
use crate::domain::permanences::local_date;
use crate::flows;
use crate::outbound::render::lang_for;
use crate::prompts;
use crate::store::now_ms;

use super::super::{Context, Error};

/// Discord refuses messages over 2,000 characters.
const MAX_REPLY_CHARS: usize = 1990;

async fn reply(ctx: Context<'_>, text: String) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content(prompts::text::truncate_chars(&text, MAX_REPLY_CHARS))
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// `/bilan [semaine]`: the digest of a week (coordinators).
#[poise::command(slash_command, guild_only)]
pub async fn bilan(ctx: Context<'_>, semaine: Option<String>) -> Result<(), Error> {
    let gc = ctx
        .guild_id()
        .and_then(|g| ctx.data().config.guild(g.get()));
    let lang = lang_for(gc);
    let roles: Vec<u64> = match ctx.author_member().await {
        Some(m) => m.roles.iter().map(|r| r.get()).collect(),
        None => Vec::new(),
    };
    let Some(gc) = gc.filter(|gc| {
        gc.coordinator_role
            .is_some_and(|role| roles.contains(&role.0))
    }) else {
        return reply(ctx, prompts::digest_coordinators_only(lang)).await;
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
