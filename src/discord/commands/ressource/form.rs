//! The resource form: the modal (title, link, description), the theme menu that follows it,
//! and the "fix it" button under a refused field. What the modal held is a draft in the
//! database in between (see `flows::resources`).

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, ComponentInteractionDataKind, CreateActionRow, CreateButton,
    CreateInputText, CreateInteractionResponse, CreateInteractionResponseMessage, CreateModal,
    CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, InputTextStyle,
    ModalInteraction,
};

use crate::bot::Bot;
use crate::config::GuildConfig;
use crate::domain::resources::{
    Field, Fields, MAX_DESCRIPTION_CHARS, MAX_LINK_CHARS, MAX_TITLE_CHARS,
};
use crate::domain::themes;
use crate::flows::resources::{self as flow, Finished, Refusal};
use crate::outbound::render::lang_for;
use crate::prompts::{self, text, Lang};
use crate::store::now_ms;

use super::super::alerte::is_staff_member;

/// The resource modal, filled with `fields`.
pub(super) fn resource_modal(
    lang: Lang,
    custom_id: String,
    editing: Option<i64>,
    fields: &Fields,
) -> CreateModal {
    let input = |field: Field, style, max: usize, value: &str, required: bool| {
        let mut input = CreateInputText::new(
            style,
            text::truncate_chars(&prompts::resource_modal_label(lang, field), 45),
            field.as_str(),
        )
        // Discord refuses a prefilled value longer than the field allows: what was typed
        // too long is cut to fit, and the error said so.
        .max_length(max as u16)
        .required(required);
        if !value.is_empty() {
            input = input.value(text::truncate_chars(value, max));
        }
        CreateActionRow::InputText(input)
    };
    CreateModal::new(
        custom_id,
        text::truncate_chars(&prompts::resource_modal_title(lang, editing), 45),
    )
    .components(vec![
        input(
            Field::Title,
            InputTextStyle::Short,
            MAX_TITLE_CHARS,
            &fields.title,
            true,
        ),
        input(
            Field::Link,
            InputTextStyle::Short,
            MAX_LINK_CHARS,
            &fields.link,
            true,
        ),
        input(
            Field::Description,
            InputTextStyle::Paragraph,
            MAX_DESCRIPTION_CHARS,
            &fields.description,
            false,
        ),
    ])
}

fn ephemeral(text: String) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .content(prompts::text::truncate_chars(&text, 1990))
        .ephemeral(true)
        .allowed_mentions(serenity::CreateAllowedMentions::new())
}

pub(super) fn refusal_text(lang: Lang, refusal: &Refusal) -> String {
    match refusal {
        Refusal::Field(e) => prompts::resource_field_error(lang, e),
        Refusal::Change(id, e) => prompts::resource_change_refused(lang, *id, *e),
        Refusal::DraftExpired => prompts::resource_draft_expired(lang),
        Refusal::ChangedMeanwhile(id) => prompts::resource_changed_meanwhile(lang, *id),
    }
}

/// The staff member's guild and language, or the polite refusal already sent.
fn staff_of<'a>(
    bot: &'a Bot,
    guild: Option<serenity::GuildId>,
    member: Option<&serenity::Member>,
) -> Result<(&'a GuildConfig, Lang), Lang> {
    let gc = guild.and_then(|g| bot.config.guild(g.get()));
    let lang = lang_for(gc);
    gc.filter(|gc| is_staff_member(gc, member))
        .map(|gc| (gc, lang))
        .ok_or(lang)
}

