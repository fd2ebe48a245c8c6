//! Who a flagged message is about: the writer themselves (a disclosure), someone the writer is
//! attacking (aggression), or a third person the writer is worried about. The bot sends its
//! support to the right person from this: the young person targeted, never the aggressor.
//!
//! The reading looks at the message's frame, not its risk words: cues of an attack aimed at the
//! person spoken to ("t'es qu'une...", "je vais te...") or at a third person by the writer or
//! their group ("on va la démonter"), of words reported to the writer ("il m'a dit", "they told
//! me": the insults of the message are ones the writer received), of a third person ("ma pote
//! se fait...", "mon frère parle de..."), unless the writer is the one hurt ("mon frère me
//! frappe"), and, in a harassment or a threat that nothing else explains, of speaking to
//! someone or mocking them. Cues are matched as whole words on the normalised text, all at once
//! by one Aho-Corasick automaton built on first use. The cue lists and the order of the
//! decision are in `stance.toml` beside the rules, embedded at build time.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
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
    /// Whether the message speaks to someone ("tu", "t'", "te", "toi", "you", or a mention such
    /// as `@lea`): an aggression without a mention may be aimed at whoever the conversation is
    /// with.
    pub addresses_someone: bool,
    /// The cues that decided, as `kind: words` (e.g. `aggression: t es qu une`, or
    /// `reported: m a dit` for a disclosure quoting the insults received).
    pub cues: Vec<String>,
}

/// The kinds of cue of `stance.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Address,
    Aggression,
    Mocking,
    Reported,
    ThirdParty,
    SelfHurt,
    Care,
    Plea,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::Address,
        Kind::Aggression,
        Kind::Mocking,
        Kind::Reported,
        Kind::ThirdParty,
        Kind::SelfHurt,
        Kind::Care,
        Kind::Plea,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Address => "address",
            Kind::Aggression => "aggression",
            Kind::Mocking => "mocking",
            Kind::Reported => "reported",
            Kind::ThirdParty => "third_party",
            Kind::SelfHurt => "self_hurt",
            Kind::Care => "care",
            Kind::Plea => "plea",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CueFile {
    hostile_categories: Vec<Category>,
    address_categories: Vec<Category>,
    address: Vec<String>,
    aggression: Vec<String>,
    mocking: Vec<String>,
    reported: Vec<String>,
    third_party: Vec<String>,
    self_hurt: Vec<String>,
    care: Vec<String>,
    plea: Vec<String>,
}

/// The cue lists, normalised, and one automaton over all of them.
struct Cues {
    /// Categories in which an aggression cue counts.
    hostile: Vec<Category>,
    /// Categories in which speaking to someone or mocking is read as an attack.
    address_categories: Vec<Category>,
    /// Per pattern of `automaton`: its normalised words and its kinds (`address` may share its
    /// words with another list: "t'es" is address and aggression).
    patterns: Vec<(String, Vec<Kind>)>,
    automaton: AhoCorasick,
}

fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| {
        let file: CueFile = toml::from_str(include_str!("../../../rules/stance.toml"))
            .unwrap_or_else(|e| panic!("rules/stance.toml is checked by the tests: {e}"));
        let mut patterns: Vec<(String, Vec<Kind>)> = Vec::new();
        for (kind, list) in [
            (Kind::Address, file.address),
            (Kind::Aggression, file.aggression),
            (Kind::Mocking, file.mocking),
            (Kind::Reported, file.reported),
            (Kind::ThirdParty, file.third_party),
            (Kind::SelfHurt, file.self_hurt),
            (Kind::Care, file.care),
            (Kind::Plea, file.plea),
        ] {
            for cue in list {
                let words = normalize(&cue);
                match patterns.iter_mut().find(|p| p.0 == words) {
                    _ if words.is_empty() => {}
                    Some((_, kinds)) if !kinds.contains(&kind) => kinds.push(kind),
                    Some(_) => {}
                    None => patterns.push((words, vec![kind])),
                }
            }
        }
        // Whole words: each cue between spaces, found on the text between spaces.
        let automaton = AhoCorasick::new(patterns.iter().map(|(w, _)| format!(" {w} ")))
            .unwrap_or_else(|e| panic!("rules/stance.toml is checked by the tests: {e}"));
        Cues {
            hostile: file.hostile_categories,
            address_categories: file.address_categories,
            patterns,
            automaton,
        }
    })
}

