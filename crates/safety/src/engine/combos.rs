//! Combinations: when every group of a `[[combo]]` has a live hit (within its distance, if
//! any), a hit of the combo itself is added at its anchor part, with the parts kept for
//! explanations.

use super::Hit;
use crate::bits::set_bit;
use crate::ruleset::{CompiledCombo, RuleSet};
use crate::{Scan, Severity};

impl RuleSet {
    /// Adds a hit for each combination that holds, in order, so a combo may build on an
    /// earlier one.
    pub(super) fn apply_combos(&self, hits: &mut Vec<Hit>, present: &mut Vec<u64>, out: &mut Scan) {
        if self.combos.is_empty() {
            return;
        }
        present.clear();
        present.resize(self.rules.len().div_ceil(64), 0);
        for h in hits.iter().filter(|h| h.sev > Severity::None) {
            set_bit(present, h.rule);
        }
        for c in &self.combos {
            // A group without any live hit: the combo cannot hold (cheap, and the usual case).
            let possible = c.group_bits.iter().all(|g| group_hit(g, present));
            if !possible {
                continue;
            }
            let Some(parts) = find_combo(c, hits) else {
                continue;
            };
            let anchor = hits[parts[0]];
            let rule = &self.rules[c.rule as usize];
            let sev = rule.severity.unwrap_or(Severity::Low);
            let part_matches = parts.iter().map(|&i| self.to_match(&hits[i])).collect();
            out.combos.push((rule.id.clone(), part_matches));
            hits.push(Hit {
                rule: c.rule,
                s: anchor.s,
                e: anchor.e,
                sev,
            });
            if sev > Severity::None {
                set_bit(present, c.rule);
            }
        }
    }
}

/// Indexes into `hits` of one hit per group (the first being the anchor), if the combo holds.
fn find_combo(c: &CompiledCombo, hits: &[Hit]) -> Option<Vec<usize>> {
    let alive = |h: &Hit| h.sev > Severity::None;
    // Groups are at most 8 (checked when parsing): no allocation until the combo holds.
    let mut parts = [0usize; 8];
    if c.within.is_none() {
        // Without a distance, the part found for each group does not depend on the anchor: the
        // first live hit of each group (the first anchor) is what the general loop returns.
        for (n, g) in c.groups.iter().enumerate() {
            parts[n] = hits.iter().position(|h| alive(h) && g[h.rule as usize])?;
        }
        return Some(parts[..c.groups.len()].to_vec());
    }
    for (ai, a) in hits.iter().enumerate() {
        if !alive(a) || !c.groups[0][a.rule as usize] {
            continue;
        }
        parts[0] = ai;
        let mut n = 1;
        for g in &c.groups[1..] {
            let found = hits.iter().position(|h| {
                alive(h)
                    && g[h.rule as usize]
                    && c.within.is_none_or(|w| gap((a.s, a.e), (h.s, h.e)) <= w)
            });
            match found {
                Some(i) => {
                    parts[n] = i;
                    n += 1;
                }
                None => break,
            }
        }
        if n == c.groups.len() {
            return Some(parts[..n].to_vec());
        }
    }
    None
}

/// Some rule of the group (sparse words of its bit set) is in `present`.
#[inline]
pub(super) fn group_hit(group: &[(u32, u64)], present: &[u64]) -> bool {
    group
        .iter()
        .any(|&(w, mask)| present.get(w as usize).is_some_and(|p| p & mask != 0))
}

/// Bytes between two spans (0 when they touch or overlap).
fn gap(a: (u32, u32), b: (u32, u32)) -> usize {
    let lo = a.1.min(b.1);
    let hi = a.0.max(b.0);
    hi.saturating_sub(lo) as usize
}
