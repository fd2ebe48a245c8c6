//! Running as a service: `/metrics` parses as Prometheus text and counts what the bot did;
//! `/healthz` answers 503 while the gateway or the database is gone and 200 again after.

use std::time::{Duration, Instant};

use discord_sim::{demo::demo_guild, PostKind, Sim};
use promeneur::sandbox::{demo_config, RunningBot};
use sqlx::Executor;

use crate::support::TestDb;

use crate::support::WORRYING;

/// A port nobody listens on right now, for `[metrics] listen`.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

pub(crate) async fn get(url: &str) -> Option<(u16, String)> {
    let resp = reqwest::get(url).await.ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.text().await.unwrap_or_default()))
}

/// Polls `url` until it answers `status` (and the body contains `needle`); returns the body.
pub(crate) async fn wait_status(url: &str, status: u16, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut last = None;
    while Instant::now() < deadline {
        if let Some((s, body)) = get(url).await {
            if s == status && body.contains(needle) {
                return body;
            }
            last = Some((s, body));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{url} never answered {status} with {needle:?}; last answer: {last:?}");
}

fn sample(metrics: &prometheus_parse::Scrape, name: &str) -> Vec<prometheus_parse::Sample> {
    metrics
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .cloned()
        .collect()
}

/// A sample's value (a histogram's: its count).
pub(crate) fn value(s: &prometheus_parse::Sample) -> f64 {
    match &s.value {
        prometheus_parse::Value::Counter(v)
        | prometheus_parse::Value::Gauge(v)
        | prometheus_parse::Value::Untyped(v) => *v,
        prometheus_parse::Value::Histogram(h) => h.last().map_or(0.0, |b| b.count),
        prometheus_parse::Value::Summary(_) => 0.0,
    }
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_health_follows_the_gateway() {
    let sim = Sim::start([demo_guild()]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let port = free_port();
    let extra = format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n");
    let bot = RunningBot::start(demo_config(&sim, &url, &extra).unwrap())
        .await
        .unwrap();
    let health = format!("http://127.0.0.1:{port}/healthz");
    wait_status(&health, 200, "ok").await;
    sim.wait_command("alerte").await.unwrap();

    sim.user("lea").post("#discussion", WORRYING).unwrap();
    sim.user("sami")
        .post("#discussion", "salut, ça va ?")
        .unwrap();
    sim.wait_message_in("#alertes-promeneurs", |p| {
        p.kind == PostKind::Created && !p.embeds.is_empty()
    })
    .await
    .unwrap();

    let (status, text) = get(&format!("http://127.0.0.1:{port}/metrics"))
        .await
        .expect("/metrics answers");
    assert_eq!(status, 200);
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text");
    let scanned: f64 = sample(&scrape, "promeneur_messages_scanned_total")
        .iter()
        .map(value)
        .sum();
    assert!(scanned >= 2.0, "scanned {scanned}:\n{text}");
    let flagged = sample(&scrape, "promeneur_messages_flagged_total");
    assert!(
        flagged
            .iter()
            .any(|s| s.labels.get("category") == Some("suicide_selfharm")
                && s.labels.get("severity") == Some("critical")),
        "{text}"
    );
    let open = sample(&scrape, "promeneur_alerts");
    assert!(
        open.iter()
            .any(|s| s.labels.get("status") == Some("open") && value(s) >= 1.0),
        "{text}"
    );
    for name in [
        "promeneur_outbox_pending",
        "promeneur_outbox_oldest_pending_seconds",
        "promeneur_outbox_oldest_due_seconds",
        "promeneur_database_up",
        "promeneur_gateway_connected_shards",
    ] {
        assert_eq!(sample(&scrape, name).len(), 1, "{name} missing:\n{text}");
    }
    let posted = sample(&scrape, "promeneur_flag_to_alert_seconds");
    assert!(posted.iter().map(value).sum::<f64>() >= 1.0, "{text}");
    let scans = sample(&scrape, "promeneur_message_scan_seconds");
    assert!(scans.iter().map(value).sum::<f64>() >= 2.0, "{text}");
    // Never anyone's id, never content.
    let lea = sim.user_id("lea").unwrap().to_string();
    assert!(!text.contains(&lea) && !text.contains("mourir"));

    // The gateway goes down: unhealthy, naming it; back up: healthy again.
    sim.gateway_down();
    let body = wait_status(&health, 503, "gateway").await;
    assert!(body.contains("0 of 1"), "{body}");
    sim.gateway_up();
    wait_status(&health, 200, "ok").await;
    let (_, text) = get(&format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap();
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
    let reconnects: f64 = sample(&scrape, "promeneur_gateway_reconnects_total")
        .iter()
        .map(value)
        .sum();
    assert!(reconnects >= 1.0, "{text}");
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn health_turns_unavailable_while_the_database_refuses_connections_and_back() {
    let Some(admin_url) = crate::support::pg_admin_url_or_skip() else {
        return;
    };
    let t = TestDb::postgres().await.expect("PostgreSQL is set");
    let name = t
        .url
        .rsplit('/')
        .next()
        .and_then(|n| n.split('?').next())
        .unwrap()
        .to_string();
    let sim = Sim::start([demo_guild()]).await.unwrap();
    let port = free_port();
    let extra = format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n");
    let bot = RunningBot::start(demo_config(&sim, &t.url, &extra).unwrap())
        .await
        .unwrap();
    let health = format!("http://127.0.0.1:{port}/healthz");
    wait_status(&health, 200, "ok").await;

    // The database is stopped for this bot: no new connection, the open ones cut.
    let admin = promeneur::store::Db::connect(&admin_url).await.unwrap();
    admin
        .pool()
        .execute(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false"
        )))
        .await
        .unwrap();
    admin
        .pool()
        .execute(sqlx::AssertSqlSafe(format!(
            "SELECT CAST(pg_terminate_backend(pid) AS TEXT) FROM pg_stat_activity WHERE datname = '{name}'"
        )))
        .await
        .unwrap();
    let body = wait_status(&health, 503, "database").await;
    assert!(body.starts_with("unhealthy"), "{body}");

    admin
        .pool()
        .execute(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS true"
        )))
        .await
        .unwrap();
    wait_status(&health, 200, "ok").await;
    admin.close().await;
    bot.stop().await.unwrap();
}
