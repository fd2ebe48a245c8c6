//! Questions: opened by a young person (openly, anonymously, privately), taken, answered and
//! closed by staff, reminded when nobody answers. Each step saves the question, a line of its
//! supervision log and its effects (thread, acknowledgement, relays, notices) in one
//! transaction; the delivery worker carries the effects out.

use anyhow::Context as _;

use crate::bot::Bot;
use crate::domain::effects::{Effect, Notice};
use crate::domain::questions::{
    self, Decision, Nudge, Question, QuestionOutcome, QuestionRefusal, QuestionStatus, Way,
};
use crate::store::questions::{self as store, Direction, EventKind, NewMessage, NewQuestion};
use crate::store::{outbox, Tx};

/// How many times a staff action is decided again when the question changed under it.
const MAX_ATTEMPTS: usize = 5;

async fn enqueue(tx: &mut Tx, effect: &Effect, now: i64) -> anyhow::Result<()> {
    outbox::enqueue(
        &mut **tx,
        effect,
        effect.priority(crate::safety::Severity::None),
        now,
    )
    .await?;
    Ok(())
}

fn thread_effect(q_id: i64, generation: i64) -> Effect {
    Effect::QuestionThread {
        question_id: q_id,
        generation,
    }
}

/// A new question's log line ("asked", with where) and its first thread to open.
async fn asked(tx: &mut Tx, id: i64, place: Option<&str>, at: i64) -> anyhow::Result<Question> {
    let q = store::get(&mut **tx, id)
        .await?
        .context("the new question")?;
    store::log(tx, &q, EventKind::Asked, None, place, at).await?;
    enqueue(tx, &thread_effect(id, 0), at).await?;
    Ok(q)
}

/// A young person's top-level message in a question channel.
#[derive(Debug, Clone)]
pub struct OpenAsked<'a> {
    pub guild_id: u64,
    pub channel_id: u64,
    pub message_id: u64,
    pub author_id: u64,
    pub content: &'a str,
    pub at: i64,
}

/// Opens an open question on the message (once, however often the event comes). Returns the
/// question's id when this call opened it.
pub async fn open_public(bot: &Bot, m: &OpenAsked<'_>) -> anyhow::Result<Option<i64>> {
    let pseudonym = bot.pseudonyms.pseudonym(m.author_id);
    let title = questions::thread_title(m.content, "Question");
    let mut tx = bot.db.begin().await?;
    let new = NewQuestion {
        guild_id: m.guild_id,
        way: Way::Open,
        asker_pseudonym: pseudonym.as_str(),
        asker_id: None,
        source_message_id: Some(m.message_id),
        channel_id: m.channel_id,
        message_id: Some(m.message_id),
        title: &title,
        asked_at: m.at,
    };
    let Some(id) = store::insert(&mut *tx, &new).await? else {
        return Ok(None);
    };
    asked(&mut tx, id, Some(&m.channel_id.to_string()), m.at).await?;
    tx.commit().await?;
    bot.outbox_ready.notify_one();
    Ok(Some(id))
}

/// `/question anonyme`: stores the question and its text; the bot posts it without a name.
/// `interaction_id` makes a replayed submission open nothing twice.
pub async fn ask_anonymous(
    bot: &Bot,
    guild_id: u64,
    channel_id: u64,
    asker_id: u64,
    interaction_id: u64,
    text: &str,
    at: i64,
) -> anyhow::Result<i64> {
    let pseudonym = bot.pseudonyms.pseudonym(asker_id);
    let title = questions::thread_title(text, "Question");
    let mut tx = bot.db.begin().await?;
    let new = NewQuestion {
        guild_id,
        way: Way::Anonymous,
        asker_pseudonym: pseudonym.as_str(),
        asker_id: Some(asker_id),
        source_message_id: Some(interaction_id),
        channel_id,
        message_id: None,
        title: &title,
        asked_at: at,
    };
    let id = match store::insert(&mut *tx, &new).await? {
        Some(id) => id,
        None => {
            // The same submission again: answer with the question it opened.
            return store::by_source(&mut *tx, interaction_id)
                .await?
                .map(|q| q.id)
                .context("the question of a replayed submission");
        }
    };
    let words = NewMessage {
        question_id: id,
        direction: Direction::In,
        discord_message_id: interaction_id,
        author_id: Some(asker_id),
        signature: None,
        content: text,
        at,
    };
    store::insert_message(&mut *tx, &words).await?;
    asked(&mut tx, id, Some(&channel_id.to_string()), at).await?;
    tx.commit().await?;
    bot.outbox_ready.notify_one();
    Ok(id)
}

