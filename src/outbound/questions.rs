//! Carrying out the effects of questions: the anonymous post and the private thread's head,
//! the thread and its acknowledgement, the relays both ways, the notices to the young person,
//! the reminders. Every post carries a nonce, and every Discord id created is recorded before
//! the next step, so a retried effect never posts twice.

use poise::serenity_prelude as serenity;
use serenity::{
    CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed, CreateMessage, EditMessage,
    RoleId,
};
use tracing::info;

use crate::bot::Bot;
use crate::config::GuildConfig;
use crate::domain::effects::{Effect, Notice};
use crate::domain::helpline;
use crate::domain::permanences::OnDuty;
use crate::domain::questions::{
    split_for_discord, Question, QuestionStatus, Way, MESSAGE_LIMIT, THREAD_NAME_LIMIT,
};
use crate::flows::message::{self, Incoming};
use crate::flows::permanences;
use crate::prompts::{self, text, Lang};
use crate::safety::Category;
use crate::store::questions::{self as store, Direction};
use crate::store::{now_ms, outbox};

use super::execute::Failure;
use super::render::{lang_for, message_url};
use super::rest::{
    Rest, RestError, CANNOT_DM_USER, THREAD_ARCHIVED, THREAD_EXISTS, THREAD_LOCKED, UNKNOWN_CHANNEL,
};

fn db(e: anyhow::Error) -> Failure {
    Failure::Retry(RestError::Transient(format!("database: {e:#}")))
}

async fn load(bot: &Bot, id: i64) -> Result<Question, Failure> {
    store::get(bot.db.pool(), id)
        .await
        .map_err(db)?
        .ok_or_else(|| Failure::Permanent(format!("question {id} no longer exists")))
}

/// A link to a channel or thread.
pub fn channel_url(guild: u64, channel: u64) -> String {
    format!("https://discord.com/channels/{guild}/{channel}")
}

/// Who is on duty (or when the next permanence is), in a sentence for the young person, and
/// the promeneurs on duty now. Without permanences: "a promeneur will answer".
async fn on_duty(bot: &Bot, guild: u64, lang: Lang) -> (String, Vec<u64>) {
    let tz = permanences::guild_tz(bot, guild);
    match permanences::on_duty(bot, guild, now_ms()).await {
        Ok(OnDuty::Nobody) => (prompts::question_on_duty_default(lang), Vec::new()),
        Ok(d) => (prompts::on_duty_sentence(lang, &d, tz), d.on_duty_now()),
        Err(e) => {
            crate::discord::log_error("reading who is on duty", &e);
            (prompts::question_on_duty_default(lang), Vec::new())
        }
    }
}

/// The helpline services open now, for a young person who writes when nobody is on duty.
fn helplines_now(lang: Lang, tz: chrono_tz::Tz) -> String {
    let Some(local) = helpline::local_time(now_ms(), tz) else {
        return String::new();
    };
    let services = helpline::services_open_at(&Category::ALL, local);
    let mut lines = vec![prompts::question_helplines_meanwhile(lang)];
    lines.extend(
        services
            .into_iter()
            .map(|s| prompts::helpline_service(lang, s)),
    );
    lines.join("\n")
}

fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

fn nonce(key: String) -> serenity::Nonce {
    // Discord's nonce is at most 25 characters.
    serenity::Nonce::String(key.chars().take(25).collect())
}

/// A short pseudonymous label for a private question (never the young person's tag).
fn private_label(q: &Question) -> String {
    q.asker_pseudonym.chars().take(6).collect()
}

pub async fn execute(bot: &Bot, rest: &Rest, effect: &Effect) -> Result<(), Failure> {
    match *effect {
        Effect::QuestionThread {
            question_id,
            generation,
        } => thread(bot, rest, question_id, generation).await,
        Effect::RefreshQuestion { question_id, .. } => refresh(bot, rest, question_id).await,
        Effect::RelayIn { message_id } => relay_in(bot, rest, message_id).await,
        Effect::RelayOut { message_id } => relay_out(bot, rest, message_id).await,
        Effect::QuestionNotice {
            question_id,
            notice,
        } => notify(bot, rest, question_id, notice).await,
        Effect::QuestionNudge { question_id, step } => nudge(bot, rest, question_id, step).await,
        _ => Err(Failure::Permanent("not a question effect".into())),
    }
}

