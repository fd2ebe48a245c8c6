//! A million journal-like rows written by three SQL statements (no round trip per row): alerts
//! (six in ten), their flags (one alert in three has one) and questions, spread evenly over
//! ten guilds and two years (row `i` belongs to guild `i % 10`; its other columns follow
//! `i / 10`, so every guild gets the same mix of severities, categories, outcomes and delays).

use promeneur::store::Db;

/// The guild whose digest is timed (the first of ten).
pub const GUILD: i64 = 900_000_000_000_000_000;
/// The week timed: in the middle of the log.
pub const WEEK: &str = "2026-W10";
/// 2025-01-06 00:00 UTC, a Monday.
const START: i64 = 1_736_121_600_000;
/// Two years.
const SPAN_MS: i64 = 730 * 86_400_000;

/// The numbers `0..$1`: a recursive CTE on SQLite, `generate_series` on PostgreSQL.
fn numbers(postgres: bool) -> (&'static str, &'static str) {
    if postgres {
        ("", "generate_series(0::bigint, $1::bigint - 1) AS n(i)")
    } else {
        (
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1) ",
            "n",
        )
    }
}

pub async fn seed(db: &Db, rows: u64, postgres: bool) -> anyhow::Result<()> {
    let alerts = (rows * 6 / 10) as i64;
    let questions = (rows * 2 / 10) as i64;
    let (with, from) = numbers(postgres);
    let alert_sql = format!(
        "{with}INSERT INTO alerts (guild_id, channel_id, author_id, author_pseudonym, severity, \
           categories, status, message_count, last_message_at, flagged_at, taken_at, escalations, \
           outcome, helpline) \
         SELECT $2 + i % 10, 42, 7000 + i % 5000, 'p-' || (i % 5000), \
           CASE (i / 10) % 4 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END, \
           CASE (i / 10) % 3 WHEN 0 THEN 'distress' WHEN 1 THEN 'harassment' ELSE 'distress,suicide_selfharm' END, \
           CASE WHEN (i / 10) % 5 = 0 THEN 'open' ELSE 'closed' END, 1, $3 + i * $4, $3 + i * $4, \
           CASE WHEN (i / 10) % 5 = 0 THEN NULL ELSE $3 + i * $4 + ((i / 10) % 3600) * 1000 END, \
           CASE WHEN (i / 10) % 3 = 0 THEN 1 ELSE 0 END, \
           CASE WHEN (i / 10) % 5 = 0 THEN NULL WHEN (i / 10) % 5 = 1 THEN 'faux_positif' ELSE 'accompagne' END, \
           CASE WHEN (i / 10) % 7 = 0 THEN 'refused' ELSE 'sent' END \
         FROM {from}"
    );
    sqlx::query(sqlx::AssertSqlSafe(alert_sql))
        .bind(alerts)
        .bind(GUILD)
        .bind(START)
        .bind(SPAN_MS / alerts.max(1))
        .execute(db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO flags (alert_id, message_id, channel_id, severity, categories, excerpt, \
           matches, created_at, updated_at) \
         SELECT id, id, 42, severity, categories, 'x', \
           CASE WHEN (id / 10) % 2 = 0 THEN '[[0,3,\"fr.distress.low\"]]' ELSE '[[0,3,\"fr.suicide.word\"]]' END, \
           flagged_at, flagged_at FROM alerts WHERE id % 3 = 0",
    )
    .execute(db.pool())
    .await?;
    // Three in four answered; of the rest, all but one in a hundred closed unanswered.
    let question_sql = format!(
        "{with}INSERT INTO questions (guild_id, way, status, asker_pseudonym, asker_id, channel_id, \
           thread_id, title, asked_at, answered_at, closed_at) \
         SELECT $2 + i % 10, \
           CASE (i / 10) % 3 WHEN 0 THEN 'open' WHEN 1 THEN 'anonymous' ELSE 'private' END, \
           CASE WHEN (i / 10) % 4 <> 0 THEN 'answered' WHEN (i / 10) % 400 = 0 THEN 'open' ELSE 'closed' END, \
           'p-' || (i % 5000), 7000 + i % 5000, 5, 100000 + i, 'q', $3 + i * $4, \
           CASE WHEN (i / 10) % 4 <> 0 THEN $3 + i * $4 + ((i / 10) % 7200) * 1000 END, \
           CASE WHEN (i / 10) % 4 = 0 AND (i / 10) % 400 <> 0 THEN $3 + i * $4 + 259200000 END \
         FROM {from}"
    );
    sqlx::query(sqlx::AssertSqlSafe(question_sql))
        .bind(questions)
        .bind(GUILD)
        .bind(START)
        .bind(SPAN_MS / questions.max(1))
        .execute(db.pool())
        .await?;
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    Ok(())
}
