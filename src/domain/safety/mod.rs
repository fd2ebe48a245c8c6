//! Sensitive-content detection: normalisation, rules, matching.
//!
//! A message is first normalised ([`normalize`]) into a lowercase, accent-free, de-obfuscated
//! view that keeps a map from every normalised byte back to the original text. Rules
//! ([`rules`]) are TOML files whose terms are normalised the same way and compiled into a single
//! Aho-Corasick automaton ([`matcher`]); a handful of regexes run only when one of their cheap
//! prefilter terms hits. Exceptions (idioms, gaming slang) cancel or lower matches, combinations
//! (a means or a time plus intent) raise them. Everything here is pure: the only I/O is
//! [`RuleSet::load`] reading `*.toml` files from a directory.

mod emoji;
pub mod eval;
mod matcher;
pub mod normalize;
mod rules;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use matcher::RuleSet;
pub use normalize::normalize;
pub use rules::RuleError;

/// The design's eight categories of sensitive content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    SuicideSelfharm,
    SexualViolence,
    DomesticViolence,
    Harassment,
    ViolenceThreat,
    Substances,
    EatingDisorder,
    Distress,
}

impl Category {
    /// Every category, in declaration order.
    pub const ALL: [Category; 8] = [
        Category::SuicideSelfharm,
        Category::SexualViolence,
        Category::DomesticViolence,
        Category::Harassment,
        Category::ViolenceThreat,
        Category::Substances,
        Category::EatingDisorder,
        Category::Distress,
    ];

    /// The contract's id, e.g. `suicide_selfharm`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Category::SuicideSelfharm => "suicide_selfharm",
            Category::SexualViolence => "sexual_violence",
            Category::DomesticViolence => "domestic_violence",
            Category::Harassment => "harassment",
            Category::ViolenceThreat => "violence_threat",
            Category::Substances => "substances",
            Category::EatingDisorder => "eating_disorder",
            Category::Distress => "distress",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id that is not one of the contract's categories or severities.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`")]
pub struct UnknownId {
    pub kind: &'static str,
    pub value: String,
}

impl FromStr for Category {
    type Err = UnknownId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownId {
                kind: "category",
                value: s.to_owned(),
            })
    }
}

/// How urgent a match is. Ordered: `None < Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::None,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One level down (`Low` goes to `None`).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::None | Severity::Low => Severity::None,
            Severity::Medium => Severity::Low,
            Severity::High => Severity::Medium,
            Severity::Critical => Severity::High,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = UnknownId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownId {
                kind: "severity",
                value: s.to_owned(),
            })
    }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_ids_round_trip_through_str_and_serde() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert!("suicid".parse::<Category>().is_err());
    }

    #[test]
    fn severities_are_ordered_and_round_trip() {
        assert!(Severity::None < Severity::Low);
        assert!(Severity::High < Severity::Critical);
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>(), Ok(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
    }
}
