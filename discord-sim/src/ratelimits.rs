//! Discord's REST rate limits, emulated on demand (off by default): per-route buckets split by
//! the major parameter, and the global limit per bot token.
//!
//! - A bucket is one route template with its method (`POST /channels/{channel_id}/messages`).
//!   Its counters are kept per major parameter (`channel_id`, `guild_id`, or the webhook id and
//!   token), but its `X-RateLimit-Bucket` id is the same for every channel, as on Discord.
//! - The global limit counts every request made with the bot token across routes; interaction
//!   callbacks and webhook (follow-up) routes are exempt, as on Discord.
//! - Windows are fixed: a window opens at the first request and its counter resets `per` later.
//! - A refused request (429) is not counted and has no side effect.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tokio::time::Instant;

/// At most `requests` per window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub requests: u32,
    pub per: Duration,
}

impl Limit {
    pub const fn new(requests: u32, per: Duration) -> Self {
        Self { requests, per }
    }
}

/// Which rate limits the sim enforces; [`RateLimits::default`] (= [`RateLimits::off`]) enforces
/// none, [`RateLimits::discord`] is Discord's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// Bucket limits keyed by `"METHOD /route/{template}"`, the route as declared without the
    /// `/api/v10` prefix, e.g. `"POST /channels/{channel_id}/messages"`.
    pub routes: BTreeMap<String, Limit>,
    /// A bucket for every route not in `routes` (each route its own bucket); `None`: those
    /// routes are only under the global limit.
    pub default: Option<Limit>,
    /// Requests per window with the bot token across routes (interactions and webhooks exempt).
    pub global: Option<Limit>,
}

/// The preset of [`RateLimits::discord`]: (route, requests, window in milliseconds).
///
/// Discord publishes no fixed table (clients must read the headers); these are the values its
/// API answers with in practice (messages 5 per 5 s per channel, reactions 1 per 250 ms, ...).
pub const DISCORD_ROUTES: &[(&str, u32, u64)] = &[
    ("POST /channels/{channel_id}/messages", 5, 5_000),
    (
        "PATCH /channels/{channel_id}/messages/{message_id}",
        5,
        5_000,
    ),
    (
        "DELETE /channels/{channel_id}/messages/{message_id}",
        5,
        1_000,
    ),
    (
        "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me",
        1,
        250,
    ),
    (
        "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me",
        1,
        250,
    ),
    ("POST /channels/{channel_id}/typing", 5, 5_000),
    ("PATCH /channels/{channel_id}", 5, 5_000),
    (
        "POST /channels/{channel_id}/messages/{message_id}/threads",
        10,
        10_000,
    ),
    ("POST /channels/{channel_id}/threads", 10, 10_000),
    ("POST /users/@me/channels", 10, 10_000),
];

/// Discord's global limit: 50 requests per second per bot token.
pub const DISCORD_GLOBAL: Limit = Limit::new(50, Duration::from_secs(1));

impl RateLimits {
    /// No limits: the sim's behaviour without emulation.
    pub fn off() -> Self {
        Self::default()
    }

    /// Discord's limits: the buckets of [`DISCORD_ROUTES`] and the global 50 per second; other
    /// routes are only under the global limit.
    pub fn discord() -> Self {
        let mut limits = Self {
            global: Some(DISCORD_GLOBAL),
            ..Self::default()
        };
        for (route, requests, millis) in DISCORD_ROUTES {
            limits = limits.route(route, *requests, Duration::from_millis(*millis));
        }
        limits
    }

    /// Sets (or replaces) the bucket of a route, `"METHOD /template"` as in [`DISCORD_ROUTES`]
    /// (a leading `/api/v10` is dropped).
    pub fn route(mut self, route: &str, requests: u32, per: Duration) -> Self {
        self.routes
            .insert(normalize(route), Limit::new(requests, per));
        self
    }

    /// Removes the bucket of a route.
    pub fn without_route(mut self, route: &str) -> Self {
        self.routes.remove(&normalize(route));
        self
    }

    /// A bucket for every route without its own.
    pub fn default_bucket(mut self, requests: u32, per: Duration) -> Self {
        self.default = Some(Limit::new(requests, per));
        self
    }

    pub fn global(mut self, requests: u32, per: Duration) -> Self {
        self.global = Some(Limit::new(requests, per));
        self
    }

    pub fn without_global(mut self) -> Self {
        self.global = None;
        self
    }

