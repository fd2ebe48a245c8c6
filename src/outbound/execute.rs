//! Carrying out one effect on Discord, rendered from the state current at delivery time.

use tracing::info;

use crate::bot::Bot;
use crate::domain::alerts::{Alert, AlertStatus, Flag, HelplineStatus};
use crate::domain::effects::Effect;
use crate::domain::helpline::{CardKind, DEFAULT_TIME_ZONE};
use crate::flows;
use crate::prompts;
use crate::store::{alerts as alert_store, flags, now_ms};

use super::render;
use super::resources;
use super::rest::{Rest, RestError, CANNOT_DM_USER};

/// Why a delivery did not happen.
#[derive(Debug)]
pub enum Failure {
    /// Try again later (rate limit, Discord or network trouble, a prerequisite not yet done).
    Retry(RestError),
    /// Never retry (Discord refused for good, the alert is gone).
    Permanent(String),
}

impl From<RestError> for Failure {
    fn from(e: RestError) -> Failure {
        match e {
            RestError::Refused { .. } => Failure::Permanent(e.to_string()),
            other => Failure::Retry(other),
        }
    }
}

pub(super) fn db_failure(e: anyhow::Error) -> Failure {
    Failure::Retry(RestError::Transient(format!("database: {e:#}")))
}

pub async fn execute(bot: &Bot, rest: &Rest, effect: &Effect) -> Result<(), Failure> {
    match *effect {
        Effect::PostAlert { alert_id } => post_alert(bot, rest, alert_id).await,
        Effect::RefreshAlert { alert_id, .. } => refresh_alert(bot, rest, alert_id).await,
        Effect::HelplineCard { alert_id } => helpline(bot, rest, alert_id).await,
        Effect::Escalate { alert_id, step } => escalate(bot, rest, alert_id, step).await,
        Effect::QuestionThread { .. }
        | Effect::RefreshQuestion { .. }
        | Effect::RelayIn { .. }
        | Effect::RelayOut { .. }
        | Effect::QuestionNotice { .. }
        | Effect::QuestionNudge { .. } => super::questions::execute(bot, rest, effect).await,
        Effect::AnnouncePermanence { slot_id, start_ms } => {
            super::permanences::announce(bot, rest, slot_id, start_ms).await
        }
        Effect::CreatePermanenceEvent { slot_id, start_ms } => {
            super::permanences::create_event(bot, rest, slot_id, start_ms).await
        }
        Effect::DeletePermanenceEvent { slot_id, start_ms } => {
            super::permanences::delete_event(bot, rest, slot_id, start_ms).await
        }
        Effect::PostResource { resource_id } => resources::post(bot, rest, resource_id).await,
        Effect::RefreshResource { resource_id, .. } => {
            resources::refresh(bot, rest, resource_id).await
        }
        Effect::DeleteResource { resource_id } => resources::delete(bot, rest, resource_id).await,
        Effect::AlertErased { alert_id } => alert_erased(bot, rest, alert_id).await,
        Effect::PostDigest { guild_id, ref week } => {
            super::digest::post(bot, rest, guild_id, week).await
        }
    }
}

/// An alert closed by an erasure: its promeneur (or the alert channel) is told, in reply to
/// the alert, without any content.
async fn alert_erased(bot: &Bot, rest: &Rest, alert_id: i64) -> Result<(), Failure> {
    let a = load(bot, alert_id).await?;
    let gc = a.guild_id.and_then(|g| bot.config.guild(g));
    let Some(channel) = a.alert_channel_id.or(gc.map(|g| g.alert_channel.0)) else {
        return Err(Failure::Permanent("no alert channel for this alert".into()));
    };
    let lang = render::lang_for(gc);
    let text = prompts::rights_alert_erased(lang, alert_id, a.state.taken_by);
    let msg = render::erased_notice(text, a.state.taken_by, alert_id);
    rest.create_message(channel, &msg).await?;
    info!(alert_id, "erased alert's promeneur told");
    Ok(())
}

async fn load(bot: &Bot, alert_id: i64) -> Result<Alert, Failure> {
    alert_store::get(bot.db.pool(), alert_id)
        .await
        .map_err(db_failure)?
        .ok_or_else(|| Failure::Permanent(format!("alert {alert_id} no longer exists")))
}

async fn load_flags(bot: &Bot, alert_id: i64) -> Result<Vec<Flag>, Failure> {
    flags::of_alert(bot.db.pool(), alert_id)
        .await
        .map_err(db_failure)
}

