//! `promeneur sandbox`: the demo guild on discord-sim, the real bot on a throwaway SQLite
//! database, and a terminal where a person acts as the guild's users and sees, as text, all the
//! bot posts (every channel, thread and DM, ephemeral replies, edits) as they happen.
//!
//! With a script the same actions are played in order and a transcript is written: each action
//! echoed as `> ...`, then what the bot did. The transcript holds no snowflake and no clock time,
//! so a test can compare it from one run to the next.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use discord_sim::{BotPost, Sim, SimError, SimHandle};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use super::script::{self, Action, Place, Target};
use super::{demo_config, render_post, Rendering, RunningBot, DEMO_GUILD};

/// How long the bot may stay silent before an action counts as answered (script mode).
const SETTLE: Duration = Duration::from_millis(400);
/// How long `expect` waits for its post.
const EXPECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the bot gets to connect and register its commands.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The sim, the bot and its database, alive together.
pub struct Sandbox {
    sim: SimHandle,
    bot: RunningBot,
    _dir: tempfile::TempDir,
    /// Where each user last acted: a slash command without a place runs there.
    last_place: HashMap<String, Place>,
    /// Who started each interaction, to say whose eyes an ephemeral reply is for.
    starters: Arc<Mutex<HashMap<u64, String>>>,
}

