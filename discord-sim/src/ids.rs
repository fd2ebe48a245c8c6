//! Snowflake ids and the timestamps derived from them.
//!
//! Ids are generated like Discord's (milliseconds since the Discord epoch in the high bits) and
//! strictly increase, so `before`/`after` pagination and "newer than" comparisons behave as on
//! Discord, and a message's timestamp can be recovered from its id.

use chrono::{DateTime, SecondsFormat, Utc};

/// Milliseconds between the Unix epoch and the Discord epoch (2015-01-01).
pub(crate) const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Hands out strictly increasing snowflakes.
#[derive(Debug, Default)]
pub(crate) struct Snowflakes {
    last: u64,
}

impl Snowflakes {
    /// The next id: the current time in the high bits, never equal to or below the last one.
    pub(crate) fn next(&mut self) -> u64 {
        let candidate = now_ms().saturating_sub(DISCORD_EPOCH_MS) << 22;
        self.last = candidate.max(self.last + 1);
        self.last
    }
}

/// The current Unix time in milliseconds.
pub(crate) fn now_ms() -> u64 {
    u64::try_from(Utc::now().timestamp_millis()).unwrap_or(DISCORD_EPOCH_MS)
}

/// The creation time encoded in a snowflake, in Unix milliseconds.
pub(crate) fn snowflake_ms(id: u64) -> u64 {
    (id >> 22) + DISCORD_EPOCH_MS
}

/// The creation time encoded in a snowflake, as the RFC 3339 text Discord sends.
pub(crate) fn timestamp_of(id: u64) -> String {
    let ms = snowflake_ms(id);
    let at = DateTime::<Utc>::from_timestamp_millis(i64::try_from(ms).unwrap_or(i64::MAX))
        .unwrap_or_default();
    at.to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// The current time as RFC 3339 text.
pub(crate) fn now_timestamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// Parses a snowflake sent as a JSON string or number.
pub(crate) fn parse_id(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::String(text) => text.parse().ok(),
        serde_json::Value::Number(number) => number.as_u64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_strictly_increase_and_encode_their_time() {
        let mut ids = Snowflakes::default();
        let first = ids.next();
        let second = ids.next();
        assert!(second > first);
        assert!(timestamp_of(first).starts_with("20"));
    }
}