/// What a young person's DM became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relayed {
    pub question_id: i64,
    /// This DM opened the question.
    pub opened: bool,
    /// Stored now (false: the same DM was already stored).
    pub stored: bool,
}

/// A young person's DM to the bot.
#[derive(Debug, Clone)]
pub struct Dm<'a> {
    pub user_id: u64,
    /// The DM channel (its catch-up cursor advances, so DMs sent while the bot was down are
    /// read at the next start).
    pub dm_channel_id: u64,
    pub message_id: u64,
    pub content: &'a str,
    pub at: i64,
}

/// A DM to the bot: joins the young person's running private question, or opens one in
/// `guild_id`, whose staff-only channel is `channel_id`. Relayed once per DM.
pub async fn private_dm(
    bot: &Bot,
    guild_id: u64,
    channel_id: u64,
    dm: &Dm<'_>,
) -> anyhow::Result<Relayed> {
    let (user_id, dm_message_id, content, at) = (dm.user_id, dm.message_id, dm.content, dm.at);
    let mut tx = bot.db.begin().await?;
    crate::store::cursors::advance(&mut *tx, dm.dm_channel_id, None, dm_message_id, at).await?;
    let (q, opened) = match store::open_private_of(&mut *tx, user_id).await? {
        Some(q) => (q, false),
        None => {
            let pseudonym = bot.pseudonyms.pseudonym(user_id);
            let new = NewQuestion {
                guild_id,
                way: Way::Private,
                asker_pseudonym: pseudonym.as_str(),
                asker_id: Some(user_id),
                source_message_id: Some(dm_message_id),
                channel_id,
                message_id: None,
                title: "",
                asked_at: at,
            };
            match store::insert(&mut *tx, &new).await? {
                Some(id) => {
                    let q = asked(&mut tx, id, None, at).await?;
                    let notice = Effect::QuestionNotice {
                        question_id: id,
                        notice: Notice::Opened,
                    };
                    enqueue(&mut tx, &notice, at).await?;
                    (q, true)
                }
                None => {
                    // This DM opened a question already (a replayed event).
                    let q = store::by_source(&mut *tx, dm_message_id)
                        .await?
                        .context("the question of a replayed DM")?;
                    (q, false)
                }
            }
        }
    };
    let words = NewMessage {
        question_id: q.id,
        direction: Direction::In,
        discord_message_id: dm_message_id,
        author_id: Some(user_id),
        signature: None,
        content,
        at,
    };
    let stored = match store::insert_message(&mut *tx, &words).await? {
        Some(mid) => {
            enqueue(&mut tx, &Effect::RelayIn { message_id: mid }, at).await?;
            true
        }
        None => false,
    };
    tx.commit().await?;
    bot.outbox_ready.notify_one();
    Ok(Relayed {
        question_id: q.id,
        opened,
        stored,
    })
}

/// A young person's private question still running, if any.
pub async fn running_private(bot: &Bot, user: u64) -> anyhow::Result<Option<Question>> {
    store::open_private_of(bot.db.pool(), user).await
}

/// The question whose thread is `thread_id`.
pub async fn by_thread(bot: &Bot, thread_id: u64) -> anyhow::Result<Option<Question>> {
    store::by_thread(bot.db.pool(), thread_id).await
}

/// Why a staff action on a question did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionError {
    /// No question has this thread (or id) in this guild.
    NotFound,
    Refused(QuestionRefusal),
    /// `/repondre` outside a private question.
    NotPrivate,
}