impl Sandbox {
    /// Starts discord-sim with the demo guild and the bot on a fresh database, and waits until
    /// the bot is connected and its commands are registered.
    pub async fn start() -> anyhow::Result<Sandbox> {
        let sim = Sim::builder()
            .guild(discord_sim::demo::demo_guild())
            .launch()
            .await
            .context("starting discord-sim")?;
        let dir = tempfile::tempdir().context("creating a temporary directory for the database")?;
        let url = format!("sqlite://{}", dir.path().join("sandbox.db").display());
        let bot = RunningBot::start(demo_config(&sim, &url, "")?).await?;
        let patient = sim.with_timeout(START_TIMEOUT);
        patient
            .wait_connected()
            .await
            .context("the bot did not connect")?;
        for command in crate::discord::commands::all() {
            patient.wait_command(&command.name).await?;
        }
        Ok(Sandbox {
            sim,
            bot,
            _dir: dir,
            last_place: HashMap::new(),
            starters: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    pub fn sim(&self) -> &SimHandle {
        &self.sim
    }

    /// Stops the bot cleanly; the database goes with the temporary directory.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.bot.stop().await
    }

    fn rendering(&self, stable: bool) -> Rendering {
        Rendering {
            sim: self.sim.clone(),
            starters: self.starters.clone(),
            stable,
        }
    }

    /// `@name` of a demo user becomes a real mention (`<@id>`), as Discord's client does when
    /// one picks a name while typing; other `@words` stay text.
    fn with_mentions(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('@') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let name_len = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(after.len());
            let name = &after[..name_len];
            match self.sim.user_id(name) {
                Ok(id) if !name.is_empty() => out.push_str(&format!("<@{id}>")),
                _ => {
                    out.push('@');
                    out.push_str(name);
                }
            }
            rest = &after[name_len..];
        }
        out.push_str(rest);
        out
    }

    /// Carries out a user's action (not `wait`, `expect`, `help` or `quit`).
    pub fn perform(&mut self, action: &Action) -> Result<(), SimError> {
        match action {
            Action::Post { user, place, text } => {
                let text = self.with_mentions(text);
                let place = self.resolve(place)?;
                self.sim.user(user).post(place.sim_name(), &text)?;
                self.last_place.insert(user.clone(), place);
            }
            Action::Slash { user, place, line } => {
                let place = place
                    .clone()
                    .or_else(|| self.last_place.get(user).cloned())
                    .unwrap_or_else(|| Place::Channel("discussion".into()));
                let place = self.resolve(&place)?;
                let started = self.sim.user(user).slash(place.sim_name(), line)?;
                self.started(started.id, user);
                self.last_place.insert(user.clone(), place);
            }
            Action::Click {
                user,
                target,
                label,
            } => {
                let (message, label) = self.click_target(*target, label)?;
                let started = self.sim.user(user).click(message, &label)?;
                self.started(started.id, user);
            }
            Action::Form { user, fields } => {
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                let started = self.sim.user(user).submit_last_modal(&fields)?;
                self.started(started.id, user);
            }
            Action::Choose { user, values } => {
                let (message, custom_id) = self.menu_target()?;
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                let started = self.sim.user(user).select(message, &custom_id, &values)?;
                self.started(started.id, user);
            }
            Action::Wait(_) | Action::Expect(_) | Action::Help | Action::Quit => {}
        }
        Ok(())
    }

    /// `thread` is the newest thread of the guild, by name.
    fn resolve(&self, place: &Place) -> Result<Place, SimError> {
        match place {
            Place::LastThread => self
                .sim
                .latest_thread()
                .map(|(_, name)| Place::Channel(name))
                .ok_or_else(|| SimError::UnknownChannel("thread".into())),
            other => Ok(other.clone()),
        }
    }

    /// The bot's latest message with a select menu, and the menu's custom_id.
    fn menu_target(&self) -> Result<(u64, String), SimError> {
        fn menu(value: &serde_json::Value) -> Option<String> {
            match value {
                serde_json::Value::Array(items) => items.iter().find_map(menu),
                serde_json::Value::Object(map) => {
                    if map.get("type").and_then(serde_json::Value::as_u64) == Some(3) {
                        return map
                            .get("custom_id")
                            .and_then(serde_json::Value::as_str)
                            .map(str::to_string);
                    }
                    map.get("components").and_then(menu)
                }
                _ => None,
            }
        }
        self.sim
            .posts()
            .into_iter()
            .rev()
            .find_map(|post| Some((post.message_id?, post.components.iter().find_map(menu)?)))
            .ok_or_else(|| SimError::NoSuchButton {
                label: "a menu".to_string(),
                available: Vec::new(),
            })
    }

    fn started(&self, interaction: u64, user: &str) {
        if let Ok(mut starters) = self.starters.lock() {
            starters.insert(interaction, user.to_string());
        }
    }

    /// The message and the exact label to click: for `last`, the bot's latest message with a
    /// button so labelled (case aside).
    fn click_target(&self, target: Target, label: &str) -> Result<(u64, String), SimError> {
        let id = match target {
            Target::Id(id) => return Ok((id, label.to_string())),
            Target::Last => self.sim.posts().into_iter().rev().find_map(|post| {
                let found = post
                    .button_labels()
                    .into_iter()
                    .find(|l| l.to_lowercase() == label.to_lowercase())?;
                Some((post.message_id?, found))
            }),
        };
        id.ok_or_else(|| SimError::NoSuchButton {
            label: label.to_string(),
            available: Vec::new(),
        })
    }

    /// The syntax, then who and where there is to act.
    pub fn help(&self) -> String {
        let people: Vec<String> = self
            .sim
            .people()
            .into_iter()
            .map(|(name, roles)| match roles.is_empty() {
                true => format!("@{name}"),
                false => format!("@{name} ({})", roles.join(", ")),
            })
            .collect();
        format!(
            "{}\n  users: {}\n  channels: {}",
            script::SYNTAX,
            people.join(", "),
            self.sim.channel_labels().join(", ")
        )
    }
}

/// What a played script did.
#[derive(Debug, Default)]
pub struct ScriptReport {
    /// Expectations not met, actions refused, requests Discord would not accept.
    pub failures: Vec<String>,
}

impl ScriptReport {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Plays the script in the file and writes the transcript to `out`.
pub async fn run_script_file(path: &Path, out: &mut dyn Write) -> anyhow::Result<ScriptReport> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the script {}", path.display()))?;
    run_script(&text, out).await
}

/// Plays a script (checked whole before the bot starts) and writes the transcript to `out`.
pub async fn run_script(text: &str, out: &mut dyn Write) -> anyhow::Result<ScriptReport> {
    script::parse_script(text)?;
    let mut sandbox = Sandbox::start().await?;
    let mut posts = sandbox.sim.subscribe();
    let mut player = Player {
        rendering: sandbox.rendering(true),
        out,
        unclaimed: Vec::new(),
        report: ScriptReport::default(),
    };
    writeln!(player.out, "# sandbox: {DEMO_GUILD}, the bot is connected")?;
    let played = play(&mut sandbox, &mut player, &mut posts, text).await;
    for violation in sandbox.sim.violations() {
        player.fail(format!("Discord would refuse: {violation}"))?;
    }
    for call in sandbox.sim.unexpected_calls() {
        player.fail(format!("unknown route: {} {}", call.method, call.path))?;
    }
    sandbox.stop().await?;
    played?;
    Ok(player.report)
}

async fn play(
    sandbox: &mut Sandbox,
    player: &mut Player<'_>,
    posts: &mut broadcast::Receiver<BotPost>,
    text: &str,
) -> anyhow::Result<()> {
    for line in text.lines() {
        let action = match script::parse_line(line)? {
            None => {
                // Comments and blank lines keep the script's layout in the transcript.
                writeln!(player.out, "{}", super::neutralise(line.trim_end()))?;
                continue;
            }
            Some(action) => action,
        };
        match &action {
            Action::Quit => break,
            Action::Help => writeln!(player.out, "{}", sandbox.help())?,
            Action::Wait(delay) => player.collect(posts, *delay, *delay).await?,
            Action::Expect(wanted) => player.expect(posts, wanted).await?,
            _ => {
                writeln!(player.out, "> {}", super::neutralise(line.trim()))?;
                player.unclaimed.clear();
                if let Err(e) = sandbox.perform(&action) {
                    player.fail(e.to_string())?;
                }
                player.collect(posts, SETTLE, EXPECT_TIMEOUT).await?;
            }
        }
    }
    Ok(())
}

/// Writes the transcript and keeps track of the posts `expect` may still claim.
struct Player<'a> {
    rendering: Rendering,
    out: &'a mut dyn Write,
    /// Posts rendered since the last action that no `expect` has claimed yet.
    unclaimed: Vec<String>,
    report: ScriptReport,
}

