//! Storage over sqlx's `Any` driver: one `Db` handle and one code path for SQLite (the embedded
//! default) and PostgreSQL (a network running several processes).
//!
//! Queries are plain SQL strings with `$N` placeholders, which both backends accept. Discord ids
//! are stored as signed 64-bit integers (see [`ids`]) and times as unix milliseconds UTC, the two
//! types every backend agrees on. Each aggregate has its own file of plain functions over an
//! executor, so a caller can compose them inside one transaction.

pub mod alerts;
pub mod cursors;
pub mod digest;
pub mod erasure;
pub mod flags;
pub mod guild_rules;
pub mod health;
pub mod ids;
pub mod job_runs;
pub mod journal;
pub mod outbox;
pub mod permanences;
pub mod question_events;
pub mod questions;
pub mod resources;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// A transaction: flows compose store functions inside one (`&mut *tx` is their executor).
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which database the handle talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by the whole bot (cheap to clone).
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// The advisory lock of [`Db::lock_flags`] ("prom" "flag" in ASCII).
const FLAG_LOCK_KEY: i64 = 0x7072_6f6d_666c_6167;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects to `url` (`sqlite://file.db` is created if missing, in WAL mode; or
    /// `postgres://...`). Does not run migrations: see [`Db::migrate`].
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("sqlite:") {
            (Backend::Sqlite, sqlite_url_creating_file(url))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            anyhow::bail!("unsupported database URL scheme (expected sqlite:// or postgres://)");
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing the database URL")?;
        let pool = AnyPoolOptions::new()
            // SQLite allows one writer at a time; a few connections serve concurrent reads.
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to the {backend:?} database"))?;
        Ok(Db { pool, backend })
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator
            .run(&self.pool)
            .await
            .context("running database migrations")?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction that may write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails with
    /// "database is locked" when another connection wrote in between, without waiting.
    pub async fn begin(&self) -> anyhow::Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        };
        tx.context("starting a transaction")
    }

    /// Serialises the transactions that flag messages across every process on this database,
    /// until `tx` ends: two processes flagging messages of one young person at once would
    /// otherwise each open an alert instead of joining one. SQLite needs nothing: one process
    /// uses a file, and `BEGIN IMMEDIATE` already serialises writers.
    pub async fn lock_flags(&self, tx: &mut Tx) -> anyhow::Result<()> {
        if self.backend == Backend::Postgres {
            // The cast: sqlx's Any driver cannot read PostgreSQL's `void`.
            sqlx::query("SELECT CAST(pg_advisory_xact_lock($1) AS TEXT)")
                .bind(FLAG_LOCK_KEY)
                .fetch_one(&mut **tx)
                .await
                .context("taking the flag lock")?;
        }
        Ok(())
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `sqlite://x.db` opens read-write but does not create the file; add `mode=rwc` unless the
/// operator chose a mode.
fn sqlite_url_creating_file(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The current time in unix milliseconds UTC: the only clock the store uses.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_the_create_mode_unless_one_is_given() {
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
    }
}