/// Decides `decide` on the question, saves it with its log line and effects; decides again
/// when another process saved the question meanwhile.
async fn act<F>(
    bot: &Bot,
    question_id: i64,
    at: i64,
    decide: F,
) -> anyhow::Result<Result<Question, QuestionError>>
where
    F: Fn(&Question) -> Result<Option<Step>, QuestionError>,
{
    for _ in 0..MAX_ATTEMPTS {
        let mut tx = bot.db.begin().await?;
        let Some(q) = store::get(&mut *tx, question_id).await? else {
            return Ok(Err(QuestionError::NotFound));
        };
        let step = match decide(&q) {
            Err(e) => return Ok(Err(e)),
            Ok(None) => return Ok(Ok(q)),
            Ok(Some(step)) => step,
        };
        if !store::save(&mut *tx, &step.question).await? {
            continue; // changed meanwhile: decide again
        }
        for (kind, actor, detail) in &step.log {
            store::log(
                &mut tx,
                &step.question,
                *kind,
                *actor,
                detail.as_deref(),
                at,
            )
            .await?;
        }
        let mut effects = step.effects;
        if step.question.ack_message_id.is_some() || step.question.way != Way::Private {
            effects.push(Effect::RefreshQuestion {
                question_id,
                version: step.question.version + 1,
            });
        }
        for e in &effects {
            enqueue(&mut tx, e, at).await?;
        }
        tx.commit().await?;
        bot.outbox_ready.notify_one();
        let mut saved = step.question;
        saved.version += 1;
        return Ok(Ok(saved));
    }
    anyhow::bail!("question {question_id} kept changing under {MAX_ATTEMPTS} attempts")
}

/// A decided change: the question to save, its log lines, its effects.
struct Step {
    question: Question,
    log: Vec<(EventKind, Option<u64>, Option<String>)>,
    effects: Vec<Effect>,
}

fn answered_step(q: &Question, after: Question, by: u64) -> Step {
    let delay = after.answer_delay_ms().map(|d| d.to_string());
    let mut effects = Vec::new();
    if q.way == Way::Anonymous {
        effects.push(Effect::QuestionNotice {
            question_id: q.id,
            notice: Notice::Answered,
        });
    }
    let mut log = Vec::new();
    if q.taken_by.is_none() {
        log.push((EventKind::Taken, Some(by), None));
    }
    log.push((EventKind::Answered, Some(by), delay));
    Step {
        question: after,
        log,
        effects,
    }
}

/// A staff member takes the question ("Je prends", `/question prendre`).
pub async fn take(
    bot: &Bot,
    question_id: i64,
    staff: u64,
    at: i64,
) -> anyhow::Result<Result<Question, QuestionError>> {
    act(bot, question_id, at, |q| {
        match q.take(staff, at).map_err(QuestionError::Refused)? {
            Decision::Unchanged => Ok(None),
            Decision::Changed(after) => Ok(Some(Step {
                question: after,
                log: vec![(EventKind::Taken, Some(staff), None)],
                effects: Vec::new(),
            })),
        }
    })
    .await
}

/// A staff member wrote in an open or anonymous question's thread: the first time, the
/// question is answered. (In a private question's thread, plain messages are internal notes.)
pub async fn staff_wrote(
    bot: &Bot,
    thread_id: u64,
    staff: u64,
    at: i64,
) -> anyhow::Result<Option<Question>> {
    let Some(q) = store::by_thread(bot.db.pool(), thread_id).await? else {
        return Ok(None);
    };
    if q.way == Way::Private || q.answered_at.is_some() {
        return Ok(None);
    }
    let r = act(bot, q.id, at, |q| match q.answer(staff, at) {
        Decision::Unchanged => Ok(None),
        Decision::Changed(after) => Ok(Some(answered_step(q, after, staff))),
    })
    .await?;
    Ok(r.ok())
}

