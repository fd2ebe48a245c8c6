//! `/alerte` (list, take, close, reopen) and the alert's buttons and close modal. Staff only:
//! anyone else gets a polite ephemeral refusal.

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateActionRow, CreateInputText, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateModal, InputTextStyle, ModalInteraction,
};

use crate::bot::Bot;
use crate::config::GuildConfig;
use crate::domain::alerts::Alert;
use crate::domain::alerts::Outcome;
use crate::flows::alerts::{self as flow, Action, ActionError};
use crate::outbound::render::{self, lang_for};
use crate::prompts::{self, Lang};
use crate::store::now_ms;

use super::super::{Context, Error};

/// What a promeneur chooses when closing an alert. The names here are the outcomes' ids;
/// Discord shows the labels from prompts/ (see `commands::localize`).
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum OutcomeChoice {
    #[name = "accompagne"]
    Accompagne,
    #[name = "oriente"]
    Oriente,
    #[name = "faux_positif"]
    FauxPositif,
    #[name = "autre"]
    Autre,
}

impl OutcomeChoice {
    /// The choices in the order Discord lists them.
    pub const ALL: [OutcomeChoice; 4] = [
        OutcomeChoice::Accompagne,
        OutcomeChoice::Oriente,
        OutcomeChoice::FauxPositif,
        OutcomeChoice::Autre,
    ];
}

impl From<OutcomeChoice> for Outcome {
    fn from(c: OutcomeChoice) -> Outcome {
        match c {
            OutcomeChoice::Accompagne => Outcome::Accompagne,
            OutcomeChoice::Oriente => Outcome::Oriente,
            OutcomeChoice::FauxPositif => Outcome::FauxPositif,
            OutcomeChoice::Autre => Outcome::Autre,
        }
    }
}

/// `/alerte`: the alerts of the guild (descriptions shown by Discord: prompts/*/commands.toml).
#[poise::command(
    slash_command,
    guild_only,
    subcommands("liste", "prendre", "clore", "rouvrir"),
    subcommand_required
)]
pub async fn alerte(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// `/alerte liste`: the alerts waiting, gravest first.
#[poise::command(slash_command, guild_only)]
pub async fn liste(ctx: Context<'_>) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let now = now_ms();
    let alerts = flow::list_open(ctx.data(), Some(gc.id.0), ctx.author().id.get(), now).await?;
    let cats: Vec<Vec<_>> = alerts
        .iter()
        .map(|a| a.categories.iter().copied().collect())
        .collect();
    let urls: Vec<_> = alerts.iter().map(|a| alert_url(gc, a)).collect();
    let items: Vec<_> = alerts
        .iter()
        .zip(&cats)
        .zip(&urls)
        .map(|((a, c), u)| prompts::AlertListItem {
            id: a.id,
            severity: a.severity,
            categories: c,
            status: a.status(),
            taken_by: a.state.taken_by,
            age_ms: now - a.state.flagged_at,
            url: u,
        })
        .collect();
    reply(ctx, text_limit(prompts::alerte_list(lang, &items))).await
}

/// `/alerte prendre numero`.
#[poise::command(slash_command, guild_only)]
pub async fn prendre(ctx: Context<'_>, #[min = 1] numero: i64) -> Result<(), Error> {
    act(ctx, numero, Action::Take).await
}

/// `/alerte clore numero issue [note]`.
#[poise::command(slash_command, guild_only)]
pub async fn clore(
    ctx: Context<'_>,
    #[min = 1] numero: i64,
    issue: OutcomeChoice,
    #[max_length = 1000] note: Option<String>,
) -> Result<(), Error> {
    let action = Action::Close {
        outcome: issue.into(),
        note: note.as_deref(),
    };
    act(ctx, numero, action).await
}

/// `/alerte rouvrir numero`.
#[poise::command(slash_command, guild_only)]
pub async fn rouvrir(ctx: Context<'_>, #[min = 1] numero: i64) -> Result<(), Error> {
    act(ctx, numero, Action::Reopen).await
}

async fn act(ctx: Context<'_>, id: i64, action: Action<'_>) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let outcome = match &action {
        Action::Close { outcome, .. } => Some(*outcome),
        _ => None,
    };
    let kind = std::mem::discriminant(&action);
    let result = flow::apply(
        ctx.data(),
        Some(gc.id.0),
        id,
        ctx.author().id.get(),
        action,
        now_ms(),
    )
    .await?;
    let text = answer(
        lang,
        id,
        kind == std::mem::discriminant(&Action::Take),
        outcome,
        result,
    );
    reply(ctx, text).await
}

fn answer(
    lang: Lang,
    id: i64,
    was_take: bool,
    outcome: Option<Outcome>,
    result: Result<Alert, ActionError>,
) -> String {
    match result {
        Ok(_) if was_take => prompts::alerte_taken_ok(lang, id),
        Ok(_) => match outcome {
            Some(o) => prompts::alerte_closed_ok(lang, id, o),
            None => prompts::alerte_reopened_ok(lang, id),
        },
        Err(ActionError::NotFound) => prompts::alerte_not_found(lang, id),
        Err(ActionError::Refused(e)) => prompts::transition_refused(lang, id, &e),
    }
}