/// Posts what the thread hangs on when the bot writes it, starts the thread, posts the
/// acknowledgement; each step recorded before the next.
async fn thread(bot: &Bot, rest: &Rest, id: i64, generation: i64) -> Result<(), Failure> {
    let mut q = load(bot, id).await?;
    if q.thread_generation != generation {
        return Ok(()); // a later thread replaced this one
    }
    let gc = bot.config.guild(q.guild_id);
    let lang = lang_for(gc);
    if q.message_id.is_none() {
        let posted = match q.way {
            Way::Open => return Err(Failure::Permanent("open question without message".into())),
            Way::Anonymous => {
                let words = store::first_text(bot.db.pool(), id)
                    .await
                    .map_err(db)?
                    .unwrap_or_default();
                let embed = CreateEmbed::new()
                    .title(prompts::question_anonymous_title(lang))
                    .description(text::truncate_chars(&text::sanitize(&words), 4000))
                    .colour(0x3B_82_F6);
                let msg = CreateMessage::new()
                    .embed(embed)
                    .nonce(nonce(format!("qanon-{id}")))
                    .enforce_nonce(true)
                    .allowed_mentions(no_pings());
                let posted = rest.create_message(q.channel_id, &msg).await?;
                scan_words(bot, &q, q.channel_id, posted, &words).await;
                posted
            }
            Way::Private => {
                let head = prompts::question_private_head(lang, id, &private_label(&q));
                let reply = CreateButton::new(format!("question:reply:{id}"))
                    .label(prompts::question_button_reply(lang))
                    .style(serenity::ButtonStyle::Primary);
                let msg = CreateMessage::new()
                    .content(head)
                    .components(vec![CreateActionRow::Buttons(vec![reply])])
                    .nonce(nonce(format!("qhead-{id}-{generation}")))
                    .enforce_nonce(true)
                    .allowed_mentions(no_pings());
                rest.create_message(q.channel_id, &msg).await?
            }
        };
        store::set_message(bot.db.pool(), id, posted)
            .await
            .map_err(db)?;
        q.message_id = Some(posted);
    }
    let Some(message_id) = q.message_id else {
        return Ok(());
    };
    if q.thread_id.is_none() {
        let name = match q.way {
            Way::Private => prompts::question_private_label(lang, id, &private_label(&q)),
            _ => q.title.clone(),
        };
        let name = text::truncate_chars(&name, THREAD_NAME_LIMIT);
        let thread = match rest.start_thread(q.channel_id, message_id, &name).await {
            Ok(t) => t,
            // Started by an earlier attempt whose answer was lost: the thread has the
            // message's id.
            Err(RestError::Refused { code, .. }) if code == THREAD_EXISTS => message_id,
            Err(e) => return Err(e.into()),
        };
        store::set_thread(bot.db.pool(), id, thread)
            .await
            .map_err(db)?;
        q.thread_id = Some(thread);
        if generation > 0 {
            let note = CreateMessage::new()
                .content(prompts::question_thread_reopened(lang))
                .nonce(nonce(format!("qreo-{id}-{generation}")))
                .allowed_mentions(no_pings());
            rest.create_message(thread, &note).await?;
        }
        info!(
            question_id = id,
            way = q.way.as_str(),
            "question thread started"
        );
    }
    if q.ack_message_id.is_none() && q.way != Way::Private {
        let Some(thread) = q.thread_id else {
            return Ok(());
        };
        let (who, _) = on_duty(bot, q.guild_id, lang).await;
        let msg = CreateMessage::new()
            .content(prompts::question_ack(lang, &who))
            .components(ack_buttons(lang, &q))
            .nonce(nonce(format!("qack-{id}")))
            .enforce_nonce(true)
            .allowed_mentions(no_pings());
        let ack = rest.create_message(thread, &msg).await?;
        store::set_ack(bot.db.pool(), id, ack).await.map_err(db)?;
    }
    Ok(())
}

fn ack_buttons(lang: Lang, q: &Question) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![CreateButton::new(format!(
        "question:take:{}",
        q.id
    ))
    .label(prompts::question_button_take(lang))
    .style(serenity::ButtonStyle::Primary)
    .disabled(q.status != QuestionStatus::Open)])]
}

/// Scans a young person's words the bot posted for them (an anonymous question, a relayed
/// DM): the alert links to the bot's post in the guild, never to the DM.
async fn scan_words(bot: &Bot, q: &Question, channel: u64, posted: u64, words: &str) {
    let Some(author) = q.asker_id else {
        return;
    };
    let incoming = Incoming {
        guild_id: None,
        alert_guild_id: Some(q.guild_id),
        channel_id: channel,
        message_id: posted,
        author_id: author,
        content: words,
        edit: false,
        at: now_ms(),
        mentions: Vec::new(),
        reply_to: None,
        anonymous: q.way == Way::Anonymous,
    };
    if let Err(e) = message::handle(bot, &incoming).await {
        crate::discord::log_error("scanning a question", &e);
    }
}