/// `/repondre` in a private question's thread: stores the answer to relay by DM, signed with
/// the promeneur's name. `interaction_id` makes a replayed command relay nothing twice.
pub async fn reply_private(
    bot: &Bot,
    thread_id: u64,
    staff: u64,
    signature: &str,
    interaction_id: u64,
    text: &str,
    at: i64,
) -> anyhow::Result<Result<Question, QuestionError>> {
    let Some(q) = store::by_thread(bot.db.pool(), thread_id).await? else {
        return Ok(Err(QuestionError::NotFound));
    };
    if q.way != Way::Private {
        return Ok(Err(QuestionError::NotPrivate));
    }
    if q.status == QuestionStatus::Closed {
        return Ok(Err(QuestionError::Refused(QuestionRefusal::Closed)));
    }
    let mut tx = bot.db.begin().await?;
    let answer = NewMessage {
        question_id: q.id,
        direction: Direction::Out,
        discord_message_id: interaction_id,
        author_id: Some(staff),
        signature: Some(signature),
        content: text,
        at,
    };
    if let Some(mid) = store::insert_message(&mut *tx, &answer).await? {
        enqueue(&mut tx, &Effect::RelayOut { message_id: mid }, at).await?;
        store::log(&mut tx, &q, EventKind::Relayed, Some(staff), None, at).await?;
    }
    tx.commit().await?;
    bot.outbox_ready.notify_one();
    let r = act(bot, q.id, at, |q| match q.answer(staff, at) {
        Decision::Unchanged => Ok(None),
        Decision::Changed(after) => Ok(Some(answered_step(q, after, staff))),
    })
    .await?;
    Ok(r)
}

/// `/question clore`: closes with an outcome; a private question's young person is told.
pub async fn close(
    bot: &Bot,
    question_id: i64,
    staff: u64,
    outcome: QuestionOutcome,
    note: Option<&str>,
    at: i64,
) -> anyhow::Result<Result<Question, QuestionError>> {
    act(bot, question_id, at, |q| {
        match q.close(staff, outcome, note, at) {
            Decision::Unchanged => Err(QuestionError::Refused(QuestionRefusal::Closed)),
            Decision::Changed(after) => {
                let mut effects = Vec::new();
                if q.way == Way::Private {
                    effects.push(Effect::QuestionNotice {
                        question_id: q.id,
                        notice: Notice::Closed,
                    });
                }
                Ok(Some(Step {
                    question: after,
                    log: vec![(
                        EventKind::Closed,
                        Some(staff),
                        Some(outcome.as_str().into()),
                    )],
                    effects,
                }))
            }
        }
    })
    .await
}

/// The guild's questions in `statuses` (oldest first).
pub async fn list(
    bot: &Bot,
    guild_id: u64,
    statuses: &[QuestionStatus],
) -> anyhow::Result<Vec<Question>> {
    store::list(bot.db.pool(), guild_id, statuses, 50).await
}

/// Reminds, then escalates, the questions nobody answered in time. Returns how many nudges
/// were decided. Safe to run from several processes: each nudge is saved conditionally and
/// enqueued under its own key.
pub async fn nudge_waiting(bot: &Bot, now: i64) -> anyhow::Result<usize> {
    let policy = bot.config.questions;
    let remind_ms = i64::try_from(policy.remind_after.as_millis()).unwrap_or(i64::MAX / 2);
    let waiting = store::waiting(bot.db.pool(), now - remind_ms, 200).await?;
    let mut done = 0;
    for q in waiting {
        let Some(nudge) = policy.due(&q, now) else {
            continue;
        };
        let after = policy.record(&q, nudge, now);
        let mut tx = bot.db.begin().await?;
        if !store::save(&mut *tx, &after).await? {
            continue; // another process nudged it, or a promeneur acted: next tick decides
        }
        let kind = match nudge {
            Nudge::Remind => EventKind::Reminded,
            Nudge::Escalate => EventKind::Escalated,
        };
        store::log(&mut tx, &after, kind, None, None, now).await?;
        let effect = Effect::QuestionNudge {
            question_id: q.id,
            step: nudge.step(),
        };
        enqueue(&mut tx, &effect, now).await?;
        tx.commit().await?;
        done += 1;
    }
    if done > 0 {
        bot.outbox_ready.notify_one();
    }
    Ok(done)
}
