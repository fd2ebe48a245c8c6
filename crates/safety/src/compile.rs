//! Compilation: parsed rule specs (`rules.rs`) into the tables of a [`RuleSet`].
//!
//! In order: ids are checked unique; rules, then combinations (each a rule of its own, after
//! the rules) and shared exceptions are compiled, their terms gathered by distinct term; the
//! terms become the automaton's patterns, sorted by text, each pointing at its targets; last,
//! each combination gets an anchor group, the one the shortcut for harmless messages looks it
//! up through.

use std::collections::HashMap;

use crate::automaton::{boundary_pattern, Trie};
use crate::bits::{set_bit, to_u32};
use crate::rules::{ComboSpec, ExceptionSpec, IdPattern, Origin, RuleError, RuleSpec, Specs, Term};
use crate::ruleset::{
    CompiledCombo, CompiledException, CompiledRule, Pat, RuleSet, Target, WildTerm,
};

/// For each distinct term, what a hit on it means.
type TermTargets = HashMap<Term, Vec<Target>>;

/// The automaton's patterns: one entry per distinct term, in the same order as their texts.
struct Patterns {
    pats: Vec<Pat>,
    /// Every pattern's targets, pattern after pattern (see [`Pat::targets`]).
    targets: Vec<Target>,
    /// The automaton patterns (see [`boundary_pattern`]).
    texts: Vec<Vec<u8>>,
}

/// Compiles parsed specs into a rule set.
pub(crate) fn compile(specs: Specs) -> Result<RuleSet, RuleError> {
    check_unique_ids(&specs)?;
    let mut by_term = TermTargets::new();
    let (mut rules, wild) = compile_rules(&specs.rules, &mut by_term);
    let mut combos = compile_combos(&specs.combos, &mut rules)?;
    finish_groups(&mut combos, rules.len());
    let exceptions = compile_exceptions(&specs.exceptions, &mut rules, &mut by_term)?;
    let Patterns {
        mut pats,
        targets,
        texts,
    } = pattern_table(by_term);
    let ac = Trie::build(&texts).map_err(|e| RuleError {
        file: "(all rules)".into(),
        line: 0,
        reason: format!("cannot build the matcher: {e}"),
    })?;
    let commonness = commonness(&pats, &texts, &targets, rules.len());
    let combos_by_rule = anchor_combos(&combos, &commonness);
    mark_anchors(&mut pats, &targets, &combos_by_rule);
    Ok(RuleSet {
        ac,
        pats,
        targets,
        rules,
        exceptions,
        combos,
        combos_by_rule,
        wild,
        second_look: None,
    })
}

/// Rule and combination ids are unique across all files; the error names the first one.
fn check_unique_ids(specs: &Specs) -> Result<(), RuleError> {
    let mut first_seen: HashMap<&str, &Origin> = HashMap::new();
    let rules = specs.rules.iter().map(|r| (r.id.as_str(), &r.origin));
    let combos = specs.combos.iter().map(|c| (c.id.as_str(), &c.origin));
    for (id, origin) in rules.chain(combos) {
        if let Some(first) = first_seen.get(id) {
            return Err(origin.error(format!(
                "duplicate id `{id}` (first in {}:{})",
                first.file, first.line
            )));
        }
        first_seen.insert(id, origin);
    }
    Ok(())
}

/// The rules, in order, with their terms added to `by_term`, and the single-word terms of
/// flagging rules kept for masked words.
fn compile_rules(
    specs: &[RuleSpec],
    by_term: &mut TermTargets,
) -> (Vec<CompiledRule>, Vec<WildTerm>) {
    let mut rules = Vec::new();
    let mut wild = Vec::new();
    for (i, r) in specs.iter().enumerate() {
        add_rule_terms(r, to_u32(i), by_term, &mut wild);
        rules.push(CompiledRule {
            id: r.id.clone(),
            category: r.category,
            severity: r.severity,
            regexes: r.regexes.clone(),
            exceptions: Vec::new(),
        });
    }
    (rules, wild)
}

/// Adds the terms, regex prefilter terms and inline exceptions of rule `ri`.
fn add_rule_terms(r: &RuleSpec, ri: u32, by_term: &mut TermTargets, wild: &mut Vec<WildTerm>) {
    for t in &r.terms {
        let target = if r.severity.is_some() {
            Target::Rule(ri)
        } else {
            Target::Signal(ri)
        };
        by_term.entry(t.clone()).or_default().push(target);
        if t.left && !t.text.contains(' ') && r.severity.is_some() {
            wild.push(WildTerm {
                text: t.text.as_bytes().into(),
                prefix: !t.right,
                rule: ri,
            });
        }
    }
    for t in &r.when {
        by_term.entry(t.clone()).or_default().push(Target::When(ri));
    }
    for t in &r.exceptions {
        by_term
            .entry(t.clone())
            .or_default()
            .push(Target::RuleException(ri));
    }
}