    pub fn is_off(&self) -> bool {
        self.routes.is_empty() && self.default.is_none() && self.global.is_none()
    }
}

fn normalize(route: &str) -> String {
    let (method, path) = route
        .trim()
        .split_once(' ')
        .unwrap_or(("GET", route.trim()));
    let path = path.trim();
    let path = path.strip_prefix("/api/v10").unwrap_or(path);
    format!("{} {path}", method.to_ascii_uppercase())
}

/// The opaque, stable `X-RateLimit-Bucket` id of a route key: 32 hex digits like Discord's.
pub(crate) fn bucket_id(key: &str) -> String {
    let fnv = |offset: u64| {
        key.bytes().fold(offset, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x84222325cbf29ce4)
    )
}

/// What the 429s and buckets did so far (cumulative since the sim started).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimitStats {
    /// Every 429 answered: by the emulated limits and by injected faults.
    pub rejected: u64,
    /// Those with the global flag.
    pub rejected_global: u64,
    /// 429s per route (`"POST /channels/{channel_id}/messages"`).
    pub rejected_by_route: BTreeMap<String, u64>,
    /// Requests performed (admitted) per bucket, keyed by the bucket's route; only routes with a
    /// bucket under the emulated limits.
    pub requests_by_bucket: BTreeMap<String, u64>,
}

/// A bucket's state as its `X-RateLimit-*` headers report it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BucketHeaders {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    pub(crate) reset_after: Duration,
    pub(crate) bucket: String,
}

/// The limits' answer to one request.
#[derive(Debug, PartialEq)]
pub(crate) enum Admission {
    /// Performed; the bucket's headers go on the response when the route has a bucket.
    Admitted(Option<BucketHeaders>),
    Refused {
        retry_after: Duration,
        global: bool,
        bucket: Option<BucketHeaders>,
    },
}

#[derive(Debug, Clone, Copy)]
struct Window {
    opened: Instant,
    count: u32,
}

impl Window {
    /// (requests counted, time until reset) in the window at `now`; a closed window is empty.
    fn current(window: Option<&Window>, limit: Limit, now: Instant) -> (u32, Duration) {
        match window {
            Some(w) if now < w.opened + limit.per => (w.count, w.opened + limit.per - now),
            _ => (0, limit.per),
        }
    }

