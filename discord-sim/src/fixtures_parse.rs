//! Every payload the sim emits must parse as serenity's model type: serenity turns an event it
//! cannot parse into `Event::Unknown` and the bot silently never sees it. These tests drive the
//! world through every kind of event and REST answer and deserialise each one.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use serenity::builder::{CreateActionRow, CreateButton, CreateEmbed, CreateMessage};
use serenity::model::prelude::*;

use crate::api::slash_build_for_tests as slash;
use crate::ops::interactions::{
    NewInteraction, APPLICATION_COMMAND, AUTOCOMPLETE, MESSAGE_COMPONENT, MODAL_SUBMIT,
};
use crate::ops::messages::Draft;
use crate::render;
use crate::setup::build_state;
use crate::spec::GuildSpec;
use crate::state::{Command as StoredCommand, State};

fn world() -> State {
    let guild = GuildSpec::new("Test")
        .role("Promeneur")
        .text_channel("discussion")
        .private_channel("alertes", &["Promeneur"])
        .member("lea", &[])
        .member("karim", &["Promeneur"]);
    let mut state = build_state("promeneur", "tok", &[guild]);
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    std::mem::forget(_rx);
    state.hub.identify(1, tx, u64::MAX, None, "session".into());
    let ready = crate::gateway::ready_payload(&state, "session", "ws://127.0.0.1:1/gateway", None);
    state.hub.send_to_conn(1, "READY", ready);
    let guilds: Vec<Value> = state
        .guilds
        .values()
        .map(|g| render::guild_create(&state, g))
        .collect();
    for guild in guilds {
        state.hub.send_to_conn(1, "GUILD_CREATE", guild);
    }
    let id = state.ids.next();
    let body = json!({
        "id": id.to_string(), "application_id": state.bot.application_id.to_string(), "version": "1",
        "type": 1, "name": "ressource", "description": "Ressources", "nsfw": false,
        "default_member_permissions": null,
        "options": [{"type": 1, "name": "chercher", "description": "Chercher", "options": [
            {"type": 3, "name": "q", "description": "Texte", "required": true, "autocomplete": true},
            {"type": 6, "name": "pour", "description": "Pour qui", "required": false},
            {"type": 4, "name": "n", "description": "Combien", "required": false}
        ]}],
    });
    state.commands.insert(
        id,
        StoredCommand {
            id,
            guild_id: None,
            name: "ressource".into(),
            body,
        },
    );
    state
}

fn bot_message_body() -> Value {
    let message = CreateMessage::new()
        .content("Alerte")
        .embed(CreateEmbed::new().title("Alerte").description("d").field(
            "Catégorie",
            "distress",
            true,
        ))
        .components(vec![CreateActionRow::Buttons(vec![
            CreateButton::new("alert:take:1").label("Je prends"),
            CreateButton::new_link("https://example.org").label("Lien"),
        ])]);
    serde_json::to_value(message).expect("serenity builders serialise")
}

