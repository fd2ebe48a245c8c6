//! Running as a service: `[metrics]` (the operator's HTTP endpoints) and the gateway shards this
//! process runs (`[discord] shards` / `shard_count`, or `promeneur run --shards --shard-count`).

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;

use crate::domain::alerts::parse_duration;

/// `[metrics]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMetrics {
    pub(super) listen: Option<String>,
    pub(super) outbox_stuck_after: Option<String>,
}

/// `/metrics` and `/healthz`, off unless `listen` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsConfig {
    /// Where to serve them (`"127.0.0.1:9464"`); `None`: not served.
    pub listen: Option<SocketAddr>,
    /// A due outbox entry left waiting longer than this makes `/healthz` answer 503.
    pub outbox_stuck_after: Duration,
}

/// Default of `metrics.outbox_stuck_after`: a minute, far above a healthy worker's delay and
/// below the gap an operator should hear about.
pub const DEFAULT_OUTBOX_STUCK_AFTER: Duration = Duration::from_secs(60);

impl MetricsConfig {
    /// Validates `[metrics]`; the error is (key, reason).
    pub(super) fn from_raw(raw: &RawMetrics) -> Result<MetricsConfig, (&'static str, String)> {
        let listen = match raw.listen.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<SocketAddr>().map_err(|_| {
                (
                    "metrics.listen",
                    format!("`{text}` is not an address and port such as \"127.0.0.1:9464\""),
                )
            })?),
        };
        let outbox_stuck_after = match &raw.outbox_stuck_after {
            None => DEFAULT_OUTBOX_STUCK_AFTER,
            Some(t) => {
                parse_duration(t).map_err(|e| ("metrics.outbox_stuck_after", e.to_string()))?
            }
        };
        if outbox_stuck_after.is_zero() {
            return Err((
                "metrics.outbox_stuck_after",
                "must be longer than 0 seconds".into(),
            ));
        }
        Ok(MetricsConfig {
            listen,
            outbox_stuck_after,
        })
    }
}

/// Which gateway shards this process runs, out of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    /// First and last shard ids of this process (both included).
    pub first: u32,
    pub last: u32,
    pub count: u32,
}

impl fmt::Display for Shards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{} of {}", self.first, self.last, self.count)
    }
}

impl Shards {
    /// Every shard of `count` in this one process.
    pub fn all(count: u32) -> Shards {
        Shards {
            first: 0,
            last: count.saturating_sub(1),
            count,
        }
    }

    /// How many shards this process runs.
    pub fn in_this_process(&self) -> usize {
        usize::try_from(self.last - self.first + 1).unwrap_or(usize::MAX)
    }

    /// Whether this process runs the shard that receives `guild_id`'s events
    /// (Discord's rule: `(guild_id >> 22) % shard_count`).
    pub fn serves_guild(&self, guild_id: u64) -> bool {
        let shard = (guild_id >> 22) % u64::from(self.count);
        (u64::from(self.first)..=u64::from(self.last)).contains(&shard)
    }

    /// Checks a range (`"0-1"`, or `"3"` for one shard) against a count. `None` for both: one
    /// process runs Discord's recommended count (read from `GET /gateway/bot` at start).
    /// The error is (which of the two, reason).
    pub fn parse(
        range: Option<&str>,
        count: Option<u32>,
    ) -> Result<Option<Shards>, (Which, String)> {
        let count = match (range, count) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err((
                    Which::Range,
                    "a shard range needs the shard count (shard_count / --shard-count)".into(),
                ))
            }
            (_, Some(0)) => return Err((Which::Count, "must be at least 1".into())),
            (_, Some(c)) => c,
        };
        let Some(range) = range else {
            return Ok(Some(Shards::all(count)));
        };
        let bad = || {
            (
                Which::Range,
                format!("`{range}` is not a shard range such as \"0-1\" or \"3\""),
            )
        };
        let (first, last) = match range.trim().split_once('-') {
            Some((a, b)) => (a.trim().parse::<u32>(), b.trim().parse::<u32>()),
            None => (range.trim().parse::<u32>(), range.trim().parse::<u32>()),
        };
        let (first, last) = (first.map_err(|_| bad())?, last.map_err(|_| bad())?);
        if first > last {
            return Err(bad());
        }
        if last >= count {
            return Err((
                Which::Range,
                format!(
                    "shard {last} does not exist with {count} shard(s) (ids 0 to {})",
                    count - 1
                ),
            ));
        }
        Ok(Some(Shards { first, last, count }))
    }
}

/// Which setting a shard error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Range,
    Count,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_range_needs_a_count_and_must_fit_in_it() {
        assert_eq!(Shards::parse(None, None), Ok(None));
        assert_eq!(
            Shards::parse(Some("0-1"), Some(4)),
            Ok(Some(Shards {
                first: 0,
                last: 1,
                count: 4
            }))
        );
        assert_eq!(
            Shards::parse(Some("3"), Some(4))
                .unwrap()
                .unwrap()
                .in_this_process(),
            1
        );
        assert_eq!(Shards::parse(None, Some(2)), Ok(Some(Shards::all(2))));
        assert_eq!(
            Shards::parse(Some("0-1"), None).unwrap_err().0,
            Which::Range
        );
        assert_eq!(
            Shards::parse(Some("2-4"), Some(4)).unwrap_err().0,
            Which::Range
        );
        assert_eq!(
            Shards::parse(Some("1-0"), Some(4)).unwrap_err().0,
            Which::Range
        );
        assert_eq!(
            Shards::parse(Some("a-b"), Some(4)).unwrap_err().0,
            Which::Range
        );
        assert_eq!(Shards::parse(None, Some(0)).unwrap_err().0, Which::Count);
    }

    #[test]
    fn a_guild_belongs_to_the_shard_of_its_id_timestamp() {
        let guild = 5u64 << 22;
        assert!(Shards::parse(Some("1"), Some(4))
            .unwrap()
            .unwrap()
            .serves_guild(guild));
        assert!(!Shards::parse(Some("2-3"), Some(4))
            .unwrap()
            .unwrap()
            .serves_guild(guild));
    }

    #[test]
    fn the_metrics_address_is_checked_and_off_by_default() {
        let off = MetricsConfig::from_raw(&RawMetrics::default()).unwrap();
        assert_eq!(off.listen, None);
        assert_eq!(off.outbox_stuck_after, DEFAULT_OUTBOX_STUCK_AFTER);
        let bad = RawMetrics {
            listen: Some("localhost".into()),
            ..Default::default()
        };
        assert_eq!(
            MetricsConfig::from_raw(&bad).unwrap_err().0,
            "metrics.listen"
        );
        let bad = RawMetrics {
            outbox_stuck_after: Some("soon".into()),
            ..Default::default()
        };
        assert_eq!(
            MetricsConfig::from_raw(&bad).unwrap_err().0,
            "metrics.outbox_stuck_after"
        );
    }
}
