//! Building APPLICATION_COMMAND (and autocomplete) data from a line as a user types it, typed
//! by the definition the bot registered: `/ressource chercher q:"harcèlement scolaire"`.
//! Unknown commands, options or choices are errors, so a typo in a test fails loudly.

use serde_json::{json, Map, Value};

use super::SimError;
use crate::render;
use crate::state::State;

const SUB_COMMAND: u64 = 1;
const SUB_COMMAND_GROUP: u64 = 2;

/// Splits on spaces, keeping `"quoted text"` (with `\"` escapes) as one piece.
fn tokenize(line: &str) -> Result<Vec<String>, SimError> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = line.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err(SimError::InvalidCommand(format!(
            "unclosed quote in {line:?}"
        )));
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    Ok(tokens)
}

/// The command name and the interaction `data` for a typed line.
pub(crate) fn build(
    state: &State,
    guild_id: Option<u64>,
    line: &str,
    autocomplete: bool,
) -> Result<(String, Value), SimError> {
    let tokens = tokenize(line)?;
    let Some((first, rest)) = tokens.split_first() else {
        return Err(SimError::InvalidCommand("empty command line".into()));
    };
    let name = first.trim_start_matches('/');
    let command = state
        .commands
        .values()
        .filter(|c| c.name == name && c.body["type"] == 1)
        .find(|c| c.guild_id.is_some() && c.guild_id == guild_id)
        .or_else(|| {
            state
                .commands
                .values()
                .find(|c| c.name == name && c.body["type"] == 1 && c.guild_id.is_none())
        })
        .ok_or_else(|| SimError::UnknownCommand(name.to_string()))?;
    let mut definitions = options_of(&command.body);
    let mut path: Vec<(String, u64)> = Vec::new();
    let mut remaining = rest;
    while let Some((token, after)) = remaining.split_first() {
        let nested = definitions.iter().find(|d| {
            d["name"] == token.as_str()
                && matches!(d["type"].as_u64(), Some(SUB_COMMAND | SUB_COMMAND_GROUP))
        });
        let Some(nested) = nested.cloned() else { break };
        path.push((
            token.clone(),
            nested["type"].as_u64().unwrap_or(SUB_COMMAND),
        ));
        definitions = options_of(&nested);
        remaining = after;
    }
    if definitions
        .iter()
        .any(|d| matches!(d["type"].as_u64(), Some(SUB_COMMAND | SUB_COMMAND_GROUP)))
    {
        let names: Vec<&str> = definitions
            .iter()
            .filter_map(|d| d["name"].as_str())
            .collect();
        return Err(SimError::InvalidCommand(format!(
            "/{name} needs a subcommand: {names:?}"
        )));
    }
    let mut resolved = Map::new();
    let mut values = Vec::new();
    for (index, token) in remaining.iter().enumerate() {
        let Some((option, raw)) = token.split_once(':') else {
            return Err(SimError::InvalidCommand(format!(
                "expected name:value, got {token:?}"
            )));
        };
        let definition = definitions
            .iter()
            .find(|d| d["name"] == option)
            .ok_or_else(|| SimError::InvalidCommand(format!("/{name} has no option {option:?}")))?;
        let kind = definition["type"].as_u64().unwrap_or(3);
        let focused = autocomplete && index + 1 == remaining.len();
        let value = if focused {
            json!(raw)
        } else {
            typed_value(state, guild_id, definition, raw, &mut resolved)?
        };
        let mut entry = json!({"name": option, "type": kind, "value": value});
        if focused {
            entry["focused"] = json!(true);
        }
        values.push(entry);
    }
    if !autocomplete {
        for required in definitions.iter().filter(|d| d["required"] == true) {
            if !values.iter().any(|v| v["name"] == required["name"]) {
                return Err(SimError::InvalidCommand(format!(
                    "/{name}: missing required option {}",
                    required["name"]
                )));
            }
        }
    }
    let mut options = values;
    for (segment, kind) in path.iter().rev() {
        options = vec![json!({"name": segment, "type": kind, "options": options})];
    }
    let mut data = json!({
        "id": render::id(command.id),
        "name": name,
        "type": 1,
        "options": options,
    });
    if let Some(guild) = command.guild_id {
        data["guild_id"] = render::id(guild);
    }
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    Ok((name.to_string(), data))
}

