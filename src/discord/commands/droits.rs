//! A young person's rights: `/mes-donnees` (a file by DM of everything kept about them),
//! `/oubli` (erase it all, after a confirm button) and `/confidentialite` (what is kept, how
//! long, who sees it). Open to everyone; nothing here echoes what was kept into a channel.

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateActionRow, CreateAttachment, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage,
};

use super::super::{Context, Error};
use super::aide::lang_of;
use crate::bot::Bot;
use crate::flows::rights as flow;
use crate::outbound::render::lang_for;
use crate::prompts;
use crate::store::now_ms;

/// The custom id prefix of `/oubli`'s confirm button (followed by the user's id).
const FORGET_PREFIX: &str = "rights:forget:";
/// The file's name in the DM.
const EXPORT_FILE: &str = "mes-donnees.json";

/// Receive privately everything the bot keeps about you.
#[poise::command(slash_command, rename = "mes-donnees")]
pub async fn mes_donnees(ctx: Context<'_>) -> Result<(), Error> {
    let lang = lang_of(&ctx);
    ctx.defer_ephemeral().await?;
    let guild = ctx.guild_id().map(|g| g.get());
    let user = ctx.author().id.get();
    let file = flow::export(ctx.data(), guild, user, now_ms()).await?;
    // Sent at once rather than through the outbox: the file is built from what is kept right
    // now, and storing it for a later delivery would keep one more copy of the very data; if
    // the DM fails, the young person is told here and can ask again.
    let config = &ctx.data().config;
    let text =
        prompts::rights_export_dm(lang, config.retention_days, config.journal_retention_days);
    let answer = match send_file(ctx, text, file).await {
        Ok(()) => prompts::rights_export_sent(lang),
        Err(e) => {
            tracing::warn!(error = %e, "the data export DM failed");
            prompts::rights_export_dm_closed(lang)
        }
    };
    ctx.send(
        poise::CreateReply::default()
            .content(answer)
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// DMs `text` with the file attached. The body is written here rather than by serenity's
/// `CreateMessage`, which describes the attachment with a numeric id where Discord's API
/// schema asks for a snowflake string; `files[0]` is serenity's multipart part either way.
async fn send_file(ctx: Context<'_>, text: String, file: Vec<u8>) -> anyhow::Result<()> {
    let channel = ctx
        .author()
        .create_dm_channel(ctx.serenity_context())
        .await?;
    let body = serde_json::json!({
        "content": text,
        "allowed_mentions": { "parse": [] },
        "attachments": [{ "id": "0", "filename": EXPORT_FILE }],
    });
    ctx.http()
        .send_message(
            channel.id,
            vec![CreateAttachment::bytes(file, EXPORT_FILE)],
            &body,
        )
        .await?;
    Ok(())
}

/// Erase everything the bot keeps about you (after confirming).
#[poise::command(slash_command)]
pub async fn oubli(ctx: Context<'_>) -> Result<(), Error> {
    let lang = lang_of(&ctx);
    let button = CreateButton::new(format!("{FORGET_PREFIX}{}", ctx.author().id.get()))
        .label(prompts::rights_forget_button(lang))
        .style(serenity::ButtonStyle::Danger);
    ctx.send(
        poise::CreateReply::default()
            .content(prompts::rights_forget_confirm(lang))
            .components(vec![CreateActionRow::Buttons(vec![button])])
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// What the bot reads, keeps, for how long, who sees it.
#[poise::command(slash_command)]
pub async fn confidentialite(ctx: Context<'_>) -> Result<(), Error> {
    let lang = lang_of(&ctx);
    ctx.send(
        poise::CreateReply::default()
            .content(prompts::rights_privacy(
                lang,
                ctx.data().config.retention_days,
                ctx.data().config.journal_retention_days,
            ))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// `/oubli`'s confirm button: only the person who asked can confirm (the message is
/// ephemeral, the id in the button makes sure); the erasure runs, the message says it is done.
pub async fn on_component(
    ctx: &serenity::Context,
    bot: &Bot,
    c: &ComponentInteraction,
) -> anyhow::Result<()> {
    let Some(owner) = c
        .data
        .custom_id
        .strip_prefix(FORGET_PREFIX)
        .and_then(|i| i.parse::<u64>().ok())
    else {
        return Ok(());
    };
    let lang = lang_for(c.guild_id.and_then(|g| bot.config.guild(g.get())));
    if owner != c.user.id.get() {
        return Ok(());
    }
    flow::forget(bot, c.guild_id.map(|g| g.get()), owner, now_ms()).await?;
    c.create_response(
        ctx,
        CreateInteractionResponse::UpdateMessage(
            CreateInteractionResponseMessage::new()
                .content(prompts::rights_forget_done(lang))
                .components(Vec::new()),
        ),
    )
    .await?;
    Ok(())
}
