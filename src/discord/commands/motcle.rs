//! `/motcle`: a guild's own keyword rules. `tester` (promeneurs and coordinators) explains
//! what detection finds in a text, the guild's rules included; `ajouter`, `retirer` and
//! `liste` are for coordinators (the coordinator role, as `/bilan`). A new term that would
//! flag labelled harmless lines waits for a confirm button (`motcle:confirm:RULE:USER`).

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateActionRow, CreateButton, CreateInteractionResponse,
    CreateInteractionResponseMessage,
};

use super::super::{Context, Error};
use super::alerte::{ephemeral, staff_guard};
use super::private::{coordinator_guard, is_coordinator, reply, MAX_REPLY_CHARS};
use crate::bot::Bot;
use crate::domain::guild_rules::NewRule;
use crate::flows::guild_rules::{self as flow, Added};
use crate::outbound::render::lang_for;
use crate::prompts;
use crate::store::now_ms;

/// The custom id prefix of the confirm button (then the pending rule's id and the user's).
const CONFIRM_PREFIX: &str = "motcle:confirm:";

/// This server's own keywords.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("tester", "ajouter", "retirer", "liste")
)]
pub async fn motcle(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// What detection finds in a text, and why.
#[poise::command(slash_command, guild_only)]
pub async fn tester(ctx: Context<'_>, texte: String) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let scan = flow::explain(ctx.data(), Some(gc.id.0), &texte);
    reply(ctx, prompts::motcle_test(lang, &texte, &scan)).await
}

/// Add a keyword to this server's detection.
#[poise::command(slash_command, guild_only)]
pub async fn ajouter(
    ctx: Context<'_>,
    terme: String,
    categorie: String,
    gravite: String,
    exception: Option<String>,
) -> Result<(), Error> {
    let Some((gc, lang)) = coordinator_guard(ctx, prompts::motcle_coordinators_only).await? else {
        return Ok(());
    };
    let rule = match NewRule::parse(&terme, &categorie, &gravite, exception.as_deref()) {
        Ok(rule) => rule,
        Err(e) => return reply(ctx, prompts::motcle_input_error(lang, &e)).await,
    };
    let user = ctx.author().id.get();
    match flow::add(ctx.data(), gc.id.0, user, &rule, now_ms()).await? {
        Added::Saved(_) => reply(ctx, prompts::motcle_added(lang, &rule)).await,
        Added::Exists => reply(ctx, prompts::motcle_exists(lang, &rule)).await,
        Added::Confirm { id, lines } => {
            let button = CreateButton::new(format!("{CONFIRM_PREFIX}{id}:{user}"))
                .label(prompts::motcle_confirm_button(lang))
                .style(serenity::ButtonStyle::Danger);
            let text = prompts::motcle_confirm(lang, &rule, &lines);
            ctx.send(
                poise::CreateReply::default()
                    .content(prompts::text::truncate_chars(&text, MAX_REPLY_CHARS))
                    .components(vec![CreateActionRow::Buttons(vec![button])])
                    .ephemeral(true),
            )
            .await?;
            Ok(())
        }
    }
}

/// Remove a keyword of this server.
#[poise::command(slash_command, guild_only)]
pub async fn retirer(ctx: Context<'_>, terme: String) -> Result<(), Error> {
    let Some((gc, lang)) = coordinator_guard(ctx, prompts::motcle_coordinators_only).await? else {
        return Ok(());
    };
    let user = ctx.author().id.get();
    match flow::remove(ctx.data(), gc.id.0, &terme, user, now_ms()).await? {
        Some(rule) => reply(ctx, prompts::motcle_removed(lang, &rule.rule)).await,
        None => reply(ctx, prompts::motcle_not_found(lang, &terme)).await,
    }
}

/// The keywords this server added.
#[poise::command(slash_command, guild_only)]
pub async fn liste(ctx: Context<'_>) -> Result<(), Error> {
    let Some((gc, lang)) = coordinator_guard(ctx, prompts::motcle_coordinators_only).await? else {
        return Ok(());
    };
    let rules = flow::list(&ctx.data().db, gc.id.0).await?;
    reply(ctx, prompts::motcle_list(lang, &rules)).await
}

/// The confirm button: only the coordinator who asked (the id in the button), still a
/// coordinator, confirms; the message then says the keyword is added.
pub async fn on_component(
    ctx: &serenity::Context,
    bot: &Bot,
    c: &ComponentInteraction,
) -> anyhow::Result<()> {
    let Some((rule_id, owner)) = c
        .data
        .custom_id
        .strip_prefix(CONFIRM_PREFIX)
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(r, u)| Some((r.parse::<i64>().ok()?, u.parse::<u64>().ok()?)))
    else {
        return Ok(());
    };
    let gc = c.guild_id.and_then(|g| bot.config.guild(g.get()));
    let lang = lang_for(gc);
    let roles: Vec<u64> = c
        .member
        .as_ref()
        .map(|m| m.roles.iter().map(|r| r.get()).collect())
        .unwrap_or_default();
    let Some(gc) = gc.filter(|gc| owner == c.user.id.get() && is_coordinator(gc, &roles)) else {
        c.create_response(ctx, ephemeral(prompts::motcle_coordinators_only(lang)))
            .await?;
        return Ok(());
    };
    let text = match flow::confirm(bot, gc.id.0, rule_id, now_ms()).await? {
        Some(rule) => prompts::motcle_added(lang, &rule.rule),
        None => prompts::motcle_confirm_gone(lang),
    };
    c.create_response(
        ctx,
        CreateInteractionResponse::UpdateMessage(
            CreateInteractionResponseMessage::new()
                .content(text)
                .components(Vec::new()),
        ),
    )
    .await?;
    Ok(())
}
