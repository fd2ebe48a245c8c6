//! A young person's rights: `/mes-donnees` sends them a file of everything kept, `/oubli`
//! erases it everywhere. The erasure is checked against every table of the database's own
//! catalogue, on SQLite and PostgreSQL, and end to end through discord-sim.

use discord_sim::PostKind;
use sqlx::AnyPool;

use promeneur::domain::alerts::AlertStatus;
use promeneur::flows::message::{handle, Handled, Incoming};
use promeneur::flows::questions::{ask_anonymous, private_dm, Dm};
use promeneur::flows::rights;
use promeneur::store::{alerts, Backend};

use crate::e2e::{lea_worries_and_karim_takes, World};
use crate::support::{each_backend, test_bot, GUILD};

use crate::support::WORRYING;
const QUESTION: &str = "comment parler a ma mere de mon orientation sans qu'elle crie ?";
const PRIVATE: &str = "je dors plus depuis des semaines, je sais pas a qui en parler";
const YOUNG: u64 = 700_000_000_000_000_123;
const OTHER: u64 = 700_000_000_000_000_456;

/// Every table of the database, from its catalogue (not a hand-written list), with its columns.
async fn tables(pool: &AnyPool, backend: Backend) -> Vec<(String, Vec<String>)> {
    let names: Vec<(String,)> = match backend {
        Backend::Sqlite => sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ),
        Backend::Postgres => sqlx::query_as(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        ),
    }
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for (table,) in names {
        let columns: Vec<(String,)> = match backend {
            Backend::Sqlite => {
                sqlx::query_as("SELECT name FROM pragma_table_info($1)").bind(&table)
            }
            Backend::Postgres => sqlx::query_as(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1",
            )
            .bind(&table),
        }
        .fetch_all(pool)
        .await
        .unwrap();
        out.push((table, columns.into_iter().map(|(c,)| c).collect()));
    }
    assert!(out.len() > 10, "the catalogue lists the tables: {out:?}");
    out
}

/// Every cell of the database, as text, where it contains one of `needles`.
async fn traces(pool: &AnyPool, backend: Backend, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (table, columns) in tables(pool, backend).await {
        for column in columns {
            // Blobs (the migrations' checksums) are read as hex, never as text.
            let sql = match backend {
                Backend::Sqlite => format!(
                    "SELECT CASE WHEN typeof(\"{column}\") = 'blob' THEN hex(\"{column}\") \
                     ELSE CAST(\"{column}\" AS TEXT) END FROM \"{table}\""
                ),
                Backend::Postgres => format!("SELECT CAST(\"{column}\" AS TEXT) FROM \"{table}\""),
            };
            let cells: Vec<(Option<String>,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await
                .unwrap();
            for (cell,) in cells.into_iter() {
                let Some(cell) = cell else { continue };
                for needle in needles {
                    if cell.contains(needle) {
                        found.push(format!("{table}.{column} holds {needle:?}"));
                    }
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn erasure_leaves_no_trace_of_the_young_person_in_any_table_and_is_idempotent() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let now = promeneur::store::now_ms();
        let flagged = handle(
            &bot,
            &Incoming {
                guild_id: Some(GUILD),
                alert_guild_id: Some(GUILD),
                channel_id: 42,
                message_id: 1001,
                author_id: YOUNG,
                content: WORRYING,
                at: now,
                ..Incoming::default()
            },
        )
        .await
        .unwrap();
        let Handled::Flagged { alert_id, .. } = flagged else {
            panic!("a worrying message is flagged, got {flagged:?}")
        };
        ask_anonymous(&bot, GUILD, 43, YOUNG, 2002, QUESTION, now)
            .await
            .unwrap();
        let dm = Dm {
            user_id: YOUNG,
            dm_channel_id: 3003,
            message_id: 3004,
            content: PRIVATE,
            at: now,
        };
        private_dm(&bot, GUILD, 44, &dm).await.unwrap();
        // Someone else's alert stays whole.
        handle(
            &bot,
            &Incoming {
                guild_id: Some(GUILD),
                alert_guild_id: Some(GUILD),
                channel_id: 42,
                message_id: 1005,
                author_id: OTHER,
                content: WORRYING,
                at: now,
                ..Incoming::default()
            },
        )
        .await
        .unwrap();

        let file = rights::export(&bot, Some(GUILD), YOUNG, now).await.unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&file).unwrap();
        let text = doc.to_string();
        for expected in [QUESTION, PRIVATE, "dolipranes"] {
            assert!(
                text.contains(expected),
                "the export holds {expected:?}: {text}"
            );
        }
        assert_eq!(doc["alerts"].as_array().map(Vec::len), Some(1), "{doc}");

        let pseudonym = bot.pseudonyms.pseudonym(YOUNG).as_str().to_owned();
        let id = YOUNG.to_string();
        let needles = [id.as_str(), pseudonym.as_str(), QUESTION, PRIVATE];
        assert!(!traces(t.db.pool(), t.db.backend(), &needles)
            .await
            .is_empty());

        let erased = rights::forget(&bot, Some(GUILD), YOUNG, now).await.unwrap();
        assert_eq!(erased.closed_alerts, vec![alert_id]);
        let left = traces(t.db.pool(), t.db.backend(), &needles).await;
        assert!(left.is_empty(), "traces left: {left:?}");
        // The journal keeps her entries, as anonymous counts; the other young person's stay.
        let entries = promeneur::store::journal::since(t.db.pool(), 0)
            .await
            .unwrap();
        let anonymous = entries
            .iter()
            .filter(|l| l.entry.actor == promeneur::domain::journal::Actor::Anonymous)
            .filter(|l| l.entry.action == promeneur::domain::journal::Action::MessageScanned)
            .count();
        assert_eq!(anonymous, 1, "her scanned message, counted anonymously");
        let closed = alerts::get(t.db.pool(), alert_id).await.unwrap().unwrap();
        assert_eq!(closed.status(), AlertStatus::Closed);
        assert_eq!(closed.state.outcome.map(|o| o.as_str()), Some("efface"));
        // The other young person's excerpt is still there.
        let other = traces(t.db.pool(), t.db.backend(), &["dolipranes"]).await;
        assert!(!other.is_empty(), "someone else's alert is kept");

        // Again: nothing more to erase, nothing fails.
        let again = rights::forget(&bot, Some(GUILD), YOUNG, now).await.unwrap();
        assert!(again.closed_alerts.is_empty() && again.redraw_alerts.is_empty());
        let requests: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM rights_requests")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(requests.0, 3, "one export and two erasures are logged");
    })
    .await;
}

#[tokio::test]
async fn a_failed_erasure_transaction_leaves_everything_as_it_was() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let now = promeneur::store::now_ms();
        ask_anonymous(&bot, GUILD, 43, YOUNG, 2002, QUESTION, now)
            .await
            .unwrap();
        let pseudonym = bot.pseudonyms.pseudonym(YOUNG);
        // Erased but never committed, as when the process dies halfway.
        let mut tx = t.db.begin().await.unwrap();
        promeneur::store::erasure::erase(&mut tx, YOUNG, pseudonym.as_str(), now)
            .await
            .unwrap();
        drop(tx);
        let left = traces(t.db.pool(), t.db.backend(), &[QUESTION]).await;
        assert_eq!(left.len(), 1, "{left:?}");
    })
    .await;
}

