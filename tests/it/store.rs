//! The store and the message flow on real databases: every test runs on SQLite and, when
//! `PROMENEUR_TEST_POSTGRES_URL` is set, on PostgreSQL.

use promeneur::domain::alerts::{AlertStatus, Outcome, TransitionError};
use promeneur::domain::effects::Effect;
use promeneur::domain::journal::{Action as Logged, Actor};
use promeneur::flows::alerts::{apply, Action, ActionError};
use promeneur::flows::message::{handle, Handled, Incoming};
use promeneur::safety::Category;
use promeneur::store::{alerts, cursors, flags, journal, outbox};

use crate::support::{each_backend, test_bot, GUILD};

use crate::support::WORRYING;
const HARMLESS: &str = "quelqu'un a fini le devoir de maths ?";

fn msg(id: u64, author: u64, content: &str, at: i64) -> Incoming<'_> {
    Incoming {
        guild_id: Some(GUILD),
        alert_guild_id: Some(GUILD),
        channel_id: 42,
        message_id: id,
        author_id: author,
        content,
        edit: false,
        at,
        ..Incoming::default()
    }
}

/// Handles a worrying message and returns the id of the alert it opened or joined.
async fn flagged(bot: &promeneur::bot::Bot, id: u64, author: u64, at: i64) -> i64 {
    match handle(bot, &msg(id, author, WORRYING, at)).await.unwrap() {
        Handled::Flagged { alert_id, .. } => alert_id,
        other => panic!("a worrying message is flagged, got {other:?}"),
    }
}

#[tokio::test]
async fn enqueueing_the_same_effect_twice_stores_it_once() {
    each_backend(|t| async move {
        let post = Effect::PostAlert { alert_id: 1 };
        let first = outbox::enqueue(t.db.pool(), &post, 1, 1).await.unwrap();
        let again = outbox::enqueue(t.db.pool(), &post, 1, 2).await.unwrap();
        assert!(first.is_some());
        assert_eq!(again, None);
        assert_eq!(outbox::stats(t.db.pool()).await.unwrap().pending, 1);
    })
    .await;
}