/// Each combination becomes a rule of its own, appended to `rules`; it may name rules and
/// earlier combinations. Group membership covers the rules known so far (see
/// [`finish_groups`]).
fn compile_combos(
    specs: &[ComboSpec],
    rules: &mut Vec<CompiledRule>,
) -> Result<Vec<CompiledCombo>, RuleError> {
    let mut combos = Vec::new();
    for c in specs {
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let mut groups = Vec::new();
        for g in &c.groups {
            check_patterns(&format!("combo `{}`", c.id), g, &ids, &c.origin)?;
            groups.push(
                ids.iter()
                    .map(|id| g.iter().any(|p| p.matches(id)))
                    .chain(std::iter::once(false))
                    .collect::<Vec<bool>>(),
            );
        }
        combos.push(CompiledCombo {
            rule: to_u32(rules.len()),
            groups,
            group_bits: Vec::new(),
            within: c.within,
        });
        rules.push(CompiledRule {
            id: c.id.clone(),
            category: c.category,
            severity: Some(c.severity),
            regexes: Vec::new(),
            exceptions: Vec::new(),
        });
    }
    Ok(combos)
}

/// Group membership vectors must cover every rule index (`n` of them), including later
/// combos; each group also gets its sparse bit set.
fn finish_groups(combos: &mut [CompiledCombo], n: usize) {
    for c in combos {
        for g in &mut c.groups {
            g.resize(n, false);
        }
        c.group_bits = c.groups.iter().map(|g| sparse_bits(g, n)).collect();
    }
}

/// The members of a group as the non-zero 64-rule words of its bit set, with their index.
fn sparse_bits(group: &[bool], n: usize) -> Vec<(u32, u64)> {
    let mut bits = vec![0u64; n.div_ceil(64)];
    for (i, _) in group.iter().enumerate().filter(|(_, &m)| m) {
        set_bit(&mut bits, to_u32(i));
    }
    bits.iter()
        .enumerate()
        .filter(|(_, &w)| w != 0)
        .map(|(w, &mask)| (to_u32(w), mask))
        .collect()
}

/// The shared exceptions, each attached to the rules (combinations included) it applies to,
/// with their terms added to `by_term`.
fn compile_exceptions(
    specs: &[ExceptionSpec],
    rules: &mut [CompiledRule],
    by_term: &mut TermTargets,
) -> Result<Vec<CompiledException>, RuleError> {
    let ids: Vec<String> = rules.iter().map(|r| r.id.clone()).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut exceptions = Vec::new();
    for (xi, x) in specs.iter().enumerate() {
        let what = format!("exception `{}`", x.id);
        check_patterns(&what, &x.rules, &id_refs, &x.origin)?;
        let xi = to_u32(xi);
        attach_exception(x, xi, rules);
        for t in &x.terms {
            by_term
                .entry(t.clone())
                .or_default()
                .push(Target::Exception(xi));
        }
        exceptions.push(CompiledException {
            id: x.id.clone(),
            scope: x.scope,
            action: x.action,
        });
    }
    Ok(exceptions)
}

/// Lists exception `xi` on every rule it names, by id pattern or category; an exception that
/// names neither applies to every rule.
fn attach_exception(x: &ExceptionSpec, xi: u32, rules: &mut [CompiledRule]) {
    let everything = x.rules.is_empty() && x.categories.is_empty();
    for r in rules.iter_mut() {
        let by_id = x.rules.iter().any(|p| p.matches(&r.id));
        let by_cat = x.categories.contains(&r.category);
        if by_id || by_cat || everything {
            r.exceptions.push(xi);
        }
    }
}

/// Every id pattern names at least one of `ids`.
fn check_patterns(
    what: &str,
    pats: &[IdPattern],
    ids: &[&str],
    origin: &Origin,
) -> Result<(), RuleError> {
    for p in pats {
        if !ids.iter().any(|id| p.matches(id)) {
            let shown = match p {
                IdPattern::Exact(s) => s.clone(),
                IdPattern::Prefix(s) => format!("{s}*"),
            };
            return Err(origin.error(format!("{what}: `{shown}` names no rule")));
        }
    }
    Ok(())
}

/// One pattern per distinct term, sorted by text, with its targets laid out contiguously.
/// Anchors are marked later ([`mark_anchors`]).
fn pattern_table(by_term: TermTargets) -> Patterns {
    let mut entries: Vec<(Term, Vec<Target>)> = by_term.into_iter().collect();
    entries.sort_by(|a, b| a.0.text.cmp(&b.0.text));
    let mut pats = Vec::with_capacity(entries.len());
    let mut targets = Vec::new();
    let mut texts = Vec::with_capacity(entries.len());
    for (term, ts) in entries {
        let start = targets.len();
        let strong = ts.iter().any(|t| match *t {
            Target::Rule(_) | Target::When(_) => true,
            Target::Signal(_) | Target::RuleException(_) | Target::Exception(_) => false,
        });
        let signal = ts.iter().any(|t| matches!(*t, Target::Signal(_)));
        targets.extend(ts);
        pats.push(Pat {
            left: term.left,
            right: term.right,
            strong,
            signal,
            anchor: false,
            first_target: to_u32(start),
            end_target: to_u32(targets.len()),
        });
        texts.push(boundary_pattern(&term));
    }
    Patterns {
        pats,
        targets,
        texts,
    }
}

