//! The weekly digest end to end: a seeded week in the running bot's database, the scheduled
//! job fired on a set clock, and the digest the real bot posts in #coordination through
//! discord-sim, with its chart attached as a PNG in a multipart body checked against Discord's
//! OpenAPI spec (when `DISCORD_OPENAPI_SPEC` is set).

use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, TimeZone as _};
use chrono_tz::Europe::Paris;
use promeneur::bot::Bot;
use promeneur::domain::digest::IsoWeek;
use promeneur::domain::permanences::{local_date, week_start};
use promeneur::domain::pseudonym::PseudonymKey;
use promeneur::prompts::{digest_chart_labels, Lang};
use promeneur::safety::RuleSet;
use promeneur::scheduler::ManualClock;
use promeneur::store::{now_ms, Db};

use crate::digest_seed::{SeedWeek, SECRET_TITLE};
use crate::e2e::World;

/// Waits until the running bot's own scheduler has recorded the guild's first digest period
/// (its baseline), so the set-clock run below is not the first one.
async fn wait_for_baseline(db: &Db, job: &str) {
    for _ in 0..200 {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM job_runs WHERE job = $1")
            .bind(job)
            .fetch_one(db.pool())
            .await
            .expect("job_runs readable");
        if n > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the bot never ran its digest job");
}

#[tokio::test]
async fn the_scheduled_digest_posts_the_seeded_weeks_numbers_with_its_chart_attached() {
    let w = World::start("").await;
    let guild = w.sim.guild_ids()[0];
    let db = Db::connect(&w.database_url())
        .await
        .expect("the bot's database");
    // The week two weeks back in Paris: complete, and the Monday it is posted on is past.
    let today = local_date(now_ms(), Paris).expect("a current date");
    let monday = week_start(today) - Days::new(14);
    let week = IsoWeek::of(monday);
    let lea = w.sim.user_id("lea").unwrap();
    SeedWeek {
        guild: guild as i64,
        monday,
        young_id: lea as i64,
    }
    .seed(&db)
    .await;

    let job = format!("digest:{guild}");
    wait_for_baseline(&db, &job).await;
    // A second process on the same database, its clock set to the next Monday at 09:00 Paris:
    // its digest job fires and stores the week's digest; the running bot delivers it.
    let config = promeneur::sandbox::demo_config(&w.sim, &w.database_url(), "").unwrap();
    let second = Arc::new(Bot::new(
        Arc::new(config),
        db.clone(),
        Arc::new(RuleSet::builtin().expect("shipped rules compile")),
        PseudonymKey::new(b"a-test-pseudonym-key-that-is-long-enough".to_vec()).unwrap(),
    ));
    let posting = Paris
        .from_local_datetime(&(monday + Days::new(7)).and_hms_opt(9, 0, 0).unwrap())
        .single()
        .unwrap()
        .timestamp_millis();
    let clock = Arc::new(ManualClock::new(posting));
    let scheduler = promeneur::jobs::scheduler(second.clone(), clock.clone());
    scheduler.tick().await;

    let heading = format!("Bilan de la semaine {week}");
    let post = w
        .sim
        .wait_post(|p| p.is_in("#coordination") && p.content.contains(&heading))
        .await
        .expect("the digest is posted in #coordination");
    let text = &post.content;
    for expected in [
        "**Questions : 4**",
        "(ouvertes 2, anonymes 1, privées 1)",
        "Répondues : 50 %",
        "**Alertes : 3**",
        "mal-être 2 ; harcèlement 1 ; idées suicidaires, automutilation 1",
        "critique 1 ; élevée 1 ; moyenne 1",
        "médiane 10 min",
        "p90 30 min",
        "escaladées : 2",
        "encore ouvertes : 1",
        "`fr.distress` 100 % (1/1)",
        "**Ressources ajoutées : 1**",
        "**Permanences tenues : 1**",
        "Karim",
        &format!("https://discord.com/channels/{guild}/1003"),
    ] {
        assert!(text.contains(expected), "`{expected}` missing in:\n{text}");
    }
    // No young person anywhere: not their text, id, pseudonym or name.
    for leak in [SECRET_TITLE, &lea.to_string(), "p-young", "lea"] {
        assert!(!text.contains(leak), "`{leak}` leaks into:\n{text}");
    }
    assert!(post.pinged_users.is_empty() && post.pinged_roles.is_empty());

    // The chart rides along in the same request: a multipart body whose payload_json
    // describes it (and was validated against the spec, see `w.stop()`).
    let file_name = format!("bilan-{week}.png");
    let coordination = w.sim.channel_id("#coordination").unwrap();
    let calls: Vec<_> = w
        .sim
        .calls()
        .into_iter()
        .filter(|c| {
            c.method == "POST"
                && c.path == format!("/channels/{coordination}/messages")
                && c.files.contains(&file_name)
        })
        .collect();
    assert_eq!(calls.len(), 1, "one digest request");
    let body = calls[0].body.as_ref().expect("a payload_json");
    assert_eq!(body["attachments"][0]["filename"], file_name.as_str());
    assert_eq!(body["attachments"][0]["id"], "0");
    assert!(body["nonce"].as_str().is_some_and(|n| n.len() <= 25));
    let upload = w
        .sim
        .uploads()
        .into_iter()
        .find(|u| u.filename == file_name)
        .expect("the chart is uploaded");
    assert_eq!(&upload.data[..8], b"\x89PNG\r\n\x1a\n");
    let artefact = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("digest-e2e-chart.png");
    std::fs::write(&artefact, &upload.data).expect("the artefact is written");
    eprintln!("the posted chart: {}", artefact.display());

    // The picture is exactly the chart of the seeded numbers.
    let digest = promeneur::flows::digest::build(&db, guild, Paris, week, now_ms())
        .await
        .unwrap();
    let c = &digest.chart;
    assert_eq!(c.alerts_by_day["distress"], [1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(c.alerts_by_day["suicide_selfharm"], [0, 0, 0, 1, 0, 0, 0]);
    assert_eq!(c.alerts_by_day["harassment"], [0, 0, 0, 0, 0, 1, 0]);
    assert_eq!(c.questions_by_day["open"], [1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(c.questions_by_day["private"], [0, 1, 0, 0, 0, 0, 0]);
    assert_eq!(c.questions_by_day["anonymous"], [0, 0, 1, 0, 0, 0, 0]);
    assert_eq!((c.time_to_take, c.not_taken), ([0, 1, 1, 0, 0], 1));
    let drawn = promeneur::chart::render_png(c, &digest_chart_labels(Lang::Fr, &digest)).unwrap();
    assert!(
        drawn == upload.data,
        "the attached PNG is the seeded week's chart"
    );

    // The job's period is done: another tick (or another process) posts nothing more.
    scheduler.tick().await;
    promeneur::jobs::scheduler(second, clock).tick().await;
    w.sim
        .assert_no_message(Duration::from_millis(800), |p| {
            p.is_in("#coordination") && p.content.contains(&heading) && p.seq != post.seq
        })
        .await
        .unwrap();
    db.close().await;
    w.stop().await;
}
