//! The one place that reads configuration: the TOML file and the environment.
//!
//! `Config::load` reads the file named by `--config` / `PROMENEUR_CONFIG` (default
//! `promeneur.toml`), applies the environment overrides, and validates everything before the bot
//! touches the network. Every error names the file, the key and the reason on one line, so an
//! operator can fix it without reading code. Nothing else in the crate reads `std::env`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::domain::alerts::{parse_delay, parse_duration, EscalationPolicy};
use crate::domain::helpline::HelplinePolicy;
use crate::domain::questions::WaitPolicy;

mod raw;
mod service;
mod types;

pub use service::{MetricsConfig, Shards, DEFAULT_OUTBOX_STUCK_AFTER};
pub use types::{GuildConfig, Secret, Snowflake, Watched};

use raw::*;

/// Default database: an SQLite file next to the process, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://promeneur.db";
/// Default Discord API base; operators of a shared rate-limit proxy change it.
pub const DEFAULT_API_BASE: &str = "https://discord.com";
/// Discord's global limit for a bot: 50 requests a second.
pub const DEFAULT_GLOBAL_RATE_LIMIT: u16 = 50;
/// Default configuration file.
pub const DEFAULT_CONFIG_PATH: &str = "promeneur.toml";
/// Shortest pseudonym key accepted: the domain's own minimum.
/// The longest the journal may be kept (ten years): a typo like 10950 is caught.
pub const MAX_JOURNAL_RETENTION_DAYS: u32 = 3650;
const MIN_PSEUDONYM_KEY_LEN: usize = crate::domain::pseudonym::MIN_KEY_LEN;

/// Alert behaviour shared by every guild.
#[derive(Debug, Clone)]
pub struct AlertsConfig {
    pub escalation: EscalationPolicy,
    /// Messages from the same young person within this window join one alert.
    pub burst_window: Duration,
    /// Which categories send the young person a helpline card by DM
    /// (`alerts.helpline_categories`; by default those the category registry marks).
    pub helpline: HelplinePolicy,
    /// The network's own helplines file (services and opening hours), read at start-up;
    /// `None`: the `data/helplines.toml` built into the binary.
    pub helplines_file: Option<PathBuf>,
}

/// The whole validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from (absent when the file does not exist and defaults apply).
    pub source: Option<PathBuf>,
    pub token: Option<Secret>,
    pub api_base: String,
    /// Requests a second the bot allows itself across all routes (Discord's global limit: 50,
    /// more for large bots that asked Discord for it).
    pub global_rate_limit: u16,
    pub database_url: String,
    pub pseudonym_key: Option<Secret>,
    pub retention_days: u32,
    /// How long the journal's entries (no content) are kept, in days.
    pub journal_retention_days: u32,
    pub rules_dir: Option<PathBuf>,
    /// Attach the detection's second look (a learned model over the rules' answer; off by
    /// default, see the README's quality table).
    pub second_look: bool,
    /// Run the conversation stage: flag a pile-on (several people aiming at one young person
    /// within minutes) that no single message flags (`[rules] conversation`, on by default).
    pub conversation: bool,
    pub alerts: AlertsConfig,
    /// When a question nobody answered is reminded, then escalated.
    pub questions: WaitPolicy,
    pub guilds: Vec<GuildConfig>,
    /// When the weekly digest is posted, in each guild's time zone (`[digest] schedule`,
    /// "lundi 09:00" by default); checked at load.
    pub digest_schedule: String,
    /// `/metrics` and `/healthz` (`[metrics]`).
    pub metrics: MetricsConfig,
    /// The gateway shards this process runs (`[discord] shards`, `shard_count`, or
    /// `run --shards --shard-count`); `None`: all of Discord's recommended count.
    pub shards: Option<Shards>,
}

/// The weekly digest's default schedule: Monday 09:00 in the guild's time zone.
pub const DEFAULT_DIGEST_SCHEDULE: &str = "lundi 09:00";