#[tokio::test]
async fn mes_donnees_dms_a_file_then_oubli_leaves_no_trace_and_tells_the_promeneur() {
    let w = World::start("").await;
    let alert = lea_worries_and_karim_takes(&w).await;
    w.sim.user("lea").dm(PRIVATE).unwrap();
    // Her private question is relayed (and scanned) before she asks for her data.
    w.sim
        .wait_message_in("#questions-privees", |p| p.content.contains(PRIVATE))
        .await
        .unwrap();

    let ix = w
        .sim
        .user("lea")
        .slash("#discussion", "/mes-donnees")
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let dm = w
        .sim
        .wait_dm("lea", |p| p.content.contains("fichier joint"))
        .await
        .unwrap();
    assert!(dm.pinged_users.is_empty());
    let upload = w
        .sim
        .uploads()
        .into_iter()
        .find(|u| u.filename == "mes-donnees.json")
        .expect("the file is attached");
    let doc: serde_json::Value = serde_json::from_slice(&upload.data).unwrap();
    let text = doc.to_string();
    assert!(
        text.contains(PRIVATE),
        "the question is in the file: {text}"
    );
    assert!(
        text.contains("dolipranes"),
        "the excerpt is in the file: {text}"
    );

    let lea = w.sim.user_id("lea").unwrap().to_string();
    let confirm = w.ask("lea", "/oubli").await;
    assert!(confirm.ephemeral && confirm.content.contains("effacer"));
    let ix = w
        .sim
        .user("lea")
        .click(confirm.message_id.unwrap_or(0), "Tout effacer")
        .unwrap();
    let done = w.sim.wait_response(&ix).await.unwrap();
    assert!(done.content.contains("C'est fait"), "{}", done.content);
    let told = w
        .sim
        .wait_post(|p| p.is_in("#alertes-promeneurs") && p.content.contains("effacement"))
        .await
        .unwrap();
    assert_eq!(told.pinged_users, vec!["karim".to_string()]);
    assert!(!told.content.contains("dolipranes"));
    // The posted alert is redrawn: closed, without the excerpt.
    let alert_id = alert.message_id;
    let redrawn = w
        .sim
        .wait_post(|p| {
            p.kind == PostKind::Edited
                && p.message_id == alert_id
                && !serde_json::Value::from(p.embeds.clone())
                    .to_string()
                    .contains("dolipranes")
        })
        .await
        .unwrap();
    let embeds = serde_json::Value::from(redrawn.embeds.clone()).to_string();
    assert!(embeds.contains("effacé à la demande"), "{embeds}");

    let url = w.database_url();
    let db = promeneur::store::Db::connect(&url).await.unwrap();
    let left = traces(
        db.pool(),
        db.backend(),
        &[lea.as_str(), PRIVATE, "dolipranes"],
    )
    .await;
    assert!(left.is_empty(), "traces left: {left:?}");
    w.stop().await;
}

#[tokio::test]
async fn confidentialite_says_what_is_kept_and_aide_links_to_it() {
    let w = World::start("").await;
    let privacy = w.ask("sami", "/confidentialite").await;
    assert!(privacy.ephemeral);
    assert!(privacy.content.contains("365 jours"), "{}", privacy.content);
    assert!(
        privacy.content.contains("1095 jours"),
        "{}",
        privacy.content
    );
    let help = w.ask("sami", "/aide").await;
    assert!(help.content.contains("/confidentialite"));
    w.stop().await;
}