impl Player<'_> {
    fn fail(&mut self, what: String) -> std::io::Result<()> {
        writeln!(self.out, "! {}", super::neutralise(&what))?;
        self.report.failures.push(what);
        Ok(())
    }

    fn show(&mut self, post: &BotPost) -> std::io::Result<()> {
        let text = render_post(&self.rendering, post);
        writeln!(self.out, "{text}")?;
        self.unclaimed.push(text);
        Ok(())
    }

    /// Writes posts until none came for `quiet`, or `limit` has passed.
    async fn collect(
        &mut self,
        posts: &mut broadcast::Receiver<BotPost>,
        quiet: Duration,
        limit: Duration,
    ) -> anyhow::Result<()> {
        let end = Instant::now() + limit;
        loop {
            let until = (Instant::now() + quiet).min(end);
            match tokio::time::timeout_at(until, posts.recv()).await {
                Ok(Ok(post)) => self.show(&post)?,
                Ok(Err(broadcast::error::RecvError::Lagged(n))) => {
                    writeln!(self.out, "! {n} bot posts were lost (too many at once)")?;
                }
                Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => return Ok(()),
            }
        }
    }

    /// Claims the first post since the last action containing `wanted` (case aside), waiting
    /// for it if it has not come yet.
    async fn expect(
        &mut self,
        posts: &mut broadcast::Receiver<BotPost>,
        wanted: &str,
    ) -> anyhow::Result<()> {
        let needle = wanted.to_lowercase();
        let deadline = Instant::now() + EXPECT_TIMEOUT;
        loop {
            if let Some(at) = self
                .unclaimed
                .iter()
                .position(|p| p.to_lowercase().contains(&needle))
            {
                self.unclaimed.remove(at);
                // Whatever follows closely belongs to the same reaction.
                return self.collect(posts, SETTLE, EXPECT_TIMEOUT).await;
            }
            match tokio::time::timeout_at(deadline, posts.recv()).await {
                Ok(Ok(post)) => self.show(&post)?,
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => {
                    let secs = EXPECT_TIMEOUT.as_secs();
                    self.fail(format!(
                        "expected a bot post containing {wanted:?} within {secs} s; none came"
                    ))?;
                    return Ok(());
                }
            }
        }
    }
}

/// The terminal loop: reads actions from stdin and prints bot posts as they come, until
/// `quit`, end of input or Ctrl-C.
pub async fn run_interactive() -> anyhow::Result<()> {
    println!("Starting discord-sim with the demo guild and the bot...");
    let mut sandbox = Sandbox::start().await?;
    println!(
        "The bot is connected to {DEMO_GUILD}. Type actions as a user; `help` lists them.\n\n{}\n",
        sandbox.help()
    );
    let printer = tokio::spawn(print_posts(
        sandbox.sim.subscribe(),
        sandbox.rendering(false),
    ));
    let mut lines = stdin_lines();
    loop {
        let line = tokio::select! {
            line = lines.recv() => line,
            _ = tokio::signal::ctrl_c() => None,
        };
        let Some(line) = line else { break };
        match script::parse_line(&line) {
            Ok(None) => {}
            Ok(Some(Action::Quit)) => break,
            Ok(Some(Action::Help)) => println!("{}", sandbox.help()),
            Ok(Some(Action::Wait(delay))) => tokio::time::sleep(delay).await,
            Ok(Some(Action::Expect(_))) => println!("(expect only makes sense in a script)"),
            Ok(Some(action)) => {
                if let Err(e) = sandbox.perform(&action) {
                    println!("! {}", super::neutralise(&e.to_string()));
                }
            }
            Err(e) => println!("! {e}"),
        }
    }
    println!("Stopping the bot...");
    printer.abort();
    sandbox.stop().await
}

async fn print_posts(mut posts: broadcast::Receiver<BotPost>, rendering: Rendering) {
    loop {
        match posts.recv().await {
            Ok(post) => println!("{}", render_post(&rendering, &post)),
            Err(broadcast::error::RecvError::Lagged(n)) => {
                println!("! {n} bot posts were not shown (too many at once)");
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// Lines of stdin, read on a plain thread: a blocking read cannot be cancelled, and tokio's
/// stdin would keep the runtime from shutting down until the user presses Enter.
fn stdin_lines() -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
