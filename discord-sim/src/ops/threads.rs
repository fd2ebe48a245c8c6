//! Threads (from a message, standalone, private), thread members, DM channels and new text
//! channels, with THREAD_CREATE / CHANNEL_CREATE dispatched.

use serde_json::json;

use crate::ids::{now_timestamp, timestamp_of};
use crate::render;
use crate::state::{
    Channel, State, CHANNEL_DM, CHANNEL_PRIVATE_THREAD, CHANNEL_PUBLIC_THREAD, CHANNEL_TEXT,
    FLAG_HAS_THREAD,
};

impl State {
    /// Opens a thread under `parent_id`. From a message, the thread's id is the message's id
    /// (as on Discord). The creator joins it.
    pub(crate) fn create_thread(
        &mut self,
        parent_id: u64,
        from_message: Option<u64>,
        name: &str,
        private: bool,
        owner_id: u64,
    ) -> Option<u64> {
        let parent = self.channels.get(&parent_id)?;
        let guild_id = parent.guild_id;
        let id = match from_message {
            Some(message_id) => message_id,
            None => self.ids.next(),
        };
        let created_at = now_timestamp();
        let thread = Channel {
            id,
            kind: if private {
                CHANNEL_PRIVATE_THREAD
            } else {
                CHANNEL_PUBLIC_THREAD
            },
            name: name.to_string(),
            guild_id,
            parent_id: Some(parent_id),
            topic: None,
            owner_id: Some(owner_id),
            recipients: Vec::new(),
            overwrites: Vec::new(),
            thread_members: vec![(owner_id, created_at.clone())],
            last_message_id: None,
            position: 0,
            invitable: !private,
            created_at,
            message_count: 0,
        };
        self.channels.insert(id, thread);
        if let Some(guild) = guild_id.and_then(|g| self.guilds.get_mut(&g)) {
            guild.channel_ids.push(id);
        }
        if let Some(message_id) = from_message {
            if let Some(message) = self.messages.get_mut(&message_id) {
                message.thread_id = Some(id);
                message.flags |= FLAG_HAS_THREAD;
            }
        }
        let mut data = self.channel_json(id);
        data["newly_created"] = json!(true);
        data["member"] = json!({"id": render::id(id), "user_id": render::id(owner_id),
            "join_timestamp": timestamp_of(id), "flags": 0});
        self.hub.dispatch("THREAD_CREATE", &data);
        Some(id)
    }

    /// Adds a user to a thread; `false` if the thread does not exist.
    pub(crate) fn add_thread_member(&mut self, thread_id: u64, user_id: u64) -> bool {
        let Some(thread) = self.channels.get_mut(&thread_id).filter(|c| c.is_thread()) else {
            return false;
        };
        if !thread.thread_members.iter().any(|(id, _)| *id == user_id) {
            thread.thread_members.push((user_id, now_timestamp()));
        }
        true
    }

    pub(crate) fn remove_thread_member(&mut self, thread_id: u64, user_id: u64) -> bool {
        let Some(thread) = self.channels.get_mut(&thread_id).filter(|c| c.is_thread()) else {
            return false;
        };
        thread.thread_members.retain(|(id, _)| *id != user_id);
        true
    }

    /// The DM channel between the bot and a user, created on first use.
    pub(crate) fn dm_channel(&mut self, user_id: u64) -> u64 {
        if let Some(existing) = self.dm_channel_with(user_id) {
            return existing.id;
        }
        let id = self.ids.next();
        self.channels.insert(
            id,
            Channel {
                id,
                kind: CHANNEL_DM,
                name: String::new(),
                guild_id: None,
                parent_id: None,
                topic: None,
                owner_id: None,
                recipients: vec![user_id, self.bot.user_id],
                overwrites: Vec::new(),
                thread_members: Vec::new(),
                last_message_id: None,
                position: 0,
                invitable: false,
                created_at: timestamp_of(id),
                message_count: 0,
            },
        );
        id
    }

    /// Adds a text channel to a guild at run time and dispatches CHANNEL_CREATE.
    pub(crate) fn create_text_channel(&mut self, guild_id: u64, name: &str) -> Option<u64> {
        let position = self.guilds.get(&guild_id)?.channel_ids.len();
        let id = self.ids.next();
        self.channels.insert(
            id,
            Channel {
                id,
                kind: CHANNEL_TEXT,
                name: name.trim_start_matches('#').to_string(),
                guild_id: Some(guild_id),
                parent_id: None,
                topic: None,
                owner_id: None,
                recipients: Vec::new(),
                overwrites: Vec::new(),
                thread_members: Vec::new(),
                last_message_id: None,
                position: u16::try_from(position).unwrap_or(u16::MAX),
                invitable: false,
                created_at: timestamp_of(id),
                message_count: 0,
            },
        );
        self.guilds.get_mut(&guild_id)?.channel_ids.push(id);
        let data = self.channel_json(id);
        self.hub.dispatch("CHANNEL_CREATE", &data);
        Some(id)
    }

    pub(crate) fn channel_json(&self, id: u64) -> serde_json::Value {
        self.channels
            .get(&id)
            .map_or(serde_json::Value::Null, |c| render::channel(self, c))
    }
}
