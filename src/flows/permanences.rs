//! Permanences: adding, changing and retiring slots, "who is on duty", and the timed work
//! (announcements when a slot starts, the week's scheduled events), on the store.
//!
//! **The API other features use** (questions' acknowledgements and reminders):
//! [`on_duty`] says who is on duty in a guild at an instant, or the next permanence; render it
//! with [`crate::prompts::on_duty_sentence`] in the guild's language and [`guild_tz`].

use std::collections::HashSet;

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use tokio::sync::Mutex;

use crate::bot::Bot;
use crate::domain::effects::Effect;
use crate::domain::helpline::DEFAULT_TIME_ZONE;
use crate::domain::journal::{Action, Actor, Entry, Subject};
pub use crate::domain::permanences::OnDuty;
use crate::domain::permanences::{
    self as domain, Exception, ExceptionKind, NewException, NewSlot, Occurrence, PermanenceError,
    Slot,
};
use crate::store::{outbox, permanences as store};

/// How far ahead the scheduled events of the Events tab are created.
const EVENTS_AHEAD_DAYS: u64 = 7;

/// The guild's time zone (Europe/Paris for a guild not configured).
pub fn guild_tz(bot: &Bot, guild: u64) -> Tz {
    bot.config
        .guild(guild)
        .map(|g| g.tz)
        .unwrap_or(DEFAULT_TIME_ZONE)
}

/// Who is on duty in `guild` at `now_ms` (user ids and until when), else the next
/// permanence within two weeks (who, when), else nobody.
pub async fn on_duty(bot: &Bot, guild: u64, now_ms: i64) -> anyhow::Result<OnDuty> {
    let tz = guild_tz(bot, guild);
    let (slots, exceptions) = load(bot, guild, now_ms, tz).await?;
    Ok(domain::on_duty(&slots, &exceptions, now_ms, tz))
}

/// [`on_duty`] said in a sentence in the guild's language and time zone: "@Karim est en
/// permanence jusqu'à 19h." or "Prochaine permanence : mardi 8/12 à 17h avec @Julie." (user
/// mentions: send it with no allowed mentions, they then show names without pinging).
pub async fn on_duty_text(bot: &Bot, guild: u64, now_ms: i64) -> anyhow::Result<String> {
    let on_duty = on_duty(bot, guild, now_ms).await?;
    let lang = bot
        .config
        .guild(guild)
        .map(|g| g.language)
        .unwrap_or_default();
    Ok(crate::prompts::on_duty_sentence(
        lang,
        &on_duty,
        guild_tz(bot, guild),
    ))
}

/// The guild's active slots and their exceptions from yesterday on (local dates).
async fn load(
    bot: &Bot,
    guild: u64,
    now_ms: i64,
    tz: Tz,
) -> anyhow::Result<(Vec<Slot>, Vec<Exception>)> {
    let today = domain::local_date(now_ms, tz).unwrap_or_default();
    let from = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let slots = store::active_of_guild(bot.db.pool(), guild).await?;
    let exceptions = store::exceptions_of_guild(bot.db.pool(), guild, from).await?;
    Ok((slots, exceptions))
}

/// Who a new slot is for.
#[derive(Debug, Clone, Copy)]
pub struct Promeneur<'a> {
    pub id: u64,
    pub name: &'a str,
}

/// Adds a weekly slot after checking its options and that it overlaps none of the
/// promeneur's slots (checked and saved in one transaction: nothing half-saved).
pub async fn add(
    bot: &Bot,
    guild: u64,
    promeneur: Promeneur<'_>,
    input: NewSlot<'_>,
    by: u64,
    now: i64,
) -> anyhow::Result<Result<Slot, PermanenceError>> {
    let tz = guild_tz(bot, guild);
    let today = domain::local_date(now, tz).unwrap_or_default();
    let hours = match domain::parse_new_slot(input, chrono::Datelike::weekday(&today)) {
        Ok(h) => h,
        Err(e) => return Ok(Err(e)),
    };
    let mut tx = bot.db.begin().await?;
    let existing = store::active_of_guild(&mut *tx, guild).await?;
    if let Err(e) = domain::check_overlap(&hours, promeneur.id, &existing) {
        return Ok(Err(e));
    }
    let name: String = promeneur.name.chars().take(80).collect();
    let id = store::insert(&mut *tx, guild, promeneur.id, &name, &hours, by, now).await?;
    journal_staff(&mut tx, guild, by, Action::PermanenceAdded, id, now).await?;
    tx.commit().await?;
    Ok(Ok(Slot {
        id,
        guild_id: guild,
        promeneur_id: promeneur.id,
        promeneur_name: name,
        weekday: hours.weekday,
        start: hours.start,
        end: hours.end,
        location: hours.location,
    }))
}

