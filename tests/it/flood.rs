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

#[tokio::test]
async fn a_critical_alert_goes_ahead_of_milder_alerts_queued_behind_discords_limits() {
    let mut guild = demo_guild();
    let young: Vec<String> = (1..=12).map(|i| format!("jeune{i:02}")).collect();
    for name in &young {
        guild = guild.member(name, &[]);
    }
    let w = World::start_in(guild, "").await;
    w.sim.emulate_rate_limits(RateLimits::discord());
    for name in &young {
        w.sim.user(name).post("#discussion", MEDIUM_SELF).unwrap();
    }
    w.sim.user("lea").post("#discussion", CRITICAL).unwrap();
    // Thirteen alerts at five per five seconds: every one arrives, none twice.
    for _ in 0..13 {
        w.sim.wait_post(is_alert).await.unwrap();
    }
    let alerts: Vec<_> = w
        .sim
        .messages("#alertes-promeneurs")
        .unwrap()
        .into_iter()
        .filter(|m| !m.embeds.is_empty())
        .collect();
    assert_eq!(alerts.len(), 13);
    let critical = alerts
        .iter()
        .position(|m| m.embeds.iter().any(is_critical))
        .expect("the critical alert was posted");
    eprintln!("critical alert served {} of 13", critical + 1);
    // Posted last, it is not served last: at most the first window went out before it.
    assert!(
        critical <= 6,
        "the critical alert came {}th of 13",
        critical + 1
    );
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
