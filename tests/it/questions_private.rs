//! Private questions end to end: DMs relayed both ways through a staff-only thread, a thread
//! deleted by hand, a young person in two guilds, long answers (the real serenity/poise client
//! against discord-sim).

use discord_sim::PostKind;

use crate::e2e::World;
use crate::questions::thread_named;

#[tokio::test]
async fn a_private_question_is_relayed_both_ways_notes_stay_and_closing_tells_the_young_person() {
    let w = World::start("").await;
    w.sim
        .user("lea")
        .dm("bonjour, je voudrais parler de ma relation avec mes parents")
        .unwrap();
    let relayed = w
        .sim
        .wait_message_in("#questions-privees", |p| {
            p.content.contains("relation avec mes parents")
        })
        .await
        .unwrap();
    assert!(
        relayed.content.starts_with("**Jeune**"),
        "{}",
        relayed.content
    );
    let (thread, name) = thread_named(&w, "#questions-privees", "Question privée").await;
    assert_eq!(relayed.channel_id, thread);
    assert!(!name.contains("lea"), "the title is pseudonymous: {name}");
    w.sim
        .wait_dm("lea", |p| p.content.contains("transmis"))
        .await
        .unwrap();

    // An internal note is never relayed.
    w.sim
        .user("karim")
        .post(&name, "note : déjà vue en permanence mardi")
        .unwrap();
    // The answer goes out by DM, signed.
    let ix = w
        .sim
        .user("karim")
        .slash_with(
            &name,
            "repondre",
            &[("texte", "Bonjour, je suis là. Qu'est-ce qui se passe ?")],
        )
        .unwrap();
    let ok = w.sim.wait_response(&ix).await.unwrap();
    assert!(
        ok.ephemeral && ok.content.contains("transmise"),
        "{}",
        ok.content
    );
    let dm = w
        .sim
        .wait_dm("lea", |p| p.content.contains("je suis là"))
        .await
        .unwrap();
    assert!(dm.content.contains("karim"), "signed: {}", dm.content);
    let dms = w.sim.messages("dm:lea").unwrap();
    assert!(
        dms.iter().all(|m| !m.content.contains("déjà vue")),
        "notes are never relayed"
    );

    // Her next DM joins the same thread.
    w.sim
        .user("lea")
        .dm("merci, en fait ils se disputent tout le temps @everyone")
        .unwrap();
    let again = w
        .sim
        .wait_message_in("#questions-privees", |p| p.content.contains("disputent"))
        .await
        .unwrap();
    assert_eq!(again.channel_id, thread);
    assert!(
        !again.pinged_everyone && again.pinged_users.is_empty(),
        "a relay never pings"
    );

    // A young person cannot use /repondre.
    let ix = w
        .sim
        .user("lea")
        .slash("#discussion", "/repondre texte:coucou")
        .unwrap();
    let refused = w.sim.wait_response(&ix).await.unwrap();
    assert!(refused.content.contains("réservée"), "{}", refused.content);

    let ix = w
        .sim
        .user("karim")
        .slash(&name, "/question clore issue:orienté")
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    w.sim
        .wait_dm("lea", |p| p.content.contains("close"))
        .await
        .unwrap();
    // Writing again opens a new question in a new thread.
    w.sim.user("lea").dm("re-bonjour, autre chose").unwrap();
    w.sim
        .wait_message_in("#questions-privees", |p| {
            p.content.contains("autre chose") && p.channel_id != thread
        })
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_private_thread_deleted_by_hand_is_reopened_at_the_next_dm() {
    let w = World::start("").await;
    w.sim
        .user("sami")
        .dm("bonjour, une question sur le BAFA")
        .unwrap();
    let (thread, _) = thread_named(&w, "#questions-privees", "Question privée").await;
    w.sim
        .wait_message_in("#questions-privees", |p| p.content.contains("BAFA"))
        .await
        .unwrap();
    assert!(w.sim.delete_thread(thread));
    w.sim.user("sami").dm("vous êtes là ?").unwrap();
    let relayed = w
        .sim
        .wait_message_in("#questions-privees", |p| {
            p.kind == PostKind::Created && p.content.contains("vous êtes là")
        })
        .await
        .unwrap();
    assert_ne!(relayed.channel_id, thread, "a new thread");
    let said = w
        .sim
        .messages(
            w.sim
                .channel_label(relayed.channel_id)
                .rsplit(" > ")
                .next()
                .unwrap(),
        )
        .unwrap();
    assert!(
        said.iter()
            .any(|m| m.content.contains("supprimé ou verrouillé")),
        "the new thread says so: {said:?}"
    );
    w.stop().await;
}

#[tokio::test]
async fn a_young_person_in_two_guilds_chooses_which_team_gets_the_private_question() {
    let lyon = discord_sim::GuildSpec::new("Promeneurs de Lyon")
        .role("Promeneur Lyon")
        .private_channel("alertes-lyon", &["Promeneur Lyon"])
        .private_channel("privees-lyon", &["Promeneur Lyon"])
        .member("hugo", &["Promeneur Lyon"])
        .member("lea", &[]);
    let w = World::start_with(vec![discord_sim::demo::demo_guild(), lyon], |sim| {
        format!(
            "[[guilds]]\nid = {}\nalert_channel = {}\npromeneur_role = {}\nprivate_questions_channel = {}\n",
            sim.guild_id("Promeneurs de Lyon").unwrap(),
            sim.channel_id("#alertes-lyon").unwrap(),
            sim.role_id("Promeneur Lyon").unwrap(),
            sim.channel_id("#privees-lyon").unwrap(),
        )
    })
    .await;
    let dm = w
        .sim
        .user("lea")
        .dm("bonjour, je peux parler à quelqu'un de Lyon ?")
        .unwrap();
    let menu = w
        .sim
        .wait_dm("lea", |p| p.content.contains("plusieurs serveurs"))
        .await
        .unwrap();
    assert!(
        w.sim.threads_of("#privees-lyon").unwrap().is_empty(),
        "nothing relayed before she chooses"
    );
    let lyon_id = w.sim.guild_id("Promeneurs de Lyon").unwrap().to_string();
    let ix = w
        .sim
        .user("lea")
        .select(
            menu.message_id.unwrap(),
            &format!("question:guild:{dm}"),
            &[&lyon_id],
        )
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let relayed = w
        .sim
        .wait_message_in("#privees-lyon", |p| p.content.contains("de Lyon"))
        .await
        .unwrap();
    assert!(relayed.content.starts_with("**Jeune**"));
    // Her next DM joins that question without asking again.
    w.sim.user("lea").dm("c'est pour un stage").unwrap();
    w.sim
        .wait_message_in("#privees-lyon", |p| p.content.contains("pour un stage"))
        .await
        .unwrap();
    assert!(w.sim.threads_of("#questions-privees").unwrap().is_empty());
    w.stop().await;
}

#[tokio::test]
async fn a_long_answer_is_split_and_closed_dms_leave_it_in_the_thread() {
    let w = World::start("").await;
    w.sim
        .user("ines")
        .dm("j'ai une question sur l'orientation")
        .unwrap();
    let (_, name) = thread_named(&w, "#questions-privees", "Question privée").await;
    let para = "Voici des pistes pour ton orientation, prends le temps de lire. ".repeat(25);
    let long = format!("{}\n\n{}", para.trim(), para.trim());
    let ix = w
        .sim
        .user("julie")
        .slash_with(&name, "repondre", &[("texte", &long)])
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let first = w
        .sim
        .wait_dm("ines", |p| p.content.contains("pistes"))
        .await
        .unwrap();
    let second = w
        .sim
        .wait_dm("ines", |p| {
            p.content.contains("pistes") && p.seq != first.seq
        })
        .await
        .unwrap();
    for part in [&first, &second] {
        assert!(part.content.chars().count() <= 2000);
        assert!(
            part.content.ends_with("lire."),
            "cut on a boundary: {}",
            &part.content[part.content.len() - 20..]
        );
    }

    w.sim.set_refuses_dms("ines", true).unwrap();
    let ix = w
        .sim
        .user("julie")
        .slash_with(&name, "repondre", &[("texte", "Tu es toujours là ?")])
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let note = w
        .sim
        .wait_message_in("#questions-privees", |p| {
            p.content.contains("n'a pas pu être envoyée")
        })
        .await
        .unwrap();
    assert!(note.pinged_users.is_empty());
    w.stop().await;
}