/// Sets a one-day exception on slot `numero`, or when it is not given on the caller's only
/// slot on that date's weekday. A scheduled event already created for the day's usual
/// occurrence is deleted (a moved day gets a new one from the next sync).
pub async fn add_exception(
    bot: &Bot,
    guild: u64,
    numero: Option<i64>,
    caller: u64,
    input: NewException<'_>,
    now: i64,
) -> anyhow::Result<Result<(Slot, Exception), PermanenceError>> {
    let tz = guild_tz(bot, guild);
    let today = domain::local_date(now, tz).unwrap_or_default();
    let (date, kind) = match domain::parse_exception(input, today) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let mut tx = bot.db.begin().await?;
    let slots = store::active_of_guild(&mut *tx, guild).await?;
    let slot = match numero {
        Some(id) => match slots.iter().find(|s| s.id == id) {
            Some(s) => s.clone(),
            None => return Ok(Err(PermanenceError::NotFound(id))),
        },
        None => {
            let mine: Vec<&Slot> = slots
                .iter()
                .filter(|s| {
                    s.promeneur_id == caller && s.weekday == chrono::Datelike::weekday(&date)
                })
                .collect();
            match mine.as_slice() {
                [one] => (*one).clone(),
                [] => return Ok(Err(PermanenceError::NoSlotThatDay)),
                _ => return Ok(Err(PermanenceError::SeveralSlotsThatDay)),
            }
        }
    };
    let exceptions = store::exceptions_of_guild(&mut *tx, guild, today).await?;
    let exception = match domain::check_exception(&slot, date, kind, &slots, &exceptions, tz) {
        Ok(e) => e,
        Err(e) => return Ok(Err(e)),
    };
    // The occurrence as it was before this exception, whose event (if any) must go.
    let before = domain::occurrence_on(&slot, &exceptions, date, tz);
    store::put_exception(&mut *tx, &exception, caller, now).await?;
    journal_staff(
        &mut tx,
        guild,
        caller,
        Action::PermanenceChanged,
        slot.id,
        now,
    )
    .await?;
    let mut enqueued = false;
    if let Some(old) = before {
        let unchanged = matches!(kind, ExceptionKind::Moved { .. })
            && domain::occurrence_on(&slot, &[exception], date, tz)
                .is_some_and(|o| o.start_ms == old.start_ms && o.end_ms == old.end_ms);
        if !unchanged {
            enqueued = delete_event(&mut tx, slot.id, old.start_ms, now).await?;
        }
    }
    tx.commit().await?;
    if enqueued {
        bot.outbox_ready.notify_one();
    }
    Ok(Ok((slot, exception)))
}

/// The journal's entry for a staff change to a permanence.
async fn journal_staff(
    tx: &mut crate::store::Tx,
    guild: u64,
    staff: u64,
    action: Action,
    slot_id: i64,
    now: i64,
) -> anyhow::Result<()> {
    let entry = Entry::new(Some(guild), now, Actor::Staff(staff), action)
        .about(Subject::Permanence(slot_id));
    crate::store::journal::append(&mut **tx, &entry).await?;
    Ok(())
}

/// Enqueues the deletion of an occurrence's event when one was created (or may be pending).
async fn delete_event(
    tx: &mut crate::store::Tx,
    slot_id: i64,
    start_ms: i64,
    now: i64,
) -> anyhow::Result<bool> {
    let effect = Effect::DeletePermanenceEvent { slot_id, start_ms };
    let priority = effect.priority(crate::safety::Severity::None);
    Ok(outbox::enqueue(&mut **tx, &effect, priority, now)
        .await?
        .is_some())
}

/// Retires slot `id` of the guild and deletes its future scheduled events.
pub async fn retire(
    bot: &Bot,
    guild: u64,
    id: i64,
    by: u64,
    now: i64,
) -> anyhow::Result<Result<Slot, PermanenceError>> {
    let mut tx = bot.db.begin().await?;
    let slot = match store::get(&mut *tx, id).await? {
        Some((slot, false)) if slot.guild_id == guild => slot,
        _ => return Ok(Err(PermanenceError::NotFound(id))),
    };
    store::retire(&mut *tx, guild, id, now).await?;
    journal_staff(&mut tx, guild, by, Action::PermanenceRetired, id, now).await?;
    let events = store::future_events_of_slot(&mut *tx, id, now).await?;
    for (start_ms, _) in &events {
        delete_event(&mut tx, id, *start_ms, now).await?;
    }
    tx.commit().await?;
    if !events.is_empty() {
        bot.outbox_ready.notify_one();
    }
    Ok(Ok(slot))
}

