//! `/permanence ajouter|exception|retirer` (staff), `/permanences` and `/qui-est-la` (anyone).
//! Thin: options -> flow -> prompt -> ephemeral reply, with no pings (mentions show names).

use poise::serenity_prelude as serenity;

use crate::domain::permanences::{NewException, NewSlot, Slot};
use crate::flows::permanences::{self as flow, Promeneur};
use crate::prompts::{self, Lang};
use crate::store::now_ms;

use super::super::{Context, Error};
use super::aide::lang_of;
use super::alerte::staff_guard;
use super::private::reply;

/// `/permanence`: the promeneurs' weekly office hours (staff).
#[poise::command(
    slash_command,
    guild_only,
    subcommands("ajouter", "exception", "retirer"),
    subcommand_required
)]
pub async fn permanence(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// `/permanence ajouter jour debut fin [promeneur] [lieu]`: a weekly slot.
#[poise::command(slash_command, guild_only)]
pub async fn ajouter(
    ctx: Context<'_>,
    #[max_length = 20] jour: String,
    #[max_length = 10] debut: String,
    #[max_length = 10] fin: String,
    promeneur: Option<serenity::User>,
    // Longer than the 100 accepted, so an over-long place gets our message naming the option.
    #[max_length = 300] lieu: Option<String>,
) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let who = promeneur.as_ref().unwrap_or(ctx.author());
    let name = who.global_name.clone().unwrap_or_else(|| who.name.clone());
    let input = NewSlot {
        jour: &jour,
        debut: &debut,
        fin: &fin,
        lieu: lieu.as_deref(),
    };
    let result = flow::add(
        ctx.data(),
        gc.id.0,
        Promeneur {
            id: who.id.get(),
            name: &name,
        },
        input,
        ctx.author().id.get(),
        now_ms(),
    )
    .await?;
    let text = match result {
        Ok(slot) => prompts::permanence_added(lang, &slot_text(&slot)),
        Err(e) => prompts::permanence_error(lang, &e),
    };
    reply(ctx, text).await
}

/// `/permanence exception date [annulee] [debut] [fin] [numero]`: one day changed.
#[poise::command(slash_command, guild_only)]
pub async fn exception(
    ctx: Context<'_>,
    #[max_length = 20] date: String,
    annulee: Option<bool>,
    #[max_length = 10] debut: Option<String>,
    #[max_length = 10] fin: Option<String>,
    #[min = 1] numero: Option<i64>,
) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let input = NewException {
        date: &date,
        annulee: annulee.unwrap_or(false),
        debut: debut.as_deref(),
        fin: fin.as_deref(),
    };
    let result = flow::add_exception(
        ctx.data(),
        gc.id.0,
        numero,
        ctx.author().id.get(),
        input,
        now_ms(),
    )
    .await?;
    let text = match result {
        Ok((slot, e)) => match e.kind {
            crate::domain::permanences::ExceptionKind::Cancelled => {
                prompts::permanence_cancelled(lang, slot.id, e.date)
            }
            crate::domain::permanences::ExceptionKind::Moved { start, end } => {
                prompts::permanence_moved(lang, slot.id, e.date, start, end)
            }
        },
        Err(e) => prompts::permanence_error(lang, &e),
    };
    reply(ctx, text).await
}

/// `/permanence retirer numero`: the weekly slot stops.
#[poise::command(slash_command, guild_only)]
pub async fn retirer(ctx: Context<'_>, #[min = 1] numero: i64) -> Result<(), Error> {
    let Some((gc, lang)) = staff_guard(ctx).await? else {
        return Ok(());
    };
    let text =
        match flow::retire(ctx.data(), gc.id.0, numero, ctx.author().id.get(), now_ms()).await? {
            Ok(slot) => prompts::permanence_removed(lang, &slot_text(&slot)),
            Err(e) => prompts::permanence_error(lang, &e),
        };
    reply(ctx, text).await
}

/// The guild's id, time zone and language, for anyone in a configured guild.
fn guild_of(ctx: &Context<'_>) -> Option<(u64, chrono_tz::Tz, Lang)> {
    let gc = ctx
        .guild_id()
        .and_then(|g| ctx.data().config.guild(g.get()))?;
    Some((gc.id.0, gc.tz, gc.language))
}

/// `/permanences`: this week's and next week's permanences, with names.
#[poise::command(slash_command, guild_only)]
pub async fn permanences(ctx: Context<'_>) -> Result<(), Error> {
    let Some((guild, tz, lang)) = guild_of(&ctx) else {
        return reply(ctx, prompts::not_staff(lang_of(&ctx))).await;
    };
    let listed = flow::fortnight(ctx.data(), guild, now_ms()).await?;
    let items: Vec<prompts::ListedOccurrence<'_>> = listed
        .iter()
        .map(|(o, slot)| prompts::ListedOccurrence {
            id: slot.id,
            start_ms: o.start_ms,
            end_ms: o.end_ms,
            promeneur: o.promeneur_id,
            location: slot.location.as_deref(),
        })
        .collect();
    reply(ctx, prompts::permanence_list(lang, tz, &items)).await
}

/// `/qui-est-la`: who is on duty now, else the next permanence.
#[poise::command(slash_command, guild_only, rename = "qui-est-la")]
pub async fn qui_est_la(ctx: Context<'_>) -> Result<(), Error> {
    let Some((guild, tz, lang)) = guild_of(&ctx) else {
        return reply(ctx, prompts::not_staff(lang_of(&ctx))).await;
    };
    let on_duty = flow::on_duty(ctx.data(), guild, now_ms()).await?;
    reply(ctx, prompts::on_duty_sentence(lang, &on_duty, tz)).await
}

/// How a slot is named in the answers.
fn slot_text(slot: &Slot) -> prompts::SlotText<'_> {
    prompts::SlotText {
        id: slot.id,
        weekday: slot.weekday,
        start: slot.start,
        end: slot.end,
        promeneur: slot.promeneur_id,
        location: slot.location.as_deref(),
    }
}
