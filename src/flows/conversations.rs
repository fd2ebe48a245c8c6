//! Who has been talking in each channel lately, in memory: an aggression without a mention or
//! a reply ("t'es qu'une...") is aimed at the one other person the conversation is with, if
//! there is exactly one. Only authors and times are kept (never content), for a few minutes;
//! after a restart the memory is empty and such a target is simply unknown.
//!
//! Beside it, each channel's conversation stage (`promeneur_safety::pile_on`): the recent
//! messages that read even slightly aggressive (who, at whom, when, how much; never content),
//! which tells when several people pile on one young person.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::safety::pile_on::{self, conversation_partner, PileOn, Policy, Turn};

/// How far back a conversation counts.
pub const WINDOW_MS: i64 = pile_on::PARTNER_WINDOW_MS;
/// Messages remembered per channel.
const PER_CHANNEL: usize = 20;
/// Channels remembered; the least recently active are forgotten beyond this.
const CHANNELS: usize = 10_000;

/// Recent authors per channel.
#[derive(Debug, Default)]
pub struct Conversations {
    channels: Mutex<HashMap<u64, VecDeque<(u64, i64)>>>,
    /// Each channel's conversation stage.
    stages: Mutex<HashMap<u64, pile_on::Conversation>>,
}

impl Conversations {
    /// Notes that `author` wrote in `channel` at `at` (an edit is not a new turn) and returns
    /// the one other person the conversation is with, as it stood before this message.
    pub fn note(&self, channel: u64, author: u64, at: i64, edit: bool) -> Option<u64> {
        let mut channels = self
            .channels
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let recent = channels.entry(channel).or_default();
        let partner = conversation_partner(recent.make_contiguous(), author, at, WINDOW_MS);
        if !edit {
            recent.push_back((author, at));
            while recent.len() > PER_CHANNEL {
                recent.pop_front();
            }
        }
        if channels.len() > CHANNELS {
            // Forget the channels quiet for longest; cheap enough at this rare size.
            let horizon = at - WINDOW_MS;
            channels.retain(|_, r| r.back().is_some_and(|(_, t)| *t >= horizon));
        }
        partner
    }

    /// Notes one message in its channel's conversation stage: a pile-on when the aggression
    /// aimed at one person adds up (see `promeneur_safety::pile_on`).
    pub fn observe(&self, channel: u64, turn: Turn, policy: &Policy) -> Option<PileOn> {
        let mut stages = self
            .stages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if stages.len() > CHANNELS {
            stages.retain(|_, c| !c.is_quiet(turn.at_ms, policy));
        }
        stages.entry(channel).or_default().observe(turn, policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partner_is_the_other_person_of_a_two_person_conversation() {
        let c = Conversations::default();
        assert_eq!(c.note(1, 10, 0, false), None);
        assert_eq!(c.note(1, 20, 1_000, false), Some(10));
        assert_eq!(c.note(1, 10, 2_000, false), Some(20));
        // A third person joins: nobody can be told.
        assert_eq!(c.note(1, 30, 3_000, false), None);
        // Another channel is another conversation.
        assert_eq!(c.note(2, 10, 3_000, false), None);
    }
}
