//! Normalisation of messages and rule terms, with a map back to the original text.
//!
//! One linear pass over reusable buffers, in two stages:
//! 1. per character: NFKD (compatibility, which covers fullwidth and mathematical alphabets),
//!    combining marks dropped (accents, zalgo), case folded, Cyrillic/Greek look-alikes folded to
//!    Latin, invisible characters (zero-width, bidi overrides, controls) dropped, risk emoji turned
//!    into word tokens, any other symbol or punctuation outside ASCII turned into a space;
//! 2. per word, as soon as a separator ends it: leetspeak (`su1c1de`, `c0c@ine`, `v!olee`)
//!    decoded inside words that also hold letters, masks between letters removed (`sui.cide`)
//!    or kept as a wildcard (`s*icide`), repeated letters squeezed (`mouriiiir`, and also
//!    doubled letters, so that `agression` and `aggression` meet), and runs of spaced single
//!    letters joined (`m o u r i r`).
//!
//! Every normalised byte remembers the byte span of the original character it came from, so a
//! match is reported on char boundaries of the original text. The same function normalises rule
//! terms, which is what makes rules and messages meet. `normalize(normalize(x)) == normalize(x)`.
//!
//! Leetspeak is decoded only when a digit sits inside letters: `800mg`, `2h`, `3eme` and `h24`
//! keep their digits. A second view without any digit decoding is produced on demand (see
//! [`Normalizer::run`]) so that doses and counts survive even in words that looked like leet.
//!
//! This file holds the output ([`Normalized`]) and the single pass ([`Normalizer`]); pass 1 for
//! one character is in `fold.rs`, pass 2 for one unusual word in `word.rs`.

mod fold;
#[cfg(test)]
mod tests;
mod word;

use crate::bits::to_u32;
use fold::{fold_char, latin_table, ASCII_MAP, LATIN_END};
use word::{is_plain, rewrite_word};

/// A normalised text with, for every byte, the original byte span that produced it.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// The normalised text (UTF-8): lowercase ASCII words, single spaces, no leading/trailing
    /// space. Non-ASCII letters of other scripts are kept as they are.
    bytes: Vec<u8>,
    starts: Vec<u32>,
    ends: Vec<u32>,
    /// True when at least one digit was decoded as a letter.
    pub leet_digits: bool,
}

impl Normalized {
    /// Original byte span of the normalised byte range `[start, end)`; `end > start`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.starts.get(start).copied().unwrap_or(0) as usize;
        let e = self.ends.get(end.saturating_sub(1)).copied().unwrap_or(0) as usize;
        (s, e.max(s))
    }

    /// The normalised text.
    pub fn text(&self) -> &str {
        // Words only ever lose or rewrite ASCII bytes, and non-ASCII sequences are copied whole,
        // so this never fails; an empty string is the harmless fallback.
        std::str::from_utf8(&self.bytes).unwrap_or("")
    }

    /// The normalised text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of normalised bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True when nothing survived normalisation.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.starts.clear();
        self.ends.clear();
        self.leet_digits = false;
    }

    /// Keeps the first `len` bytes (and their spans, if tracked).
    fn truncate(&mut self, len: usize) {
        self.bytes.truncate(len);
        self.starts.truncate(len);
        self.ends.truncate(len);
    }
}

/// Normalise `text` (allocating). For rule terms and tests; the scan engine reuses a
/// [`Normalizer`].
pub fn normalize(text: &str) -> String {
    let mut n = Normalizer::default();
    let mut out = Normalized::default();
    n.run(text, true, &mut out);
    out.text().to_owned()
}

/// Reusable scratch buffers for normalisation.
#[derive(Debug, Default)]
pub struct Normalizer {
    /// A word is being written at the end of the output.
    in_word: bool,
    /// Where the current word starts in the output, and where its separator sits (the same
    /// offset when it has none, at the very start).
    word_start: usize,
    sep_pos: usize,
    /// The word holds a byte other than a lowercase ASCII letter or a non-ASCII byte.
    not_letters: bool,
    /// The separator before the next word (the last space seen).
    sep: Unit,
    decode_leet_digits: bool,
    /// The run of single-letter words at the end of the output (`m o u r i r`): how many,
    /// where it starts (its first separator), and whether one is not a common French
    /// one-letter word.
    run_len: usize,
    run_start: usize,
    run_uncommon: bool,
    /// Pass-1 bytes of one non-ASCII char outside the Latin table.
    chr: Vec<u8>,
    /// The word being rewritten by [`rewrite_word`].
    word: Vec<Unit>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Unit {
    b: u8,
    s: u32,
    e: u32,
}

impl Normalizer {
    /// Normalise `text` into `out`. With `decode_leet_digits` false, digits always stay digits
    /// (the "digit view"); symbols such as `@` or `!` inside words are still decoded.
    pub fn run(&mut self, text: &str, decode_leet_digits: bool, out: &mut Normalized) {
        self.run_impl::<true>(text, decode_leet_digits, out);
    }

