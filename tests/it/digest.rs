//! The weekly digest on a real database (SQLite, and PostgreSQL when configured): a seeded week
//! gives the expected numbers, no young person's text or id appears, the CLI writes md, json
//! and csv and names what is wrong in its arguments.

use chrono::{NaiveDate, TimeZone as _};
use chrono_tz::Europe::Paris;
use promeneur::domain::digest::IsoWeek;
use promeneur::flows::digest::{build, report, Format};
use promeneur::store::Db;

use crate::digest_seed::{SeedWeek, SECRET_TITLE};
use crate::support::{each_backend, test_config, GUILD};

const YOUNG_ID: i64 = 777_000_000_000_000_777;

/// Paris local time of November 2026, in unix ms.
fn at(day: u32, hour: u32, minute: u32) -> i64 {
    Paris
        .with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .expect("a plain November time")
        .timestamp_millis()
}

const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;

/// Week 2026-W47 (Monday 16 to Sunday 22 November), with a little of W46 and another guild.
async fn seed(db: &Db) {
    SeedWeek {
        guild: GUILD as i64,
        monday: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
        young_id: YOUNG_ID,
    }
    .seed(db)
    .await;
}

fn w47() -> IsoWeek {
    IsoWeek::parse("2026-W47", NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap()
}

#[tokio::test]
async fn a_seeded_week_gives_its_numbers_on_each_backend() {
    each_backend(|t| async move {
        seed(&t.db).await;
        let now = at(23, 9, 0);
        let d = build(&t.db, GUILD, Paris, w47(), now)
            .await
            .expect("digest built");
        let q = &d.summary.questions;
        assert_eq!((q.asked, q.open, q.anonymous, q.private), (4, 2, 1, 1));
        assert_eq!((q.answered, q.answered_pct), (2, Some(50.0)));
        assert_eq!(q.first_answer.median_ms, Some(HOUR));
        assert_eq!(q.first_answer.p90_ms, Some(3 * HOUR));
        // The anonymous one of Wednesday and last week's private one; not Sunday's (34 h).
        let waiting: Vec<_> = q
            .waiting_over_48h
            .iter()
            .map(|w| w.thread_id.clone().unwrap())
            .collect();
        assert_eq!(waiting, vec!["1005", "1003"]);
        let a = &d.summary.alerts;
        assert_eq!(a.flagged, 3);
        assert_eq!(a.by_category.get("distress"), Some(&2));
        assert_eq!(a.by_severity.get("critical"), Some(&1));
        assert_eq!(a.taken, 2);
        assert_eq!(a.time_to_take.median_ms, Some(10 * MIN));
        assert_eq!(a.time_to_take.p90_ms, Some(30 * MIN));
        assert_eq!((a.escalated, a.still_open, a.dms_refused), (2, 1, 1));
        assert_eq!(a.outcomes.get("accompagne"), Some(&1));
        let rules: Vec<_> = a
            .false_positive_rules
            .iter()
            .map(|r| (r.family.as_str(), r.share_pct))
            .collect();
        assert_eq!(rules, vec![("fr.distress", 100.0)]);
        assert_eq!(d.summary.resources_added, 1);
        let p = &d.summary.permanences;
        assert_eq!(
            (p.held, p.minutes),
            (1, 120),
            "Monday held, Wednesday cancelled"
        );
        assert_eq!(p.by_promeneur[0].name, "Karim");
        assert!(!d.partial);
        // The week before had one alert: three is up.
        assert_eq!(d.trend.alerts.map(|d| d.arrow()), Some("↑"));

        let config = test_config(&t.url, "");
        for format in [Format::Md, Format::Json, Format::Csv] {
            let text = report(&config, &t.db, GUILD, Some("2026-W47"), format, now)
                .await
                .unwrap();
            assert!(
                !text.contains(SECRET_TITLE),
                "{format:?} quotes a young person: {text}"
            );
            assert!(
                !text.contains(&YOUNG_ID.to_string()),
                "{format:?} names a young person"
            );
            assert!(!text.contains("p-young"), "{format:?} shows a pseudonym");
        }
        let md = report(&config, &t.db, GUILD, Some("2026-W47"), Format::Md, now)
            .await
            .unwrap();
        assert!(md.contains("**Questions : 4**"), "{md}");
        assert!(
            md.contains(&format!("https://discord.com/channels/{GUILD}/1003")),
            "{md}"
        );
        assert!(md.contains("`fr.distress` 100 % (1/1)"), "{md}");
        assert!(
            md.contains("médiane 1 h 00, p90 3 h 00"),
            "no space left by a missing arrow: {md}"
        );
        assert!(md.contains("mal-être 2 ; harcèlement 1"), "{md}");
        assert!(
            md.len() < 2000,
            "fits one Discord message: {} chars",
            md.len()
        );
        let json: serde_json::Value = serde_json::from_str(
            &report(&config, &t.db, GUILD, None, Format::Json, at(25, 12, 0))
                .await
                .unwrap(),
        )
        .expect("json parses");
        assert_eq!(
            json["week"], "2026-W47",
            "the default is the last complete week"
        );
        assert_eq!(json["summary"]["alerts"]["flagged"], 3);
        let csv = report(&config, &t.db, GUILD, Some("2026-11-18"), Format::Csv, now)
            .await
            .unwrap();
        assert!(csv.starts_with("section,metric,key,value\n"));
        assert!(csv.contains("questions,asked,private,1\n"), "{csv}");
        assert!(csv.contains("alerts,take_p90_ms,,1800000\n"), "{csv}");
    })
    .await;
}

#[tokio::test]
async fn a_quiet_week_says_nothing_to_report_and_bad_arguments_are_named() {
    each_backend(|t| async move {
        let config = test_config(&t.url, "");
        let now = at(25, 12, 0);
        let md = report(&config, &t.db, GUILD, Some("2026-W40"), Format::Md, now)
            .await
            .unwrap();
        assert!(md.contains("Rien à signaler"), "{md}");
        let err = report(&config, &t.db, GUILD, Some("2026-W55"), Format::Md, now)
            .await
            .unwrap_err();
        assert!(err.to_string().starts_with("--week:"), "{err}");
        let err = report(&config, &t.db, GUILD, Some("2027-W02"), Format::Md, now)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("has not started"), "{err}");
        let err = report(&config, &t.db, 5, None, Format::Md, now)
            .await
            .unwrap_err();
        assert!(err.to_string().starts_with("--guild:"), "{err}");
        // The week in progress is partial.
        let d = build(
            &t.db,
            GUILD,
            Paris,
            IsoWeek::of(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
            now,
        )
        .await
        .unwrap();
        assert!(d.partial);
    })
    .await;
}

#[test]
fn the_cli_prints_the_digest_and_refuses_an_unknown_format() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("p.toml");
    std::fs::write(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[[guilds]]\nid = {GUILD}\nalert_channel = 2\npromeneur_role = 3\n",
            dir.path().join("d.db").display()
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        crate::support::promeneur_bin()
            .arg("--config")
            .arg(&config)
            .arg("digest")
            .args(args)
            .output()
            .unwrap()
    };
    let gid = GUILD.to_string();
    let out = run(&["--guild", &gid, "--week", "2026-W47", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    assert_eq!(json["week"], "2026-W47");
    assert_eq!(json["summary"]["questions"]["asked"], 0);
    let out = run(&["--guild", &gid, "--format", "pdf"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
    let out = run(&["--guild", &gid, "--week", "later"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--week"));
}

// --- The weekly push: the scheduler's `digest:<guild>` job and the outbox, on a set clock. ---

mod push {
    use std::sync::Arc;

    use chrono::TimeZone as _;
    use chrono_tz::Europe::Paris;
    use promeneur::bot::Bot;
    use promeneur::domain::pseudonym::PseudonymKey;
    use promeneur::safety::RuleSet;
    use promeneur::scheduler::ManualClock;
    use promeneur::store::Db;

    use crate::support::{each_backend, test_bot, test_config, TestDb, GUILD, PG_VAR};

    fn paris(mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        Paris
            .with_ymd_and_hms(2026, mo, d, h, mi, s)
            .single()
            .expect("an unambiguous Paris time")
            .timestamp_millis()
    }

    /// The digests stored in the outbox, by dedup key.
    async fn digests(db: &Db) -> Vec<String> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT dedup_key FROM outbox WHERE kind = 'post_digest' ORDER BY dedup_key",
        )
        .fetch_all(db.pool())
        .await
        .expect("outbox readable");
        rows.into_iter().map(|(k,)| k).collect()
    }

    fn key(week: &str) -> String {
        format!("digest:{GUILD}:{week}")
    }

    #[tokio::test]
    async fn the_digest_is_stored_once_on_monday_at_nine_in_paris_across_the_october_dst_change_and_a_restart(
    ) {
        each_backend(|t| async move {
            let bot = test_bot(&t, "");
            // Clocks went back on Sunday 25 October 2026; Monday 26 at 09:00 is 08:00 UTC.
            let clock = Arc::new(ManualClock::new(paris(10, 26, 8, 59, 59)));
            let first = promeneur::jobs::scheduler(bot.clone(), clock.clone());
            first.tick().await;
            // A first start sets the baseline (the period due last Monday): nothing posted.
            assert!(
                digests(&t.db).await.is_empty(),
                "a new install catches nothing up"
            );
            clock.set(paris(10, 26, 9, 0, 0));
            assert_eq!(
                chrono::DateTime::from_timestamp_millis(paris(10, 26, 9, 0, 0))
                    .unwrap()
                    .format("%H:%M")
                    .to_string(),
                "08:00",
                "09:00 Paris is 08:00 UTC after the change"
            );
            first.tick().await;
            first.tick().await;
            assert_eq!(digests(&t.db).await, [key("2026-W43")]);
            // A restart one second later: a new scheduler on the same database.
            clock.set(paris(10, 26, 9, 0, 1));
            let restarted = promeneur::jobs::scheduler(bot.clone(), clock.clone());
            restarted.tick().await;
            assert_eq!(
                digests(&t.db).await,
                [key("2026-W43")],
                "once across the restart"
            );
            // The next Monday, the next week.
            clock.set(paris(11, 2, 9, 0, 0));
            restarted.tick().await;
            assert_eq!(digests(&t.db).await, [key("2026-W43"), key("2026-W44")]);
        })
        .await;
    }

    #[tokio::test]
    async fn after_an_outage_from_sunday_to_tuesday_only_last_weeks_digest_is_stored() {
        each_backend(|t| async move {
            let bot = test_bot(&t, "");
            let clock = Arc::new(ManualClock::new(paris(11, 8, 18, 0, 0)));
            promeneur::jobs::scheduler(bot.clone(), clock.clone())
                .tick()
                .await;
            assert!(digests(&t.db).await.is_empty(), "the baseline");
            // Running on Sunday 15; down from that evening to Tuesday 17: back, it stores last
            // week's (W46) digest once.
            clock.set(paris(11, 15, 18, 0, 0));
            promeneur::jobs::scheduler(bot.clone(), clock.clone())
                .tick()
                .await;
            assert_eq!(digests(&t.db).await, [key("2026-W45")]);
            clock.set(paris(11, 17, 10, 0, 0));
            let back = promeneur::jobs::scheduler(bot.clone(), clock.clone());
            back.tick().await;
            back.tick().await;
            assert_eq!(digests(&t.db).await, [key("2026-W45"), key("2026-W46")]);
            // Down for two weeks: only the latest is caught up, not the weeks before.
            clock.set(paris(12, 2, 10, 0, 0));
            promeneur::jobs::scheduler(bot.clone(), clock.clone())
                .tick()
                .await;
            let all = digests(&t.db).await;
            assert_eq!(all.last(), Some(&key("2026-W48")));
            assert!(
                !all.contains(&key("2026-W47")),
                "W47's is not caught up: {all:?}"
            );
        })
        .await;
    }

    async fn two_processes_store_one_digest(t: TestDb) {
        let other = Db::connect(&t.url).await.expect("a second handle opens");
        let a = test_bot(&t, "");
        let b = Arc::new(Bot::new(
            Arc::new(test_config(&t.url, "")),
            other.clone(),
            Arc::new(RuleSet::builtin().expect("shipped rules compile")),
            PseudonymKey::new(b"a-test-pseudonym-key-that-is-long-enough".to_vec()).unwrap(),
        ));
        // Both processes ran the week before (the baseline), then Monday 09:00 comes.
        let clock = Arc::new(ManualClock::new(paris(11, 20, 9, 0, 0)));
        let sa = promeneur::jobs::scheduler(a, clock.clone());
        let sb = promeneur::jobs::scheduler(b, clock.clone());
        tokio::join!(sa.tick(), sb.tick());
        clock.set(paris(11, 23, 9, 0, 0));
        for _ in 0..5 {
            tokio::join!(sa.tick(), sb.tick());
        }
        assert_eq!(digests(&t.db).await, [key("2026-W47")]);
        let (runs,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM job_runs WHERE job LIKE 'digest:%'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        assert_eq!(runs, 2, "one recorded run per week");
        other.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_schedulers_on_one_postgresql_database_store_the_digest_once() {
        match TestDb::postgres().await {
            Some(t) => two_processes_store_one_digest(t).await,
            None => eprintln!("skipped the PostgreSQL run: {PG_VAR} is not set"),
        }
    }

    #[tokio::test]
    async fn a_schedule_that_does_not_parse_is_refused_naming_the_key() {
        let err = promeneur::config::Config::from_toml_str(
            "[digest]\nschedule = \"lundy 9h\"\n",
            "t.toml",
            &promeneur::config::Env::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("digest.schedule"), "{err}");
        assert!(err.to_string().contains("lundi"), "suggests the day: {err}");
    }

    #[tokio::test]
    async fn a_guild_without_a_coordination_channel_gets_no_scheduled_digest() {
        let t = TestDb::sqlite().await;
        let config = test_config(&t.url, "").guilds[0].clone();
        let mut config_all = test_config(&t.url, "");
        config_all.guilds = vec![promeneur::config::GuildConfig {
            coordination_channel: None,
            ..config
        }];
        let bot = Arc::new(Bot::new(
            Arc::new(config_all),
            t.db.clone(),
            Arc::new(RuleSet::builtin().unwrap()),
            PseudonymKey::new(b"a-test-pseudonym-key-that-is-long-enough".to_vec()).unwrap(),
        ));
        // Two Mondays pass (the first is the baseline a guild with a channel would have).
        let clock = Arc::new(ManualClock::new(paris(11, 20, 9, 0, 0)));
        let s = promeneur::jobs::scheduler(bot, clock.clone());
        s.tick().await;
        clock.set(paris(11, 23, 9, 0, 0));
        s.tick().await;
        assert!(digests(&t.db).await.is_empty());
        let (runs,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM job_runs WHERE job LIKE 'digest:%'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        assert_eq!(runs, 0, "no digest job at all");
    }
}

// --- `/bilan` through discord-sim, with the real serenity/poise client. ---

#[tokio::test]
async fn bilan_answers_coordinators_privately_and_refuses_everyone_else() {
    let w = crate::e2e::World::start("").await;
    let nadia = w.ask("nadia", "/bilan").await;
    assert!(nadia.ephemeral);
    assert!(
        nadia.content.contains("Bilan de la semaine"),
        "{}",
        nadia.content
    );
    assert!(
        nadia.content.contains("Semaine en cours"),
        "the week in progress: {}",
        nadia.content
    );
    let past = w.ask("nadia", "/bilan semaine:2026-W47").await;
    assert!(past.content.contains("2026-W47"), "{}", past.content);
    let bad = w.ask("nadia", "/bilan semaine:bientôt").await;
    assert!(
        bad.ephemeral && bad.content.contains("`bientôt`"),
        "{}",
        bad.content
    );
    for user in ["karim", "lea"] {
        let refused = w.ask(user, "/bilan").await;
        assert!(refused.ephemeral);
        assert!(
            refused.content.contains("réservé à la coordination"),
            "{user}: {}",
            refused.content
        );
    }
    w.stop().await;
}

/// The digest reads a week through the `(guild_id, time)` indexes, not by scanning the log
/// (SQLite's plan; PostgreSQL's planner picks the same indexes once tables are large).
#[tokio::test]
async fn the_week_queries_use_the_guild_and_time_indexes_on_sqlite() {
    use promeneur::store::digest::sql;
    let t = crate::support::TestDb::sqlite().await;
    for (query, index) in [
        (sql::QUESTIONS, "questions_guild_asked"),
        (sql::ALERTS, "alerts_guild_flagged"),
        (sql::FLAG_RULES, "alerts_guild_flagged"),
        (sql::RESOURCES, "resources_guild_created"),
    ] {
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {query}")))
                .bind(1i64)
                .bind(0i64)
                .bind(1i64)
                .fetch_all(t.db.pool())
                .await
                .expect("a plan");
        let text: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
        assert!(
            text.iter().any(|l| l.contains(index)),
            "{query}\nplan: {text:?}"
        );
    }
}
