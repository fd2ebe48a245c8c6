//! A guild's own rules on real databases (SQLite, and PostgreSQL when configured): stored,
//! versioned, compiled apart and picked up by every process sharing the database; and
//! `promeneur rules export`, whose output the detection crate's loader reads back.

use promeneur::domain::guild_rules::{NewRule, Status};
use promeneur::flows::guild_rules::{self as flow, Added};
use promeneur::safety::RuleSet;
use promeneur::store::guild_rules as store;

use crate::support::{each_backend, promeneur_bin, stdout_of, test_bot, GUILD};

const TEXT: &str = "on se retrouve au zorglub ce soir";

fn zorglub() -> NewRule {
    NewRule::parse("zorglub", "harassment", "high", None).unwrap()
}

#[tokio::test]
async fn a_rule_added_in_one_process_is_picked_up_by_another_at_its_next_poll() {
    each_backend(|t| async move {
        let a = test_bot(&t, "");
        let b = test_bot(&t, "");
        assert_eq!(flow::refresh(&b).await.unwrap(), 0, "nothing to load yet");
        assert!(!b.scan(Some(GUILD), TEXT).flagged);

        let added = flow::add(&a, GUILD, 7, &zorglub(), 1_000).await.unwrap();
        assert!(matches!(added, Added::Saved(_)), "{added:?}");
        assert!(
            a.scan(Some(GUILD), TEXT).flagged,
            "at once where it was made"
        );
        assert!(
            !a.scan(Some(GUILD + 1), TEXT).flagged,
            "another guild's rules are its own"
        );
        assert!(
            !b.scan(Some(GUILD), TEXT).flagged,
            "the other process has not polled yet"
        );

        assert_eq!(flow::refresh(&b).await.unwrap(), 1);
        let scan = b.scan(Some(GUILD), TEXT);
        assert!(scan.flagged);
        assert_eq!(scan.matches[0].rule, format!("guild.{GUILD}.1"));
        assert_eq!(
            flow::refresh(&b).await.unwrap(),
            0,
            "an unchanged version is not reloaded"
        );

        let removed = flow::remove(&b, GUILD, "Zorglub", 8, 2_000).await.unwrap();
        assert_eq!(removed.map(|r| r.rule.term), Some("zorglub".to_string()));
        assert!(!b.scan(Some(GUILD), TEXT).flagged);
        assert_eq!(flow::refresh(&a).await.unwrap(), 1);
        assert!(!a.scan(Some(GUILD), TEXT).flagged);

        let rows = store::of_guild(t.db.pool(), GUILD, Status::Removed)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].added_by, rows[0].added_at), (7, 1_000));
        assert_eq!(
            (rows[0].removed_by, rows[0].removed_at),
            (Some(8), Some(2_000))
        );
        assert!(flow::remove(&a, GUILD, "zorglub", 8, 3_000)
            .await
            .unwrap()
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn the_scheduler_job_polls_the_versions_in_each_process() {
    each_backend(|t| async move {
        use std::sync::Arc;
        let a = test_bot(&t, "");
        let b = test_bot(&t, "");
        let (trigger, stop) = promeneur::jobs::shutdown_pair();
        let job = tokio::spawn(
            promeneur::jobs::scheduler(b.clone(), Arc::new(promeneur::scheduler::SystemClock))
                .run(stop),
        );
        flow::add(&a, GUILD, 7, &zorglub(), 1_000).await.unwrap();
        let started = std::time::Instant::now();
        while !b.scan(Some(GUILD), TEXT).flagged {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "the other process picked the rule up within seconds"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        trigger.fire();
        let _ = job.await;
    })
    .await;
}

#[tokio::test]
async fn a_rule_that_would_flag_harmless_lines_is_pending_until_confirmed() {
    each_backend(|t| async move {
        let bot = test_bot(&t, "");
        let rule = NewRule::parse("cantine", "distress", "low", None).unwrap();
        let Added::Confirm { id, lines } = flow::add(&bot, GUILD, 7, &rule, 1).await.unwrap()
        else {
            panic!("a common word needs a confirmation");
        };
        assert!(!lines.is_empty());
        assert!(!bot.scan(Some(GUILD), "la cantine").flagged);
        assert!(flow::list(&bot.db, GUILD).await.unwrap().is_empty());
        assert!(
            flow::confirm(&bot, GUILD + 1, id, 2)
                .await
                .unwrap()
                .is_none(),
            "not another guild's"
        );
        let late = 2 + flow::CONFIRM_WITHIN_MS;
        let expired = flow::confirm(&bot, GUILD, id, late).await.unwrap();
        assert!(expired.is_none(), "asked over an hour ago");
        assert!(flow::confirm(&bot, GUILD, id, 2).await.unwrap().is_some());
        let again = flow::confirm(&bot, GUILD, id, 3).await.unwrap();
        assert!(again.is_none(), "once");
        assert!(bot.scan(Some(GUILD), "la cantine").flagged);
        assert_eq!(
            flow::add(&bot, GUILD, 7, &rule, 2).await.unwrap(),
            Added::Exists
        );
    })
    .await;
}

#[tokio::test]
async fn rules_export_prints_a_file_the_shipped_loader_reads_back() {
    let t = crate::support::TestDb::sqlite().await;
    let bot = test_bot(&t, "");
    flow::add(&bot, GUILD, 7, &zorglub(), 1).await.unwrap();
    let regex = NewRule::parse(
        "/plouf+ (ici|la)/",
        "distress",
        "medium",
        Some("plouf ici ok"),
    )
    .unwrap();
    flow::add(&bot, GUILD, 7, &regex, 2).await.unwrap();
    let gone = NewRule::parse("retire moi", "distress", "low", None).unwrap();
    flow::add(&bot, GUILD, 7, &gone, 3).await.unwrap();
    flow::remove(&bot, GUILD, "retire moi", 7, 4).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("promeneur.toml");
    std::fs::write(&config, format!("[database]\nurl = \"{}\"\n", t.url)).unwrap();
    let out = stdout_of(
        promeneur_bin()
            .args(["rules", "export", "--guild", &GUILD.to_string(), "--config"])
            .arg(&config),
    );
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("retire"), "only active rules: {text}");

    let set = RuleSet::from_sources(&[("exported.toml", &text)]).expect("the loader reads it");
    assert_eq!(set.rule_count(), 2, "{text}");
    assert!(set.scan(TEXT).flagged);
    assert!(
        set.scan("ça fait plouf la").flagged,
        "the regex rule: {text}"
    );
    assert!(!set.scan("plouf ici ok").flagged, "its exception");
    assert!(!set.scan("bonjour").flagged);
}
