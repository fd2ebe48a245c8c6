//! Running the real bot against discord-sim: the demo guild's configuration and an in-process
//! bot handle. The sandbox command and the end-to-end tests both start the bot this way, through
//! the same `App::run` that `promeneur run` uses. `repl` and `script` are `promeneur sandbox`;
//! the helpers at the end of this file show what the bot posts as terminal text.

pub mod repl;
pub mod script;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use anyhow::Context as _;
use discord_sim::{BotPost, PostKind, SimHandle};
use regex::{Captures, Regex};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::config::{Config, Env};

/// Name of the guild `discord_sim::demo::demo_guild()` builds.
pub const DEMO_GUILD: &str = "Promeneurs du Net (démo)";
/// A fixed pseudonym key: sandbox and test data are throwaway.
pub const DEMO_PSEUDONYM_KEY: &str = "sandbox-pseudonym-key-not-for-production-use";

/// The configuration of the demo guild on `sim`, on `database_url`, with `extra` TOML (for
/// example `[alerts.escalation]` delays in seconds) placed before the guild table.
pub fn demo_config(sim: &SimHandle, database_url: &str, extra: &str) -> anyhow::Result<Config> {
    let text = demo_config_toml(sim, database_url, extra)?;
    Ok(Config::from_toml_str(&text, "sandbox", &Env::default())?)
}

/// [`demo_config`] as the text of a configuration file, for running the `promeneur` binary.
pub fn demo_config_toml(
    sim: &SimHandle,
    database_url: &str,
    extra: &str,
) -> anyhow::Result<String> {
    let guild = sim
        .guild_id(DEMO_GUILD)
        .context("the sim has no demo guild")?;
    let ch = |n: &str| sim.channel_id(n);
    let text = format!(
        r#"
[discord]
token = "{token}"
api_base = "{api}"
[database]
url = "{database_url}"
[privacy]
pseudonym_key = "{DEMO_PSEUDONYM_KEY}"
{extra}
[[guilds]]
id = {guild}
timezone = "Europe/Paris"
language = "fr"
question_channels = [{questions}]
watched_channels = "all"
alert_channel = {alerts}
coordination_channel = {coordination}
resources_channel = {resources}
private_questions_channel = {private_questions}
promeneur_role = {promeneur}
coordinator_role = {coordinator}
"#,
        token = sim.token(),
        api = sim.api_base(),
        questions = ch("#questions")?,
        alerts = ch("#alertes-promeneurs")?,
        coordination = ch("#coordination")?,
        resources = ch("#ressources")?,
        private_questions = ch("#questions-privees")?,
        promeneur = sim.role_id("Promeneur")?,
        coordinator = sim.role_id("Coordinateur")?,
    );
    Ok(text)
}

/// A bot running in this process until `stop`.
pub struct RunningBot {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningBot {
    /// Builds the app (database, migrations, rules) and runs it in a task.
    pub async fn start(config: Config) -> anyhow::Result<RunningBot> {
        let app = App::build(config).await?;
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(app.run(async move {
            let _ = rx.await;
        }));
        Ok(RunningBot {
            stop: Some(tx),
            task,
        })
    }

    /// Stops cleanly (as on SIGTERM) and waits for the end.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await.context("the bot task panicked")?
    }
}

/// How bot posts are shown: names for ids, and (unless `stable`) message ids and clock times.
#[derive(Clone)]
pub(crate) struct Rendering {
    pub(crate) sim: SimHandle,
    /// Who started each interaction, to name who sees an ephemeral reply.
    pub(crate) starters: Arc<Mutex<HashMap<u64, String>>>,
    /// Leave out everything that changes from run to run (ids, times), for transcripts.
    pub(crate) stable: bool,
}

/// Mentions, timestamps and message links, which Discord shows as names and dates.
static MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"<(@!?|@&|#)(\d+)>|<t:(-?\d+)(?::[tTdDfFR])?>|https://discord\.com/channels/(?:\d+|@me)/(\d+)(?:/(\d+))?",
    )
    .expect("the markup pattern is a valid regex")
});

