//! Awaiting what the bot did, with a timeout and no blind sleeps: every state change wakes the
//! waiters, which re-check their condition. Posts are taken in order: a post returned by one wait
//! is not returned again, so two identical replies need two waits.

use std::time::Duration;

use tokio::time::{timeout_at, Instant};

use super::{SimError, SimHandle};
use crate::feed::{BotPost, PostKind};
use crate::gateway::hub::GatewayStats;
use crate::record::RecordedCall;
use crate::state::State;

impl SimHandle {
    /// Waits until `check` returns something, re-checking after every change.
    pub(crate) async fn wait_until<T>(
        &self,
        what: &str,
        mut check: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<T, SimError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(found) = check(&mut self.shared.state.lock()) {
                return Ok(found);
            }
            if timeout_at(deadline, notified).await.is_err() {
                return Err(SimError::Timeout {
                    what: what.to_string(),
                    timeout: self.timeout,
                    recent: self.untaken_posts(),
                });
            }
        }
    }

    fn untaken_posts(&self) -> String {
        let posts = self.posts();
        let lines: Vec<String> = posts
            .iter()
            .rev()
            .take(10)
            .rev()
            .map(|p| format!("  {p}"))
            .collect();
        if lines.is_empty() {
            "  (the bot has posted nothing)".into()
        } else {
            lines.join("\n")
        }
    }

    /// The next bot post of any kind matching the predicate.
    pub async fn wait_post(&self, matches: impl Fn(&BotPost) -> bool) -> Result<BotPost, SimError> {
        self.wait_until("a bot post matching the predicate", |s| {
            s.feed.take_first(&matches)
        })
        .await
    }

    /// The next message the bot posted or edited (anywhere) matching the predicate.
    pub async fn wait_message(
        &self,
        matches: impl Fn(&BotPost) -> bool,
    ) -> Result<BotPost, SimError> {
        let visible =
            |p: &BotPost| matches!(p.kind, PostKind::Created | PostKind::Edited) && matches(p);
        self.wait_until("a bot message matching the predicate", |s| {
            s.feed.take_first(&visible)
        })
        .await
    }

    /// The next message posted or edited in a channel (or one of its threads).
    pub async fn wait_message_in(
        &self,
        channel: &str,
        matches: impl Fn(&BotPost) -> bool,
    ) -> Result<BotPost, SimError> {
        let visible = |p: &BotPost| {
            matches!(p.kind, PostKind::Created | PostKind::Edited) && p.is_in(channel) && matches(p)
        };
        let what = format!("a bot message in {channel}");
        self.wait_until(&what, |s| s.feed.take_first(&visible))
            .await
    }

    /// The next DM the bot sent (or edited) to this user.
    pub async fn wait_dm(
        &self,
        user: &str,
        matches: impl Fn(&BotPost) -> bool,
    ) -> Result<BotPost, SimError> {
        let visible = |p: &BotPost| {
            matches!(p.kind, PostKind::Created | PostKind::Edited) && p.is_dm_to(user) && matches(p)
        };
        let what = format!("a DM to {user}");
        self.wait_until(&what, |s| s.feed.take_first(&visible))
            .await
    }

    /// The bot's first answer to an interaction (message, deferral, modal, autocomplete...).
    pub async fn wait_response(
        &self,
        interaction: &super::InteractionRef,
    ) -> Result<BotPost, SimError> {
        let id = interaction.id;
        let what = format!("a response to interaction {id}");
        self.wait_until(&what, |s| {
            s.feed
                .take_first(&|p: &BotPost| p.interaction_id == Some(id))
        })
        .await
    }

    /// The next REST call matching the predicate that has been answered (status set).
    pub async fn wait_call(
        &self,
        matches: impl Fn(&RecordedCall) -> bool,
    ) -> Result<RecordedCall, SimError> {
        self.wait_until("a REST call matching the predicate", |s| {
            s.record
                .calls
                .iter()
                .find(|c| c.status != 0 && matches(c))
                .cloned()
        })
        .await
    }

    /// Waits until the bot is connected and has received READY (an identified live session).
    pub async fn wait_connected(&self) -> Result<GatewayStats, SimError> {
        self.wait_gateway(|_| true).await
    }

    /// Waits until a live gateway session exists and the stats satisfy the predicate.
    pub async fn wait_gateway(
        &self,
        matches: impl Fn(&GatewayStats) -> bool,
    ) -> Result<GatewayStats, SimError> {
        self.wait_until("the gateway state", |s| {
            (s.hub.has_live_connection() && matches(&s.hub.stats)).then_some(s.hub.stats)
        })
        .await
    }

    /// Waits until the bot has registered a command with this name.
    pub async fn wait_command(&self, name: &str) -> Result<serde_json::Value, SimError> {
        let what = format!("the bot to register /{name}");
        self.wait_until(&what, |s| {
            s.commands
                .values()
                .find(|c| c.name == name)
                .map(|c| c.body.clone())
        })
        .await
    }

    /// Succeeds if the bot posts nothing matching during `within` (this one does wait).
    pub async fn assert_no_message(
        &self,
        within: Duration,
        matches: impl Fn(&BotPost) -> bool,
    ) -> Result<(), BotPost> {
        let quiet = self.with_timeout(within);
        match quiet.wait_message(matches).await {
            Ok(post) => Err(post),
            Err(_) => Ok(()),
        }
    }
}
