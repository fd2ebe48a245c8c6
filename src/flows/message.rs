//! The message flow: scan, log the exchange, and when flagged apply the domain's intake
//! decision (the flag, its alert, the effects to deliver), all in one transaction.

use anyhow::Context as _;
use tracing::{debug, instrument, warn};

use crate::bot::Bot;
use crate::domain::alerts::flag::categories_of;
use crate::domain::alerts::{
    about, intake, join_categories, Around, Flag, FlaggedMessage, Intake, Known, PileOnNote,
    Reading,
};
use crate::domain::journal::{Action, Actor, Entry, Subject};
use crate::safety::pile_on::{self, PileOn, Policy, Turn};
use crate::safety::stance::TurnCues;
use crate::safety::{read_stance, Category, Match, Scan, Severity};
use crate::store::{alerts, cursors, flags, journal, outbox, Tx};

use super::apply_change;

/// How many times a flag is decided again when another process changed its alert meanwhile.
const MAX_ATTEMPTS: usize = 5;

/// A message as an adapter saw it.
#[derive(Debug, Clone, Default)]
pub struct Incoming<'a> {
    /// Where the message was written (`None` for a DM to the bot).
    pub guild_id: Option<u64>,
    /// Whose promeneurs receive its alert (for a DM: a guild the young person is in).
    pub alert_guild_id: Option<u64>,
    pub channel_id: u64,
    pub message_id: u64,
    pub author_id: u64,
    pub content: &'a str,
    pub edit: bool,
    /// When it was written (or edited), unix ms.
    pub at: i64,
    /// Users it mentions (bots excluded), in order.
    pub mentions: Vec<u64>,
    /// The author of the message it replies to.
    pub reply_to: Option<u64>,
    /// An anonymous question the bot posted for its author: an alert it opens never names them.
    pub anonymous: bool,
}

/// What the flow did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Logged; nothing worrying.
    Logged,
    /// Flagged into this alert (`new` when the alert was opened by this message).
    Flagged { alert_id: i64, new: bool },
    /// Flagged, but its alert already says as much (a replayed event, an edit that adds nothing).
    Unchanged,
}

/// Scans and records one message. Idempotent: the same message delivered twice (a gateway
/// replay and a catch-up) changes nothing the second time.
#[instrument(skip_all, fields(channel = m.channel_id, message = m.message_id, edit = m.edit))]
pub async fn handle(bot: &Bot, m: &Incoming<'_>) -> anyhow::Result<Handled> {
    let started = std::time::Instant::now();
    let scan_guild = m.alert_guild_id.or(m.guild_id);
    // The conversation stage reads guild messages as they are first written; its cues come
    // from the scan's own normalisation, and only when it runs.
    let staged = bot.config.conversation && !m.edit && m.guild_id.is_some() && !m.anonymous;
    let (scan, cues) = if staged {
        let (scan, cues) = bot.scan_turn(scan_guild, m.content);
        (scan, Some(cues))
    } else {
        (bot.scan(scan_guild, m.content), None)
    };
    let partner = bot
        .conversations
        .note(m.channel_id, m.author_id, m.at, m.edit);
    let around = Around {
        author: m.author_id,
        mentions: m.mentions.clone(),
        reply_to: m.reply_to,
        partner,
    };
    let pile_on =
        cues.and_then(|cues| conversation_stage(bot, m, (&scan, cues), around.aimed_at()));
    let (scan, note) = match pile_on {
        Some(p) => (pile_on_scan(scan), Some(p)),
        None => (scan, None),
    };
    let reading = note.as_ref().map(|p| Reading {
        stance: crate::safety::Stance::Aggression,
        target: p.target,
        subject: p.target,
    });
    let reading = reading.or_else(|| {
        scan.flagged.then(|| {
            let stance = read_stance(m.content, &scan);
            about::read(stance.stance, stance.addresses_someone, &around)
        })
    });
    let note = note.map(|p| PileOnNote {
        first_message: p.first_message,
        first_at: p.first_at_ms,
        messages: u32::try_from(p.messages).unwrap_or(u32::MAX),
        authors: u32::try_from(p.authors).unwrap_or(u32::MAX),
        target: p
            .target
            .map(|t| bot.pseudonyms.pseudonym(t).as_str().to_owned()),
        plea: p.plea,
    });
    // Flags are rare: take the lock only for them, so ordinary traffic never waits on it.
    let _guard = if scan.flagged {
        Some(bot.flag_lock.lock().await)
    } else {
        None
    };
    for attempt in 1..=MAX_ATTEMPTS {
        let mut tx = bot.db.begin().await?;
        if scan.flagged {
            // The lock above serialises this process; this one every process on the database.
            bot.db.lock_flags(&mut tx).await?;
        }
        record_exchange(bot, &mut tx, m, &scan).await?;
        let handled = if scan.flagged {
            let reading = reading.unwrap_or(Reading {
                stance: crate::safety::Stance::SelfDisclosure,
                target: None,
                subject: Some(m.author_id),
            });
            match flag(bot, &mut tx, m, &scan, reading, note.clone()).await? {
                Some(h) => h,
                None => {
                    // Another process saved the alert since we read it: decide again.
                    warn!(attempt, "the alert changed meanwhile; deciding again");
                    continue;
                }
            }
        } else {
            Handled::Logged
        };
        tx.commit().await.context("committing the message")?;
        if matches!(handled, Handled::Flagged { .. }) {
            bot.outbox_ready.notify_one();
            // Counted by the process that stored the flag: a replay or a standby process
            // handling the same message finds it `Unchanged`.
            crate::metrics::flagged(scan.categories.iter().copied(), scan.severity);
        }
        crate::metrics::scanned(started.elapsed());
        debug!(
            severity = scan.severity.as_str(),
            ?handled,
            "message handled"
        );
        return Ok(handled);
    }
    anyhow::bail!("the alert kept changing under {MAX_ATTEMPTS} attempts to flag the message")
}