/// The guild's configuration and language when the author is staff; otherwise replies with
/// the polite refusal and returns `None`.
pub(super) async fn staff_guard(ctx: Context<'_>) -> Result<Option<(&GuildConfig, Lang)>, Error> {
    let gc = ctx
        .guild_id()
        .and_then(|g| ctx.data().config.guild(g.get()));
    let lang = lang_for(gc);
    let Some(gc) = gc else {
        reply(ctx, prompts::not_staff(lang)).await?;
        return Ok(None);
    };
    let roles: Vec<u64> = match ctx.author_member().await {
        Some(m) => m.roles.iter().map(|r| r.get()).collect(),
        None => Vec::new(),
    };
    if !gc.staff_role_ids().any(|r| roles.contains(&r)) {
        reply(ctx, prompts::not_staff(lang)).await?;
        return Ok(None);
    }
    Ok(Some((gc, lang)))
}

pub(super) use super::private::reply;

/// Discord refuses messages over 2,000 characters.
fn text_limit(text: String) -> String {
    prompts::text::truncate_chars(&text, 1990)
}

fn alert_url(gc: &GuildConfig, a: &Alert) -> String {
    match (a.alert_channel_id, a.alert_message_id) {
        (Some(c), Some(m)) => render::message_url(Some(gc.id.0), c, m),
        _ => render::message_url(Some(gc.id.0), gc.alert_channel.0, 0),
    }
}

pub(super) fn is_staff_member(gc: &GuildConfig, member: Option<&serenity::Member>) -> bool {
    member.is_some_and(|m| {
        gc.staff_role_ids()
            .any(|r| m.roles.iter().any(|x| x.get() == r))
    })
}

pub(super) fn ephemeral(text: String) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(true),
    )
}

/// "Je prends" and "Clore" on an alert.
pub async fn on_component(
    ctx: &serenity::Context,
    bot: &Bot,
    c: &ComponentInteraction,
) -> anyhow::Result<()> {
    let mut parts = c.data.custom_id.split(':');
    let (Some("alert"), Some(action), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(());
    };
    let Ok(id) = id.parse::<i64>() else {
        return Ok(());
    };
    let gc = c.guild_id.and_then(|g| bot.config.guild(g.get()));
    let lang = lang_for(gc);
    let Some(gc) = gc.filter(|gc| is_staff_member(gc, c.member.as_ref())) else {
        c.create_response(ctx, ephemeral(prompts::not_staff(lang)))
            .await?;
        return Ok(());
    };
    match action {
        "take" => {
            let r = flow::apply(
                bot,
                Some(gc.id.0),
                id,
                c.user.id.get(),
                Action::Take,
                now_ms(),
            )
            .await?;
            c.create_response(ctx, ephemeral(answer(lang, id, true, None, r)))
                .await?;
        }
        "close" => {
            let modal = CreateModal::new(
                format!("alert:close_modal:{id}"),
                prompts::close_modal_title(lang),
            )
            .components(vec![
                CreateActionRow::InputText(
                    CreateInputText::new(
                        InputTextStyle::Short,
                        prompts::close_modal_outcome_label(lang),
                        "outcome",
                    )
                    .placeholder(prompts::text::truncate_chars(
                        &prompts::close_modal_outcome_hint(lang),
                        100,
                    ))
                    .required(true)
                    .max_length(40),
                ),
                CreateActionRow::InputText(
                    CreateInputText::new(
                        InputTextStyle::Paragraph,
                        prompts::close_modal_note_label(lang),
                        "note",
                    )
                    .required(false)
                    .max_length(1000),
                ),
            ]);
            c.create_response(ctx, CreateInteractionResponse::Modal(modal))
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// The close modal: an outcome (typed, read leniently) and an optional note.
pub async fn on_modal(
    ctx: &serenity::Context,
    bot: &Bot,
    m: &ModalInteraction,
) -> anyhow::Result<()> {
    let Some(id) = m
        .data
        .custom_id
        .strip_prefix("alert:close_modal:")
        .and_then(|i| i.parse::<i64>().ok())
    else {
        return Ok(());
    };
    let gc = m.guild_id.and_then(|g| bot.config.guild(g.get()));
    let lang = lang_for(gc);
    let Some(gc) = gc.filter(|gc| is_staff_member(gc, m.member.as_ref())) else {
        m.create_response(ctx, ephemeral(prompts::not_staff(lang)))
            .await?;
        return Ok(());
    };
    let field = |name: &str| {
        m.data
            .components
            .iter()
            .flat_map(|row| row.components.iter())
            .find_map(|c| match c {
                serenity::ActionRowComponent::InputText(t) if t.custom_id == name => {
                    t.value.clone()
                }
                _ => None,
            })
            .unwrap_or_default()
    };
    let typed = field("outcome");
    let note = field("note");
    let Some(outcome) = Outcome::from_user_input(&typed, &prompts::outcome_vocabulary()) else {
        m.create_response(ctx, ephemeral(prompts::unknown_outcome(lang, &typed)))
            .await?;
        return Ok(());
    };
    let note = Some(note.trim()).filter(|n| !n.is_empty());
    let r = flow::apply(
        bot,
        Some(gc.id.0),
        id,
        m.user.id.get(),
        Action::Close { outcome, note },
        now_ms(),
    )
    .await?;
    m.create_response(ctx, ephemeral(answer(lang, id, false, Some(outcome), r)))
        .await?;
    Ok(())
}
