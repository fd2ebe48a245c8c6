//! Creating, editing and deleting messages, with MESSAGE_CREATE / UPDATE / DELETE dispatched and
//! the bot's own messages logged to the feed.

use serde_json::{json, Value};

use crate::feed::{BotPost, PostKind};
use crate::ids::now_timestamp;
use crate::render;
use crate::state::{Message, State, FLAG_EPHEMERAL, FLAG_LOADING};

/// How long Discord remembers a nonce for `enforce_nonce` ("the past few minutes").
pub(crate) const NONCE_WINDOW_MS: u64 = 5 * 60 * 1000;

/// The content of a message to create, as a request body or a user action gives it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub(crate) content: String,
    pub(crate) embeds: Vec<Value>,
    pub(crate) components: Vec<Value>,
    pub(crate) attachments: Vec<Value>,
    pub(crate) flags: u64,
    pub(crate) message_reference: Option<Value>,
    /// `None` when the body had none: then every mention in the content pings.
    pub(crate) allowed_mentions: Option<Value>,
    pub(crate) nonce: Option<String>,
}

impl Draft {
    pub(crate) fn text(content: &str) -> Self {
        Self {
            content: content.to_string(),
            ..Self::default()
        }
    }

    /// From a create-message body (channel message, interaction response data, webhook).
    pub(crate) fn from_json(body: &Value, attachments: Vec<Value>) -> Self {
        Self {
            content: body
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            embeds: array(body, "embeds")
                .into_iter()
                .map(normalise_embed)
                .collect(),
            components: array(body, "components"),
            attachments,
            flags: body.get("flags").and_then(Value::as_u64).unwrap_or(0),
            message_reference: body
                .get("message_reference")
                .filter(|r| !r.is_null())
                .cloned(),
            allowed_mentions: body
                .get("allowed_mentions")
                .filter(|a| !a.is_null())
                .cloned(),
            nonce: body.get("nonce").and_then(nonce_text),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.content.is_empty()
            && self.embeds.is_empty()
            && self.components.is_empty()
            && self.attachments.is_empty()
    }
}

/// A nonce as Discord accepts it (a string or an integer), as text.
fn nonce_text(nonce: &Value) -> Option<String> {
    match nonce {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn array(body: &Value, key: &str) -> Vec<Value> {
    body.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Discord marks embeds a bot sends as `rich` and fills the defaults of fields.
fn normalise_embed(mut embed: Value) -> Value {
    if embed.get("type").is_none() {
        embed["type"] = json!("rich");
    }
    if let Some(fields) = embed.get_mut("fields").and_then(Value::as_array_mut) {
        for field in fields {
            if field.get("inline").is_none() {
                field["inline"] = json!(false);
            }
        }
    }
    embed
}

/// User ids mentioned as `<@id>` or `<@!id>` that exist.
fn mentions(state: &State, content: &str) -> Vec<u64> {
    let mut found = Vec::new();
    for part in content.split("<@").skip(1) {
        let digits: String = part
            .trim_start_matches('!')
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(id) = digits.parse::<u64>() {
            if state.users.contains_key(&id) && !found.contains(&id) {
                found.push(id);
            }
        }
    }
    found
}

impl State {
    /// Stores a message and announces it. `shape` adjusts the message before it is stored
    /// (interaction metadata, webhook id, type).
    pub(crate) fn post_message(
        &mut self,
        channel_id: u64,
        author_id: u64,
        draft: Draft,
        shape: impl FnOnce(&mut Message),
    ) -> u64 {
        let id = self.ids.next();
        let reply_to = draft
            .message_reference
            .as_ref()
            .and_then(|r| r.get("message_id"))
            .and_then(crate::ids::parse_id);
        let pings = self.pings(&draft.content, draft.allowed_mentions.as_ref(), reply_to);
        let mut message = Message {
            id,
            channel_id,
            author_id,
            mentions: mentions(self, &draft.content),
            pings,
            nonce: draft.nonce,
            content: draft.content,
            embeds: draft.embeds,
            components: draft.components,
            attachments: draft.attachments,
            flags: draft.flags,
            message_reference: draft.message_reference,
            ..Message::default()
        };
        shape(&mut message);
        let ephemeral = message.flags & FLAG_EPHEMERAL != 0;
        if let Some(nonce) = &message.nonce {
            self.nonces.insert((author_id, nonce.clone()), id);
        }
        self.messages.insert(id, message);
        if let Some(channel) = self.channels.get_mut(&channel_id) {
            channel.last_message_id = Some(id);
            if channel.is_thread() {
                channel.message_count += 1;
            }
        }
        // Discord sends no gateway event for ephemeral messages.
        if !ephemeral {
            let data = self.message_json(id, true);
            self.hub.dispatch("MESSAGE_CREATE", &data);
        }
        self.feed_message(id, PostKind::Created);
        id
    }

    /// Applies the fields present in an edit body; `None` if the message does not exist.
    /// `answering` is the component interaction this edit answers (callback type 7), if any.
    pub(crate) fn edit_message(
        &mut self,
        id: u64,
        body: &Value,
        attachments: Option<Vec<Value>>,
        answering: Option<u64>,
    ) -> Option<()> {
        let message = self.messages.get_mut(&id)?;
        let patch = Draft::from_json(body, Vec::new());
        if body.get("content").is_some() {
            message.content = patch.content;
        }
        if body.get("embeds").is_some() {
            message.embeds = patch.embeds;
        }
        if body.get("components").is_some() {
            message.components = patch.components;
        }
        if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
            message.flags = flags | (message.flags & FLAG_EPHEMERAL);
        }
        if let Some(attachments) = attachments {
            message.attachments = attachments;
        }
        // Editing a deferred response replaces "thinking...".
        message.flags &= !FLAG_LOADING;
        message.edited_timestamp = Some(now_timestamp());
        let ephemeral = message.flags & FLAG_EPHEMERAL != 0;
        if !ephemeral {
            let data = self.message_json(id, true);
            self.hub.dispatch("MESSAGE_UPDATE", &data);
        }
        self.feed_message_answering(id, PostKind::Edited, answering);
        Some(())
    }

    /// Removes a message; `false` if it did not exist.
    pub(crate) fn delete_message(&mut self, id: u64) -> bool {
        if !self.messages.contains_key(&id) {
            return false;
        }
        self.feed_message(id, PostKind::Deleted);
        let Some(message) = self.messages.remove(&id) else {
            return false;
        };
        let mut data = json!({"id": render::id(id), "channel_id": render::id(message.channel_id)});
        if let Some(guild_id) = self
            .channels
            .get(&message.channel_id)
            .and_then(|c| c.guild_id)
        {
            data["guild_id"] = render::id(guild_id);
        }
        if message.flags & FLAG_EPHEMERAL == 0 {
            self.hub.dispatch("MESSAGE_DELETE", &data);
        }
        true
    }

    /// The message `author_id` created with this nonce within [`NONCE_WINDOW_MS`], if any:
    /// what Discord returns instead of a new message when `enforce_nonce` is true.
    pub(crate) fn message_with_nonce(&self, author_id: u64, nonce: &str) -> Option<u64> {
        let now = crate::ids::now_ms();
        self.nonces
            .get(&(author_id, nonce.to_string()))
            .copied()
            .filter(|id| now.saturating_sub(crate::ids::snowflake_ms(*id)) <= NONCE_WINDOW_MS)
            .filter(|id| self.messages.contains_key(id))
    }

    pub(crate) fn message_json(&self, id: u64, gateway: bool) -> Value {
        self.messages
            .get(&id)
            .map_or(Value::Null, |m| render::message(self, m, gateway))
    }

    /// Adds the bot's message (or its change) to the feed; other authors are ignored.
    pub(crate) fn feed_message(&mut self, id: u64, kind: PostKind) {
        self.feed_message_answering(id, kind, None);
    }

    fn feed_message_answering(&mut self, id: u64, kind: PostKind, answering: Option<u64>) {
        let Some(message) = self.messages.get(&id) else {
            return;
        };
        if message.author_id != self.bot.user_id {
            return;
        }
        let kind = match kind {
            PostKind::Created if message.flags & FLAG_LOADING != 0 => PostKind::Deferred,
            other => other,
        };
        let post = BotPost {
            seq: 0,
            kind,
            channel_id: message.channel_id,
            channel: self.channel_label(message.channel_id),
            author: self.bot.name.clone(),
            message_id: Some(id),
            content: message.content.clone(),
            embeds: message.embeds.clone(),
            components: message.components.clone(),
            ephemeral: message.flags & FLAG_EPHEMERAL != 0,
            interaction_id: answering.or(message.interaction.as_ref().map(|i| i.id)),
            data: Value::Null,
            pinged_users: self.user_names(&message.pings.users),
            pinged_roles: self.role_names(&message.pings.roles),
            pinged_everyone: message.pings.everyone,
        };
        self.feed.push(post);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{now_ms, DISCORD_EPOCH_MS};

    fn with_bot_message(age_ms: u64) -> (State, u64) {
        let mut state = crate::setup::build_state("bot", "token", &[]);
        let bot = state.bot.user_id;
        let id = (now_ms() - age_ms - DISCORD_EPOCH_MS) << 22;
        state.nonces.insert((bot, "alert-1".into()), id);
        state.messages.insert(
            id,
            Message {
                id,
                author_id: bot,
                nonce: Some("alert-1".into()),
                ..Message::default()
            },
        );
        (state, bot)
    }

    #[test]
    fn a_nonce_is_remembered_for_a_few_minutes() {
        let (state, bot) = with_bot_message(NONCE_WINDOW_MS - 10_000);
        assert!(state.message_with_nonce(bot, "alert-1").is_some());
        assert!(state.message_with_nonce(bot, "alert-2").is_none());
        assert!(state.message_with_nonce(bot + 1, "alert-1").is_none());
    }

    #[test]
    fn a_nonce_older_than_the_window_is_forgotten() {
        let (state, bot) = with_bot_message(NONCE_WINDOW_MS + 10_000);
        assert!(state.message_with_nonce(bot, "alert-1").is_none());
    }
}
