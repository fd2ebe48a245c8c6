//! Faults on demand from a test: REST rate limits, server errors and latency on route
//! patterns, users who refuse DMs, and gateway closes, op 7 and op 9.

use std::time::Duration;

use super::{SimError, SimHandle};
use crate::faults::{FaultKind, FaultWindow};
use crate::gateway::hub::GatewayStats;

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
}
