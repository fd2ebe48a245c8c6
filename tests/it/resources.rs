//! Resources: the flows on real databases (SQLite, and PostgreSQL when configured), and end to
//! end through discord-sim with the real serenity/poise client: add, search with typos, edit,
//! retire, a refused link kept for correction, and the resources shown with an alert.

use std::time::Duration;

use discord_sim::{BotPost, PostKind};
use promeneur::domain::effects::Effect;
use promeneur::domain::resources::{ChangeError, Field, FieldError, Fields, LinkProblem, Status};
use promeneur::flows::resources::{self as flow, Finished, Refusal};
use promeneur::store::{outbox, resources as store};

use crate::e2e::{is_alert, World};
use crate::support::{each_backend, test_bot, GUILD};

const KARIM: u64 = 7;

fn fields(title: &str, link: &str) -> Fields {
    Fields {
        title: title.into(),
        link: link.into(),
        description: "Écoute gratuite et anonyme.".into(),
    }
}

/// The effects waiting in the outbox, in order.
async fn pending(db: &promeneur::store::Db) -> Vec<Effect> {
    let due = outbox::claim_due(db.pool(), i64::MAX / 4, 1, 100)
        .await
        .unwrap();
    due.iter()
        .filter_map(|e| Effect::from_payload(&e.payload).ok())
        .collect()
}

#[tokio::test]
async fn a_draft_becomes_a_resource_then_an_edit_then_a_retired_row_each_with_its_effect() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let draft = flow::keep_draft(
            &bot,
            GUILD,
            KARIM,
            None,
            &fields("3018", "https://www.3018.fr"),
            1_000,
        )
        .await
        .unwrap();
        let done = flow::finish(&bot, GUILD, KARIM, draft, &["harassment"], 2_000)
            .await
            .unwrap();
        let Ok(Finished::Added(added)) = done else {
            panic!("the draft is saved: {done:?}")
        };
        assert_eq!(added.themes, ["harassment"]);
        assert_eq!(added.link, "https://www.3018.fr/");
        // The draft is consumed: the same menu answered twice saves nothing more.
        let again = flow::finish(&bot, GUILD, KARIM, draft, &["harassment"], 2_100)
            .await
            .unwrap();
        assert_eq!(again, Err(Refusal::DraftExpired));

        let edit = flow::keep_draft(
            &bot,
            GUILD,
            KARIM,
            Some(added.id),
            &fields("Le 3018", "https://3018.fr"),
            3_000,
        )
        .await
        .unwrap();
        let done = flow::finish(
            &bot,
            GUILD,
            KARIM,
            edit,
            &["harassment", "pratiques_numeriques"],
            3_100,
        )
        .await
        .unwrap();
        let Ok(Finished::Edited(edited)) = done else {
            panic!("the edit is saved: {done:?}")
        };
        assert_eq!((edited.version, edited.title.as_str()), (1, "Le 3018"));

        let retired = flow::retire(&bot, GUILD, KARIM, added.id, 4_000)
            .await
            .unwrap();
        assert!(retired.is_ok_and(|r| r.status == Status::Retired && r.retired_by == Some(KARIM)));
        let twice = flow::retire(&bot, GUILD, KARIM, added.id, 4_100)
            .await
            .unwrap();
        assert_eq!(twice, Err(Refusal::Change(added.id, ChangeError::Retired)));
        // The row stays for the log; it is no longer offered.
        let row = store::get(t.db.pool(), added.id).await.unwrap();
        assert!(row.is_some_and(|r| r.retired_at == Some(4_000)));
        assert!(flow::active(&bot, GUILD).await.unwrap().is_empty());

        let id = added.id;
        assert_eq!(
            pending(&t.db).await,
            [
                Effect::PostResource { resource_id: id },
                Effect::RefreshResource {
                    resource_id: id,
                    version: 1
                },
                Effect::DeleteResource { resource_id: id },
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_bad_draft_or_a_resource_of_another_guild_saves_nothing() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let bad = flow::keep_draft(
            &bot,
            GUILD,
            KARIM,
            None,
            &fields("3018", "www.3018.fr"),
            1_000,
        )
        .await
        .unwrap();
        // The draft keeps exactly what was typed, for the "fix it" modal.
        let kept = flow::draft(&bot, GUILD, KARIM, bad).await.unwrap();
        assert_eq!(kept.map(|d| d.fields.link), Some("www.3018.fr".to_owned()));
        let refused = flow::finish(&bot, GUILD, KARIM, bad, &["harassment"], 2_000)
            .await
            .unwrap();
        assert_eq!(
            refused,
            Err(Refusal::Field(FieldError::BadLink(LinkProblem::NotHttp)))
        );
        let good = flow::keep_draft(
            &bot,
            GUILD,
            KARIM,
            None,
            &fields("3018", "https://www.3018.fr"),
            1_000,
        )
        .await
        .unwrap();
        let unknown = flow::finish(&bot, GUILD, KARIM, good, &["astrologie"], 2_000)
            .await
            .unwrap();
        assert_eq!(
            unknown,
            Err(Refusal::Field(FieldError::UnknownTheme(
                "astrologie".into()
            )))
        );
        // Someone else's draft, or one from another guild, cannot be finished.
        assert_eq!(
            flow::finish(&bot, GUILD, KARIM + 1, good, &["harassment"], 2_000)
                .await
                .unwrap(),
            Err(Refusal::DraftExpired)
        );
        assert_eq!(
            flow::finish(&bot, GUILD + 1, KARIM, good, &["harassment"], 2_000)
                .await
                .unwrap(),
            Err(Refusal::DraftExpired)
        );
        assert!(flow::active(&bot, GUILD).await.unwrap().is_empty());
        assert!(pending(&t.db).await.is_empty());
        assert_eq!(
            flow::retire(&bot, GUILD, KARIM, 999, 3_000).await.unwrap(),
            Err(Refusal::Change(999, ChangeError::NotFound))
        );
        // Drafts are forgotten after an hour.
        let later = promeneur::domain::resources::DRAFT_TTL_MS + 5_000;
        flow::keep_draft(&bot, GUILD, KARIM, None, &Fields::default(), later)
            .await
            .unwrap();
        assert!(flow::draft(&bot, GUILD, KARIM, good)
            .await
            .unwrap()
            .is_none());
        assert_eq!(Field::Link.as_str(), "lien");
    })
    .await;
}

