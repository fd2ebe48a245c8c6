//! Turning [`GuildSpec`]s into the starting world: the bot user and its managed role, roles,
//! members (users are shared across guilds by name), channels with their overwrites.

use std::collections::BTreeMap;

use crate::ids::{timestamp_of, Snowflakes};
use crate::perms::{self, Overwrite};
use crate::spec::GuildSpec;
use crate::state::{BotIdentity, Channel, Guild, Member, Role, State, User, CHANNEL_TEXT};

pub(crate) fn build_state(bot_name: &str, token: &str, specs: &[GuildSpec]) -> State {
    let mut ids = Snowflakes::default();
    let bot_id = ids.next();
    let mut state = State {
        ids,
        bot: BotIdentity {
            user_id: bot_id,
            // Like most bots, the application id is the bot user's id.
            application_id: bot_id,
            name: bot_name.to_string(),
            token: token.to_string(),
        },
        users: BTreeMap::new(),
        guilds: BTreeMap::new(),
        channels: BTreeMap::new(),
        messages: BTreeMap::new(),
        nonces: Default::default(),
        commands: BTreeMap::new(),
        interactions: BTreeMap::new(),
        hub: Default::default(),
        feed: Default::default(),
        record: Default::default(),
        faults: Default::default(),
        rate_limits: Default::default(),
        scheduled_events: Default::default(),
        uploads: Vec::new(),
    };
    state.hub.bot_user_id = bot_id;
    state.users.insert(
        bot_id,
        User {
            id: bot_id,
            name: bot_name.to_string(),
            bot: true,
            refuses_dms: false,
        },
    );
    for spec in specs {
        add_guild(&mut state, spec);
    }
    state
}

fn add_guild(state: &mut State, spec: &GuildSpec) {
    let guild_id = spec.id.unwrap_or_else(|| state.ids.next());
    let mut roles = vec![Role {
        id: guild_id,
        name: "@everyone".into(),
        permissions: perms::MEMBER_DEFAULT,
        position: 0,
        managed: false,
    }];
    for (index, role) in spec.roles.iter().enumerate() {
        roles.push(Role {
            id: state.ids.next(),
            name: role.name.clone(),
            permissions: role.permissions,
            position: u16::try_from(index + 1).unwrap_or(u16::MAX),
            managed: false,
        });
    }
    let bot_role = state.ids.next();
    roles.push(Role {
        id: bot_role,
        name: state.bot.name.clone(),
        permissions: spec.bot_permissions,
        position: u16::try_from(roles.len()).unwrap_or(u16::MAX),
        managed: true,
    });
    let role_id = |name: &str| roles.iter().find(|r| r.name == name).map(|r| r.id);
    let joined_at = timestamp_of(guild_id);
    let mut members = vec![Member {
        user_id: state.bot.user_id,
        roles: vec![bot_role],
        joined_at: joined_at.clone(),
    }];
    let mut owner_id = state.bot.user_id;
    for (index, member) in spec.members.iter().enumerate() {
        let user_id = user_for(state, &member.name, member.refuses_dms);
        if index == 0 {
            owner_id = user_id;
        }
        members.push(Member {
            user_id,
            roles: member.roles.iter().filter_map(|r| role_id(r)).collect(),
            joined_at: joined_at.clone(),
        });
    }
    let mut channel_ids = Vec::new();
    for (position, channel) in spec.channels.iter().enumerate() {
        let id = state.ids.next();
        let mut overwrites = Vec::new();
        if let Some(visible_to) = &channel.visible_to {
            overwrites.push(overwrite(guild_id, 0, 0, perms::VIEW_CHANNEL));
            for role in visible_to.iter().filter_map(|r| role_id(r)) {
                overwrites.push(overwrite(role, 0, perms::VIEW_CHANNEL, 0));
            }
            overwrites.push(overwrite(state.bot.user_id, 1, perms::VIEW_CHANNEL, 0));
        }
        if channel.bot_allow != 0 || channel.bot_deny != 0 {
            overwrites.retain(|o| o.id != state.bot.user_id);
            let allow = if channel.visible_to.is_some() {
                (channel.bot_allow | perms::VIEW_CHANNEL) & !channel.bot_deny
            } else {
                channel.bot_allow
            };
            overwrites.push(overwrite(state.bot.user_id, 1, allow, channel.bot_deny));
        }
        state.channels.insert(
            id,
            Channel {
                id,
                kind: CHANNEL_TEXT,
                name: channel.name.clone(),
                guild_id: Some(guild_id),
                parent_id: None,
                topic: channel.topic.clone(),
                owner_id: None,
                recipients: Vec::new(),
                overwrites,
                thread_members: Vec::new(),
                last_message_id: None,
                position: u16::try_from(position).unwrap_or(u16::MAX),
                invitable: false,
                created_at: timestamp_of(id),
                message_count: 0,
            },
        );
        channel_ids.push(id);
    }
    state.guilds.insert(
        guild_id,
        Guild {
            id: guild_id,
            name: spec.name.clone(),
            owner_id,
            roles,
            channel_ids,
            members,
        },
    );
}

fn overwrite(id: u64, kind: u8, allow: u64, deny: u64) -> Overwrite {
    Overwrite {
        id,
        kind,
        allow,
        deny,
    }
}

/// The user with this name, created on first mention.
pub(crate) fn user_for(state: &mut State, name: &str, refuses_dms: bool) -> u64 {
    if let Some(existing) = state.users.values_mut().find(|u| u.name == name) {
        existing.refuses_dms |= refuses_dms;
        return existing.id;
    }
    let id = state.ids.next();
    state.users.insert(
        id,
        User {
            id,
            name: name.to_string(),
            bot: false,
            refuses_dms,
        },
    );
    id
}
