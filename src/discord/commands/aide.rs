//! `/aide`: what the bot does and how to reach a promeneur, privately.

use crate::prompts::{self, Lang};

use super::super::{Context, Error};
use crate::outbound::render::lang_for;

/// `/aide`: what the bot does and how to reach a promeneur, privately.
#[poise::command(slash_command)]
pub async fn aide(ctx: Context<'_>) -> Result<(), Error> {
    let lang = lang_of(&ctx);
    ctx.send(
        poise::CreateReply::default()
            .content(prompts::help(lang))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// The language of the guild the command came from.
pub fn lang_of(ctx: &Context<'_>) -> Lang {
    lang_for(
        ctx.guild_id()
            .and_then(|g| ctx.data().config.guild(g.get())),
    )
}
