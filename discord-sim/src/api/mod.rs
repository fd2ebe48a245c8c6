//! The Rust test API: start a sim, act as users, await what the bot did, read what it sent,
//! inject faults. Shaped after dpytest: describe a guild in a few lines, then
//! `sim.user("lea").post("#discussion", "salut")` and `sim.wait_message_in("#discussion", ...)`.

mod control;
mod names;
mod slash;
mod user;
mod wait;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::broadcast;

use crate::feed::BotPost;
use crate::openapi::OpenApi;
use crate::ratelimits::RateLimits;
use crate::record::{RecordedCall, Violation};
use crate::server::{self, Options, Shared};
use crate::setup;
use crate::spec::GuildSpec;
use crate::state::{State, FLAG_EPHEMERAL};

pub use user::{InteractionRef, SimUser};

#[cfg(test)]
pub(crate) use slash::build as slash_build_for_tests;

/// What a test API call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("no user named {0:?}")]
    UnknownUser(String),
    #[error("no channel or thread named {0:?}")]
    UnknownChannel(String),
    #[error("no role named {0:?}")]
    UnknownRole(String),
    #[error("no message {0}")]
    UnknownMessage(u64),
    #[error("{user} cannot see {channel}")]
    NoAccess { user: String, channel: String },
    #[error("no registered command /{0} (has the bot registered its commands yet?)")]
    UnknownCommand(String),
    #[error("invalid command invocation: {0}")]
    InvalidCommand(String),
    #[error("no button {label:?} on the message; buttons there: {available:?}")]
    NoSuchButton {
        label: String,
        available: Vec<String>,
    },
    #[error("no modal open for {0}")]
    NoModal(String),
    #[error(
        "timed out after {timeout:?} waiting for {what}; bot posts not yet awaited:\n{recent}"
    )]
    Timeout {
        what: String,
        timeout: Duration,
        recent: String,
    },
}

/// Options for starting a sim; [`Sim::start`] is the short form.
#[derive(Debug, Clone)]
pub struct Sim {
    guilds: Vec<GuildSpec>,
    bot_name: String,
    token: String,
    heartbeat: Duration,
    timeout: Duration,
    openapi: Option<std::path::PathBuf>,
    rate_limits: RateLimits,
}

impl Default for Sim {
    fn default() -> Self {
        Self {
            guilds: Vec::new(),
            bot_name: "promeneur".into(),
            token: "sim-token".into(),
            heartbeat: Duration::from_millis(41_250),
            timeout: Duration::from_secs(10),
            openapi: None,
            rate_limits: RateLimits::off(),
        }
    }
}

impl Sim {
    /// Starts a server with these guilds and default options (bot "promeneur", token
    /// "sim-token", OpenAPI spec from `DISCORD_OPENAPI_SPEC`).
    pub async fn start(guilds: impl IntoIterator<Item = GuildSpec>) -> anyhow::Result<SimHandle> {
        let mut sim = Sim::builder();
        sim.guilds.extend(guilds);
        sim.launch().await
    }

    pub fn builder() -> Self {
        Self::default()
    }

    pub fn guild(mut self, guild: GuildSpec) -> Self {
        self.guilds.push(guild);
        self
    }

    pub fn bot_name(mut self, name: &str) -> Self {
        self.bot_name = name.to_string();
        self
    }

    pub fn token(mut self, token: &str) -> Self {
        self.token = token.to_string();
        self
    }

    /// The heartbeat interval HELLO announces.
    pub fn heartbeat_interval(mut self, interval: Duration) -> Self {
        self.heartbeat = interval;
        self
    }

    /// How long `wait_*` calls wait by default (10 s).
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Validates against this spec file instead of `DISCORD_OPENAPI_SPEC`.
    pub fn openapi_spec(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.openapi = Some(path.into());
        self
    }

    /// Starts with these rate limits emulated (off by default); see
    /// [`SimHandle::emulate_rate_limits`].
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }

    /// Binds 127.0.0.1 on a free port and starts serving.
    pub async fn launch(self) -> anyhow::Result<SimHandle> {
        let openapi = match &self.openapi {
            Some(path) => Some(OpenApi::load(path)?),
            None => OpenApi::from_env()?,
        };
        let mut state = setup::build_state(&self.bot_name, &self.token, &self.guilds);
        state.rate_limits.configure(self.rate_limits);
        let options = Options {
            state,
            openapi,
            heartbeat_ms: u64::try_from(self.heartbeat.as_millis()).unwrap_or(u64::MAX),
            wait_timeout: self.timeout,
        };
        let (shared, task) = server::start(options).await?;
        Ok(SimHandle {
            timeout: shared.wait_timeout,
            shared,
            _server: Arc::new(ServerTask(task)),
        })
    }
}