fn in_resources(p: &BotPost) -> bool {
    p.is_in("#ressources")
}

/// Karim adds a resource through the modal and the theme menu; returns its posted message.
async fn add(w: &World, title: &str, link: &str, description: &str, themes: &[&str]) -> BotPost {
    let karim = w.sim.user("karim");
    let ix = karim.slash("#discussion", "/ressource ajouter").unwrap();
    let modal = w.sim.wait_response(&ix).await.unwrap();
    assert_eq!(modal.kind, PostKind::Modal);
    let submitted = karim
        .submit_last_modal(&[
            ("titre", title),
            ("lien", link),
            ("description", description),
        ])
        .unwrap();
    let menu = w.sim.wait_response(&submitted).await.unwrap();
    assert!(menu.ephemeral);
    let menu_id = menu.message_id.expect("the theme menu is a message");
    let custom_id = menu.components[0]["components"][0]["custom_id"]
        .as_str()
        .expect("a select menu")
        .to_owned();
    let picked = karim.select(menu_id, &custom_id, themes).unwrap();
    let saved = w.sim.wait_response(&picked).await.unwrap();
    assert!(saved.content.contains("<#"), "{}", saved.content);
    w.sim
        .wait_post(|p| in_resources(p) && p.kind == PostKind::Created)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_promeneur_adds_edits_and_retires_a_resource_and_the_posted_embed_follows() {
    let w = World::start("").await;
    // A young person cannot add one.
    let refused = w.ask("lea", "/ressource ajouter").await;
    assert!(
        refused.ephemeral && refused.kind == PostKind::Created,
        "{refused:?}"
    );

    let posted = add(
        &w,
        "Harcèlement : le 3018 t'écoute",
        "https://www.3018.fr",
        "Cyberharcèlement, comptes piratés : gratuit et anonyme.",
        &["harassment", "pratiques_numeriques"],
    )
    .await;
    let embed = &posted.embeds[0];
    assert_eq!(embed["title"], "Harcèlement : le 3018 t'écoute");
    assert_eq!(embed["url"], "https://www.3018.fr/");
    assert!(
        posted.text().contains("Pratiques numériques"),
        "{}",
        posted.text()
    );
    let message = posted.message_id.unwrap();

    // Anyone finds it, with a typo, without accents, in the plural.
    for typed in ["harcèlemnt", "harcelement", "harcèlements"] {
        let found = w
            .ask("sami", &format!("/ressource chercher requete:{typed}"))
            .await;
        assert!(found.ephemeral);
        assert!(
            found.content.contains("Harcèlement : le 3018"),
            "{typed}: {}",
            found.content
        );
    }
    // Titles are offered as one types.
    let ix = w
        .sim
        .user("sami")
        .autocomplete("#discussion", "/ressource chercher requete:harc")
        .unwrap();
    let choices = w.sim.wait_response(&ix).await.unwrap();
    assert_eq!(choices.kind, PostKind::Autocomplete);
    assert_eq!(
        choices.data["choices"][0]["name"],
        "Harcèlement : le 3018 t'écoute"
    );
    let listed = w.ask("ines", "/ressource liste theme:harassment").await;
    assert!(listed.content.contains("3018"), "{}", listed.content);

    // Edit: the same modal, filled in; the posted embed is edited.
    let karim = w.sim.user("karim");
    let ix = karim
        .slash("#discussion", "/ressource modifier ressource:1")
        .unwrap();
    let modal = w.sim.wait_response(&ix).await.unwrap();
    assert_eq!(modal.kind, PostKind::Modal);
    assert!(
        modal.data.to_string().contains("https://www.3018.fr/"),
        "prefilled: {}",
        modal.data
    );
    let submitted = karim
        .submit_last_modal(&[
            ("titre", "Le 3018 contre le harcèlement"),
            ("lien", "https://www.3018.fr"),
            ("description", ""),
        ])
        .unwrap();
    let menu = w.sim.wait_response(&submitted).await.unwrap();
    let picked = karim
        .select(
            menu.message_id.unwrap(),
            menu.components[0]["components"][0]["custom_id"]
                .as_str()
                .unwrap(),
            &["harassment"],
        )
        .unwrap();
    let edited_ok = w.sim.wait_response(&picked).await.unwrap();
    assert!(edited_ok.ephemeral);
    let edited = w
        .sim
        .wait_post(|p| p.kind == PostKind::Edited && p.message_id == Some(message))
        .await
        .unwrap();
    assert_eq!(edited.embeds[0]["title"], "Le 3018 contre le harcèlement");

    // An id that does not exist: a clear error naming the option.
    let unknown = w.ask("karim", "/ressource retirer ressource:#99").await;
    assert!(
        unknown.content.contains("ressource") && unknown.content.contains("99"),
        "{}",
        unknown.content
    );

    // Retire: the posted embed is deleted, the search no longer offers it.
    let retired = w.ask("karim", "/ressource retirer ressource:1").await;
    assert!(retired.ephemeral, "{retired:?}");
    w.sim
        .wait_post(|p| p.kind == PostKind::Deleted && p.message_id == Some(message))
        .await
        .unwrap();
    let gone = w
        .ask("sami", "/ressource chercher requete:harcelement")
        .await;
    assert!(!gone.content.contains("3018"), "{}", gone.content);
    w.stop().await;
}

#[tokio::test]
async fn a_bad_link_is_refused_naming_the_field_and_what_was_typed_comes_back_to_fix_it() {
    let w = World::start("").await;
    let karim = w.sim.user("karim");
    let ix = karim.slash("#discussion", "/ressource ajouter").unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let submitted = karim
        .submit_last_modal(&[
            ("titre", "Fil Santé Jeunes"),
            ("lien", "filsantejeunes.com"),
            ("description", "Écoute 12-25 ans."),
        ])
        .unwrap();
    let refused = w.sim.wait_response(&submitted).await.unwrap();
    assert!(refused.ephemeral);
    assert!(refused.content.contains("Lien"), "{}", refused.content);
    assert!(refused.content.contains("https://"), "{}", refused.content);
    // Nothing was saved or posted.
    w.sim
        .assert_no_message(Duration::from_millis(300), in_resources)
        .await
        .unwrap();
    // "Corriger" reopens the modal with everything that was typed.
    let fix = karim
        .click(refused.message_id.unwrap(), "Corriger")
        .unwrap();
    let modal = w.sim.wait_response(&fix).await.unwrap();
    assert_eq!(modal.kind, PostKind::Modal);
    let data = modal.data.to_string();
    assert!(
        data.contains("Fil Santé Jeunes")
            && data.contains("filsantejeunes.com")
            && data.contains("Écoute 12-25 ans."),
        "{data}"
    );
    let fixed = karim
        .submit_last_modal(&[
            ("titre", "Fil Santé Jeunes"),
            ("lien", "https://www.filsantejeunes.com"),
            ("description", "Écoute 12-25 ans."),
        ])
        .unwrap();
    let menu = w.sim.wait_response(&fixed).await.unwrap();
    let picked = karim
        .select(
            menu.message_id.unwrap(),
            menu.components[0]["components"][0]["custom_id"]
                .as_str()
                .unwrap(),
            &["distress"],
        )
        .unwrap();
    w.sim.wait_response(&picked).await.unwrap();
    let posted = w
        .sim
        .wait_post(|p| in_resources(p) && p.kind == PostKind::Created)
        .await
        .unwrap();
    assert_eq!(posted.embeds[0]["title"], "Fil Santé Jeunes");
    // An over-long title is refused naming it (the modal's own limit is Discord's; a client
    // that ignores it still gets a clear answer), and nothing is saved.
    let ix = karim.slash("#discussion", "/ressource ajouter").unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let long = "t".repeat(150);
    let submitted = karim
        .submit_last_modal(&[("titre", &long), ("lien", "https://www.3018.fr")])
        .unwrap();
    let refused = w.sim.wait_response(&submitted).await.unwrap();
    assert!(
        refused.content.contains("« Titre »") && refused.content.contains("150"),
        "{}",
        refused.content
    );
    let listed = w.ask("lea", "/ressource liste").await;
    assert!(!listed.content.contains("ttttt"), "{}", listed.content);
    w.stop().await;
}

#[tokio::test]
async fn an_alert_and_its_helpline_card_show_the_resources_of_its_category() {
    let w = World::start("").await;
    add(
        &w,
        "Le 3114, prévention du suicide",
        "https://3114.fr",
        "",
        &["suicide_selfharm"],
    )
    .await;
    add(
        &w,
        "Trouver un logement",
        "https://www.crous.fr",
        "",
        &["info_pratique"],
    )
    .await;
    w.sim
        .user("lea")
        .post(
            "#discussion",
            "je veux mourir, ce soir je prends toutes mes boites de dolipranes",
        )
        .unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let text = alert.text();
    assert!(text.contains("Le 3114, prévention du suicide"), "{text}");
    assert!(!text.contains("logement"), "{text}");
    let card = w.sim.wait_dm("lea", |_| true).await.unwrap();
    assert!(
        card.content
            .contains("[Le 3114, prévention du suicide](<https://3114.fr/>)"),
        "{}",
        card.content
    );
    w.stop().await;
}
