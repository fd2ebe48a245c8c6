//! Building and running the bot, apart from `main` so tests spawn the very code `promeneur run`
//! runs: `App::build` (database, migrations, rules) then `App::run` until a shutdown signal.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context as _;
use tracing::info;

use crate::bot::Bot;
use crate::config::Config;
use crate::discord;
use crate::domain::pseudonym::PseudonymKey;
use crate::jobs;
use crate::safety::RuleSet;
use crate::store::Db;

/// A bot ready to connect.
pub struct App {
    pub bot: Arc<Bot>,
    token: crate::config::Secret,
}

impl App {
    /// Checks the secrets, opens and migrates the database, and compiles the rules.
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let (token, key) = config.require_run_secrets()?;
        let token = token.clone();
        let pseudonyms =
            PseudonymKey::new(key.expose().as_bytes().to_vec()).context("privacy.pseudonym_key")?;
        let rules = load_rules(&config)?;
        crate::domain::helpline::check_services_file(config.alerts.helplines_file.as_deref())
            .map_err(anyhow::Error::msg)?;
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        if db.backend() == crate::store::Backend::Sqlite {
            // One process per SQLite file: leases left by a crashed run belong to nobody.
            let released = crate::store::outbox::release_leases(db.pool()).await?;
            if released > 0 {
                info!(
                    released,
                    "outbox entries left in flight by the previous run are due again"
                );
            }
        }
        let bot = Arc::new(Bot::new(Arc::new(config), db, Arc::new(rules), pseudonyms));
        // The guilds' own rules are in place before the first message (then polled).
        crate::flows::guild_rules::refresh(&bot).await?;
        Ok(App { bot, token })
    }

    /// Connects to Discord and serves until `shutdown` resolves, then stops cleanly: the gateway
    /// closes, the workers finish the item in hand (the rest stays in the outbox), the database
    /// closes.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        let bot = self.bot;
        let rest = crate::outbound::rest::Rest::new(
            &bot.config.api_base,
            &self.token,
            bot.config.global_rate_limit,
        )?;
        let mut client = discord::build_client(bot.clone(), &self.token).await?;
        let shards = discord::shards_to_run(&bot, &client).await?;
        let _ = bot.shards.set(shards);
        let (trigger, stop) = jobs::shutdown_pair();
        let metrics = match bot.config.metrics.listen {
            Some(addr) => {
                let probe = crate::metrics::http::Probe {
                    db: bot.db.clone(),
                    gateway: discord::gateway_probe(
                        client.shard_manager.clone(),
                        shards.in_this_process(),
                    ),
                    stuck_after: bot.config.metrics.outbox_stuck_after,
                };
                let server = crate::metrics::http::bind(addr, probe, stop.clone()).await?;
                Some(tokio::spawn(server))
            }
            None => None,
        };
        let workers = [
            tokio::spawn(crate::outbound::delivery::run(
                bot.clone(),
                rest,
                stop.clone(),
            )),
            tokio::spawn(
                jobs::scheduler(bot.clone(), Arc::new(crate::scheduler::SystemClock))
                    .run(stop.clone()),
            ),
        ];
        let manager = client.shard_manager.clone();
        info!(api_base = %bot.config.api_base, guilds = bot.config.guilds.len(), %shards, "connecting to Discord");
        let result = tokio::select! {
            r = discord::start(&mut client, shards) => r.context("the Discord connection ended"),
            _ = shutdown => {
                info!("shutting down");
                Ok(())
            }
        };
        manager.shutdown_all().await;
        trigger.fire();
        for w in workers.into_iter().chain(metrics) {
            let _ = w.await;
        }
        bot.db.close().await;
        info!("stopped");
        result
    }
}

/// The shipped rules plus the network's own directory, if configured, with the second look
/// when `rules.second_look` asks for it.
pub fn load_rules(config: &Config) -> anyhow::Result<RuleSet> {
    let dirs: Vec<_> = config.rules_dir.iter().cloned().collect();
    let rules = RuleSet::load(true, &dirs).map_err(|e| anyhow::anyhow!("{e}"))?;
    let model = config
        .second_look
        .then(|| std::sync::Arc::new(crate::safety::second_look::SecondLook::builtin()));
    Ok(rules.with_second_look(model))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