async fn refresh(bot: &Bot, rest: &Rest, id: i64) -> Result<(), Failure> {
    let q = load(bot, id).await?;
    let (Some(thread), Some(ack)) = (q.thread_id, q.ack_message_id) else {
        return Ok(()); // the acknowledgement, when posted, shows the current state
    };
    let lang = lang_for(bot.config.guild(q.guild_id));
    let line = prompts::question_status_line(lang, q.status, q.taken_by);
    let mut edit = EditMessage::new()
        .components(ack_buttons(lang, &q))
        .allowed_mentions(no_pings());
    if !line.is_empty() {
        edit = edit.embed(CreateEmbed::new().description(line).colour(0x22_C5_5E));
    }
    rest.edit_message(thread, ack, &edit).await?;
    Ok(())
}

fn thread_gone(e: &RestError) -> bool {
    matches!(e, RestError::Refused { code, .. }
        if [UNKNOWN_CHANNEL, THREAD_ARCHIVED, THREAD_LOCKED].contains(code))
}

async fn relay_in(bot: &Bot, rest: &Rest, message_id: i64) -> Result<(), Failure> {
    let Some(m) = store::get_message(bot.db.pool(), message_id)
        .await
        .map_err(db)?
    else {
        return Ok(()); // erased meanwhile
    };
    if m.relayed_at.is_some() || m.direction != Direction::In {
        return Ok(());
    }
    let q = load(bot, m.question_id).await?;
    let Some(thread) = q.thread_id else {
        return Err(Failure::Retry(RestError::Transient(
            "the question's thread is not started yet".into(),
        )));
    };
    let lang = lang_for(bot.config.guild(q.guild_id));
    let words = text::sanitize(&m.content);
    let parts = split_for_discord(&prompts::question_relay_in(lang, &words), MESSAGE_LIMIT);
    let mut first = None;
    for (i, part) in parts.iter().enumerate() {
        let msg = CreateMessage::new()
            .content(part)
            .nonce(nonce(format!("qin-{message_id}-{i}")))
            .enforce_nonce(true)
            .allowed_mentions(no_pings());
        match rest.create_message(thread, &msg).await {
            Ok(id) => {
                first.get_or_insert(id);
            }
            Err(e) if thread_gone(&e) => {
                // Deleted or locked by hand: open a new thread, then relay again there.
                if let Some(generation) =
                    store::forget_thread(bot.db.pool(), q.id, q.thread_generation)
                        .await
                        .map_err(db)?
                {
                    let effect = Effect::QuestionThread {
                        question_id: q.id,
                        generation,
                    };
                    outbox::enqueue(bot.db.pool(), &effect, 1, now_ms())
                        .await
                        .map_err(db)?;
                    bot.outbox_ready.notify_one();
                }
                return Err(Failure::Retry(RestError::Transient(
                    "the question's thread was gone; a new one is being opened".into(),
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    store::mark_relayed(bot.db.pool(), message_id, now_ms(), None)
        .await
        .map_err(db)?;
    // Erased meanwhile (`/oubli` while the relay was on its way): nothing left to scan.
    let still_kept = store::get_message(bot.db.pool(), message_id)
        .await
        .map_err(db)?
        .is_some();
    if let (Some(posted), true) = (first, still_kept) {
        scan_words(bot, &q, thread, posted, &m.content).await;
    }
    Ok(())
}

async fn relay_out(bot: &Bot, rest: &Rest, message_id: i64) -> Result<(), Failure> {
    let Some(m) = store::get_message(bot.db.pool(), message_id)
        .await
        .map_err(db)?
    else {
        return Ok(());
    };
    if m.relayed_at.is_some() || m.direction != Direction::Out {
        return Ok(());
    }
    let q = load(bot, m.question_id).await?;
    let Some(asker) = q.asker_id else {
        return Err(Failure::Permanent(
            "the young person's id was erased".into(),
        ));
    };
    let lang = lang_for(bot.config.guild(q.guild_id));
    let name = text::sanitize(m.signature.as_deref().unwrap_or("Promeneur"));
    let body = prompts::question_relay_out(lang, &name, &text::sanitize(&m.content));
    let result = async {
        let dm = rest.dm_channel(asker).await?;
        for (i, part) in split_for_discord(&body, MESSAGE_LIMIT).iter().enumerate() {
            let msg = CreateMessage::new()
                .content(part)
                .nonce(nonce(format!("qout-{message_id}-{i}")))
                .enforce_nonce(true)
                .allowed_mentions(no_pings());
            rest.create_message(dm, &msg).await?;
        }
        Ok::<(), RestError>(())
    }
    .await;
    match result {
        Ok(()) => {
            store::mark_relayed(bot.db.pool(), message_id, now_ms(), None)
                .await
                .map_err(db)?;
            Ok(())
        }
        Err(RestError::Refused { code, .. }) if code == CANNOT_DM_USER => {
            // DMs closed: the answer stays in the thread, and the thread says so.
            if let Some(thread) = q.thread_id {
                let note = CreateMessage::new()
                    .content(prompts::question_relay_refused(lang))
                    .nonce(nonce(format!("qref-{message_id}")))
                    .enforce_nonce(true)
                    .allowed_mentions(no_pings());
                rest.create_message(thread, &note).await?;
            }
            store::mark_relayed(bot.db.pool(), message_id, now_ms(), Some("dm_closed"))
                .await
                .map_err(db)?;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

async fn notify(bot: &Bot, rest: &Rest, id: i64, notice: Notice) -> Result<(), Failure> {
    let q = load(bot, id).await?;
    let Some(asker) = q.asker_id else {
        return Ok(()); // erased: nobody to tell
    };
    let gc = bot.config.guild(q.guild_id);
    let lang = lang_for(gc);
    let body = match notice {
        Notice::Opened => {
            let (who, now) = on_duty(bot, q.guild_id, lang).await;
            let mut text = prompts::question_private_opened_dm(lang, &who);
            if now.is_empty() {
                // Nobody on duty: the next permanence, and who can listen right now.
                let tz = permanences::guild_tz(bot, q.guild_id);
                text = format!("{text}\n\n{}", helplines_now(lang, tz));
            }
            text
        }
        Notice::Closed => prompts::question_closed_dm(lang),
        Notice::Answered => {
            let Some(thread) = q.thread_id else {
                return Err(Failure::Retry(RestError::Transient("no thread yet".into())));
            };
            prompts::question_anonymous_answered_dm(lang, &channel_url(q.guild_id, thread))
        }
    };
    let result = async {
        let dm = rest.dm_channel(asker).await?;
        let msg = CreateMessage::new()
            .content(body)
            .nonce(nonce(format!("qn-{id}-{notice:?}")))
            .enforce_nonce(true)
            .allowed_mentions(no_pings());
        rest.create_message(dm, &msg).await
    }
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(RestError::Refused { code, .. }) if code == CANNOT_DM_USER => Ok(()),
        Err(e) => Err(e.into()),
    }
}

async fn nudge(bot: &Bot, rest: &Rest, id: i64, step: i64) -> Result<(), Failure> {
    let q = load(bot, id).await?;
    if q.answered_at.is_some() || q.status == QuestionStatus::Closed {
        return Ok(()); // answered meanwhile
    }
    let Some(gc) = bot.config.guild(q.guild_id) else {
        return Err(Failure::Permanent(
            "question of an unconfigured guild".into(),
        ));
    };
    let escalate = step >= 2;
    let (channel, role) = nudge_target(gc, escalate);
    // A reminder pings the promeneurs on duty when a permanence runs, else the role.
    let users = if escalate {
        Vec::new()
    } else {
        on_duty(bot, gc.id.0, gc.language).await.1
    };
    let link = match (q.thread_id, q.message_id) {
        (Some(t), _) => channel_url(gc.id.0, t),
        (None, Some(m)) => message_url(Some(gc.id.0), q.channel_id, m),
        (None, None) => channel_url(gc.id.0, q.channel_id),
    };
    let ping = if users.is_empty() {
        text::role_mention(role)
    } else {
        users
            .iter()
            .map(|u| text::user_mention(*u))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mentions = if users.is_empty() {
        CreateAllowedMentions::new().roles([RoleId::new(role)])
    } else {
        CreateAllowedMentions::new().users(users.iter().map(|u| serenity::UserId::new(*u)))
    };
    let body = prompts::question_nudge(
        gc.language,
        escalate,
        &ping,
        id,
        q.way,
        now_ms() - q.asked_at,
        &link,
    );
    let msg = CreateMessage::new()
        .content(body)
        .nonce(nonce(format!("qnudge-{id}-{step}")))
        .enforce_nonce(true)
        .allowed_mentions(mentions);
    rest.create_message(channel, &msg).await?;
    info!(question_id = id, step, "question nudged");
    Ok(())
}

/// Where a reminder goes (the alert channel, pinging the promeneurs) and an escalation (the
/// coordination channel, pinging the coordinators; the alert channel when there is none).
fn nudge_target(gc: &GuildConfig, escalate: bool) -> (u64, u64) {
    if escalate {
        (
            gc.coordination_channel.unwrap_or(gc.alert_channel).0,
            gc.coordinator_role.unwrap_or(gc.promeneur_role).0,
        )
    } else {
        (gc.alert_channel.0, gc.promeneur_role.0)
    }
}