#[tokio::test]
async fn a_claimed_entry_is_not_claimed_again_until_its_lease_expires() {
    each_backend(|t| async move {
        outbox::enqueue(t.db.pool(), &Effect::PostAlert { alert_id: 1 }, 1, 0)
            .await
            .unwrap();
        let a = outbox::claim_due(t.db.pool(), 10, 1000, 10).await.unwrap();
        let b = outbox::claim_due(t.db.pool(), 20, 1000, 10).await.unwrap();
        assert_eq!(a.len(), 1);
        assert!(b.is_empty(), "a leased entry must not be handed out twice");
        let c = outbox::claim_due(t.db.pool(), 2000, 1000, 10)
            .await
            .unwrap();
        assert_eq!(c.len(), 1, "an expired lease makes the entry due again");
        assert_eq!(c[0].attempts, 2);
        outbox::mark_delivered(t.db.pool(), c[0].id, 2001)
            .await
            .unwrap();
        assert!(outbox::claim_due(t.db.pool(), 99_999, 1000, 10)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(outbox::stats(t.db.pool()).await.unwrap().delivered, 1);
    })
    .await;
}

#[tokio::test]
async fn a_retried_entry_waits_until_its_next_attempt() {
    each_backend(|t| async move {
        outbox::enqueue(t.db.pool(), &Effect::PostAlert { alert_id: 1 }, 1, 0)
            .await
            .unwrap();
        let e = outbox::claim_due(t.db.pool(), 0, 1000, 10)
            .await
            .unwrap()
            .remove(0);
        outbox::mark_retry(t.db.pool(), e.id, 5000, "Discord answered 502")
            .await
            .unwrap();
        assert!(outbox::claim_due(t.db.pool(), 4999, 1000, 10)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(outbox::next_due_at(t.db.pool()).await.unwrap(), Some(5000));
        assert_eq!(
            outbox::claim_due(t.db.pool(), 5000, 1000, 10)
                .await
                .unwrap()
                .len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn discord_ids_above_i64_max_survive_the_round_trip() {
    each_backend(|t| async move {
        let big = u64::MAX - 7;
        cursors::advance(t.db.pool(), big, Some(big - 1), big - 2, 1)
            .await
            .unwrap();
        assert_eq!(cursors::get(t.db.pool(), big).await.unwrap(), Some(big - 2));
    })
    .await;
}

#[tokio::test]
async fn a_harmless_message_is_logged_pseudonymised_without_content() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let h = handle(&bot, &msg(1, 777, HARMLESS, 1_000)).await.unwrap();
        assert_eq!(h, Handled::Logged);
        let rows = journal::since(t.db.pool(), 0).await.unwrap();
        assert_eq!(rows.len(), 1);
        let entry = &rows[0].entry;
        assert_eq!(entry.action, Logged::MessageScanned);
        let Actor::Young(pseudonym) = &entry.actor else {
            panic!("a young person, as a pseudonym: {entry:?}")
        };
        assert!(!pseudonym.contains("777"));
        assert_eq!(entry.detail.severity.as_deref(), Some("none"));
        assert_eq!(entry.detail.note, None, "no content");
        // Delivered again (a replay): journaled once.
        handle(&bot, &msg(1, 777, HARMLESS, 1_000)).await.unwrap();
        assert_eq!(journal::since(t.db.pool(), 0).await.unwrap().len(), 1);
        assert_eq!(outbox::stats(t.db.pool()).await.unwrap().pending, 0);
        assert_eq!(cursors::get(t.db.pool(), 42).await.unwrap(), Some(1));
    })
    .await;
}

#[tokio::test]
async fn a_worrying_message_stores_its_alert_flag_and_effects_together() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let h = handle(&bot, &msg(10, 777, WORRYING, 1_000)).await.unwrap();
        let Handled::Flagged {
            alert_id,
            new: true,
        } = h
        else {
            panic!("expected a new alert, got {h:?}");
        };
        let alert = alerts::get(t.db.pool(), alert_id).await.unwrap().unwrap();
        assert_eq!(alert.status(), AlertStatus::Open);
        assert!(alert.categories.contains(&Category::SuicideSelfharm));
        assert!(alert.next_escalation_at.is_some());
        let flags = flags::of_alert(t.db.pool(), alert_id).await.unwrap();
        assert_eq!(flags.len(), 1);
        let due = outbox::claim_due(t.db.pool(), 2_000, 1000, 10)
            .await
            .unwrap();
        let effects: Vec<Effect> = due
            .iter()
            .map(|e| Effect::from_payload(&e.payload).unwrap())
            .collect();
        // Claimed gravest first: the young person's card, then the alert.
        assert_eq!(
            effects,
            vec![
                Effect::HelplineCard { alert_id },
                Effect::PostAlert { alert_id }
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn the_same_message_delivered_twice_opens_one_alert() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        handle(&bot, &msg(10, 777, WORRYING, 1_000)).await.unwrap();
        let again = handle(&bot, &msg(10, 777, WORRYING, 1_000)).await.unwrap();
        assert_eq!(again, Handled::Unchanged);
        assert_eq!(outbox::stats(t.db.pool()).await.unwrap().pending, 2);
    })
    .await;
}

#[tokio::test]
async fn a_burst_from_one_young_person_joins_one_alert() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let first = handle(&bot, &msg(10, 777, WORRYING, 1_000)).await.unwrap();
        let second = handle(&bot, &msg(11, 777, WORRYING, 61_000)).await.unwrap();
        let Handled::Flagged { alert_id, .. } = first else {
            panic!("{first:?}")
        };
        assert_eq!(
            second,
            Handled::Flagged {
                alert_id,
                new: false
            }
        );
        let alert = alerts::get(t.db.pool(), alert_id).await.unwrap().unwrap();
        assert_eq!(alert.message_count, 2);
        // Eleven minutes after the last one: a new alert.
        let later = handle(&bot, &msg(12, 777, WORRYING, 61_000 + 11 * 60_000))
            .await
            .unwrap();
        assert!(
            matches!(later, Handled::Flagged { new: true, .. }),
            "{later:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_promeneur_pressing_take_twice_gets_the_domain_answer_and_nothing_changes() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let alert_id = flagged(&bot, 10, 777, 1_000).await;
        let g = Some(GUILD);
        let first = apply(&bot, g, alert_id, 5, Action::Take, 2_000)
            .await
            .unwrap();
        let first = first.unwrap_or_else(|e| panic!("take refused: {e}"));
        let pending = outbox::stats(t.db.pool()).await.unwrap().pending;
        let logged = journal::since(t.db.pool(), 0).await.unwrap().len();
        // The same promeneur again: the domain says it changes nothing, and so it answers.
        let again = apply(&bot, g, alert_id, 5, Action::Take, 2_500)
            .await
            .unwrap();
        assert_eq!(again.as_ref().ok(), Some(&first));
        assert_eq!(first.state.taken_by, Some(5));
        assert_eq!(first.state.taken_at, Some(2_000));
        assert_eq!(first.next_escalation_at, None);
        assert_eq!(outbox::stats(t.db.pool()).await.unwrap().pending, pending);
        assert_eq!(journal::since(t.db.pool(), 0).await.unwrap().len(), logged);
        let taken = journal::since(t.db.pool(), 0).await.unwrap();
        let taken = taken.last().map(|l| &l.entry).unwrap();
        assert_eq!(
            (taken.action, &taken.actor),
            (Logged::AlertTaken, &Actor::Staff(5))
        );
        // Someone else is told who holds it.
        let other = apply(&bot, g, alert_id, 6, Action::Take, 3_000)
            .await
            .unwrap();
        assert_eq!(
            other,
            Err(ActionError::Refused(TransitionError::AlreadyTaken {
                by: 5
            }))
        );
    })
    .await;
}

