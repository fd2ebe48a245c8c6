//! Permanences end to end through discord-sim with the real client: a permanence added for
//! now names its promeneur, routes alerts and fills the Events tab.

use std::time::Duration;

use chrono::{Datelike, Timelike, Utc};
use discord_sim::PostKind;

use crate::e2e::{is_alert, World};
use crate::support::WORRYING;

/// Today's local weekday and a slot from this minute to two hours later (or 24:00).
fn slot_from_now(tz: chrono_tz::Tz) -> (String, String, String) {
    let local = Utc::now().with_timezone(&tz);
    let start = local.hour() * 60 + local.minute();
    let end = (start + 120).min(24 * 60);
    let days = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    let day = days[local.weekday().num_days_from_monday() as usize].to_string();
    (
        day,
        format!("{:02}h{:02}", start / 60, start % 60),
        format!("{:02}h{:02}", end / 60, end % 60),
    )
}

#[tokio::test]
async fn a_permanence_added_for_now_names_the_promeneur_routes_alerts_and_fills_the_events_tab() {
    let w = World::start("").await;
    let karim = w.sim.user_id("karim").unwrap();
    let role = w.sim.role_id("Promeneur").unwrap();
    // A young person may not add one.
    let refused = w
        .ask("lea", "/permanence ajouter jour:mardi debut:17h fin:19h")
        .await;
    assert!(refused.ephemeral);
    // Bad input names the option.
    let bad = w
        .ask("karim", "/permanence ajouter jour:mardi debut:25h fin:26h")
        .await;
    assert!(
        bad.ephemeral && bad.content.contains("`debut`"),
        "{}",
        bad.content
    );
    let bad = w
        .ask("karim", "/permanence ajouter jour:jourdi debut:17h fin:19h")
        .await;
    assert!(bad.content.contains("`jour`"), "{}", bad.content);
    let (day, start, end) = slot_from_now(chrono_tz::Europe::Paris);
    let added = w
        .ask(
            "karim",
            &format!(
                "/permanence ajouter jour:{day} debut:{start} fin:{end} lieu:\"MJC du centre\""
            ),
        )
        .await;
    assert!(added.ephemeral);
    assert!(
        added.content.contains(&format!("<@{karim}>")),
        "{}",
        added.content
    );
    // Anyone asks who is there: Karim.
    let who = w.ask("lea", "/qui-est-la").await;
    assert!(
        who.content.contains(&format!("<@{karim}>")),
        "{}",
        who.content
    );
    let list = w.ask("sami", "/permanences").await;
    assert!(
        list.content.contains(&format!("<@{karim}>")),
        "{}",
        list.content
    );
    // The start is announced in the question channel, once, naming without pinging.
    let announced = w
        .sim
        .wait_post(|p| p.is_in("#questions") && p.kind == PostKind::Created)
        .await
        .unwrap();
    assert!(announced.content.contains(&format!("<@{karim}>")));
    assert!(announced.content.contains("MJC du centre"));
    w.sim
        .assert_no_message(Duration::from_millis(2500), |p| {
            p.is_in("#questions") && p.kind == PostKind::Created
        })
        .await
        .unwrap();
    // An alert now pings Karim, not the role.
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    assert!(
        alert.content.contains(&format!("<@{karim}>")),
        "{}",
        alert.content
    );
    assert!(
        !alert.content.contains(&format!("<@&{role}>")),
        "{}",
        alert.content
    );
    let post = w
        .sim
        .calls()
        .into_iter()
        .filter(|c| {
            c.method == "POST" && c.route.as_deref() == Some("/channels/{channel_id}/messages")
        })
        .filter_map(|c| c.body)
        .find(|b| b["embeds"].as_array().is_some_and(|e| !e.is_empty()))
        .expect("the alert's POST");
    let mentions = &post["allowed_mentions"];
    let users: Vec<String> = mentions["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            v.as_str()
                .map(String::from)
                .unwrap_or_else(|| v.to_string())
        })
        .collect();
    assert_eq!(users, [karim.to_string()], "{mentions}");
    assert!(
        mentions["roles"].as_array().is_none_or(|r| r.is_empty()),
        "{mentions}"
    );
    // Next week's occurrence is in the Events tab: external, with its place and end.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let events = loop {
        let events = w.sim.scheduled_events();
        if !events.is_empty() || tokio::time::Instant::now() > deadline {
            break events;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event["entity_type"], 3);
    assert_eq!(event["privacy_level"], 2);
    assert_eq!(event["entity_metadata"]["location"], "MJC du centre");
    assert!(event["scheduled_end_time"].is_string());
    assert!(
        event["name"].as_str().is_some_and(|n| n.contains("karim")),
        "{event}"
    );
    // A one-day exception in the past, or with only a start, names its option.
    let bad = w
        .ask(
            "karim",
            "/permanence exception date:2020-01-07 annulee:true",
        )
        .await;
    assert!(bad.content.contains("`date`"), "{}", bad.content);
    let bad = w
        .ask(
            "karim",
            "/permanence exception date:2099-01-06 debut:10h numero:1",
        )
        .await;
    assert!(bad.content.contains("`debut`"), "{}", bad.content);
    let bad = w.ask("karim", "/permanence retirer numero:42").await;
    assert!(bad.content.contains("`numero`"), "{}", bad.content);
    // Retiring the slot deletes its future event.
    let removed = w.ask("karim", "/permanence retirer numero:1").await;
    assert!(removed.content.contains("retirée"), "{}", removed.content);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !w.sim.scheduled_events().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(w.sim.scheduled_events().is_empty());
    let who = w.ask("lea", "/qui-est-la").await;
    assert!(
        !who.content.contains(&format!("<@{karim}>")),
        "{}",
        who.content
    );
    w.stop().await;
}
