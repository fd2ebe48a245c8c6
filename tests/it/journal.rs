//! The journal through Discord: `/export` attaches a file whose rows are what happened in the
//! test, `/journal` lists the promeneur's actions, both refuse anyone but a coordinator and
//! name a bad option; and the bot's logs, captured at debug level over such a flow, hold no
//! message content, no pseudonym, key or token, no export contents.

use discord_sim::PostKind;
use promeneur::sandbox::DEMO_PSEUDONYM_KEY;

use crate::e2e::{demo_pseudonym, lea_worries_and_karim_takes, World};

use crate::support::WORRYING;
const QUESTION: &str = "est-ce que quelqu'un sait comment on change de lycee en cours d'annee";

/// Today in the demo guild's time zone (Europe/Paris), as `/export` reads days.
fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%Y-%m-%d")
        .to_string()
}

/// Lea's worrying message, karim takes its alert then closes it.
async fn an_alert_taken_and_closed(w: &World) {
    lea_worries_and_karim_takes(w).await;
    let closed = w
        .ask("karim", "/alerte clore numero:1 issue:\"faux positif\"")
        .await;
    assert!(closed.ephemeral, "{}", closed.content);
}

/// Runs `/export` as `user` and returns the final answer (the deferred one edited).
async fn export(w: &World, user: &str, options: &str) -> discord_sim::BotPost {
    let ix = w
        .sim
        .user(user)
        .slash("#discussion", &format!("/export {options}"))
        .unwrap();
    let first = w.sim.wait_response(&ix).await.unwrap();
    if first.kind != PostKind::Deferred {
        return first;
    }
    w.sim
        .wait_post(|p| p.kind == PostKind::Edited && p.message_id == first.message_id)
        .await
        .unwrap()
}

#[tokio::test]
async fn export_attaches_a_csv_of_what_happened_and_journal_lists_the_promeneurs_actions() {
    let w = World::start("").await;
    an_alert_taken_and_closed(&w).await;
    let listed = w.ask("karim", "/alerte liste").await;
    assert!(listed.ephemeral);

    let day = today();
    let done = export(&w, "nadia", &format!("debut:{day} fin:{day} format:csv")).await;
    assert!(
        done.ephemeral && done.content.contains("lignes"),
        "{}",
        done.content
    );
    let name = format!("journal-{day}-{day}.csv");
    let upload = w
        .sim
        .uploads()
        .into_iter()
        .find(|u| u.filename == name)
        .expect("the file is attached");
    let csv = String::from_utf8(upload.data).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(promeneur::export::COLUMNS.join(",").as_str())
    );
    let karim = w.sim.user_id("karim").unwrap().to_string();
    let lea = w.sim.user_id("lea").unwrap();
    let lea_pseudonym = demo_pseudonym(&w, "lea");
    // (actor_kind, actor, action, outcome) of each row, in order.
    let rows: Vec<(String, String, String, String)> = lines
        .map(|l| {
            let f = csv_fields(l);
            (f[2].clone(), f[3].clone(), f[4].clone(), f[11].clone())
        })
        .collect();
    let expected = [
        ("young", lea_pseudonym.as_str(), "message_scanned", ""),
        ("young", lea_pseudonym.as_str(), "alert_flagged", ""),
        ("bot", "", "alert_delivered", ""),
        ("staff", karim.as_str(), "alert_taken", ""),
        ("staff", karim.as_str(), "alert_closed", "faux_positif"),
        ("staff", karim.as_str(), "alert_list_viewed", ""),
    ];
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|(k, a, x, o)| (k.as_str(), a.as_str(), x.as_str(), o.as_str()))
        .collect();
    assert_eq!(got, expected, "{csv}");
    assert!(!csv.contains("dolipranes") && !csv.contains(&lea.to_string()));

    let journal = w.ask("nadia", "/journal").await;
    assert!(journal.ephemeral);
    assert!(journal.pinged_users.is_empty(), "no ping");
    let text = &journal.content;
    for expected in [
        "a exporté le journal",
        "a consulté la liste des alertes",
        "a clos l'alerte n°1 (faux\\_positif)",
        "a pris l'alerte n°1",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(text.contains(&format!("<@{karim}>")), "{text}");
    // Newest first.
    assert!(text.find("a clos").unwrap() < text.find("a pris").unwrap());

    // One member only, since a date: nadia's own export and view, not karim's actions.
    let mine = w
        .ask("nadia", &format!("/journal membre:@nadia depuis:{day}"))
        .await;
    assert!(
        mine.content.contains("a exporté le journal"),
        "{}",
        mine.content
    );
    assert!(!mine.content.contains("a pris"), "{}", mine.content);
    w.stop().await;
}