#[tokio::test]
async fn a_save_decided_from_a_stale_alert_loses_to_the_one_saved_first() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let alert_id = flagged(&bot, 10, 777, 1_000).await;
        // Two processes read the same alert, and both decide to take it.
        let read = alerts::get(t.db.pool(), alert_id).await.unwrap().unwrap();
        let by_5 = read.take(5, 2_000).unwrap();
        let by_6 = read.take(6, 2_001).unwrap();
        assert!(alerts::save(t.db.pool(), &by_5.alert).await.unwrap());
        assert!(!alerts::save(t.db.pool(), &by_6.alert).await.unwrap());
        let now = alerts::get(t.db.pool(), alert_id).await.unwrap().unwrap();
        assert_eq!(now.state.taken_by, Some(5));
        assert_eq!(now.version, read.version + 1);
    })
    .await;
}

#[tokio::test]
async fn an_alert_of_another_guild_is_not_found() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let alert_id = flagged(&bot, 10, 777, 1_000).await;
        let r = apply(&bot, Some(GUILD + 1), alert_id, 5, Action::Take, 2_000).await;
        assert_eq!(r.unwrap(), Err(ActionError::NotFound));
    })
    .await;
}

#[tokio::test]
async fn retention_erases_closed_alerts_then_later_the_journal_but_keeps_open_alerts() {
    each_backend(|t| async move {
        // `extra` lands inside the [privacy] table of the test configuration.
        let bot = test_bot(&t, "retention_days = 30\njournal_retention_days = 60");
        let day = 86_400_000i64;
        let old = flagged(&bot, 10, 777, day).await;
        let open = flagged(&bot, 11, 778, day).await;
        let close = Action::Close {
            outcome: Outcome::Accompagne,
            note: None,
        };
        let closed = apply(&bot, Some(GUILD), old, 5, close, 2 * day)
            .await
            .unwrap();
        assert!(closed.is_ok());
        let purged = promeneur::jobs::retention::purge(&bot, 40 * day)
            .await
            .unwrap();
        // The journal (no content) outlives the alert's excerpts.
        assert_eq!(purged.journal, 0);
        assert_eq!(purged.alerts, 1);
        let later = promeneur::jobs::retention::purge(&bot, 70 * day)
            .await
            .unwrap();
        // The two messages, the two alerts flagged and the staff action that closed one.
        assert_eq!(later.journal, 5);
        assert!(journal::since(t.db.pool(), 0).await.unwrap().is_empty());
        assert!(alerts::get(t.db.pool(), old).await.unwrap().is_none());
        assert!(flags::of_alert(t.db.pool(), old).await.unwrap().is_empty());
        assert!(
            alerts::get(t.db.pool(), open).await.unwrap().is_some(),
            "open alerts are kept"
        );
    })
    .await;
}

