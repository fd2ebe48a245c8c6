//! The conversation stage end to end: mockery too mild for any rule, aimed at one young
//! person by several others, becomes one alert about that person once someone asks them to
//! stop; friends laughing together raise nothing (the real bot through discord-sim).

use std::time::Duration;

use discord_sim::{BotPost, PostKind};

use crate::e2e::{demo_pseudonym, is_alert, World};

fn is_dm(p: &BotPost) -> bool {
    p.kind == PostKind::Created && p.channel.starts_with("dm:")
}

/// Nothing came of the conversation so far: a worrying message lea writes next gets an alert,
/// so the earlier messages have been read, and that alert is the only one, with no DM to
/// anyone but lea.
async fn assert_quiet(w: &World) {
    w.sim
        .user("lea")
        .post(
            "#discussion",
            "je veux mourir, ce soir je prends toutes mes boites",
        )
        .unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    assert!(
        alert.embeds[0]
            .to_string()
            .contains("ce soir je prends toutes mes boites"),
        "the first alert is the worrying message's: {:?}",
        alert.embeds
    );
    w.sim
        .assert_no_message(Duration::from_millis(800), |p| {
            is_alert(p) || (is_dm(p) && !p.is_dm_to("lea"))
        })
        .await
        .unwrap();
}

/// Lea is mocked by two people (no message flags alone), then asks them to stop. Returns the
/// id of the first mocking message.
fn mock_lea(w: &World) -> u64 {
    let lea = w.sim.user("lea");
    let opening = lea
        .post(
            "#discussion",
            "jai oublie mon maillot pour la piscine demain",
        )
        .unwrap();
    let first = w
        .sim
        .user("sami")
        .reply(
            opening,
            "inquiete y aura plus assez d eau dans le bassin si tu rentres dedans 😂",
        )
        .unwrap();
    w.sim.user("ines").reply(opening, "PTDRRR").unwrap();
    first
}

#[tokio::test]
async fn mockery_at_one_person_then_a_plea_is_one_alert_about_them_naming_the_pile_on() {
    let w = World::start("").await;
    let first = mock_lea(&w);
    // Nothing yet: laughter alone is never an alert.
    w.sim
        .assert_no_message(Duration::from_millis(500), is_alert)
        .await
        .unwrap();
    w.sim
        .user("lea")
        .post("#discussion", "laissez moi tranquille svp")
        .unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let embed = alert.embeds[0].to_string();
    let lea = format!("<@{}>", w.sim.user_id("lea").unwrap());
    assert!(embed.contains("Cible") && embed.contains(&lea), "{embed}");
    assert!(
        embed.contains("2 messages de 2 personnes"),
        "the pile-on is counted: {embed}"
    );
    assert!(
        embed.contains(&demo_pseudonym(&w, "lea")),
        "the target's pseudonym: {embed}"
    );
    assert!(
        embed.contains(&format!("/{first})")),
        "a link to the first mocking message: {embed}"
    );
    assert!(embed.contains("demandé d'arrêter"), "{embed}");
    // Support goes to the young person targeted, never to the ones who mocked.
    let card = w.sim.wait_dm("lea", |_| true).await.unwrap();
    assert!(card.content.contains("pas de ta faute"), "{}", card.content);
    for user in ["sami", "ines"] {
        let user = user.to_owned();
        w.sim
            .assert_no_message(Duration::from_millis(300), move |p| {
                is_dm(p) && p.is_dm_to(&user)
            })
            .await
            .unwrap();
    }
    w.stop().await;
}

#[tokio::test]
async fn friends_laughing_together_raise_nothing() {
    let w = World::start("").await;
    let a = w
        .sim
        .user("sami")
        .post("#discussion", "jai rate le bus ce matin mdr")
        .unwrap();
    w.sim.user("ines").reply(a, "PTDRRR encore").unwrap();
    w.sim
        .user("lea")
        .reply(a, "mdrr t'es pas reveille toi")
        .unwrap();
    w.sim
        .user("sami")
        .post(
            "#discussion",
            "arretez de rire jvais vous mettre une amende 😂",
        )
        .unwrap();
    assert_quiet(&w).await;
    w.stop().await;
}

#[tokio::test]
async fn with_the_conversation_stage_off_the_same_mockery_raises_nothing() {
    let w = World::start("[rules]\nconversation = false\n").await;
    mock_lea(&w);
    w.sim
        .user("lea")
        .post("#discussion", "laissez moi tranquille svp")
        .unwrap();
    assert_quiet(&w).await;
    w.stop().await;
}
