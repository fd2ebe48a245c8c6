//! The compiled, immutable rule set: its tables (patterns, their targets, rules, exceptions,
//! combinations, masked-word terms) and what it tells about itself (counts, memory).
//!
//! Building it is `load.rs` (sources) and `compile.rs` (tables); scanning with it is `engine/`.

use std::ops::Range;
use std::sync::Arc;

use crate::automaton::Trie;
use crate::bits::to_u32;
use crate::rules::{Action, Scope};
use crate::second_look::SecondLook;
use crate::{Category, Severity};

/// What a hit on one automaton pattern means.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// A rule that flags on its own.
    Rule(u32),
    /// A signal rule (no severity): it only counts inside combinations.
    Signal(u32),
    RuleException(u32),
    Exception(u32),
    When(u32),
}

/// One automaton pattern's entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pat {
    /// Whole word on the left (right): the automaton pattern starts (ends) with the space that
    /// stands for a word boundary.
    pub left: bool,
    pub right: bool,
    /// Some target is a flagging rule or a regex prefilter: a hit on this pattern alone may
    /// flag the message.
    pub strong: bool,
    /// Some target is a signal rule: a hit may flag the message through a combination.
    pub signal: bool,
    /// Some target rule is in a combo's anchor group (see `compile::anchor_combos`).
    pub anchor: bool,
    /// Range in `RuleSet::targets` (u32 keeps this table small and cache-friendly).
    pub first_target: u32,
    pub end_target: u32,
}

impl Pat {
    pub(crate) fn targets(&self) -> Range<usize> {
        self.first_target as usize..self.end_target as usize
    }

    /// Where a match `[start, end)` of this pattern in the padded haystack (see
    /// [`crate::automaton::boundary_hay`]) lies in the normalised text: the boundary spaces are
    /// not part of it.
    #[inline]
    pub(crate) fn unpad(&self, start: usize, end: usize, len: usize) -> (u32, u32) {
        let s = (start + usize::from(self.left)).saturating_sub(1).min(len);
        let e = (end - usize::from(self.right)).saturating_sub(1).min(len);
        (to_u32(s), to_u32(e.max(s)))
    }
}

#[derive(Debug)]
pub(crate) struct CompiledRule {
    pub id: String,
    pub category: Category,
    /// `None` for a signal rule.
    pub severity: Option<Severity>,
    pub regexes: Vec<regex::Regex>,
    /// Indexes of the shared exceptions that apply to this rule.
    pub exceptions: Vec<u32>,
}

#[derive(Debug)]
pub(crate) struct CompiledException {
    pub id: String,
    pub scope: Scope,
    pub action: Action,
}

#[derive(Debug)]
pub(crate) struct CompiledCombo {
    /// Index of the combo's own entry in `rules`.
    pub rule: u32,
    /// For each group, membership by rule index.
    pub groups: Vec<Vec<bool>>,
    /// The same membership as sparse bit sets (the non-zero 64-rule words, with their index),
    /// to skip a combo at once when one of its groups has no hit at all.
    pub group_bits: Vec<Vec<(u32, u64)>>,
    pub within: Option<usize>,
}

/// A single-word whole term, for words masked with `*` (`s*icide`).
#[derive(Debug)]
pub(crate) struct WildTerm {
    pub text: Box<[u8]>,
    /// The term was `word*`: anything may follow it in the masked word.
    pub prefix: bool,
    pub rule: u32,
}

/// A compiled, immutable set of rules. `Send + Sync`: share it behind an `Arc`.
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) ac: Trie,
    pub(crate) pats: Vec<Pat>,
    pub(crate) targets: Vec<Target>,
    /// Rules, then one entry per combo.
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) exceptions: Vec<CompiledException>,
    pub(crate) combos: Vec<CompiledCombo>,
    /// For each rule (combos included), the combos whose anchor group holds it (see
    /// `compile::anchor_combos`).
    pub(crate) combos_by_rule: Vec<Vec<u32>>,
    pub(crate) wild: Vec<WildTerm>,
    /// The second look over the rules' answer (see `second_look`), when attached.
    pub(crate) second_look: Option<Arc<SecondLook>>,
}

impl RuleSet {
    /// Number of rules and combinations.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Number of distinct patterns in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.pats.len()
    }

    /// Approximate heap bytes of the compiled set: the automaton (`memory_usage`) plus this
    /// crate's own tables (patterns, targets, rule ids, combo membership, masked terms).
    /// Compiled regexes are not counted (the `regex` crate does not report their size).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let rules: usize = self
            .rules
            .iter()
            .map(|r| {
                size_of::<CompiledRule>()
                    + r.id.capacity()
                    + r.regexes.capacity() * size_of::<regex::Regex>()
                    + r.exceptions.capacity() * size_of::<u32>()
            })
            .sum();
        let exceptions: usize = self
            .exceptions
            .iter()
            .map(|x| size_of::<CompiledException>() + x.id.capacity())
            .sum();
        let combos: usize = self
            .combos
            .iter()
            .map(|c| {
                size_of::<CompiledCombo>()
                    + c.groups.iter().map(|g| g.capacity() + 24).sum::<usize>()
                    + c.group_bits
                        .iter()
                        .map(|g| g.capacity() * size_of::<(u32, u64)>() + 24)
                        .sum::<usize>()
            })
            .sum();
        let wild: usize = self
            .wild
            .iter()
            .map(|w| size_of::<WildTerm>() + w.text.len())
            .sum();
        let by_rule: usize = self
            .combos_by_rule
            .iter()
            .map(|v| size_of::<Vec<u32>>() + v.capacity() * size_of::<u32>())
            .sum();
        self.ac.memory_usage()
            + by_rule
            + self.pats.capacity() * size_of::<Pat>()
            + self.targets.capacity() * size_of::<Target>()
            + rules
            + exceptions
            + combos
            + wild
    }

    /// The same rules with `model` as their second look (`None`: the rules alone).
    pub fn with_second_look(mut self, model: Option<Arc<SecondLook>>) -> RuleSet {
        self.second_look = model;
        self
    }

    /// The second look attached to these rules.
    pub fn second_look(&self) -> Option<&Arc<SecondLook>> {
        self.second_look.as_ref()
    }

    /// Heap bytes of the Aho-Corasick automaton alone.
    pub fn automaton_bytes(&self) -> usize {
        self.ac.memory_usage()
    }
}
