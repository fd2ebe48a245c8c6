//! `/ressource` (search and list for anyone; add, edit, retire for staff), the resource modal,
//! its theme menu and its "fix it" button.
//!
//! Adding is two steps: a modal (title, link, description), then a menu of themes. What the
//! modal held is kept as a draft in the database in between, and also when a field is refused:
//! the refusal names the field and offers a button that opens the modal again, filled with
//! what was typed. Custom ids: `res:modal:new`, `res:modal:edit:{resource}`,
//! `res:modal:draft:{draft}`, `res:fix:{draft}`, `res:themes:{draft}`.

mod form;

use std::sync::atomic::Ordering;

use poise::serenity_prelude as serenity;
use serenity::{CreateAutocompleteResponse, CreateInteractionResponse, CreateModal};

use crate::config::GuildConfig;
use crate::domain::resources::search::{search, suggest};
use crate::domain::resources::{Fields, Resource};
use crate::domain::themes::{self, Theme};
use crate::flows::resources as flow;
use crate::outbound::render::lang_for;
use crate::prompts::{self, text, Lang, ResourceLine};
use crate::store::now_ms;

use super::super::{Context, Error};
use super::alerte::staff_guard;

/// Results shown by `/ressource chercher`, and resources by `/ressource liste`.
const SEARCH_RESULTS: usize = 5;
const LIST_MAX: usize = 15;
/// Discord shows 25 autocomplete choices at most.
const CHOICES: usize = 25;

