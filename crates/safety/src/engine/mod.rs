//! The scan of one message ([`RuleSet::scan`], [`RuleSet::explain`]).
//!
//! The message is normalised, and the automaton run over the normalised text (overlapping
//! matches, so an idiom and the word inside it are both seen; word boundaries are checked by
//! the automaton itself, see `automaton.rs`). Most messages stop there: the shortcut
//! (`shortcut.rs`) tells on the normalised text alone that nothing can flag them. The others
//! are normalised again with the map back to the original text, regexes run only for rules
//! whose prefilter term hit, then exceptions cancel or lower hits (`exceptions.rs`),
//! combinations add raised hits (`combos.rs`), and the result keeps every span in ORIGINAL
//! byte offsets.
//!
//! Scratch buffers live in a thread-local so a scan allocates only for its result.

mod combos;
mod exceptions;
mod second_look;
mod shortcut;
#[cfg(test)]
mod tests;

use std::cell::RefCell;

use crate::automaton::{boundary_hay, is_word};
use crate::bits::to_u32;
use crate::normalize::{Normalized, Normalizer};
use crate::ruleset::{Pat, RuleSet, Target};
use crate::{Category, Match, Scan, Severity};

/// A rule hit, in original byte offsets once collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    rule: u32,
    s: u32,
    e: u32,
    sev: Severity,
}

/// A bounded automaton match, in normalised byte offsets, with a copy of its pattern's entry
/// (so later passes never go back to the 25,000-entry pattern table, whose entries are
/// scattered in memory).
#[derive(Debug, Clone, Copy)]
struct Found {
    s: u32,
    e: u32,
    pat: Pat,
}

/// Where an exception's words were found: its index (rule for inline exceptions) and span.
#[derive(Debug, Clone, Copy)]
struct Span {
    id: u32,
    s: u32,
    e: u32,
}

#[derive(Debug, Default)]
struct Scratch {
    norm: Normalizer,
    main: Normalized,
    digits: Normalized,
    /// The automaton's haystack (see [`boundary_hay`]).
    hay: Vec<u8>,
    /// Automaton matches in `main` and `digits` (normalised offsets).
    found_main: Vec<Found>,
    found_digits: Vec<Found>,
    hits: Vec<Hit>,
    rule_exc: Vec<Span>,
    exc: Vec<Span>,
    when: Vec<u32>,
    /// Bit set of the rules that have a live hit (for combinations).
    present: Vec<u64>,
    /// Bit set of the combos to look at in the shortcut.
    candidates: Vec<u64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

impl RuleSet {
    /// Scans one message.
    pub fn scan(&self, text: &str) -> Scan {
        self.scan_scratch(text, true)
    }

    /// [`RuleSet::scan`] for explanations: every message takes the full path, so the
    /// exceptions that cancelled hits are listed even when nothing flagged. (`scan` settles
    /// most harmless messages on the normalised text alone and then reports no exception.)
    /// Flagged, severity, categories, matches and combinations are always the same as `scan`'s.
    pub fn explain(&self, text: &str) -> Scan {
        self.scan_scratch(text, false)
    }

