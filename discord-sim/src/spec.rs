//! Describing a guild in a few lines: the builder tests and the sandbox use to lay out a server.
//!
//! A spec only names things (channels, roles, members by name); the server gives them snowflakes
//! when it starts, and the test API addresses them by the same names afterwards.

use crate::perms;

/// One guild to create when the server starts.
#[derive(Debug, Clone)]
pub struct GuildSpec {
    pub(crate) id: Option<u64>,
    pub(crate) name: String,
    pub(crate) channels: Vec<ChannelSpec>,
    pub(crate) roles: Vec<RoleSpec>,
    pub(crate) members: Vec<MemberSpec>,
    pub(crate) bot_permissions: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct ChannelSpec {
    pub(crate) name: String,
    pub(crate) topic: Option<String>,
    /// Role names that may see the channel; `None` means everyone.
    pub(crate) visible_to: Option<Vec<String>>,
    pub(crate) bot_allow: u64,
    pub(crate) bot_deny: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct RoleSpec {
    pub(crate) name: String,
    pub(crate) permissions: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct MemberSpec {
    pub(crate) name: String,
    pub(crate) roles: Vec<String>,
    pub(crate) refuses_dms: bool,
}

impl GuildSpec {
    /// A guild with this name, no channels, no roles and no members besides the bot.
    pub fn new(name: &str) -> Self {
        Self {
            id: None,
            name: name.to_string(),
            channels: Vec::new(),
            roles: Vec::new(),
            members: Vec::new(),
            bot_permissions: perms::BOT_DEFAULT,
        }
    }

    /// Fixes the guild's id (otherwise a fresh snowflake), e.g. to match a config file.
    pub fn id(mut self, id: u64) -> Self {
        self.id = Some(id);
        self
    }

    /// A text channel everyone can see.
    pub fn text_channel(mut self, name: &str) -> Self {
        self.channels.push(ChannelSpec {
            name: name.trim_start_matches('#').to_string(),
            topic: None,
            visible_to: None,
            bot_allow: 0,
            bot_deny: 0,
        });
        self
    }

    /// A text channel only members with one of these roles (and the bot) can see.
    pub fn private_channel(mut self, name: &str, roles: &[&str]) -> Self {
        self = self.text_channel(name);
        if let Some(channel) = self.channels.last_mut() {
            channel.visible_to = Some(roles.iter().map(|r| r.to_string()).collect());
        }
        self
    }

    /// A role with Discord's default member permissions.
    pub fn role(self, name: &str) -> Self {
        self.role_with_permissions(name, perms::MEMBER_DEFAULT)
    }

    /// A role with explicit permission bits (see [`crate::perms`]).
    pub fn role_with_permissions(mut self, name: &str, permissions: u64) -> Self {
        self.roles.push(RoleSpec {
            name: name.to_string(),
            permissions,
        });
        self
    }

    /// A human member with these roles (by name).
    pub fn member(mut self, name: &str, roles: &[&str]) -> Self {
        self.members.push(MemberSpec {
            name: name.to_string(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            refuses_dms: false,
        });
        self
    }

    /// A member whose privacy settings refuse DMs from the bot (Discord error 50007).
    pub fn member_refusing_dms(mut self, name: &str, roles: &[&str]) -> Self {
        self = self.member(name, roles);
        if let Some(member) = self.members.last_mut() {
            member.refuses_dms = true;
        }
        self
    }

    /// The bot's guild-wide permissions (its managed role); defaults to [`perms::BOT_DEFAULT`].
    pub fn bot_permissions(mut self, permissions: u64) -> Self {
        self.bot_permissions = permissions;
        self
    }

    /// A member overwrite for the bot on one channel: bits to allow and to deny.
    pub fn bot_overwrite(mut self, channel: &str, allow: u64, deny: u64) -> Self {
        let name = channel.trim_start_matches('#');
        if let Some(spec) = self.channels.iter_mut().find(|c| c.name == name) {
            spec.bot_allow |= allow;
            spec.bot_deny |= deny;
        }
        self
    }

    /// The bot cannot see this channel: posts there get 403 Missing Access (50001).
    pub fn bot_cannot_see(self, channel: &str) -> Self {
        self.bot_overwrite(channel, 0, perms::VIEW_CHANNEL)
    }

    /// The bot sees this channel but cannot post: posts get 403 Missing Permissions (50013).
    pub fn bot_cannot_send(self, channel: &str) -> Self {
        self.bot_overwrite(channel, 0, perms::SEND_MESSAGES)
    }
}
