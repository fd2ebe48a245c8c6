//! What the weekly digest counts, read from the log of one guild and one week: questions and
//! their first answers, alerts and their rules, resources added, permanences held. Only the
//! columns a count needs are read: no young person's id, pseudonym or text leaves this module.
//!
//! Every query is bounded by `guild_id` and a time range and served by an index on
//! `(guild_id, <time>)` (migration `digest_indexes`), so a week is read without scanning the
//! whole log.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context as _;
use chrono_tz::Tz;
use sqlx::{Any, FromRow, Pool};

use super::ids::{from_db, to_db};
use super::permanences;
use crate::domain::alerts::parse_categories;
use crate::domain::digest::{
    AlertFact, Facts, IsoWeek, PermanenceFact, QuestionFact, WaitingQuestion, UNANSWERED_AFTER_MS,
};
use crate::domain::permanences::occurrences;

/// The SQL of each query, public so a test can ask the database for its plan.
pub mod sql {
    pub const QUESTIONS: &str = "SELECT way, asked_at, answered_at FROM questions \
         WHERE guild_id = $1 AND asked_at >= $2 AND asked_at < $3";
    pub const WAITING: &str = "SELECT way, asked_at, thread_id FROM questions \
         WHERE guild_id = $1 AND asked_at < $2 AND answered_at IS NULL AND closed_at IS NULL";
    pub const ALERTS: &str = "SELECT id, severity, categories, flagged_at, taken_at, escalations, \
           outcome, helpline FROM alerts WHERE guild_id = $1 AND flagged_at >= $2 AND flagged_at < $3";
    pub const FLAG_RULES: &str = "SELECT f.alert_id, f.matches FROM alerts a \
         JOIN flags f ON f.alert_id = a.id \
         WHERE a.guild_id = $1 AND a.flagged_at >= $2 AND a.flagged_at < $3 AND a.outcome IS NOT NULL";
    pub const RESOURCES: &str = "SELECT COUNT(*) FROM resources \
         WHERE guild_id = $1 AND created_at >= $2 AND created_at < $3";
}

#[derive(FromRow)]
struct QuestionRow {
    way: String,
    asked_at: i64,
    answered_at: Option<i64>,
}

#[derive(FromRow)]
struct WaitingRow {
    way: String,
    asked_at: i64,
    thread_id: Option<i64>,
}

#[derive(FromRow)]
struct AlertRow {
    id: i64,
    severity: String,
    categories: String,
    flagged_at: i64,
    taken_at: Option<i64>,
    escalations: i64,
    outcome: Option<String>,
    helpline: Option<String>,
}

#[derive(FromRow)]
struct RulesRow {
    alert_id: i64,
    matches: String,
}

