//! The `promeneur` command line: parse arguments, call into the library, print errors once.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use promeneur::config::{Config, Env, DEFAULT_CONFIG_PATH};
use promeneur::telemetry::{self, LogFormat};

/// promeneur: a Discord bot that gets a human to a young person in time.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file [default: promeneur.toml]
    #[arg(long, global = true, env = "PROMENEUR_CONFIG")]
    config: Option<PathBuf>,
    /// Log format.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Log filter (RUST_LOG syntax).
    #[arg(long, global = true, env = "RUST_LOG", hide_env_values = true)]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Connect to Discord and serve (needs DISCORD_TOKEN and PROMENEUR_PSEUDONYM_KEY).
    Run {
        /// The gateway shards this process runs, e.g. 0-1 [default: all, in this process]
        #[arg(long)]
        shards: Option<String>,
        /// How many shards the bot runs over all its processes [default: Discord's
        /// recommended count]
        #[arg(long)]
        shard_count: Option<u32>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Validate the configuration without connecting.
    CheckConfig,
    /// Scan messages from stdin, one per line, and print one JSON object per line.
    Scan {
        /// Output format (only jsonl).
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// Use the rules in this directory instead of the shipped ones.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Explain each decision for humans instead of JSON.
        #[arg(long)]
        explain: bool,
        /// Also apply the second look (a learned model over the rules' answer; see README).
        #[arg(long)]
        second_look: bool,
    },
    /// Print one guild's weekly digest (questions, alerts, resources, permanences, trend).
    Digest {
        /// The guild's id, as in the configuration.
        #[arg(long)]
        guild: u64,
        /// The ISO week (2026-W47) or a date in it [default: the last complete week].
        #[arg(long)]
        week: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = promeneur::flows::digest::Format::Md)]
        format: promeneur::flows::digest::Format,
    },
    /// Try the bot without Discord: a local demo guild, the bot on a temporary database, and a
    /// terminal where you act as its users (or play a script and print the transcript).
    #[cfg(feature = "sandbox")]
    Sandbox {
        /// Play this script (one action per line) and print the transcript instead.
        #[arg(long)]
        script: Option<PathBuf>,
    },
    /// Keyword rules a guild's coordinators added from Discord (/motcle).
    Rules {
        #[command(subcommand)]
        action: RulesCommand,
    },
    /// Export a guild's supervision log (no content, young people as pseudonyms) to stdout.
    Export {
        /// The guild's Discord id.
        #[arg(long)]
        guild: u64,
        /// First day, YYYY-MM-DD (in the guild's time zone), included.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD (in the guild's time zone), included; a year at most after --from.
        #[arg(long)]
        to: String,
        /// csv or jsonl.
        #[arg(long, default_value = "csv")]
        format: String,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Print a guild's active added rules as a rule file in the shipped format (rules/fr.toml).
    Export {
        /// The guild's Discord id.
        #[arg(long)]
        guild: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The sandbox's terminal is for the bot's posts: only warnings from the bot itself.
    #[cfg(feature = "sandbox")]
    let sandbox = matches!(cli.command, Command::Sandbox { .. });
    #[cfg(not(feature = "sandbox"))]
    let sandbox = false;
    let log = cli.log.as_deref().or(sandbox.then_some("warn"));
    telemetry::init(cli.log_format, log);
    match real_main(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("promeneur: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn real_main(cli: Cli) -> anyhow::Result<ExitCode> {
    let required = cli.config.is_some();
    let path = cli
        .config
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH));
    let load = || Config::load(&path, required, &Env::from_process());
    match cli.command {
        Command::Scan {
            format,
            rules,
            explain,
            second_look,
        } => {
            if format != "jsonl" {
                anyhow::bail!("--format: unknown format `{format}` (expected jsonl)");
            }
            let opts = promeneur::scan::ScanOptions {
                rules_dir: rules,
                explain,
                second_look,
            };
            let stdin = std::io::stdin().lock();
            let stdout = std::io::BufWriter::new(std::io::stdout().lock());
            promeneur::scan::run(&opts, stdin, stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckConfig => {
            let config = load()?;
            promeneur::app::load_rules(&config)?;
            promeneur::domain::helpline::check_services_file(
                config.alerts.helplines_file.as_deref(),
            )
            .map_err(anyhow::Error::msg)?;
            let from = config
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "defaults (no file)".into());
            println!(
                "configuration OK: {from}, {} guild(s), database {}",
                config.guilds.len(),
                redact_url(&config.database_url)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let config = load()?;
            runtime()?.block_on(async {
                let db = promeneur::store::Db::connect(&config.database_url).await?;
                db.migrate().await?;
                db.close().await;
                println!("migrations applied to {}", redact_url(&config.database_url));
                anyhow::Ok(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Digest {
            guild,
            week,
            format,
        } => {
            let config = load()?;
            let text = runtime()?.block_on(async {
                let db = promeneur::store::Db::connect(&config.database_url).await?;
                db.migrate().await?;
                let now = promeneur::store::now_ms();
                let text = promeneur::flows::digest::report(
                    &config,
                    &db,
                    guild,
                    week.as_deref(),
                    format,
                    now,
                )
                .await;
                db.close().await;
                text
            })?;
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "sandbox")]
        Command::Sandbox { script } => runtime()?.block_on(async {
            match script {
                Some(path) => {
                    let mut out = std::io::stdout().lock();
                    let report = promeneur::sandbox::repl::run_script_file(&path, &mut out).await?;
                    Ok(if report.ok() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    })
                }
                None => {
                    promeneur::sandbox::repl::run_interactive().await?;
                    Ok(ExitCode::SUCCESS)
                }
            }
        }),
        Command::Export {
            guild,
            from,
            to,
            format,
        } => {
            let format = promeneur::export::Format::parse(&format)?;
            let config = load()?;
            // Days are the guild's days (its time zone); a guild not configured: UTC.
            let tz = config.guild(guild).map_or(chrono_tz::UTC, |g| g.tz);
            let range = promeneur::export::Range::parse(&from, &to, tz)?;
            runtime()?.block_on(async {
                let db = promeneur::store::Db::connect(&config.database_url).await?;
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let rows = promeneur::flows::export::export(
                    &db,
                    guild,
                    range,
                    format,
                    promeneur::domain::journal::Actor::Operator,
                    promeneur::store::now_ms(),
                    &mut out,
                )
                .await?;
                db.close().await;
                tracing::info!(rows, "export written");
                anyhow::Ok(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            action: RulesCommand::Export { guild },
        } => {
            let config = load()?;
            let text = runtime()?.block_on(async {
                let db = promeneur::store::Db::connect(&config.database_url).await?;
                db.migrate().await?;
                let text = promeneur::flows::guild_rules::export(&db, guild).await;
                db.close().await;
                text
            })?;
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            shards,
            shard_count,
        } => {
            let config = load()?.with_shards(shards.as_deref(), shard_count)?;
            config.require_run_secrets()?;
            runtime()?.block_on(async {
                let app = promeneur::app::App::build(config).await?;
                app.run(promeneur::app::shutdown_signal()).await
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The database URL without its password, for messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}
