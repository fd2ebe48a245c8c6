//! Nothing lost: the `promeneur` binary killed with SIGKILL between storing a flag and
//! delivering its alert delivers it after a restart on the same database, exactly once.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use discord_sim::{demo::demo_guild, BotPost, PostKind, Sim, SimHandle};
use promeneur::sandbox::demo_config_toml;

use crate::support::WORRYING;

/// The bot process, killed when dropped so a failing test leaves nothing running.
pub(crate) struct BotProcess(Child);

impl BotProcess {
    /// SIGKILL: no shutdown, nothing recorded.
    pub(crate) fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl BotProcess {
    /// SIGTERM, as systemd stops a unit, then waits (up to 30 s) for the process to exit.
    pub(crate) async fn terminate(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the bot did not stop within 30 s of SIGTERM");
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn_bot(config: &std::path::Path) -> BotProcess {
    spawn_bot_with(config, &[])
}

/// `promeneur run --config CONFIG ARGS...`, with none of the bot's variables inherited.
pub(crate) fn spawn_bot_with(config: &std::path::Path, args: &[&str]) -> BotProcess {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_promeneur"));
    for var in [
        "DISCORD_TOKEN",
        "DATABASE_URL",
        "DISCORD_API_BASE",
        "PROMENEUR_PSEUDONYM_KEY",
    ] {
        cmd.env_remove(var);
    }
    cmd.arg("run")
        .arg("--config")
        .arg(config)
        .args(args)
        .env(
            "RUST_LOG",
            std::env::var("BOT_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map(BotProcess)
        .expect("the promeneur binary starts")
}

/// Waits for a freshly spawned bot to register `/name`: a process starting from scratch
/// (compiling the shipped rules in a debug build) may take longer than one default wait on a
/// loaded machine, so this waits up to a minute.
async fn wait_started(sim: &SimHandle, name: &str) {
    for attempt in 1..=6 {
        match sim.wait_command(name).await {
            Ok(_) => return,
            Err(e) if attempt == 6 => panic!("the bot never registered /{name}: {e}"),
            Err(_) => {}
        }
    }
}

fn is_alert(p: &BotPost) -> bool {
    p.is_in("#alertes-promeneurs") && p.kind == PostKind::Created && !p.embeds.is_empty()
}

async fn alert_posts_answered(sim: &SimHandle, status: u16) -> usize {
    let alerts = sim.channel_id("#alertes-promeneurs").unwrap();
    sim.calls()
        .iter()
        .filter(|c| {
            c.method == "POST"
                && c.path.contains(&format!("/channels/{alerts}/messages"))
                && c.status == status
        })
        .count()
}

#[tokio::test]
async fn an_alert_stored_before_a_kill_is_delivered_once_after_restart() {
    let sim = Sim::start([demo_guild()]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let config = dir.path().join("promeneur.toml");
    std::fs::write(&config, demo_config_toml(&sim, &url, "").unwrap()).unwrap();

    // Discord is failing: the alert is stored but cannot be delivered.
    sim.fail("POST /channels/*/messages", 500, 1000);
    let mut first = spawn_bot(&config);
    wait_started(&sim, "alerte").await;
    sim.user("lea").post("#discussion", WORRYING).unwrap();
    sim.wait_call(|c| c.method == "POST" && c.status == 500)
        .await
        .unwrap();
    assert_eq!(alert_posts_answered(&sim, 200).await, 0);

    // kill -9: no shutdown, nothing recorded.
    first.kill();
    sim.clear_faults();

    let mut second = spawn_bot(&config);
    let alert = sim.wait_post(is_alert).await.unwrap();
    assert!(!alert.embeds.is_empty());
    sim.with_timeout(Duration::from_secs(30))
        .wait_dm("lea", |p| p.content.contains("3114"))
        .await
        .unwrap();
    // Exactly once, though the new session's catch-up read the message again.
    sim.assert_no_message(Duration::from_millis(1500), is_alert)
        .await
        .unwrap();
    assert_eq!(
        sim.messages("#alertes-promeneurs").unwrap().len(),
        1,
        "one alert message in the channel"
    );
    second.kill();
    sim.assert_no_violations();
}

#[tokio::test]
async fn a_message_sent_while_the_bot_was_down_is_caught_up_at_start() {
    let sim = Sim::start([demo_guild()]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let config = dir.path().join("promeneur.toml");
    std::fs::write(&config, demo_config_toml(&sim, &url, "").unwrap()).unwrap();

    let mut first = spawn_bot(&config);
    wait_started(&sim, "alerte").await;
    // A first message gives the bot a cursor in the channel.
    let hello = sim
        .user("lea")
        .post("#discussion", "salut tout le monde")
        .unwrap();
    let channel = sim.channel_id("#discussion").unwrap();
    let db = promeneur::store::Db::connect(&url).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while promeneur::store::cursors::get(db.pool(), channel)
        .await
        .unwrap()
        != Some(hello)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the bot never logged the first message"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    db.close().await;
    first.kill();

    // Down: Discord replays nothing to a new session.
    sim.user("sami").post("#discussion", WORRYING).unwrap();

    let mut second = spawn_bot(&config);
    let alert = sim.wait_post(is_alert).await.unwrap();
    assert!(alert.embeds[0]
        .to_string()
        .contains(&sim.user_id("sami").unwrap().to_string()));
    second.kill();
}

#[tokio::test]
async fn a_private_question_stored_before_a_kill_is_relayed_once_after_restart() {
    let sim = Sim::start([demo_guild()]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let config = dir.path().join("promeneur.toml");
    std::fs::write(&config, demo_config_toml(&sim, &url, "").unwrap()).unwrap();

    // Discord refuses every post: the DM is stored, its relay cannot go out.
    sim.fail("POST /channels/*/messages", 500, 1000);
    let mut first = spawn_bot(&config);
    wait_started(&sim, "question").await;
    sim.user("lea")
        .dm("bonjour, j'ai une question sur mes droits au travail")
        .unwrap();
    sim.wait_call(|c| c.method == "POST" && c.status == 500)
        .await
        .unwrap();
    first.kill();
    sim.clear_faults();

    let mut second = spawn_bot(&config);
    let relayed = sim
        .with_timeout(Duration::from_secs(30))
        .wait_message_in("#questions-privees", |p| {
            p.kind == PostKind::Created && p.content.contains("mes droits au travail")
        })
        .await
        .unwrap();
    assert!(relayed.content.starts_with("**Jeune**"));
    sim.assert_no_message(Duration::from_millis(1500), |p| {
        p.kind == PostKind::Created && p.content.contains("mes droits au travail")
    })
    .await
    .unwrap();
    let threads = sim.threads_of("#questions-privees").unwrap();
    assert_eq!(threads.len(), 1, "one thread: {threads:?}");
    let relays = sim
        .messages(&threads[0].1)
        .unwrap()
        .into_iter()
        .filter(|m| m.content.contains("mes droits au travail"))
        .count();
    assert_eq!(relays, 1, "relayed exactly once");
    second.kill();
    sim.assert_no_violations();
}