async fn post_alert(bot: &Bot, rest: &Rest, alert_id: i64) -> Result<(), Failure> {
    let a = load(bot, alert_id).await?;
    if a.alert_message_id.is_some() {
        return Ok(()); // already posted (an earlier attempt recorded it)
    }
    let gc = a.guild_id.and_then(|g| bot.config.guild(g));
    let Some(channel) = a.alert_channel_id.or(gc.map(|g| g.alert_channel.0)) else {
        return Err(Failure::Permanent("no alert channel for this alert".into()));
    };
    let flags = load_flags(bot, alert_id).await?;
    let anonymous = a.anonymous;
    // Routed when it is sent: the promeneurs on duty at delivery time, else the role.
    let on_duty = match a.guild_id {
        Some(g) => flows::permanences::on_duty(bot, g, now_ms())
            .await
            .map_err(db_failure)?
            .on_duty_now(),
        None => Vec::new(),
    };
    let lang = render::lang_for(gc);
    let mut msg = render::alert_message(lang, gc, &a, &flags, &on_duty, anonymous);
    if let Some(more) = alert_resources(bot, lang, &a).await {
        msg = msg.add_embed(more);
    }
    let id = rest.create_message(channel, &msg).await?;
    flows::alerts::delivered(bot, &a, channel, id, now_ms())
        .await
        .map_err(db_failure)?;
    info!(
        alert_id,
        latency_ms = now_ms() - a.state.flagged_at,
        "alert delivered"
    );
    Ok(())
}

async fn refresh_alert(bot: &Bot, rest: &Rest, alert_id: i64) -> Result<(), Failure> {
    let a = load(bot, alert_id).await?;
    let (Some(channel), Some(message)) = (a.alert_channel_id, a.alert_message_id) else {
        // Not posted yet: the post will show the current state; retry in case it is pending.
        return if a.delivered_at.is_none() {
            Err(Failure::Retry(RestError::Transient(
                "alert not posted yet".into(),
            )))
        } else {
            Ok(())
        };
    };
    let gc = a.guild_id.and_then(|g| bot.config.guild(g));
    let lang = render::lang_for(gc);
    let started = now_ms();
    let packed = alert_store::on_message(bot.db.pool(), channel, message)
        .await
        .map_err(db_failure)?;
    if packed.len() > 1 {
        // A pack: the whole message is rendered again, every alert as it now is.
        let loaded = load_pack(bot, packed).await?;
        let items = pack_items(&loaded);
        rest.edit_message(channel, message, &render::pack_edit(lang, &items))
            .await?;
        // The other alerts of the pack were shown as they are now: their refreshes written
        // before this render (a second's margin for transactions still committing) are done.
        let others: Vec<i64> = loaded
            .iter()
            .map(|(a, _, _)| a.id)
            .filter(|&id| id != alert_id)
            .collect();
        if let Err(e) =
            crate::store::outbox::settle_refreshes(bot.db.pool(), &others, started - 1000, now_ms())
                .await
        {
            tracing::warn!(error = %format!("{e:#}"), "settling the pack's other refreshes failed");
        }
        return Ok(());
    }
    let flags = load_flags(bot, alert_id).await?;
    let anonymous = a.anonymous;
    let mut edit = render::alert_edit(lang, &a, &flags, anonymous);
    if let Some(more) = alert_resources(bot, lang, &a).await {
        edit = edit.add_embed(more);
    }
    rest.edit_message(channel, message, &edit).await?;
    Ok(())
}

/// The channel an alert not yet posted goes to; `None` when it is posted, gone, or has none.
pub async fn pending_alert_channel(bot: &Bot, alert_id: i64) -> anyhow::Result<Option<u64>> {
    let Some(a) = alert_store::get(bot.db.pool(), alert_id).await? else {
        return Ok(None);
    };
    if a.alert_message_id.is_some() {
        return Ok(None);
    }
    let gc = a.guild_id.and_then(|g| bot.config.guild(g));
    Ok(a.alert_channel_id.or(gc.map(|g| g.alert_channel.0)))
}

/// Posts alerts that piled up for `channel` as one message (at most [`render::PACK_MAX`]),
/// gravest first, and records that message as each one's. Alerts already posted are left
/// out; one left alone is posted as usual.
pub async fn post_pack(
    bot: &Bot,
    rest: &Rest,
    channel: u64,
    alert_ids: &[i64],
) -> Result<(), Failure> {
    let mut alerts = Vec::with_capacity(alert_ids.len());
    for &id in alert_ids {
        match alert_store::get(bot.db.pool(), id)
            .await
            .map_err(db_failure)?
        {
            Some(a) if a.alert_message_id.is_none() => alerts.push(a),
            _ => {} // gone, or posted by an earlier attempt
        }
    }
    match alerts.len() {
        0 => return Ok(()),
        1 => return post_alert(bot, rest, alerts[0].id).await,
        _ => {}
    }
    let loaded = load_pack(bot, alerts).await?;
    let first = &loaded[0].0;
    let gc = first.guild_id.and_then(|g| bot.config.guild(g));
    let on_duty = match first.guild_id {
        Some(g) => flows::permanences::on_duty(bot, g, now_ms())
            .await
            .map_err(db_failure)?
            .on_duty_now(),
        None => Vec::new(),
    };
    let lang = render::lang_for(gc);
    let items = pack_items(&loaded);
    let msg = render::pack_message(lang, gc, &items, &on_duty);
    let id = rest.create_message(channel, &msg).await?;
    let now = now_ms();
    for (a, _, _) in &loaded {
        flows::alerts::delivered(bot, a, channel, id, now)
            .await
            .map_err(db_failure)?;
        info!(
            alert_id = a.id,
            packed = loaded.len(),
            latency_ms = now - a.state.flagged_at,
            "alert delivered"
        );
    }
    Ok(())
}

