//! `/motcle` end to end: the real bot and serenity/poise client against discord-sim. A
//! coordinator's keyword flags the next message without a restart, its removal stops it, a
//! keyword that would flag harmless lines waits for a confirm button, bad input is refused
//! naming the field, and everyone but coordinators is refused.

use std::time::Duration;

use crate::e2e::{is_alert, World};

/// A word no shipped rule knows and no labelled harmless line holds.
const TERM: &str = "zorglub";
const WITH_TERM: &str = "on se retrouve au zorglub ce soir";

fn is_alert_about(w: &World, user: &str) -> impl Fn(&discord_sim::BotPost) -> bool {
    let mention = format!("<@{}>", w.sim.user_id(user).unwrap());
    move |p| is_alert(p) && p.embeds[0].to_string().contains(&mention)
}

#[tokio::test]
async fn an_added_keyword_flags_the_next_message_and_a_removed_one_no_longer_does() {
    let w = World::start("").await;
    // Before: the shipped rules let it through.
    w.sim.user("ines").post("#discussion", WITH_TERM).unwrap();
    w.sim
        .assert_no_message(Duration::from_millis(800), is_alert)
        .await
        .unwrap();

    let added = w
        .ask(
            "nadia",
            &format!("/motcle ajouter terme:{TERM} categorie:harassment gravite:medium"),
        )
        .await;
    assert!(added.ephemeral);
    assert!(added.content.contains("ajouté"), "{}", added.content);

    w.sim.user("lea").post("#discussion", WITH_TERM).unwrap();
    let alert = w.sim.wait_post(is_alert_about(&w, "lea")).await.unwrap();
    assert!(
        alert.embeds[0].to_string().contains("**zorglub**"),
        "the guild's match is highlighted like a shipped one: {}",
        alert.embeds[0]
    );
    // The stored flag names the rule as the guild's.
    let db = promeneur::store::Db::connect(&w.database_url())
        .await
        .unwrap();
    let (matches,): (String,) = sqlx::query_as("SELECT matches FROM flags")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(matches.contains("guild."), "{matches}");
    db.close().await;

    let list = w.ask("nadia", "/motcle liste").await;
    assert!(list.content.contains(TERM), "{}", list.content);
    let tested = w
        .ask("karim", &format!("/motcle tester texte:\"{WITH_TERM}\""))
        .await;
    assert!(
        tested.content.contains("Signalé") && tested.content.contains("mot-clé de ce serveur"),
        "{}",
        tested.content
    );

    let removed = w
        .ask("nadia", &format!("/motcle retirer terme:{TERM}"))
        .await;
    assert!(removed.content.contains("retiré"), "{}", removed.content);
    w.sim.user("sami").post("#discussion", WITH_TERM).unwrap();
    w.sim
        .assert_no_message(Duration::from_millis(1000), is_alert)
        .await
        .unwrap();
    let list = w.ask("nadia", "/motcle liste").await;
    assert!(!list.content.contains(TERM), "{}", list.content);
    w.stop().await;
}

#[tokio::test]
async fn a_keyword_that_would_flag_harmless_lines_waits_for_the_coordinators_confirmation() {
    let w = World::start("").await;
    let asked = w
        .ask(
            "nadia",
            "/motcle ajouter terme:cantine categorie:distress gravite:low",
        )
        .await;
    assert!(asked.ephemeral);
    assert!(
        asked.content.contains("la cantine aujourd'hui"),
        "a harmless line is shown: {}",
        asked.content
    );
    assert_eq!(
        asked.button_labels(),
        vec!["Ajouter quand même".to_string()]
    );

    // Not saved yet.
    w.sim
        .user("lea")
        .post("#discussion", "la cantine était fermée")
        .unwrap();
    w.sim
        .assert_no_message(Duration::from_millis(800), is_alert)
        .await
        .unwrap();
    let list = w.ask("nadia", "/motcle liste").await;
    assert!(!list.content.contains("cantine"), "{}", list.content);

    let ix = w
        .sim
        .user("nadia")
        .click(asked.message_id.unwrap_or(0), "Ajouter quand même")
        .unwrap();
    let done = w.sim.wait_response(&ix).await.unwrap();
    assert!(done.content.contains("ajouté"), "{}", done.content);
    assert!(done.components.is_empty(), "the button is gone");

    w.sim
        .user("sami")
        .post("#discussion", "la cantine encore")
        .unwrap();
    w.sim.wait_post(is_alert_about(&w, "sami")).await.unwrap();
    w.stop().await;
}

#[tokio::test]
async fn bad_keywords_are_refused_naming_the_field() {
    let w = World::start("").await;
    let long = "a".repeat(101);
    for (line, field, says) in [
        (
            "terme:x categorie:harassment gravite:low".to_string(),
            "`terme`",
            "2 lettres",
        ),
        (
            format!("terme:{long} categorie:harassment gravite:low"),
            "`terme`",
            "100 caractères",
        ),
        (
            "terme:/pendr(e/ categorie:harassment gravite:low".to_string(),
            "`terme`",
            "ne se lit pas",
        ),
        (
            "terme:/zz(a{1,100}){1,100}/ categorie:harassment gravite:low".to_string(),
            "`terme`",
            "trop coûteuse",
        ),
        (
            "terme:zorglub categorie:insultes gravite:low".to_string(),
            "`categorie`",
            "insultes",
        ),
        (
            "terme:zorglub categorie:harassment gravite:grave".to_string(),
            "`gravite`",
            "grave",
        ),
        (
            "terme:zorglub categorie:harassment gravite:low exception:a".to_string(),
            "`exception`",
            "2 lettres",
        ),
    ] {
        let answer = w.ask("nadia", &format!("/motcle ajouter {line}")).await;
        assert!(answer.ephemeral, "{line}");
        assert!(
            answer.content.contains(field) && answer.content.contains(says),
            "{line}: {}",
            answer.content
        );
    }
    let missing = w.ask("nadia", "/motcle retirer terme:zorglub").await;
    assert!(
        missing.ephemeral && missing.content.contains("`terme`"),
        "{}",
        missing.content
    );
    let list = w.ask("nadia", "/motcle liste").await;
    assert!(list.content.contains("aucun mot-clé"), "{}", list.content);
    w.stop().await;
}

#[tokio::test]
async fn only_coordinators_change_keywords_and_young_people_cannot_test_them() {
    let w = World::start("").await;
    for user in ["lea", "karim"] {
        for line in [
            "/motcle ajouter terme:zorglub categorie:harassment gravite:low",
            "/motcle retirer terme:zorglub",
            "/motcle liste",
        ] {
            let refused = w.ask(user, line).await;
            assert!(refused.ephemeral, "{user} {line}");
            assert!(
                refused.content.contains("réservé à la coordination"),
                "{user} {line}: {}",
                refused.content
            );
        }
    }
    let refused = w.ask("lea", "/motcle tester texte:zorglub").await;
    assert!(refused.ephemeral);
    assert_eq!(
        refused.content,
        promeneur::prompts::not_staff(promeneur::prompts::Lang::Fr)
    );
    let tested = w
        .ask("karim", "/motcle tester texte:\"je veux mourir mdr\"")
        .await;
    assert!(
        tested.ephemeral && tested.content.contains("fr.suicide"),
        "{}",
        tested.content
    );
    // Nothing was saved by the refused attempts.
    let list = w.ask("nadia", "/motcle liste").await;
    assert!(list.content.contains("aucun mot-clé"), "{}", list.content);
    w.stop().await;
}