#[tokio::test]
async fn attacks_on_one_young_person_by_several_authors_join_one_alert_about_them() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let insult = "t'es qu'une grosse merde, personne veut de toi, casse toi du serveur";
        let lea = 500;
        let mut ids = Vec::new();
        for (i, author) in [601u64, 602, 603].into_iter().enumerate() {
            let m = Incoming {
                mentions: vec![lea],
                ..msg(20 + i as u64, author, insult, 1_000 + i as i64)
            };
            match handle(&bot, &m).await.unwrap() {
                Handled::Flagged { alert_id, .. } => ids.push(alert_id),
                other => panic!("an insult is flagged, got {other:?}"),
            }
        }
        assert!(ids.iter().all(|&id| id == ids[0]), "one alert: {ids:?}");
        let alert = alerts::get(t.db.pool(), ids[0]).await.unwrap().unwrap();
        assert_eq!(alert.target_id, Some(lea));
        assert_eq!(alert.message_count, 3);
        assert_eq!(alert.card_recipient().map(|(who, _)| who), Some(lea));
        // The same insult with nobody to aim at: its own alert, and no card for anyone.
        let unknown = flagged_with(
            &bot,
            Incoming {
                ..msg(30, 601, insult, 2_000)
            },
        )
        .await;
        assert_ne!(unknown, ids[0]);
        let unknown = alerts::get(t.db.pool(), unknown).await.unwrap().unwrap();
        assert_eq!((unknown.target_id, unknown.subject_id), (None, None));
        assert_eq!(unknown.card_recipient(), None);
        let effects: Vec<Effect> = outbox::claim_due(t.db.pool(), 10_000, 1000, 100)
            .await
            .unwrap()
            .iter()
            .filter_map(|e| Effect::from_payload(&e.payload).ok())
            .collect();
        let cards = effects
            .iter()
            .filter(|e| matches!(e, Effect::HelplineCard { .. }))
            .count();
        assert_eq!(
            cards, 1,
            "one card, for the young person targeted: {effects:?}"
        );
    })
    .await;
}

async fn flagged_with(bot: &promeneur::bot::Bot, m: Incoming<'_>) -> i64 {
    match handle(bot, &m).await.unwrap() {
        Handled::Flagged { alert_id, .. } => alert_id,
        other => panic!("flagged expected, got {other:?}"),
    }
}

#[tokio::test]
async fn a_packs_edit_settles_the_older_refreshes_of_its_other_alerts_and_claims_alerts_by_kind() {
    each_backend(|t| async move {
        let pool = t.db.pool();
        let refresh = |alert_id, version| Effect::RefreshAlert { alert_id, version };
        outbox::enqueue(pool, &refresh(1, 2), 6, 100).await.unwrap();
        outbox::enqueue(pool, &refresh(1, 3), 6, 900).await.unwrap();
        outbox::enqueue(pool, &refresh(10, 2), 6, 100)
            .await
            .unwrap();
        outbox::enqueue(pool, &refresh(2, 2), 6, 100).await.unwrap();
        // Alert 1's refreshes older than 500 are done; alert 10's (not in the pack) and 2's
        // (the one being delivered) are not, nor alert 1's newer one.
        let settled = outbox::settle_refreshes(pool, &[1], 500, 1000)
            .await
            .unwrap();
        assert_eq!(settled, 1);
        assert_eq!(outbox::stats(pool).await.unwrap().pending, 3);
        // Every due alert to post is claimed by kind, gravest first, refreshes left alone.
        outbox::enqueue(pool, &Effect::PostAlert { alert_id: 5 }, 3, 0)
            .await
            .unwrap();
        outbox::enqueue(pool, &Effect::PostAlert { alert_id: 6 }, 1, 0)
            .await
            .unwrap();
        let claimed = outbox::claim_due_of_kind(pool, "post_alert", 2000, 1000, 10)
            .await
            .unwrap();
        let kinds: Vec<&str> = claimed.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["post_alert", "post_alert"]);
        assert_eq!(claimed[0].priority, 1);
        let again = outbox::claim_due_of_kind(pool, "post_alert", 2001, 1000, 10)
            .await
            .unwrap();
        assert!(again.is_empty(), "a claimed entry is leased");
    })
    .await;
}
