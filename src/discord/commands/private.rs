//! What every command shares: the private (ephemeral) answer, cut to Discord's length and
//! pinging nobody, and the coordinators' guard.

use poise::serenity_prelude as serenity;

use crate::config::GuildConfig;
use crate::outbound::render::lang_for;
use crate::prompts::{self, Lang};

use super::super::{Context, Error};

/// Discord refuses messages over 2,000 characters.
pub(crate) const MAX_REPLY_CHARS: usize = 1990;

/// Answers the caller alone, cut to Discord's length; mentions in `text` ping nobody.
pub(crate) async fn reply(ctx: Context<'_>, text: String) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content(prompts::text::truncate_chars(&text, MAX_REPLY_CHARS))
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// Whether `roles` hold the guild's coordinator role.
pub(crate) fn is_coordinator(gc: &GuildConfig, roles: &[u64]) -> bool {
    gc.coordinator_role
        .is_some_and(|role| roles.contains(&role.0))
}

/// The guild's configuration and language when the caller holds the guild's coordinator
/// role; otherwise `refusal` is answered privately and `None` returned.
pub(crate) async fn coordinator_guard(
    ctx: Context<'_>,
    refusal: fn(Lang) -> String,
) -> Result<Option<(&GuildConfig, Lang)>, Error> {
    let gc = ctx
        .guild_id()
        .and_then(|g| ctx.data().config.guild(g.get()));
    let lang = lang_for(gc);
    let roles: Vec<u64> = match ctx.author_member().await {
        Some(m) => m.roles.iter().map(|r| r.get()).collect(),
        None => Vec::new(),
    };
    match gc.filter(|gc| is_coordinator(gc, &roles)) {
        Some(gc) => Ok(Some((gc, lang))),
        None => {
            reply(ctx, refusal(lang)).await?;
            Ok(None)
        }
    }
}
