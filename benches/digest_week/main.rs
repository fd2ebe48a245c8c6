//! Weekly digest benchmark (issue 14): one guild's digest over a log of 1,000,000 entries (a
//! year of a busy network and more: 600,000 alerts, 200,000 flags, 200,000 questions, ten
//! guilds over two years), on SQLite and, when `PROMENEUR_TEST_POSTGRES_URL` is set, on
//! PostgreSQL (in a database of its own, created and dropped here). What is timed is
//! `flows::digest::build`: the week's facts and those of the four weeks of the trend (25
//! queries through the `(guild_id, time)` indexes of migration `digest_indexes`), the numbers,
//! the trend and the chart's data; what `/bilan`, the CLI and the weekly post do.
//!
//! ```sh
//! cargo bench --profile dev --bench digest_week
//! # fewer rows: DIGEST_BENCH_ROWS=100000 cargo bench --bench digest_week
//! ```

mod seed;

use std::time::{Duration, Instant};

use chrono_tz::Europe::Paris;
use criterion::{criterion_group, criterion_main, Criterion};
use promeneur::domain::digest::IsoWeek;
use promeneur::flows::digest::build;
use promeneur::store::Db;
use tokio::runtime::Runtime;

use seed::{seed, GUILD, WEEK};

fn rows() -> u64 {
    std::env::var("DIGEST_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// Times the digest of one guild and week on `db`, already seeded.
fn bench_on(c: &mut Criterion, rt: &Runtime, db: &Db, backend: &str) {
    let today = chrono::NaiveDate::from_ymd_opt(2027, 6, 1).expect("a date");
    let week = IsoWeek::parse(WEEK, today).expect("the bench's week");
    let (_, end) = week.bounds(Paris);
    let now = end + 86_400_000;
    // The numbers once, to show the week is not empty.
    let digest = rt
        .block_on(build(db, GUILD as u64, Paris, week, now))
        .expect("the digest builds");
    println!(
        "{backend}: week {WEEK} of one guild: {} alerts, {} questions",
        digest.summary.alerts.flagged, digest.summary.questions.asked
    );
    c.bench_function(&format!("digest_week/{backend}"), |b| {
        b.iter(|| {
            rt.block_on(build(db, GUILD as u64, Paris, week, now))
                .expect("the digest builds")
        })
    });
}

fn sqlite(c: &mut Criterion, rt: &Runtime) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    seed_and_bench(c, rt, &url, "sqlite")
}

/// Migrates a fresh database at `url`, writes the rows, benches the digest on it.
fn seed_and_bench(c: &mut Criterion, rt: &Runtime, url: &str, label: &str) -> anyhow::Result<()> {
    let db = rt.block_on(async {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        anyhow::Ok(db)
    })?;
    let started = Instant::now();
    let postgres = matches!(db.backend(), promeneur::store::Backend::Postgres);
    rt.block_on(seed(&db, rows(), postgres))?;
    println!(
        "{label}: {} rows written in {:.1} s",
        rows(),
        started.elapsed().as_secs_f64()
    );
    bench_on(c, rt, &db, label);
    rt.block_on(db.close());
    Ok(())
}

fn postgres(c: &mut Criterion, rt: &Runtime, admin_url: &str) -> anyhow::Result<()> {
    let name = format!("promeneur_bench_digest_{}", std::process::id());
    let base = admin_url
        .split('?')
        .next()
        .and_then(|u| u.rsplit_once('/'))
        .map(|(base, _)| base)
        .ok_or_else(|| anyhow::anyhow!("PROMENEUR_TEST_POSTGRES_URL has no database name"))?;
    let url = format!("{base}/{name}");
    let admin = rt.block_on(Db::connect(admin_url))?;
    let create = format!("CREATE DATABASE {name}");
    rt.block_on(sqlx::query(sqlx::AssertSqlSafe(create)).execute(admin.pool()))?;
    let result = seed_and_bench(c, rt, &url, "postgres");
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    rt.block_on(sqlx::query(sqlx::AssertSqlSafe(drop)).execute(admin.pool()))?;
    rt.block_on(admin.close());
    result
}

fn digest_week(c: &mut Criterion) {
    let rt = Runtime::new().expect("a tokio runtime");
    sqlite(c, &rt).expect("the SQLite bench runs");
    match std::env::var("PROMENEUR_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            postgres(c, &rt, &url).expect("the PostgreSQL bench runs");
        }
        _ => println!("postgres: skipped, PROMENEUR_TEST_POSTGRES_URL is not set"),
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = digest_week
}
criterion_main!(benches);
