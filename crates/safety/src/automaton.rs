//! The Aho-Corasick automaton over every term, and the word-boundary encoding that lets it
//! check whole words itself.
//!
//! The automaton is walked byte by byte here rather than through the crate's match iterator: a
//! match costs a table read and a callback, no search state to save and restore. Word
//! boundaries are encoded in the haystack ([`boundary_hay`]) and in the patterns
//! ([`boundary_pattern`]): every non-word byte becomes a space, and a whole-word term carries a
//! space on its bounded side(s). This stays correct because the normalised text is ASCII apart
//! from letters of other scripts (counted as word bytes).

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, nfa, Anchored, MatchKind, StartKind};

use crate::rules::Term;

/// The automaton over every term, a DFA unless there are very many patterns.
#[derive(Debug)]
pub(crate) enum Trie {
    /// The fastest automaton; about 1.9 KiB per pattern (47 MiB for the 25,400 shipped ones).
    Dfa(dfa::DFA),
    /// Past 60,000 patterns a contiguous NFA bounds memory instead.
    Nfa(nfa::contiguous::NFA),
}

impl Trie {
    pub(crate) fn build(patterns: &[Vec<u8>]) -> Result<Trie, aho_corasick::BuildError> {
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

    pub(crate) fn memory_usage(&self) -> usize {
        match self {
            Trie::Dfa(a) => a.memory_usage(),
            Trie::Nfa(a) => a.memory_usage(),
        }
    }

    /// Calls `f(pattern, start, end)` for every match in `hay`, overlapping ones included.
    #[inline]
    pub(crate) fn each_match(&self, hay: &[u8], f: impl FnMut(u32, usize, usize)) {
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

/// A byte that belongs to a word: ASCII letters and digits, the `*` wildcard, and every byte of
/// a non-ASCII letter.
pub(crate) const fn is_word(b: u8) -> bool {
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
pub(crate) fn boundary_hay(text: &[u8], hay: &mut Vec<u8>) {
    hay.clear();
    hay.reserve(text.len() + 2);
    hay.push(b' ');
    hay.extend(text.iter().map(|&b| BOUNDARY_MAP[usize::from(b)]));
    hay.push(b' ');
}

/// The automaton pattern of a term (see [`boundary_hay`]).
pub(crate) fn boundary_pattern(term: &Term) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, left: bool, right: bool) -> Term {
        Term {
            text: text.to_owned(),
            left,
            right,
        }
    }

    /// Every match of `patterns` in the padded `text`, as (pattern, start, end).
    fn matches(patterns: &[Term], text: &str) -> Vec<(u32, usize, usize)> {
        let texts: Vec<Vec<u8>> = patterns.iter().map(boundary_pattern).collect();
        let trie = Trie::build(&texts).unwrap();
        let mut hay = Vec::new();
        boundary_hay(text.as_bytes(), &mut hay);
        let mut out = Vec::new();
        trie.each_match(&hay, |p, s, e| out.push((p, s, e)));
        out
    }

    #[test]
    fn whole_word_patterns_only_match_whole_words() {
        let pats = [term("je", true, true)];
        assert_eq!(matches(&pats, "je"), vec![(0, 0, 4)]);
        assert!(matches(&pats, "jeudi").is_empty());
        assert_eq!(matches(&pats, "(je)").len(), 1);
    }

    #[test]
    fn a_lifted_boundary_matches_inside_words_and_overlaps_are_all_reported() {
        let pats = [term("suicid", true, false), term("cid", false, false)];
        let found = matches(&pats, "suicidaire");
        assert_eq!(found.len(), 2);
        assert!(matches(&pats[..1], "antisuicide").is_empty());
    }
}
