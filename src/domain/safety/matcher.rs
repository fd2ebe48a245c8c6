//! The compiled rule set and the scan of one message.
//!
//! Every term of every rule and exception goes into ONE Aho-Corasick automaton run over the
//! normalised text (overlapping matches, so an idiom and the word inside it are both seen). Word
//! boundaries are checked on bytes afterwards, which stays correct because the normalised text is
//! ASCII apart from letters of other scripts (counted as word bytes). Regexes run only for rules
//! whose prefilter term hit. Then exceptions cancel or lower hits, combinations add raised hits,
//! and the result keeps every span in ORIGINAL byte offsets.
//!
//! Scratch buffers live in a thread-local so a scan allocates only for its result.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, nfa, Anchored, MatchKind, StartKind};

use super::normalize::{Normalized, Normalizer};
use super::rules::{self, Action, IdPattern, Origin, RuleError, Scope, Specs, Term};
use super::{Category, ExceptionApplied, Match, Scan, Severity};

/// The shipped rule files, embedded so the binary works from any directory.
const BUILTIN: &[(&str, &str)] = &[
    ("rules/fr.toml", include_str!("../../../rules/fr.toml")),
    ("rules/en.toml", include_str!("../../../rules/en.toml")),
];

#[derive(Debug, Clone, Copy)]
enum Target {
    /// A rule that flags on its own.
    Rule(u32),
    /// A signal rule (no severity): it only counts inside combinations.
    Signal(u32),
    RuleException(u32),
    Exception(u32),
    When(u32),
}

#[derive(Debug, Clone, Copy)]
struct Pat {
    /// Whole word on the left (right): the automaton pattern starts (ends) with the space that
    /// stands for a word boundary.
    left: bool,
    right: bool,
    /// Some target is a flagging rule or a regex prefilter: a hit on this pattern alone may
    /// flag the message.
    strong: bool,
    /// Some target is a signal rule: a hit may flag the message through a combination.
    signal: bool,
    /// Some target rule is in a combo's anchor group (see `compile`).
    anchor: bool,
    /// Range in `RuleSet::targets` (u32 keeps this table small and cache-friendly).
    first_target: u32,
    end_target: u32,
}

impl Pat {
    fn targets(&self) -> Range<usize> {
        self.first_target as usize..self.end_target as usize
    }

    /// Where a match `[start, end)` of this pattern in the padded haystack (see
    /// [`boundary_hay`]) lies in the normalised text: the boundary spaces are not part of it.
    #[inline]
    fn unpad(&self, start: usize, end: usize, len: usize) -> (u32, u32) {
        let s = (start + usize::from(self.left)).saturating_sub(1).min(len);
        let e = (end - usize::from(self.right)).saturating_sub(1).min(len);
        (to_u32(s), to_u32(e.max(s)))
    }
}

#[derive(Debug)]
struct CompiledRule {
    id: String,
    category: Category,
    /// `None` for a signal rule.
    severity: Option<Severity>,
    regexes: Vec<regex::Regex>,
    /// Indexes of the shared exceptions that apply to this rule.
    exceptions: Vec<u32>,
}

#[derive(Debug)]
struct CompiledException {
    id: String,
    scope: Scope,
    action: Action,
}

#[derive(Debug)]
struct CompiledCombo {
    /// Index of the combo's own entry in `rules`.
    rule: u32,
    /// For each group, membership by rule index.
    groups: Vec<Vec<bool>>,
    /// The same membership as sparse bit sets (the non-zero 64-rule words, with their index),
    /// to skip a combo at once when one of its groups has no hit at all.
    group_bits: Vec<Vec<(u32, u64)>>,
    within: Option<usize>,
}

/// A single-word whole term, for words masked with `*` (`s*icide`).
#[derive(Debug)]
struct WildTerm {
    text: Box<[u8]>,
    /// The term was `word*`: anything may follow it in the masked word.
    prefix: bool,
    rule: u32,
}