    /// [`RuleSet::scan`] and the message's conversation cues ([`crate::stance::read_turn`])
    /// read from the same normalised text, for the conversation stage: one normalisation
    /// instead of two.
    pub fn scan_turn(&self, text: &str) -> (Scan, crate::stance::TurnCues) {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut sc) => {
                let scan = self.scan_with(&mut sc, text, true);
                (scan, crate::stance::read_turn_normalised(sc.main.text()))
            }
            Err(_) => (self.scan(text), crate::stance::read_turn(text)),
        })
    }

    fn scan_scratch(&self, text: &str, shortcut: bool) -> Scan {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut sc) => self.scan_with(&mut sc, text, shortcut),
            // Re-entrant use on the same thread (never in practice): use fresh buffers.
            Err(_) => self.scan_with(&mut Scratch::default(), text, shortcut),
        })
    }

    fn scan_with(&self, sc: &mut Scratch, text: &str, shortcut: bool) -> Scan {
        sc.hits.clear();
        sc.rule_exc.clear();
        sc.exc.clear();
        sc.when.clear();
        // Most messages hit nothing that can flag them. Find that out on the normalised text
        // alone (no map back to the original: about half the cost of normalising), keeping the
        // automaton's matches; only the few messages that may flag are normalised again with
        // the map, and those same matches are then placed in the original text.
        let may_flag = self.may_flag(sc, text);
        let first = if shortcut && !may_flag {
            Scan::default()
        } else {
            self.full_pass(sc, text)
        };
        match &self.second_look {
            Some(model) => second_look::decide(model, sc.main.text(), text, first),
            None => first,
        }
    }

    /// The first pass, on the normalised text alone: fills `main` (and `digits` when leetspeak
    /// digits were decoded) and their automaton matches, and tells whether the message may
    /// flag (see `shortcut.rs`).
    fn may_flag(&self, sc: &mut Scratch, text: &str) -> bool {
        let Scratch {
            norm,
            main,
            digits,
            hay,
            found_main,
            found_digits,
            when,
            present,
            candidates,
            ..
        } = sc;
        norm.run_text_only(text, true, main);
        self.find(main, hay, found_main);
        let has_digit_view = main.leet_digits;
        found_digits.clear();
        if has_digit_view {
            norm.run_text_only(text, false, digits);
            self.find(digits, hay, found_digits);
        }
        let mut may_flag = self.strong_hit(main, found_main, when)
            || (has_digit_view && self.strong_hit(digits, found_digits, when))
            || self.signals_may_combine([found_main, found_digits], present, candidates);
        if !may_flag && !when.is_empty() {
            // Regex prefilters hit: run those regexes on the text, as the full pass would.
            when.sort_unstable();
            when.dedup();
            let view = if has_digit_view { &*digits } else { &*main };
            may_flag = when.iter().any(|&r| self.regex_matches(r, view));
        }
        when.clear();
        may_flag
    }

    /// The full pass, after [`RuleSet::may_flag`]: the text normalised again with its map, the
    /// first pass's matches placed in the original text, regexes, exceptions, combinations.
    fn full_pass(&self, sc: &mut Scratch, text: &str) -> Scan {
        let Scratch {
            norm,
            main,
            digits,
            found_main,
            found_digits,
            hits,
            rule_exc,
            exc,
            when,
            present,
            ..
        } = sc;
        let has_digit_view = main.leet_digits;
        norm.run(text, true, main);
        self.collect(main, found_main, hits, rule_exc, exc, when);
        if has_digit_view {
            norm.run(text, false, digits);
            self.collect(digits, found_digits, hits, rule_exc, exc, when);
        }
        if hits.is_empty() && when.is_empty() {
            return Scan::default();
        }
        if !when.is_empty() {
            when.sort_unstable();
            when.dedup();
            let view = if has_digit_view { &*digits } else { &*main };
            for &r in when.iter() {
                self.run_regexes(r, view, hits);
            }
        }
        hits.sort_unstable();
        hits.dedup();
        let mut out = Scan::default();
        self.apply_exceptions(hits, 0, rule_exc, exc, &mut out);
        hits.retain(|h| h.sev > Severity::None);
        let base = hits.len();
        self.apply_combos(hits, present, &mut out);
        self.apply_exceptions(hits, base, rule_exc, exc, &mut out);
        self.finish(hits, out)
    }

    /// Every automaton match in `view`, word boundaries included (see [`boundary_hay`]).
    fn find(&self, view: &Normalized, hay: &mut Vec<u8>, found: &mut Vec<Found>) {
        found.clear();
        let text = view.as_bytes();
        boundary_hay(text, hay);
        let pats = &self.pats;
        self.ac.each_match(hay, |pat, start, end| {
            let pat = pats[pat as usize];
            let (s, e) = pat.unpad(start, end, text.len());
            found.push(Found { s, e, pat });
        });
    }

    /// Turns the matches `found` in `view` (normalised again, now with its map) into hits,
    /// exception spans and regex prefilter hits, all in original byte offsets.
    fn collect(
        &self,
        view: &Normalized,
        found: &[Found],
        hits: &mut Vec<Hit>,
        rule_exc: &mut Vec<Span>,
        exc: &mut Vec<Span>,
        when: &mut Vec<u32>,
    ) {
        for f in found {
            let (s, e) = view.original_span(f.s as usize, f.e as usize);
            let (s, e) = (to_u32(s), to_u32(e));
            for t in &self.targets[f.pat.targets()] {
                match *t {
                    Target::Rule(r) | Target::Signal(r) => hits.push(self.hit(r, s, e)),
                    Target::RuleException(r) => rule_exc.push(Span { id: r, s, e }),
                    Target::Exception(x) => exc.push(Span { id: x, s, e }),
                    Target::When(r) => when.push(r),
                }
            }
        }
        if !self.wild.is_empty() && view.as_bytes().contains(&b'*') {
            self.collect_masked(view, hits);
        }
    }

    fn hit(&self, rule: u32, s: u32, e: u32) -> Hit {
        let sev = self.rules[rule as usize].severity.unwrap_or(Severity::Low);
        Hit { rule, s, e, sev }
    }

    /// Words containing `*` between letters are compared with every single-word term, `*`
    /// standing for one to three letters.
    fn collect_masked(&self, view: &Normalized, hits: &mut Vec<Hit>) {
        let hay = view.as_bytes();
        let mut i = 0;
        while i < hay.len() {
            if !is_word(hay[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < hay.len() && is_word(hay[j]) {
                j += 1;
            }
            let word = &hay[i..j];
            if word.contains(&b'*') {
                let literal = word.iter().filter(|&&b| b != b'*').count();
                for w in &self.wild {
                    if literal >= 3 && literal * 2 >= w.text.len() && glob(word, &w.text, w.prefix)
                    {
                        let (s, e) = view.original_span(i, j);
                        hits.push(self.hit(w.rule, to_u32(s), to_u32(e)));
                    }
                }
            }
            i = j;
        }
    }

    /// Some regex of `rule` matches in `view` (possibly emptily, which the full pass then
    /// ignores: erring towards the full pass is always safe).
    fn regex_matches(&self, rule: u32, view: &Normalized) -> bool {
        let text = view.text();
        self.rules[rule as usize]
            .regexes
            .iter()
            .any(|re| re.is_match(text))
    }

    fn run_regexes(&self, rule: u32, view: &Normalized, hits: &mut Vec<Hit>) {
        let text = view.text();
        for re in &self.rules[rule as usize].regexes {
            for m in re.find_iter(text) {
                if m.start() == m.end() {
                    continue;
                }
                let (s, e) = view.original_span(m.start(), m.end());
                hits.push(self.hit(rule, to_u32(s), to_u32(e)));
            }
        }
    }

    fn to_match(&self, h: &Hit) -> Match {
        let r = &self.rules[h.rule as usize];
        Match {
            rule: r.id.clone(),
            category: r.category,
            severity: if r.severity.is_some() {
                h.sev
            } else {
                Severity::None
            },
            start: h.s as usize,
            end: h.e as usize,
        }
    }

    fn finish(&self, hits: &[Hit], mut out: Scan) -> Scan {
        out.signals = hits
            .iter()
            .filter(|h| h.sev > Severity::None && self.rules[h.rule as usize].severity.is_none())
            .map(|h| self.to_match(h))
            .collect();
        out.signals
            .sort_by(|a, b| (a.start, a.end, &a.rule).cmp(&(b.start, b.end, &b.rule)));
        out.signals.dedup();
        let mut matches: Vec<Match> = hits
            .iter()
            .filter(|h| h.sev > Severity::None && self.rules[h.rule as usize].severity.is_some())
            .map(|h| self.to_match(h))
            .collect();
        matches.sort_by(|a, b| (a.start, a.end, &a.rule).cmp(&(b.start, b.end, &b.rule)));
        matches.dedup();
        out.severity = matches
            .iter()
            .map(|m| m.severity)
            .max()
            .unwrap_or(Severity::None);
        out.flagged = !matches.is_empty();
        let mut cats: Vec<Category> = matches.iter().map(|m| m.category).collect();
        cats.sort_unstable();
        cats.dedup();
        out.categories = cats;
        out.matches = matches;
        // Only keep combo explanations whose combo survived.
        let kept: Vec<&str> = out.matches.iter().map(|m| m.rule.as_str()).collect();
        out.combos.retain(|(id, _)| kept.contains(&id.as_str()));
        out
    }
}

/// `pattern` (a masked word) holds `*` standing for one to three bytes of `text` (a term).
/// With `prefix`, the word may go on after the whole term.
fn glob(pattern: &[u8], text: &[u8], prefix: bool) -> bool {
    if text.is_empty() && prefix {
        return true;
    }
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (1..=3).any(|k| k <= text.len() && glob(rest, &text[k..], prefix)),
        Some((&b, rest)) => text.first() == Some(&b) && glob(rest, &text[1..], prefix),
    }
}
