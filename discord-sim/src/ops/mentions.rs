//! Who a new message actually pings, from its content and `allowed_mentions`, by Discord's rules:
//! without `allowed_mentions` every mention in the content pings (and a reply pings the author of
//! the message replied to); with it, a user, role or @everyone/@here mention pings only when its
//! type is in `parse` or its id is listed in `users` / `roles`, and a reply pings its author only
//! with `replied_user: true`. Embeds never ping. Edits never ping, so this is computed once, at
//! creation.
//!
//! Permissions are left out on purpose (MENTION_EVERYONE, non-mentionable roles): what is
//! recorded is what the bot *asked* Discord to ping, which is what a test must be able to bound.

use serde_json::Value;

use crate::ids::parse_id;
use crate::state::State;

/// What a message pings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pings {
    pub(crate) users: Vec<u64>,
    pub(crate) roles: Vec<u64>,
    pub(crate) everyone: bool,
}

/// What the content mentions, before `allowed_mentions` filters it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Mentioned {
    users: Vec<u64>,
    roles: Vec<u64>,
    everyone: bool,
}

/// `<@id>`, `<@!id>`, `<@&id>`, `@everyone` and `@here` in a content.
fn mentioned(content: &str) -> Mentioned {
    let mut found = Mentioned {
        everyone: content.contains("@everyone") || content.contains("@here"),
        ..Mentioned::default()
    };
    for part in content.split("<@").skip(1) {
        let (is_role, rest) = match part.strip_prefix('&') {
            Some(rest) => (true, rest),
            None => (false, part.trim_start_matches('!')),
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !rest[digits.len()..].starts_with('>') {
            continue;
        }
        let Ok(id) = digits.parse::<u64>() else {
            continue;
        };
        let list = if is_role {
            &mut found.roles
        } else {
            &mut found.users
        };
        if !list.contains(&id) {
            list.push(id);
        }
    }
    found
}

/// The ids listed under `key` of an `allowed_mentions` object.
fn listed(allowed: &Value, key: &str) -> Vec<u64> {
    allowed
        .get(key)
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(parse_id).collect())
        .unwrap_or_default()
}

fn parses(allowed: &Value, kind: &str) -> bool {
    allowed
        .get("parse")
        .and_then(Value::as_array)
        .is_some_and(|kinds| kinds.iter().any(|k| k.as_str() == Some(kind)))
}

/// Discord's 400 for an `allowed_mentions` it refuses, if this one is.
pub(crate) fn check(allowed: Option<&Value>) -> Result<(), String> {
    let Some(allowed) = allowed.filter(|a| !a.is_null()) else {
        return Ok(());
    };
    for kind in ["users", "roles"] {
        if parses(allowed, kind) && allowed.get(kind).is_some_and(|l| !l.is_null()) {
            return Err(format!(
                "allowed_mentions: parse:[\"{kind}\"] and {kind}: [ids] are mutually exclusive"
            ));
        }
        if listed(allowed, kind).len() > 100 {
            return Err(format!("allowed_mentions.{kind}: at most 100 ids"));
        }
    }
    Ok(())
}

impl State {
    /// Who a new message with this content pings; `reply_to` is the message it replies to.
    pub(crate) fn pings(
        &self,
        content: &str,
        allowed: Option<&Value>,
        reply_to: Option<u64>,
    ) -> Pings {
        let found = mentioned(content);
        let allowed = allowed.filter(|a| !a.is_null());
        let replied_author = reply_to
            .and_then(|id| self.messages.get(&id))
            .map(|m| m.author_id);
        let user_exists = |id: &u64| self.users.contains_key(id);
        let role_exists = |id: &u64| {
            self.guilds
                .values()
                .any(|g| g.roles.iter().any(|r| r.id == *id))
        };
        let (mut users, roles, everyone, replied) = match allowed {
            None => (found.users, found.roles, found.everyone, true),
            Some(allowed) => {
                let pick = |ids: Vec<u64>, kind: &str| -> Vec<u64> {
                    if parses(allowed, kind) {
                        return ids;
                    }
                    let permitted = listed(allowed, kind);
                    ids.into_iter()
                        .filter(|id| permitted.contains(id))
                        .collect()
                };
                let replied = allowed
                    .get("replied_user")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                (
                    pick(found.users, "users"),
                    pick(found.roles, "roles"),
                    found.everyone && parses(allowed, "everyone"),
                    replied,
                )
            }
        };
        users.retain(user_exists);
        if let Some(author) = replied_author.filter(|_| replied) {
            if author != self.bot.user_id && !users.contains(&author) {
                users.push(author);
            }
        }
        Pings {
            users,
            roles: roles.into_iter().filter(role_exists).collect(),
            everyone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn content_mentions_are_found_in_every_form() {
        let found = mentioned("hi <@1> <@!2> <@&3> <@4 not closed @here <@1>");
        assert_eq!(
            found,
            Mentioned {
                users: vec![1, 2],
                roles: vec![3],
                everyone: true,
            }
        );
    }

    #[test]
    fn a_defused_everyone_is_not_a_mention() {
        assert!(!mentioned("@\u{200b}everyone").everyone);
    }

    #[test]
    fn parse_and_an_id_list_of_the_same_kind_are_refused() {
        assert!(check(Some(&json!({"parse": ["users"], "users": ["1"]}))).is_err());
        assert!(check(Some(&json!({"parse": ["users"], "roles": ["1"]}))).is_ok());
        assert!(check(Some(&json!({"parse": []}))).is_ok());
        assert!(check(None).is_ok());
    }
}
