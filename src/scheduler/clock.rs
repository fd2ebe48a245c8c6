//! Where the scheduler's "now" comes from: the system clock in production, a [`ManualClock`] in
//! tests, so a weekly job or a DST change is tested by setting the time instead of waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// The current time in unix milliseconds UTC.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> i64;
}

/// The real time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        crate::store::now_ms()
    }
}

/// A clock that only moves when told to. Share it as `Arc<ManualClock>`: the scheduler holds one
/// handle, the test another, and sets the time through it.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(now_ms: i64) -> ManualClock {
        ManualClock(AtomicI64::new(now_ms))
    }

    pub fn set(&self, now_ms: i64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }

    /// Moves the time forward by `by` (saturating at the largest representable time).
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(by))
            });
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_set_or_advanced() {
        let clock = Arc::new(ManualClock::new(1_000));
        let shared: Arc<dyn Clock> = clock.clone();
        assert_eq!(shared.now_ms(), 1_000);
        clock.advance(Duration::from_secs(2));
        assert_eq!(shared.now_ms(), 3_000);
        clock.set(-5);
        assert_eq!(shared.now_ms(), -5);
    }

    #[test]
    fn the_system_clock_is_near_the_real_time() {
        let now = chrono::Utc::now().timestamp_millis();
        assert!((SystemClock.now_ms() - now).abs() < 60_000);
    }
}
