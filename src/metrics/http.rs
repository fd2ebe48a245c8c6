//! The operator's HTTP endpoints, on `[metrics] listen`: `/metrics` (Prometheus text) and
//! `/healthz` (200 when this process can do its work, else 503 with the reason).
//!
//! Healthy means: every gateway shard of this process is connected, the database answers within
//! [`DB_TIMEOUT`], and no outbox entry has waited for a worker longer than
//! `[metrics] outbox_stuck_after` (the workers of every process sharing the database are stuck or
//! gone). A load balancer or an orchestrator restarts a process that stays unhealthy.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::jobs::Shutdown;
use crate::store::{health, now_ms, Db};

use super::DbSnapshot;

/// The longest the database may take to answer a health check or a scrape.
pub const DB_TIMEOUT: Duration = Duration::from_secs(2);

/// How many of this process's shards are connected to the gateway, and how many it runs.
pub type GatewayProbe =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = (usize, usize)> + Send>> + Send + Sync>;

/// What the endpoints look at.
pub struct Probe {
    pub db: Db,
    pub gateway: GatewayProbe,
    /// A due outbox entry waiting longer than this makes the process unhealthy.
    pub stuck_after: Duration,
}

/// The outcome of one health check.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub shards_connected: usize,
    pub shards: usize,
    pub db: Option<DbSnapshot>,
    /// Why the process is unhealthy; empty when it is healthy.
    pub problems: Vec<String>,
}

impl Probe {
    /// Checks the gateway, the database and the outbox (and updates the gauges read from them).
    pub async fn check(&self) -> Health {
        let (connected, shards) = (self.gateway)().await;
        let now = now_ms();
        let db = match tokio::time::timeout(DB_TIMEOUT, health::backlog(self.db.pool(), now)).await
        {
            Ok(Ok(b)) => Some(snapshot(b, now)),
            Ok(Err(e)) => {
                tracing::warn!(error = %format!("{e:#}"), "health check: the database failed");
                None
            }
            Err(_) => None,
        };
        super::set_snapshot(db, connected);
        let mut problems = Vec::new();
        if shards == 0 || connected < shards {
            problems.push(format!(
                "gateway: {connected} of {shards} shard(s) connected"
            ));
        }
        match &db {
            None => problems.push(format!(
                "database: no answer within {} s",
                DB_TIMEOUT.as_secs()
            )),
            Some(s) if s.oldest_due > self.stuck_after => problems.push(format!(
                "outbox: an entry due {} s ago is still waiting (stuck after {} s)",
                s.oldest_due.as_secs(),
                self.stuck_after.as_secs()
            )),
            Some(_) => {}
        }
        Health {
            shards_connected: connected,
            shards,
            db,
            problems,
        }
    }
}

fn snapshot(b: health::Backlog, now: i64) -> DbSnapshot {
    let age = |at: Option<i64>| {
        at.map_or(Duration::ZERO, |at| {
            Duration::from_millis(u64::try_from(now - at).unwrap_or(0))
        })
    };
    DbSnapshot {
        alerts_open: b.alerts_open,
        alerts_taken: b.alerts_taken,
        outbox_pending: b.outbox_pending,
        oldest_pending: age(b.oldest_pending_at),
        oldest_due: age(b.oldest_due_since),
    }
}

/// Binds `addr` now (so a port in use stops start-up, naming the key) and returns the server,
/// which runs until `shutdown` fires.
pub async fn bind(
    addr: SocketAddr,
    probe: Probe,
    mut shutdown: Shutdown,
) -> anyhow::Result<impl Future<Output = ()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("metrics.listen: cannot listen on {addr}"))?;
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(Arc::new(probe));
    tracing::info!(%addr, "serving /metrics and /healthz");
    Ok(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.fired().await })
            .await;
        if let Err(e) = served {
            tracing::warn!(error = %e, "the metrics server stopped");
        }
    })
}

async fn metrics(State(probe): State<Arc<Probe>>) -> impl IntoResponse {
    probe.check().await;
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        super::encode(),
    )
}

async fn healthz(State(probe): State<Arc<Probe>>) -> impl IntoResponse {
    let health = probe.check().await;
    if health.problems.is_empty() {
        (StatusCode::OK, "ok\n".to_string())
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("unhealthy: {}\n", health.problems.join("; ")),
        )
    }
}