/// Stops the server when the last handle goes.
struct ServerTask(tokio::task::JoinHandle<()>);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A running sim. Cheap to clone; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct SimHandle {
    shared: Arc<Shared>,
    timeout: Duration,
    _server: Arc<ServerTask>,
}

/// A message as stored by the sim.
#[derive(Debug, Clone)]
pub struct MessageView {
    pub id: u64,
    pub channel_id: u64,
    pub author: String,
    pub content: String,
    pub embeds: Vec<Value>,
    pub components: Vec<Value>,
    pub attachments: Vec<Value>,
    pub edited: bool,
    pub ephemeral: bool,
    /// The thread started from this message.
    pub thread_id: Option<u64>,
    /// Users (by name) the message pinged when it was created, given its content and
    /// `allowed_mentions` (see [`BotPost::pinged_users`]).
    pub pinged_users: Vec<String>,
    /// Roles (by name) it pinged.
    pub pinged_roles: Vec<String>,
    /// Whether it pinged @everyone or @here.
    pub pinged_everyone: bool,
}

impl SimHandle {
    /// What to give serenity's `HttpBuilder::proxy`: `http://127.0.0.1:PORT`.
    pub fn api_base(&self) -> String {
        self.shared.api_base()
    }

    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url()
    }

    pub fn token(&self) -> String {
        self.read(|s| s.bot.token.clone())
    }

    pub fn application_id(&self) -> u64 {
        self.read(|s| s.bot.application_id)
    }

    pub fn bot_user_id(&self) -> u64 {
        self.read(|s| s.bot.user_id)
    }

    /// A copy of this handle whose waits use another timeout.
    pub fn with_timeout(&self, timeout: Duration) -> SimHandle {
        SimHandle {
            timeout,
            ..self.clone()
        }
    }

    /// Acts as this user (created by the guild spec).
    pub fn user(&self, name: &str) -> SimUser {
        SimUser::new(self.clone(), name)
    }

    pub fn guild_id(&self, name: &str) -> Option<u64> {
        self.read(|s| s.guilds.values().find(|g| g.name == name).map(|g| g.id))
    }

    pub fn guild_ids(&self) -> Vec<u64> {
        self.read(|s| s.guilds.keys().copied().collect())
    }

    pub fn user_id(&self, name: &str) -> Result<u64, SimError> {
        self.read(|s| s.user_by_name(name).map(|u| u.id))
            .ok_or_else(|| SimError::UnknownUser(name.to_string()))
    }

    /// A role by name, in whichever guild has it.
    pub fn role_id(&self, name: &str) -> Result<u64, SimError> {
        self.read(|s| {
            s.guilds
                .values()
                .flat_map(|g| g.roles.iter())
                .find(|r| r.name == name)
                .map(|r| r.id)
        })
        .ok_or_else(|| SimError::UnknownRole(name.to_string()))
    }

    /// A channel or thread by name (`#discussion` or `discussion`).
    pub fn channel_id(&self, name: &str) -> Result<u64, SimError> {
        self.read(|s| s.channel_by_name(name).map(|c| c.id))
            .ok_or_else(|| SimError::UnknownChannel(name.to_string()))
    }

    /// `#channel`, `#parent > thread` or `dm:user` for a channel id.
    pub fn channel_label(&self, channel_id: u64) -> String {
        self.read(|s| s.channel_label(channel_id))
    }

    /// The threads opened under a channel, as (id, name), oldest first.
    pub fn threads_of(&self, channel: &str) -> Result<Vec<(u64, String)>, SimError> {
        let parent = self.channel_id(channel)?;
        Ok(self.read(|s| {
            s.channels
                .values()
                .filter(|c| c.is_thread() && c.parent_id == Some(parent))
                .map(|c| (c.id, c.name.clone()))
                .collect()
        }))
    }

    /// The newest thread of any channel, as (id, name).
    pub fn latest_thread(&self) -> Option<(u64, String)> {
        self.read(|s| {
            s.channels
                .values()
                .filter(|c| c.is_thread())
                .max_by_key(|c| c.id)
                .map(|c| (c.id, c.name.clone()))
        })
    }

    /// Members of a thread by name.
    pub fn thread_members(&self, thread_id: u64) -> Vec<String> {
        self.read(|s| {
            s.channels
                .get(&thread_id)
                .map(|c| {
                    c.thread_members
                        .iter()
                        .map(|(u, _)| s.user_name(*u))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// Adds a text channel to the first guild at run time (dispatches CHANNEL_CREATE).
    pub fn create_text_channel(&self, name: &str) -> Option<u64> {
        self.shared.mutate(|s| {
            let guild_id = *s.guilds.keys().next()?;
            s.create_text_channel(guild_id, name)
        })
    }

    /// Every message of a channel or thread (by name or `dm:user`), oldest first.
    pub fn messages(&self, channel: &str) -> Result<Vec<MessageView>, SimError> {
        let channel_id = self.resolve_channel(channel)?;
        Ok(self.read(|s| {
            s.channel_messages(channel_id)
                .map(|m| MessageView {
                    id: m.id,
                    channel_id: m.channel_id,
                    author: s.user_name(m.author_id),
                    content: m.content.clone(),
                    embeds: m.embeds.clone(),
                    components: m.components.clone(),
                    attachments: m.attachments.clone(),
                    edited: m.edited_timestamp.is_some(),
                    ephemeral: m.flags & FLAG_EPHEMERAL != 0,
                    thread_id: m.thread_id,
                    pinged_users: s.user_names(&m.pings.users),
                    pinged_roles: s.role_names(&m.pings.roles),
                    pinged_everyone: m.pings.everyone,
                })
                .collect()
        }))
    }

    /// The application commands the bot registered (global and guild), as stored.
    pub fn commands(&self) -> Vec<Value> {
        self.read(|s| s.commands.values().map(|c| c.body.clone()).collect())
    }

    /// Every post of the bot so far, awaited or not.
    pub fn posts(&self) -> Vec<BotPost> {
        self.read(|s| s.feed.all())
    }

    /// Everything the bot posts from now on, as it happens (for the sandbox).
    pub fn subscribe(&self) -> broadcast::Receiver<BotPost> {
        self.read(|s| s.feed.subscribe())
    }

    /// The guild scheduled events (the Events tab) of every guild, as the API shows them.
    pub fn scheduled_events(&self) -> Vec<Value> {
        self.read(|s| {
            s.scheduled_events
                .values()
                .map(|e| e.body.clone())
                .collect()
        })
    }

    /// Every REST call so far (status 0 = still being answered).
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.read(|s| s.record.calls.clone())
    }

    /// Every file the bot uploaded (message attachments), in order, with its bytes.
    pub fn uploads(&self) -> Vec<crate::state::Upload> {
        self.read(|s| s.uploads.clone())
    }

    /// Calls to routes the sim (and Discord) does not have.
    pub fn unexpected_calls(&self) -> Vec<RecordedCall> {
        self.read(|s| {
            s.record
                .calls
                .iter()
                .filter(|c| c.route.is_none())
                .cloned()
                .collect()
        })
    }

    /// Request bodies the OpenAPI spec rejected.
    pub fn violations(&self) -> Vec<Violation> {
        self.read(|s| s.record.violations.clone())
    }

    /// Panics listing every OpenAPI violation and every call to an unknown route.
    pub fn assert_no_violations(&self) {
        let violations = self.violations();
        let unexpected = self.unexpected_calls();
        if violations.is_empty() && unexpected.is_empty() {
            return;
        }
        let mut report = String::new();
        for violation in &violations {
            report.push_str(&format!("{violation}\n"));
        }
        for call in &unexpected {
            report.push_str(&format!(
                "unexpected route: {} {}\n",
                call.method, call.path
            ));
        }
        panic!("the bot sent requests Discord would not accept:\n{report}");
    }

    pub(crate) fn read<T>(&self, look: impl FnOnce(&State) -> T) -> T {
        look(&self.shared.state.lock())
    }

    /// A channel by name, thread name, or `dm:user`.
    pub(crate) fn resolve_channel(&self, channel: &str) -> Result<u64, SimError> {
        if let Some(user) = channel.strip_prefix("dm:") {
            let user_id = self.user_id(user)?;
            return self
                .read(|s| s.dm_channel_with(user_id).map(|c| c.id))
                .ok_or_else(|| SimError::UnknownChannel(channel.to_string()));
        }
        self.channel_id(channel)
    }
}
