//! `promeneur export`: the journal of one guild over a range of the guild's days, as CSV or
//! JSON lines, without content; on SQLite and PostgreSQL, and through the binary.

use chrono_tz::Europe::Paris;
use promeneur::domain::alerts::Outcome;
use promeneur::domain::journal::{Action as Journaled, Actor};
use promeneur::export::{Format, Range};
use promeneur::flows::alerts::{apply, Action};
use promeneur::flows::export::export;
use promeneur::flows::message::{handle, Handled, Incoming};
use promeneur::flows::questions::ask_anonymous;
use promeneur::store::{journal, Db};

use crate::support::{each_backend, promeneur_bin, stdout_of, test_bot, TestDb, GUILD};

use crate::support::WORRYING;
const QUESTION: &str = "comment parler a ma mere de mon orientation sans qu'elle crie ?";
const YOUNG: u64 = 700_000_000_000_000_123;
const STAFF: u64 = 700_000_000_000_000_999;
/// 2026-03-10 12:00 UTC.
const AT: i64 = 1_773_144_000_000;

async fn some_activity(t: &TestDb) {
    let bot = test_bot(t, "");
    let flagged = handle(
        &bot,
        &Incoming {
            guild_id: Some(GUILD),
            alert_guild_id: Some(GUILD),
            channel_id: 42,
            message_id: 1001,
            author_id: YOUNG,
            content: WORRYING,
            at: AT,
            ..Incoming::default()
        },
    )
    .await
    .unwrap();
    let Handled::Flagged { alert_id, .. } = flagged else {
        panic!("flagged expected, got {flagged:?}")
    };
    apply(&bot, Some(GUILD), alert_id, STAFF, Action::Take, AT + 1_000)
        .await
        .unwrap()
        .unwrap();
    let close = Action::Close {
        outcome: Outcome::Oriente,
        note: Some("vers le CMP"),
    };
    apply(&bot, Some(GUILD), alert_id, STAFF, close, AT + 2_000)
        .await
        .unwrap()
        .unwrap();
    ask_anonymous(&bot, GUILD, 43, YOUNG, 2002, QUESTION, AT + 3_000)
        .await
        .unwrap();
}

async fn run(
    db: &Db,
    guild: u64,
    range: Range,
    format: Format,
    out: &mut Vec<u8>,
) -> anyhow::Result<u64> {
    export(
        db,
        guild,
        range,
        format,
        Actor::Operator,
        AT + 86_400_000 * 30,
        out,
    )
    .await
}

#[tokio::test]
async fn the_export_has_one_row_per_entry_no_content_and_young_people_as_pseudonyms() {
    each_backend(|t| async move {
        some_activity(&t).await;
        let bot = test_bot(&t, "");
        let pseudonym = bot.pseudonyms.pseudonym(YOUNG).as_str().to_owned();
        let range = Range::parse("2026-03-10", "2026-03-10", Paris).unwrap();
        let mut out = Vec::new();
        let rows = run(&t.db, GUILD, range, Format::Jsonl, &mut out)
            .await
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len() as u64, rows);
        let events: Vec<String> = lines
            .iter()
            .map(|l| {
                format!(
                    "{}:{}",
                    l["actor_kind"].as_str().unwrap(),
                    l["action"].as_str().unwrap()
                )
            })
            .collect();
        for expected in [
            "young:message_scanned",
            "young:alert_flagged",
            "staff:alert_taken",
            "staff:alert_closed",
            "young:question_asked",
        ] {
            assert!(
                events.contains(&expected.to_string()),
                "{expected} in {events:?}"
            );
        }
        assert!(
            !text.contains("dolipranes") && !text.contains("orientation") && !text.contains("CMP")
        );
        assert!(
            !text.contains(&YOUNG.to_string()),
            "young people only as pseudonyms"
        );
        assert!(text.contains(&pseudonym));
        let closed = lines
            .iter()
            .find(|l| l["action"] == "alert_closed")
            .unwrap();
        assert_eq!(closed["actor"], STAFF.to_string());
        assert_eq!(closed["subject_kind"], "alert");
        assert_eq!(closed["outcome"], "oriente");
        assert!(closed["time"]
            .as_str()
            .unwrap()
            .starts_with("2026-03-10T12:00:02"));

        // Another day, another guild: nothing.
        let mut out = Vec::new();
        let none = Range::parse("2026-03-11", "2026-03-12", Paris).unwrap();
        assert_eq!(
            run(&t.db, GUILD, none, Format::Csv, &mut out)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            String::from_utf8(out).unwrap().lines().count(),
            1,
            "the header only"
        );
        let mut out = Vec::new();
        assert_eq!(
            run(&t.db, 1, range, Format::Jsonl, &mut out).await.unwrap(),
            0
        );
        // Every export is journaled: who (here the operator), the range and the rows.
        assert_eq!(
            journal::count(t.db.pool(), Some(GUILD), Journaled::ExportMade)
                .await
                .unwrap(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn the_days_are_the_guilds_days() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        // 2026-03-09 23:30 UTC is already the 10th in Paris.
        let late = AT - 12 * 3_600_000 - 1_800_000;
        handle(
            &bot,
            &Incoming {
                guild_id: Some(GUILD),
                alert_guild_id: Some(GUILD),
                channel_id: 42,
                message_id: 5005,
                author_id: YOUNG,
                content: "salut",
                at: late,
                ..Incoming::default()
            },
        )
        .await
        .unwrap();
        let mut out = Vec::new();
        let tenth = Range::parse("2026-03-10", "2026-03-10", Paris).unwrap();
        assert_eq!(
            run(&t.db, GUILD, tenth, Format::Jsonl, &mut out)
                .await
                .unwrap(),
            1
        );
        let ninth = Range::parse("2026-03-09", "2026-03-09", Paris).unwrap();
        assert_eq!(
            run(&t.db, GUILD, ninth, Format::Jsonl, &mut out)
                .await
                .unwrap(),
            0
        );
    })
    .await;
}

#[tokio::test]
async fn promeneur_export_writes_csv_to_stdout_and_names_a_bad_date() {
    let t = TestDb::sqlite().await;
    some_activity(&t).await;
    let out = stdout_of(
        promeneur_bin()
            .env("DATABASE_URL", &t.url)
            .args(["export", "--guild", &GUILD.to_string()])
            .args([
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-31",
                "--format",
                "csv",
            ]),
    );
    let csv = String::from_utf8(out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(promeneur::export::COLUMNS.join(",").as_str())
    );
    assert!(lines.count() >= 5, "{csv}");
    assert!(!csv.contains("dolipranes"));

    let bad = promeneur_bin()
        .env("DATABASE_URL", &t.url)
        .args([
            "export",
            "--guild",
            "1",
            "--from",
            "2026-02-30",
            "--to",
            "2026-03-01",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--from") && err.contains("2026-02-30"),
        "{err}"
    );

    let long = promeneur_bin()
        .args([
            "export",
            "--guild",
            "1",
            "--from",
            "2025-01-01",
            "--to",
            "2026-06-01",
        ])
        .output()
        .unwrap();
    assert!(!long.status.success());
    assert!(String::from_utf8_lossy(&long.stderr).contains("--to"));
}
