//! The configuration's value types: secrets that never print, Discord ids, the watched
//! channels, and one guild's table, each with the deserialiser that checks it.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::domain::helpline::{DEFAULT_TIME_ZONE, DEFAULT_TIME_ZONE_NAME};
use crate::prompts::Lang;

/// A secret string (bot token, pseudonym key). It has no `Display`, and its `Debug` prints a
/// placeholder, so it cannot reach a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one call that needs it (the HTTP client, the HMAC key).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A Discord snowflake from the config file: an integer or a string of digits, never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Snowflake(pub u64);

impl FromStr for Snowflake {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().parse::<u64>() {
            Ok(0) => Err("a Discord id cannot be 0".into()),
            Ok(v) if v > i64::MAX as u64 => Err(format!("`{s}` is too large for a Discord id")),
            Ok(v) => Ok(Snowflake(v)),
            Err(_) => Err(format!("`{s}` is not a Discord id (digits expected)")),
        }
    }
}

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Str(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(i) if i > 0 => Ok(Snowflake(i as u64)),
            Raw::Int(i) => Err(de::Error::custom(format!(
                "{i} is not a Discord id (a positive integer expected)"
            ))),
            Raw::Str(s) => s.parse().map_err(de::Error::custom),
        }
    }
}

/// Which channels the bot scans: every channel of the guild, or a list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Watched {
    #[default]
    All,
    Channels(Vec<Snowflake>),
}

impl Watched {
    /// Whether a message in `channel` (or in a thread whose parent is `parent`) is scanned.
    pub fn covers(&self, channel: u64, parent: Option<u64>) -> bool {
        match self {
            Watched::All => true,
            Watched::Channels(list) => list.iter().any(|c| c.0 == channel || Some(c.0) == parent),
        }
    }
}

impl<'de> Deserialize<'de> for Watched {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            List(Vec<Snowflake>),
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "all" => Ok(Watched::All),
            Raw::Word(w) => Err(de::Error::custom(format!(
                "`{w}`: expected \"all\" or a list of channel ids"
            ))),
            Raw::List(l) => Ok(Watched::Channels(l)),
        }
    }
}

fn deserialize_lang<'de, D: Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
    let s = String::deserialize(d)?;
    s.parse::<Lang>().map_err(de::Error::custom)
}

/// One `[[guilds]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuildConfig {
    pub id: Snowflake,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default, deserialize_with = "deserialize_lang")]
    pub language: Lang,
    #[serde(default)]
    pub question_channels: Vec<Snowflake>,
    #[serde(default)]
    pub watched_channels: Watched,
    pub alert_channel: Snowflake,
    pub coordination_channel: Option<Snowflake>,
    pub resources_channel: Option<Snowflake>,
    /// A staff-only channel where private questions (DMs to the bot) get their threads.
    pub private_questions_channel: Option<Snowflake>,
    pub promeneur_role: Snowflake,
    pub coordinator_role: Option<Snowflake>,
    /// Further roles whose members are staff: never scanned, allowed to use staff commands.
    #[serde(default)]
    pub staff_roles: Vec<Snowflake>,
    /// Parsed from `timezone` during validation.
    #[serde(skip, default = "default_tz")]
    pub tz: chrono_tz::Tz,
}

fn default_timezone() -> String {
    DEFAULT_TIME_ZONE_NAME.into()
}

fn default_tz() -> chrono_tz::Tz {
    DEFAULT_TIME_ZONE
}

impl GuildConfig {
    /// Roles whose members are staff (promeneurs, coordinators and any extra staff role).
    pub fn staff_role_ids(&self) -> impl Iterator<Item = u64> + '_ {
        std::iter::once(self.promeneur_role.0)
            .chain(self.coordinator_role.map(|r| r.0))
            .chain(self.staff_roles.iter().map(|r| r.0))
    }
}
