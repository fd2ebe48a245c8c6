//! Permanences on real databases (SQLite, and PostgreSQL when configured) through the flows,
//! with a set clock; then end to end through discord-sim with the real client.

use std::time::Duration;

use chrono::{Datelike, TimeZone, Timelike, Utc};
use discord_sim::PostKind;
use promeneur::domain::effects::Effect;
use promeneur::domain::permanences::{Field, NewException, NewSlot, OnDuty, PermanenceError};
use promeneur::flows::permanences::{self as flow, Enqueued, Promeneur};
use promeneur::store::outbox;

use crate::e2e::{is_alert, World};
use crate::support::{each_backend, test_bot, GUILD};

const KARIM: u64 = 700_000_000_000_000_001;
const JULIE: u64 = 700_000_000_000_000_002;
const WORRYING: &str = "je veux mourir, ce soir je prends toutes mes boites de dolipranes";

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a valid UTC time")
        .timestamp_millis()
}

fn slot<'a>(jour: &'a str, debut: &'a str, fin: &'a str) -> NewSlot<'a> {
    NewSlot {
        jour,
        debut,
        fin,
        lieu: None,
    }
}

const fn karim() -> Promeneur<'static> {
    Promeneur {
        id: KARIM,
        name: "Karim",
    }
}

#[tokio::test]
async fn overlapping_or_bad_slots_are_refused_and_nothing_is_saved() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        // Sunday 6 December 2026, 03:00 in Paris.
        let now = utc(2026, 12, 6, 2, 0);
        let added = flow::add(
            &bot,
            GUILD,
            karim(),
            slot("mardi", "17:00", "19:00"),
            KARIM,
            now,
        )
        .await
        .unwrap()
        .expect("a valid slot is added");
        let overlap = flow::add(
            &bot,
            GUILD,
            karim(),
            slot("mardi", "18h", "20h"),
            KARIM,
            now,
        )
        .await
        .unwrap();
        assert_eq!(overlap, Err(PermanenceError::Overlap { other: added.id }));
        let bad = flow::add(
            &bot,
            GUILD,
            karim(),
            slot("mardi", "25:00", "26:00"),
            KARIM,
            now,
        )
        .await
        .unwrap();
        assert_eq!(bad.err().map(|e| e.field()), Some(Field::Debut));
        // Julie may share Karim's hours.
        let julie = Promeneur {
            id: JULIE,
            name: "Julie",
        };
        flow::add(
            &bot,
            GUILD,
            julie,
            slot("mardi", "18:00", "20:00"),
            KARIM,
            now,
        )
        .await
        .unwrap()
        .expect("two promeneurs may overlap");
        let listed = flow::fortnight(&bot, GUILD, now).await.unwrap();
        // This week ends today (Sunday); next week has one Tuesday, the 8th: two slots.
        assert_eq!(listed.len(), 2);
        assert_eq!(
            flow::retire(&bot, GUILD, 999, 7, now).await.unwrap(),
            Err(PermanenceError::NotFound(999))
        );
        flow::retire(&bot, GUILD, added.id, 7, now)
            .await
            .unwrap()
            .expect("retired");
        assert_eq!(flow::fortnight(&bot, GUILD, now).await.unwrap().len(), 1);
        assert_eq!(
            flow::retire(&bot, GUILD, added.id, 7, now).await.unwrap(),
            Err(PermanenceError::NotFound(added.id))
        );
    })
    .await;
}

