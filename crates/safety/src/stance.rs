//! Who a flagged message is about: the writer themselves (a disclosure), someone the writer is
//! attacking (aggression), or a third person the writer is worried about. The bot sends its
//! support to the right person from this: the young person targeted, never the aggressor.
//!
//! The reading looks at the message's frame, not its risk words: cues of second-person address
//! aimed at someone ("t'es qu'une...", "je vais te...") and of a third person ("ma pote se
//! fait...", "mon frère parle de..."), matched as whole words on the normalised text. The cue
//! lists live in `stance.toml` beside the rules, embedded at build time.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::{normalize, Category, Scan};

/// Who a flagged message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stance {
    /// The writer speaks about themselves ("on me harcèle", "je veux mourir").
    #[serde(rename = "self")]
    SelfDisclosure,
    /// The writer attacks or threatens someone ("t'es qu'une...", "je vais te défoncer").
    #[serde(rename = "aggression")]
    Aggression,
    /// The writer tells about someone else ("ma pote se fait harceler").
    #[serde(rename = "third_party")]
    ThirdParty,
}

impl Stance {
    pub const ALL: [Stance; 3] = [
        Stance::SelfDisclosure,
        Stance::Aggression,
        Stance::ThirdParty,
    ];

    /// The contract's id: `self`, `aggression`, `third_party`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::SelfDisclosure => "self",
            Stance::Aggression => "aggression",
            Stance::ThirdParty => "third_party",
        }
    }
}

impl std::fmt::Display for Stance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Stance {
    type Err = crate::UnknownId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stance::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| crate::UnknownId {
                kind: "stance",
                value: s.to_owned(),
                expected: &["self", "aggression", "third_party"],
            })
    }
}

/// The stance of a message and the cues it was read from (for `--explain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StanceReading {
    pub stance: Stance,
    /// Whether the message speaks to someone ("tu", "t'", "te", "toi", "you"): an aggression
    /// without a mention may be aimed at whoever the conversation is with.
    pub addresses_someone: bool,
    /// The cues found, as `kind: words` (e.g. `aggression: t es qu une`).
    pub cues: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cues {
    /// Words that aim a message at the person spoken to.
    aggression: Vec<String>,
    /// Words that make a message about a third person.
    third_party: Vec<String>,
    /// Words of second-person address.
    address: Vec<String>,
}

fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| {
        let file: Cues = toml::from_str(include_str!("../../../rules/stance.toml"))
            .unwrap_or_else(|e| panic!("rules/stance.toml is checked by the tests: {e}"));
        let norm = |list: Vec<String>| list.iter().map(|c| normalize(c)).collect();
        Cues {
            aggression: norm(file.aggression),
            third_party: norm(file.third_party),
            address: norm(file.address),
        }
    })
}

/// The cues of `list` present in `padded` (the normalised text between spaces).
fn found<'a>(padded: &str, list: &'a [String]) -> Vec<&'a str> {
    list.iter()
        .filter(|c| !c.is_empty() && padded.contains(&format!(" {c} ")))
        .map(String::as_str)
        .collect()
}

/// Reads who a flagged message is about. `scan` is the message's scan (its categories weigh:
/// an insult cue counts as aggression only in a message flagged for harassment, a threat or
/// self-harm wished on someone).
pub fn read_stance(text: &str, scan: &Scan) -> StanceReading {
    let padded = format!(" {} ", normalize(text));
    let c = cues();
    let aggression = found(&padded, &c.aggression);
    let third = found(&padded, &c.third_party);
    let addresses_someone = !found(&padded, &c.address).is_empty();
    let hostile = scan.categories.iter().any(|cat| {
        matches!(
            cat,
            Category::Harassment | Category::ViolenceThreat | Category::SuicideSelfharm
        )
    });
    let mut cues: Vec<String> = Vec::new();
    let stance = if hostile && !aggression.is_empty() {
        cues.extend(aggression.iter().map(|w| format!("aggression: {w}")));
        Stance::Aggression
    } else if !third.is_empty() {
        cues.extend(third.iter().map(|w| format!("third_party: {w}")));
        Stance::ThirdParty
    } else {
        Stance::SelfDisclosure
    };
    StanceReading {
        stance,
        addresses_someone,
        cues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn scan_of(categories: &[Category]) -> Scan {
        Scan {
            flagged: true,
            severity: Severity::High,
            categories: categories.to_vec(),
            ..Scan::default()
        }
    }

    #[test]
    fn the_cue_file_parses() {
        assert!(!cues().aggression.is_empty());
        assert!(!cues().third_party.is_empty());
    }

    #[test]
    fn an_insult_aimed_at_someone_is_aggression() {
        let r = read_stance(
            "@lea t'es qu'une grosse merde, personne veut de toi",
            &scan_of(&[Category::Harassment]),
        );
        assert_eq!(r.stance, Stance::Aggression);
        assert!(r.addresses_someone);
    }

    #[test]
    fn a_friend_told_about_is_a_third_party() {
        let r = read_stance(
            "ma pote se fait harceler par des filles de sa classe",
            &scan_of(&[Category::Harassment]),
        );
        assert_eq!(r.stance, Stance::ThirdParty);
    }

    #[test]
    fn being_harassed_is_a_disclosure_about_oneself() {
        let r = read_stance(
            "on me harcèle tous les jours",
            &scan_of(&[Category::Harassment]),
        );
        assert_eq!(r.stance, Stance::SelfDisclosure);
    }

    #[test]
    fn stances_round_trip_through_their_ids() {
        for s in Stance::ALL {
            assert_eq!(s.as_str().parse(), Ok(s));
            assert_eq!(serde_json::to_string(&s).ok(), Some(format!("\"{s}\"")));
        }
    }
}