/// The facts of `week` for `guild_id` in `tz`, as they stand at `now` (unix ms): questions
/// asked, alerts flagged, resources added in the week, with what happened to them since;
/// questions asked up to the week's end still waiting more than 48 h at `now`; permanences
/// held in the week by `now`.
pub async fn week_facts(
    pool: &Pool<Any>,
    guild_id: u64,
    week: IsoWeek,
    tz: Tz,
    now: i64,
) -> anyhow::Result<Facts> {
    let (start, end) = week.bounds(tz);
    let guild = to_db(guild_id);
    let questions: Vec<QuestionRow> = sqlx::query_as(sql::QUESTIONS)
        .bind(guild)
        .bind(start)
        .bind(end)
        .fetch_all(pool)
        .await
        .context("reading the week's questions")?;
    let questions = questions
        .into_iter()
        .map(|r| {
            Ok(QuestionFact {
                way: r.way.parse().map_err(anyhow::Error::msg)?,
                asked_at: r.asked_at,
                answered_at: r.answered_at,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let waiting_before = end.min(now - UNANSWERED_AFTER_MS + 1);
    let waiting: Vec<WaitingRow> = sqlx::query_as(sql::WAITING)
        .bind(guild)
        .bind(waiting_before)
        .fetch_all(pool)
        .await
        .context("reading the questions still waiting")?;
    let waiting = waiting
        .into_iter()
        .map(|r| {
            Ok(WaitingQuestion {
                way: r.way.parse().map_err(anyhow::Error::msg)?,
                asked_at: r.asked_at,
                thread_id: r.thread_id.map(from_db),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let alerts = week_alerts(pool, guild, start, end).await?;
    let (resources_added,): (i64,) = sqlx::query_as(sql::RESOURCES)
        .bind(guild)
        .bind(start)
        .bind(end)
        .fetch_one(pool)
        .await
        .context("counting the week's resources")?;
    let permanences = held_permanences(pool, guild_id, week, tz, now).await?;
    Ok(Facts {
        questions,
        waiting,
        alerts,
        resources_added: u32::try_from(resources_added).unwrap_or(u32::MAX),
        permanences,
    })
}

async fn week_alerts(
    pool: &Pool<Any>,
    guild: i64,
    start: i64,
    end: i64,
) -> anyhow::Result<Vec<AlertFact>> {
    let rows: Vec<AlertRow> = sqlx::query_as(sql::ALERTS)
        .bind(guild)
        .bind(start)
        .bind(end)
        .fetch_all(pool)
        .await
        .context("reading the week's alerts")?;
    // The rules matter only for closed alerts (false positives by rule family).
    let rule_rows: Vec<RulesRow> = sqlx::query_as(sql::FLAG_RULES)
        .bind(guild)
        .bind(start)
        .bind(end)
        .fetch_all(pool)
        .await
        .context("reading the rules of the week's alerts")?;
    let mut rules: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for r in rule_rows {
        let spans: Vec<(usize, usize, String)> = serde_json::from_str(&r.matches)
            .with_context(|| format!("the flags of alert {} do not parse", r.alert_id))?;
        rules
            .entry(r.alert_id)
            .or_default()
            .extend(spans.into_iter().map(|(_, _, rule)| rule));
    }
    rows.into_iter()
        .map(|r| {
            let id = r.id;
            let mut fact = || -> anyhow::Result<AlertFact> {
                Ok(AlertFact {
                    severity: r.severity.parse()?,
                    categories: parse_categories(&r.categories).map_err(anyhow::Error::msg)?,
                    flagged_at: r.flagged_at,
                    taken_at: r.taken_at,
                    escalations: u32::try_from(r.escalations)?,
                    outcome: r.outcome.as_deref().map(str::parse).transpose()?,
                    dm_refused: r.helpline.as_deref() == Some("refused"),
                    rules: rules.remove(&id).unwrap_or_default(),
                })
            };
            fact().with_context(|| format!("alert {id} does not parse"))
        })
        .collect()
}

/// The permanences of the week that had ended by `now`, from the slots that existed then.
async fn held_permanences(
    pool: &Pool<Any>,
    guild_id: u64,
    week: IsoWeek,
    tz: Tz,
    now: i64,
) -> anyhow::Result<Vec<PermanenceFact>> {
    let (start, end) = week.bounds(tz);
    let lives = permanences::of_guild_during(pool, guild_id, start, end)
        .await
        .context("reading the week's permanences")?;
    let exceptions = permanences::exceptions_between(pool, guild_id, week.monday(), week.sunday())
        .await
        .context("reading the week's permanence exceptions")?;
    let slots: Vec<_> = lives.iter().map(|l| l.slot.clone()).collect();
    let held = occurrences(&slots, &exceptions, week.monday(), week.sunday(), tz);
    Ok(held
        .into_iter()
        .filter(|o| o.end_ms <= now)
        .filter_map(|o| {
            let life = lives.iter().find(|l| l.slot.id == o.slot_id)?;
            let existed =
                life.created_at <= o.start_ms && life.retired_at.is_none_or(|r| r >= o.end_ms);
            existed.then(|| PermanenceFact {
                promeneur_id: o.promeneur_id,
                promeneur_name: life.slot.promeneur_name.clone(),
                start_ms: o.start_ms,
                end_ms: o.end_ms,
            })
        })
        .collect())
}

/// Whether the scheduler recorded a run of `job` for another period than `period_key` (the
/// one running now, already claimed).
pub async fn ran_before(pool: &Pool<Any>, job: &str, period_key: &str) -> anyhow::Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM job_runs WHERE job = $1 AND period_key <> $2")
            .bind(job)
            .bind(period_key)
            .fetch_one(pool)
            .await
            .context("reading the digest job's earlier runs")?;
    Ok(n > 0)
}
