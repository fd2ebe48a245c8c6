//! Messages that are questions: a young person's top-level message in a question channel, a
//! staff member's message in a question's thread, a DM to the bot (a private question).

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, ComponentInteractionDataKind, CreateActionRow, CreateAllowedMentions,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption, Message,
};
use tracing::warn;

use crate::bot::Bot;
use crate::config::GuildConfig;
use crate::flows::questions::{self as flow, OpenAsked};
use crate::outbound::render::lang_for;
use crate::prompts;

use super::events::Place;

/// What a message was, for questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Not about questions.
    Other,
    /// Opened an open question, or answered one.
    Question,
    /// A DM stored for a private question (scanned once relayed).
    PrivateQuestion,
}

/// A message in a guild: a young person's top-level message in a question channel opens a
/// question; a staff member's message in a question's thread answers it.
pub async fn on_guild_message(
    ctx: &serenity::Context,
    bot: &Bot,
    m: &Message,
    guild_id: u64,
    place: Place,
) -> anyhow::Result<Seen> {
    let Some(gc) = bot.config.guild(guild_id) else {
        return Ok(Seen::Other);
    };
    if gc.question_channels.is_empty() && gc.private_questions_channel.is_none() {
        return Ok(Seen::Other);
    }
    let channel = m.channel_id.get();
    let top_level = gc.question_channels.iter().any(|c| c.0 == channel);
    if top_level {
        if place.staff {
            return Ok(Seen::Other); // staff announcements are not questions
        }
        if m.content.trim().is_empty() {
            // A picture or a file alone: nothing to title or answer; say so privately.
            if !m.attachments.is_empty() || !m.sticker_items.is_empty() {
                let say = CreateMessage::new()
                    .content(prompts::question_text_only(gc.language))
                    .allowed_mentions(CreateAllowedMentions::new());
                if let Err(e) = m.author.direct_message(ctx, say).await {
                    warn!(error = %e, "telling a young person to ask in words failed");
                }
            }
            return Ok(Seen::Other);
        }
        let asked = OpenAsked {
            guild_id,
            channel_id: channel,
            message_id: m.id.get(),
            author_id: m.author.id.get(),
            content: &m.content,
            at: m.timestamp.timestamp_millis(),
        };
        flow::open_public(bot, &asked).await?;
        return Ok(Seen::Question);
    }
    let in_question_thread = place.parent.is_some_and(|p| {
        gc.question_channels.iter().any(|c| c.0 == p)
            || gc.private_questions_channel.is_some_and(|c| c.0 == p)
    });
    if in_question_thread && place.staff {
        flow::staff_wrote(
            bot,
            channel,
            m.author.id.get(),
            m.timestamp.timestamp_millis(),
        )
        .await?;
        return Ok(Seen::Question);
    }
    Ok(Seen::Other)
}

/// A DM to the bot: the young person's private question (a new one, or the one running).
/// `Other` when no guild of theirs takes private questions: the DM is then scanned as before.
pub async fn on_dm(ctx: &serenity::Context, bot: &Bot, m: &Message) -> anyhow::Result<Seen> {
    let user = m.author.id.get();
    let (gc, channel) = match home(ctx, bot, user).await? {
        Home::None => return Ok(Seen::Other),
        Home::One(gc, channel) => (gc, channel),
        Home::Several(guilds) => {
            // Which team? The young person chooses; the DM is relayed once they have. Meanwhile
            // it is scanned as any DM, so a worrying one never waits on the choice.
            ask_which_guild(ctx, m, &guilds).await;
            return Ok(Seen::Other);
        }
    };
    let lang = lang_for(Some(gc));
    if m.content.trim().is_empty() {
        if !m.attachments.is_empty() || !m.sticker_items.is_empty() {
            let say = CreateMessage::new()
                .content(prompts::question_text_only(lang))
                .allowed_mentions(CreateAllowedMentions::new());
            if let Err(e) = m.channel_id.send_message(ctx, say).await {
                warn!(error = %e, "telling a young person that only text is relayed failed");
            }
        }
        return Ok(Seen::PrivateQuestion);
    }
    let dm = flow::Dm {
        user_id: user,
        dm_channel_id: m.channel_id.get(),
        message_id: m.id.get(),
        content: &m.content,
        at: m.timestamp.timestamp_millis(),
    };
    flow::private_dm(bot, gc.id.0, channel, &dm).await?;
    Ok(Seen::PrivateQuestion)
}