/// The alerts of a pack with their flags, gravest first, then oldest.
async fn load_pack(
    bot: &Bot,
    alerts: Vec<Alert>,
) -> Result<Vec<(Alert, Vec<Flag>, bool)>, Failure> {
    let mut loaded = Vec::with_capacity(alerts.len());
    for a in alerts.into_iter().take(render::PACK_MAX) {
        let flags = load_flags(bot, a.id).await?;
        let anonymous = a.anonymous;
        loaded.push((a, flags, anonymous));
    }
    loaded.sort_by_key(|(a, _, _)| (std::cmp::Reverse(a.severity), a.id));
    Ok(loaded)
}

fn pack_items(loaded: &[(Alert, Vec<Flag>, bool)]) -> Vec<render::PackItem<'_>> {
    loaded
        .iter()
        .map(|(alert, flags, anonymous)| render::PackItem {
            alert,
            flags,
            anonymous: *anonymous,
        })
        .collect()
}

/// The resources of the alert's categories, as a second embed under it.
async fn alert_resources(
    bot: &Bot,
    lang: prompts::Lang,
    a: &Alert,
) -> Option<poise::serenity_prelude::CreateEmbed> {
    let categories: Vec<_> = a.categories.iter().copied().collect();
    let links = resources::for_alert(bot, a.guild_id, &categories).await;
    resources::alert_embed(lang, &links)
}

async fn helpline(bot: &Bot, rest: &Rest, alert_id: i64) -> Result<(), Failure> {
    let a = load(bot, alert_id).await?;
    let gc = a.guild_id.and_then(|g| bot.config.guild(g));
    let lang = render::lang_for(gc);
    let tz = gc.map(|g| g.tz).unwrap_or(DEFAULT_TIME_ZONE);
    let categories: Vec<_> = a.categories.iter().copied().collect();
    // The young person who confided, the one targeted (never the aggressor), or the friend
    // who worried; nobody when an aggression's target is unknown.
    let Some((recipient, kind)) = a.card_recipient() else {
        return Ok(());
    };
    let policy = &bot.config.alerts.helpline;
    let services = match kind {
        CardKind::Targeted => policy.targeted_card(&categories, now_ms(), tz),
        CardKind::Disclosure | CardKind::Friend => match policy.card(&categories, now_ms(), tz) {
            Some(s) => s,
            None => return Ok(()),
        },
    };
    let text = prompts::helpline_card(lang, kind, &services);
    let links = resources::for_alert(bot, a.guild_id, &categories).await;
    let text = resources::card_with_resources(lang, text, &links);
    let result = async {
        let dm = rest.dm_channel(recipient).await?;
        rest.create_message(dm, &render::helpline_message(text, alert_id))
            .await
    }
    .await;
    let status = match &result {
        Ok(_) => HelplineStatus::Sent,
        Err(RestError::Refused { code, .. }) if *code == CANNOT_DM_USER => HelplineStatus::Refused,
        Err(RestError::Refused { .. }) => HelplineStatus::Failed,
        Err(e) => return Err(Failure::Retry(e.clone())),
    };
    flows::helpline::record(bot, alert_id, status, now_ms())
        .await
        .map_err(db_failure)
}

async fn escalate(bot: &Bot, rest: &Rest, alert_id: i64, step: i64) -> Result<(), Failure> {
    let a = load(bot, alert_id).await?;
    if a.status() != AlertStatus::Open {
        return Ok(()); // taken meanwhile: no reminder
    }
    let Some(gc) = a.guild_id.and_then(|g| bot.config.guild(g)) else {
        return Err(Failure::Permanent("alert of an unconfigured guild".into()));
    };
    let channel = gc.coordination_channel.unwrap_or(gc.alert_channel).0;
    let url = match (a.alert_channel_id, a.alert_message_id) {
        (Some(c), Some(m)) => render::message_url(Some(gc.id.0), c, m),
        _ => render::message_url(Some(gc.id.0), a.channel_id, 0),
    };
    let role = gc.coordinator_role.map(|r| r.0);
    let categories: Vec<_> = a.categories.iter().copied().collect();
    let text = prompts::escalation_message(
        gc.language,
        role.unwrap_or(gc.promeneur_role.0),
        a.severity,
        &categories,
        now_ms() - a.state.flagged_at,
        &url,
    );
    let msg = render::escalation_message(text, role.or(Some(gc.promeneur_role.0)), alert_id, step);
    rest.create_message(channel, &msg).await?;
    info!(alert_id, step, "alert escalated");
    Ok(())
}