/// `/ressource`: resources for young people (descriptions: prompts/*/commands.toml).
#[poise::command(
    slash_command,
    guild_only,
    subcommands("ajouter", "chercher", "liste", "modifier", "retirer"),
    subcommand_required
)]
pub async fn ressource(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// `/ressource ajouter`: opens the resource modal (staff).
#[poise::command(slash_command, guild_only)]
pub async fn ajouter(ctx: Context<'_>) -> Result<(), Error> {
    let Some((_, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let modal = resource_modal(lang, "res:modal:new".into(), None, &Fields::default());
    open_modal(ctx, modal).await
}

/// `/ressource chercher requete`: the best matches, for anyone.
#[poise::command(slash_command, guild_only)]
pub async fn chercher(
    ctx: Context<'_>,
    #[max_length = 100]
    #[autocomplete = "complete_title"]
    requete: String,
) -> Result<(), Error> {
    let (gc, lang) = guild_of(ctx);
    let Some(gc) = gc else {
        return reply(ctx, prompts::resource_search(lang, &requete, &[])).await;
    };
    let all = flow::active(ctx.data(), gc.id.0).await?;
    let hits = search(&all, &requete, lang, SEARCH_RESULTS);
    let found: Vec<&Resource> = hits.iter().map(|h| h.resource).collect();
    let lines = lines(lang, &found);
    reply(ctx, prompts::resource_search(lang, &requete, &lines)).await
}

/// `/ressource liste [theme]`: every resource, or those of one theme, for anyone.
#[poise::command(slash_command, guild_only)]
pub async fn liste(
    ctx: Context<'_>,
    #[max_length = 100]
    #[autocomplete = "complete_theme"]
    theme: Option<String>,
) -> Result<(), Error> {
    let (gc, lang) = guild_of(ctx);
    let theme = match theme.as_deref().map(|t| theme_named(t, lang)) {
        None => None,
        Some(Some(t)) => Some(t),
        Some(None) => {
            let error =
                crate::domain::resources::FieldError::UnknownTheme(theme.unwrap_or_default());
            return reply(ctx, prompts::resource_field_error(lang, &error)).await;
        }
    };
    let all = match gc {
        Some(gc) => flow::active(ctx.data(), gc.id.0).await?,
        None => Vec::new(),
    };
    let mut shown: Vec<&Resource> = all
        .iter()
        .filter(|r| theme.is_none_or(|t| r.themes.contains(&t.id)))
        .collect();
    shown.sort_by_key(|r| {
        text::truncate_chars(&crate::domain::resources::search::fold(&r.title), 100)
    });
    shown.truncate(LIST_MAX);
    let lines = lines(lang, &shown);
    let label = theme.map(|t| t.label(lang));
    reply(ctx, prompts::resource_list(lang, label, &lines)).await
}

/// `/ressource modifier ressource`: the modal again, filled in (staff).
#[poise::command(slash_command, guild_only)]
pub async fn modifier(
    ctx: Context<'_>,
    #[max_length = 100]
    #[autocomplete = "complete_resource"]
    ressource: String,
) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let Some(r) = flow::find(ctx.data(), gc.id.0, &ressource, lang).await? else {
        return reply(ctx, prompts::resource_not_found(lang, &ressource)).await;
    };
    let fields = Fields {
        title: r.title.clone(),
        link: r.link.clone(),
        description: r.description.clone(),
    };
    let modal = resource_modal(
        lang,
        format!("res:modal:edit:{}", r.id),
        Some(r.id),
        &fields,
    );
    open_modal(ctx, modal).await
}

/// `/ressource retirer ressource`: deletes its post, keeps its record (staff).
#[poise::command(slash_command, guild_only)]
pub async fn retirer(
    ctx: Context<'_>,
    #[max_length = 100]
    #[autocomplete = "complete_resource"]
    ressource: String,
) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let Some(r) = flow::find(ctx.data(), gc.id.0, &ressource, lang).await? else {
        return reply(ctx, prompts::resource_not_found(lang, &ressource)).await;
    };
    let done = flow::retire(ctx.data(), gc.id.0, ctx.author().id.get(), r.id, now_ms()).await?;
    let text = match done {
        Ok(r) => prompts::resource_retired(lang, r.id, &r.title),
        Err(refusal) => refusal_text(lang, &refusal),
    };
    reply(ctx, text).await
}

/// Titles as they are typed in `requete`: the value is the title itself.
async fn complete_title(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let (gc, lang) = guild_of(ctx);
    let all = match gc {
        Some(gc) => flow::active(ctx.data(), gc.id.0).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let choices = suggest(&all, partial, lang, CHOICES)
        .into_iter()
        .map(|r| {
            let title = text::truncate_chars(&r.title, 100);
            serenity::AutocompleteChoice::new(title.clone(), title)
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Resources as their title is typed in `ressource`: the value is the resource's number.
async fn complete_resource(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let (gc, lang) = guild_of(ctx);
    let all = match gc {
        Some(gc) => flow::active(ctx.data(), gc.id.0).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let choices = suggest(&all, partial, lang, CHOICES)
        .into_iter()
        .map(|r| {
            let name = text::truncate_chars(&format!("#{} · {}", r.id, r.title), 100);
            serenity::AutocompleteChoice::new(name, r.id.to_string())
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Themes as they are typed in `theme`: the value is the theme's id.
async fn complete_theme(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let (_, lang) = guild_of(ctx);
    let typed = crate::domain::resources::search::fold(partial.trim());
    let choices = themes::registry()
        .iter()
        .filter(|t| {
            crate::domain::resources::search::fold(t.label(lang)).contains(&typed)
                || t.id.contains(&typed)
        })
        .take(CHOICES)
        .map(|t| serenity::AutocompleteChoice::new(t.label(lang), t.id.clone()))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// A theme by its id (an autocomplete choice) or its label typed without accents.
fn theme_named(typed: &str, lang: Lang) -> Option<&'static Theme> {
    let folded = crate::domain::resources::search::fold(typed.trim());
    themes::find(typed.trim()).or_else(|| {
        themes::registry()
            .iter()
            .find(|t| crate::domain::resources::search::fold(t.label(lang)) == folded)
    })
}

fn guild_of(ctx: Context<'_>) -> (Option<&GuildConfig>, Lang) {
    let gc = ctx
        .guild_id()
        .and_then(|g| ctx.data().config.guild(g.get()));
    (gc, lang_for(gc))
}

fn lines<'a>(lang: Lang, resources: &[&'a Resource]) -> Vec<ResourceLine<'a>> {
    resources
        .iter()
        .map(|r| ResourceLine {
            id: r.id,
            title: &r.title,
            link: &r.link,
            themes: r
                .themes
                .iter()
                .filter_map(|id| themes::find(id))
                .map(|t| t.label(lang))
                .collect(),
        })
        .collect()
}

use super::private::reply;

/// Answers the slash command with a modal (poise then knows it was answered).
async fn open_modal(ctx: Context<'_>, modal: CreateModal) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    app.interaction
        .create_response(
            ctx.serenity_context(),
            CreateInteractionResponse::Modal(modal),
        )
        .await?;
    app.has_sent_initial_response.store(true, Ordering::SeqCst);
    Ok(())
}

pub use form::{on_component, on_modal};
use form::{refusal_text, resource_modal};
