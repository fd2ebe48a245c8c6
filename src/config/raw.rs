//! The configuration file as written: every table and key, unknown keys refused. `Config::load`
//! validates these into the typed [`super::Config`].

use std::path::PathBuf;

use serde::Deserialize;

use super::types::{GuildConfig, Secret};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDiscord {
    pub(super) token: Option<Secret>,
    pub(super) api_base: Option<String>,
    pub(super) global_rate_limit: Option<u16>,
    /// This process's shard range, `"0-1"` (see `service::Shards`).
    pub(super) shards: Option<String>,
    pub(super) shard_count: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDatabase {
    pub(super) url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrivacy {
    pub(super) pseudonym_key: Option<Secret>,
    pub(super) retention_days: Option<u32>,
    pub(super) journal_retention_days: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRules {
    pub(super) extra_dir: Option<PathBuf>,
    pub(super) second_look: Option<bool>,
    pub(super) conversation: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEscalation {
    pub(super) critical: Option<String>,
    pub(super) high: Option<String>,
    pub(super) medium: Option<String>,
    pub(super) low: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlerts {
    #[serde(default)]
    pub(super) escalation: RawEscalation,
    pub(super) burst_window: Option<String>,
    pub(super) helpline_categories: Option<Vec<String>>,
    pub(super) helplines_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestions {
    pub(super) remind_after: Option<String>,
    pub(super) escalate_after: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDigest {
    pub(super) schedule: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    #[serde(default)]
    pub(super) discord: RawDiscord,
    #[serde(default)]
    pub(super) database: RawDatabase,
    #[serde(default)]
    pub(super) privacy: RawPrivacy,
    #[serde(default)]
    pub(super) rules: RawRules,
    #[serde(default)]
    pub(super) alerts: RawAlerts,
    #[serde(default)]
    pub(super) questions: RawQuestions,
    #[serde(default)]
    pub(super) digest: RawDigest,
    #[serde(default)]
    pub(super) metrics: super::service::RawMetrics,
    #[serde(default)]
    pub(super) guilds: Vec<GuildConfig>,
}
