//! Several `promeneur` processes: two on one PostgreSQL database (a standby on the same shard)
//! lose and double no alert when one is killed with SIGKILL in a burst; two sharded processes
//! each receive only their own guilds.

use std::collections::HashMap;
use std::time::Duration;

use discord_sim::{demo::demo_guild, GuildSpec, MessageView, Sim, SimHandle};
use promeneur::sandbox::demo_config_toml;

use crate::crash::spawn_bot_with;
use crate::service::{free_port, get, value};

use crate::support::{postgres_or_skip, TestDb, WORRYING};
const YOUNG: usize = 24;

/// How many alert messages in the channel name each young person.
fn alerts_per_person(sim: &SimHandle, alerts: &[MessageView]) -> HashMap<String, usize> {
    let mut count = HashMap::new();
    for i in 0..YOUNG {
        let name = format!("jeune{i:02}");
        let id = sim.user_id(&name).unwrap().to_string();
        let n = alerts
            .iter()
            .filter(|m| m.embeds.iter().any(|e| e.to_string().contains(&id)))
            .count();
        count.insert(name, n);
    }
    count
}

/// Waits (a minute at most) until every young person's worrying message shows in an alert,
/// then, after `settle` more, checks that none shows twice.
async fn assert_each_young_person_alerted_once(sim: &SimHandle, settle: Duration) {
    let counts = || alerts_per_person(sim, &sim.messages("#alertes-promeneurs").unwrap());
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let counts = counts();
        if counts.values().all(|n| *n >= 1) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "alerts missing after 60 s: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(settle).await;
    let counts = counts();
    assert!(
        counts.values().all(|n| *n == 1),
        "each worrying message alerted exactly once: {counts:?}"
    );
}

/// A database of its own, the demo guild with `YOUNG` more young people (waits of a minute:
/// processes start from scratch), and a configuration for both bots in a temporary folder.
/// `None` (the test skipped) without PostgreSQL.
async fn burst_world() -> Option<(TestDb, SimHandle, tempfile::TempDir, std::path::PathBuf)> {
    let db = postgres_or_skip(false).await?;
    let mut guild = demo_guild();
    for i in 0..YOUNG {
        guild = guild.member(&format!("jeune{i:02}"), &[]);
    }
    let sim = Sim::builder()
        .guild(guild)
        .wait_timeout(Duration::from_secs(60))
        .launch()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("promeneur.toml");
    std::fs::write(&config, demo_config_toml(&sim, &db.url, "").unwrap()).unwrap();
    Some((db, sim, dir, config))
}

#[tokio::test]
async fn two_processes_on_postgresql_alert_a_burst_exactly_once_when_one_is_killed() {
    // `_db` lives to the end of the test: dropping it drops the database.
    let Some((_db, sim, _dir, config)) = burst_world().await else {
        return;
    };

    // Both start at once on an empty database: one applies the migrations, under sqlx's lock.
    let mut first = spawn_bot_with(&config, &[]);
    let mut second = spawn_bot_with(&config, &[]);
    sim.wait_gateway(|s| s.identifies >= 2).await.unwrap();
    sim.wait_command("alerte").await.unwrap();

    for i in 0..YOUNG {
        if i == YOUNG / 2 {
            // Midway, one process dies without a word; the other carries on alone.
            first.kill();
        }
        sim.user(&format!("jeune{i:02}"))
            .post("#discussion", WORRYING)
            .unwrap();
        tokio::time::sleep(Duration::from_millis(40)).await;
    }

    // Every alert arrives (those the dead process held come after its lease, 15 s).
    // Nothing comes twice, even late.
    assert_each_young_person_alerted_once(&sim, Duration::from_secs(3)).await;
    // (Alerts due together may share a message, packed: counted per young person above.)
    // Each young person got one helpline card, too.
    for i in 0..YOUNG {
        let dm = format!("dm:jeune{i:02}");
        let cards = sim
            .messages(&dm)
            .map(|m| m.iter().filter(|m| m.content.contains("3114")).count())
            .unwrap_or(0);
        assert_eq!(cards, 1, "helpline cards in {dm}");
    }
    second.kill();
    sim.assert_no_violations();
}

/// A guild whose id puts it on `shard` of 2, with its own channels and promeneur role.
fn sharded_guild(name: &str, shard: u64) -> GuildSpec {
    // Discord's rule: (guild_id >> 22) % shard_count.
    let id = ((1_000_000 + shard) << 22) + 17;
    GuildSpec::new(name)
        .id(id)
        .role(&format!("Promeneur {name}"))
        .text_channel(&format!("discussion-{name}"))
        .private_channel(&format!("alertes-{name}"), &[&format!("Promeneur {name}")])
        .member(&format!("jeune-{name}"), &[])
}

fn sharded_config(sim: &SimHandle, url: &str, guilds: &[(&str, u64)]) -> String {
    let mut text = format!(
        "[discord]\ntoken = \"{}\"\napi_base = \"{}\"\n[database]\nurl = \"{url}\"\n[privacy]\npseudonym_key = \"{}\"\n",
        sim.token(),
        sim.api_base(),
        promeneur::sandbox::DEMO_PSEUDONYM_KEY
    );
    for (name, id) in guilds {
        text.push_str(&format!(
            "[[guilds]]\nid = {id}\nalert_channel = {}\npromeneur_role = {}\n",
            sim.channel_id(&format!("#alertes-{name}")).unwrap(),
            sim.role_id(&format!("Promeneur {name}")).unwrap(),
        ));
    }
    text
}