    /// Like [`Normalizer::run`] but without the map back to the original text: `out` gets the
    /// same normalised bytes (and `leet_digits`), and [`Normalized::original_span`] answers
    /// `(0, 0)`. Cheaper (no span buffers); the scan engine uses it to find the (few) messages
    /// that need a full pass.
    pub fn run_text_only(&mut self, text: &str, decode_leet_digits: bool, out: &mut Normalized) {
        self.run_impl::<false>(text, decode_leet_digits, out);
    }

    /// One pass over the text: each char goes through pass 1 (see [`fold_char`]) and is
    /// written straight to the output as part of the current word; each separator hands the
    /// word to pass 2 ([`Normalizer::end_word`]), which leaves the usual word where it is.
    fn run_impl<const SPANS: bool>(
        &mut self,
        text: &str,
        decode_leet_digits: bool,
        out: &mut Normalized,
    ) {
        out.clear();
        self.in_word = false;
        self.not_letters = false;
        self.run_len = 0;
        self.run_uncommon = false;
        self.decode_leet_digits = decode_leet_digits;
        self.sep = Unit {
            b: b' ',
            s: 0,
            e: 0,
        };
        let raw = text.as_bytes();
        out.bytes.reserve(raw.len());
        if SPANS {
            out.starts.reserve(raw.len());
            out.ends.reserve(raw.len());
        }
        let mut i = 0;
        while i < raw.len() {
            let b = raw[i];
            if b.is_ascii() {
                // Letters, digits and kept punctuation join the word; separators end it;
                // other control characters are dropped.
                match ASCII_MAP[usize::from(b)] {
                    0 => {}
                    b' ' => self.space::<SPANS>(i, i + 1, out),
                    m => self.push_byte::<SPANS>(m, i, i + 1, out),
                }
                i += 1;
                continue;
            }
            // `i` is always on a char boundary: ASCII bytes and whole chars are stepped over.
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            let e = i + c.len_utf8();
            self.non_ascii::<SPANS>(c, i, e, out);
            i = e;
        }
        if self.in_word {
            self.end_word::<SPANS>(out);
        }
        let end = out.bytes.len();
        self.close_run::<SPANS>(out, end);
    }

    /// One pass-1 byte of the current word, written to the output (after the word's
    /// separator when it is the word's first byte). Repeated letters are squeezed as they
    /// come (`mouriiiir`, and doubled letters too, so that `agression` and `aggression`
    /// meet): the kept letter's span grows to cover the others.
    #[inline]
    fn push_byte<const SPANS: bool>(&mut self, b: u8, s: usize, e: usize, out: &mut Normalized) {
        let letter = b.is_ascii_lowercase();
        if !self.in_word {
            self.in_word = true;
            self.sep_pos = out.bytes.len();
            push_sep::<SPANS>(out, self.sep);
            self.word_start = out.bytes.len();
        } else if letter && out.bytes.last() == Some(&b) {
            if SPANS {
                if let Some(last) = out.ends.last_mut() {
                    *last = to_u32(e);
                }
            }
            return;
        }
        self.not_letters |= !letter && b < 0x80;
        out.bytes.push(b);
        if SPANS {
            // Messages are capped far below 4 GiB by Discord; saturate rather than wrap.
            out.starts.push(to_u32(s));
            out.ends.push(to_u32(e));
        }
    }

    /// A separator: the current word ends.
    #[inline]
    fn space<const SPANS: bool>(&mut self, s: usize, e: usize, out: &mut Normalized) {
        if self.in_word {
            self.end_word::<SPANS>(out);
        }
        self.sep = Unit {
            b: b' ',
            s: to_u32(s),
            e: to_u32(e),
        };
    }

    /// One non-ASCII char: Latin letters with diacritics (the bulk of French text) come from a
    /// table built once by [`fold_char`], anything else from [`fold_char`] itself.
    #[inline]
    fn non_ascii<const SPANS: bool>(&mut self, c: char, s: usize, e: usize, out: &mut Normalized) {
        let cp = u32::from(c);
        if cp < LATIN_END {
            let f = latin_table()[(cp - 0x80) as usize];
            if f.len != u8::MAX {
                for &b in &f.bytes[..usize::from(f.len)] {
                    self.feed::<SPANS>(b, s, e, out);
                }
                return;
            }
        }
        let mut chr = std::mem::take(&mut self.chr);
        chr.clear();
        fold_char(c, &mut chr);
        for &b in &chr {
            self.feed::<SPANS>(b, s, e, out);
        }
        self.chr = chr;
    }