#[tokio::test]
async fn who_is_on_duty_follows_the_set_clock_and_the_exceptions() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let sunday = utc(2026, 12, 6, 2, 0);
        let s = flow::add(
            &bot,
            GUILD,
            karim(),
            slot("mardi", "17:00", "19:00"),
            KARIM,
            sunday,
        )
        .await
        .unwrap()
        .unwrap();
        // Tuesday 8 December, 17:30 in Paris (16:30 UTC, winter time).
        let during = utc(2026, 12, 8, 16, 30);
        assert_eq!(
            flow::on_duty(&bot, GUILD, during).await.unwrap(),
            OnDuty::Now {
                promeneurs: vec![(KARIM, utc(2026, 12, 8, 18, 0))]
            }
        );
        assert_eq!(
            flow::on_duty(&bot, GUILD, sunday).await.unwrap(),
            OnDuty::Next {
                start_ms: utc(2026, 12, 8, 16, 0),
                end_ms: utc(2026, 12, 8, 18, 0),
                promeneurs: vec![KARIM]
            }
        );
        let said = flow::on_duty_text(&bot, GUILD, during).await.unwrap();
        assert_eq!(said, format!("<@{KARIM}> est en permanence jusqu'à 19h."));
        let said = flow::on_duty_text(&bot, GUILD, sunday).await.unwrap();
        assert_eq!(
            said,
            format!("Prochaine permanence : mardi 8/12 à 17h avec <@{KARIM}>.")
        );
        // Cancelled on the 8th: nobody then, next is the 15th.
        let cancel = NewException {
            date: "08/12/2026",
            annulee: true,
            debut: None,
            fin: None,
        };
        flow::add_exception(&bot, GUILD, None, KARIM, cancel, sunday)
            .await
            .unwrap()
            .expect("Karim's only Tuesday slot is cancelled that day");
        assert!(matches!(
            flow::on_duty(&bot, GUILD, during).await.unwrap(),
            OnDuty::Next { start_ms, .. } if start_ms == utc(2026, 12, 15, 16, 0)
        ));
        // The 15th moved to 10:00-11:00.
        let moved = NewException {
            date: "2026-12-15",
            annulee: false,
            debut: Some("10h"),
            fin: Some("11h"),
        };
        flow::add_exception(&bot, GUILD, Some(s.id), KARIM, moved, sunday)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            flow::on_duty(&bot, GUILD, utc(2026, 12, 15, 9, 30))
                .await
                .unwrap()
                .on_duty_now(),
            vec![KARIM]
        );
        // Bad exceptions name their option and save nothing.
        let past = NewException {
            date: "2026-12-01",
            annulee: true,
            debut: None,
            fin: None,
        };
        let refused = flow::add_exception(&bot, GUILD, Some(s.id), KARIM, past, sunday)
            .await
            .unwrap();
        assert_eq!(refused, Err(PermanenceError::DateInPast));
        let wrong_day = NewException {
            date: "2026-12-09",
            annulee: true,
            debut: None,
            fin: None,
        };
        let refused = flow::add_exception(&bot, GUILD, Some(s.id), KARIM, wrong_day, sunday)
            .await
            .unwrap();
        assert_eq!(refused.err().map(|e| e.field()), Some(Field::Date));
        let unknown = flow::add_exception(&bot, GUILD, Some(999), KARIM, cancel, sunday)
            .await
            .unwrap();
        assert_eq!(unknown, Err(PermanenceError::NotFound(999)));
    })
    .await;
}

#[tokio::test]
async fn the_weeks_events_are_enqueued_once_even_after_a_restart() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let sunday = utc(2026, 12, 6, 2, 0);
        let s = flow::add(
            &bot,
            GUILD,
            karim(),
            slot("mardi", "17:00", "19:00"),
            KARIM,
            sunday,
        )
        .await
        .unwrap()
        .unwrap();
        flow::add(
            &bot,
            GUILD,
            karim(),
            slot("lundi", "09:00", "10:00"),
            KARIM,
            sunday,
        )
        .await
        .unwrap()
        .unwrap();
        // Two processes (or one restarted: a fresh cache) syncing at the same time.
        flow::sync(&bot, sunday, &Enqueued::default())
            .await
            .unwrap();
        flow::sync(&bot, sunday + 1000, &Enqueued::default())
            .await
            .unwrap();
        let pending = outbox::claim_due(bot.db.pool(), sunday + 2000, 1000, 100)
            .await
            .unwrap();
        let effects: Vec<Effect> = pending
            .iter()
            .map(|e| Effect::from_payload(&e.payload).unwrap())
            .collect();
        // Monday 7th and Tuesday 8th are within the week ahead; no question channel, so no
        // announcement, and nothing runs now anyway.
        assert_eq!(effects.len(), 2, "{effects:?}");
        assert!(effects.contains(&Effect::CreatePermanenceEvent {
            slot_id: s.id,
            start_ms: utc(2026, 12, 8, 16, 0)
        }));
    })
    .await;
}