/// A bot post as terminal text: where, what kind, content, embeds, buttons and pings.
pub(crate) fn render_post(r: &Rendering, post: &BotPost) -> String {
    let kind = match post.kind {
        PostKind::Created => "",
        PostKind::Edited => " (edited)",
        PostKind::Deleted => " (deleted)",
        PostKind::Deferred => " (thinking...)",
        PostKind::DeferredUpdate => " (acknowledged)",
        PostKind::Modal => " (opens a form)",
        PostKind::Autocomplete => " (suggestions)",
    };
    let mut head = format!("[{}] {}{kind}", post.channel, post.author);
    if post.ephemeral {
        let starter = post
            .interaction_id
            .and_then(|id| r.starters.lock().ok()?.get(&id).cloned());
        head.push_str(&match starter {
            Some(user) => format!(" [only {user} sees this]"),
            None => " [only its user sees this]".into(),
        });
    }
    if let (false, Some(id), PostKind::Created | PostKind::Edited) =
        (r.stable, post.message_id, post.kind)
    {
        head.push_str(&format!(" (message {id})"));
    }
    let mut lines = vec![head + ":"];
    let content = resolve(r, &post.content);
    let mut content_lines = content.lines();
    if let Some(first) = content_lines.next() {
        lines[0].push(' ');
        lines[0].push_str(first);
    }
    lines.extend(content_lines.map(|l| format!("  {l}")));
    for embed in &post.embeds {
        lines.extend(embed_lines(embed).iter().map(|l| resolve(r, l)));
    }
    lines.extend(component_lines(post));
    if post.kind == PostKind::Created {
        let mut pinged: Vec<String> = post.pinged_roles.iter().map(|n| format!("@{n}")).collect();
        pinged.extend(post.pinged_users.iter().map(|n| format!("@{n}")));
        if post.pinged_everyone {
            pinged.push("@everyone".into());
        }
        if !pinged.is_empty() {
            lines.push(format!("  notifies: {}", pinged.join(", ")));
        }
    }
    neutralise(&lines.join("\n"))
}

fn str_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// An embed as `  | ` lines: title, description, fields (`name: value`), footer.
fn embed_lines(embed: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    let mut push = |prefix: &str, text: &str| {
        for (i, line) in text.lines().enumerate() {
            let lead = if i == 0 { prefix } else { "  " };
            lines.push(format!("  | {lead}{line}"));
        }
    };
    if let Some(title) = str_of(embed, "title") {
        push("", title);
    }
    if let Some(description) = str_of(embed, "description") {
        push("", description);
    }
    for field in embed
        .get("fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = str_of(field, "name").unwrap_or("");
        push(&format!("{name}: "), str_of(field, "value").unwrap_or(""));
    }
    if let Some(footer) = embed.get("footer").and_then(|f| str_of(f, "text")) {
        push("-- ", footer);
    }
    lines
}

/// Buttons (disabled ones marked), a form's fields, autocomplete suggestions.
fn component_lines(post: &BotPost) -> Vec<String> {
    let mut lines = Vec::new();
    let buttons: Vec<String> = discord_components(&post.components)
        .into_iter()
        .filter(|c| c.get("type").and_then(Value::as_u64) == Some(2))
        .map(|b| {
            let label = str_of(b, "label").unwrap_or("?");
            match b.get("disabled").and_then(Value::as_bool) {
                Some(true) => format!("[{label} (disabled)]"),
                _ => format!("[{label}]"),
            }
        })
        .collect();
    if !buttons.is_empty() {
        lines.push(format!("  buttons: {}", buttons.join(" ")));
    }
    for menu in discord_components(&post.components)
        .into_iter()
        .filter(|c| c.get("type").and_then(Value::as_u64) == Some(3))
    {
        let options: Vec<String> = menu
            .get("options")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|o| Some(format!("{} ({})", str_of(o, "label")?, str_of(o, "value")?)))
            .collect();
        lines.push(format!("  menu: {}", options.join(" | ")));
    }
    if post.kind == PostKind::Modal {
        let fields: Vec<&str> = discord_components(&post.components)
            .into_iter()
            .filter(|c| c.get("type").and_then(Value::as_u64) == Some(4))
            .filter_map(|c| str_of(c, "label"))
            .collect();
        let title = str_of(&post.data, "title").unwrap_or("");
        lines.push(format!("  form {title:?}: {}", fields.join(" | ")));
    }
    if post.kind == PostKind::Autocomplete {
        let choices: Vec<&str> = post
            .data
            .get("choices")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| str_of(c, "name"))
            .collect();
        lines.push(format!("  suggestions: {}", choices.join(" | ")));
    }
    lines
}

