//! Carrying out one effect on Discord, rendered from the state current at delivery time.

use tracing::info;

use crate::bot::Bot;
use crate::domain::effects::Effect;
use crate::domain::helpline::HelplinePolicy;
use crate::prompts;
use crate::store::alerts::{self as alert_store, AlertRow};
use crate::store::ids::from_db;
use crate::store::now_ms;

use super::render;
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

fn db_failure(e: anyhow::Error) -> Failure {
    Failure::Retry(RestError::Transient(format!("database: {e:#}")))
}

pub async fn execute(bot: &Bot, rest: &Rest, effect: &Effect) -> Result<(), Failure> {
    match *effect {
        Effect::PostAlert { alert_id } => post_alert(bot, rest, alert_id).await,
        Effect::RefreshAlert { alert_id } => refresh_alert(bot, rest, alert_id).await,
        Effect::HelplineCard { alert_id } => helpline(bot, rest, alert_id).await,
        Effect::Escalate { alert_id, step } => escalate(bot, rest, alert_id, step).await,
    }
}

async fn load(bot: &Bot, alert_id: i64) -> Result<AlertRow, Failure> {
    alert_store::get(bot.db.pool(), alert_id)
        .await
        .map_err(db_failure)?
        .ok_or_else(|| Failure::Permanent(format!("alert {alert_id} no longer exists")))
}

async fn post_alert(bot: &Bot, rest: &Rest, alert_id: i64) -> Result<(), Failure> {
    let a = load(bot, alert_id).await?;
    if a.alert_message_id.is_some() {
        return Ok(()); // already posted (an earlier attempt recorded it)
    }
    let gc = a.guild_id.and_then(|g| bot.config.guild(from_db(g)));
    let Some(channel) = a
        .alert_channel_id
        .map(from_db)
        .or(gc.map(|g| g.alert_channel.0))
    else {
        return Err(Failure::Permanent("no alert channel for this alert".into()));
    };
    let flags = alert_store::flags_of(bot.db.pool(), alert_id)
        .await
        .map_err(db_failure)?;
    let lang = render::lang_for(gc);
    let msg = render::alert_message(lang, gc, &a, &flags);
    let id = rest.create_message(channel, &msg).await?;
    alert_store::set_delivered(bot.db.pool(), alert_id, channel, id, now_ms())
        .await
        .map_err(db_failure)?;
    info!(
        alert_id,
        latency_ms = now_ms() - a.flagged_at,
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
    let gc = a.guild_id.and_then(|g| bot.config.guild(from_db(g)));
    let flags = alert_store::flags_of(bot.db.pool(), alert_id)
        .await
        .map_err(db_failure)?;
    let edit = render::alert_edit(render::lang_for(gc), &a, &flags);
    rest.edit_message(from_db(channel), from_db(message), &edit)
        .await?;
    Ok(())
}

async fn helpline(bot: &Bot, rest: &Rest, alert_id: i64) -> Result<(), Failure> {
    let a = load(bot, alert_id).await?;
    let gc = a.guild_id.and_then(|g| bot.config.guild(from_db(g)));
    let lang = render::lang_for(gc);
    let tz = gc.map(|g| g.tz).unwrap_or(chrono_tz::Europe::Paris);
    let policy = HelplinePolicy::from_ids(&bot.config.alerts.helpline_categories)
        .map_err(|e| Failure::Permanent(format!("helpline categories: {e}")))?;
    let categories = render::categories_of(&a.categories);
    let Some(services) = policy.card(&categories, now_ms(), tz) else {
        return Ok(());
    };
    let text = prompts::helpline_card(lang, &services);
    let user = from_db(a.author_id);
    let result = async {
        let dm = rest.dm_channel(user).await?;
        rest.create_message(dm, &render::helpline_message(text, alert_id))
            .await
    }
    .await;
    let status = match &result {
        Ok(_) => "sent",
        Err(RestError::Refused { code, .. }) if *code == CANNOT_DM_USER => "refused",
        Err(RestError::Refused { .. }) => "failed",
        Err(e) => return Err(Failure::Retry(e.clone())),
    };
    alert_store::set_helpline(bot.db.pool(), alert_id, status)
        .await
        .map_err(db_failure)?;
    if status != "sent" {
        // The promeneurs must know the young person did not get the card.
        let mut tx = bot.db.begin().await.map_err(db_failure)?;
        crate::flows::message::enqueue(
            &mut tx,
            &format!("alert:{alert_id}:helpline-{status}"),
            &Effect::RefreshAlert { alert_id },
            now_ms(),
        )
        .await
        .map_err(db_failure)?;
        tx.commit().await.map_err(|e| db_failure(e.into()))?;
        bot.outbox_ready.notify_one();
    }
    Ok(())
}

async fn escalate(bot: &Bot, rest: &Rest, alert_id: i64, step: i64) -> Result<(), Failure> {
    let a = load(bot, alert_id).await?;
    if a.status != "open" {
        return Ok(()); // taken meanwhile: no reminder
    }
    let gc = a.guild_id.and_then(|g| bot.config.guild(from_db(g)));
    let Some(gc) = gc else {
        return Err(Failure::Permanent("alert of an unconfigured guild".into()));
    };
    let channel = gc.coordination_channel.unwrap_or(gc.alert_channel).0;
    let url = match (a.alert_channel_id, a.alert_message_id) {
        (Some(c), Some(m)) => render::message_url(Some(gc.id.0), from_db(c), from_db(m)),
        _ => render::message_url(Some(gc.id.0), from_db(a.channel_id), 0),
    };
    let lang = gc.language;
    let role = gc.coordinator_role.map(|r| r.0);
    let text = prompts::escalation_message(
        lang,
        role.unwrap_or(gc.promeneur_role.0),
        render::severity_of(&a.severity),
        &render::categories_of(&a.categories),
        now_ms() - a.flagged_at,
        &url,
    );
    let msg = render::escalation_message(text, role.or(Some(gc.promeneur_role.0)), alert_id, step);
    rest.create_message(channel, &msg).await?;
    info!(alert_id, step, "alert escalated");
    Ok(())
}
