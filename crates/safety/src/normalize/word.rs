//! Pass 2 of normalisation, one word at a time, for the few words that are not plain letters:
//! leetspeak decoded inside words that also hold letters (`su1c1de`, `c0c@ine`, `v!olee`),
//! masks between letters removed (`sui.cide`) or kept as a wildcard (`s*icide`), repeated
//! letters squeezed.

use super::Unit;

/// True when [`rewrite_word`] can change nothing in `word` but squeeze repeated letters: no
/// digit, no `@ $ | _ *`, and no run of `.`/`!` sitting between two letters (`sui.cide`,
/// `v!olee`). Letters, non-ASCII bytes and other punctuation (`ok...` `#jpp` `a+`) are
/// inert: leetspeak only decodes runs of letters, digits and leet symbols, and a mask only
/// goes when letters stand on both sides.
#[inline]
pub(super) fn is_plain(word: &[u8]) -> bool {
    let mut k = 0;
    while k < word.len() {
        let b = word[k];
        if b.is_ascii_lowercase() || b >= 0x80 {
            k += 1;
            continue;
        }
        if matches!(b, b'.' | b'!') {
            let mut m = k;
            while m < word.len() && matches!(word[m], b'.' | b'!') {
                m += 1;
            }
            let before = k > 0 && word[k - 1].is_ascii_lowercase();
            let after = m < word.len() && word[m].is_ascii_lowercase();
            if before && after {
                return false;
            }
            k = m;
            continue;
        }
        // Any other digit, leet symbol or mask may be rewritten.
        if b.is_ascii_digit() || leet_symbol(b).is_some() || is_mask(b) {
            return false;
        }
        k += 1;
    }
    true
}

/// Leet value of a digit, if it has one.
fn leet_digit(b: u8) -> Option<u8> {
    Some(match b {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'7' => b't',
        _ => return None,
    })
}

fn leet_symbol(b: u8) -> Option<u8> {
    Some(match b {
        b'@' => b'a',
        b'$' => b's',
        b'!' | b'|' => b'i',
        _ => return None,
    })
}

fn is_run_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || leet_symbol(b).is_some()
}

/// Rewrites one space-free word in place. Returns true if a digit was decoded as a letter.
///
/// Masks are resolved both before and after leetspeak so that a mask which only sits between
/// letters once digits are decoded (`a.4b3`) is treated the same on a second normalisation.
pub(super) fn rewrite_word(w: &mut Vec<Unit>, decode_digits: bool) -> bool {
    let mut decoded = false;
    // Each round only removes masks or turns symbols/digits into letters, so this reaches a
    // fixed point quickly; iterating to it is what makes normalisation idempotent.
    for _ in 0..16 {
        let before = w.len();
        resolve_masks(w);
        let mut changed = w.len() != before;
        let mut i = 0;
        while i < w.len() {
            if !is_run_byte(w[i].b) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < w.len() && is_run_byte(w[j].b) {
                j += 1;
            }
            let (c, d) = decode_run(&mut w[i..j], decode_digits);
            changed |= c;
            decoded |= d;
            i = j;
        }
        if !changed {
            break;
        }
    }
    squeeze(w);
    decoded
}

fn is_mask(b: u8) -> bool {
    matches!(b, b'.' | b'_' | b'*')
}

/// A run of mask characters (`.`, `_`, `*`) between two letters is removed (`sui.cide`), except
/// its `*`s which stay as a wildcard (`s*icide`); elsewhere `*` goes and `.`/`_` stay.
fn resolve_masks(w: &mut Vec<Unit>) {
    if !w.iter().any(|u| is_mask(u.b)) {
        return;
    }
    let len = w.len();
    let mut out = 0;
    let mut k = 0;
    while k < len {
        if !is_mask(w[k].b) {
            w[out] = w[k];
            out += 1;
            k += 1;
            continue;
        }
        let mut m = k;
        while m < len && is_mask(w[m].b) {
            m += 1;
        }
        let before = out > 0 && w[out - 1].b.is_ascii_lowercase();
        let after = m < len && w[m].b.is_ascii_lowercase();
        let between = before && after;
        for idx in k..m {
            let u = w[idx];
            let keep = if between { u.b == b'*' } else { u.b != b'*' };
            if keep {
                w[out] = u;
                out += 1;
            }
        }
        k = m;
    }
    w.truncate(out);
}

/// Squeezes repeated letters (and doubled ones) to one, extending the kept span.
fn squeeze(w: &mut Vec<Unit>) {
    let mut out: usize = 0;
    for idx in 0..w.len() {
        let u = w[idx];
        if out > 0 && u.b.is_ascii_lowercase() && w[out - 1].b == u.b {
            w[out - 1].e = u.e;
            continue;
        }
        w[out] = u;
        out += 1;
    }
    w.truncate(out);
}

/// Decodes leetspeak in one run of `[a-z0-9@$!|]`. Digits are decoded only when the run holds a
/// letter and is not a plain number-with-unit (`800mg`, `3eme`) or word-with-number (`h24`).
fn decode_run(run: &mut [Unit], decode_digits: bool) -> (bool, bool) {
    let has_letter = run.iter().any(|u| u.b.is_ascii_lowercase());
    if !has_letter {
        return (false, false);
    }
    let mut changed = false;
    // Symbols: only strictly between two alphanumerics of the run (`v!olee`, `d@ron`).
    let n = run.len();
    for k in 0..n {
        if let Some(l) = leet_symbol(run[k].b) {
            let prev = k > 0 && run[k - 1].b.is_ascii_alphanumeric();
            let next = k + 1 < n && run[k + 1].b.is_ascii_alphanumeric();
            if prev && next {
                run[k].b = l;
                changed = true;
            }
        }
    }
    if !decode_digits || !run.iter().any(|u| leet_digit(u.b).is_some()) || plain_number_shape(run) {
        return (changed, false);
    }
    for u in run.iter_mut() {
        if let Some(l) = leet_digit(u.b) {
            u.b = l;
        }
    }
    (true, true)
}

/// `digits letters` or `letters digits` (or anything with a non-alphanumeric left inside).
fn plain_number_shape(run: &[Unit]) -> bool {
    if run.iter().any(|u| !u.b.is_ascii_alphanumeric()) {
        return true;
    }
    let switches = run
        .windows(2)
        .filter(|p| p[0].b.is_ascii_digit() != p[1].b.is_ascii_digit())
        .count();
    switches <= 1
}