#[tokio::test]
async fn export_and_journal_refuse_everyone_but_coordinators_and_name_a_bad_option() {
    let w = World::start("").await;
    let day = today();
    for user in ["lea", "karim"] {
        let refused = export(&w, user, &format!("debut:{day} fin:{day} format:csv")).await;
        assert!(refused.ephemeral);
        assert!(
            refused.content.contains("réservée à la coordination"),
            "{user}: {}",
            refused.content
        );
        let refused = w.ask(user, "/journal").await;
        assert!(refused.ephemeral && refused.content.contains("réservée à la coordination"));
    }
    let bad = export(&w, "nadia", "debut:2026-13-01 fin:2026-12-31 format:csv").await;
    assert!(bad.content.contains("`debut`"), "{}", bad.content);
    let long = export(&w, "nadia", "debut:2024-01-01 fin:2025-06-01 format:jsonl").await;
    assert!(long.content.contains("`fin`") && long.content.contains("un an"));
    let reversed = export(&w, "nadia", "debut:2026-03-02 fin:2026-03-01 format:csv").await;
    assert!(reversed.content.contains("`fin`"), "{}", reversed.content);
    let bad = w.ask("nadia", "/journal depuis:hier").await;
    assert!(bad.content.contains("`depuis`"), "{}", bad.content);
    assert!(w.sim.uploads().is_empty(), "no file for a refusal");
    w.stop().await;
}

#[tokio::test]
async fn an_export_over_discords_upload_limit_points_to_the_cli_instead() {
    let w = World::start("").await;
    let guild = w.sim.guild_ids()[0];
    let db = promeneur::store::Db::connect(&w.database_url())
        .await
        .unwrap();
    let now = promeneur::store::now_ms();
    // 100,000 entries of today, about 12 MB of CSV: over the 8 MiB a bot may upload.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 100000) \
         INSERT INTO journal (guild_id, at, actor_kind, actor, action, subject_kind, subject_id, \
         channel_id, severity) \
         SELECT $1, $2 - i, 'young', 'j-0123456789', 'message_scanned', 'message', \
         1000000000000000000 + i, 1000000000000000001, 'none' FROM n",
    )
    .bind(promeneur::store::ids::to_db(guild))
    .bind(now)
    .execute(db.pool())
    .await
    .unwrap();
    db.close().await;
    let day = today();
    let big = export(&w, "nadia", &format!("debut:{day} fin:{day} format:csv")).await;
    assert!(big.ephemeral);
    assert!(
        big.content.contains("dépasse") && big.content.contains("promeneur export --guild"),
        "{}",
        big.content
    );
    assert!(w.sim.uploads().is_empty(), "no file over the limit");
    w.stop().await;
}

/// The fields of one CSV line (RFC 4180 quotes; no line breaks in this export's fields).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    assert_eq!(fields.len(), promeneur::export::COLUMNS.len(), "{line}");
    fields
}

