//! End to end: the real bot (the code `promeneur run` runs) with the unmodified serenity/poise
//! client, against discord-sim over real sockets, on a fresh SQLite database.

use std::time::Duration;

use discord_sim::{demo::demo_guild, BotPost, FaultWindow, PostKind, Sim, SimHandle};
use promeneur::sandbox::{demo_config, RunningBot};

use crate::support::WORRYING;
const HARMLESS: &str = "quelqu'un a fini le devoir de maths ?";

pub(crate) struct World {
    pub(crate) sim: SimHandle,
    bot: Option<RunningBot>,
    _dir: tempfile::TempDir,
}

impl World {
    pub(crate) async fn start(extra: &str) -> World {
        World::start_in(demo_guild(), extra).await
    }

    /// The bot on `guild` (the demo guild, or one built from it).
    pub(crate) async fn start_in(guild: discord_sim::GuildSpec, extra: &str) -> World {
        let extra = extra.to_owned();
        World::start_with(vec![guild], move |_| extra).await
    }

    /// The bot on several guilds (the demo guild first); `extra` writes the configuration
    /// added before the demo guild's table (the other guilds' tables), from the sim's ids.
    pub(crate) async fn start_with(
        guilds: Vec<discord_sim::GuildSpec>,
        extra: impl FnOnce(&SimHandle) -> String,
    ) -> World {
        // The bot's warnings and errors help when a test fails.
        promeneur::telemetry::init(
            promeneur::telemetry::LogFormat::Text,
            Some("promeneur=warn"),
        );
        let sim = Sim::start(guilds).await.expect("discord-sim starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let config = demo_config(&sim, &url, &extra(&sim)).expect("demo config");
        let bot = RunningBot::start(config).await.expect("the bot builds");
        sim.wait_connected().await.expect("the bot connects");
        sim.wait_command("alerte")
            .await
            .expect("commands registered");
        World {
            sim,
            bot: Some(bot),
            _dir: dir,
        }
    }

    /// Runs a slash command in #discussion as `user` and returns the bot's answer.
    pub(crate) async fn ask(&self, user: &str, line: &str) -> BotPost {
        let ix = self.sim.user(user).slash("#discussion", line).unwrap();
        self.sim.wait_response(&ix).await.unwrap()
    }

    /// The URL of the bot's database (to inspect it after the fact).
    pub(crate) fn database_url(&self) -> String {
        format!("sqlite://{}", self._dir.path().join("bot.db").display())
    }

    pub(crate) async fn stop(mut self) {
        if let Some(bot) = self.bot.take() {
            bot.stop().await.expect("clean stop");
        }
        self.sim.assert_no_violations();
    }
}

/// Lea writes [`WORRYING`] and karim takes its alert; the alert's post.
pub(crate) async fn lea_worries_and_karim_takes(w: &World) -> BotPost {
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let ix = w
        .sim
        .user("karim")
        .click(alert.message_id.unwrap(), "Je prends")
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    alert
}

/// The pseudonym the demo configuration gives `user`.
pub(crate) fn demo_pseudonym(w: &World, user: &str) -> String {
    promeneur::domain::pseudonym::PseudonymKey::new(promeneur::sandbox::DEMO_PSEUDONYM_KEY)
        .unwrap()
        .pseudonym(w.sim.user_id(user).unwrap())
        .as_str()
        .to_owned()
}

pub(crate) fn is_alert(p: &BotPost) -> bool {
    p.is_in("#alertes-promeneurs") && p.kind == PostKind::Created && !p.embeds.is_empty()
}

#[tokio::test]
async fn the_bot_connects_and_registers_its_slash_commands() {
    let w = World::start("").await;
    let names: Vec<String> = w
        .sim
        .commands()
        .iter()
        .filter_map(|c| c["name"].as_str().map(String::from))
        .collect();
    assert!(names.contains(&"alerte".to_string()), "{names:?}");
    assert!(names.contains(&"aide".to_string()), "{names:?}");
    // Descriptions come from prompts/: French by default, English for English clients.
    let aide = w.sim.commands().into_iter().find(|c| c["name"] == "aide");
    let aide = aide.expect("/aide registered");
    assert!(aide["description"]
        .as_str()
        .is_some_and(|d| d.contains("promeneur")));
    assert!(aide["description_localizations"]["en-US"]
        .as_str()
        .is_some_and(|d| d.starts_with("What the bot does")));
    w.stop().await;
}

#[tokio::test]
async fn a_promeneur_taking_an_alert_twice_is_answered_the_same_and_nothing_changes() {
    let w = World::start("").await;
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let id = alert.message_id.unwrap();
    let ix = w.sim.user("karim").click(id, "Je prends").unwrap();
    let first = w.sim.wait_response(&ix).await.unwrap();
    w.sim
        .wait_post(|p| p.kind == PostKind::Edited && p.message_id == Some(id))
        .await
        .unwrap();
    // The button is disabled now; a second press (a double click that raced the edit, or the
    // command) is the same promeneur taking it again: the domain says nothing changes.
    let again = w.ask("karim", "/alerte prendre numero:1").await;
    assert_eq!(again.content, first.content);
    w.sim
        .assert_no_message(Duration::from_millis(800), |p| {
            p.kind == PostKind::Edited && p.message_id == Some(id)
        })
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_slash_command_gets_an_ephemeral_answer() {
    let w = World::start("").await;
    let answer = w.ask("lea", "/aide").await;
    assert!(answer.ephemeral);
    assert!(!answer.content.is_empty());
    w.stop().await;
}

#[tokio::test]
async fn a_young_persons_worrying_message_reaches_the_promeneurs_and_a_helpline_card_reaches_them()
{
    let w = World::start("").await;
    w.sim.user("lea").post("#discussion", HARMLESS).unwrap();
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let embed = alert.embeds[0].to_string();
    assert!(embed.contains("**"), "matched words highlighted: {embed}");
    assert!(
        alert.button_labels().contains(&"Je prends".to_string()),
        "{:?}",
        alert.button_labels()
    );
    let card = w.sim.wait_dm("lea", |_| true).await.unwrap();
    assert!(card.content.contains("3114"), "{}", card.content);
    // Exactly one alert: the harmless message raised nothing.
    w.sim
        .assert_no_message(Duration::from_millis(300), is_alert)
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn promeneurs_messages_are_not_scanned() {
    let w = World::start("").await;
    w.sim.user("karim").post("#discussion", WORRYING).unwrap();
    w.sim.user("lea").post("#discussion", HARMLESS).unwrap();
    w.sim
        .assert_no_message(Duration::from_millis(800), is_alert)
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_promeneur_takes_an_alert_with_the_button_and_others_are_refused() {
    let w = World::start("").await;
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let id = alert.message_id.unwrap();
    let refused = w.sim.user("sami").click(id, "Je prends");
    // sami cannot even see the alert channel: the sim refuses the click itself.
    assert!(refused.is_err());
    let ix = w.sim.user("karim").click(id, "Je prends").unwrap();
    let ok = w.sim.wait_response(&ix).await.unwrap();
    assert!(ok.ephemeral);
    let edited = w
        .sim
        .wait_post(|p| p.kind == PostKind::Edited && p.message_id == Some(id))
        .await
        .unwrap();
    assert!(edited.embeds[0]
        .to_string()
        .contains(&format!("<@{}>", w.sim.user_id("karim").unwrap())));
    // The button is now disabled on the edited alert: a second promeneur cannot press it.
    assert!(w.sim.user("julie").click(id, "Je prends").is_err());
    w.stop().await;
}

#[tokio::test]
async fn a_message_sent_while_the_gateway_is_down_is_still_scanned_after_resume() {
    let w = World::start("").await;
    w.sim.gateway_close(4000);
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    assert!(!alert.embeds.is_empty());
    assert!(w.sim.gateway_stats().resumes >= 1);
    w.stop().await;
}

#[tokio::test]
async fn an_alert_delayed_by_a_429_window_is_delivered_once_afterwards() {
    let w = World::start("").await;
    w.sim.rate_limit(
        "POST /channels/*/messages",
        Duration::from_millis(300),
        FaultWindow::Times(2),
    );
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    w.sim.wait_post(is_alert).await.unwrap();
    let limited = w.sim.calls().iter().filter(|c| c.status == 429).count();
    assert!(limited >= 1, "the 429 window was hit");
    w.sim
        .assert_no_message(Duration::from_millis(800), is_alert)
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_refused_dm_is_shown_on_the_alert() {
    let w = World::start("").await;
    w.sim.set_refuses_dms("lea", true).unwrap();
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let id = alert.message_id;
    let edited = w
        .sim
        .wait_post(|p| p.kind == PostKind::Edited && p.message_id == id)
        .await
        .unwrap();
    let footer = edited.embeds[0]["footer"]["text"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        !footer.is_empty(),
        "the alert says the card was not delivered"
    );
    w.stop().await;
}

#[tokio::test]
async fn an_alert_nobody_takes_is_escalated_to_the_coordinators() {
    let w = World::start(
        "[alerts.escalation]\ncritical = \"1s\"\nhigh = \"1s\"\nmedium = \"1s\"\nlow = \"1s\"\n",
    )
    .await;
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    w.sim.wait_post(is_alert).await.unwrap();
    let esc = w.sim.wait_post(|p| p.is_in("#coordination")).await.unwrap();
    let coord = w.sim.role_id("Coordinateur").unwrap();
    assert!(
        esc.content.contains(&format!("<@&{coord}>")),
        "{}",
        esc.content
    );
    w.stop().await;
}

const MEDIUM: &str = "t'es qu'une grosse merde, personne t'aime";
/// A medium disclosure about oneself.
const MEDIUM_SELF: &str = "je suis une merde, personne m'aime";

fn embed_text(p: &BotPost) -> String {
    p.embeds.first().map(|e| e.to_string()).unwrap_or_default()
}

#[tokio::test]
async fn an_edit_that_raises_the_severity_updates_the_same_alert() {
    let w = World::start("").await;
    let msg = w.sim.user("lea").post("#discussion", MEDIUM).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    w.sim.user("lea").edit(msg, WORRYING).unwrap();
    let edited = w
        .sim
        .wait_post(|p| p.kind == PostKind::Edited && p.message_id == alert.message_id)
        .await
        .unwrap();
    assert_ne!(
        embed_text(&edited),
        embed_text(&alert),
        "the alert shows the new severity"
    );
    w.sim
        .assert_no_message(Duration::from_millis(500), is_alert)
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_harmless_message_edited_into_a_worrying_one_raises_an_alert() {
    let w = World::start("").await;
    let msg = w.sim.user("lea").post("#discussion", HARMLESS).unwrap();
    w.sim.user("lea").edit(msg, WORRYING).unwrap();
    w.sim.wait_post(is_alert).await.unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_burst_from_one_young_person_is_one_alert_updated_in_place() {
    let w = World::start("").await;
    w.sim.user("lea").post("#discussion", MEDIUM_SELF).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let edited = w
        .sim
        .wait_post(|p| {
            p.kind == PostKind::Edited
                && p.message_id == alert.message_id
                && !p.embeds.is_empty()
                && p.embeds[0]["footer"]["text"].as_str().is_some()
        })
        .await
        .unwrap();
    assert!(embed_text(&edited).contains('2'), "{}", embed_text(&edited));
    w.sim
        .assert_no_message(Duration::from_millis(500), is_alert)
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn a_worrying_dm_to_the_bot_reaches_the_promeneurs() {
    let w = World::start("").await;
    w.sim.user("ines").dm(WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    assert!(embed_text(&alert).contains(&format!("<@{}>", w.sim.user_id("ines").unwrap())));
    w.sim
        .wait_dm("ines", |p| p.content.contains("3114"))
        .await
        .unwrap();
    w.stop().await;
}

#[tokio::test]
async fn staff_list_take_close_and_reopen_alerts_with_the_alerte_command() {
    let w = World::start("").await;
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    w.sim.wait_post(is_alert).await.unwrap();

    let list = w.ask("karim", "/alerte liste").await;
    assert!(
        list.ephemeral && list.content.contains("#1"),
        "{}",
        list.content
    );
    let refused = w.ask("sami", "/alerte liste").await;
    assert!(
        refused.ephemeral && !refused.content.contains("#1"),
        "{}",
        refused.content
    );

    w.ask("karim", "/alerte prendre numero:1").await;
    let already = w.ask("julie", "/alerte prendre numero:1").await;
    let karim = format!("<@{}>", w.sim.user_id("karim").unwrap());
    assert!(already.content.contains(&karim), "{}", already.content);

    w.ask("karim", "/alerte clore numero:1 issue:\"faux positif\"")
        .await;
    let empty = w.ask("karim", "/alerte liste").await;
    assert!(!empty.content.contains("#1"), "{}", empty.content);

    w.ask("nadia", "/alerte rouvrir numero:1").await;
    let again = w.ask("karim", "/alerte liste").await;
    assert!(again.content.contains("#1"), "{}", again.content);
    w.stop().await;
}

#[tokio::test]
async fn a_promeneur_closes_an_alert_with_the_modal() {
    let w = World::start("").await;
    w.sim.user("lea").post("#discussion", WORRYING).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    let id = alert.message_id.unwrap();
    let ix = w.sim.user("karim").click(id, "Clore").unwrap();
    let modal = w.sim.wait_response(&ix).await.unwrap();
    assert_eq!(modal.kind, PostKind::Modal);
    let ix = w
        .sim
        .user("karim")
        .submit_modal(&ix, &[("outcome", "plutôt bof"), ("note", "")])
        .unwrap();
    let unknown = w.sim.wait_response(&ix).await.unwrap();
    assert!(
        unknown.ephemeral,
        "an outcome we cannot read gets a clear ephemeral answer"
    );

    let ix = w.sim.user("karim").click(id, "Clore").unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let ix = w
        .sim
        .user("karim")
        .submit_modal(
            &ix,
            &[("outcome", "Orienté"), ("note", "Appel au 3114 ensemble")],
        )
        .unwrap();
    w.sim.wait_response(&ix).await.unwrap();
    let closed = w
        .sim
        .wait_post(|p| {
            p.kind == PostKind::Edited
                && p.message_id == Some(id)
                && p.components
                    .iter()
                    .any(|r| r.to_string().contains("\"disabled\":true"))
                && p.components
                    .iter()
                    .all(|r| !r.to_string().contains("\"disabled\":false"))
        })
        .await
        .unwrap();
    assert!(!closed.embeds.is_empty());
    w.stop().await;
}

#[tokio::test]
async fn an_alert_pings_only_the_promeneur_role_whatever_the_young_person_typed() {
    let w = World::start("").await;
    let karim = w.sim.user_id("karim").unwrap();
    let coordinators = w.sim.role_id("Coordinateur").unwrap();
    let hostile =
        format!("{WORRYING} @everyone @here <@{karim}> <@&{coordinators}> **gras** \u{200b}");
    w.sim.user("lea").post("#discussion", &hostile).unwrap();
    let alert = w.sim.wait_post(is_alert).await.unwrap();
    assert!(!alert.pinged_everyone);
    assert!(alert.pinged_users.is_empty(), "{:?}", alert.pinged_users);
    assert_eq!(alert.pinged_roles, vec!["Promeneur".to_string()]);
    let card = w.sim.wait_dm("lea", |_| true).await.unwrap();
    assert!(!card.pinged_everyone && card.pinged_users.is_empty() && card.pinged_roles.is_empty());
    w.stop().await;
}