/// Today's local weekday and a slot from this minute to two hours later (or 24:00).
fn slot_from_now(tz: chrono_tz::Tz) -> (String, String, String) {
    let local = Utc::now().with_timezone(&tz);
    let start = local.hour() * 60 + local.minute();
    let end = (start + 120).min(24 * 60);
    let days = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    let day = days[local.weekday().num_days_from_monday() as usize].to_string();
    (
        day,
        format!("{:02}h{:02}", start / 60, start % 60),
        format!("{:02}h{:02}", end / 60, end % 60),
    )
}

#[tokio::test]
async fn a_permanence_added_for_now_names_the_promeneur_routes_alerts_and_fills_the_events_tab() {
    let w = World::start("").await;
    let karim = w.sim.user_id("karim").unwrap();
    let role = w.sim.role_id("Promeneur").unwrap();
    // A young person may not add one.
    let refused = w
        .ask("lea", "/permanence ajouter jour:mardi debut:17h fin:19h")
        .await;
    assert!(refused.ephemeral);
    // Bad input names the option.
    let bad = w
        .ask("karim", "/permanence ajouter jour:mardi debut:25h fin:26h")
        .await;
    assert!(
        bad.ephemeral && bad.content.contains("`debut`"),
        "{}",
        bad.content
    );
    let bad = w
        .ask("karim", "/permanence ajouter jour:jourdi debut:17h fin:19h")
        .await;
    assert!(bad.content.contains("`jour`"), "{}", bad.content);
    let (day, start, end) = slot_from_now(chrono_tz::Europe::Paris);
    let added = w
        .ask(
            "karim",
            &format!(
                "/permanence ajouter jour:{day} debut:{start} fin:{end} lieu:\"MJC du centre\""
            ),
        )
        .await;
    assert!(added.ephemeral);
    assert!(
        added.content.contains(&format!("<@{karim}>")),
        "{}",
        added.content
    );
    // Anyone asks who is there: Karim.
    let who = w.ask("lea", "/qui-est-la").await;
    assert!(
        who.content.contains(&format!("<@{karim}>")),
        "{}",
        who.content
    );
    let list = w.ask("sami", "/permanences").await;
    assert!(
        list.content.contains(&format!("<@{karim}>")),
        "{}",
        list.content
    );
    // The start is announced in the question channel, once, naming without pinging.
    let announced = w
        .sim
        .wait_post(|p| p.is_in("#questions") && p.kind == PostKind::Created)
        .await
        .unwrap();
    assert!(announced.content.contains(&format!("<@{karim}>")));
    assert!(announced.content.contains("MJC du centre"));
    w.sim
        .assert_no_message(Duration::from_millis(2500), |p| {
            p.is_in("#questions") && p.kind == PostKind::Created
        })
        .await
        .unwrap();
    // An alert now pings Karim, not the role.
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    assert!(
        alert.content.contains(&format!("<@{karim}>")),
        "{}",
        alert.content
    );
    assert!(
        !alert.content.contains(&format!("<@&{role}>")),
        "{}",
        alert.content
    );
    let post = w
        .sim
        .calls()
        .into_iter()
        .filter(|c| {
            c.method == "POST" && c.route.as_deref() == Some("/channels/{channel_id}/messages")
        })
        .filter_map(|c| c.body)
        .find(|b| b["embeds"].as_array().is_some_and(|e| !e.is_empty()))
        .expect("the alert's POST");
    let mentions = &post["allowed_mentions"];
    let users: Vec<String> = mentions["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            v.as_str()
                .map(String::from)
                .unwrap_or_else(|| v.to_string())
        })
        .collect();
    assert_eq!(users, [karim.to_string()], "{mentions}");
    assert!(
        mentions["roles"].as_array().is_none_or(|r| r.is_empty()),
        "{mentions}"
    );
    // Next week's occurrence is in the Events tab: external, with its place and end.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let events = loop {
        let events = w.sim.scheduled_events();
        if !events.is_empty() || tokio::time::Instant::now() > deadline {
            break events;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event["entity_type"], 3);
    assert_eq!(event["privacy_level"], 2);
    assert_eq!(event["entity_metadata"]["location"], "MJC du centre");
    assert!(event["scheduled_end_time"].is_string());
    assert!(
        event["name"].as_str().is_some_and(|n| n.contains("karim")),
        "{event}"
    );
    // A one-day exception in the past, or with only a start, names its option.
    let bad = w
        .ask(
            "karim",
            "/permanence exception date:2020-01-07 annulee:true",
        )
        .await;
    assert!(bad.content.contains("`date`"), "{}", bad.content);
    let bad = w
        .ask(
            "karim",
            "/permanence exception date:2099-01-06 debut:10h numero:1",
        )
        .await;
    assert!(bad.content.contains("`debut`"), "{}", bad.content);
    let bad = w.ask("karim", "/permanence retirer numero:42").await;
    assert!(bad.content.contains("`numero`"), "{}", bad.content);
    // Retiring the slot deletes its future event.
    let removed = w.ask("karim", "/permanence retirer numero:1").await;
    assert!(removed.content.contains("retirée"), "{}", removed.content);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !w.sim.scheduled_events().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(w.sim.scheduled_events().is_empty());
    let who = w.ask("lea", "/qui-est-la").await;
    assert!(
        !who.content.contains(&format!("<@{karim}>")),
        "{}",
        who.content
    );
    w.stop().await;
}

