//! Acting as a user: post, reply, edit, delete, DM the bot, run a slash command, autocomplete,
//! click a button by its label, pick in a select menu, submit a modal. Each action changes the
//! world and dispatches what Discord would send to the bot.

use serde_json::{json, Value};

use super::{SimError, SimHandle};
use crate::components;
use crate::ops::interactions::{NewInteraction, AUTOCOMPLETE, MESSAGE_COMPONENT, MODAL_SUBMIT};
use crate::ops::messages::Draft;
use crate::state::State;

/// An interaction a user started; await the bot's answer with [`SimHandle::wait_response`].
#[derive(Debug, Clone)]
pub struct InteractionRef {
    pub id: u64,
    pub token: String,
    pub channel_id: u64,
}

/// A user of the sim, by name.
#[derive(Clone)]
pub struct SimUser {
    sim: SimHandle,
    name: String,
}

impl SimUser {
    pub(crate) fn new(sim: SimHandle, name: &str) -> Self {
        Self {
            sim,
            name: name.trim_start_matches('@').to_string(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn id(&self) -> Result<u64, SimError> {
        self.sim.user_id(&self.name)
    }

    /// Resolves where the user acts: a channel or thread by name, or `dm` for the DM with the bot.
    fn place(&self, state: &mut State, user_id: u64, channel: &str) -> Result<u64, SimError> {
        if channel == "dm" || channel == "dm:" || channel.starts_with("dm:") {
            return Ok(state.dm_channel(user_id));
        }
        let channel_id = state
            .channel_by_name(channel)
            .map(|c| c.id)
            .ok_or_else(|| SimError::UnknownChannel(channel.to_string()))?;
        if !state.can_view(channel_id, user_id) {
            return Err(SimError::NoAccess {
                user: self.name.clone(),
                channel: channel.to_string(),
            });
        }
        Ok(channel_id)
    }

    /// Posts in a channel or thread (`#discussion`, a thread name, or `dm`); returns the id.
    pub fn post(&self, channel: &str, content: &str) -> Result<u64, SimError> {
        self.post_draft(channel, Draft::text(content))
    }

    /// Replies to a message (a message reference, type 19).
    pub fn reply(&self, message_id: u64, content: &str) -> Result<u64, SimError> {
        let user_id = self.id()?;
        self.sim.shared.mutate(|state| {
            let channel_id = state
                .messages
                .get(&message_id)
                .map(|m| m.channel_id)
                .ok_or(SimError::UnknownMessage(message_id))?;
            let mut draft = Draft::text(content);
            draft.message_reference = Some(json!({
                "message_id": message_id.to_string(),
                "channel_id": channel_id.to_string(),
                "type": 0,
            }));
            Ok(state.post_message(channel_id, user_id, draft, |m| m.kind = 19))
        })
    }

    /// Sends the bot a DM.
    pub fn dm(&self, content: &str) -> Result<u64, SimError> {
        self.post("dm", content)
    }

    fn post_draft(&self, channel: &str, draft: Draft) -> Result<u64, SimError> {
        let user_id = self.id()?;
        self.sim.shared.mutate(|state| {
            let channel_id = self.place(state, user_id, channel)?;
            Ok(state.post_message(channel_id, user_id, draft, |_| {}))
        })
    }

    /// Edits one of the user's messages (MESSAGE_UPDATE).
    pub fn edit(&self, message_id: u64, content: &str) -> Result<(), SimError> {
        self.sim.shared.mutate(|state| {
            state
                .edit_message(message_id, &json!({"content": content}), None, None)
                .ok_or(SimError::UnknownMessage(message_id))
        })
    }

    /// Deletes a message (MESSAGE_DELETE).
    pub fn delete(&self, message_id: u64) -> Result<(), SimError> {
        self.sim.shared.mutate(|state| {
            state
                .delete_message(message_id)
                .then_some(())
                .ok_or(SimError::UnknownMessage(message_id))
        })
    }

    /// Runs a slash command written as a user types it: `/ressource chercher q:harcelement`,
    /// quoting values with spaces (`q:"harcèlement scolaire"`); `channel` may be `dm`.
    /// The command must have been registered by the bot; options are typed from its definition.
    pub fn slash(&self, channel: &str, line: &str) -> Result<InteractionRef, SimError> {
        self.command_interaction(channel, line, false)
    }

    /// Like [`SimUser::slash`] with the command path and options given apart:
    /// `slash_with("#discussion", "ressource chercher", &[("q", "harcelement")])`.
    pub fn slash_with(
        &self,
        channel: &str,
        command: &str,
        options: &[(&str, &str)],
    ) -> Result<InteractionRef, SimError> {
        let mut line = format!("/{}", command.trim_start_matches('/'));
        for (name, value) in options {
            line.push_str(&format!(" {name}:\"{}\"", value.replace('"', "\\\"")));
        }
        self.slash(channel, &line)
    }

    /// Asks for autocomplete choices: the last option of the line is the one being typed.
    pub fn autocomplete(&self, channel: &str, line: &str) -> Result<InteractionRef, SimError> {
        self.command_interaction(channel, line, true)
    }

    fn command_interaction(
        &self,
        channel: &str,
        line: &str,
        autocomplete: bool,
    ) -> Result<InteractionRef, SimError> {
        let user_id = self.id()?;
        self.sim.shared.mutate(|state| {
            let channel_id = self.place(state, user_id, channel)?;
            let guild_id = state.channels.get(&channel_id).and_then(|c| c.guild_id);
            let (name, data) = super::slash::build(state, guild_id, line, autocomplete)?;
            let kind = if autocomplete {
                AUTOCOMPLETE
            } else {
                crate::ops::interactions::APPLICATION_COMMAND
            };
            Ok(start(
                state,
                NewInteraction {
                    kind,
                    user_id,
                    channel_id,
                    name,
                    data,
                    source_message: None,
                },
            ))
        })
    }

    /// Clicks the button with this label (or custom_id) on a message.
    pub fn click(&self, message_id: u64, label: &str) -> Result<InteractionRef, SimError> {
        let user_id = self.id()?;
        self.sim.shared.mutate(|state| {
            let message = state
                .messages
                .get(&message_id)
                .ok_or(SimError::UnknownMessage(message_id))?;
            let channel_id = message.channel_id;
            let no_button = || SimError::NoSuchButton {
                label: label.to_string(),
                available: components::buttons(&message.components)
                    .filter_map(|b| b.get("label").and_then(Value::as_str).map(str::to_string))
                    .collect(),
            };
            let button = components::button(&message.components, label).ok_or_else(no_button)?;
            let disabled = button
                .get("disabled")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let custom_id = button.get("custom_id").and_then(Value::as_str);
            let Some(custom_id) = custom_id.filter(|_| !disabled).map(str::to_string) else {
                return Err(no_button());
            };
            if !state.can_view(channel_id, user_id) {
                return Err(SimError::NoAccess {
                    user: self.name.clone(),
                    channel: state.channel_label(channel_id),
                });
            }
            let data = json!({"custom_id": custom_id, "component_type": 2});
            Ok(start(
                state,
                NewInteraction {
                    kind: MESSAGE_COMPONENT,
                    user_id,
                    channel_id,
                    name: custom_id,
                    data,
                    source_message: Some(message_id),
                },
            ))
        })
    }

    /// Picks values in the string select menu with this custom_id on a message.
    pub fn select(
        &self,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
    ) -> Result<InteractionRef, SimError> {
        let user_id = self.id()?;
        self.sim.shared.mutate(|state| {
            let message = state
                .messages
                .get(&message_id)
                .ok_or(SimError::UnknownMessage(message_id))?;
            let channel_id = message.channel_id;
            let exists = components::flatten(&message.components)
                .any(|c| c.get("custom_id").and_then(Value::as_str) == Some(custom_id));
            if !exists {
                return Err(SimError::NoSuchButton {
                    label: custom_id.to_string(),
                    available: Vec::new(),
                });
            }
            let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
            Ok(start(
                state,
                NewInteraction {
                    kind: MESSAGE_COMPONENT,
                    user_id,
                    channel_id,
                    name: custom_id.to_string(),
                    data,
                    source_message: Some(message_id),
                },
            ))
        })
    }

    /// Submits the modal the bot opened in answer to `opened_by`, with (text input custom_id, value).
    pub fn submit_modal(
        &self,
        opened_by: &InteractionRef,
        fields: &[(&str, &str)],
    ) -> Result<InteractionRef, SimError> {
        let user_id = self.id()?;
        self.sim.shared.mutate(|state| {
            let origin = state
                .interactions
                .get(&opened_by.id)
                .filter(|ix| ix.user_id == user_id && ix.modal.is_some())
                .cloned()
                .ok_or_else(|| SimError::NoModal(self.name.clone()))?;
            let modal = origin.modal.clone().unwrap_or_default();
            let data = modal_submission(&modal, fields)?;
            let custom_id = modal
                .get("custom_id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let submitted = start(
                state,
                NewInteraction {
                    kind: MODAL_SUBMIT,
                    user_id,
                    channel_id: origin.channel_id,
                    name: custom_id,
                    data,
                    source_message: origin.source_message,
                },
            );
            if let Some(ix) = state.interactions.get_mut(&submitted.id) {
                ix.opened_by = Some(origin.id);
            }
            Ok(submitted)
        })
    }

    /// Submits the latest modal the bot opened for this user.
    pub fn submit_last_modal(&self, fields: &[(&str, &str)]) -> Result<InteractionRef, SimError> {
        let user_id = self.id()?;
        let latest = self.sim.read(|s| {
            s.interactions
                .values()
                .rev()
                .find(|ix| ix.user_id == user_id && ix.modal.is_some())
                .map(|ix| InteractionRef {
                    id: ix.id,
                    token: ix.token.clone(),
                    channel_id: ix.channel_id,
                })
        });
        let opened_by = latest.ok_or_else(|| SimError::NoModal(self.name.clone()))?;
        self.submit_modal(&opened_by, fields)
    }
}

fn start(state: &mut State, new: NewInteraction) -> InteractionRef {
    let channel_id = new.channel_id;
    let id = state.create_interaction(new);
    let token = state
        .interactions
        .get(&id)
        .map(|ix| ix.token.clone())
        .unwrap_or_default();
    InteractionRef {
        id,
        token,
        channel_id,
    }
}

/// The MODAL_SUBMIT data: every text input of the modal, filled from `fields`.
fn modal_submission(modal: &Value, fields: &[(&str, &str)]) -> Result<Value, SimError> {
    let mut inputs = Vec::new();
    collect_text_inputs(modal.get("components").unwrap_or(&Value::Null), &mut inputs);
    for (name, _) in fields {
        if !inputs
            .iter()
            .any(|i| i.get("custom_id").and_then(Value::as_str) == Some(name))
        {
            return Err(SimError::InvalidCommand(format!(
                "the modal has no field {name:?}"
            )));
        }
    }
    let mut rows = Vec::new();
    for input in inputs {
        let custom_id = input.get("custom_id").and_then(Value::as_str).unwrap_or("");
        let value = fields
            .iter()
            .find(|(n, _)| *n == custom_id)
            .map_or("", |(_, v)| *v);
        let required = input
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        if required && value.is_empty() {
            return Err(SimError::InvalidCommand(format!(
                "the modal field {custom_id:?} is required"
            )));
        }
        rows.push(
            json!({"type": 1, "components": [{"type": 4, "custom_id": custom_id, "value": value}]}),
        );
    }
    Ok(
        json!({"custom_id": modal.get("custom_id").cloned().unwrap_or_default(), "components": rows}),
    )
}

fn collect_text_inputs<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    match value {
        Value::Array(items) => items.iter().for_each(|i| collect_text_inputs(i, found)),
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_u64) == Some(4) {
                found.push(value);
            }
            for key in ["components", "component"] {
                if let Some(inner) = map.get(key) {
                    collect_text_inputs(inner, found);
                }
            }
        }
        _ => {}
    }
}
