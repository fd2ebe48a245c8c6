//! Discord's JSON shapes for the sim's entities, as REST answers and gateway payloads carry them.
//! Every shape here is deserialised into serenity's model types by a unit test (see
//! `fixtures_parse`), because serenity silently drops what it cannot parse.

use serde_json::{json, Value};

use crate::ids::timestamp_of;
use crate::state::{Channel, Guild, Message, Role, State, User, CHANNEL_DM};

/// Ids go over the wire as strings.
pub(crate) fn id(value: u64) -> Value {
    Value::String(value.to_string())
}

pub(crate) fn user(user: &User) -> Value {
    json!({
        "id": id(user.id),
        "username": user.name,
        "discriminator": "0",
        "global_name": user.name,
        "avatar": null,
        "bot": user.bot,
        "public_flags": 0,
        "flags": 0,
    })
}

pub(crate) fn user_by_id(state: &State, user_id: u64) -> Value {
    match state.users.get(&user_id) {
        Some(found) => user(found),
        None => json!({"id": id(user_id), "username": "unknown", "discriminator": "0"}),
    }
}

pub(crate) fn role(role: &Role) -> Value {
    json!({
        "id": id(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": role.position,
        "permissions": role.permissions.to_string(),
        "managed": role.managed,
        "mentionable": false,
        "flags": 0,
    })
}

/// A guild member; with `with_user` false it is the partial member messages carry.
pub(crate) fn member(state: &State, guild_id: u64, user_id: u64, with_user: bool) -> Value {
    let (roles, joined_at) = match state.member(guild_id, user_id) {
        Some(m) => (
            m.roles.iter().map(|r| id(*r)).collect(),
            m.joined_at.clone(),
        ),
        None => (Vec::new(), timestamp_of(guild_id)),
    };
    let mut value = json!({
        "nick": null,
        "avatar": null,
        "roles": roles,
        "joined_at": joined_at,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
    });
    if with_user {
        value["user"] = user_by_id(state, user_id);
    }
    value
}

pub(crate) fn channel(state: &State, channel: &Channel) -> Value {
    let mut value = json!({
        "id": id(channel.id),
        "type": channel.kind,
        "last_message_id": channel.last_message_id.map(id),
        "flags": 0,
    });
    if channel.kind == CHANNEL_DM {
        value["recipients"] = channel
            .recipients
            .iter()
            .filter(|r| **r != state.bot.user_id)
            .map(|r| user_by_id(state, *r))
            .collect();
        return value;
    }
    value["name"] = json!(channel.name);
    value["guild_id"] = channel.guild_id.map(id).unwrap_or(Value::Null);
    value["parent_id"] = channel.parent_id.map(id).unwrap_or(Value::Null);
    value["position"] = json!(channel.position);
    value["nsfw"] = json!(false);
    value["rate_limit_per_user"] = json!(0);
    if channel.is_thread() {
        value["owner_id"] = channel.owner_id.map(id).unwrap_or(Value::Null);
        value["message_count"] = json!(channel.message_count);
        value["member_count"] = json!(channel.thread_members.len().min(50));
        value["total_message_sent"] = json!(channel.message_count);
        value["thread_metadata"] = json!({
            "archived": false,
            "auto_archive_duration": 1440,
            "archive_timestamp": channel.created_at,
            "locked": false,
            "invitable": channel.invitable,
            "create_timestamp": channel.created_at,
        });
    } else {
        value["topic"] = channel.topic.clone().map_or(Value::Null, Value::String);
        value["permission_overwrites"] = channel
            .overwrites
            .iter()
            .map(|o| {
                json!({
                    "id": id(o.id),
                    "type": o.kind,
                    "allow": o.allow.to_string(),
                    "deny": o.deny.to_string(),
                })
            })
            .collect();
    }
    value
}

/// A message; `gateway` adds what only gateway events carry (guild_id, member).
pub(crate) fn message(state: &State, message: &Message, gateway: bool) -> Value {
    let guild_id = state
        .channels
        .get(&message.channel_id)
        .and_then(|c| c.guild_id);
    let mut value = json!({
        "id": id(message.id),
        "channel_id": id(message.channel_id),
        "author": user_by_id(state, message.author_id),
        "content": message.content,
        "timestamp": timestamp_of(message.id),
        "edited_timestamp": message.edited_timestamp,
        "tts": false,
        "mention_everyone": message.pings.everyone,
        "mentions": message.mentions.iter().map(|u| user_by_id(state, *u)).collect::<Vec<_>>(),
        "mention_roles": message.pings.roles.iter().map(|r| id(*r)).collect::<Vec<_>>(),
        "attachments": message.attachments,
        "embeds": message.embeds,
        "components": message.components,
        "pinned": false,
        "type": message.kind,
        "flags": message.flags,
    });
    if let Some(webhook_id) = message.webhook_id {
        value["webhook_id"] = id(webhook_id);
    }
    if let Some(application_id) = message.application_id {
        value["application_id"] = id(application_id);
    }
    if let Some(reference) = &message.message_reference {
        value["message_reference"] = reference.clone();
        // A reply carries the message it answers, as Discord sends it (one level deep).
        if message.kind == 19 {
            let replied = reference["message_id"]
                .as_str()
                .and_then(|m| m.parse::<u64>().ok())
                .and_then(|m| state.messages.get(&m));
            if let Some(replied) = replied {
                let mut inner = self::message(state, replied, false);
                inner["referenced_message"] = Value::Null;
                value["referenced_message"] = inner;
            }
        }
    }
    if let Some(interaction) = &message.interaction {
        value["interaction_metadata"] = interaction_metadata(
            state,
            interaction.id,
            interaction.kind,
            interaction.user_id,
            &interaction.name,
        );
    }
    if let Some(thread) = message.thread_id.and_then(|t| state.channels.get(&t)) {
        value["thread"] = channel(state, thread);
    }
    if gateway {
        if let Some(guild_id) = guild_id {
            value["guild_id"] = id(guild_id);
            value["member"] = member(state, guild_id, message.author_id, false);
        }
    }
    value
}

/// The GUILD_CREATE payload: the whole guild with channels, threads, roles and members.
pub(crate) fn guild_create(state: &State, guild: &Guild) -> Value {
    let mut value = guild_base(guild);
    let (threads, channels): (Vec<&Channel>, Vec<&Channel>) = guild
        .channel_ids
        .iter()
        .filter_map(|c| state.channels.get(c))
        .partition(|c| c.is_thread());
    value["channels"] = channels.iter().map(|c| channel(state, c)).collect();
    value["threads"] = threads.iter().map(|c| channel(state, c)).collect();
    value["members"] = guild
        .members
        .iter()
        .map(|m| member(state, guild.id, m.user_id, true))
        .collect();
    value["member_count"] = json!(guild.members.len());
    value["joined_at"] = json!(timestamp_of(guild.id));
    value["large"] = json!(false);
    value["unavailable"] = json!(false);
    value["voice_states"] = json!([]);
    value["presences"] = json!([]);
    value["stage_instances"] = json!([]);
    value["guild_scheduled_events"] = json!([]);
    value["soundboard_sounds"] = json!([]);
    value
}

/// The guild object as GET /guilds/{id} returns it.
pub(crate) fn guild_base(guild: &Guild) -> Value {
    json!({
        "id": id(guild.id),
        "name": guild.name,
        "icon": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": id(guild.owner_id),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": guild.roles.iter().map(role).collect::<Vec<_>>(),
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "fr",
        "public_updates_channel_id": null,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "max_video_channel_users": 25,
        "max_members": 500000,
    })
}

/// The application object of GET /oauth2/applications/@me.
pub(crate) fn application(state: &State) -> Value {
    let bot = state.users.get(&state.bot.user_id);
    json!({
        "id": id(state.bot.application_id),
        "name": state.bot.name,
        "icon": null,
        "description": "",
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "flags": 0,
        "team": null,
        "owner": bot.map(user),
        "bot": bot.map(user),
        "summary": "",
        "rpc_origins": [],
        "tags": [],
    })
}

/// A message's `interaction_metadata`: a component's names the message the component was on
/// (`interacted_message_id`), a modal submission's the interaction that opened the modal
/// (`triggering_interaction_metadata`), as Discord sends them and serenity requires them.
fn interaction_metadata(state: &State, ix_id: u64, kind: u8, user_id: u64, name: &str) -> Value {
    let mut value = json!({
        "id": id(ix_id),
        "type": kind,
        "user": user_by_id(state, user_id),
        "authorizing_integration_owners": {},
        "name": name,
    });
    let stored = state.interactions.get(&ix_id);
    if let Some(source) = stored.and_then(|ix| ix.source_message) {
        if kind == crate::ops::interactions::MESSAGE_COMPONENT {
            value["interacted_message_id"] = id(source);
        }
    }
    let opener = stored
        .and_then(|ix| ix.opened_by)
        .and_then(|o| state.interactions.get(&o));
    if let Some(o) = opener.filter(|_| kind == crate::ops::interactions::MODAL_SUBMIT) {
        value["triggering_interaction_metadata"] =
            interaction_metadata(state, o.id, o.kind, o.user_id, &o.name);
    }
    value
}