/// A bot whose guild has a question channel, on `t`'s database.
fn bot_with_question_channel(t: &crate::support::TestDb) -> std::sync::Arc<promeneur::bot::Bot> {
    let text = format!(
        r#"
[database]
url = "{}"
[privacy]
pseudonym_key = "a-test-pseudonym-key-that-is-long-enough"
[[guilds]]
id = {GUILD}
alert_channel = 900000000000000010
promeneur_role = 900000000000000020
question_channels = [900000000000000030]
"#,
        t.url
    );
    let config = promeneur::config::Config::from_toml_str(
        &text,
        "test.toml",
        &promeneur::config::Env::default(),
    )
    .expect("a valid config");
    let rules = promeneur::safety::RuleSet::builtin().expect("shipped rules compile");
    let key = promeneur::domain::pseudonym::PseudonymKey::new(
        b"a-test-pseudonym-key-that-is-long-enough".to_vec(),
    )
    .expect("key long enough");
    std::sync::Arc::new(promeneur::bot::Bot::new(
        std::sync::Arc::new(config),
        t.db.clone(),
        std::sync::Arc::new(rules),
        key,
    ))
}

#[tokio::test]
async fn the_scheduler_announces_a_slot_once_at_its_start_across_a_restart() {
    use promeneur::scheduler::ManualClock;
    use std::sync::Arc;
    each_backend(|t| async move {
        let bot = bot_with_question_channel(&t);
        // Sunday 25 October 2026, the autumn change: 17:00 is CET again (16:00 UTC).
        let before = utc(2026, 10, 25, 15, 59);
        let s = flow::add(
            &bot,
            GUILD,
            karim(),
            slot("dimanche", "17:00", "19:00"),
            KARIM,
            before,
        )
        .await
        .unwrap()
        .unwrap();
        let clock = Arc::new(ManualClock::new(before));
        let announcements = |effects: &[Effect]| {
            effects
                .iter()
                .filter(|e| matches!(e, Effect::AnnouncePermanence { .. }))
                .cloned()
                .collect::<Vec<_>>()
        };
        let pending = |bot: Arc<promeneur::bot::Bot>| async move {
            outbox::claim_due(bot.db.pool(), i64::MAX / 2, 0, 1000)
                .await
                .unwrap()
                .iter()
                .map(|e| Effect::from_payload(&e.payload).unwrap())
                .collect::<Vec<_>>()
        };
        let first = promeneur::jobs::scheduler(bot.clone(), clock.clone());
        first.tick().await;
        // A minute before the start: nothing to announce.
        assert!(announcements(&pending(bot.clone()).await).is_empty());
        clock.set(utc(2026, 10, 25, 16, 0));
        first.tick().await;
        // The process restarts during the slot: a new scheduler, the same database.
        clock.set(utc(2026, 10, 25, 16, 30));
        let second = promeneur::jobs::scheduler(bot.clone(), clock.clone());
        second.tick().await;
        // Each stored entry is claimed (so listed) once: these are the ones stored since.
        let all = pending(bot.clone()).await;
        assert_eq!(
            announcements(&all),
            vec![Effect::AnnouncePermanence {
                slot_id: s.id,
                start_ms: utc(2026, 10, 25, 16, 0)
            }]
        );
    })
    .await;
}
