//! Sensitive-content detection: normalisation, rules, matching.
//!
//! A message is first normalised ([`normalize()`]) into a lowercase, accent-free, de-obfuscated
//! view that keeps a map from every normalised byte back to the original text. Rules are TOML
//! files (format at the top of `rules.rs`) whose terms are normalised the same way and compiled
//! (`compile.rs`) into a single Aho-Corasick automaton (`automaton.rs`); a handful of regexes
//! run only when one of their cheap prefilter terms hits. The scan engine (`engine/`) applies
//! exceptions (idioms, gaming slang), which cancel or lower matches, and combinations (a means
//! or a time plus intent), which raise them. Everything here is pure except `load.rs`:
//! [`RuleSet::load`] reads `*.toml` files from directories.
//!
//! This file holds the public vocabulary: the ids ([`Category`], [`Severity`]) and what a scan
//! returns ([`Scan`], [`Match`], [`ExceptionApplied`]). With the `eval` feature (dev-only:
//! this crate's tests and example), `eval` scores the rules against labelled data.

mod automaton;
mod bits;
mod categories;
mod compile;
mod emoji;
mod engine;
#[cfg(feature = "eval")]
pub mod eval;
mod load;
pub mod normalize;
pub mod pile_on;
mod rules;
mod ruleset;
pub mod second_look;
mod severity;
pub mod stance;

use serde::Serialize;

pub use categories::Category;
pub use normalize::normalize;
pub use rules::RuleError;
pub use ruleset::RuleSet;
pub use severity::Severity;
pub use stance::{read_stance, Stance, StanceReading};

/// An id that is not one of the contract's categories or severities.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}` (expected one of: {})", expected.join(", "))]
pub struct UnknownId {
    /// What was being parsed: `category` or `severity`.
    pub kind: &'static str,
    pub value: String,
    /// The valid ids.
    pub expected: &'static [&'static str],
}

/// One rule (or combination) that fired, with its span in the ORIGINAL text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    /// Byte offset into the original text (on a char boundary).
    pub start: usize,
    /// Byte offset into the original text (on a char boundary), exclusive.
    pub end: usize,
}

/// What an exception did to a match, kept for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionApplied {
    /// The exception's id.
    pub exception: String,
    /// The rule whose match it cancelled or lowered.
    pub rule: String,
    /// Severity before the exception.
    pub from: Severity,
    /// Severity after (`None` means cancelled).
    pub to: Severity,
    /// Span of the match that was changed, in the original text.
    pub start: usize,
    pub end: usize,
    /// Span of the exception's own words (equal to the match span for message-wide exceptions
    /// without a located hit).
    pub exception_start: usize,
    pub exception_end: usize,
}

/// The result of scanning one message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scan {
    pub flagged: bool,
    /// The highest severity among `matches` (`None` when nothing fired).
    pub severity: Severity,
    /// Sorted, without duplicates.
    pub categories: Vec<Category>,
    /// Every surviving match, ordered by start offset.
    pub matches: Vec<Match>,
    /// Exceptions that cancelled or lowered a match (for explanations). Complete from
    /// [`RuleSet::explain`]; [`RuleSet::scan`] may leave it empty for a message that it could
    /// tell flags nothing without looking closer.
    pub exceptions: Vec<ExceptionApplied>,
    /// For each combination in `matches`, the rule matches that built it: (combo rule, parts).
    pub combos: Vec<(String, Vec<Match>)>,
    /// Signal rules (never flagging alone) that matched and survived their exceptions, with
    /// severity `none`: how near a message came to flagging (the conversation stage weighs
    /// them). Complete from [`RuleSet::explain`]; [`RuleSet::scan`] fills it only for the
    /// messages it looks at closely.
    pub signals: Vec<Match>,
}

impl Scan {
    /// Adds another rule set's scan of the same text (a guild's own rules beside the shipped
    /// ones): flagged when either flagged, the higher severity, every category and match.
    pub fn merge(&mut self, other: Scan) {
        self.flagged |= other.flagged;
        self.severity = self.severity.max(other.severity);
        self.categories.extend(other.categories);
        self.categories.sort();
        self.categories.dedup();
        self.matches.extend(other.matches);
        self.matches.sort_by_key(|m| (m.start, m.end));
        self.exceptions.extend(other.exceptions);
        self.combos.extend(other.combos);
        self.signals.extend(other.signals);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merged_scan_flags_when_either_did_with_the_higher_severity_and_every_match() {
        let shipped = RuleSet::builtin().unwrap();
        let src = "[[rule]]\nid='guild.1.1'\ncategory='harassment'\nseverity='critical'\nterms=['zorglub']\n";
        let guild = RuleSet::from_sources(&[("guild.toml", src)]).unwrap();
        let text = "je vais au zorglub ce soir";
        let mut scan = shipped.scan(text);
        assert!(!scan.flagged, "the shipped rules alone do not flag it");
        scan.merge(guild.scan(text));
        assert!(scan.flagged);
        assert_eq!(scan.severity, Severity::Critical);
        assert_eq!(scan.categories, vec![Category::Harassment]);
        assert_eq!(scan.matches[0].rule, "guild.1.1");
        assert_eq!(&text[scan.matches[0].start..scan.matches[0].end], "zorglub");

        let text = "je veux mourir au zorglub";
        let mut scan = shipped.scan(text);
        let before = scan.matches.len();
        scan.merge(guild.scan(text));
        assert_eq!(scan.severity, Severity::Critical);
        assert_eq!(
            scan.categories,
            vec![Category::SuicideSelfharm, Category::Harassment]
        );
        assert_eq!(scan.matches.len(), before + 1);
        assert!(scan.matches.windows(2).all(|w| w[0].start <= w[1].start));
    }
}
