//! Resources: keeping what a modal held (a draft), turning a draft and its themes into a new
//! or edited resource, retiring one, finding them. Each change is saved with its effect on the
//! posted embed and its journal entry (who acted, by id), in one transaction; the delivery worker
//! then posts, edits or deletes the embed.

use crate::bot::Bot;
use crate::domain::effects::RESOURCE_PRIORITY;
use crate::domain::journal::{Action, Actor, Entry, Subject};
use crate::domain::resources::{
    self, parse_themes, ChangeError, Draft, FieldError, Fields, Resource, DRAFT_TTL_MS,
};
use crate::store::resources::{self as store, NewResource};
use crate::store::{journal, outbox, Tx};

/// Why a resource action did not happen; each has its own prompt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error("resource {0}: {1}")]
    Change(i64, ChangeError),
    #[error("the draft is gone")]
    DraftExpired,
    #[error("resource {0} changed meanwhile")]
    ChangedMeanwhile(i64),
}

/// What a finished draft became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    Added(Resource),
    Edited(Resource),
}

/// Keeps what a modal held, valid or not, for `DRAFT_TTL_MS`; forgets older drafts.
pub async fn keep_draft(
    bot: &Bot,
    guild: u64,
    user: u64,
    resource_id: Option<i64>,
    fields: &Fields,
    now: i64,
) -> anyhow::Result<i64> {
    store::purge_drafts(bot.db.pool(), now - DRAFT_TTL_MS).await?;
    store::insert_draft(bot.db.pool(), guild, user, resource_id, fields, now).await
}

/// A draft of `user` in `guild`, while it is kept.
pub async fn draft(bot: &Bot, guild: u64, user: u64, id: i64) -> anyhow::Result<Option<Draft>> {
    Ok(store::draft(bot.db.pool(), id, user)
        .await?
        .filter(|d| d.guild_id == guild))
}

/// Saves draft `draft_id` of `user` with the themes picked: a new resource, or the edit of the
/// resource it was opened for. The draft is consumed.
pub async fn finish<S: AsRef<str>>(
    bot: &Bot,
    guild: u64,
    user: u64,
    draft_id: i64,
    picked: &[S],
    now: i64,
) -> anyhow::Result<Result<Finished, Refusal>> {
    let Some(d) = draft(bot, guild, user, draft_id).await? else {
        return Ok(Err(Refusal::DraftExpired));
    };
    let fields = match d.fields.validate() {
        Ok(f) => f,
        Err(e) => return Ok(Err(e.into())),
    };
    let themes = match parse_themes(picked) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e.into())),
    };
    let mut tx = bot.db.begin().await?;
    let finished = match d.resource_id {
        None => {
            let new = NewResource {
                guild_id: guild,
                fields: &fields,
                themes: &themes,
                author_id: user,
                now,
            };
            let id = store::insert(&mut *tx, &new).await?;
            let effect = resources::post_effect(id);
            outbox::enqueue(&mut *tx, &effect, RESOURCE_PRIORITY, now).await?;
            let saved = store::get(&mut *tx, id).await?;
            Finished::Added(saved.ok_or_else(|| anyhow::anyhow!("resource {id} vanished"))?)
        }
        Some(id) => {
            let current = match store::get(&mut *tx, id).await? {
                Some(r) => r,
                None => return Ok(Err(Refusal::Change(id, ChangeError::NotFound))),
            };
            if let Err(e) = current.usable_in(guild) {
                return Ok(Err(Refusal::Change(id, e)));
            }
            let (edited, effect) = match current.edit(&fields, themes, now) {
                Ok(done) => done,
                Err(e) => return Ok(Err(Refusal::Change(id, e))),
            };
            if !store::save(&mut *tx, &edited).await? {
                return Ok(Err(Refusal::ChangedMeanwhile(id)));
            }
            outbox::enqueue(&mut *tx, &effect, RESOURCE_PRIORITY, now).await?;
            Finished::Edited(edited)
        }
    };
    let (action, r) = match &finished {
        Finished::Added(r) => (Action::ResourceAdded, r),
        Finished::Edited(r) => (Action::ResourceEdited, r),
    };
    log_action(&mut tx, bot, r, user, action, now).await?;
    store::delete_draft(&mut *tx, draft_id).await?;
    tx.commit().await?;
    bot.outbox_ready.notify_one();
    Ok(Ok(finished))
}

/// Retires resource `id` of `guild`: its embed is deleted, its row kept.
pub async fn retire(
    bot: &Bot,
    guild: u64,
    staff: u64,
    id: i64,
    now: i64,
) -> anyhow::Result<Result<Resource, Refusal>> {
    let mut tx = bot.db.begin().await?;
    let Some(current) = store::get(&mut *tx, id).await? else {
        return Ok(Err(Refusal::Change(id, ChangeError::NotFound)));
    };
    if let Err(e) = current.usable_in(guild) {
        return Ok(Err(Refusal::Change(id, e)));
    }
    let (retired, effect) = match current.retire(staff, now) {
        Ok(done) => done,
        Err(e) => return Ok(Err(Refusal::Change(id, e))),
    };
    if !store::save(&mut *tx, &retired).await? {
        return Ok(Err(Refusal::ChangedMeanwhile(id)));
    }
    outbox::enqueue(&mut *tx, &effect, RESOURCE_PRIORITY, now).await?;
    log_action(&mut tx, bot, &retired, staff, Action::ResourceRetired, now).await?;
    tx.commit().await?;
    bot.outbox_ready.notify_one();
    Ok(Ok(retired))
}

/// The journal's entry for a staff action on a resource.
async fn log_action(
    tx: &mut Tx,
    bot: &Bot,
    r: &Resource,
    staff: u64,
    action: Action,
    now: i64,
) -> anyhow::Result<()> {
    let mut entry = Entry::new(Some(r.guild_id), now, Actor::Staff(staff), action)
        .about(Subject::Resource(r.id));
    if let Some(channel) = bot
        .config
        .guild(r.guild_id)
        .and_then(|g| g.resources_channel)
    {
        entry = entry.in_channel(channel.0);
    }
    journal::append(&mut **tx, &entry).await?;
    Ok(())
}

/// The guild's active resources.
pub async fn active(bot: &Bot, guild: u64) -> anyhow::Result<Vec<Resource>> {
    store::active_of_guild(bot.db.pool(), guild).await
}

/// The active resource of `guild` that `typed` names: its number (`12`, `#12`, or an
/// autocomplete choice's value) or, failing that, the best title match.
pub async fn find(
    bot: &Bot,
    guild: u64,
    typed: &str,
    lang: crate::prompts::Lang,
) -> anyhow::Result<Option<Resource>> {
    let all = active(bot, guild).await?;
    let wanted = typed.trim().trim_start_matches('#');
    if let Ok(id) = wanted.parse::<i64>() {
        return Ok(all.into_iter().find(|r| r.id == id));
    }
    let best = resources::search::search(&all, typed, lang, 1)
        .first()
        .map(|h| h.resource.id);
    Ok(best.and_then(|id| all.into_iter().find(|r| r.id == id)))
}
