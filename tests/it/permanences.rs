//! Permanences on real databases (SQLite, and PostgreSQL when configured) through the flows,
//! with a set clock; then end to end through discord-sim with the real client.

use chrono::{TimeZone, Utc};
use promeneur::domain::effects::Effect;
use promeneur::domain::permanences::{Field, NewException, NewSlot, OnDuty, PermanenceError};
use promeneur::flows::permanences::{self as flow, Enqueued, Promeneur};
use promeneur::store::outbox;

use crate::support::{each_backend, test_bot, GUILD};

const KARIM: u64 = 700_000_000_000_000_001;
const JULIE: u64 = 700_000_000_000_000_002;

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
