//! The server's world: users, guilds, roles, members, channels, threads, DMs, messages,
//! application commands and interactions, plus the bookkeeping around them (gateway sessions,
//! the bot's output feed, recorded REST calls). One lock guards all of it, so a state change and
//! the gateway dispatch it causes are seen in the same order by everyone.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::faults::Faults;
use crate::feed::Feed;
use crate::gateway::hub::Hub;
use crate::ids::Snowflakes;
use crate::ops::mentions::Pings;
use crate::perms::{self, Overwrite};
use crate::ratelimits::RateLimiter;
use crate::record::Record;

pub(crate) const CHANNEL_TEXT: u8 = 0;
pub(crate) const CHANNEL_DM: u8 = 1;
pub(crate) const CHANNEL_PUBLIC_THREAD: u8 = 11;
pub(crate) const CHANNEL_PRIVATE_THREAD: u8 = 12;

/// Who the bot is.
#[derive(Debug, Clone)]
pub(crate) struct BotIdentity {
    pub(crate) user_id: u64,
    pub(crate) application_id: u64,
    pub(crate) name: String,
    pub(crate) token: String,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) bot: bool,
    pub(crate) refuses_dms: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Role {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) permissions: u64,
    pub(crate) position: u16,
    pub(crate) managed: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) user_id: u64,
    pub(crate) roles: Vec<u64>,
    pub(crate) joined_at: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Guild {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) owner_id: u64,
    /// The @everyone role first (its id is the guild's id).
    pub(crate) roles: Vec<Role>,
    pub(crate) channel_ids: Vec<u64>,
    pub(crate) members: Vec<Member>,
}

#[derive(Debug, Clone)]
pub(crate) struct Channel {
    pub(crate) id: u64,
    pub(crate) kind: u8,
    pub(crate) name: String,
    pub(crate) guild_id: Option<u64>,
    pub(crate) parent_id: Option<u64>,
    pub(crate) topic: Option<String>,
    pub(crate) owner_id: Option<u64>,
    /// DM channels: the other user.
    pub(crate) recipients: Vec<u64>,
    pub(crate) overwrites: Vec<Overwrite>,
    /// Threads: who joined, with the join time.
    pub(crate) thread_members: Vec<(u64, String)>,
    pub(crate) last_message_id: Option<u64>,
    pub(crate) position: u16,
    pub(crate) invitable: bool,
    pub(crate) created_at: String,
    pub(crate) message_count: u32,
}

impl Channel {
    pub(crate) fn is_thread(&self) -> bool {
        matches!(self.kind, CHANNEL_PUBLIC_THREAD | CHANNEL_PRIVATE_THREAD)
    }
}

/// The interaction a message answers (Discord's `interaction_metadata`).
#[derive(Debug, Clone)]
pub(crate) struct MessageInteraction {
    pub(crate) id: u64,
    pub(crate) kind: u8,
    pub(crate) user_id: u64,
    pub(crate) name: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Message {
    pub(crate) id: u64,
    pub(crate) channel_id: u64,
    pub(crate) author_id: u64,
    pub(crate) content: String,
    pub(crate) embeds: Vec<Value>,
    pub(crate) components: Vec<Value>,
    pub(crate) attachments: Vec<Value>,
    pub(crate) mentions: Vec<u64>,
    pub(crate) edited_timestamp: Option<String>,
    pub(crate) kind: u8,
    pub(crate) flags: u64,
    pub(crate) webhook_id: Option<u64>,
    pub(crate) application_id: Option<u64>,
    pub(crate) interaction: Option<MessageInteraction>,
    pub(crate) message_reference: Option<Value>,
    /// The thread started from this message, if any.
    pub(crate) thread_id: Option<u64>,
    /// Who the message pinged when it was created (see `ops::mentions`).
    pub(crate) pings: Pings,
    /// The nonce it was sent with (a string or an integer, kept as text).
    pub(crate) nonce: Option<String>,
}

pub(crate) const FLAG_EPHEMERAL: u64 = 1 << 6;
pub(crate) const FLAG_LOADING: u64 = 1 << 7;
pub(crate) const FLAG_HAS_THREAD: u64 = 1 << 5;

#[derive(Debug, Clone)]
pub(crate) struct Interaction {
    pub(crate) id: u64,
    pub(crate) token: String,
    pub(crate) kind: u8,
    pub(crate) user_id: u64,
    pub(crate) channel_id: u64,
    pub(crate) guild_id: Option<u64>,
    /// The command name, or the component/modal custom_id.
    pub(crate) name: String,
    pub(crate) data: Value,
    /// Component interactions: the message the component is on.
    pub(crate) source_message: Option<u64>,
    /// The callback type the bot answered with, once it did.
    pub(crate) response: Option<u8>,
    pub(crate) original_message: Option<u64>,
    /// The modal the bot opened in answer (callback type 9), until the user submits it.
    pub(crate) modal: Option<Value>,
    /// Modal submissions: the interaction whose modal this submits (Discord names it in the
    /// answer's `interaction_metadata.triggering_interaction_metadata`).
    pub(crate) opened_by: Option<u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct Command {
    pub(crate) id: u64,
    pub(crate) guild_id: Option<u64>,
    pub(crate) name: String,
    /// The definition as the bot sent it, with `id`, `application_id`, `version` added.
    pub(crate) body: Value,
}

/// Everything behind the server's one lock.
pub(crate) struct State {
    pub(crate) ids: Snowflakes,
    pub(crate) bot: BotIdentity,
    pub(crate) users: BTreeMap<u64, User>,
    pub(crate) guilds: BTreeMap<u64, Guild>,
    pub(crate) channels: BTreeMap<u64, Channel>,
    pub(crate) messages: BTreeMap<u64, Message>,
    /// (author, nonce) -> the message created with it, so `enforce_nonce` is one lookup.
    pub(crate) nonces: std::collections::HashMap<(u64, String), u64>,
    pub(crate) commands: BTreeMap<u64, Command>,
    pub(crate) interactions: BTreeMap<u64, Interaction>,
    pub(crate) hub: Hub,
    pub(crate) feed: Feed,
    pub(crate) record: Record,
    pub(crate) faults: Faults,
    pub(crate) rate_limits: RateLimiter,
    /// Guild scheduled events by id.
    pub(crate) scheduled_events: BTreeMap<u64, crate::rest::events::ScheduledEvent>,
    /// Every file the bot uploaded, in order.
    pub(crate) uploads: Vec<Upload>,
}

/// A file the bot attached to a message.
#[derive(Debug, Clone)]
pub struct Upload {
    pub attachment_id: u64,
    pub filename: String,
    pub data: Vec<u8>,
}

impl State {
    pub(crate) fn user_by_name(&self, name: &str) -> Option<&User> {
        let name = name.trim_start_matches('@');
        self.users.values().find(|u| u.name == name)
    }

