//! `/question` (anonyme for anyone; liste, prendre, clore for staff), `/repondre` (staff, in a
//! private question's thread), the "Je prends" button and the anonymous question's modal.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateActionRow, CreateInputText, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateModal, EditInteractionResponse, InputTextStyle,
    ModalInteraction,
};

use crate::bot::Bot;
use crate::config::GuildConfig;
use crate::domain::questions::{
    Question, QuestionOutcome, QuestionRefusal, QuestionStatus, ANONYMOUS_MAX_CHARS, MIN_CHARS,
};
use crate::flows::questions::{self as flow, QuestionError};
use crate::outbound::questions::channel_url;
use crate::outbound::render::{lang_for, message_url};
use crate::prompts::{self, Lang};
use crate::store::now_ms;

use super::super::{Context, Error};
use super::alerte::{ephemeral, is_staff_member, reply, staff_guard};

/// The id of the anonymous question's modal.
const ANONYMOUS_MODAL: &str = "question:anonymous";
/// How long the answer to an anonymous question waits for its post, to give its link.
const POST_WAIT: Duration = Duration::from_secs(8);

/// A question's status, as `/question liste` offers it (labels from prompts/).
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum StatusChoice {
    #[name = "open"]
    Open,
    #[name = "taken"]
    Taken,
    #[name = "answered"]
    Answered,
    #[name = "closed"]
    Closed,
}

impl From<StatusChoice> for QuestionStatus {
    fn from(c: StatusChoice) -> QuestionStatus {
        match c {
            StatusChoice::Open => QuestionStatus::Open,
            StatusChoice::Taken => QuestionStatus::Taken,
            StatusChoice::Answered => QuestionStatus::Answered,
            StatusChoice::Closed => QuestionStatus::Closed,
        }
    }
}

/// How a question ended, as `/question clore` offers it.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum OutcomeChoice {
    #[name = "repondu"]
    Repondu,
    #[name = "oriente"]
    Oriente,
    #[name = "sans_suite"]
    SansSuite,
}

impl From<OutcomeChoice> for QuestionOutcome {
    fn from(c: OutcomeChoice) -> QuestionOutcome {
        match c {
            OutcomeChoice::Repondu => QuestionOutcome::Repondu,
            OutcomeChoice::Oriente => QuestionOutcome::Oriente,
            OutcomeChoice::SansSuite => QuestionOutcome::SansSuite,
        }
    }
}

/// `/question`: ask anonymously, or (staff) list, take, close.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("anonyme", "liste", "prendre", "clore"),
    subcommand_required
)]
pub async fn question(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// `/question anonyme`: a modal; the bot posts the question without a name.
#[poise::command(slash_command, guild_only)]
pub async fn anonyme(ctx: Context<'_>) -> Result<(), Error> {
    let gc = guild(&ctx);
    let lang = lang_for(gc);
    if gc.is_none_or(|g| g.question_channels.is_empty()) {
        return reply(ctx, prompts::question_no_channel(lang)).await;
    }
    let poise::Context::Application(actx) = ctx else {
        return Ok(());
    };
    let modal =
        CreateModal::new(ANONYMOUS_MODAL, prompts::question_modal_title(lang)).components(vec![
            CreateActionRow::InputText(
                CreateInputText::new(
                    InputTextStyle::Paragraph,
                    prompts::text::truncate_chars(&prompts::question_modal_label(lang), 45),
                    "question",
                )
                .required(true)
                .max_length(ANONYMOUS_MAX_CHARS as u16),
            ),
        ]);
    actx.interaction
        .create_response(
            ctx.serenity_context(),
            CreateInteractionResponse::Modal(modal),
        )
        .await?;
    Ok(())
}

/// `/question liste [statut]`: the guild's questions (waiting ones by default).
#[poise::command(slash_command, guild_only)]
pub async fn liste(ctx: Context<'_>, statut: Option<StatusChoice>) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let statuses: Vec<QuestionStatus> = match statut {
        Some(s) => vec![s.into()],
        None => vec![
            QuestionStatus::Open,
            QuestionStatus::Taken,
            QuestionStatus::Answered,
        ],
    };
    let list = flow::list(ctx.data(), gc.id.0, &statuses).await?;
    let now = now_ms();
    let urls: Vec<String> = list.iter().map(|q| question_url(gc.id.0, q)).collect();
    let items: Vec<_> = list
        .iter()
        .zip(&urls)
        .map(|(q, url)| prompts::QuestionListItem {
            id: q.id,
            way: q.way,
            status: q.status,
            age_ms: now - q.asked_at,
            url,
        })
        .collect();
    reply(
        ctx,
        prompts::text::truncate_chars(&prompts::question_list(lang, &items), 1990),
    )
    .await
}

/// `/question prendre [numero]`: in a question's thread, or by its number.
#[poise::command(slash_command, guild_only)]
pub async fn prendre(ctx: Context<'_>, #[min = 1] numero: Option<i64>) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let Some(id) = target(ctx, gc, numero).await? else {
        return reply(ctx, prompts::question_not_a_question_thread(lang)).await;
    };
    let r = flow::take(ctx.data(), id, ctx.author().id.get(), now_ms()).await?;
    reply(ctx, take_answer(lang, id, r)).await
}