/// The binary plays a script in its sandbox (the real bot on discord-sim) with the bot's logs
/// at debug level on stderr, as an operator would run it with `RUST_LOG`.
#[test]
fn the_logs_of_a_flagged_message_a_question_and_an_export_hold_no_content_nor_secret() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("script.txt");
    let day = today();
    std::fs::write(
        &script,
        format!(
            "@lea #discussion: {WORRYING}\n\
             expect #alertes-promeneurs\n\
             @karim click last Je prends\n\
             expect only karim sees this\n\
             @sami #questions: {QUESTION}\n\
             expect La réponse arrivera\n\
             @nadia #coordination /export debut:{day} fin:{day} format:csv\n\
             expect lignes\n\
             @nadia #coordination /journal\n\
             expect a pris l'alerte\n"
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promeneur"))
        .args(["sandbox", "--script"])
        .arg(&script)
        .env("RUST_LOG", "promeneur=debug,info")
        .env_remove("PROMENEUR_PSEUDONYM_KEY")
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    let transcript = String::from_utf8_lossy(&out.stdout);
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{transcript}\n{logs}");
    assert!(
        logs.contains("DEBUG") && logs.contains("message handled"),
        "the bot logged at debug level: {logs}"
    );
    assert!(transcript.contains("a exporté le journal"), "{transcript}");
    for (what, secret) in [
        ("the worrying message", "dolipranes"),
        ("the question", "change de lycee"),
        ("the pseudonym key", DEMO_PSEUDONYM_KEY),
        ("the token", "sim-token"),
        ("the export's header", "actor_kind"),
        ("the export's rows", "message_scanned,"),
    ] {
        assert!(!logs.contains(secret), "{what} is in the logs:\n{logs}");
    }
    // Pseudonyms (`j-` and ten hex digits) are in the export, never in the logs.
    let pseudonym = logs.match_indices("j-").find(|(at, _)| {
        let rest = &logs[at + 2..];
        rest.len() >= 10 && rest[..10].chars().all(|c| c.is_ascii_hexdigit())
    });
    assert!(pseudonym.is_none(), "a pseudonym is in the logs:\n{logs}");
}

/// The migration that creates the journal moves the old `exchanges` log and the questions'
/// events into it (a database upgraded from before the journal keeps its history).
#[tokio::test]
async fn the_journal_migration_moves_the_old_log_into_the_journal() {
    use promeneur::domain::journal::{Action, Actor, Subject};
    use promeneur::store::{journal, Db};

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let db = Db::connect(&url).await.unwrap();
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut before = sqlx::migrate::Migrator::new(folder).await.unwrap();
    let old: Vec<_> = before
        .migrations
        .iter()
        .filter(|m| m.version < 20261207000100)
        .cloned()
        .collect();
    assert!(
        old.len() < before.migrations.len(),
        "the journal's migration exists"
    );
    before.migrations = old.into();
    before.run(db.pool()).await.unwrap();
    for (message, pseudonym, kind, severity) in [
        (1001, "j-0123456789", "message", "high"),
        (1002, "efface", "dm", "none"),
    ] {
        sqlx::query(
            "INSERT INTO exchanges (guild_id, channel_id, message_id, author_pseudonym, kind, \
             severity, categories, created_at) VALUES (7, 42, $1, $2, $3, $4, '', 1000)",
        )
        .bind(message)
        .bind(pseudonym)
        .bind(kind)
        .bind(severity)
        .execute(db.pool())
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO exchanges (guild_id, channel_id, message_id, author_pseudonym, kind, \
         severity, categories, created_at) VALUES (7, 42, NULL, 'staff:take', 'staff_action', \
         'high', 'distress', 2000)",
    )
    .execute(db.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO question_events (question_id, guild_id, kind, way, actor_id, detail, at) \
         VALUES (3, 7, 'taken', 'open', 55, NULL, 3000)",
    )
    .execute(db.pool())
    .await
    .unwrap();

    db.migrate().await.unwrap();
    let entries: Vec<_> = journal::since(db.pool(), 0)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.entry.actor, l.entry.action, l.entry.subject))
        .collect();
    assert_eq!(
        entries,
        vec![
            (
                Actor::Young("j-0123456789".into()),
                Action::MessageScanned,
                Subject::Message(1001)
            ),
            (Actor::Anonymous, Action::DmScanned, Subject::Message(1002)),
            (Actor::StaffUnknown, Action::AlertTaken, Subject::None),
            (
                Actor::Staff(55),
                Action::QuestionTaken,
                Subject::Question(3)
            ),
        ]
    );
    let gone = sqlx::query("SELECT 1 FROM exchanges")
        .fetch_all(db.pool())
        .await;
    assert!(gone.is_err(), "the old table is dropped");
}

/// `/journal`'s query on both databases: staff actions only, newest first, one member's,
/// since a time; the view is journaled after it is read.
#[tokio::test]
async fn the_audit_lists_staff_actions_newest_first_filtered_by_member_and_date() {
    use promeneur::domain::journal::{Action, Actor, Entry, Subject};
    use promeneur::store::journal::{self, AuditFilter};

    use crate::support::{each_backend, test_bot, GUILD};

    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let pool = t.db.pool();
        let entries = [
            Entry::new(
                Some(GUILD),
                1_000,
                Actor::Young("j-0123456789".into()),
                Action::MessageScanned,
            ),
            Entry::new(Some(GUILD), 2_000, Actor::Staff(5), Action::AlertTaken)
                .about(Subject::Alert(1)),
            Entry::new(Some(GUILD), 3_000, Actor::Staff(6), Action::ResourceAdded),
            Entry::new(Some(GUILD), 4_000, Actor::Staff(5), Action::AlertClosed).outcome("oriente"),
            Entry::new(Some(GUILD + 1), 5_000, Actor::Staff(5), Action::AlertTaken),
        ];
        for e in &entries {
            assert!(journal::append(pool, e).await.unwrap());
        }
        let actions = |rows: Vec<journal::Logged>| -> Vec<Action> {
            rows.into_iter().map(|l| l.entry.action).collect()
        };
        let all = journal::staff_actions(pool, GUILD, AuditFilter::default(), 20).await;
        assert_eq!(
            actions(all.unwrap()),
            [
                Action::AlertClosed,
                Action::ResourceAdded,
                Action::AlertTaken
            ]
        );
        let five = AuditFilter {
            staff: Some(5),
            since: Some(2_500),
        };
        let rows = promeneur::flows::journal::audit(&bot, GUILD, five, 9, 6_000).await;
        assert_eq!(actions(rows.unwrap()), [Action::AlertClosed]);
        assert_eq!(
            journal::count(pool, Some(GUILD), Action::JournalViewed)
                .await
                .unwrap(),
            1,
            "the view is journaled"
        );
        let limited = journal::staff_actions(pool, GUILD, AuditFilter::default(), 1).await;
        assert_eq!(limited.unwrap().len(), 1);
    })
    .await;
}
