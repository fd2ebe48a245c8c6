//! What an operator watches: Prometheus metrics and the health of the process.
//!
//! The counters live in one process-wide registry ([`prometheus_client`], the official Rust
//! client) that the flows and the delivery worker feed with plain calls (`metrics::scanned()`);
//! the database's own numbers (alerts open, outbox backlog) are read when `/metrics` is scraped,
//! so they are right across every process sharing one PostgreSQL. [`http`] serves `/metrics`
//! and `/healthz` when `[metrics] listen` is set. Labels are categories, severities and HTTP
//! statuses only: never message content, never anyone's id.

pub mod http;

use std::sync::atomic::AtomicU64;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::domain::alerts::AlertStatus;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FlagLabels {
    category: &'static str,
    severity: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AlertStatusLabel {
    status: &'static str,
}

/// Every metric of the process.
struct Metrics {
    registry: Registry,
    scanned: Counter,
    flagged: Family<FlagLabels, Counter>,
    delivery_errors: Family<StatusLabel, Counter>,
    gateway_reconnects: Counter,
    scan_seconds: Histogram,
    flag_to_alert_seconds: Histogram,
    alerts: Family<AlertStatusLabel, Gauge>,
    outbox_pending: Gauge,
    outbox_oldest_pending_seconds: Gauge<f64, AtomicU64>,
    outbox_oldest_due_seconds: Gauge<f64, AtomicU64>,
    database_up: Gauge,
    gateway_connected_shards: Gauge,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);
/// Shards that said READY once already: a later READY of the same shard is a reconnection.
static READY_SHARDS: LazyLock<Mutex<Vec<u32>>> = LazyLock::new(Default::default);

impl Metrics {
    fn new() -> Metrics {
        let m = Metrics {
            registry: Registry::with_prefix("promeneur"),
            scanned: Counter::default(),
            flagged: Family::default(),
            delivery_errors: Family::default(),
            gateway_reconnects: Counter::default(),
            // 50 µs .. about 1.6 s: a scan alone is microseconds, a stored flag milliseconds.
            scan_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
            // 10 ms .. about 5 min: a posted alert is milliseconds, one behind a limit minutes.
            flag_to_alert_seconds: Histogram::new(exponential_buckets(0.01, 2.0, 16)),
            alerts: Family::default(),
            outbox_pending: Gauge::default(),
            outbox_oldest_pending_seconds: Gauge::default(),
            outbox_oldest_due_seconds: Gauge::default(),
            database_up: Gauge::default(),
            gateway_connected_shards: Gauge::default(),
        };
        let mut registry = m.registry;
        registry.register(
            "messages_scanned",
            "Messages scanned (new and edited)",
            m.scanned.clone(),
        );
        registry.register(
            "messages_flagged",
            "Flagged messages by category and severity (a message counts once per category)",
            m.flagged.clone(),
        );
        registry.register(
            "delivery_errors",
            "Discord answers to deliveries that were errors, by HTTP status (network: no answer)",
            m.delivery_errors.clone(),
        );
        registry.register(
            "gateway_reconnects",
            "Gateway sessions resumed or started again after the first one",
            m.gateway_reconnects.clone(),
        );
        registry.register(
            "message_scan_seconds",
            "Time to scan one message and store what it calls for (log line, flag, alert)",
            m.scan_seconds.clone(),
        );
        registry.register(
            "flag_to_alert_seconds",
            "Time from a flagged message to its alert posted in the alert channel",
            m.flag_to_alert_seconds.clone(),
        );
        registry.register(
            "alerts",
            "Alerts not closed, by status (open: nobody took it yet), in the whole database",
            m.alerts.clone(),
        );
        registry.register(
            "outbox_pending",
            "Outbox entries not yet delivered nor abandoned, in the whole database",
            m.outbox_pending.clone(),
        );
        registry.register(
            "outbox_oldest_pending_seconds",
            "Age of the oldest outbox entry not yet delivered",
            m.outbox_oldest_pending_seconds.clone(),
        );
        registry.register(
            "outbox_oldest_due_seconds",
            "How long the oldest due outbox entry has waited for a worker (0: none due)",
            m.outbox_oldest_due_seconds.clone(),
        );
        registry.register(
            "database_up",
            "1 when the database answered the last scrape, else 0",
            m.database_up.clone(),
        );
        registry.register(
            "gateway_connected_shards",
            "Shards of this process connected to the gateway",
            m.gateway_connected_shards.clone(),
        );
        Metrics { registry, ..m }
    }
}

/// A message was scanned and handled; `took` is the whole handling.
pub fn scanned(took: Duration) {
    METRICS.scanned.inc();
    METRICS.scan_seconds.observe(took.as_secs_f64());
}

/// A message was flagged in these categories at this severity.
pub fn flagged(
    categories: impl IntoIterator<Item = crate::safety::Category>,
    severity: crate::safety::Severity,
) {
    for category in categories {
        METRICS
            .flagged
            .get_or_create(&FlagLabels {
                category: category.as_str(),
                severity: severity.as_str(),
            })
            .inc();
    }
}

/// A REST call of a delivery failed with this HTTP status (`None`: no answer at all).
pub fn delivery_error(status: Option<u16>) {
    let status = status.map_or_else(|| "network".to_string(), |s| s.to_string());
    METRICS
        .delivery_errors
        .get_or_create(&StatusLabel { status })
        .inc();
}

/// The gateway said READY for `shard`: after its first READY, a reconnection.
pub fn gateway_ready(shard: u32) {
    let mut seen = READY_SHARDS.lock().unwrap_or_else(|p| p.into_inner());
    if seen.contains(&shard) {
        METRICS.gateway_reconnects.inc();
    } else {
        seen.push(shard);
    }
}

/// The gateway resumed a session.
pub fn gateway_resumed() {
    METRICS.gateway_reconnects.inc();
}

/// An alert was posted `waited` after its first flagged message.
pub fn alert_posted(waited: Duration) {
    METRICS.flag_to_alert_seconds.observe(waited.as_secs_f64());
}

/// What the database says, read at each scrape.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DbSnapshot {
    pub alerts_open: i64,
    pub alerts_taken: i64,
    pub outbox_pending: i64,
    pub oldest_pending: Duration,
    pub oldest_due: Duration,
}

