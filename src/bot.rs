//! `Bot`: everything the flows need (configuration, database, rules, pseudonym key), with no
//! Discord type in sight, so integration tests drive the flows directly on a real database.

use std::sync::Arc;

use tokio::sync::{Mutex, Notify};

use crate::config::Config;
use crate::domain::alerts::{BurstPolicy, EscalationPolicy, IntakePolicy};
use crate::domain::pseudonym::PseudonymKey;
use crate::safety::RuleSet;
use crate::store::Db;

/// Shared state of a running bot (behind an `Arc`).
pub struct Bot {
    pub config: Arc<Config>,
    pub db: Db,
    pub rules: Arc<RuleSet>,
    /// Each guild's own rules (`/motcle`), compiled apart and swapped in while running.
    pub guild_rules: crate::flows::guild_rules::LiveRules,
    pub pseudonyms: PseudonymKey,
    pub escalation: EscalationPolicy,
    pub burst: BurstPolicy,
    /// Wakes the delivery worker as soon as an effect is stored.
    pub outbox_ready: Notify,
    /// Who has been talking in each channel lately (authors and times only).
    pub conversations: crate::flows::conversations::Conversations,
    /// Serialises the flag path of this process, so a burst of messages from one young person
    /// arriving at once joins one alert instead of racing into two.
    pub flag_lock: Mutex<()>,
    /// The gateway shards this process runs, once `App::run` has decided them (the catch-up
    /// after a new session reads only their guilds' channels).
    pub shards: std::sync::OnceLock<crate::config::Shards>,
}

impl Bot {
    /// The policies a flagged message's intake follows.
    pub fn intake_policy(&self) -> IntakePolicy<'_> {
        IntakePolicy {
            burst: &self.burst,
            escalation: &self.escalation,
            helpline: &self.config.alerts.helpline,
        }
    }

    /// Scans a message with the shipped rules and, for a guild, its own rules: flagged when
    /// either flags.
    pub fn scan(&self, guild_id: Option<u64>, text: &str) -> crate::safety::Scan {
        self.with_guild_rules(guild_id, text, self.rules.scan(text))
    }

    /// [`Bot::scan`] and the message's conversation cues, from one normalisation.
    pub fn scan_turn(
        &self,
        guild_id: Option<u64>,
        text: &str,
    ) -> (crate::safety::Scan, crate::safety::stance::TurnCues) {
        let (scan, cues) = self.rules.scan_turn(text);
        (self.with_guild_rules(guild_id, text, scan), cues)
    }

    /// `scan` (the shipped rules') with the guild's own rules' scan of `text` merged in.
    fn with_guild_rules(
        &self,
        guild_id: Option<u64>,
        text: &str,
        mut scan: crate::safety::Scan,
    ) -> crate::safety::Scan {
        if let Some(rules) = guild_id
            .and_then(|g| self.guild_rules.get(g))
            .and_then(|set| set.rules.as_ref().map(|r| r.scan(text)))
        {
            scan.merge(rules);
        }
        scan
    }

    pub fn new(config: Arc<Config>, db: Db, rules: Arc<RuleSet>, pseudonyms: PseudonymKey) -> Bot {
        let escalation = config.alerts.escalation.clone();
        let burst = BurstPolicy {
            window: config.alerts.burst_window,
        };
        Bot {
            config,
            db,
            rules,
            guild_rules: Default::default(),
            pseudonyms,
            escalation,
            burst,
            outbox_ready: Notify::new(),
            conversations: Default::default(),
            flag_lock: Mutex::new(()),
            shards: Default::default(),
        }
    }
}