/// `/question clore issue [note] [numero]`.
#[poise::command(slash_command, guild_only)]
pub async fn clore(
    ctx: Context<'_>,
    issue: OutcomeChoice,
    #[max_length = 1000] note: Option<String>,
    #[min = 1] numero: Option<i64>,
) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let Some(id) = target(ctx, gc, numero).await? else {
        return reply(ctx, prompts::question_not_a_question_thread(lang)).await;
    };
    let note = note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let outcome: QuestionOutcome = issue.into();
    let r = flow::close(
        ctx.data(),
        id,
        ctx.author().id.get(),
        outcome,
        note,
        now_ms(),
    )
    .await?;
    let text = match r {
        Ok(_) => prompts::question_closed_ok(lang, id, outcome),
        Err(e) => refusal(lang, id, e),
    };
    reply(ctx, text).await
}

/// `/repondre texte`: in a private question's thread, relays the answer by DM.
#[poise::command(slash_command, guild_only)]
pub async fn repondre(ctx: Context<'_>, #[max_length = 4000] texte: String) -> Result<(), Error> {
    let Some((_, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let text = texte.trim();
    if text.is_empty() {
        return reply(ctx, prompts::question_empty_answer(lang)).await;
    }
    let signature = match ctx.author_member().await {
        Some(m) => m.display_name().to_string(),
        None => ctx.author().name.clone(),
    };
    let poise::Context::Application(actx) = ctx else {
        return Ok(());
    };
    let r = flow::reply_private(
        ctx.data(),
        ctx.channel_id().get(),
        ctx.author().id.get(),
        &signature,
        actx.interaction.id.get(),
        text,
        now_ms(),
    )
    .await?;
    let answer = match r {
        Ok(_) => prompts::question_replied_ok(lang),
        Err(QuestionError::NotFound | QuestionError::NotPrivate) => {
            prompts::question_not_private(lang)
        }
        Err(QuestionError::Refused(_)) => {
            let id = flow::by_thread(ctx.data(), ctx.channel_id().get())
                .await?
                .map_or(0, |q| q.id);
            prompts::question_already_closed(lang, id)
        }
    };
    reply(ctx, answer).await
}

fn guild<'a>(ctx: &Context<'a>) -> Option<&'a GuildConfig> {
    ctx.guild_id()
        .and_then(|g| ctx.data().config.guild(g.get()))
}

/// The question a staff command is about: its number, else the thread it runs in.
async fn target(
    ctx: Context<'_>,
    gc: &GuildConfig,
    numero: Option<i64>,
) -> anyhow::Result<Option<i64>> {
    if let Some(n) = numero {
        let q = crate::store::questions::get(ctx.data().db.pool(), n).await?;
        return Ok(q.filter(|q| q.guild_id == gc.id.0).map(|q| q.id));
    }
    Ok(flow::by_thread(ctx.data(), ctx.channel_id().get())
        .await?
        .filter(|q| q.guild_id == gc.id.0)
        .map(|q| q.id))
}

fn question_url(guild: u64, q: &Question) -> String {
    match (q.thread_id, q.message_id) {
        (Some(t), _) => channel_url(guild, t),
        (None, Some(m)) => message_url(Some(guild), q.channel_id, m),
        (None, None) => channel_url(guild, q.channel_id),
    }
}

fn refusal(lang: Lang, id: i64, e: QuestionError) -> String {
    match e {
        QuestionError::Refused(QuestionRefusal::TakenBySomeoneElse(who)) => {
            prompts::question_already_taken(lang, id, who)
        }
        QuestionError::Refused(QuestionRefusal::Closed) => {
            prompts::question_already_closed(lang, id)
        }
        QuestionError::NotFound | QuestionError::NotPrivate => {
            prompts::question_not_a_question_thread(lang)
        }
    }
}

fn take_answer(lang: Lang, id: i64, r: Result<Question, QuestionError>) -> String {
    match r {
        Ok(_) => prompts::question_taken_ok(lang, id),
        Err(e) => refusal(lang, id, e),
    }
}

/// "Je prends" on a question's acknowledgement: staff only.
pub async fn on_component(
    ctx: &serenity::Context,
    bot: &Bot,
    c: &ComponentInteraction,
) -> anyhow::Result<()> {
    let mut parts = c.data.custom_id.split(':');
    let (Some("question"), Some(action), Some(Ok(id))) = (
        parts.next(),
        parts.next(),
        parts.next().map(str::parse::<i64>),
    ) else {
        return Ok(());
    };
    let gc = c.guild_id.and_then(|g| bot.config.guild(g.get()));
    let lang = lang_for(gc);
    if !gc.is_some_and(|gc| is_staff_member(gc, c.member.as_ref())) {
        c.create_response(ctx, ephemeral(prompts::not_staff(lang)))
            .await?;
        return Ok(());
    }
    if action == "reply" {
        let modal = CreateModal::new(
            format!("question:reply_modal:{id}"),
            prompts::question_reply_modal_title(lang),
        )
        .components(vec![CreateActionRow::InputText(
            CreateInputText::new(
                InputTextStyle::Paragraph,
                prompts::text::truncate_chars(&prompts::question_reply_modal_label(lang), 45),
                "texte",
            )
            .required(true)
            .max_length(4000),
        )]);
        c.create_response(ctx, CreateInteractionResponse::Modal(modal))
            .await?;
        return Ok(());
    }
    if action != "take" {
        return Ok(());
    }
    let r = flow::take(bot, id, c.user.id.get(), now_ms()).await?;
    c.create_response(ctx, ephemeral(take_answer(lang, id, r)))
        .await?;
    Ok(())
}