/// Where a young person's private question goes.
enum Home<'a> {
    /// No guild of theirs takes private questions.
    None,
    /// Their running question's guild, or the one guild of theirs that takes them.
    One(&'a GuildConfig, u64),
    /// Several guilds of theirs take them: they choose.
    Several(Vec<&'a GuildConfig>),
}

async fn home<'a>(ctx: &serenity::Context, bot: &'a Bot, user: u64) -> anyhow::Result<Home<'a>> {
    let with_channel = |g: &'a GuildConfig| g.private_questions_channel.map(|c| (g, c.0));
    if let Some(q) = flow::running_private(bot, user).await? {
        if let Some((g, c)) = bot.config.guild(q.guild_id).and_then(with_channel) {
            return Ok(Home::One(g, c));
        }
    }
    let mut theirs = Vec::new();
    for g in &bot.config.guilds {
        if g.private_questions_channel.is_none() {
            continue;
        }
        let gid = serenity::GuildId::new(g.id.0);
        let uid = serenity::UserId::new(user);
        let cached = ctx
            .cache
            .guild(gid)
            .map(|guild| guild.members.contains_key(&uid))
            .unwrap_or(false);
        if cached || gid.member(ctx, uid).await.is_ok() {
            theirs.push(g);
        }
    }
    Ok(match theirs.as_slice() {
        [] => Home::None,
        [g] => with_channel(g).map_or(Home::None, |(g, c)| Home::One(g, c)),
        _ => Home::Several(theirs),
    })
}

/// The guild's name as Discord knows it (the cache, else its id).
fn guild_name(ctx: &serenity::Context, guild: u64) -> String {
    ctx.cache
        .guild(serenity::GuildId::new(guild))
        .map(|g| g.name.clone())
        .unwrap_or_else(|| guild.to_string())
}

/// Asks, by DM, which guild's team the young person writes to (a menu).
async fn ask_which_guild(ctx: &serenity::Context, m: &Message, guilds: &[&GuildConfig]) {
    let lang = lang_for(guilds.first().copied());
    let options: Vec<CreateSelectMenuOption> = guilds
        .iter()
        .take(25)
        .map(|g| {
            let name = prompts::text::truncate_chars(&guild_name(ctx, g.id.0), 100);
            CreateSelectMenuOption::new(name, g.id.0.to_string())
        })
        .collect();
    let menu = CreateSelectMenu::new(
        format!("question:guild:{}", m.id.get()),
        CreateSelectMenuKind::String { options },
    );
    let ask = CreateMessage::new()
        .content(prompts::question_choose_guild(lang))
        .components(vec![CreateActionRow::SelectMenu(menu)])
        .allowed_mentions(CreateAllowedMentions::new());
    if let Err(e) = m.channel_id.send_message(ctx, ask).await {
        warn!(error = %e, "asking a young person which team to write to failed");
    }
}

/// The young person chose a guild for the DM named in the menu's id: the DM opens (or joins)
/// their private question there.
pub async fn on_guild_chosen(
    ctx: &serenity::Context,
    bot: &Bot,
    c: &ComponentInteraction,
) -> anyhow::Result<()> {
    let Some(dm_id) = c
        .data
        .custom_id
        .strip_prefix("question:guild:")
        .and_then(|i| i.parse::<u64>().ok())
    else {
        return Ok(());
    };
    let chosen = match &c.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
        _ => None,
    };
    let Some(gc) = chosen
        .and_then(|v| v.parse::<u64>().ok())
        .and_then(|g| bot.config.guild(g))
    else {
        return Ok(());
    };
    let Some(channel) = gc.private_questions_channel.map(|c| c.0) else {
        return Ok(());
    };
    let m = c
        .channel_id
        .message(ctx, serenity::MessageId::new(dm_id))
        .await?;
    let dm = flow::Dm {
        user_id: c.user.id.get(),
        dm_channel_id: c.channel_id.get(),
        message_id: dm_id,
        content: &m.content,
        at: m.timestamp.timestamp_millis(),
    };
    flow::private_dm(bot, gc.id.0, channel, &dm).await?;
    let lang = lang_for(Some(gc));
    let done = CreateInteractionResponseMessage::new()
        .content(prompts::question_guild_chosen(
            lang,
            &prompts::text::sanitize(&guild_name(ctx, gc.id.0)),
        ))
        .components(Vec::new());
    c.create_response(ctx, CreateInteractionResponse::UpdateMessage(done))
        .await?;
    Ok(())
}
