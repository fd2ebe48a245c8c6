//! Interactions: creating them for user actions (INTERACTION_CREATE), the bot's callbacks, and
//! the webhook follow-ups and @original edits that reuse the interaction token.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::feed::{BotPost, PostKind};
use crate::ops::messages::Draft;
use crate::render;
use crate::state::{
    Interaction, MessageInteraction, State, CHANNEL_DM, FLAG_EPHEMERAL, FLAG_LOADING,
};

pub(crate) const PING: u8 = 1;
pub(crate) const APPLICATION_COMMAND: u8 = 2;
pub(crate) const MESSAGE_COMPONENT: u8 = 3;
pub(crate) const AUTOCOMPLETE: u8 = 4;
pub(crate) const MODAL_SUBMIT: u8 = 5;

/// Message type of a response to a slash command (CHAT_INPUT_COMMAND).
const CHAT_INPUT_COMMAND_MESSAGE: u8 = 20;

/// What a user did that starts an interaction.
pub(crate) struct NewInteraction {
    pub(crate) kind: u8,
    pub(crate) user_id: u64,
    pub(crate) channel_id: u64,
    pub(crate) name: String,
    pub(crate) data: Value,
    pub(crate) source_message: Option<u64>,
}

impl State {
    /// Stores an interaction and dispatches INTERACTION_CREATE; returns its id.
    pub(crate) fn create_interaction(&mut self, new: NewInteraction) -> u64 {
        let id = self.ids.next();
        let guild_id = self.channels.get(&new.channel_id).and_then(|c| c.guild_id);
        let interaction = Interaction {
            id,
            token: format!("sim-interaction-token-{id}"),
            kind: new.kind,
            user_id: new.user_id,
            channel_id: new.channel_id,
            guild_id,
            name: new.name,
            data: new.data,
            source_message: new.source_message,
            response: None,
            original_message: None,
            modal: None,
            opened_by: None,
        };
        let payload = self.interaction_json(&interaction);
        self.interactions.insert(id, interaction);
        self.hub.dispatch("INTERACTION_CREATE", &payload);
        id
    }

    pub(crate) fn interaction_json(&self, ix: &Interaction) -> Value {
        let channel = self.channels.get(&ix.channel_id);
        let mut value = json!({
            "id": render::id(ix.id),
            "application_id": render::id(self.bot.application_id),
            "type": ix.kind,
            "data": ix.data,
            "channel_id": render::id(ix.channel_id),
            "channel": {
                "id": render::id(ix.channel_id),
                "type": channel.map_or(0, |c| c.kind),
                "name": channel.map(|c| c.name.clone()).filter(|n| !n.is_empty()),
                "parent_id": channel.and_then(|c| c.parent_id).map(render::id),
            },
            "token": ix.token,
            "version": 1,
            "app_permissions": self.permissions_in(ix.channel_id, self.bot.user_id).to_string(),
            "locale": "fr",
            "entitlements": [],
            "attachment_size_limit": 10_485_760,
        });
        match ix.guild_id {
            Some(guild_id) => {
                let mut member = render::member(self, guild_id, ix.user_id, true);
                member["permissions"] =
                    json!(self.permissions_in(ix.channel_id, ix.user_id).to_string());
                value["guild_id"] = render::id(guild_id);
                value["member"] = member;
                value["guild_locale"] = json!("fr");
                value["authorizing_integration_owners"] = json!({"0": render::id(guild_id)});
                value["context"] = json!(0);
            }
            None => {
                value["user"] = render::user_by_id(self, ix.user_id);
                value["authorizing_integration_owners"] =
                    json!({"0": render::id(guild_or_zero(channel))});
                value["context"] = json!(1);
            }
        }
        if let Some(message_id) = ix.source_message {
            value["message"] = self.message_json(message_id, false);
        }
        value
    }

    fn interaction_checked(&self, id: u64, token: &str) -> Result<&Interaction, ApiError> {
        self.interactions
            .get(&id)
            .filter(|ix| ix.token == token)
            .ok_or_else(ApiError::unknown_interaction)
    }

