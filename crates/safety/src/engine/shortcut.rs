//! The shortcut for harmless messages: on the normalised text alone (no map back to the
//! original), whether anything found could flag the message. It may only err towards the full
//! pass: a message it lets through is scanned fully, one it stops flags nothing in the full
//! pass either (the property tests check both paths agree).

use super::{overlaps, Found};
use crate::bits::{has_bit, ones, set_bit};
use crate::normalize::Normalized;
use crate::rules::Scope;
use crate::ruleset::{RuleSet, Target};
use crate::Severity;

impl RuleSet {
    /// True when something found in `view` flags the message on its own: a hit of a flagging
    /// rule that survives its exceptions, or a masked word. Rules whose regex prefilter hit are
    /// pushed to `when` for the caller to run.
    pub(super) fn strong_hit(
        &self,
        view: &Normalized,
        found: &[Found],
        when: &mut Vec<u32>,
    ) -> bool {
        if !self.wild.is_empty() && view.as_bytes().contains(&b'*') {
            return true;
        }
        for f in found {
            if !f.pat.strong {
                continue;
            }
            for t in &self.targets[f.pat.targets()] {
                match *t {
                    Target::When(r) => when.push(r),
                    Target::Rule(r) if self.survives(r, f, found) => return true,
                    _ => {}
                }
            }
        }
        false
    }

    /// True when the signal hits of both views (pooled, as the full pass pools them) could
    /// complete a flagging combination. Nothing is looked at unless some hit belongs to a
    /// combo's anchor group, which no combo can do without.
    pub(super) fn signals_may_combine(
        &self,
        views: [&[Found]; 2],
        present: &mut Vec<u64>,
        candidates: &mut Vec<u64>,
    ) -> bool {
        let anchored = views.iter().flat_map(|v| v.iter()).any(|f| f.pat.anchor);
        if !anchored {
            return false;
        }
        present.clear();
        present.resize(self.rules.len().div_ceil(64), 0);
        for f in views.iter().flat_map(|v| v.iter()) {
            if !f.pat.signal {
                continue;
            }
            for t in &self.targets[f.pat.targets()] {
                if let Target::Signal(r) = *t {
                    set_bit(present, r);
                }
            }
        }
        self.combo_possible(present, candidates)
    }

    /// Whether the rules in `present` could complete a flagging combination. Only combos
    /// whose anchor group has a present rule are looked at; a combo that could hold counts as
    /// present in turn, until nothing changes: a superset of what `apply_combos` can build,
    /// whatever the order.
    fn combo_possible(&self, present: &mut [u64], candidates: &mut Vec<u64>) -> bool {
        // `candidates` is a bit set over combos.
        candidates.clear();
        candidates.resize(self.combos.len().div_ceil(64), 0);
        for r in ones(present) {
            for &ci in self.combos_by_rule.get(r).into_iter().flatten() {
                set_bit(candidates, ci);
            }
        }
        loop {
            let mut grew = false;
            for w in 0..candidates.len() {
                // Take this word's candidates; combos woken up meanwhile wait for a later round.
                let word = std::mem::take(&mut candidates[w]);
                for ci in ones(&[word]).map(|bit| w * 64 + bit) {
                    let c = &self.combos[ci];
                    if has_bit(present, c.rule) {
                        continue;
                    }
                    if !c
                        .group_bits
                        .iter()
                        .all(|g| super::combos::group_hit(g, present))
                    {
                        continue;
                    }
                    if self.rules[c.rule as usize].severity.is_some() {
                        return true;
                    }
                    set_bit(present, c.rule);
                    for &next in &self.combos_by_rule[c.rule as usize] {
                        set_bit(candidates, next);
                    }
                    grew = true;
                }
            }
            if !grew {
                return false;
            }
        }
    }

    /// Whether a hit of the flagging rule `rule` at `at` keeps a severity once the exceptions
    /// among `found` are applied ([`RuleSet::after_exceptions`], as in the full pass). Spans are
    /// compared in normalised offsets: spans that overlap there also overlap in the original
    /// text (the map is monotone), so the full pass applies at least these exceptions and, as
    /// exceptions only ever lower a severity, never ends higher than this says.
    fn survives(&self, rule: u32, at: &Found, found: &[Found]) -> bool {
        let span = (at.s, at.e);
        let has = |g: &Found, want: &dyn Fn(Target) -> bool| {
            self.targets[g.pat.targets()].iter().any(|t| want(*t))
        };
        let sev = self.rules[rule as usize].severity.unwrap_or(Severity::Low);
        let after = self.after_exceptions(
            rule,
            sev,
            || {
                found.iter().find(|g| {
                    overlaps((g.s, g.e), span)
                        && has(g, &|t| matches!(t, Target::RuleException(x) if x == rule))
                })
            },
            |xi, scope| {
                found.iter().find(|g| {
                    (scope == Scope::Message || overlaps((g.s, g.e), span))
                        && has(g, &|t| matches!(t, Target::Exception(i) if i == xi))
                })
            },
            |_, _, _, _| {},
        );
        after > Severity::None
    }
}
