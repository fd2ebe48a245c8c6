//! The repository's labelled harmless lines (the `none` lines of the tune sets in `eval/fr`
//! and `eval/en`; never the holdout sets, which nobody tunes on), embedded at build time: a
//! new guild rule is tried on them before it is saved.

use std::sync::OnceLock;

use super::file::compile_one;
use super::NewRule;

const TUNE_SETS: [&str; 6] = [
    include_str!("../../../eval/fr/tune.tsv"),
    include_str!("../../../eval/fr/tune2.tsv"),
    include_str!("../../../eval/fr/tune3.tsv"),
    include_str!("../../../eval/en/tune.tsv"),
    include_str!("../../../eval/en/tune2.tsv"),
    include_str!("../../../eval/en/tune3.tsv"),
];

/// Every labelled harmless line of the tune sets.
pub fn harmless_lines() -> &'static [&'static str] {
    static LINES: OnceLock<Vec<&'static str>> = OnceLock::new();
    LINES.get_or_init(|| {
        TUNE_SETS
            .iter()
            .flat_map(|set| set.lines().skip(1))
            .filter_map(|line| {
                let mut fields = line.splitn(3, '\t');
                let categories = fields.next()?;
                let _severity = fields.next()?;
                let text = fields.next()?;
                (categories == "none").then_some(text)
            })
            .collect()
    })
}

/// The harmless lines `rule` alone would flag, in file order.
pub fn would_flag(rule: &NewRule) -> Vec<&'static str> {
    let Ok(set) = compile_one(rule) else {
        return Vec::new();
    };
    harmless_lines()
        .iter()
        .copied()
        .filter(|line| set.scan(line).flagged)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::{Category, Severity};

    fn rule(term: &str) -> NewRule {
        NewRule::parse(term, "harassment", "medium", None).unwrap()
    }

    #[test]
    fn the_harmless_lines_come_from_both_languages_tune_sets_only() {
        let lines = harmless_lines();
        assert!(lines.len() > 500, "{}", lines.len());
        assert!(lines.contains(&"la cantine aujourd'hui c'était frites 🥳"));
        assert!(lines.contains(&"my dad is trying to use snapchat lmao"));
    }

    #[test]
    fn a_common_word_would_flag_harmless_lines_and_a_rare_one_none() {
        let flagged = would_flag(&rule("cantine"));
        assert!(flagged.contains(&"la cantine aujourd'hui c'était frites 🥳"));
        assert!(would_flag(&rule("xqzw ploup")).is_empty());
        let regex = NewRule {
            kind: super::super::Kind::Regex,
            term: "cantin(e|es)".into(),
            category: Category::Distress,
            severity: Severity::Low,
            exception: None,
        };
        assert!(!would_flag(&regex).is_empty());
    }

    #[test]
    fn an_exception_keeps_a_rule_off_the_lines_it_covers() {
        let mut r = rule("cantine");
        let before = would_flag(&r).len();
        r.exception = Some("la cantine".into());
        assert!(would_flag(&r).len() < before);
    }
}