    fn count(slot: &mut Option<Window>, limit: Limit, now: Instant) {
        match slot {
            Some(w) if now < w.opened + limit.per => w.count += 1,
            _ => {
                *slot = Some(Window {
                    opened: now,
                    count: 1,
                })
            }
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    limits: RateLimits,
    /// (route key, major parameter) -> its window.
    buckets: HashMap<(String, String), Window>,
    global: Option<Window>,
    stats: RateLimitStats,
}

impl RateLimiter {
    /// Enforces these limits from now on, with fresh windows.
    pub(crate) fn configure(&mut self, limits: RateLimits) {
        self.limits = limits;
        self.buckets.clear();
        self.global = None;
    }

    pub(crate) fn stats(&self) -> RateLimitStats {
        self.stats.clone()
    }

    /// Counts a 429 answered on this route (whatever refused it).
    pub(crate) fn count_rejection(&mut self, key: &str, global: bool) {
        self.stats.rejected += 1;
        if global {
            self.stats.rejected_global += 1;
        }
        *self
            .stats
            .rejected_by_route
            .entry(key.to_string())
            .or_default() += 1;
    }

    /// Checks one authorized request of `method` on `route` (template) at `path` (concrete),
    /// and counts it when admitted.
    pub(crate) fn admit(&mut self, method: &str, route: &str, path: &str) -> Admission {
        if self.limits.is_off() {
            return Admission::Admitted(None);
        }
        let now = Instant::now();
        let key = format!("{method} {route}");
        let limit = self
            .limits
            .routes
            .get(&key)
            .copied()
            .or(self.limits.default);
        let slot = limit.map(|_| (key.clone(), major(route, path)));
        let headers = |count: u32, reset_after: Duration, limit: Limit| BucketHeaders {
            limit: limit.requests,
            remaining: limit.requests.saturating_sub(count),
            reset_after,
            bucket: bucket_id(&key),
        };
        let bucket_now = limit.zip(slot.as_ref()).map(|(limit, slot)| {
            let (count, reset_after) = Window::current(self.buckets.get(slot), limit, now);
            (limit, count, reset_after)
        });
        let exempt = path.starts_with("/interactions/") || path.starts_with("/webhooks/");
        let global = self.limits.global.filter(|_| !exempt);
        if let Some(global) = global {
            let (count, reset_after) = Window::current(self.global.as_ref(), global, now);
            if count >= global.requests {
                return Admission::Refused {
                    retry_after: reset_after,
                    global: true,
                    bucket: bucket_now.map(|(l, c, r)| headers(c, r, l)),
                };
            }
        }
        if let Some((limit, count, reset_after)) = bucket_now {
            if count >= limit.requests {
                return Admission::Refused {
                    retry_after: reset_after,
                    global: false,
                    bucket: Some(headers(count, reset_after, limit)),
                };
            }
        }
        if let Some(global) = global {
            Window::count(&mut self.global, global, now);
        }
        let (Some(limit), Some(slot)) = (limit, slot) else {
            return Admission::Admitted(None);
        };
        let mut window = self.buckets.get(&slot).copied();
        Window::count(&mut window, limit, now);
        let window = window.expect("just counted");
        self.buckets.insert(slot, window);
        *self
            .stats
            .requests_by_bucket
            .entry(key.clone())
            .or_default() += 1;
        let reset_after = window.opened + limit.per - now;
        Admission::Admitted(Some(headers(window.count, reset_after, limit)))
    }
}

/// The major parameter of a request: the values of `channel_id`, `guild_id`, `webhook_id` and
/// `webhook_token` in its path ("" when the route has none).
fn major(route: &str, path: &str) -> String {
    const MAJORS: [&str; 4] = [
        "{channel_id}",
        "{guild_id}",
        "{webhook_id}",
        "{webhook_token}",
    ];
    route
        .split('/')
        .zip(path.split('/'))
        .filter(|(template, _)| MAJORS.contains(template))
        .map(|(_, value)| value)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGES: &str = "/channels/{channel_id}/messages";

    fn remaining(admission: &Admission) -> Option<u32> {
        match admission {
            Admission::Admitted(Some(b)) => Some(b.remaining),
            _ => None,
        }
    }

    #[test]
    fn off_admits_everything_without_headers() {
        let mut limiter = RateLimiter::default();
        for _ in 0..100 {
            assert_eq!(
                limiter.admit("POST", MESSAGES, "/channels/1/messages"),
                Admission::Admitted(None)
            );
        }
    }

    #[test]
    fn a_bucket_counts_per_major_parameter_and_refusals_do_not_count() {
        let mut limiter = RateLimiter::default();
        limiter.configure(RateLimits::off().route(
            "POST /api/v10/channels/{channel_id}/messages",
            2,
            Duration::from_secs(60),
        ));
        let first = limiter.admit("POST", MESSAGES, "/channels/1/messages");
        assert_eq!(remaining(&first), Some(1));
        assert_eq!(
            remaining(&limiter.admit("POST", MESSAGES, "/channels/1/messages")),
            Some(0)
        );
        for _ in 0..3 {
            assert!(matches!(
                limiter.admit("POST", MESSAGES, "/channels/1/messages"),
                Admission::Refused { global: false, .. }
            ));
        }
        assert_eq!(
            remaining(&limiter.admit("POST", MESSAGES, "/channels/2/messages")),
            Some(1)
        );
        assert_eq!(
            limiter.stats().requests_by_bucket[&format!("POST {MESSAGES}")],
            3
        );
        assert_eq!(
            limiter.admit("GET", MESSAGES, "/channels/1/messages"),
            Admission::Admitted(None)
        );
    }

    #[test]
    fn the_major_parameter_is_read_from_the_template() {
        assert_eq!(
            major(
                "/channels/{channel_id}/messages/{message_id}",
                "/channels/7/messages/9"
            ),
            "7"
        );
        assert_eq!(
            major("/webhooks/{webhook_id}/{webhook_token}", "/webhooks/1/tok"),
            "1/tok"
        );
        assert_eq!(major("/users/@me/channels", "/users/@me/channels"), "");
    }

    #[test]
    fn bucket_ids_are_stable_and_distinct_per_route() {
        let post = bucket_id("POST /channels/{channel_id}/messages");
        assert_eq!(post, bucket_id("POST /channels/{channel_id}/messages"));
        assert_ne!(
            post,
            bucket_id("PATCH /channels/{channel_id}/messages/{message_id}")
        );
        assert_eq!(post.len(), 32);
    }
}