/// How likely each of the `n` rules is to hit, estimated from its terms, short ones weighing
/// most ("t", "tu", "je" are everywhere, "dolipranes" is not).
fn commonness(pats: &[Pat], texts: &[Vec<u8>], targets: &[Target], n: usize) -> Vec<usize> {
    let mut commonness = vec![0usize; n];
    for (p, text) in pats.iter().zip(texts) {
        let len = text.len() - usize::from(p.left) - usize::from(p.right);
        let weight = 1usize << (2 * (6 - len.min(6)));
        for t in &targets[p.targets()] {
            if let Target::Rule(r) | Target::Signal(r) = *t {
                commonness[r as usize] += weight;
            }
        }
    }
    commonness
}

/// For each rule, the combos whose anchor group holds it. The shortcut looks a combo up only
/// through the rules of ONE of its groups, its anchor: a combo cannot hold unless every group,
/// the anchor included, has a hit. The anchor is the group least likely to hit (by
/// [`commonness`]), so common signals rarely wake a combo up.
fn anchor_combos(combos: &[CompiledCombo], commonness: &[usize]) -> Vec<Vec<u32>> {
    let mut combos_by_rule: Vec<Vec<u32>> = vec![Vec::new(); commonness.len()];
    for (ci, c) in combos.iter().enumerate() {
        let weight = |g: &Vec<bool>| -> usize {
            g.iter()
                .enumerate()
                .filter(|(_, &member)| member)
                .map(|(r, _)| commonness[r].max(1))
                .sum()
        };
        let Some(anchor) = c.groups.iter().min_by_key(|g| weight(g)) else {
            continue;
        };
        for (r, _) in anchor.iter().enumerate().filter(|(_, &member)| member) {
            combos_by_rule[r].push(to_u32(ci));
        }
    }
    combos_by_rule
}

/// Marks the patterns with a target rule in some combo's anchor group.
fn mark_anchors(pats: &mut [Pat], targets: &[Target], combos_by_rule: &[Vec<u32>]) {
    let anchors = |r: u32| !combos_by_rule[r as usize].is_empty();
    for p in pats {
        p.anchor = targets[p.targets()]
            .iter()
            .any(|t| matches!(*t, Target::Rule(r) | Target::Signal(r) if anchors(r)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE_A: &str = "[[rule]]\nid='a'\ncategory='distress'\nseverity='low'\nterms=['x y']\n";

    #[test]
    fn a_combo_naming_no_rule_is_refused() {
        let src = format!(
            "{RULE_A}[[combo]]\nid='c'\ncategory='distress'\nseverity='high'\nall=[['a'],['b']]\n"
        );
        let e = RuleSet::from_sources(&[("c.toml", src)]).unwrap_err();
        assert_eq!(e.to_string(), "c.toml:7: combo `c`: `b` names no rule");
    }

    #[test]
    fn an_exception_naming_no_rule_is_refused() {
        let src = format!("{RULE_A}[[exception]]\nid='x'\nterms=['z']\nrules=['nope*']\n");
        let e = RuleSet::from_sources(&[("x.toml", src)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.toml:7: exception `x`: `nope*` names no rule"
        );
    }

    #[test]
    fn a_duplicate_id_names_where_it_was_first_seen() {
        let e = RuleSet::from_sources(&[("one.toml", RULE_A), ("two.toml", RULE_A)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "two.toml:2: duplicate id `a` (first in one.toml:2)"
        );
    }

    #[test]
    fn a_combo_is_a_rule_of_its_own_and_anchored_on_its_rarest_group() {
        let src = format!(
            "{RULE_A}[[rule]]\nid='t'\ncategory='distress'\nseverity='signal'\nterms=['je']\n\
             [[combo]]\nid='c'\ncategory='distress'\nseverity='high'\nall=[['t'],['a']]\n"
        );
        let set = RuleSet::from_sources(&[("c.toml", src)]).unwrap();
        assert_eq!(set.rule_count(), 3);
        assert_eq!(set.combos[0].rule, 2);
        assert_eq!(set.combos[0].groups[0], vec![false, true, false]);
        // `x y` is longer, so rarer, than `je`: rule `a` (index 0) anchors the combo.
        assert_eq!(set.combos_by_rule, vec![vec![0], vec![], vec![]]);
    }
}
