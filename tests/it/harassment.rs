//! Harassment and threats end to end: support goes to the young person targeted, never a
//! comfort card to the aggressor (the real bot through discord-sim, like the rest of `e2e`).

use std::time::Duration;

use discord_sim::{demo::demo_guild, BotPost, PostKind};

use crate::e2e::{is_alert, World};

const INSULT: &str = "t'es qu'une grosse merde, personne veut de toi, casse toi du serveur";

fn mention(w: &World, user: &str) -> String {
    format!("<@{}>", w.sim.user_id(user).unwrap())
}

fn is_dm(p: &BotPost) -> bool {
    p.kind == PostKind::Created && p.channel.starts_with("dm:")
}

/// No DM reaches `user` for a while.
async fn assert_no_dm_to(w: &World, user: &str) {
    let user = user.to_owned();
    w.sim
        .assert_no_message(Duration::from_millis(800), move |p| {
            is_dm(p) && p.is_dm_to(&user)
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn an_insult_with_a_mention_sends_the_card_to_the_target_and_nothing_to_its_author() {
    let w = World::start("").await;
    let text = format!("{} {INSULT}", mention(&w, "lea"));
    w.sim.user("sami").post("#discussion", &text).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let embed = alert.embeds[0].to_string();
    assert!(embed.contains("Cible"), "{embed}");
    assert!(embed.contains(&mention(&w, "lea")), "{embed}");
    assert!(
        embed.contains(&mention(&w, "sami")),
        "the author is named: {embed}"
    );
    let card = w.sim.wait_dm("lea", |_| true).await.unwrap();
    assert!(card.content.contains("pas de ta faute"), "{}", card.content);
    assert!(card.content.contains("119"), "{}", card.content);
    assert!(!card.content.contains("bien fait d'en parler"));
    assert_no_dm_to(&w, "sami").await;
    w.stop().await;
}

#[tokio::test]
async fn a_reply_insult_sends_the_card_to_the_author_replied_to() {
    let w = World::start("").await;
    let first = w
        .sim
        .user("lea")
        .post("#discussion", "vous avez vu le match hier ?")
        .unwrap();
    w.sim.user("sami").reply(first, INSULT).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    assert!(alert.embeds[0].to_string().contains(&mention(&w, "lea")));
    let card = w.sim.wait_dm("lea", |_| true).await.unwrap();
    assert!(card.content.contains("pas de ta faute"), "{}", card.content);
    assert_no_dm_to(&w, "sami").await;
    w.stop().await;
}

#[tokio::test]
async fn a_disclosure_sends_the_card_to_its_author() {
    let w = World::start("").await;
    let text = "on me harcèle tous les jours sur le serveur, je veux mourir";
    w.sim.user("lea").post("#discussion", text).unwrap();
    w.sim.wait_post(is_alert).await.unwrap();
    let card = w.sim.wait_dm("lea", |_| true).await.unwrap();
    assert!(
        card.content.contains("bien fait d'en parler"),
        "{}",
        card.content
    );
    w.stop().await;
}

#[tokio::test]
async fn a_worry_about_a_friend_sends_the_helping_a_friend_card_to_its_author() {
    let w = World::start("").await;
    let text = "ma pote se fait harceler et elle dit qu'elle veut mourir, je sais pas quoi faire";
    w.sim.user("ines").post("#discussion", text).unwrap();
    w.sim.wait_post(is_alert).await.unwrap();
    let card = w.sim.wait_dm("ines", |_| true).await.unwrap();
    assert!(
        card.content.contains("Tu t'inquiètes pour quelqu'un"),
        "{}",
        card.content
    );
    w.stop().await;
}

#[tokio::test]
async fn an_insult_with_no_known_target_sends_no_dm_and_the_alert_says_so() {
    let w = World::start("").await;
    w.sim.user("sami").post("#discussion", INSULT).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let embed = alert.embeds[0].to_string();
    assert!(embed.contains("inconnue"), "{embed}");
    w.sim
        .assert_no_message(Duration::from_millis(800), is_dm)
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_pile_on_of_three_aggressors_is_one_alert_about_the_target_and_one_card() {
    let w = World::start_in(demo_guild().member("noah", &[]), "").await;
    let lea = mention(&w, "lea");
    for aggressor in ["sami", "ines", "noah"] {
        let text = format!("{lea} {INSULT}");
        w.sim.user(aggressor).post("#discussion", &text).unwrap();
    }
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let id = alert.message_id;
    let card = w.sim.wait_dm("lea", |_| true).await.unwrap();
    assert!(card.content.contains("pas de ta faute"));
    // The other two attacks join the same alert, edited in place with every author.
    let edited = w
        .sim
        .wait_post(|p| {
            p.kind == PostKind::Edited
                && p.message_id == id
                && p.embeds
                    .first()
                    .is_some_and(|e| e.to_string().contains("(3)"))
        })
        .await
        .unwrap();
    let embed = edited.embeds[0].to_string();
    for author in ["sami", "ines", "noah"] {
        assert!(embed.contains(&mention(&w, author)), "{author}: {embed}");
    }
    assert!(embed.contains(&lea));
    w.sim
        .assert_no_message(Duration::from_millis(800), |p| is_alert(p) || is_dm(p))
        .await
        .unwrap();
    w.stop().await;
}