fn set_snapshot(snapshot: Option<DbSnapshot>, shards_connected: usize) {
    let m = &*METRICS;
    m.gateway_connected_shards
        .set(i64::try_from(shards_connected).unwrap_or(i64::MAX));
    let Some(s) = snapshot else {
        m.database_up.set(0);
        return;
    };
    m.database_up.set(1);
    m.alerts
        .get_or_create(&AlertStatusLabel {
            status: AlertStatus::Open.as_str(),
        })
        .set(s.alerts_open);
    m.alerts
        .get_or_create(&AlertStatusLabel {
            status: AlertStatus::Taken.as_str(),
        })
        .set(s.alerts_taken);
    m.outbox_pending.set(s.outbox_pending);
    m.outbox_oldest_pending_seconds
        .set(s.oldest_pending.as_secs_f64());
    m.outbox_oldest_due_seconds.set(s.oldest_due.as_secs_f64());
}

/// The registry as Prometheus (OpenMetrics) text.
fn encode() -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut out, &METRICS.registry);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flagged_messages_are_counted_by_category_and_severity() {
        use crate::safety::{Category, Severity};
        flagged(
            [Category::EatingDisorder, Category::Distress],
            Severity::Low,
        );
        let text = encode();
        for category in ["eating_disorder", "distress"] {
            let line = format!(
                "promeneur_messages_flagged_total{{category=\"{category}\",severity=\"low\"}}"
            );
            assert!(text.contains(&line), "{line} missing from:\n{text}");
        }
    }

    #[test]
    fn a_second_ready_of_a_shard_counts_as_a_reconnection() {
        let before = METRICS.gateway_reconnects.get();
        gateway_ready(4242);
        assert_eq!(METRICS.gateway_reconnects.get(), before);
        gateway_ready(4242);
        assert_eq!(METRICS.gateway_reconnects.get(), before + 1);
    }
}
