//! Delivering resource effects: the embed in the guild's resources channel is posted, edited
//! and deleted from the resource as stored at delivery time; and the resources shown with an
//! alert and in its helpline card.

use poise::serenity_prelude as serenity;
use serenity::{CreateAllowedMentions, CreateEmbed, CreateEmbedFooter, CreateMessage, EditMessage};
use tracing::info;

use crate::bot::Bot;
use crate::domain::resources::{self, Resource, Status, SHOWN_WITH_ALERT};
use crate::domain::themes;
use crate::prompts::{self, text, Lang};
use crate::safety::Category;
use crate::store::resources as store;

use super::execute::Failure;
use super::render::lang_for;
use super::rest::{Rest, RestError};

/// Embed colour of resources (the network's teal).
const COLOUR: u32 = 0x00_8C_8C;

fn db_failure(e: anyhow::Error) -> Failure {
    Failure::Retry(RestError::Transient(format!("database: {e:#}")))
}

async fn load(bot: &Bot, id: i64) -> Result<Resource, Failure> {
    store::get(bot.db.pool(), id)
        .await
        .map_err(db_failure)?
        .ok_or_else(|| Failure::Permanent(format!("resource {id} no longer exists")))
}

/// The resource as an embed: its title links to it; staff's text is sanitized.
pub fn embed(lang: Lang, r: &Resource) -> CreateEmbed {
    let labels: Vec<&str> = r
        .themes
        .iter()
        .filter_map(|id| themes::find(id))
        .map(|t| t.label(lang))
        .collect();
    let mut embed = CreateEmbed::new()
        .title(text::truncate_chars(&r.title, 256))
        .url(&r.link)
        .colour(COLOUR)
        .footer(CreateEmbedFooter::new(prompts::resource_embed_footer(
            lang, r.id,
        )));
    if !r.description.is_empty() {
        embed = embed.description(text::truncate_chars(&text::sanitize(&r.description), 4000));
    }
    if !labels.is_empty() {
        embed = embed.field(
            prompts::resource_embed_themes(lang),
            text::truncate_chars(&labels.join(", "), 1024),
            false,
        );
    }
    embed
}

pub async fn post(bot: &Bot, rest: &Rest, id: i64) -> Result<(), Failure> {
    let r = load(bot, id).await?;
    if r.message_id.is_some() || r.status == Status::Retired {
        return Ok(()); // posted by an earlier attempt, or retired before it was posted
    }
    let gc = bot.config.guild(r.guild_id);
    let Some(channel) = gc.and_then(|g| g.resources_channel).map(|c| c.0) else {
        return Ok(()); // no resources channel: the resource is only searched
    };
    let msg = CreateMessage::new()
        .embed(embed(lang_for(gc), &r))
        .nonce(serenity::Nonce::String(format!("res-{id}")))
        .enforce_nonce(true)
        .allowed_mentions(CreateAllowedMentions::new());
    let message = rest.create_message(channel, &msg).await?;
    store::set_posted(bot.db.pool(), id, channel, message)
        .await
        .map_err(db_failure)?;
    info!(resource_id = id, "resource posted");
    Ok(())
}

pub async fn refresh(bot: &Bot, rest: &Rest, id: i64) -> Result<(), Failure> {
    let r = load(bot, id).await?;
    if r.status == Status::Retired {
        return Ok(()); // its embed is being deleted
    }
    let (Some(channel), Some(message)) = (r.channel_id, r.message_id) else {
        // Not posted yet: the post will show the current state (or there is nowhere to post).
        return Ok(());
    };
    let gc = bot.config.guild(r.guild_id);
    let edit = EditMessage::new()
        .embed(embed(lang_for(gc), &r))
        .allowed_mentions(CreateAllowedMentions::new());
    rest.edit_message(channel, message, &edit).await?;
    Ok(())
}

pub async fn delete(bot: &Bot, rest: &Rest, id: i64) -> Result<(), Failure> {
    let r = load(bot, id).await?;
    if let (Some(channel), Some(message)) = (r.channel_id, r.message_id) {
        rest.delete_message(channel, message).await?;
        info!(resource_id = id, "resource post deleted");
    }
    Ok(())
}

/// Up to three active resources of `guild` filed under one of `categories`, as (title, link).
/// A database failure shows none rather than holding back an alert.
pub async fn for_alert(
    bot: &Bot,
    guild: Option<u64>,
    categories: &[Category],
) -> Vec<(String, String)> {
    let Some(guild) = guild else {
        return Vec::new();
    };
    let all = match store::active_of_guild(bot.db.pool(), guild).await {
        Ok(all) => all,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "loading resources for an alert failed");
            return Vec::new();
        }
    };
    resources::for_categories(&all, categories, SHOWN_WITH_ALERT)
        .into_iter()
        .map(|r| (r.title.clone(), r.link.clone()))
        .collect()
}

/// The resources shown under an alert: a second embed, one masked link per line (as many as
/// fit: a link cut in the middle would be worse than one fewer).
pub fn alert_embed(lang: Lang, links: &[(String, String)]) -> Option<CreateEmbed> {
    let mut value = String::new();
    for (title, link) in links {
        let line = format!("- {}", prompts::resource_link(title, link));
        if value.chars().count() + line.chars().count() + 1 > 4000 {
            break;
        }
        if !value.is_empty() {
            value.push('\n');
        }
        value.push_str(&line);
    }
    (!value.is_empty()).then(|| {
        CreateEmbed::new()
            .title(prompts::resource_alert_field(lang))
            .colour(COLOUR)
            .description(value)
    })
}

/// The helpline card followed by the resources of its categories, as many as fit in one
/// Discord message.
pub fn card_with_resources(lang: Lang, card: String, links: &[(String, String)]) -> String {
    let mut shown: Vec<(&str, &str)> = links
        .iter()
        .map(|(t, l)| (t.as_str(), l.as_str()))
        .collect();
    while !shown.is_empty() {
        let full = format!("{card}\n\n{}", prompts::resource_card_section(lang, &shown));
        if full.chars().count() <= 2000 {
            return full;
        }
        shown.pop();
    }
    card
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_with_resources_never_outgrows_a_discord_message() {
        let card = "x".repeat(1500);
        let long = ("t".repeat(100), format!("https://a.fr/{}", "p".repeat(300)));
        let links = vec![long.clone(), long.clone(), long];
        let out = card_with_resources(Lang::Fr, card.clone(), &links);
        assert!(out.chars().count() <= 2000);
        assert!(out.contains("https://a.fr/"), "one link still fits");
        let short = vec![("3018".to_owned(), "https://www.3018.fr/".to_owned())];
        let out = card_with_resources(Lang::Fr, "Salut".into(), &short);
        assert!(out.starts_with("Salut\n\n") && out.contains("[3018](<https://www.3018.fr/>)"));
        assert_eq!(card_with_resources(Lang::Fr, "Salut".into(), &[]), "Salut");
    }
}