fn options_of(definition: &Value) -> Vec<Value> {
    definition["options"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn invalid(option: &Value, raw: &str, what: &str) -> SimError {
    SimError::InvalidCommand(format!("option {} = {raw:?}: {what}", option["name"]))
}

fn typed_value(
    state: &State,
    guild_id: Option<u64>,
    definition: &Value,
    raw: &str,
    resolved: &mut Map<String, Value>,
) -> Result<Value, SimError> {
    // A user picks a choice by its displayed name, whatever the option's type.
    if let Some(choice) = definition["choices"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == raw))
    {
        return Ok(choice["value"].clone());
    }
    let value = match definition["type"].as_u64().unwrap_or(3) {
        3 => json!(raw),
        4 => json!(raw
            .parse::<i64>()
            .map_err(|_| invalid(definition, raw, "not an integer"))?),
        10 => json!(raw
            .parse::<f64>()
            .map_err(|_| invalid(definition, raw, "not a number"))?),
        5 => json!(raw
            .parse::<bool>()
            .map_err(|_| invalid(definition, raw, "not true/false"))?),
        6 => resolve_user(state, guild_id, raw, resolved)
            .ok_or_else(|| invalid(definition, raw, "no such user"))?,
        7 => resolve_channel(state, raw, resolved)
            .ok_or_else(|| invalid(definition, raw, "no such channel"))?,
        8 => resolve_role(state, guild_id, raw, resolved)
            .ok_or_else(|| invalid(definition, raw, "no such role"))?,
        9 => resolve_user(state, guild_id, raw, resolved)
            .or_else(|| resolve_role(state, guild_id, raw, resolved))
            .ok_or_else(|| invalid(definition, raw, "no such user or role"))?,
        _ => {
            return Err(invalid(
                definition,
                raw,
                "option type not supported by the sim",
            ))
        }
    };
    match definition["choices"].as_array() {
        Some(choices) if !choices.is_empty() => choices
            .iter()
            .find(|c| c["value"] == value || c["name"] == raw)
            .map(|c| c["value"].clone())
            .ok_or_else(|| invalid(definition, raw, "not one of the choices")),
        _ => Ok(value),
    }
}

fn resolve_user(
    state: &State,
    guild_id: Option<u64>,
    raw: &str,
    resolved: &mut Map<String, Value>,
) -> Option<Value> {
    let user = state
        .user_by_name(raw)
        .or_else(|| raw.parse().ok().and_then(|id: u64| state.users.get(&id)))?;
    let key = user.id.to_string();
    entry(resolved, "users").insert(key.clone(), render::user(user));
    if let Some(guild_id) = guild_id.filter(|g| state.member(*g, user.id).is_some()) {
        let member = render::member(state, guild_id, user.id, false);
        entry(resolved, "members").insert(key.clone(), member);
    }
    Some(json!(key))
}

fn resolve_channel(state: &State, raw: &str, resolved: &mut Map<String, Value>) -> Option<Value> {
    let channel = state.channel_by_name(raw)?;
    let key = channel.id.to_string();
    let value = json!({
        "id": key,
        "name": channel.name,
        "type": channel.kind,
        "permissions": crate::perms::MEMBER_DEFAULT.to_string(),
        "parent_id": channel.parent_id.map(render::id),
    });
    entry(resolved, "channels").insert(key.clone(), value);
    Some(json!(key))
}

fn resolve_role(
    state: &State,
    guild_id: Option<u64>,
    raw: &str,
    resolved: &mut Map<String, Value>,
) -> Option<Value> {
    let guild = state.guilds.get(&guild_id?)?;
    let role = guild
        .roles
        .iter()
        .find(|r| r.name == raw.trim_start_matches('@'))?;
    let key = role.id.to_string();
    entry(resolved, "roles").insert(key.clone(), render::role(role));
    Some(json!(key))
}

fn entry<'a>(resolved: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let slot = resolved.entry(key.to_string()).or_insert_with(|| json!({}));
    if !slot.is_object() {
        *slot = json!({});
    }
    slot.as_object_mut()
        .expect("the slot was just made an object")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_stay_whole() {
        let tokens = tokenize(r#"/ressource chercher q:"harcèlement scolaire" n:3"#).unwrap();
        assert_eq!(
            tokens,
            ["/ressource", "chercher", "q:harcèlement scolaire", "n:3"]
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error() {
        assert!(tokenize(r#"/x q:"oops"#).is_err());
    }
}
