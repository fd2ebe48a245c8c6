//! Discord permission bits and the channel permission computation.
//!
//! The computation follows Discord's documented order: the @everyone role, then the member's
//! roles, ADMINISTRATOR short-circuits, then channel overwrites (@everyone, roles, member).
//! Threads take their parent's overwrites.

pub const CREATE_INSTANT_INVITE: u64 = 1 << 0;
pub const ADMINISTRATOR: u64 = 1 << 3;
pub const MANAGE_CHANNELS: u64 = 1 << 4;
pub const ADD_REACTIONS: u64 = 1 << 6;
pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const MANAGE_MESSAGES: u64 = 1 << 13;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const ATTACH_FILES: u64 = 1 << 15;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
pub const MENTION_EVERYONE: u64 = 1 << 17;
pub const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
pub const MANAGE_EVENTS: u64 = 1 << 33;
pub const MANAGE_THREADS: u64 = 1 << 34;
pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
pub const CREATE_PRIVATE_THREADS: u64 = 1 << 36;
pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
pub const CREATE_EVENTS: u64 = 1 << 44;

/// What @everyone and plain roles get unless told otherwise.
pub const MEMBER_DEFAULT: u64 = CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS;

/// What the bot's managed role gets unless told otherwise.
pub const BOT_DEFAULT: u64 = MEMBER_DEFAULT | MANAGE_MESSAGES | MANAGE_THREADS | MANAGE_EVENTS;

/// One channel permission overwrite (Discord's shape: type 0 = role, 1 = member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Overwrite {
    pub(crate) id: u64,
    pub(crate) kind: u8,
    pub(crate) allow: u64,
    pub(crate) deny: u64,
}

/// A member's permissions in a channel, given the guild's roles and the channel's overwrites.
pub(crate) fn channel_permissions(
    guild_id: u64,
    everyone_permissions: u64,
    member_roles: &[(u64, u64)],
    member_id: u64,
    overwrites: &[Overwrite],
) -> u64 {
    let mut base = everyone_permissions;
    for (_, role_permissions) in member_roles {
        base |= role_permissions;
    }
    if base & ADMINISTRATOR != 0 {
        return u64::MAX;
    }
    let mut permissions = base;
    // The @everyone role's id is the guild's id.
    if let Some(everyone) = overwrites.iter().find(|o| o.kind == 0 && o.id == guild_id) {
        permissions = (permissions & !everyone.deny) | everyone.allow;
    }
    let (mut allow, mut deny) = (0, 0);
    for overwrite in overwrites
        .iter()
        .filter(|o| o.kind == 0 && o.id != guild_id)
    {
        if member_roles
            .iter()
            .any(|(role_id, _)| *role_id == overwrite.id)
        {
            allow |= overwrite.allow;
            deny |= overwrite.deny;
        }
    }
    permissions = (permissions & !deny) | allow;
    if let Some(member) = overwrites.iter().find(|o| o.kind == 1 && o.id == member_id) {
        permissions = (permissions & !member.deny) | member.allow;
    }
    permissions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_overwrite_beats_role_overwrites() {
        let overwrites = [
            Overwrite {
                id: 1,
                kind: 0,
                allow: 0,
                deny: VIEW_CHANNEL,
            },
            Overwrite {
                id: 7,
                kind: 1,
                allow: VIEW_CHANNEL,
                deny: SEND_MESSAGES,
            },
        ];
        let permissions = channel_permissions(1, MEMBER_DEFAULT, &[], 7, &overwrites);
        assert!(permissions & VIEW_CHANNEL != 0);
        assert!(permissions & SEND_MESSAGES == 0);
    }

    #[test]
    fn a_role_allow_reopens_a_channel_hidden_from_everyone() {
        let overwrites = [
            Overwrite {
                id: 1,
                kind: 0,
                allow: 0,
                deny: VIEW_CHANNEL,
            },
            Overwrite {
                id: 5,
                kind: 0,
                allow: VIEW_CHANNEL,
                deny: 0,
            },
        ];
        let with_role = channel_permissions(1, MEMBER_DEFAULT, &[(5, 0)], 9, &overwrites);
        let without = channel_permissions(1, MEMBER_DEFAULT, &[], 9, &overwrites);
        assert!(with_role & VIEW_CHANNEL != 0);
        assert!(without & VIEW_CHANNEL == 0);
    }
}