/// Drives the world through every event kind the sim dispatches.
fn drive(state: &mut State) {
    let bot = state.bot.user_id;
    let lea = state.user_by_name("lea").map(|u| u.id).expect("lea exists");
    let discussion = state
        .channel_by_name("discussion")
        .map(|c| c.id)
        .expect("channel exists");
    let asked = state.post_message(discussion, lea, Draft::text("salut <@1>"), |_| {});
    state.edit_message(asked, &json!({"content": "salut !"}), None, None);
    let alert = state.post_message(
        discussion,
        bot,
        Draft::from_json(&bot_message_body(), Vec::new()),
        |_| {},
    );
    let reply = Draft {
        message_reference: Some(
            json!({"message_id": asked.to_string(), "channel_id": discussion.to_string()}),
        ),
        ..Draft::text("réponse")
    };
    state.post_message(discussion, bot, reply, |m| m.kind = 19);
    let thread = state
        .create_thread(discussion, Some(asked), "Question de lea", false, bot)
        .expect("thread");
    state.post_message(thread, lea, Draft::text("dans le fil"), |_| {});
    state.create_thread(discussion, None, "privé", true, bot);
    state.create_text_channel(*state.guilds.keys().next().expect("a guild"), "nouveau");
    let dm = state.dm_channel(lea);
    state.post_message(dm, lea, Draft::text("en privé"), |_| {});
    state.post_message(dm, bot, Draft::text("réponse privée"), |_| {});
    state.delete_message(asked);

    let guild_id = state.channels[&discussion].guild_id;
    let (name, data) = slash(
        state,
        guild_id,
        "/ressource chercher q:harcelement pour:lea n:3",
        false,
    )
    .expect("slash");
    let ix = state.create_interaction(NewInteraction {
        kind: APPLICATION_COMMAND,
        user_id: lea,
        channel_id: discussion,
        name,
        data,
        source_message: None,
    });
    let token = state.interactions[&ix].token.clone();
    state
        .interaction_callback(
            ix,
            &token,
            &json!({"type": 4, "data": {"content": "ok", "flags": 0}}),
            Vec::new(),
        )
        .expect("callback");
    let (name, data) = slash(state, None, "/ressource chercher q:x", false).expect("dm slash");
    let ix = state.create_interaction(NewInteraction {
        kind: APPLICATION_COMMAND,
        user_id: lea,
        channel_id: dm,
        name,
        data,
        source_message: None,
    });
    let token = state.interactions[&ix].token.clone();
    state
        .interaction_callback(ix, &token, &json!({"type": 5}), Vec::new())
        .expect("defer");
    let (name, data) =
        slash(state, guild_id, "/ressource chercher q:har", true).expect("autocomplete");
    state.create_interaction(NewInteraction {
        kind: AUTOCOMPLETE,
        user_id: lea,
        channel_id: discussion,
        name,
        data,
        source_message: None,
    });
    let click = json!({"custom_id": "alert:take:1", "component_type": 2});
    let clicked = state.create_interaction(NewInteraction {
        kind: MESSAGE_COMPONENT,
        user_id: lea,
        channel_id: discussion,
        name: "alert:take:1".into(),
        data: click,
        source_message: Some(alert),
    });
    let token = state.interactions[&clicked].token.clone();
    state
        .interaction_callback(
            clicked,
            &token,
            &json!({"type": 7, "data": {"content": "pris", "components": []}}),
            Vec::new(),
        )
        .expect("update");
    let select = json!({"custom_id": "pick", "component_type": 3, "values": ["a"]});
    state.create_interaction(NewInteraction {
        kind: MESSAGE_COMPONENT,
        user_id: lea,
        channel_id: discussion,
        name: "pick".into(),
        data: select,
        source_message: Some(alert),
    });
    let modal = json!({"custom_id": "close", "components": [{"type": 1, "components": [{"type": 4, "custom_id": "note", "value": "fait"}]}]});
    let submitted = state.create_interaction(NewInteraction {
        kind: MODAL_SUBMIT,
        user_id: lea,
        channel_id: discussion,
        name: "close".into(),
        data: modal,
        source_message: None,
    });
    // The answer to a modal submission carries a menu; picking in it is a component
    // interaction whose message names the modal's opener (the click above).
    if let Some(ix) = state.interactions.get_mut(&submitted) {
        ix.opened_by = Some(clicked);
    }
    let token = state.interactions[&submitted].token.clone();
    let menu = json!({"type": 1, "components": [{"type": 3, "custom_id": "themes:1", "options": [{"label": "A", "value": "a"}]}]});
    state
        .interaction_callback(
            submitted,
            &token,
            &json!({"type": 4, "data": {"content": "choisis", "flags": 64, "components": [menu]}}),
            Vec::new(),
        )
        .expect("answer with a menu");
    let answer = state.interactions[&submitted]
        .original_message
        .expect("the answer is a message");
    let picked = state.create_interaction(NewInteraction {
        kind: MESSAGE_COMPONENT,
        user_id: lea,
        channel_id: discussion,
        name: "themes:1".into(),
        data: json!({"custom_id": "themes:1", "component_type": 3, "values": ["a"]}),
        source_message: Some(answer),
    });
    let token = state.interactions[&picked].token.clone();
    state
        .interaction_callback(
            picked,
            &token,
            &json!({"type": 4, "data": {"content": "ok", "flags": 64, "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "Corriger", "custom_id": "fix:1"}]}]}}),
            Vec::new(),
        )
        .expect("answer with a button");
    let fix = state.interactions[&picked]
        .original_message
        .expect("the answer is a message");
    state.create_interaction(NewInteraction {
        kind: MESSAGE_COMPONENT,
        user_id: lea,
        channel_id: discussion,
        name: "fix:1".into(),
        data: json!({"custom_id": "fix:1", "component_type": 2}),
        source_message: Some(fix),
    });
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    std::mem::forget(_rx);
    state.hub.close_all(4000);
    state.hub.resume(2, tx, "session", 0);
}

fn parse_as<T: DeserializeOwned>(name: &str, data: &Value) {
    if let Err(error) = serde_json::from_value::<T>(data.clone()) {
        panic!(
            "{name} does not parse as {}: {error}\n{data:#}",
            std::any::type_name::<T>()
        );
    }
}

#[test]
fn every_dispatched_payload_parses_as_serenity_types() {
    let mut state = world();
    drive(&mut state);
    let mut seen = std::collections::BTreeSet::new();
    for payload in state.hub.history() {
        let value: Value = serde_json::from_str(&payload).expect("payloads are JSON");
        let name = value["t"].as_str().unwrap_or_default().to_string();
        let data = &value["d"];
        match name.as_str() {
            "READY" => parse_as::<Ready>(&name, data),
            "GUILD_CREATE" => parse_as::<Guild>(&name, data),
            "MESSAGE_CREATE" => parse_as::<Message>(&name, data),
            "MESSAGE_UPDATE" => parse_as::<MessageUpdateEvent>(&name, data),
            "MESSAGE_DELETE" => parse_as::<MessageDeleteEvent>(&name, data),
            "THREAD_CREATE" => parse_as::<GuildChannel>(&name, data),
            "CHANNEL_CREATE" => parse_as::<Channel>(&name, data),
            "INTERACTION_CREATE" => parse_as::<Interaction>(&name, data),
            "RESUMED" => parse_as::<ResumedEvent>(&name, data),
            other => panic!("no fixture check for {other}"),
        }
        let event: GatewayEvent = serde_json::from_value(value).expect("a gateway event");
        match event {
            GatewayEvent::Dispatch(_, Event::Unknown(unknown)) => {
                panic!("{name} became Event::Unknown: {unknown:?}")
            }
            GatewayEvent::Dispatch(..) => {}
            other => panic!("{name} is not a dispatch: {other:?}"),
        }
        seen.insert(name);
    }
    let expected = [
        "READY",
        "GUILD_CREATE",
        "MESSAGE_CREATE",
        "MESSAGE_UPDATE",
        "MESSAGE_DELETE",
        "THREAD_CREATE",
        "CHANNEL_CREATE",
        "INTERACTION_CREATE",
        "RESUMED",
    ];
    for name in expected {
        assert!(seen.contains(name), "{name} was never emitted");
    }
}

#[test]
fn every_rest_answer_parses_as_serenity_types() {
    let mut state = world();
    drive(&mut state);
    for message in state.messages.values() {
        parse_as::<Message>("message", &render::message(&state, message, false));
    }
    for channel in state.channels.values() {
        parse_as::<Channel>("channel", &render::channel(&state, channel));
    }
    for command in state.commands.values() {
        parse_as::<Command>("command", &command.body);
    }
    for guild in state.guilds.values() {
        parse_as::<PartialGuild>("guild", &render::guild_base(guild));
        for role in &guild.roles {
            parse_as::<Role>("role", &render::role(role));
        }
        for member in &guild.members {
            parse_as::<Member>(
                "member",
                &render::member(&state, guild.id, member.user_id, true),
            );
        }
    }
    parse_as::<CurrentApplicationInfo>("application", &render::application(&state));
    parse_as::<CurrentUser>("current user", &crate::gateway::current_user(&state));
}
