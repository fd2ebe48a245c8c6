//! Guild scheduled events (the Events tab): Discord's checks for external events, the
//! permission they need, and list, modify and delete.

mod common;

use chrono::{Duration as Days, SecondsFormat, Utc};
use common::send;
use discord_sim::{perms, Sim};
use serde_json::{json, Value};

fn at(hours_from_now: i64) -> String {
    (Utc::now() + Days::hours(hours_from_now)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn external(start: &str, end: &str) -> Value {
    json!({
        "name": "Permanence de Karim",
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": start,
        "scheduled_end_time": end,
        "entity_metadata": { "location": "MJC du centre" },
    })
}

#[tokio::test]
async fn an_external_event_is_created_listed_modified_and_deleted() {
    let sim = common::sim().await;
    let guild = sim.guild_ids()[0];
    let path = format!("/guilds/{guild}/scheduled-events");
    let (status, _, created) = send(&sim, "POST", &path, Some(external(&at(24), &at(26)))).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["entity_type"], 3);
    assert_eq!(created["status"], 1);
    assert_eq!(created["entity_metadata"]["location"], "MJC du centre");
    let id = created["id"].as_str().expect("an id").to_string();
    let (_, _, listed) = send(&sim, "GET", &path, None).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let one = format!("{path}/{id}");
    let (status, _, modified) = send(&sim, "PATCH", &one, Some(json!({"name": "Autre"}))).await;
    assert_eq!((status, modified["name"].as_str()), (200, Some("Autre")));
    let (status, _, _) = send(&sim, "DELETE", &one, None).await;
    assert_eq!(status, 204);
    let (status, _, gone) = send(&sim, "GET", &one, None).await;
    assert_eq!((status, gone["code"].as_u64()), (404, Some(10070)));
    assert!(sim.scheduled_events().is_empty());
    sim.assert_no_violations();
}

#[tokio::test]
async fn an_external_event_needs_a_location_an_end_after_its_start_and_a_future_start() {
    let sim = common::sim().await;
    let guild = sim.guild_ids()[0];
    let path = format!("/guilds/{guild}/scheduled-events");
    let mut no_location = external(&at(24), &at(26));
    no_location["entity_metadata"] = json!({});
    let past = external(&at(-2), &at(1));
    let backwards = external(&at(26), &at(24));
    let mut no_end = external(&at(24), &at(26));
    no_end["scheduled_end_time"] = Value::Null;
    for body in [no_location, past, backwards, no_end] {
        let (status, _, answer) = send(&sim, "POST", &path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body} -> {answer}");
        assert_eq!(answer["code"], 50035);
    }
    assert!(sim.scheduled_events().is_empty());
}

#[tokio::test]
async fn a_bot_without_manage_events_is_refused() {
    let sim = Sim::start([common::guild().bot_permissions(perms::MEMBER_DEFAULT)])
        .await
        .expect("the sim starts");
    let guild = sim.guild_ids()[0];
    let path = format!("/guilds/{guild}/scheduled-events");
    let (status, _, answer) = send(&sim, "POST", &path, Some(external(&at(24), &at(26)))).await;
    assert_eq!((status, answer["code"].as_u64()), (403, Some(50013)));
}
