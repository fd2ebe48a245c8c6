//! Gateway events -> flows. Each event gets a span with its ids; content is never logged.

use poise::serenity_prelude as serenity;
use serenity::{FullEvent, Message, MessageUpdateEvent};
use tracing::{debug, info, info_span, warn, Instrument};

use crate::bot::Bot;
use crate::config::GuildConfig;
use crate::flows::message::{self, Incoming};
use crate::store::{cursors, now_ms};

use super::{commands, log_error, questions, Data, Error};

/// Most messages fetched per channel when catching up after a new session.
const CATCH_UP_MAX: usize = 500;

pub async fn handle(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &FullEvent,
) -> Result<(), Error> {
    let (ctx, bot) = (framework.serenity_context, framework.user_data);
    match event {
        FullEvent::Message { new_message: m } => {
            let span = info_span!("message_create", guild = ?m.guild_id.map(|g| g.get()),
                channel = m.channel_id.get(), message = m.id.get(), author = m.author.id.get());
            on_message(ctx, bot, m, m.guild_id.map(|g| g.get()), false)
                .instrument(span)
                .await;
        }
        FullEvent::MessageUpdate { event: e, .. } => {
            let span = info_span!("message_update", guild = ?e.guild_id.map(|g| g.get()),
                channel = e.channel_id.get(), message = e.id.get());
            on_update(ctx, bot, e).instrument(span).await;
        }
        FullEvent::Ready { data_about_bot } => {
            info!(
                session = %data_about_bot.session_id,
                guilds = ?data_about_bot.guilds.iter().map(|g| g.id.get()).collect::<Vec<_>>(),
                shard = ctx.shard_id.0,
                "READY"
            );
            crate::metrics::gateway_ready(ctx.shard_id.0);
            // A new session (not a resume): Discord replays nothing, so fetch what was missed.
            let (ctx, bot) = (ctx.clone(), bot.clone());
            tokio::spawn(
                async move { catch_up(&ctx, &bot).await }.instrument(info_span!("catch_up")),
            );
        }
        FullEvent::Resume { .. } => {
            info!(shard = ctx.shard_id.0, "gateway session resumed");
            crate::metrics::gateway_resumed();
        }
        FullEvent::InteractionCreate { interaction } => {
            if let Some(c) = interaction.as_message_component() {
                let span = info_span!("component", guild = ?c.guild_id.map(|g| g.get()),
                    user = c.user.id.get(), custom_id = %c.data.custom_id);
                let handled = async {
                    if c.data.custom_id.starts_with("question:guild:") {
                        return questions::on_guild_chosen(ctx, bot, c).await;
                    }
                    if c.data.custom_id.starts_with("question:") {
                        return commands::question::on_component(ctx, bot, c).await;
                    }
                    if c.data.custom_id.starts_with("rights:") {
                        return commands::droits::on_component(ctx, bot, c).await;
                    }
                    if c.data.custom_id.starts_with("motcle:") {
                        return commands::motcle::on_component(ctx, bot, c).await;
                    }
                    commands::alerte::on_component(ctx, bot, c).await?;
                    commands::ressource::on_component(ctx, bot, c).await
                };
                if let Err(e) = handled.instrument(span).await {
                    log_error("button", &e);
                }
            } else if let Some(m) = interaction.as_modal_submit() {
                let span = info_span!("modal", guild = ?m.guild_id.map(|g| g.get()),
                    user = m.user.id.get(), custom_id = %m.data.custom_id);
                let handled = async {
                    if m.data.custom_id.starts_with("question:") {
                        return commands::question::on_modal(ctx, bot, m).await;
                    }
                    commands::alerte::on_modal(ctx, bot, m).await?;
                    commands::ressource::on_modal(ctx, bot, m).await
                };
                if let Err(e) = handled.instrument(span).await {
                    log_error("modal", &e);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// A message: scanned unless it comes from a bot, from staff, or from a channel not watched.
async fn on_message(
    ctx: &serenity::Context,
    bot: &Bot,
    m: &Message,
    guild_id: Option<u64>,
    edit: bool,
) {
    if m.author.bot || m.author.system {
        return;
    }
    let roles: Option<Vec<u64>> = m
        .member
        .as_ref()
        .map(|pm| pm.roles.iter().map(|r| r.get()).collect());
    let place = match guild_id.and_then(|g| bot.config.guild(g)) {
        Some(gc) => Some(place(ctx, gc, m.channel_id.get(), m.author.id.get(), roles).await),
        None if guild_id.is_some() => return, // a guild this process does not serve
        None => None,
    };
    if !edit {
        let handled = match (guild_id, place) {
            (Some(g), Some(place)) => questions::on_guild_message(ctx, bot, m, g, place).await,
            _ => questions::on_dm(ctx, bot, m).await,
        };
        match handled {
            // A DM that became a private question is scanned once relayed into its staff
            // thread, so its alert links there (never to the DM).
            Ok(questions::Seen::PrivateQuestion) => return,
            Ok(_) => {}
            Err(e) => log_error("handling a question", &e),
        }
    }
    let at = if edit {
        m.edited_timestamp.unwrap_or(m.timestamp).timestamp_millis()
    } else {
        m.timestamp.timestamp_millis()
    };
    let people = People {
        mentions: people_mentioned(&m.mentions),
        reply_to: m
            .referenced_message
            .as_ref()
            .filter(|r| !r.author.bot)
            .map(|r| r.author.id.get()),
    };
    scan(
        ctx,
        bot,
        guild_id,
        m.channel_id.get(),
        m.id.get(),
        m.author.id.get(),
        place,
        &m.content,
        edit,
        at,
        people,
    )
    .await;
}

async fn on_update(ctx: &serenity::Context, bot: &Bot, e: &MessageUpdateEvent) {
    let (Some(content), Some(author)) = (&e.content, &e.author) else {
        return; // an embed unfurled or a pin: no new text
    };
    if author.bot || author.system {
        return;
    }
    let roles = e
        .member
        .as_ref()
        .and_then(|m| m.as_ref())
        .map(|pm| pm.roles.iter().map(|r| r.get()).collect());
    let guild_id = e.guild_id.map(|g| g.get());
    let place = match guild_id.and_then(|g| bot.config.guild(g)) {
        Some(gc) => Some(place(ctx, gc, e.channel_id.get(), author.id.get(), roles).await),
        None if guild_id.is_some() => return, // a guild this process does not serve
        None => None,
    };
    let at = e
        .edited_timestamp
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(now_ms);
    let people = People {
        mentions: e
            .mentions
            .as_deref()
            .map(people_mentioned)
            .unwrap_or_default(),
        reply_to: e
            .referenced_message
            .as_ref()
            .and_then(|r| r.as_ref())
            .filter(|r| !r.author.bot)
            .map(|r| r.author.id.get()),
    };
    scan(
        ctx,
        bot,
        guild_id,
        e.channel_id.get(),
        e.id.get(),
        author.id.get(),
        place,
        content,
        true,
        at,
        people,
    )
    .await;
}

/// Who a message points at: the people it mentions and the author of the message it replies
/// to, so that support for a hostile message goes to the young person it targets.
#[derive(Debug, Default)]
struct People {
    mentions: Vec<u64>,
    reply_to: Option<u64>,
}

/// The people (not bots) among a message's mentions.
fn people_mentioned(users: &[serenity::User]) -> Vec<u64> {
    users
        .iter()
        .filter(|u| !u.bot)
        .map(|u| u.id.get())
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn scan(
    ctx: &serenity::Context,
    bot: &Bot,
    guild_id: Option<u64>,
    channel_id: u64,
    message_id: u64,
    author_id: u64,
    place: Option<Place>,
    content: &str,
    edit: bool,
    at: i64,
    people: People,
) {
    let alert_guild_id = match (guild_id, place) {
        (Some(g), Some(place)) => {
            let Some(gc) = bot.config.guild(g) else {
                return;
            };
            if place.staff || !gc.watched_channels.covers(channel_id, place.parent) {
                return;
            }
            Some(g)
        }
        (Some(_), None) => return, // a guild this process does not serve
        (None, _) => home_guild(ctx, bot, author_id),
    };
    let incoming = Incoming {
        guild_id,
        alert_guild_id,
        channel_id,
        message_id,
        author_id,
        content,
        edit,
        at,
        mentions: people.mentions,
        reply_to: people.reply_to,
        anonymous: false,
    };
    match message::handle(bot, &incoming).await {
        Ok(h) => debug!(?h, "scanned"),
        Err(e) => log_error("handling a message", &e),
    }
}

/// Where a guild message was written and whether its author is staff: looked up once per
/// message, for the questions and for the scan.
#[derive(Debug, Clone, Copy)]
pub(super) struct Place {
    /// The channel's parent: a thread's channel, a channel's category.
    pub parent: Option<u64>,
    /// The author holds a staff role.
    pub staff: bool,
}

async fn place(
    ctx: &serenity::Context,
    gc: &GuildConfig,
    channel_id: u64,
    author_id: u64,
    roles: Option<Vec<u64>>,
) -> Place {
    Place {
        parent: thread_parent(ctx, gc.id.0, channel_id).await,
        staff: is_staff(ctx, gc, author_id, roles).await,
    }
}

/// The parent of a channel: a thread's channel, a channel's category (from the cache, else one
/// REST read).
async fn thread_parent(ctx: &serenity::Context, guild_id: u64, channel_id: u64) -> Option<u64> {
    let id = serenity::ChannelId::new(channel_id);
    let cached = ctx
        .cache
        .guild(serenity::GuildId::new(guild_id))
        .and_then(|g| {
            g.channels
                .get(&id)
                .map(|c| c.parent_id)
                .or_else(|| g.threads.iter().find(|t| t.id == id).map(|t| t.parent_id))
        });
    if let Some(parent) = cached {
        return parent.map(|p| p.get());
    }
    match id.to_channel(ctx).await {
        Ok(serenity::Channel::Guild(c)) => c.parent_id.map(|p| p.get()),
        _ => None,
    }
}

/// Whether the author holds a staff role: from the message when it carries the member, else the
/// cache, else one REST read. Unknown counts as not staff, so a young person is never missed.
async fn is_staff(
    ctx: &serenity::Context,
    gc: &GuildConfig,
    author_id: u64,
    roles: Option<Vec<u64>>,
) -> bool {
    let roles = match roles {
        Some(r) => r,
        None => {
            let gid = serenity::GuildId::new(gc.id.0);
            let uid = serenity::UserId::new(author_id);
            let cached = ctx.cache.guild(gid).and_then(|g| {
                g.members
                    .get(&uid)
                    .map(|m| m.roles.iter().map(|r| r.get()).collect())
            });
            match cached {
                Some(r) => r,
                None => match gid.member(ctx, uid).await {
                    Ok(m) => m.roles.iter().map(|r| r.get()).collect(),
                    Err(e) => {
                        warn!(error = %e, "member lookup failed; treating as not staff");
                        Vec::new()
                    }
                },
            }
        }
    };
    gc.staff_role_ids().any(|s| roles.contains(&s))
}

/// For a DM: the configured guild whose promeneurs receive the alert — the first one the young
/// person is known to be in, else the first configured guild.
fn home_guild(ctx: &serenity::Context, bot: &Bot, author_id: u64) -> Option<u64> {
    let uid = serenity::UserId::new(author_id);
    bot.config
        .guilds
        .iter()
        .find(|g| {
            ctx.cache
                .guild(serenity::GuildId::new(g.id.0))
                .is_some_and(|guild| guild.members.contains_key(&uid))
        })
        .or_else(|| bot.config.guilds.first())
        .map(|g| g.id.0)
}

/// Fetches and scans what each known channel received after the last message seen.
async fn catch_up(ctx: &serenity::Context, bot: &Bot) {
    let channels = match cursors::all(bot.db.pool()).await {
        Ok(c) => c,
        Err(e) => return log_error("reading channel cursors", &e),
    };
    for cursor in channels {
        let (channel, guild) = (cursor.channel_id, cursor.guild_id);
        if !on_this_shard(bot, ctx.shard_id.0, guild) {
            // Another shard's session (maybe another process's) reads that channel.
            continue;
        }
        let mut after = cursor.last_message_id;
        let mut seen = 0;
        while seen < CATCH_UP_MAX {
            let req = serenity::GetMessages::new()
                .after(serenity::MessageId::new(after))
                .limit(100);
            let batch = match serenity::ChannelId::new(channel).messages(ctx, req).await {
                Ok(b) => b,
                Err(e) => {
                    warn!(channel, error = %e, "catch-up read failed");
                    break;
                }
            };
            if batch.is_empty() {
                break;
            }
            let mut batch = batch;
            batch.sort_by_key(|m| m.id);
            for m in &batch {
                on_message(ctx, bot, m, guild, false).await;
            }
            seen += batch.len();
            after = batch.last().map(|m| m.id.get()).unwrap_or(after);
            if batch.len() < 100 {
                break;
            }
        }
        if seen > 0 {
            info!(channel, messages = seen, "caught up");
        }
    }
}

/// Whether `shard` receives the events of `guild` (Discord sends DMs to shard 0).
fn on_this_shard(bot: &Bot, shard: u32, guild: Option<u64>) -> bool {
    let Some(shards) = bot.shards.get() else {
        return true;
    };
    let of_guild = guild.map_or(0, |g| (g >> 22) % u64::from(shards.count.max(1)));
    of_guild == u64::from(shard)
}