/// What one chat message shows of the conversation around it (see [`crate::pile_on`]),
/// read from the cues of `rules/stance.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TurnCues {
    /// Someone asks the others to stop, says it hurts, or calls an attack out, without laughing.
    pub plea: bool,
    /// Laughter or mockery ("mdr", "ptdr", 😂, 💀).
    pub mocking: bool,
}

/// Reads a chat message's [`TurnCues`].
pub fn read_turn(text: &str) -> TurnCues {
    read_turn_normalised(&normalize(text))
}

/// [`read_turn`] on text already normalised (the scan's own, see `RuleSet::scan_turn`).
pub(crate) fn read_turn_normalised(normalised: &str) -> TurnCues {
    let mut padded = String::with_capacity(normalised.len() + 2);
    padded.push(' ');
    padded.push_str(normalised);
    padded.push(' ');
    let c = cues();
    let mut out = TurnCues::default();
    for m in c.automaton.find_overlapping_iter(&padded) {
        for kind in &c.patterns[m.pattern().as_usize()].1 {
            match kind {
                Kind::Plea => out.plea = true,
                Kind::Mocking => out.mocking = true,
                _ => {}
            }
        }
    }
    out.plea &= !out.mocking;
    out
}

/// Reads who a flagged message is about. `scan` is the message's scan: its categories say
/// whether an attack cue counts (see the decision at the top of `rules/stance.toml`).
pub fn read_stance(text: &str, scan: &Scan) -> StanceReading {
    let padded = format!(" {} ", normalize(text));
    let c = cues();
    // The cues present, per kind, in order of their end.
    let mut found: [Vec<&str>; Kind::ALL.len()] = Default::default();
    for m in c.automaton.find_overlapping_iter(&padded) {
        let (words, kinds) = &c.patterns[m.pattern().as_usize()];
        for kind in kinds {
            found[*kind as usize].push(words);
        }
    }
    let has = |kind: Kind| !found[kind as usize].is_empty();
    let mention = padded
        .split(' ')
        .find(|w| w.len() > 1 && (w.starts_with('@') || w.starts_with("<@")));
    let addresses_someone = has(Kind::Address) || mention.is_some();
    let flagged_in = |cats: &[Category]| scan.categories.iter().any(|cat| cats.contains(cat));
    // The writer is on the receiving end: quoting what was said to them, hurt, asking for
    // help or saying goodbye.
    let received = has(Kind::Reported) || has(Kind::SelfHurt) || has(Kind::Care);
    let mut cues: Vec<String> = Vec::new();
    let mut cite = |kinds: &[Kind]| {
        for &kind in kinds {
            cues.extend(
                found[kind as usize]
                    .iter()
                    .map(|w| format!("{}: {w}", kind.name())),
            );
        }
    };
    let stance = if flagged_in(&c.hostile) && has(Kind::Aggression) && !received {
        cite(&[Kind::Aggression]);
        Stance::Aggression
    } else if has(Kind::ThirdParty) && !has(Kind::SelfHurt) {
        cite(&[Kind::ThirdParty]);
        Stance::ThirdParty
    } else if received {
        cite(&[Kind::SelfHurt, Kind::Reported, Kind::Care]);
        Stance::SelfDisclosure
    } else if flagged_in(&c.address_categories)
        && (has(Kind::Address) || has(Kind::Mocking) || mention.is_some())
    {
        cite(&[Kind::Address, Kind::Mocking]);
        if let Some(m) = mention {
            cues.push(format!("mention: {m}"));
        }
        Stance::Aggression
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

    fn stance(text: &str, categories: &[Category]) -> Stance {
        read_stance(text, &scan_of(categories)).stance
    }

    #[test]
    fn the_cue_file_parses_and_no_cue_is_in_two_lists() {
        let c = cues();
        for kind in Kind::ALL {
            assert!(
                c.patterns.iter().any(|p| p.1.contains(&kind)),
                "{}",
                kind.name()
            );
        }
        for (words, kinds) in &c.patterns {
            let deciding: Vec<&str> = kinds
                .iter()
                .filter(|k| **k != Kind::Address)
                .map(|k| k.name())
                .collect();
            assert!(deciding.len() <= 1, "`{words}` is in {deciding:?}");
        }
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
    fn insults_and_threats_received_are_a_disclosure() {
        use Category::{Harassment, ViolenceThreat};
        assert_eq!(
            stance("ils m'ont dit t'es qu'une merde", &[Harassment]),
            Stance::SelfDisclosure
        );
        assert_eq!(
            stance(
                "\"t'es moche\" c'est ce qu'ils écrivent sous mes photos",
                &[Harassment]
            ),
            Stance::SelfDisclosure
        );
        assert_eq!(
            stance("il m'a dit qu'il allait me tuer", &[ViolenceThreat]),
            Stance::SelfDisclosure
        );
        assert_eq!(
            stance("they told me \"ur worthless, just die\"", &[Harassment]),
            Stance::SelfDisclosure
        );
    }

    #[test]
    fn attacks_on_a_third_person_by_the_writer_are_aggression() {
        use Category::{Harassment, ViolenceThreat};
        assert_eq!(
            stance("cette pute on va la démonter demain", &[ViolenceThreat]),
            Stance::Aggression
        );
        assert_eq!(
            stance("everyone ignore him lmao", &[Harassment]),
            Stance::Aggression
        );
        assert_eq!(
            stance("@lea regarde ta tronche mdr", &[Harassment]),
            Stance::Aggression
        );
    }

    #[test]
    fn relatives_are_third_parties_unless_the_writer_is_hurt() {
        use Category::{DomesticViolence, SuicideSelfharm};
        assert_eq!(
            stance("mon frère parle de se tuer, j'ai peur", &[SuicideSelfharm]),
            Stance::ThirdParty
        );
        assert_eq!(
            stance(
                "mon frère me frappe quand mes parents sont pas là",
                &[DomesticViolence]
            ),
            Stance::SelfDisclosure
        );
        assert_eq!(
            stance("my dad hits my mom, i can hear it", &[DomesticViolence]),
            Stance::ThirdParty
        );
        assert_eq!(
            stance("i can hear my dad hitting my mum", &[DomesticViolence]),
            Stance::ThirdParty
        );
    }

    #[test]
    fn a_farewell_spoken_to_someone_is_not_an_attack() {
        assert_eq!(
            stance(
                "t'es la meilleure, pardon pour tout, ce soir j'en finis",
                &[Category::SuicideSelfharm]
            ),
            Stance::SelfDisclosure
        );
    }

    #[test]
    fn speaking_to_someone_about_ones_own_pain_is_not_an_attack() {
        use Category::{Harassment, SuicideSelfharm};
        let r = read_stance(
            "je veux mourir, tu peux m'aider ?",
            &scan_of(&[SuicideSelfharm]),
        );
        assert_eq!(r.stance, Stance::SelfDisclosure);
        assert!(r.addresses_someone);
        assert_eq!(
            stance("tu peux m'aider ? on me harcèle", &[Harassment]),
            Stance::SelfDisclosure
        );
    }

    #[test]
    fn stances_round_trip_through_their_ids() {
        for s in Stance::ALL {
            assert_eq!(s.as_str().parse(), Ok(s));
            assert_eq!(serde_json::to_string(&s).ok(), Some(format!("\"{s}\"")));
        }
    }
}
