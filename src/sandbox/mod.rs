//! Running the real bot against discord-sim: the demo guild's configuration and an in-process
//! bot handle. The sandbox command and the end-to-end tests both start the bot this way, through
//! the same `App::run` that `promeneur run` uses.

use anyhow::Context as _;
use discord_sim::SimHandle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::config::{Config, Env};

/// Name of the guild `discord_sim::demo::demo_guild()` builds.
pub const DEMO_GUILD: &str = "Promeneurs du Net (démo)";
/// A fixed pseudonym key: sandbox and test data are throwaway.
pub const DEMO_PSEUDONYM_KEY: &str = "sandbox-pseudonym-key-not-for-production-use";

/// The configuration of the demo guild on `sim`, on `database_url`, with `extra` TOML (for
/// example `[alerts.escalation]` delays in seconds) placed before the guild table.
pub fn demo_config(sim: &SimHandle, database_url: &str, extra: &str) -> anyhow::Result<Config> {
    let guild = sim
        .guild_id(DEMO_GUILD)
        .context("the sim has no demo guild")?;
    let ch = |n: &str| sim.channel_id(n);
    let text = format!(
        r#"
[discord]
token = "{token}"
api_base = "{api}"
[database]
url = "{database_url}"
[privacy]
pseudonym_key = "{DEMO_PSEUDONYM_KEY}"
{extra}
[[guilds]]
id = {guild}
timezone = "Europe/Paris"
language = "fr"
question_channels = [{questions}]
watched_channels = "all"
alert_channel = {alerts}
coordination_channel = {coordination}
resources_channel = {resources}
promeneur_role = {promeneur}
coordinator_role = {coordinator}
"#,
        token = sim.token(),
        api = sim.api_base(),
        questions = ch("#questions")?,
        alerts = ch("#alertes-promeneurs")?,
        coordination = ch("#coordination")?,
        resources = ch("#ressources")?,
        promeneur = sim.role_id("Promeneur")?,
        coordinator = sim.role_id("Coordinateur")?,
    );
    Ok(Config::from_toml_str(&text, "sandbox", &Env::default())?)
}

/// A bot running in this process until `stop`.
pub struct RunningBot {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningBot {
    /// Builds the app (database, migrations, rules) and runs it in a task.
    pub async fn start(config: Config) -> anyhow::Result<RunningBot> {
        let app = App::build(config).await?;
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(app.run(async move {
            let _ = rx.await;
        }));
        Ok(RunningBot {
            stop: Some(tx),
            task,
        })
    }

    /// Stops cleanly (as on SIGTERM) and waits for the end.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await.context("the bot task panicked")?
    }
}
