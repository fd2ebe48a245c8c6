//! Questions end to end: open, anonymous and private questions through discord-sim with the
//! real serenity/poise client; the take button, relays both ways, closing, reminders.

use std::time::Duration;

use discord_sim::{BotPost, PostKind};

use crate::e2e::{is_alert, World};

fn created_in(p: &BotPost, channel: &str) -> bool {
    p.kind == PostKind::Created && p.is_in(channel)
}

/// The thread under `channel` whose name contains `part` (waits for it).
pub(crate) async fn thread_named(w: &World, channel: &str, part: &str) -> (u64, String) {
    for _ in 0..100 {
        if let Some(t) = w
            .sim
            .threads_of(channel)
            .unwrap()
            .into_iter()
            .find(|(_, name)| name.contains(part))
        {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no thread containing {part:?} under {channel}");
}

fn has_button(p: &BotPost, label: &str) -> bool {
    serde_json::Value::from(p.components.clone())
        .to_string()
        .contains(label)
}

#[tokio::test]
async fn an_open_question_gets_a_thread_an_ack_the_take_button_for_staff_only_and_closes() {
    let w = World::start("").await;
    let asked = w
        .sim
        .user("lea")
        .post(
            "#questions",
            "comment on fait pour trouver un stage de 3e ?",
        )
        .unwrap();
    let ack = w
        .sim
        .wait_message(|p| p.kind == PostKind::Created && has_button(p, "Je prends"))
        .await
        .unwrap();
    assert!(ack.content.contains("promeneur"), "{}", ack.content);
    let (thread, name) = thread_named(&w, "#questions", "stage").await;
    assert_eq!(
        thread, asked,
        "the thread hangs on the young person's message"
    );
    assert!(name.starts_with("comment on fait"), "{name}");
    assert_eq!(ack.channel_id, thread);
    assert!(ack.pinged_users.is_empty() && ack.pinged_roles.is_empty());

    // A young person cannot take it; a promeneur can.
    let ix = w
        .sim
        .user("sami")
        .click(ack.message_id.unwrap(), "Je prends")
        .unwrap();
    let refused = w.sim.wait_response(&ix).await.unwrap();
    assert!(
        refused.ephemeral && refused.content.contains("réservée"),
        "{}",
        refused.content
    );
    let ix = w
        .sim
        .user("karim")
        .click(ack.message_id.unwrap(), "Je prends")
        .unwrap();
    let ok = w.sim.wait_response(&ix).await.unwrap();
    assert!(
        ok.ephemeral && ok.content.contains("Tu as pris"),
        "{}",
        ok.content
    );
    let edited = w
        .sim
        .wait_message(|p| p.kind == PostKind::Edited && p.message_id == ack.message_id)
        .await
        .unwrap();
    assert!(
        edited.embeds[0].to_string().contains("Prise en charge"),
        "{:?}",
        edited.embeds
    );

    // Karim answers in the thread: the question is answered.
    w.sim
        .user("karim")
        .post(&name, "Bonjour Léa ! Regarde sur monstagedetroisieme.fr")
        .unwrap();
    w.sim
        .wait_message(|p| {
            p.kind == PostKind::Edited && p.embeds.iter().any(|e| e.to_string().contains("répondu"))
        })
        .await
        .unwrap();
    let list = w
        .sim
        .user("karim")
        .slash("#alertes-promeneurs", "/question liste")
        .unwrap();
    let list = w.sim.wait_response(&list).await.unwrap();
    assert!(list.content.contains("répondue"), "{}", list.content);

    // Closed from its thread with an outcome.
    let ix = w
        .sim
        .user("karim")
        .slash(&name, "/question clore issue:répondu")
        .unwrap();
    let closed = w.sim.wait_response(&ix).await.unwrap();
    assert!(closed.content.contains("close"), "{}", closed.content);
    // Staff messages in the question channel itself are not questions.
    w.sim
        .user("julie")
        .post("#questions", "Permanence ce soir à 18h !")
        .unwrap();
    w.sim
        .assert_no_message(Duration::from_millis(600), |p| {
            p.kind == PostKind::Created && has_button(p, "Je prends")
        })
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn an_anonymous_question_is_posted_without_a_name_and_its_asker_told_of_the_answer() {
    let w = World::start("").await;
    let ix = w
        .sim
        .user("lea")
        .slash("#discussion", "/question anonyme")
        .unwrap();
    let modal = w.sim.wait_response(&ix).await.unwrap();
    assert_eq!(modal.kind, PostKind::Modal, "{modal:?}");
    // Too short: a clear ephemeral answer.
    let ix = w
        .sim
        .user("lea")
        .submit_last_modal(&[("question", " ? ")])
        .unwrap();
    let short = w.sim.wait_response(&ix).await.unwrap();
    assert!(
        short.ephemeral && short.content.contains("trop courte"),
        "{}",
        short.content
    );

    let ix = w
        .sim
        .user("lea")
        .slash("#discussion", "/question anonyme")
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let text = "est-ce que c'est normal de pas avoir envie de voir ses potes @everyone ?";
    let ix = w
        .sim
        .user("lea")
        .submit_last_modal(&[("question", text)])
        .unwrap();
    let posted = w
        .sim
        .wait_message_in("#questions", |p| !p.embeds.is_empty())
        .await
        .unwrap();
    let embed = posted.embeds[0].to_string();
    assert!(
        embed.contains("Question anonyme") && embed.contains("potes"),
        "{embed}"
    );
    let lea = w.sim.user_id("lea").unwrap().to_string();
    assert!(!embed.contains(&lea) && !embed.contains("lea"), "{embed}");
    assert!(!posted.pinged_everyone, "never echoed as a ping");
    let answer = w
        .sim
        .wait_post(|p| p.interaction_id == Some(ix.id) && p.content.contains("publiée"))
        .await
        .unwrap();
    assert!(
        answer
            .content
            .contains(&posted.message_id.unwrap().to_string()),
        "{}",
        answer.content
    );

    let (_, name) = thread_named(&w, "#questions", "normal").await;
    w.sim
        .user("julie")
        .post(&name, "C'est normal parfois, tu veux en parler ?")
        .unwrap();
    let dm = w
        .sim
        .wait_dm("lea", |p| {
            p.content.contains("a répondu à ta question anonyme")
        })
        .await
        .unwrap();
    assert!(
        dm.content.contains("discord.com/channels/"),
        "{}",
        dm.content
    );
    w.stop().await;
}

#[tokio::test]
async fn a_worrying_private_question_alerts_with_the_staff_thread_link_never_the_dm() {
    let w = World::start("").await;
    w.sim
        .user("lea")
        .dm("je veux mourir, je n'en peux plus de tout ça")
        .unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let (thread, _) = thread_named(&w, "#questions-privees", "Question privée").await;
    let embed = alert.embeds[0].to_string();
    assert!(
        embed.contains(&format!("/{thread}/")),
        "links the staff thread: {embed}"
    );
    assert!(!embed.contains("@me"), "never the DM: {embed}");
    w.sim
        .wait_dm("lea", |p| p.content.contains("3114"))
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_question_nobody_answers_is_reminded_then_escalated_once_each() {
    let w = World::start("[questions]\nremind_after = \"1s\"\nescalate_after = \"3s\"").await;
    w.sim
        .user("sami")
        .post(
            "#questions",
            "quelqu'un sait comment on s'inscrit au BAFA ?",
        )
        .unwrap();
    let remind = w
        .sim
        .wait_message_in("#alertes-promeneurs", |p| {
            p.content.contains("attend une réponse")
        })
        .await
        .unwrap();
    assert_eq!(remind.pinged_roles, vec!["Promeneur".to_string()]);
    let escalate = w
        .sim
        .wait_message_in("#coordination", |p| {
            p.content.contains("toujours pas de réponse")
        })
        .await
        .unwrap();
    assert_eq!(escalate.pinged_roles, vec!["Coordinateur".to_string()]);
    w.sim
        .assert_no_message(Duration::from_millis(1500), |p| {
            created_in(p, "#alertes-promeneurs") || created_in(p, "#coordination")
        })
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_worrying_anonymous_question_alerts_without_naming_its_asker() {
    let w = World::start("").await;
    let ix = w
        .sim
        .user("lea")
        .slash("#discussion", "/question anonyme")
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    w.sim
        .user("lea")
        .submit_last_modal(&[(
            "question",
            "je veux mourir, est-ce que quelqu'un peut m'aider ?",
        )])
        .unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let embed = alert.embeds[0].to_string();
    let lea = w.sim.user_id("lea").unwrap().to_string();
    assert!(!embed.contains(&lea), "the asker is named: {embed}");
    assert!(embed.contains("anonyme"), "{embed}");
    // The young person still gets the helpline card, privately.
    w.sim
        .wait_dm("lea", |p| p.content.contains("3114"))
        .await
        .unwrap();
    w.stop().await;
}

mod flows {
    //! The question flows on real databases (SQLite, and PostgreSQL when configured).

    use promeneur::domain::questions::{QuestionOutcome, QuestionStatus, Way};
    use promeneur::flows::questions::{self as flow, OpenAsked, QuestionError};
    use promeneur::store::{outbox, questions as store};

    use crate::support::{each_backend, test_bot, GUILD};

    const CHANNEL: u64 = 900_000_000_000_000_030;
    const PRIVATE: u64 = 900_000_000_000_000_031;

    #[tokio::test]
    async fn questions_open_once_relay_once_and_their_log_tells_the_story() {
        each_backend(|t| async move {
            let bot = test_bot(
                &t,
                "[questions]\nremind_after = \"10s\"\nescalate_after = \"20s\"",
            );
            let asked = OpenAsked {
                guild_id: GUILD,
                channel_id: CHANNEL,
                message_id: 5001,
                author_id: 42,
                content: "comment on s'inscrit au BAFA ?",
                at: 1_000,
            };
            let id = flow::open_public(&bot, &asked)
                .await
                .unwrap()
                .expect("opened");
            assert_eq!(flow::open_public(&bot, &asked).await.unwrap(), None, "once");
            let q = store::get(t.db.pool(), id).await.unwrap().unwrap();
            assert_eq!((q.way, q.status), (Way::Open, QuestionStatus::Open));
            assert_eq!(q.asker_id, None, "an open question keeps no id");
            assert_ne!(q.asker_pseudonym, "42");

            // Two promeneurs take it: the second is refused, the first again changes nothing.
            assert!(flow::take(&bot, id, 7, 2_000).await.unwrap().is_ok());
            assert_eq!(
                flow::take(&bot, id, 8, 2_100).await.unwrap().err(),
                Some(QuestionError::Refused(
                    promeneur::domain::questions::QuestionRefusal::TakenBySomeoneElse(7)
                ))
            );
            let again = flow::take(&bot, id, 7, 2_200).await.unwrap().unwrap();
            assert_eq!(again.taken_at, Some(2_000));

            // Nobody answered: reminded at 10 s, escalated at 20 s, once each.
            assert_eq!(flow::nudge_waiting(&bot, 5_000).await.unwrap(), 0);
            assert_eq!(flow::nudge_waiting(&bot, 11_000).await.unwrap(), 1);
            assert_eq!(flow::nudge_waiting(&bot, 12_000).await.unwrap(), 0);
            assert_eq!(flow::nudge_waiting(&bot, 21_000).await.unwrap(), 1);
            assert_eq!(flow::nudge_waiting(&bot, 99_000).await.unwrap(), 0);

            // The private way: one question per young person, each DM relayed once.
            let dm = |id, text, at| flow::Dm {
                user_id: 43,
                dm_channel_id: 7000,
                message_id: id,
                content: text,
                at,
            };
            let first = flow::private_dm(&bot, GUILD, PRIVATE, &dm(6001, "bonjour", 3_000))
                .await
                .unwrap();
            assert!(first.opened && first.stored);
            let replay = flow::private_dm(&bot, GUILD, PRIVATE, &dm(6001, "bonjour", 3_000))
                .await
                .unwrap();
            assert!(
                !replay.opened && !replay.stored,
                "a replayed DM is stored once"
            );
            let second = flow::private_dm(&bot, GUILD, PRIVATE, &dm(6002, "encore", 3_500))
                .await
                .unwrap();
            assert_eq!(second.question_id, first.question_id);
            let relays = outbox::stats(t.db.pool()).await.unwrap();
            assert!(relays.pending >= 2, "{relays:?}");

            let closed = flow::close(&bot, id, 7, QuestionOutcome::SansSuite, Some("vu"), 30_000)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(closed.status, QuestionStatus::Closed);
            let log: Vec<String> = store::events_of(t.db.pool(), id)
                .await
                .unwrap()
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            assert_eq!(log, ["asked", "taken", "reminded", "escalated", "closed"]);
        })
        .await;
    }
}
