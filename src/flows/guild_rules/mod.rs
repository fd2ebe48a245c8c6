//! A guild's own keyword rules (`/motcle`): adding one (tried on the labelled harmless lines
//! first; confirmed by the coordinator when it would flag some), removing, listing, the rule
//! file, and keeping every process's compiled sets current.
//!
//! Each change of a guild's active rules raises its version in the same transaction; every
//! process polls the versions (the `guild_rules` job, every second) and recompiles a guild
//! whose version moved, so a change made in one process reaches the others within seconds.
//! The process that made the change recompiles at once.

mod live;

use std::sync::Arc;
use std::time::Instant;

use tracing::{info, warn};

use crate::bot::Bot;
use crate::domain::guild_rules::{self as domain, same_term, GuildRule, NewRule, Status};
use crate::safety::Scan;
use crate::store::{guild_rules as store, Db};

pub use live::{GuildSet, LiveRules};

/// What `/motcle ajouter` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Saved and active.
    Saved(i64),
    /// It would flag these labelled harmless lines: stored as pending until confirmed.
    Confirm { id: i64, lines: Vec<&'static str> },
    /// The guild has this term already.
    Exists,
}

/// Adds a checked rule for a guild: active at once when it flags no labelled harmless line,
/// else pending until [`confirm`].
pub async fn add(
    bot: &Bot,
    guild_id: u64,
    by: u64,
    rule: &NewRule,
    now: i64,
) -> anyhow::Result<Added> {
    let active = store::of_guild(bot.db.pool(), guild_id, Status::Active).await?;
    if active
        .iter()
        .any(|r| r.rule.kind == rule.kind && same_term(rule.kind, &r.rule.term, &rule.term))
    {
        return Ok(Added::Exists);
    }
    let lines = domain::would_flag(rule);
    if !lines.is_empty() {
        let id = store::insert(bot.db.pool(), guild_id, rule, Status::Pending, by, now).await?;
        return Ok(Added::Confirm { id, lines });
    }
    let mut tx = bot.db.begin().await?;
    let id = store::insert(&mut *tx, guild_id, rule, Status::Active, by, now).await?;
    store::bump_version(&mut *tx, guild_id).await?;
    tx.commit().await?;
    refresh_guild(bot, guild_id).await?;
    Ok(Added::Saved(id))
}

/// How long a rule waits for its confirmation: the harmless lines it was shown against, and
/// the guild's other rules, may have changed since.
pub const CONFIRM_WITHIN_MS: i64 = 3_600_000;

/// Confirms a pending rule of `guild_id`; `None` when there is no such pending rule (confirmed
/// already, asked over an hour ago, or another guild's).
pub async fn confirm(
    bot: &Bot,
    guild_id: u64,
    id: i64,
    now: i64,
) -> anyhow::Result<Option<GuildRule>> {
    let mut tx = bot.db.begin().await?;
    let Some(rule) = store::get(&mut *tx, id).await? else {
        return Ok(None);
    };
    if rule.guild_id != guild_id
        || now - rule.added_at > CONFIRM_WITHIN_MS
        || !store::activate(&mut *tx, id).await?
    {
        return Ok(None);
    }
    store::bump_version(&mut *tx, guild_id).await?;
    tx.commit().await?;
    refresh_guild(bot, guild_id).await?;
    Ok(Some(rule))
}

/// Removes the guild's active rule for `term` (a term compared by its normalised text, a
/// regex between slashes as written); `None` when the guild has no such rule.
pub async fn remove(
    bot: &Bot,
    guild_id: u64,
    term: &str,
    by: u64,
    now: i64,
) -> anyhow::Result<Option<GuildRule>> {
    let (kind, term) = match domain::parse_term(term) {
        Ok(parsed) => parsed,
        // Nothing so malformed was ever added.
        Err(_) => return Ok(None),
    };
    let mut tx = bot.db.begin().await?;
    let active = store::of_guild(&mut *tx, guild_id, Status::Active).await?;
    let Some(rule) = active
        .into_iter()
        .find(|r| r.rule.kind == kind && same_term(kind, &r.rule.term, &term))
    else {
        return Ok(None);
    };
    if !store::remove(&mut *tx, rule.id, by, now).await? {
        return Ok(None);
    }
    store::bump_version(&mut *tx, guild_id).await?;
    tx.commit().await?;
    refresh_guild(bot, guild_id).await?;
    Ok(Some(rule))
}

/// The guild's active rules, oldest first.
pub async fn list(db: &Db, guild_id: u64) -> anyhow::Result<Vec<GuildRule>> {
    store::of_guild(db.pool(), guild_id, Status::Active).await
}

/// The guild's active rules as a rule file in the shipped format.
pub async fn export(db: &Db, guild_id: u64) -> anyhow::Result<String> {
    Ok(domain::to_toml(guild_id, &list(db, guild_id).await?))
}

/// What detection finds in `text` for `guild_id`, explained: the shipped rules and the
/// guild's own, every exception listed.
pub fn explain(bot: &Bot, guild_id: Option<u64>, text: &str) -> Scan {
    let mut scan = bot.rules.explain(text);
    if let Some(rules) = guild_id
        .and_then(|g| bot.guild_rules.get(g))
        .and_then(|set| set.rules.as_ref().map(|r| r.explain(text)))
    {
        scan.merge(rules);
    }
    scan
}

/// Polls every guild's version and recompiles the guilds whose version moved; returns how
/// many were recompiled.
pub async fn refresh(bot: &Bot) -> anyhow::Result<usize> {
    let mut changed = 0;
    for (guild_id, version) in store::versions(bot.db.pool()).await? {
        if bot.guild_rules.version(guild_id) != Some(version) {
            load(bot, guild_id, version).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Recompiles one guild's set now (after a change made in this process).
pub async fn refresh_guild(bot: &Bot, guild_id: u64) -> anyhow::Result<()> {
    let version = store::versions(bot.db.pool())
        .await?
        .into_iter()
        .find(|(g, _)| *g == guild_id)
        .map_or(0, |(_, v)| v);
    load(bot, guild_id, version).await
}

/// Reads the guild's active rules (after its version: a change in between is picked up by
/// the next poll), compiles them apart from the shipped set and swaps them in.
async fn load(bot: &Bot, guild_id: u64, version: i64) -> anyhow::Result<()> {
    let rules = list(&bot.db, guild_id).await?;
    let started = Instant::now();
    let compiled = if rules.is_empty() {
        None
    } else {
        match domain::compile(guild_id, &rules) {
            Ok(set) => Some(Arc::new(set)),
            Err(e) => {
                // Every rule was checked when added; keep the current set rather than none,
                // under this version so that it is not retried every second.
                warn!(guild_id, version, error = %e, "a guild's rules do not compile");
                bot.guild_rules
                    .get(guild_id)
                    .and_then(|set| set.rules.clone())
            }
        }
    };
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if bot.guild_rules.swap(
        guild_id,
        GuildSet {
            version,
            rules: compiled,
        },
    ) {
        info!(
            guild_id,
            version,
            rules = rules.len(),
            compile_ms = ms,
            "guild rules in place"
        );
    }
    Ok(())
}