/// The modal submitted: kept as a draft, then either refused (naming the field, with a button
/// that reopens it filled in) or followed by the theme menu.
pub async fn on_modal(
    ctx: &serenity::Context,
    bot: &Bot,
    m: &ModalInteraction,
) -> anyhow::Result<()> {
    let Some(origin) = m.data.custom_id.strip_prefix("res:modal:") else {
        return Ok(());
    };
    let (gc, lang) = match staff_of(bot, m.guild_id, m.member.as_ref()) {
        Ok(found) => found,
        Err(lang) => {
            let refusal = CreateInteractionResponse::Message(ephemeral(prompts::not_staff(lang)));
            m.create_response(ctx, refusal).await?;
            return Ok(());
        }
    };
    let user = m.user.id.get();
    let resource_id = if let Some(id) = origin.strip_prefix("edit:") {
        id.parse::<i64>().ok()
    } else if let Some(id) = origin.strip_prefix("draft:") {
        let old = match id.parse::<i64>() {
            Ok(id) => flow::draft(bot, gc.id.0, user, id).await?,
            Err(_) => None,
        };
        old.and_then(|d| d.resource_id)
    } else {
        None
    };
    let typed = Fields {
        title: input_value(m, Field::Title),
        link: input_value(m, Field::Link),
        description: input_value(m, Field::Description),
    };
    let now = now_ms();
    let response = match typed.validate() {
        Err(error) => {
            let draft = flow::keep_draft(bot, gc.id.0, user, resource_id, &typed, now).await?;
            let text = format!(
                "{}\n{}",
                prompts::resource_field_error(lang, &error),
                prompts::resource_fix_hint(lang)
            );
            let button = CreateButton::new(format!("res:fix:{draft}"))
                .label(text::truncate_chars(
                    &prompts::resource_fix_button(lang),
                    80,
                ))
                .style(serenity::ButtonStyle::Primary);
            ephemeral(text).components(vec![CreateActionRow::Buttons(vec![button])])
        }
        Ok(valid) => {
            let draft = flow::keep_draft(bot, gc.id.0, user, resource_id, &valid, now).await?;
            let current: Vec<String> = match resource_id {
                Some(id) => flow::active(bot, gc.id.0)
                    .await?
                    .into_iter()
                    .find(|r| r.id == id)
                    .map(|r| r.themes)
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            ephemeral(prompts::resource_themes_prompt(lang, &valid.title))
                .components(vec![theme_menu(lang, draft, &current)])
        }
    };
    m.create_response(ctx, CreateInteractionResponse::Message(response))
        .await?;
    Ok(())
}

/// The value typed in a text input of the modal.
fn input_value(m: &ModalInteraction, field: Field) -> String {
    m.data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            serenity::ActionRowComponent::InputText(t) if t.custom_id == field.as_str() => {
                t.value.clone()
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// The theme menu of a draft, with the resource's current themes selected when editing.
fn theme_menu(lang: Lang, draft: i64, selected: &[String]) -> CreateActionRow {
    let all = themes::registry();
    let options = all
        .iter()
        .map(|t| {
            CreateSelectMenuOption::new(t.label(lang), t.id.clone())
                .default_selection(selected.contains(&t.id))
        })
        .collect();
    CreateActionRow::SelectMenu(
        CreateSelectMenu::new(
            format!("res:themes:{draft}"),
            CreateSelectMenuKind::String { options },
        )
        .placeholder(text::truncate_chars(
            &prompts::resource_themes_placeholder(lang),
            150,
        ))
        .min_values(1)
        .max_values(all.len().min(themes::MAX_THEMES) as u8),
    )
}

/// The "fix it" button (the modal again, filled with the draft) and the theme menu (the draft
/// saved as a resource).
pub async fn on_component(
    ctx: &serenity::Context,
    bot: &Bot,
    c: &ComponentInteraction,
) -> anyhow::Result<()> {
    let custom_id = c.data.custom_id.as_str();
    let (action, draft) = match custom_id
        .strip_prefix("res:")
        .and_then(|r| r.split_once(':'))
    {
        Some((action @ ("fix" | "themes"), id)) => match id.parse::<i64>() {
            Ok(id) => (action, id),
            Err(_) => return Ok(()),
        },
        _ => return Ok(()),
    };
    let (gc, lang) = match staff_of(bot, c.guild_id, c.member.as_ref()) {
        Ok(found) => found,
        Err(lang) => {
            let refusal = CreateInteractionResponse::Message(ephemeral(prompts::not_staff(lang)));
            c.create_response(ctx, refusal).await?;
            return Ok(());
        }
    };
    let user = c.user.id.get();
    if action == "fix" {
        let Some(d) = flow::draft(bot, gc.id.0, user, draft).await? else {
            let gone = ephemeral(prompts::resource_draft_expired(lang));
            c.create_response(ctx, CreateInteractionResponse::Message(gone))
                .await?;
            return Ok(());
        };
        let modal = resource_modal(
            lang,
            format!("res:modal:draft:{draft}"),
            d.resource_id,
            &d.fields,
        );
        c.create_response(ctx, CreateInteractionResponse::Modal(modal))
            .await?;
        return Ok(());
    }
    let picked: Vec<String> = match &c.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.clone(),
        _ => Vec::new(),
    };
    let done = flow::finish(bot, gc.id.0, user, draft, &picked, now_ms()).await?;
    let text = match done {
        Ok(Finished::Added(r)) => {
            prompts::resource_added(lang, r.id, &r.title, gc.resources_channel.map(|c| c.0))
        }
        Ok(Finished::Edited(r)) => prompts::resource_edited(lang, r.id, &r.title),
        Err(refusal) => refusal_text(lang, &refusal),
    };
    c.create_response(ctx, CreateInteractionResponse::Message(ephemeral(text)))
        .await?;
    Ok(())
}