#[tokio::test]
async fn two_sharded_processes_each_receive_only_their_own_guilds() {
    // Sharded processes share one database (alert ids, message nonces, jobs): PostgreSQL.
    let Some(db) = postgres_or_skip(false).await else {
        return;
    };
    let sim = Sim::builder()
        .guild(sharded_guild("nord", 0))
        .guild(sharded_guild("sud", 1))
        .wait_timeout(Duration::from_secs(30))
        .launch()
        .await
        .unwrap();
    let nord = sim.guild_id("nord").unwrap();
    let sud = sim.guild_id("sud").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut processes = Vec::new();
    let mut ports = Vec::new();
    for shard in ["0", "1"] {
        let port = free_port();
        let config = dir.path().join(format!("shard{shard}.toml"));
        let text = sharded_config(&sim, &db.url, &[("nord", nord), ("sud", sud)]);
        let text = format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n{text}");
        std::fs::write(&config, text).unwrap();
        processes.push(spawn_bot_with(
            &config,
            &["--shards", shard, "--shard-count", "2"],
        ));
        ports.push(port);
        if shard == "0" {
            // The first applies the migrations; the second waits for sqlx's lock anyway.
            sim.wait_gateway(|s| s.identifies >= 1).await.unwrap();
        }
    }
    sim.wait_gateway(|s| s.identifies >= 2).await.unwrap();
    sim.wait_command("alerte").await.unwrap();

    // One message in nord (shard 0), two in sud (shard 1).
    sim.user("jeune-nord")
        .post("#discussion-nord", WORRYING)
        .unwrap();
    sim.user("jeune-sud")
        .post("#discussion-sud", WORRYING)
        .unwrap();
    sim.user("jeune-sud")
        .post("#discussion-sud", "bon je vais manger")
        .unwrap();
    // (Read from the channels: the two posts may come in either order.)
    wait_for_both_alert_channels(&sim).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    for name in ["nord", "sud"] {
        assert_eq!(
            sim.messages(&format!("#alertes-{name}")).unwrap().len(),
            1,
            "one alert in #alertes-{name}"
        );
    }
    // What each process scanned: shard 0 nord's one message, shard 1 sud's two.
    for (port, expected) in ports.iter().zip([1.0, 2.0]) {
        let url = format!("http://127.0.0.1:{port}/metrics");
        let (_, text) = get(&url).await.expect("/metrics answers");
        let lines = text.lines().map(|l| Ok(l.to_string()));
        let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
        let scanned: f64 = scrape
            .samples
            .iter()
            .filter(|s| s.metric == "promeneur_messages_scanned_total")
            .map(value)
            .sum();
        assert_eq!(
            scanned, expected,
            "messages scanned by the process on {port}"
        );
    }
    for mut p in processes {
        p.kill();
    }
    sim.assert_no_violations();
}

#[tokio::test]
async fn without_shard_settings_one_process_runs_the_count_discord_recommends() {
    let sim = Sim::builder()
        .guild(sharded_guild("nord", 0))
        .guild(sharded_guild("sud", 1))
        .wait_timeout(Duration::from_secs(30))
        .launch()
        .await
        .unwrap();
    sim.set_recommended_shards(2);
    let (nord, sud) = (sim.guild_id("nord").unwrap(), sim.guild_id("sud").unwrap());
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let text = sharded_config(&sim, &url, &[("nord", nord), ("sud", sud)]);
    let config = promeneur::config::Config::from_toml_str(
        &text,
        "test.toml",
        &promeneur::config::Env::default(),
    )
    .unwrap();
    let bot = promeneur::sandbox::RunningBot::start(config).await.unwrap();
    // Two sessions, one per shard (serenity starts them a few seconds apart).
    sim.wait_gateway(|s| s.identifies >= 2).await.unwrap();
    sim.user("jeune-nord")
        .post("#discussion-nord", WORRYING)
        .unwrap();
    sim.user("jeune-sud")
        .post("#discussion-sud", WORRYING)
        .unwrap();
    wait_for_both_alert_channels(&sim).await;
    assert_eq!(sim.gateway_stats().identifies, 2, "one session per shard");
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_rolling_restart_of_two_processes_misses_no_alert() {
    // `_db` lives to the end of the test: dropping it drops the database.
    let Some((_db, sim, _dir, config)) = burst_world().await else {
        return;
    };
    let mut a = spawn_bot_with(&config, &[]);
    sim.wait_gateway(|s| s.identifies >= 1).await.unwrap();
    let mut b = spawn_bot_with(&config, &[]);
    sim.wait_gateway(|s| s.identifies >= 2).await.unwrap();
    sim.wait_command("alerte").await.unwrap();

    // Messages keep coming while each process in turn is stopped (SIGTERM) and started again.
    let mut next = 0;
    let mut post = |n: usize| {
        for _ in 0..n {
            sim.user(&format!("jeune{next:02}"))
                .post("#discussion", WORRYING)
                .unwrap();
            next += 1;
        }
    };
    post(4);
    a.terminate().await;
    post(4);
    a = spawn_bot_with(&config, &[]);
    sim.wait_gateway(|s| s.identifies >= 3).await.unwrap();
    post(4);
    b.terminate().await;
    post(4);
    b = spawn_bot_with(&config, &[]);
    sim.wait_gateway(|s| s.identifies >= 4).await.unwrap();
    post(YOUNG - 16);

    assert_each_young_person_alerted_once(&sim, Duration::from_secs(2)).await;
    a.kill();
    b.kill();
    sim.assert_no_violations();
}

/// Waits (30 s at most) until both guilds' alert channels hold an alert, in whichever order
/// they came.
async fn wait_for_both_alert_channels(sim: &SimHandle) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while ["nord", "sud"].iter().any(|name| {
        sim.messages(&format!("#alertes-{name}"))
            .unwrap()
            .is_empty()
    }) {
        assert!(
            std::time::Instant::now() < deadline,
            "an alert is missing after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
