//! The Aho-Corasick automaton over every term, and the word-boundary encoding that lets it
//! check whole words itself.
//!
//! Word boundaries are encoded in the haystack ([`boundary_hay`]) and in the patterns
//! ([`boundary_pattern`]): every non-word byte becomes a space, and a whole-word term carries a
//! space on its bounded side(s). This stays correct because the normalised text is ASCII apart
//! from letters of other scripts (counted as word bytes).

use std::fmt;

use daachorse::errors::DaachorseError;
use daachorse::{DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder, MatchKind};

use crate::rules::Term;

/// The automaton over every term: a double-array Aho-Corasick automaton (`daachorse`,
/// standard match kind, every overlapping match reported with its pattern id).
///
/// It replaced aho-corasick's DFA (issue 16), which took about 1.9 KiB a pattern. Measured on
/// the shipped rules (25,432 patterns) on the shared 2-core development machine, 2026-12-06:
///
/// | | DFA (before) | double array (now) |
/// |---|---|---|
/// | automaton heap | 46,886 KiB | 2,471 KiB |
/// | with 5,000 extra keywords (30,432 patterns) | 55,393 KiB | 2,916 KiB |
/// | automaton pass alone, everyday / stress mix | 219 / 243 ns a message | 0.91-0.96x / 0.98x that |
/// | whole scan, everyday mix: msg/s; ratio to a bare automaton | 956,074; 2.35x | 1,009,616; 2.25x |
/// | whole scan, stress mix | 488,996; 4.31x | 489,817; 4.30x |
/// | compiling the shipped rules | 259-327 ms | 164-213 ms |
/// | `promeneur scan`, four lines: peak RSS; RSS at rest | 76-78 MiB; 71-72 MiB | 51 MiB; 33 MiB |
///
/// Whole scans and compile time: `cargo bench -p promeneur-safety --bench safety --
/// --warm-up-time 1 --measurement-time 3` (the everyday ratio moved between 2.33 and 2.56x
/// over five runs before, between 2.24 and 2.35x over four after); RSS: see the README
/// (*Benchmarks and fuzzing*). The pass alone (the normalised, padded messages of both mixes,
/// each representation timed in rounds alternating with the DFA's, median ratio) came from a
/// throwaway harness. The DFA's table is far larger than the caches, so its one read a byte is
/// often a miss; the double array reads a few entries a byte (failure links) from a table
/// that fits in L2.
///
/// Also measured, automaton pass alone (time relative to the DFA's): aho-corasick's
/// contiguous NFA, 2,632 KiB, 1.31-1.36x (`dense_depth` 2 to 10: 1.24-1.49x, up to 11,092
/// KiB), about 90 ns more a message, some 8% of a whole everyday scan; its non-contiguous NFA,
/// 5,754 KiB, slower still (whole everyday scans 3.64x the bare automaton); the DFA without
/// byte classes, 184,610 KiB, 1.19-1.28x; daachorse's charwise automaton, 3,168 KiB,
/// 1.05-1.08x; daachorse's 2-gram prefilter, 64 KiB more and no measurable gain, so it is off.
pub(crate) struct Trie(DoubleArrayAhoCorasick<u32>);

impl fmt::Debug for Trie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trie")
            .field("states", &self.0.num_states())
            .field("heap_bytes", &self.0.heap_bytes())
            .finish()
    }
}

impl Trie {
    /// The automaton over `patterns`, each reported as its index. Patterns may repeat (each
    /// copy is reported); none may be empty (a term never is).
    pub(crate) fn build(patterns: &[Vec<u8>]) -> Result<Trie, DaachorseError> {
        DoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .use_prefilter(false)
            .build(patterns)
            .map(Trie)
    }

    pub(crate) fn memory_usage(&self) -> usize {
        self.0.heap_bytes()
    }

    /// Calls `f(pattern, start, end)` for every match in `hay`, overlapping ones included, in
    /// order of end, the longest first among those ending at the same byte.
    #[inline]
    pub(crate) fn each_match(&self, hay: &[u8], mut f: impl FnMut(u32, usize, usize)) {
        for m in self.0.find_overlapping_iter(hay) {
            f(m.value(), m.start(), m.end());
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

    #[test]
    fn repeated_patterns_are_each_reported() {
        // `a-b` and `a'b` are distinct terms with the same automaton pattern.
        let pats = [term("a-b", true, true), term("a'b", true, true)];
        assert_eq!(matches(&pats, "x a b"), vec![(0, 2, 7), (1, 2, 7)]);
    }

    /// The reference: aho-corasick's DFA (the automaton before issue 16), walked byte by byte.
    fn dfa_matches(patterns: &[Vec<u8>], hay: &[u8]) -> Vec<(u32, usize, usize)> {
        use aho_corasick::automaton::Automaton;
        use aho_corasick::{dfa, Anchored, StartKind};
        let a = dfa::Builder::new()
            .match_kind(aho_corasick::MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .prefilter(false)
            .build(patterns)
            .unwrap();
        let mut out = Vec::new();
        let mut sid = a.start_state(Anchored::No).unwrap();
        for (i, &b) in hay.iter().enumerate() {
            sid = a.next_state(Anchored::No, sid, b);
            if a.is_special(sid) && a.is_match(sid) {
                for k in 0..a.match_len(sid) {
                    let pid = a.match_pattern(sid, k);
                    out.push((pid.as_u32(), i + 1 - a.pattern_len(pid), i + 1));
                }
            }
        }
        out
    }

    proptest::proptest! {
        /// Every match, in the same order, as the DFA: small alphabets so that patterns overlap,
        /// nest, repeat and share suffixes.
        #[test]
        fn same_matches_as_the_dfa(
            patterns in proptest::collection::vec("[ ab\u{e9}]{1,5}", 1..40),
            hay in "[ abc\u{e9}]{0,60}",
        ) {
            let patterns: Vec<Vec<u8>> = patterns.into_iter().map(String::into_bytes).collect();
            let trie = Trie::build(&patterns).unwrap();
            let mut found = Vec::new();
            trie.each_match(hay.as_bytes(), |p, s, e| found.push((p, s, e)));
            proptest::prop_assert_eq!(found, dfa_matches(&patterns, hay.as_bytes()));
        }
    }
}
