//! Shared test helpers: fresh real databases (SQLite always, PostgreSQL when
//! `PROMENEUR_TEST_POSTGRES_URL` is set) and a whole bot on them.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use promeneur::bot::Bot;
use promeneur::config::{Config, Env};
use promeneur::domain::pseudonym::PseudonymKey;
use promeneur::safety::RuleSet;
use promeneur::store::Db;
use sqlx::Executor;

pub const PG_VAR: &str = "PROMENEUR_TEST_POSTGRES_URL";

/// The PostgreSQL server's admin URL from [`PG_VAR`], if set.
pub fn pg_admin_url() -> Option<String> {
    std::env::var(PG_VAR).ok().filter(|v| !v.is_empty())
}

/// [`pg_admin_url`], saying plainly that the test is skipped when it is not set.
pub fn pg_admin_url_or_skip() -> Option<String> {
    let url = pg_admin_url();
    if url.is_none() {
        eprintln!("skipped: {PG_VAR} is not set");
    }
    url
}

/// [`TestDb::postgres_with`], saying plainly that the test is skipped when [`PG_VAR`] is not
/// set.
pub async fn postgres_or_skip(migrate: bool) -> Option<TestDb> {
    pg_admin_url_or_skip()?;
    TestDb::postgres_with(migrate).await
}

/// The `promeneur` binary, with none of the environment variables it reads (a developer's
/// shell must not change what a test sees).
pub fn promeneur_bin() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_promeneur"));
    for var in [
        "DISCORD_TOKEN",
        "DATABASE_URL",
        "DISCORD_API_BASE",
        "PROMENEUR_PSEUDONYM_KEY",
        "PROMENEUR_CONFIG",
    ] {
        c.env_remove(var);
    }
    c
}

/// Runs `cmd`, asserts it succeeded (showing its stderr otherwise) and returns its stdout.
pub fn stdout_of(cmd: &mut std::process::Command) -> Vec<u8> {
    let out = cmd.output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A message every test can count on being flagged (critical, suicide).
pub const WORRYING: &str = "je veux mourir, ce soir je prends toutes mes boites de dolipranes";

/// A fresh database, dropped (PostgreSQL) or deleted (SQLite) with the guard.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temp dir for the test database");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("SQLite opens");
        db.migrate().await.expect("SQLite migrations apply");
        TestDb {
            db,
            url,
            _dir: Some(dir),
            pg_admin: None,
        }
    }

    /// A new database on the PostgreSQL server of `PROMENEUR_TEST_POSTGRES_URL`, if set.
    pub async fn postgres() -> Option<TestDb> {
        TestDb::postgres_with(true).await
    }

    /// [`TestDb::postgres`], migrated or left empty (for processes that race to migrate it).
    pub async fn postgres_with(migrate: bool) -> Option<TestDb> {
        let admin_url = pg_admin_url()?;
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "promeneur_t_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        let admin = Db::connect(&admin_url).await.expect("PostgreSQL reachable");
        admin
            .pool()
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("CREATE DATABASE");
        admin.close().await;
        let url = replace_db_name(&admin_url, &name);
        let db = Db::connect(&url).await.expect("the new database opens");
        if migrate {
            db.migrate().await.expect("PostgreSQL migrations apply");
        }
        Some(TestDb {
            db,
            url,
            _dir: None,
            pg_admin: Some((admin_url, name)),
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_admin.take() {
            // Drop the database from a separate thread with its own runtime: Drop is sync, and
            // the test's own runtime is blocked here. FORCE ends the pool's connections, which
            // belong to that runtime and so cannot be closed from this one.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async move {
                        if let Ok(admin) = Db::connect(&admin_url).await {
                            let _ = admin
                                .pool()
                                .execute(sqlx::AssertSqlSafe(format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                )))
                                .await;
                            admin.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// Runs `test` on a fresh SQLite database, then on a fresh PostgreSQL database when
/// `PROMENEUR_TEST_POSTGRES_URL` is set (saying plainly when it is skipped).
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    test(TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(pg) => test(pg).await,
        None => eprintln!("skipped the PostgreSQL run: {PG_VAR} is not set"),
    }
}

pub const GUILD: u64 = 900_000_000_000_000_001;
pub const ALERT_CHANNEL: u64 = 900_000_000_000_000_010;
pub const PROMENEUR_ROLE: u64 = 900_000_000_000_000_020;

/// A configuration with one guild and fast delays, on `url`.
pub fn test_config(url: &str, extra: &str) -> Config {
    let text = format!(
        r#"
[database]
url = "{url}"
[privacy]
pseudonym_key = "a-test-pseudonym-key-that-is-long-enough"
{extra}
[[guilds]]
id = {GUILD}
alert_channel = {ALERT_CHANNEL}
promeneur_role = {PROMENEUR_ROLE}
coordinator_role = 900000000000000021
coordination_channel = 900000000000000011
"#
    );
    Config::from_toml_str(&text, "test.toml", &Env::default()).expect("test config is valid")
}

/// A whole bot (no Discord connection) on `t`'s database.
pub fn test_bot(t: &TestDb, extra: &str) -> Arc<Bot> {
    let config = test_config(&t.url, extra);
    let rules = RuleSet::builtin().expect("shipped rules compile");
    let key = PseudonymKey::new(b"a-test-pseudonym-key-that-is-long-enough".to_vec())
        .expect("key long enough");
    Arc::new(Bot::new(
        Arc::new(config),
        t.db.clone(),
        Arc::new(rules),
        key,
    ))
}