/// This week's and next week's occurrences (local weeks from Monday), with their slots, in
/// time order; those already over are left out.
pub async fn fortnight(bot: &Bot, guild: u64, now: i64) -> anyhow::Result<Vec<(Occurrence, Slot)>> {
    let tz = guild_tz(bot, guild);
    let (slots, exceptions) = load(bot, guild, now, tz).await?;
    let today = domain::local_date(now, tz).unwrap_or_default();
    let monday = domain::week_start(today);
    let to = monday.checked_add_days(Days::new(13)).unwrap_or(monday);
    Ok(domain::occurrences(&slots, &exceptions, today, to, tz)
        .into_iter()
        .filter(|o| o.end_ms > now)
        .filter_map(|o| {
            let slot = slots.iter().find(|s| s.id == o.slot_id)?.clone();
            Some((o, slot))
        })
        .collect())
}

/// Effects already stored by this process (so each tick does not write them again).
#[derive(Default)]
pub struct Enqueued(Mutex<HashSet<String>>);

/// The permanences' timed work at `now`, for every configured guild: announce each slot
/// running now (once: the outbox keeps one announcement per occurrence, across restarts and
/// processes), and create the scheduled event of each occurrence starting in the coming week.
pub async fn sync(bot: &Bot, now: i64, seen: &Enqueued) -> anyhow::Result<()> {
    let mut wanted: Vec<(u64, Effect)> = Vec::new();
    for gc in &bot.config.guilds {
        let guild = gc.id.0;
        let (slots, exceptions) = load(bot, guild, now, gc.tz).await?;
        if slots.is_empty() {
            continue;
        }
        let today = domain::local_date(now, gc.tz).unwrap_or_default();
        let from = today.checked_sub_days(Days::new(1)).unwrap_or(today);
        let to = today
            .checked_add_days(Days::new(EVENTS_AHEAD_DAYS))
            .unwrap_or(today);
        for o in domain::occurrences(&slots, &exceptions, from, to, gc.tz) {
            if o.contains(now) && !gc.question_channels.is_empty() {
                wanted.push((
                    guild,
                    Effect::AnnouncePermanence {
                        slot_id: o.slot_id,
                        start_ms: o.start_ms,
                    },
                ));
            }
            if o.start_ms > now && o.start_ms <= now + days_ms(EVENTS_AHEAD_DAYS) {
                wanted.push((
                    guild,
                    Effect::CreatePermanenceEvent {
                        slot_id: o.slot_id,
                        start_ms: o.start_ms,
                    },
                ));
            }
        }
    }
    let mut seen = seen.0.lock().await;
    wanted.retain(|(_, e)| !seen.contains(&e.dedup_key()));
    if wanted.is_empty() {
        return Ok(());
    }
    let mut tx = bot.db.begin().await?;
    for (guild, effect) in &wanted {
        let priority = effect.priority(crate::safety::Severity::None);
        outbox::enqueue(&mut *tx, effect, priority, now).await?;
        if let Effect::AnnouncePermanence { slot_id, start_ms } = *effect {
            // Once per occurrence, however many processes and ticks saw it running.
            let entry = Entry::new(Some(*guild), start_ms, Actor::Bot, Action::PermanenceHeld)
                .about(Subject::Permanence(slot_id))
                .dedup(effect.dedup_key());
            crate::store::journal::append(&mut *tx, &entry).await?;
        }
    }
    tx.commit().await?;
    seen.extend(wanted.iter().map(|(_, e)| e.dedup_key()));
    bot.outbox_ready.notify_one();
    Ok(())
}

fn days_ms(days: u64) -> i64 {
    i64::try_from(days).unwrap_or(0) * 86_400_000
}

/// The occurrence of `slot_id` starting at `start_ms` if it still happens: the slot is not
/// retired and no exception cancelled or moved it. With the slot.
pub async fn live_occurrence(
    bot: &Bot,
    slot_id: i64,
    start_ms: i64,
) -> anyhow::Result<Option<(Occurrence, Slot)>> {
    let Some((slot, retired)) = store::get(bot.db.pool(), slot_id).await? else {
        return Ok(None);
    };
    if retired {
        return Ok(None);
    }
    let tz = guild_tz(bot, slot.guild_id);
    let Some(date) = domain::local_date(start_ms, tz) else {
        return Ok(None);
    };
    let from: NaiveDate = date.checked_sub_days(Days::new(1)).unwrap_or(date);
    let exceptions = store::exceptions_of_guild(bot.db.pool(), slot.guild_id, from).await?;
    let found = [from, date]
        .into_iter()
        .filter_map(|d| domain::occurrence_on(&slot, &exceptions, d, tz))
        .find(|o| o.start_ms == start_ms);
    Ok(found.map(|o| (o, slot)))
}