    #[inline]
    fn feed<const SPANS: bool>(&mut self, b: u8, s: usize, e: usize, out: &mut Normalized) {
        if b == b' ' {
            self.space::<SPANS>(s, e, out);
        } else {
            self.push_byte::<SPANS>(b, s, e, out);
        }
    }

    /// Pass 2 for the current (non-empty) word, which sits at the end of the output: a plain
    /// word (see [`is_plain`]; the vast majority) stays as it is; others are rewritten
    /// ([`rewrite_word`]: leetspeak, masks). A single letter joins the run of single letters;
    /// any other word first closes that run ([`Normalizer::close_run`]).
    fn end_word<const SPANS: bool>(&mut self, out: &mut Normalized) {
        self.in_word = false;
        let not_letters = std::mem::take(&mut self.not_letters);
        let word = &out.bytes[self.word_start..];
        if !not_letters || is_plain(word) {
            if word.len() == 1 && word[0].is_ascii_lowercase() {
                let (at, letter) = (self.sep_pos, word[0]);
                self.note_single(at, letter);
            } else {
                self.close_run::<SPANS>(out, self.sep_pos);
            }
            return;
        }
        self.word.clear();
        for k in self.word_start..out.bytes.len() {
            let (s, e) = if SPANS {
                (out.starts[k], out.ends[k])
            } else {
                (0, 0)
            };
            self.word.push(Unit {
                b: out.bytes[k],
                s,
                e,
            });
        }
        out.truncate(self.sep_pos);
        out.leet_digits |= rewrite_word(&mut self.word, self.decode_leet_digits);
        if self.word.is_empty() {
            return;
        }
        let single = self.word.len() == 1 && self.word[0].b.is_ascii_lowercase();
        if !single {
            let end = out.bytes.len();
            self.close_run::<SPANS>(out, end);
        }
        let at = out.bytes.len();
        push_sep::<SPANS>(out, self.sep);
        for u in &self.word {
            push_out::<SPANS>(out, *u);
        }
        if single {
            self.note_single(at, self.word[0].b);
        }
    }

    /// A single-letter word was written at `at` (its separator, if any, included).
    #[inline]
    fn note_single(&mut self, at: usize, letter: u8) {
        if self.run_len == 0 {
            self.run_start = at;
        }
        self.run_len += 1;
        self.run_uncommon |= !common_single(letter);
    }

    /// Ends the run of single letters, which occupies `out[run_start..end]`: joined into one
    /// word when it looks spelled out (`m o u r i r`, repeated letters squeezed), else left as
    /// it is. Whatever follows `end` (the current word) moves back accordingly.
    fn close_run<const SPANS: bool>(&mut self, out: &mut Normalized, end: usize) {
        let letters = std::mem::take(&mut self.run_len);
        let uncommon = std::mem::take(&mut self.run_uncommon);
        if !(letters >= 3 && (letters >= 5 || uncommon)) {
            return;
        }
        let mut r = self.run_start;
        if out.bytes[r] == b' ' {
            // The first letter's separator stays.
            r += 1;
        }
        let mut w = r;
        let mut last = None;
        while r < end {
            let b = out.bytes[r];
            if b != b' ' {
                if last == Some(b) {
                    if SPANS {
                        out.ends[w - 1] = out.ends[r];
                    }
                } else {
                    out.bytes[w] = b;
                    if SPANS {
                        out.starts[w] = out.starts[r];
                        out.ends[w] = out.ends[r];
                    }
                    last = Some(b);
                    w += 1;
                }
            }
            r += 1;
        }
        let removed = end - w;
        out.bytes.copy_within(end.., w);
        let len = out.bytes.len() - removed;
        if SPANS {
            out.starts.copy_within(end.., w);
            out.ends.copy_within(end.., w);
        }
        out.truncate(len);
    }
}

/// Pushes a byte into the final output.
#[inline]
fn push_out<const SPANS: bool>(out: &mut Normalized, u: Unit) {
    out.bytes.push(u.b);
    if SPANS {
        out.starts.push(u.s);
        out.ends.push(u.e);
    }
}

/// A single space between words (never at the start).
#[inline]
fn push_sep<const SPANS: bool>(out: &mut Normalized, sep: Unit) {
    if !out.bytes.is_empty() {
        push_out::<SPANS>(out, sep);
    }
}

/// Letters that are words on their own in French (`a`, `y`) or elided (`j'`, `l'`, `c'`...):
/// a short run made only of these is ordinary text, not a spaced-out word.
fn common_single(b: u8) -> bool {
    matches!(
        b,
        b'a' | b'y' | b'j' | b'l' | b'c' | b'd' | b'm' | b't' | b's' | b'n'
    )
}