/// The anonymous question's modal: checked, stored, posted by the delivery worker; the young
/// person gets the link (or word that it is on its way).
pub async fn on_modal(
    ctx: &serenity::Context,
    bot: &Bot,
    m: &ModalInteraction,
) -> anyhow::Result<()> {
    if let Some(id) = m
        .data
        .custom_id
        .strip_prefix("question:reply_modal:")
        .and_then(|i| i.parse::<i64>().ok())
    {
        return on_reply_modal(ctx, bot, m, id).await;
    }
    if m.data.custom_id != ANONYMOUS_MODAL {
        return Ok(());
    }
    let gc = m.guild_id.and_then(|g| bot.config.guild(g.get()));
    let lang = lang_for(gc);
    let Some((gc, channel)) = gc.and_then(|g| g.question_channels.first().map(|c| (g, c.0))) else {
        m.create_response(ctx, ephemeral(prompts::question_no_channel(lang)))
            .await?;
        return Ok(());
    };
    let text = modal_field(m, "question");
    let text = text.trim();
    let length = text.chars().count();
    let visible = text.chars().filter(|c| c.is_alphanumeric()).count();
    if visible < MIN_CHARS {
        m.create_response(ctx, ephemeral(prompts::question_too_short(lang)))
            .await?;
        return Ok(());
    }
    if length > ANONYMOUS_MAX_CHARS {
        m.create_response(
            ctx,
            ephemeral(prompts::question_too_long(
                lang,
                length,
                ANONYMOUS_MAX_CHARS,
            )),
        )
        .await?;
        return Ok(());
    }
    m.create_response(
        ctx,
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true)),
    )
    .await?;
    let id = flow::ask_anonymous(
        bot,
        gc.id.0,
        channel,
        m.user.id.get(),
        m.id.get(),
        text,
        now_ms(),
    )
    .await?;
    // The post goes out through the outbox; wait a little for its link.
    let started = std::time::Instant::now();
    let mut link = None;
    while started.elapsed() < POST_WAIT {
        if let Some(q) = crate::store::questions::get(bot.db.pool(), id).await? {
            if let Some(msg) = q.message_id {
                link = Some(message_url(Some(gc.id.0), channel, msg));
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let answer = match link {
        Some(l) => prompts::question_anonymous_posted(lang, &l),
        None => prompts::question_anonymous_pending(lang, channel),
    };
    m.edit_response(ctx, EditInteractionResponse::new().content(answer))
        .await?;
    Ok(())
}

/// A text field of a submitted modal ("" when absent).
fn modal_field(m: &ModalInteraction, name: &str) -> String {
    m.data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            serenity::ActionRowComponent::InputText(t) if t.custom_id == name => t.value.clone(),
            _ => None,
        })
        .unwrap_or_default()
}

/// The "Répondre" modal of a private question: the same as `/repondre` in its thread.
async fn on_reply_modal(
    ctx: &serenity::Context,
    bot: &Bot,
    m: &ModalInteraction,
    id: i64,
) -> anyhow::Result<()> {
    let gc = m.guild_id.and_then(|g| bot.config.guild(g.get()));
    let lang = lang_for(gc);
    if !gc.is_some_and(|gc| is_staff_member(gc, m.member.as_ref())) {
        m.create_response(ctx, ephemeral(prompts::not_staff(lang)))
            .await?;
        return Ok(());
    }
    let text = modal_field(m, "texte");
    let text = text.trim();
    if text.is_empty() {
        m.create_response(ctx, ephemeral(prompts::question_empty_answer(lang)))
            .await?;
        return Ok(());
    }
    let thread = crate::store::questions::get(bot.db.pool(), id)
        .await?
        .and_then(|q| q.thread_id);
    let signature = match &m.member {
        Some(member) => member.display_name().to_string(),
        None => m.user.name.clone(),
    };
    let answer = match thread {
        None => prompts::question_not_private(lang),
        Some(thread) => {
            let r = flow::reply_private(
                bot,
                thread,
                m.user.id.get(),
                &signature,
                m.id.get(),
                text,
                now_ms(),
            )
            .await?;
            match r {
                Ok(_) => prompts::question_replied_ok(lang),
                Err(QuestionError::Refused(_)) => prompts::question_already_closed(lang, id),
                Err(_) => prompts::question_not_private(lang),
            }
        }
    };
    m.create_response(ctx, ephemeral(answer)).await?;
    Ok(())
}