    /// A channel or thread by name (`#discussion`, `discussion`), first match across guilds.
    pub(crate) fn channel_by_name(&self, name: &str) -> Option<&Channel> {
        let name = name.trim_start_matches('#');
        self.channels
            .values()
            .find(|c| c.kind != CHANNEL_DM && c.name == name)
    }

    pub(crate) fn dm_channel_with(&self, user_id: u64) -> Option<&Channel> {
        self.channels
            .values()
            .find(|c| c.kind == CHANNEL_DM && c.recipients.contains(&user_id))
    }

    pub(crate) fn member(&self, guild_id: u64, user_id: u64) -> Option<&Member> {
        self.guilds
            .get(&guild_id)?
            .members
            .iter()
            .find(|m| m.user_id == user_id)
    }

    /// A user's permissions in a guild channel or thread (threads use their parent's overwrites).
    pub(crate) fn permissions_in(&self, channel_id: u64, user_id: u64) -> u64 {
        let Some(channel) = self.channels.get(&channel_id) else {
            return 0;
        };
        let Some(guild_id) = channel.guild_id else {
            return perms::MEMBER_DEFAULT;
        };
        let (Some(guild), Some(member)) =
            (self.guilds.get(&guild_id), self.member(guild_id, user_id))
        else {
            return 0;
        };
        let overwrites = match channel.parent_id.and_then(|p| self.channels.get(&p)) {
            Some(parent) if channel.is_thread() => &parent.overwrites,
            _ => &channel.overwrites,
        };
        let everyone = guild.roles.first().map_or(0, |r| r.permissions);
        let roles: Vec<(u64, u64)> = guild
            .roles
            .iter()
            .filter(|r| member.roles.contains(&r.id))
            .map(|r| (r.id, r.permissions))
            .collect();
        perms::channel_permissions(guild_id, everyone, &roles, user_id, overwrites)
    }

    /// Whether a user can read a channel: guild permission, private thread membership, DM recipient.
    pub(crate) fn can_view(&self, channel_id: u64, user_id: u64) -> bool {
        let Some(channel) = self.channels.get(&channel_id) else {
            return false;
        };
        match channel.kind {
            CHANNEL_DM => channel.recipients.contains(&user_id) || user_id == self.bot.user_id,
            CHANNEL_PRIVATE_THREAD => {
                let permissions = self.permissions_in(channel_id, user_id);
                permissions & perms::VIEW_CHANNEL != 0
                    && (permissions & perms::MANAGE_THREADS != 0
                        || channel.thread_members.iter().any(|(id, _)| *id == user_id))
            }
            _ => self.permissions_in(channel_id, user_id) & perms::VIEW_CHANNEL != 0,
        }
    }

    /// Messages of a channel in id order.
    pub(crate) fn channel_messages(&self, channel_id: u64) -> impl Iterator<Item = &Message> {
        self.messages
            .values()
            .filter(move |m| m.channel_id == channel_id)
    }

    /// How a channel is shown to people: `#name`, `#parent > thread`, `dm:user`.
    pub(crate) fn channel_label(&self, channel_id: u64) -> String {
        let Some(channel) = self.channels.get(&channel_id) else {
            return format!("<#{channel_id}>");
        };
        if channel.kind == CHANNEL_DM {
            let other = channel
                .recipients
                .iter()
                .find(|id| **id != self.bot.user_id)
                .and_then(|id| self.users.get(id))
                .map_or("?", |u| u.name.as_str());
            return format!("dm:{other}");
        }
        match channel.parent_id.and_then(|p| self.channels.get(&p)) {
            Some(parent) if channel.is_thread() => format!("#{} > {}", parent.name, channel.name),
            _ => format!("#{}", channel.name),
        }
    }

    /// User names for ids (the id as text for an unknown one).
    pub(crate) fn user_names(&self, user_ids: &[u64]) -> Vec<String> {
        user_ids.iter().map(|id| self.user_name(*id)).collect()
    }

    /// Role names for ids, across guilds (the id as text for an unknown one).
    pub(crate) fn role_names(&self, role_ids: &[u64]) -> Vec<String> {
        role_ids
            .iter()
            .map(|id| {
                self.guilds
                    .values()
                    .flat_map(|g| g.roles.iter())
                    .find(|r| r.id == *id)
                    .map_or_else(|| id.to_string(), |r| r.name.clone())
            })
            .collect()
    }

    pub(crate) fn user_name(&self, user_id: u64) -> String {
        self.users
            .get(&user_id)
            .map_or_else(|| user_id.to_string(), |u| u.name.clone())
    }
}