    /// POST /interactions/{id}/{token}/callback.
    pub(crate) fn interaction_callback(
        &mut self,
        id: u64,
        token: &str,
        body: &Value,
        attachments: Vec<Value>,
    ) -> Result<(), ApiError> {
        let ix = self.interaction_checked(id, token)?.clone();
        if ix.response.is_some() {
            return Err(ApiError::already_acknowledged());
        }
        let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
        let data = body.get("data").cloned().unwrap_or(Value::Null);
        let mut original = None;
        let mut modal = None;
        match (kind, ix.kind) {
            (1, PING) => {}
            (4, _) => {
                let draft = Draft::from_json(&data, attachments);
                original = Some(self.post_interaction_message(&ix, draft));
            }
            (5, _) => {
                let ephemeral =
                    data.get("flags").and_then(Value::as_u64).unwrap_or(0) & FLAG_EPHEMERAL;
                let draft = Draft {
                    flags: FLAG_LOADING | ephemeral,
                    ..Draft::default()
                };
                original = Some(self.post_interaction_message(&ix, draft));
            }
            (6, MESSAGE_COMPONENT | MODAL_SUBMIT) => {
                original = ix.source_message;
                self.push_interaction_post(&ix, PostKind::DeferredUpdate, Value::Null);
            }
            (7, MESSAGE_COMPONENT | MODAL_SUBMIT) => {
                let source = ix
                    .source_message
                    .ok_or_else(|| ApiError::invalid_body("no message to update"))?;
                self.edit_message(source, &data, None, Some(ix.id))
                    .ok_or_else(ApiError::unknown_message)?;
                original = Some(source);
            }
            (8, AUTOCOMPLETE) => self.push_interaction_post(&ix, PostKind::Autocomplete, data),
            (9, APPLICATION_COMMAND | MESSAGE_COMPONENT) => {
                modal = Some(data.clone());
                self.push_interaction_post(&ix, PostKind::Modal, data);
            }
            _ => {
                return Err(ApiError::invalid_body(
                    "interaction callback type does not fit this interaction",
                ))
            }
        }
        if let Some(stored) = self.interactions.get_mut(&id) {
            stored.response = u8::try_from(kind).ok();
            stored.original_message = original;
            stored.modal = modal;
        }
        Ok(())
    }

    /// A message answering an interaction (response or follow-up), authored by the bot.
    pub(crate) fn post_interaction_message(&mut self, ix: &Interaction, draft: Draft) -> u64 {
        let application_id = self.bot.application_id;
        let bot_id = self.bot.user_id;
        let user_name = ix.name.clone();
        let meta = MessageInteraction {
            id: ix.id,
            kind: ix.kind,
            user_id: ix.user_id,
            name: user_name,
        };
        let kind = if ix.kind == APPLICATION_COMMAND {
            CHAT_INPUT_COMMAND_MESSAGE
        } else {
            0
        };
        self.post_message(ix.channel_id, bot_id, draft, |m| {
            m.kind = kind;
            m.webhook_id = Some(application_id);
            m.application_id = Some(application_id);
            m.interaction = Some(meta);
        })
    }

    fn push_interaction_post(&mut self, ix: &Interaction, kind: PostKind, data: Value) {
        let post = BotPost {
            seq: 0,
            kind,
            channel_id: ix.channel_id,
            channel: self.channel_label(ix.channel_id),
            author: self.bot.name.clone(),
            message_id: ix.source_message,
            content: String::new(),
            embeds: Vec::new(),
            components: data
                .get("components")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            ephemeral: true,
            interaction_id: Some(ix.id),
            data,
            pinged_users: Vec::new(),
            pinged_roles: Vec::new(),
            pinged_everyone: false,
        };
        self.feed.push(post);
    }

    /// The interaction a webhook token belongs to (follow-ups and @original).
    pub(crate) fn interaction_for_webhook(
        &self,
        application_id: u64,
        token: &str,
    ) -> Result<&Interaction, ApiError> {
        if application_id != self.bot.application_id {
            return Err(ApiError::unknown_webhook());
        }
        self.interactions
            .values()
            .find(|ix| ix.token == token && ix.response.is_some())
            .ok_or_else(ApiError::unknown_webhook)
    }

    /// Whether a message id belongs to this interaction (its original or a follow-up).
    pub(crate) fn message_of_interaction(&self, ix: &Interaction, message_id: u64) -> bool {
        ix.original_message == Some(message_id)
            || self
                .messages
                .get(&message_id)
                .and_then(|m| m.interaction.as_ref())
                .is_some_and(|meta| meta.id == ix.id)
    }
}

fn guild_or_zero(channel: Option<&crate::state::Channel>) -> u64 {
    match channel {
        Some(c) if c.kind == CHANNEL_DM => 0,
        Some(c) => c.guild_id.unwrap_or(0),
        None => 0,
    }
}
