//! Under a flood, with Discord's rate limits emulated by discord-sim (5 messages per 5 s per
//! channel, 10 DM channels per 10 s, 50 requests per second): nothing is lost or doubled, the
//! gravest alert goes first, a raid on one young person is one alert about them, and the bot
//! keeps to the buckets instead of knocking at them (no 429). Orders and counts are asserted,
//! never wall-clock speed.

use discord_sim::{demo::demo_guild, BotPost, PostKind, RateLimits};

use crate::e2e::{is_alert, World};

const MEDIUM_SELF: &str = "je suis une merde, personne m'aime";
const CRITICAL: &str = "je veux mourir, ce soir je prends toutes mes boites de dolipranes";
const INSULT: &str = "t'es qu'une grosse merde, personne veut de toi, casse toi du serveur";

fn is_critical(p: &serde_json::Value) -> bool {
    p.to_string().contains("critique")
}

/// The alert ids a message carries: each alert (alone or packed) has its own take button.
fn alert_ids(components: &[serde_json::Value]) -> Vec<i64> {
    let text = serde_json::Value::Array(components.to_vec()).to_string();
    text.match_indices("alert:take:")
        .filter_map(|(i, m)| {
            let digits: String = text[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// The alert messages of the alert channel, oldest first, with the alerts each carries.
fn alert_messages(w: &World) -> Vec<(discord_sim::MessageView, Vec<i64>)> {
    w.sim
        .messages("#alertes-promeneurs")
        .unwrap()
        .into_iter()
        .filter(|m| !m.embeds.is_empty())
        .map(|m| {
            let ids = alert_ids(&m.components);
            (m, ids)
        })
        .collect()
}

fn take_button(m: &discord_sim::MessageView, alert: i64) -> serde_json::Value {
    let id = format!("alert:take:{alert}");
    m.components
        .iter()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| b["custom_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no take button for alert {alert}"))
}

#[tokio::test]
async fn alerts_piling_up_behind_discords_limits_are_packed_gravest_first_and_each_can_be_taken() {
    let mut guild = demo_guild();
    let young: Vec<String> = (1..=24).map(|i| format!("jeune{i:02}")).collect();
    for name in &young {
        guild = guild.member(name, &[]);
    }
    let w = World::start_in(guild, "").await;
    w.sim.emulate_rate_limits(RateLimits::discord());
    // A flood into one alert channel, with a critical message in the middle.
    for (i, name) in young.iter().enumerate() {
        if i == 12 {
            w.sim.user("lea").post("#discussion", CRITICAL).unwrap();
        }
        w.sim.user(name).post("#discussion", MEDIUM_SELF).unwrap();
    }
    // 25 alerts; at five messages per five seconds one by one they would take 25 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut messages = alert_messages(&w);
    while messages.iter().map(|(_, ids)| ids.len()).sum::<usize>() < 25 {
        assert!(
            std::time::Instant::now() < deadline,
            "alerts missing: {:?}",
            messages.iter().map(|(_, ids)| ids).collect::<Vec<_>>()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        messages = alert_messages(&w);
    }
    // Nothing lost, nothing doubled.
    let mut all: Vec<i64> = messages.iter().flat_map(|(_, ids)| ids.clone()).collect();
    assert_eq!(all.len(), 25, "{messages:?}");
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 25, "an alert was posted twice");
    // Packed: far fewer messages than alerts, ten alerts a message at most.
    let counts: Vec<usize> = messages.iter().map(|(_, ids)| ids.len()).collect();
    eprintln!("alerts per message: {counts:?}");
    assert!(messages.len() <= 12, "{counts:?}");
    assert!(counts.iter().all(|&n| (1..=10).contains(&n)), "{counts:?}");
    assert!(
        counts.iter().any(|&n| n > 1),
        "nothing was packed: {counts:?}"
    );
    for (m, ids) in &messages {
        assert_eq!(m.embeds.len(), ids.len(), "one embed per alert");
        let chars: usize = m.embeds.iter().map(|e| e.to_string().chars().count()).sum();
        assert!(chars < 8000, "a pack too large for Discord: {chars}");
    }
    // The critical alert, flagged in the middle of the flood, went out in the first window
    // after it, at the head of its pack.
    let (at, (m, _)) = messages
        .iter()
        .enumerate()
        .find(|(_, (m, _))| m.embeds.iter().any(is_critical))
        .expect("the critical alert was posted");
    eprintln!("critical alert in message {} of {}", at + 1, messages.len());
    assert!(at <= 6, "the critical alert came in message {}", at + 1);
    assert!(is_critical(&m.embeds[0]), "gravest first in its pack");
    assert!(
        m.pinged_roles.iter().any(|r| r == "Promeneur") || !m.pinged_users.is_empty(),
        "a pack pings as an alert does: {m:?}"
    );
    // A packed alert is taken like any other: its own button, the whole pack re-rendered.
    let (pack, ids) = messages
        .iter()
        .find(|(_, ids)| ids.len() > 1)
        .expect("a pack");
    let second = ids[1];
    let ix = w
        .sim
        .user("karim")
        .click(pack.id, &format!("alert:take:{second}"))
        .unwrap();
    let answer = w.sim.wait_response(&ix).await.unwrap();
    assert!(answer.ephemeral);
    w.sim
        .wait_post(|p| p.kind == PostKind::Edited && p.message_id == Some(pack.id))
        .await
        .unwrap();
    let now = w
        .sim
        .messages("#alertes-promeneurs")
        .unwrap()
        .into_iter()
        .find(|m| m.id == pack.id)
        .unwrap();
    assert_eq!(
        alert_ids(&now.components),
        *ids,
        "the pack keeps its alerts"
    );
    assert_eq!(take_button(&now, second)["disabled"], true);
    assert_ne!(take_button(&now, ids[0])["disabled"], true);
    let listed = w.ask("karim", "/alerte liste").await;
    assert!(listed.ephemeral);
    let stats = w.sim.rate_limit_stats();
    assert_eq!(
        stats.rejected, 0,
        "the bot knocked at spent buckets: {stats:?}"
    );
    w.stop().await;
}

#[tokio::test]
async fn a_raid_on_one_young_person_is_one_alert_about_them_and_another_alert_still_goes_out() {
    let mut guild = demo_guild();
    let raiders: Vec<String> = (1..=8).map(|i| format!("raid{i}")).collect();
    for name in &raiders {
        guild = guild.member(name, &[]);
    }
    let w = World::start_in(guild, "").await;
    w.sim.emulate_rate_limits(RateLimits::discord());
    let lea = format!("<@{}>", w.sim.user_id("lea").unwrap());
    for round in 0..4 {
        for name in &raiders {
            let text = format!("{lea} {INSULT} {round}");
            w.sim.user(name).post("#discussion", &text).unwrap();
        }
    }
    w.sim.user("ines").post("#questions", CRITICAL).unwrap();
    let first = w.sim.wait_post(is_alert).await.unwrap();
    let second = w.sim.wait_post(is_alert).await.unwrap();
    let about_lea = |p: &BotPost| p.embeds.iter().any(|e| e.to_string().contains(&lea));
    assert!(
        about_lea(&first) != about_lea(&second),
        "one alert about lea, one for ines"
    );
    assert!(
        [&first, &second]
            .iter()
            .any(|p| p.embeds.iter().any(is_critical)),
        "ines's critical alert went out"
    );
    // Thirty-two attacks, one alert: the rest of the raid edits it in place.
    w.sim
        .assert_no_message(std::time::Duration::from_secs(3), is_alert)
        .await
        .unwrap();
    let dms: Vec<String> = w
        .sim
        .posts()
        .into_iter()
        .filter(|p| p.kind == PostKind::Created && p.channel.starts_with("dm:"))
        .map(|p| p.channel)
        .collect();
    assert_eq!(dms.iter().filter(|c| *c == "dm:lea").count(), 1, "{dms:?}");
    assert_eq!(dms.iter().filter(|c| *c == "dm:ines").count(), 1, "{dms:?}");
    assert!(
        dms.iter().all(|c| c == "dm:lea" || c == "dm:ines"),
        "an aggressor got a DM: {dms:?}"
    );
    let stats = w.sim.rate_limit_stats();
    assert_eq!(
        stats.rejected, 0,
        "the bot knocked at spent buckets: {stats:?}"
    );
    w.stop().await;
}
