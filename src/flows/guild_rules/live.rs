//! The compiled rule sets of the guilds, as the running bot scans with them: one small set per
//! guild that added rules, swapped whole (an `Arc` behind a lock held only to clone or replace
//! it), so a scan never sees half a change and never waits on a compile.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::safety::RuleSet;

/// One guild's compiled rules at one version of its counter.
#[derive(Debug)]
pub struct GuildSet {
    pub version: i64,
    /// `None` when the guild has no active rule (all removed).
    pub rules: Option<Arc<RuleSet>>,
}

/// Every guild's compiled set.
#[derive(Debug, Default)]
pub struct LiveRules {
    sets: RwLock<HashMap<u64, Arc<GuildSet>>>,
}

impl LiveRules {
    /// The guild's current set, if it has one.
    pub fn get(&self, guild_id: u64) -> Option<Arc<GuildSet>> {
        self.sets
            .read()
            .ok()
            .and_then(|sets| sets.get(&guild_id).cloned())
    }

    /// The version the guild's current set was compiled at.
    pub fn version(&self, guild_id: u64) -> Option<i64> {
        self.get(guild_id).map(|s| s.version)
    }

    /// Puts `set` in place, unless a set of a later version is there already (two refreshes
    /// that raced: the later one wins whatever order they finish in). True when swapped.
    pub fn swap(&self, guild_id: u64, set: GuildSet) -> bool {
        let Ok(mut sets) = self.sets.write() else {
            return false;
        };
        if sets.get(&guild_id).is_some_and(|s| s.version > set.version) {
            return false;
        }
        sets.insert(guild_id, Arc::new(set));
        true
    }
}
