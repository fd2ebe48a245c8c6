//! Messages that are questions: a young person's top-level message in a question channel, a
//! staff member's message in a question's thread, a DM to the bot (a private question).

use poise::serenity_prelude as serenity;
use serenity::{CreateAllowedMentions, CreateMessage, Message};
use tracing::warn;

use crate::bot::Bot;
use crate::config::GuildConfig;
use crate::flows::questions::{self as flow, OpenAsked};
use crate::outbound::render::lang_for;
use crate::prompts;

use super::events::{is_staff, thread_parent};

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
    roles: Option<Vec<u64>>,
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
        if is_staff(ctx, gc, m.author.id.get(), roles).await {
            return Ok(Seen::Other); // staff announcements are not questions
        }
        if m.content.trim().is_empty() {
            return Ok(Seen::Other); // an attachment alone: nothing to title or answer
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
    let parent = thread_parent(ctx, guild_id, channel).await;
    let in_question_thread = parent.is_some_and(|p| {
        gc.question_channels.iter().any(|c| c.0 == p)
            || gc.private_questions_channel.is_some_and(|c| c.0 == p)
    });
    if in_question_thread && is_staff(ctx, gc, m.author.id.get(), roles).await {
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
    let Some((gc, channel)) = home(ctx, bot, user).await? else {
        return Ok(Seen::Other);
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

/// The guild a young person's private question goes to: the one of their running question,
/// else the first configured guild with a private questions channel they are a member of.
async fn home<'a>(
    ctx: &serenity::Context,
    bot: &'a Bot,
    user: u64,
) -> anyhow::Result<Option<(&'a GuildConfig, u64)>> {
    let with_channel = |g: &'a GuildConfig| g.private_questions_channel.map(|c| (g, c.0));
    if let Some(q) = flow::running_private(bot, user).await? {
        if let Some(found) = bot.config.guild(q.guild_id).and_then(with_channel) {
            return Ok(Some(found));
        }
    }
    for g in &bot.config.guilds {
        let Some(found) = with_channel(g) else {
            continue;
        };
        let gid = serenity::GuildId::new(g.id.0);
        let uid = serenity::UserId::new(user);
        let cached = ctx
            .cache
            .guild(gid)
            .map(|guild| guild.members.contains_key(&uid))
            .unwrap_or(false);
        if cached || gid.member(ctx, uid).await.is_ok() {
            return Ok(Some(found));
        }
    }
    Ok(None)
}