/// The rule id of a pile-on's match, in the alert's explanations.
pub const PILE_ON_RULE: &str = "conversation.pile_on";

/// Notes a guild message in its channel's conversation stage; the pile-on it tips, if any
/// (a message that continues one flags on its own words, or not at all). Edits, DMs and
/// anonymous questions are not conversation turns (the caller passes no cues for them).
fn conversation_stage(
    bot: &Bot,
    m: &Incoming<'_>,
    (scan, cues): (&Scan, TurnCues),
    target: Option<u64>,
) -> Option<PileOn> {
    let turn = Turn {
        message: m.message_id,
        author: m.author_id,
        target,
        at_ms: m.at,
        weight: pile_on::aggression(scan, cues),
        plea: cues.plea,
    };
    bot.conversations
        .observe(m.channel_id, turn, &Policy::default())
        .filter(|p| !p.continuing)
}

/// The scan of the message that tipped a pile-on: flagged `harassment`, at least `medium`,
/// with one match over no words named [`PILE_ON_RULE`] (the conversation flagged it, not
/// its words).
fn pile_on_scan(mut scan: Scan) -> Scan {
    scan.flagged = true;
    scan.severity = scan.severity.max(Severity::Medium);
    if !scan.categories.contains(&Category::Harassment) {
        scan.categories.push(Category::Harassment);
        scan.categories.sort();
    }
    scan.matches.push(Match {
        rule: PILE_ON_RULE.to_owned(),
        category: Category::Harassment,
        severity: Severity::Medium,
        start: 0,
        end: 0,
    });
    scan
}

/// The journal's entry (no content; a DM is filed under the guild whose promeneurs it goes
/// to) and the channel's catch-up cursor. A message delivered twice is journaled once; an
/// edit that changes the severity is journaled again.
async fn record_exchange(
    bot: &Bot,
    tx: &mut Tx,
    m: &Incoming<'_>,
    scan: &Scan,
) -> anyhow::Result<()> {
    let pseudonym = bot.pseudonyms.pseudonym(m.author_id);
    let action = match (m.guild_id, m.edit) {
        (_, true) => Action::MessageEdited,
        (None, false) => Action::DmScanned,
        (Some(_), false) => Action::MessageScanned,
    };
    let severity = scan.severity.as_str();
    let entry = Entry::new(
        m.guild_id.or(m.alert_guild_id),
        m.at,
        Actor::Young(pseudonym.as_str().to_owned()),
        action,
    )
    .about(Subject::Message(m.message_id))
    .in_channel(m.channel_id)
    .severity(severity)
    .categories(&join_categories(&scan.categories))
    .dedup(format!("scan:{}:{action}:{severity}", m.message_id));
    journal::append(&mut **tx, &entry).await?;
    if !m.edit {
        cursors::advance(&mut **tx, m.channel_id, m.guild_id, m.message_id, m.at).await?;
    }
    Ok(())
}

