//! Who a flagged message is about, and who gets support.
//!
//! Detection reads the message's stance (a disclosure about oneself, an aggression aimed at
//! someone, a worry about a third person). This module adds the people around the message, as
//! the adapter saw them (mentions, the author of the message replied to, the one other person
//! the conversation is with), and decides whom the alert is about and who gets a card:
//! the young person targeted, never the aggressor.

use super::aggregate::Alert;
use crate::domain::helpline::CardKind;
use crate::safety::Stance;

/// The people around a message, as the adapter saw them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Around {
    pub author: u64,
    /// Users the message mentions (bots excluded), in order.
    pub mentions: Vec<u64>,
    /// The author of the message it replies to.
    pub reply_to: Option<u64>,
    /// The one other person the channel's recent conversation is with (see
    /// [`crate::safety::pile_on::conversation_partner`]).
    pub partner: Option<u64>,
}

impl Around {
    /// Whom the message names as its addressee: the first person it mentions, else the
    /// author of the message it replies to. Never its own author.
    pub fn named(&self) -> Option<u64> {
        let not_author = |id: &u64| *id != self.author;
        self.mentions
            .iter()
            .copied()
            .find(not_author)
            .or(self.reply_to.filter(not_author))
    }

    /// Whom the message is aimed at, as far as the people around it tell: the one it names,
    /// else the one other person the conversation is with.
    pub fn aimed_at(&self) -> Option<u64> {
        self.named().or(self.partner.filter(|p| *p != self.author))
    }
}

/// Whom a flagged message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub stance: Stance,
    /// The young person an aggression targets, when it can be told.
    pub target: Option<u64>,
    /// The young person the promeneurs should reach: the author of a disclosure or of a
    /// worry about someone, the target of an aggression; `None` for an aggression whose target
    /// is unknown (such alerts group by their author instead).
    pub subject: Option<u64>,
}

/// Reads whom a message is about: for an aggression, the target is the first person it
/// mentions, else the author of the message it replies to, else, when it speaks to someone
/// ("t'es..."), the one other person the conversation is with; unknown if none fits. Nobody
/// is their own target.
pub fn read(stance: Stance, addresses_someone: bool, around: &Around) -> Reading {
    match stance {
        Stance::Aggression => {
            let target = if addresses_someone {
                around.aimed_at()
            } else {
                around.named()
            };
            Reading {
                stance,
                target,
                subject: target,
            }
        }
        Stance::SelfDisclosure | Stance::ThirdParty => Reading {
            stance,
            target: None,
            subject: Some(around.author),
        },
    }
}

impl Alert {
    /// Who gets the helpline card, and which: the author of a disclosure, the young person an
    /// aggression targets (never its author; nobody when the target is unknown), the author
    /// of a worry about a friend.
    pub fn card_recipient(&self) -> Option<(u64, CardKind)> {
        match self.stance {
            Stance::SelfDisclosure => Some((self.author_id, CardKind::Disclosure)),
            Stance::Aggression => self.target_id.map(|t| (t, CardKind::Targeted)),
            Stance::ThirdParty => Some((self.author_id, CardKind::Friend)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMI: u64 = 1;
    const LEA: u64 = 2;
    const INES: u64 = 3;

    fn around(mentions: &[u64], reply_to: Option<u64>, partner: Option<u64>) -> Around {
        Around {
            author: SAMI,
            mentions: mentions.to_vec(),
            reply_to,
            partner,
        }
    }

    #[test]
    fn an_insult_with_a_mention_is_about_the_person_mentioned() {
        let r = read(Stance::Aggression, true, &around(&[LEA], None, Some(INES)));
        assert_eq!(r.target, Some(LEA));
        assert_eq!(r.subject, Some(LEA));
    }

    #[test]
    fn a_reply_insult_is_about_the_author_replied_to() {
        let r = read(Stance::Aggression, false, &around(&[], Some(LEA), None));
        assert_eq!(r.target, Some(LEA));
    }

    #[test]
    fn an_insult_spoken_to_the_one_conversation_partner_is_about_them() {
        let r = read(Stance::Aggression, true, &around(&[], None, Some(INES)));
        assert_eq!(r.target, Some(INES));
        // Without second-person address, the partner is not assumed to be the target.
        let r = read(Stance::Aggression, false, &around(&[], None, Some(INES)));
        assert_eq!(r.target, None);
    }

    #[test]
    fn an_aggression_with_no_one_to_aim_at_has_an_unknown_target_and_no_subject() {
        let r = read(Stance::Aggression, true, &around(&[SAMI], Some(SAMI), None));
        assert_eq!((r.target, r.subject), (None, None));
    }

    #[test]
    fn a_disclosure_or_a_worry_is_about_its_author() {
        for stance in [Stance::SelfDisclosure, Stance::ThirdParty] {
            let r = read(stance, true, &around(&[LEA], Some(INES), None));
            assert_eq!((r.target, r.subject), (None, Some(SAMI)));
        }
    }
}