/// Every component of action rows, flattened.
fn discord_components(rows: &[Value]) -> Vec<&Value> {
    let mut found = Vec::new();
    for row in rows {
        match row.get("components").and_then(Value::as_array) {
            Some(inner) => found.extend(inner.iter()),
            None => found.push(row),
        }
    }
    found
}

/// Calendar dates and ISO weeks written out in a text (a digest's "2026-W47", "2026-11-16").
static CALENDAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{4}-(?:W\d{2}|\d{2}-\d{2})\b").expect("the calendar pattern is a valid regex")
});

/// Mentions as `@name`, `@Role`, `#channel`; times and message links as readable text. A
/// stable transcript also shows written dates and weeks as `<date>` and `<week>`: they follow
/// the day the script runs.
fn resolve(r: &Rendering, text: &str) -> String {
    let text = resolve_markup(r, text);
    if !r.stable {
        return text;
    }
    CALENDAR
        .replace_all(&text, |c: &Captures| {
            if c[0].contains('W') {
                "<week>"
            } else {
                "<date>"
            }
        })
        .into_owned()
}

fn resolve_markup(r: &Rendering, text: &str) -> String {
    MARKUP
        .replace_all(text, |c: &Captures| {
            let number = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u64>().ok());
            if let (Some(sigil), Some(id)) = (c.get(1), number(2)) {
                let name = match sigil.as_str() {
                    "@&" => r.sim.role_name(id).map(|n| format!("@{n}")),
                    "#" => Some(r.sim.channel_label(id)),
                    _ => r.sim.user_name(id).map(|n| format!("@{n}")),
                };
                return name.unwrap_or_else(|| c[0].to_string());
            }
            if let Some(secs) = c.get(3).and_then(|m| m.as_str().parse::<i64>().ok()) {
                return match chrono::DateTime::from_timestamp(secs, 0) {
                    Some(at) if !r.stable => at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    _ => "<time>".into(),
                };
            }
            let channel = number(4).map(|id| r.sim.channel_label(id));
            match (channel, number(5)) {
                (Some(channel), Some(id)) if !r.stable => format!("<link: {channel} message {id}>"),
                (Some(channel), _) => format!("<link: {channel}>"),
                _ => c[0].to_string(),
            }
        })
        .into_owned()
}

/// Text safe to print on a terminal: control and invisible formatting characters (escape
/// sequences, bidirectional overrides, zero-width characters) are shown as `\u{...}` instead
/// of acting. Only line breaks are kept.
pub(crate) fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && is_unsafe_on_a_terminal(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_unsafe_on_a_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_invisible_characters_are_shown_not_obeyed() {
        let hostile = "salut\u{1b}[2J\u{202e}olleh @\u{200d}everyone\r\nligne 2\u{7}";
        assert_eq!(
            neutralise(hostile),
            "salut\\u{1b}[2J\\u{202e}olleh @\\u{200d}everyone\\u{d}\nligne 2\\u{7}"
        );
    }

    #[test]
    fn plain_french_text_and_emoji_pass_unchanged() {
        let text = "Ça va ? Élodie a dit « d'accord » 🌿\nà demain";
        assert_eq!(neutralise(text), text);
    }
}