/// A configuration problem: where, which key, and why. Displayed on one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {key}: {reason}")]
pub struct ConfigError {
    /// The file (with its line when known) or the environment variable at fault.
    pub origin: String,
    pub key: String,
    pub reason: String,
}

/// The environment variables the bot reads, captured once so that tests pass their own.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub discord_token: Option<String>,
    pub database_url: Option<String>,
    pub discord_api_base: Option<String>,
    pub pseudonym_key: Option<String>,
}

impl Env {
    /// Reads the process environment. Empty values count as unset.
    pub fn from_process() -> Self {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Env {
            discord_token: get("DISCORD_TOKEN"),
            database_url: get("DATABASE_URL"),
            discord_api_base: get("DISCORD_API_BASE"),
            pseudonym_key: get("PROMENEUR_PSEUDONYM_KEY"),
        }
    }
}

impl Config {
    /// Reads and validates `path`. A missing file is an error only when `required` (the operator
    /// named it explicitly); otherwise defaults apply and the bot serves no guild yet.
    pub fn load(path: &Path, required: bool, env: &Env) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => None,
            Err(e) => {
                return Err(ConfigError {
                    origin: path.display().to_string(),
                    key: "(file)".into(),
                    reason: format!("cannot read the configuration file: {e}"),
                })
            }
        };
        let (raw, source) = match text {
            Some(t) => (parse_toml(&t, path)?, Some(path.to_path_buf())),
            None => (RawConfig::default(), None),
        };
        let origin = path.display().to_string();
        Self::from_raw(raw, source, &origin, env)
    }

    /// Parses configuration text; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: &str, env: &Env) -> Result<Config, ConfigError> {
        let raw = parse_toml(text, Path::new(origin))?;
        Self::from_raw(raw, Some(PathBuf::from(origin)), origin, env)
    }

    fn from_raw(
        raw: RawConfig,
        source: Option<PathBuf>,
        origin: &str,
        env: &Env,
    ) -> Result<Config, ConfigError> {
        let err = |key: &str, reason: String| ConfigError {
            origin: origin.to_string(),
            key: key.to_string(),
            reason,
        };
        let env_err = |var: &str, reason: String| ConfigError {
            origin: "environment".into(),
            key: var.to_string(),
            reason,
        };

        let token = match &env.discord_token {
            Some(t) => Some(Secret::new(t.trim())),
            None => raw.discord.token.filter(|t| !t.expose().trim().is_empty()),
        };
        if let Some(t) = &token {
            if t.expose().chars().any(char::is_whitespace) {
                let reason = "the token contains whitespace".to_string();
                return Err(match env.discord_token {
                    Some(_) => env_err("DISCORD_TOKEN", reason),
                    None => err("discord.token", reason),
                });
            }
        }

        let (api_base, api_key) = match &env.discord_api_base {
            Some(b) => (b.clone(), "DISCORD_API_BASE"),
            None => (
                raw.discord
                    .api_base
                    .unwrap_or_else(|| DEFAULT_API_BASE.into()),
                "discord.api_base",
            ),
        };
        let api_base = api_base.trim_end_matches('/').to_string();
        if !(api_base.starts_with("http://") || api_base.starts_with("https://")) {
            let reason = format!("`{api_base}` is not an http(s) URL");
            return Err(if env.discord_api_base.is_some() {
                env_err(api_key, reason)
            } else {
                err(api_key, reason)
            });
        }

        let global_rate_limit = raw
            .discord
            .global_rate_limit
            .unwrap_or(DEFAULT_GLOBAL_RATE_LIMIT);
        if global_rate_limit == 0 {
            return Err(err(
                "discord.global_rate_limit",
                "must be at least 1 request a second".into(),
            ));
        }

        let (database_url, db_key) = match &env.database_url {
            Some(u) => (u.clone(), "DATABASE_URL"),
            None => (
                raw.database
                    .url
                    .unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
                "database.url",
            ),
        };
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            let reason = "expected a sqlite:// or postgres:// URL".to_string();
            return Err(if env.database_url.is_some() {
                env_err(db_key, reason)
            } else {
                err(db_key, reason)
            });
        }

        let pseudonym_key = match &env.pseudonym_key {
            Some(k) => Some((Secret::new(k.clone()), true)),
            None => raw.privacy.pseudonym_key.map(|k| (k, false)),
        };
        if let Some((k, from_env)) = &pseudonym_key {
            if k.expose().len() < MIN_PSEUDONYM_KEY_LEN {
                let reason = format!(
                    "the pseudonym key must be at least {MIN_PSEUDONYM_KEY_LEN} characters long"
                );
                return Err(if *from_env {
                    env_err("PROMENEUR_PSEUDONYM_KEY", reason)
                } else {
                    err("privacy.pseudonym_key", reason)
                });
            }
        }
        let retention_days = raw.privacy.retention_days.unwrap_or(365);
        if retention_days == 0 {
            return Err(err(
                "privacy.retention_days",
                "must be at least 1 day".into(),
            ));
        }
        let journal_retention_days = raw.privacy.journal_retention_days.unwrap_or(1095);
        if !(1..=MAX_JOURNAL_RETENTION_DAYS).contains(&journal_retention_days) {
            return Err(err(
                "privacy.journal_retention_days",
                format!("must be between 1 and {MAX_JOURNAL_RETENTION_DAYS} days"),
            ));
        }

        let esc = &raw.alerts.escalation;
        let defaults = EscalationPolicy::default();
        let delay = |key: &str, v: &Option<String>, default: Option<Duration>| match v {
            None => Ok(default),
            Some(text) => parse_delay(text)
                .map_err(|e| err(&format!("alerts.escalation.{key}"), e.to_string())),
        };
        let escalation = EscalationPolicy {
            critical: delay("critical", &esc.critical, defaults.critical)?,
            high: delay("high", &esc.high, defaults.high)?,
            medium: delay("medium", &esc.medium, defaults.medium)?,
            low: delay("low", &esc.low, defaults.low)?,
        };
        let burst_window = match &raw.alerts.burst_window {
            None => Duration::from_secs(600),
            Some(t) => parse_duration(t).map_err(|e| err("alerts.burst_window", e.to_string()))?,
        };
        let helpline = match &raw.alerts.helpline_categories {
            None => HelplinePolicy::default(),
            Some(ids) => HelplinePolicy::from_ids(ids)
                .map_err(|e| err("alerts.helpline_categories", e.to_string()))?,
        };

        let wait_defaults = WaitPolicy::default();
        let wait = |key: &str, v: &Option<String>, default: Duration| match v {
            None => Ok(default),
            Some(t) => {
                parse_duration(t).map_err(|e| err(&format!("questions.{key}"), e.to_string()))
            }
        };
        let questions = WaitPolicy {
            remind_after: wait(
                "remind_after",
                &raw.questions.remind_after,
                wait_defaults.remind_after,
            )?,
            escalate_after: wait(
                "escalate_after",
                &raw.questions.escalate_after,
                wait_defaults.escalate_after,
            )?,
        };
        if questions.escalate_after < questions.remind_after {
            return Err(err(
                "questions.escalate_after",
                "must not be shorter than questions.remind_after".into(),
            ));
        }

        let digest_schedule = raw
            .digest
            .schedule
            .clone()
            .unwrap_or_else(|| DEFAULT_DIGEST_SCHEDULE.to_owned());
        crate::scheduler::parse_weekly(&digest_schedule, chrono_tz::UTC)
            .map_err(|e| err("digest.schedule", e.to_string()))?;

        let metrics = MetricsConfig::from_raw(&raw.metrics).map_err(|(k, r)| err(k, r))?;
        let shards = Shards::parse(raw.discord.shards.as_deref(), raw.discord.shard_count)
            .map_err(|(which, reason)| match which {
                service::Which::Range => err("discord.shards", reason),
                service::Which::Count => err("discord.shard_count", reason),
            })?;

        let mut guilds = raw.guilds;
        let mut seen = HashSet::new();
        for (i, g) in guilds.iter_mut().enumerate() {
            let key = |k: &str| format!("guilds[{i}].{k}");
            if !seen.insert(g.id) {
                return Err(err(
                    &key("id"),
                    format!("guild {} is configured twice", g.id.0),
                ));
            }
            g.tz = g.timezone.parse::<chrono_tz::Tz>().map_err(|_| {
                err(
                    &key("timezone"),
                    format!(
                        "unknown time zone `{}` (an IANA name such as Europe/Paris)",
                        g.timezone
                    ),
                )
            })?;
        }

        Ok(Config {
            source,
            token,
            api_base,
            global_rate_limit,
            database_url,
            pseudonym_key: pseudonym_key.map(|(k, _)| k),
            retention_days,
            journal_retention_days,
            rules_dir: raw.rules.extra_dir,
            second_look: raw.rules.second_look.unwrap_or(false),
            conversation: raw.rules.conversation.unwrap_or(true),
            alerts: AlertsConfig {
                escalation,
                burst_window,
                helpline,
                helplines_file: raw.alerts.helplines_file.clone(),
            },
            questions,
            guilds,
            digest_schedule,
            metrics,
            shards,
        })
    }

    /// Applies `promeneur run --shards RANGE --shard-count N`, which override the file.
    pub fn with_shards(
        mut self,
        range: Option<&str>,
        count: Option<u32>,
    ) -> Result<Config, ConfigError> {
        if range.is_none() && count.is_none() {
            return Ok(self);
        }
        self.shards = Shards::parse(range, count).map_err(|(which, reason)| ConfigError {
            origin: "command line".into(),
            key: match which {
                service::Which::Range => "--shards".into(),
                service::Which::Count => "--shard-count".into(),
            },
            reason,
        })?;
        Ok(self)
    }

    /// The guild's configuration, if the bot serves it.
    pub fn guild(&self, id: u64) -> Option<&GuildConfig> {
        self.guilds.iter().find(|g| g.id.0 == id)
    }

    /// What `run` needs beyond a valid file: the token and the pseudonym key.
    pub fn require_run_secrets(&self) -> Result<(&Secret, &Secret), ConfigError> {
        let token = self.token.as_ref().ok_or_else(|| ConfigError {
            origin: "environment".into(),
            key: "DISCORD_TOKEN".into(),
            reason: "no bot token: set DISCORD_TOKEN (or discord.token in the config file)".into(),
        })?;
        let key = self.pseudonym_key.as_ref().ok_or_else(|| ConfigError {
            origin: "environment".into(),
            key: "PROMENEUR_PSEUDONYM_KEY".into(),
            reason: format!(
                "no pseudonym key: set PROMENEUR_PSEUDONYM_KEY (or privacy.pseudonym_key) to a secret of at least {MIN_PSEUDONYM_KEY_LEN} characters, kept apart from the database"
            ),
        })?;
        Ok((token, key))
    }
}

fn parse_toml(text: &str, path: &Path) -> Result<RawConfig, ConfigError> {
    toml::from_str::<RawConfig>(text).map_err(|e| {
        let (line, key) = match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                let snippet = text.get(span).unwrap_or("").trim();
                (line, key_from_snippet(snippet, text, line))
            }
            None => (0, "(file)".into()),
        };
        let origin = if line > 0 {
            format!("{}:{line}", path.display())
        } else {
            path.display().to_string()
        };
        ConfigError {
            origin,
            key,
            reason: e.message().trim().to_string(),
        }
    })
}

/// Best effort at naming the key of a TOML error: the key written on the offending line.
fn key_from_snippet(snippet: &str, text: &str, line: usize) -> String {
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let from_line = line_text
        .split('=')
        .next()
        .map(str::trim)
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    match from_line {
        Some(k) => k.to_string(),
        None if !snippet.is_empty() && snippet.len() < 60 => snippet.to_string(),
        None => "(file)".into(),
    }
}

#[cfg(test)]
mod tests;