/// A compiled, immutable set of rules. `Send + Sync`: share it behind an `Arc`.
#[derive(Debug)]
pub struct RuleSet {
    ac: Trie,
    pats: Vec<Pat>,
    targets: Vec<Target>,
    /// Rules, then one entry per combo.
    rules: Vec<CompiledRule>,
    exceptions: Vec<CompiledException>,
    combos: Vec<CompiledCombo>,
    /// For each rule (combos included), the combos whose anchor group holds it (see
    /// `compile`).
    combos_by_rule: Vec<Vec<u32>>,
    wild: Vec<WildTerm>,
}

/// The Aho-Corasick automaton over every term, walked byte by byte here rather than through
/// the crate's match iterator: a match costs a table read and a callback, no search state to
/// save and restore.
#[derive(Debug)]
enum Trie {
    /// The fastest automaton; about 1.9 KiB per pattern (47 MiB for the 25,400 shipped ones).
    Dfa(dfa::DFA),
    /// Past 60,000 patterns a contiguous NFA bounds memory instead.
    Nfa(nfa::contiguous::NFA),
}

impl Trie {
    fn build(patterns: &[Vec<u8>]) -> Result<Trie, aho_corasick::BuildError> {
        if patterns.len() <= 60_000 {
            dfa::Builder::new()
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Unanchored)
                .prefilter(false)
                .build(patterns)
                .map(Trie::Dfa)
        } else {
            nfa::contiguous::Builder::new()
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(patterns)
                .map(Trie::Nfa)
        }
    }

    fn memory_usage(&self) -> usize {
        match self {
            Trie::Dfa(a) => a.memory_usage(),
            Trie::Nfa(a) => a.memory_usage(),
        }
    }

    /// Calls `f(pattern, start, end)` for every match in `hay`, overlapping ones included.
    #[inline]
    fn each_match(&self, hay: &[u8], f: impl FnMut(u32, usize, usize)) {
        match self {
            Trie::Dfa(a) => walk(a, hay, f),
            Trie::Nfa(a) => walk(a, hay, f),
        }
    }
}

#[inline(always)]
fn walk<A: Automaton>(a: &A, hay: &[u8], mut f: impl FnMut(u32, usize, usize)) {
    // Built with an unanchored start state, so this cannot fail.
    let Ok(mut sid) = a.start_state(Anchored::No) else {
        return;
    };
    for (i, &b) in hay.iter().enumerate() {
        sid = a.next_state(Anchored::No, sid, b);
        if a.is_special(sid) && a.is_match(sid) {
            for k in 0..a.match_len(sid) {
                let pid = a.match_pattern(sid, k);
                let end = i + 1;
                f(pid.as_u32(), end - a.pattern_len(pid), end);
            }
        }
    }
}

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

const fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'*' || b >= 0x80
}

/// Word bytes (see [`is_word`]) kept, every other byte a space.
const BOUNDARY_MAP: [u8; 256] = {
    let mut t = [b' '; 256];
    let mut b = 0usize;
    while b < 256 {
        if is_word(b as u8) {
            t[b] = b as u8;
        }
        b += 1;
    }
    t
};

/// What the automaton reads: `text` with every non-word byte turned into a space, between two
/// spaces. A whole-word term is compiled with a space on its bounded side(s) (`" je "`), so the
/// automaton itself checks word boundaries: `je` inside `jeudi` is never even reported, so
/// short, common terms no longer cost a match (and a check) inside every longer word.
fn boundary_hay(text: &[u8], hay: &mut Vec<u8>) {
    hay.clear();
    hay.reserve(text.len() + 2);
    hay.push(b' ');
    hay.extend(text.iter().map(|&b| BOUNDARY_MAP[usize::from(b)]));
    hay.push(b' ');
}

/// The automaton pattern of a term (see [`boundary_hay`]).
fn boundary_pattern(term: &Term) -> Vec<u8> {
    let mut p = Vec::with_capacity(term.text.len() + 2);
    if term.left {
        p.push(b' ');
    }
    p.extend(term.text.bytes().map(|b| BOUNDARY_MAP[usize::from(b)]));
    if term.right {
        p.push(b' ');
    }
    p
}

fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn to_u32(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

impl RuleSet {
    /// The shipped rules (`rules/*.toml`, embedded in the binary).
    pub fn builtin() -> Result<RuleSet, RuleError> {
        RuleSet::load(true, &[])
    }

    /// The shipped rules (when `include_builtin`) plus every `*.toml` file of each directory,
    /// in file-name order.
    pub fn load(include_builtin: bool, dirs: &[PathBuf]) -> Result<RuleSet, RuleError> {
        let mut files: Vec<(String, String)> = Vec::new();
        if include_builtin {
            files.extend(
                BUILTIN
                    .iter()
                    .map(|(n, s)| ((*n).to_owned(), (*s).to_owned())),
            );
        }
        for dir in dirs {
            files.extend(read_toml_dir(dir)?);
        }
        RuleSet::from_sources(&files)
    }

    /// Compiles rules from (file name, TOML text) pairs; the name is only used in errors.
    pub fn from_sources<N: AsRef<str>, S: AsRef<str>>(
        files: &[(N, S)],
    ) -> Result<RuleSet, RuleError> {
        let mut specs = Specs::default();
        for (name, src) in files {
            rules::parse_file(name.as_ref(), src.as_ref(), &mut specs)?;
        }
        compile(specs)
    }

    /// Number of rules and combinations.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Number of distinct patterns in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.pats.len()
    }

    /// Approximate heap bytes of the compiled set: the automaton (`memory_usage`) plus this
    /// module's own tables (patterns, targets, rule ids, combo membership, masked terms).
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

    /// Heap bytes of the Aho-Corasick automaton alone.
    pub fn automaton_bytes(&self) -> usize {
        self.ac.memory_usage()
    }

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

    fn scan_scratch(&self, text: &str, shortcut: bool) -> Scan {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut sc) => self.scan_with(&mut sc, text, shortcut),
            // Re-entrant use on the same thread (never in practice): use fresh buffers.
            Err(_) => self.scan_with(&mut Scratch::default(), text, shortcut),
        })
    }

    fn scan_with(&self, sc: &mut Scratch, text: &str, shortcut: bool) -> Scan {
        let Scratch {
            norm,
            main,
            digits,
            hay,
            found_main,
            found_digits,
            hits,
            rule_exc,
            exc,
            when,
            present,
            candidates,
        } = sc;
        hits.clear();
        rule_exc.clear();
        exc.clear();
        when.clear();
        // Most messages hit nothing that can flag them. Find that out on the normalised text
        // alone (no map back to the original: about half the cost of normalising), keeping the
        // automaton's matches; only the few messages that may flag are normalised again with
        // the map, and those same matches are then placed in the original text.
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
        if shortcut && !may_flag {
            return Scan::default();
        }
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

    /// True when something found in `view` flags the message on its own: a hit of a flagging
    /// rule that survives its exceptions, or a masked word. Rules whose regex prefilter hit are
    /// pushed to `when` for the caller to run.
    fn strong_hit(&self, view: &Normalized, found: &[Found], when: &mut Vec<u32>) -> bool {
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
    fn signals_may_combine(
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
                    if !c.group_bits.iter().all(|g| group_hit(g, present)) {
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

    /// The one way exceptions act, for the full pass and the shortcut alike: an inline
    /// exception of the rule found over the hit (`inline`) cancels it; otherwise each of the
    /// rule's shared exceptions found where its scope asks (`shared(index, scope)`) cancels or
    /// lowers it, in order, until nothing is left. `applied` hears each step (label, from, to,
    /// where the exception's words were). Returns the severity left.
    fn after_exceptions<S>(
        &self,
        rule: u32,
        mut sev: Severity,
        inline: impl FnOnce() -> Option<S>,
        mut shared: impl FnMut(u32, Scope) -> Option<S>,
        mut applied: impl FnMut(Applied<'_>, Severity, Severity, S),
    ) -> Severity {
        if let Some(at) = inline() {
            applied(Applied::Inline, sev, Severity::None, at);
            return Severity::None;
        }
        let r = &self.rules[rule as usize];
        for &xi in &r.exceptions {
            if sev == Severity::None {
                break;
            }
            let x = &self.exceptions[xi as usize];
            let Some(at) = shared(xi, x.scope) else {
                continue;
            };
            let to = match (x.action, r.severity) {
                (Action::Cancel, _) | (Action::Lower, None) => Severity::None,
                (Action::Lower, Some(_)) => sev.lowered(),
            };
            applied(Applied::Shared(&x.id), sev, to, at);
            sev = to;
        }
        sev
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

    /// Applies inline and shared exceptions to `hits[from..]`, recording what changed.
    fn apply_exceptions(
        &self,
        hits: &mut [Hit],
        from: usize,
        rule_exc: &[Span],
        exc: &[Span],
        out: &mut Scan,
    ) {
        if rule_exc.is_empty() && exc.is_empty() {
            return;
        }
        for h in hits.iter_mut().skip(from) {
            let (rule, span) = (h.rule, (h.s, h.e));
            h.sev = self.after_exceptions(
                rule,
                h.sev,
                || {
                    rule_exc
                        .iter()
                        .find(|x| x.id == rule && overlaps((x.s, x.e), span))
                },
                |xi, scope| {
                    exc.iter().find(|x| {
                        x.id == xi && (scope == Scope::Message || overlaps((x.s, x.e), span))
                    })
                },
                |label, from, to, at| {
                    record(out, label, &self.rules[rule as usize], from, to, span, at);
                },
            );
        }
    }

    fn apply_combos(&self, hits: &mut Vec<Hit>, present: &mut Vec<u64>, out: &mut Scan) {
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

/// Which exception acted on a hit.
#[derive(Debug, Clone, Copy)]
enum Applied<'a> {
    /// One of the rule's own `exceptions`.
    Inline,
    /// A shared `[[exception]]`, by id.
    Shared(&'a str),
}

fn record(
    out: &mut Scan,
    label: Applied<'_>,
    rule: &CompiledRule,
    from: Severity,
    to: Severity,
    span: (u32, u32),
    at: &Span,
) {
    if rule.severity.is_none() {
        // Cancelled signals are not worth explaining one by one.
        return;
    }
    let exception = match label {
        Applied::Inline => format!("{}#exceptions", rule.id),
        Applied::Shared(id) => id.to_owned(),
    };
    out.exceptions.push(ExceptionApplied {
        exception,
        rule: rule.id.clone(),
        from,
        to,
        start: span.0 as usize,
        end: span.1 as usize,
        exception_start: at.s as usize,
        exception_end: at.e as usize,
    });
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
fn group_hit(group: &[(u32, u64)], present: &[u64]) -> bool {
    group
        .iter()
        .any(|&(w, mask)| present.get(w as usize).is_some_and(|p| p & mask != 0))
}

/// Indexes of the set bits, in order.
fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(w, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            (rest != 0).then(|| {
                let i = w * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                i
            })
        })
    })
}

fn has_bit(bits: &[u64], i: u32) -> bool {
    bits.get(i as usize / 64)
        .is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn set_bit(bits: &mut [u64], i: u32) {
    if let Some(w) = bits.get_mut(i as usize / 64) {
        *w |= 1 << (i % 64);
    }
}

fn gap(a: (u32, u32), b: (u32, u32)) -> usize {
    let lo = a.1.min(b.1);
    let hi = a.0.max(b.0);
    hi.saturating_sub(lo) as usize
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

/// Reads every `*.toml` file of `dir`, sorted by name.
fn read_toml_dir(dir: &Path) -> Result<Vec<(String, String)>, RuleError> {
    let io_err = |file: &Path, e: std::io::Error| RuleError {
        file: file.display().to_string(),
        line: 0,
        reason: e.to_string(),
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io_err(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| io_err(&p, e))?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

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

fn compile(specs: Specs) -> Result<RuleSet, RuleError> {
    let mut rules: Vec<CompiledRule> = Vec::new();
    let mut first_seen: HashMap<String, Origin> = HashMap::new();
    let mut by_term: HashMap<Term, Vec<Target>> = HashMap::new();
    let mut wild = Vec::new();
    let mut note_id = |id: &str, origin: &Origin| -> Result<(), RuleError> {
        if let Some(first) = first_seen.get(id) {
            return Err(origin.error(format!(
                "duplicate id `{id}` (first in {}:{})",
                first.file, first.line
            )));
        }
        first_seen.insert(id.to_owned(), origin.clone());
        Ok(())
    };
    for (i, r) in specs.rules.iter().enumerate() {
        note_id(&r.id, &r.origin)?;
        let ri = to_u32(i);
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
        rules.push(CompiledRule {
            id: r.id.clone(),
            category: r.category,
            severity: r.severity,
            regexes: r.regexes.clone(),
            exceptions: Vec::new(),
        });
    }
    for c in &specs.combos {
        note_id(&c.id, &c.origin)?;
    }
    // Combos may name rules and earlier combos.
    let mut combos = Vec::new();
    for c in &specs.combos {
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
    // Group membership vectors must cover every rule index, including later combos.
    let n = rules.len();
    for c in &mut combos {
        for g in &mut c.groups {
            g.resize(n, false);
        }
        c.group_bits = c
            .groups
            .iter()
            .map(|g| {
                let mut bits = vec![0u64; n.div_ceil(64)];
                for (i, _) in g.iter().enumerate().filter(|(_, &m)| m) {
                    set_bit(&mut bits, to_u32(i));
                }
                bits.iter()
                    .enumerate()
                    .filter(|(_, &w)| w != 0)
                    .map(|(w, &mask)| (to_u32(w), mask))
                    .collect()
            })
            .collect();
    }
    let ids: Vec<String> = rules.iter().map(|r| r.id.clone()).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut exceptions = Vec::new();
    for (xi, x) in specs.exceptions.iter().enumerate() {
        let what = format!("exception `{}`", x.id);
        check_patterns(&what, &x.rules, &id_refs, &x.origin)?;
        for r in rules.iter_mut() {
            let by_id = x.rules.iter().any(|p| p.matches(&r.id));
            let by_cat = x.categories.contains(&r.category);
            let everything = x.rules.is_empty() && x.categories.is_empty();
            if by_id || by_cat || everything {
                r.exceptions.push(to_u32(xi));
            }
        }
        for t in &x.terms {
            by_term
                .entry(t.clone())
                .or_default()
                .push(Target::Exception(to_u32(xi)));
        }
        exceptions.push(CompiledException {
            id: x.id.clone(),
            scope: x.scope,
            action: x.action,
        });
    }
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
    let ac = Trie::build(&texts).map_err(|e| RuleError {
        file: "(all rules)".into(),
        line: 0,
        reason: format!("cannot build the matcher: {e}"),
    })?;
    // The shortcut looks a combo up only through the rules of ONE of its groups, its anchor: a
    // combo cannot hold unless every group, the anchor included, has a hit. The anchor is the
    // group least likely to hit, estimated from its terms, short ones weighing most ("t", "tu",
    // "je" are everywhere, "dolipranes" is not), so common signals rarely wake a combo up.
    let mut commonness = vec![0usize; rules.len()];
    for (p, text) in pats.iter().zip(&texts) {
        let len = text.len() - usize::from(p.left) - usize::from(p.right);
        let weight = 1usize << (2 * (6 - len.min(6)));
        for t in &targets[p.targets()] {
            if let Target::Rule(r) | Target::Signal(r) = *t {
                commonness[r as usize] += weight;
            }
        }
    }
    let mut combos_by_rule: Vec<Vec<u32>> = vec![Vec::new(); rules.len()];
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
    for p in &mut pats {
        p.anchor = targets[p.targets()]
            .iter()
            .any(|t| matches!(*t, Target::Rule(r) | Target::Signal(r) if !combos_by_rule[r as usize].is_empty()));
    }
    Ok(RuleSet {
        ac,
        pats,
        targets,
        rules,
        exceptions,
        combos,
        combos_by_rule,
        wild,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"
[[rule]]
id = "t.die"
category = "suicide_selfharm"
severity = "high"
terms = ["veux mourir", "suicid*"]
exceptions = ["mourir de rire"]

[[rule]]
id = "t.time"
category = "suicide_selfharm"
severity = "signal"
terms = ["ce soir"]

[[rule]]
id = "t.dose"
category = "substances"
severity = "medium"
when = ["*mg"]
regex = ['\b\d+ ?mg\b']

[[exception]]
id = "t.lol"
terms = ["mdr"]
scope = "message"
action = "lower"
categories = ["suicide_selfharm"]

[[combo]]
id = "t.plan"
category = "suicide_selfharm"
severity = "critical"
all = [["t.die"], ["t.time"]]
"#;

    fn set() -> RuleSet {
        RuleSet::from_sources(&[("mini.toml", MINI)]).unwrap()
    }

    #[test]
    fn a_term_is_found_through_obfuscation_with_its_original_span() {
        let text = "Je VEUX m o u r i r";
        let s = set().scan(text);
        assert!(s.flagged);
        assert_eq!(s.severity, Severity::High);
        let m = &s.matches[0];
        assert_eq!(&text[m.start..m.end], "VEUX m o u r i r");
    }

    #[test]
    fn the_automaton_itself_respects_word_boundaries() {
        // Whole on both sides: not inside a longer word, fine next to punctuation.
        assert!(set().scan("(je veux mourir)").flagged);
        assert!(!set().scan("il en reveux mourirx").flagged);
        // `suicid*`: whole on the left only.
        assert!(set().scan("suicidaire").flagged);
        assert!(!set().scan("antisuicide").flagged);
        let text = "Suicide!!";
        let s = set().scan(text);
        assert_eq!(&text[s.matches[0].start..s.matches[0].end], "Suicid");
    }

    #[test]
    fn a_time_with_intent_is_critical_and_alone_flags_nothing() {
        assert_eq!(
            set().scan("je veux mourir ce soir").severity,
            Severity::Critical
        );
        assert!(!set().scan("on se voit ce soir").flagged);
    }

    #[test]
    fn exceptions_cancel_or_lower() {
        assert!(!set().scan("je veux mourir de rire").flagged);
        let s = set().scan("je veux mourir mdr");
        assert_eq!(s.severity, Severity::Medium);
        assert_eq!(s.exceptions[0].exception, "t.lol");
    }

    #[test]
    fn regexes_run_on_the_digit_view() {
        let s = set().scan("j'ai pris 800mg");
        assert_eq!(s.categories, vec![Category::Substances]);
    }

    #[test]
    fn masked_words_match_single_word_terms() {
        assert!(set().scan("le s*icide").flagged);
        let s = RuleSet::from_sources(&[(
            "m.toml",
            "[[rule]]\nid='x'\ncategory='harassment'\nseverity='medium'\nterms=['pute']\n",
        )])
        .unwrap();
        assert!(s.scan("fils de p*te").flagged);
        assert!(!s.scan("computer").flagged);
    }

    #[test]
    fn a_combo_naming_no_rule_is_refused() {
        let src = "[[rule]]\nid='a'\ncategory='distress'\nseverity='low'\nterms=['x y']\n[[combo]]\nid='c'\ncategory='distress'\nseverity='high'\nall=[['a'],['b']]\n";
        let e = RuleSet::from_sources(&[("c.toml", src)]).unwrap_err();
        assert_eq!(e.to_string(), "c.toml:7: combo `c`: `b` names no rule");
    }

    #[test]
    fn the_builtin_rules_compile() {
        let r = RuleSet::builtin().unwrap();
        assert!(r.rule_count() > 50);
    }
}