/// Loads what the store knows, asks the domain, applies the answer. `None` when a save lost
/// to another process (nothing of this attempt must be committed).
async fn flag(
    bot: &Bot,
    tx: &mut Tx,
    m: &Incoming<'_>,
    scan: &Scan,
    reading: Reading,
    note: Option<PileOnNote>,
) -> anyhow::Result<Option<Handled>> {
    let existing = flags::by_message(&mut **tx, m.message_id).await?;
    let message_alert = match &existing {
        Some(f) => alerts::get(&mut **tx, f.alert_id).await?,
        None => None,
    };
    let window = i64::try_from(bot.burst.window.as_millis()).unwrap_or(i64::MAX / 2);
    let latest = alerts::latest_about(
        &mut **tx,
        m.alert_guild_id,
        reading.subject,
        m.author_id,
        m.at - window,
    )
    .await?;
    let siblings = match (&existing, m.edit) {
        (Some(f), true) => {
            let all = flags::of_alert(&mut **tx, f.alert_id).await?;
            categories_of(all.iter().filter(|x| x.message_id != m.message_id))
        }
        _ => Default::default(),
    };
    let msg = FlaggedMessage {
        severity: scan.severity,
        categories: scan.categories.iter().copied().collect(),
        at: m.at,
        edit: m.edit,
        reading,
    };
    let known = Known {
        message_flag: existing
            .as_ref()
            .zip(message_alert.as_ref())
            .map(|(f, a)| (f.severity, a)),
        author_latest: latest.as_ref(),
        sibling_categories: &siblings,
    };
    let flag_in = |alert_id| Flag {
        conversation: note.clone(),
        ..Flag::from_scan(
            alert_id,
            (m.message_id, m.author_id),
            m.channel_id,
            m.content,
            scan,
            m.at,
        )
    };

    match intake::decide(bot.intake_policy(), &msg, known) {
        Intake::Ignore => Ok(Some(Handled::Logged)),
        Intake::Unchanged => Ok(Some(Handled::Unchanged)),
        Intake::Open(open) => {
            let pseudonym = bot.pseudonyms.pseudonym(m.author_id);
            let origin = alerts::Origin {
                guild_id: m.alert_guild_id,
                channel_id: m.channel_id,
                author_id: m.author_id,
                author_pseudonym: pseudonym.as_str(),
                anonymous: m.anonymous,
                alert_channel_id: m
                    .alert_guild_id
                    .and_then(|g| bot.config.guild(g))
                    .map(|g| g.alert_channel.0),
                at: m.at,
            };
            let alert_id = alerts::insert(&mut **tx, &origin, &open).await?;
            let flagged = Entry::new(
                m.alert_guild_id,
                m.at,
                Actor::Young(pseudonym.as_str().to_owned()),
                Action::AlertFlagged,
            )
            .about(Subject::Alert(alert_id))
            .in_channel(m.channel_id)
            .severity(open.severity.as_str())
            .categories(&join_categories(&scan.categories));
            journal::append(&mut **tx, &flagged).await?;
            let f = flag_in(alert_id);
            if existing.is_some() {
                flags::update(&mut **tx, &f).await?;
            } else {
                flags::insert(&mut **tx, &f).await?;
            }
            for effect in open.effects(alert_id) {
                let priority = effect.priority(open.severity);
                outbox::enqueue(&mut **tx, &effect, priority, m.at).await?;
            }
            Ok(Some(Handled::Flagged {
                alert_id,
                new: true,
            }))
        }
        Intake::Join(change) => {
            if !flags::insert(&mut **tx, &flag_in(change.alert.id)).await? {
                return Ok(Some(Handled::Unchanged));
            }
            Ok(apply_change(tx, &change, m.at)
                .await?
                .then_some(Handled::Flagged {
                    alert_id: change.alert.id,
                    new: false,
                }))
        }
        Intake::Raise(change) => {
            flags::update(&mut **tx, &flag_in(change.alert.id)).await?;
            Ok(apply_change(tx, &change, m.at)
                .await?
                .then_some(Handled::Flagged {
                    alert_id: change.alert.id,
                    new: false,
                }))
        }
    }
}
