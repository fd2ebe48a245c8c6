//! Faults on demand from a test: REST rate limits, server errors and latency on route
//! patterns, users who refuse DMs, and gateway closes, op 7 and op 9; and Discord's real REST
//! rate limits, emulated when a test or bench switches them on.

use std::time::Duration;

use super::{SimError, SimHandle};
use crate::faults::{FaultKind, FaultWindow};
use crate::gateway::hub::GatewayStats;
use crate::ratelimits::{RateLimitStats, RateLimits};

impl SimHandle {
    /// 429 on matching routes (see [`crate::faults`] for patterns).
    pub fn rate_limit(&self, route: &str, retry_after: Duration, window: FaultWindow) {
        let kind = FaultKind::RateLimit {
            retry_after,
            global: false,
        };
        self.shared
            .mutate(|s| s.faults.add(route, kind, Some(window)));
    }

    /// A global 429 (`X-RateLimit-Global`) on matching routes.
    pub fn rate_limit_global(&self, route: &str, retry_after: Duration, window: FaultWindow) {
        let kind = FaultKind::RateLimit {
            retry_after,
            global: true,
        };
        self.shared
            .mutate(|s| s.faults.add(route, kind, Some(window)));
    }

    /// Answers the next `times` matching requests with this status (500 JSON, 502/503 HTML).
    pub fn fail(&self, route: &str, status: u16, times: u32) {
        let window = FaultWindow::Times(times);
        self.shared
            .mutate(|s| s.faults.add(route, FaultKind::Status(status), Some(window)));
    }

    /// Delays matching requests until [`SimHandle::clear_faults`].
    pub fn latency(&self, route: &str, delay: Duration) {
        self.shared
            .mutate(|s| s.faults.add(route, FaultKind::Latency(delay), None));
    }

    pub fn clear_faults(&self) {
        self.shared.mutate(|s| s.faults.clear());
    }

    /// Enforces these rate limits from now on (fresh windows), e.g.
    /// `sim.emulate_rate_limits(RateLimits::discord())`; `RateLimits::off()` stops. Every
    /// response of a route with a bucket carries the `X-RateLimit-*` headers; see
    /// [`crate::ratelimits`]. Injected faults still apply first.
    pub fn emulate_rate_limits(&self, limits: RateLimits) {
        self.shared.mutate(|s| s.rate_limits.configure(limits));
    }

    /// The 429s answered (emulated and injected) and the requests per bucket, since the start.
    pub fn rate_limit_stats(&self) -> RateLimitStats {
        self.read(|s| s.rate_limits.stats())
    }

    /// Whether this user refuses DMs from the bot (error 50007).
    pub fn set_refuses_dms(&self, user: &str, refuses: bool) -> Result<(), SimError> {
        let user_id = self.user_id(user)?;
        self.shared.mutate(|s| {
            if let Some(found) = s.users.get_mut(&user_id) {
                found.refuses_dms = refuses;
            }
        });
        Ok(())
    }

    /// Closes the gateway connection with this code (4000: resumable, events are kept).
    pub fn gateway_close(&self, code: u16) {
        self.shared.mutate(|s| s.hub.close_all(code));
    }

    /// A gateway outage: every connection closes (resumable, 4000) and new ones are refused
    /// (HTTP 503) until [`SimHandle::gateway_up`].
    pub fn gateway_down(&self) {
        self.shared.mutate(|s| {
            s.hub.down = true;
            s.hub.close_all(4000);
        });
    }

    /// Ends the outage of [`SimHandle::gateway_down`].
    pub fn gateway_up(&self) {
        self.shared.mutate(|s| s.hub.down = false);
    }

    /// The shard count `GET /gateway/bot` recommends (1 by default).
    pub fn set_recommended_shards(&self, shards: u32) {
        self.shared.mutate(|s| s.hub.recommended_shards = shards);
    }

    /// Sends op 7 RECONNECT.
    pub fn gateway_reconnect(&self) {
        self.shared.mutate(|s| s.hub.reconnect_all());
    }

    /// Sends op 9 INVALID_SESSION; not resumable means the bot must IDENTIFY again.
    pub fn gateway_invalidate(&self, resumable: bool) {
        self.shared.mutate(|s| s.hub.invalidate_all(resumable));
    }

    pub fn gateway_stats(&self) -> GatewayStats {
        self.read(|s| s.hub.stats)
    }

    /// Deletes a thread as a moderator would by hand (THREAD_DELETE); its messages go with it
    /// and any later call on it answers 10003 Unknown Channel. `false` if it is not a thread.
    pub fn delete_thread(&self, thread_id: u64) -> bool {
        self.shared.mutate(|s| {
            let Some(thread) = s.channels.get(&thread_id).filter(|c| c.is_thread()) else {
                return false;
            };
            let data = serde_json::json!({
                "id": thread_id.to_string(),
                "guild_id": thread.guild_id.map(|g| g.to_string()),
                "parent_id": thread.parent_id.map(|p| p.to_string()),
                "type": thread.kind,
            });
            let guild_id = thread.guild_id;
            s.channels.remove(&thread_id);
            if let Some(guild) = guild_id.and_then(|g| s.guilds.get_mut(&g)) {
                guild.channel_ids.retain(|c| *c != thread_id);
            }
            s.messages.retain(|_, m| m.channel_id != thread_id);
            s.hub.dispatch("THREAD_DELETE", &data);
            true
        })
    }
}
