//! Pass 1 of normalisation, one character at a time: ASCII bytes through a table; other
//! characters through NFKD with combining marks and invisible characters dropped, case folded,
//! look-alike letters folded to Latin, risk emoji turned into word tokens (tables in
//! `emoji.rs`), any other symbol a space. The Latin range is cached in a table built by the
//! same function.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::emoji;

/// Pass-1 mapping of an ASCII byte: lowercase letters, separators (apostrophe, backquote, dash,
/// whitespace, punctuation that cannot stand for a letter) to a space, other controls dropped
/// (0), everything else kept.
pub(super) const ASCII_MAP: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0u8;
    while b < 128 {
        t[b as usize] = match b {
            b'A'..=b'Z' => b + 32,
            b'\'' | b'`' | b'-' | b'\t' | b'\n' | b'\r' | b' ' | 0x0B | 0x0C => b' ',
            // Punctuation that never hides a letter ends a word, so `"mourir"`, `f r a p p e,`
            // and `salut,toi` read as words; `. ! * _ @ $ |` stay for masks and leetspeak.
            b',' | b';' | b':' | b'?' | b'"' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => b' ',
            0..=0x1F | 0x7F => 0,
            _ => b,
        };
        b += 1;
    }
    t
};

/// Chars below this (and above ASCII) are folded through [`latin_table`].
pub(super) const LATIN_END: u32 = 0x250;

/// What pass 1 emits for one char, if at most 4 bytes (`len == u8::MAX`: not cached).
#[derive(Debug, Clone, Copy)]
pub(super) struct Folded {
    pub(super) len: u8,
    pub(super) bytes: [u8; 4],
}

/// What [`fold_char`] emits for every char in U+0080..U+0250 (Latin-1, Latin Extended-A and
/// -B), computed once by [`fold_char`] itself, so both agree by construction.
pub(super) fn latin_table() -> &'static [Folded] {
    static TABLE: std::sync::OnceLock<Vec<Folded>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut buf = Vec::new();
        (0x80..LATIN_END)
            .map(|cp| {
                let mut f = Folded {
                    len: u8::MAX,
                    bytes: [0; 4],
                };
                if let Some(c) = char::from_u32(cp) {
                    buf.clear();
                    fold_char(c, &mut buf);
                    if buf.len() <= f.bytes.len() {
                        f.bytes[..buf.len()].copy_from_slice(&buf);
                        f.len = buf.len() as u8;
                    }
                }
                f
            })
            .collect()
    })
}

/// Pass 1 for one non-ASCII char: NFKD, combining marks and invisible characters dropped,
/// lowercased, look-alikes folded, risk emoji turned into a token between spaces, any other
/// symbol a space. Pushes the resulting bytes (spaces included) to `out`.
pub(super) fn fold_char(c: char, out: &mut Vec<u8>) {
    if emoji::is_invisible(c) || is_combining_mark(c) {
        return;
    }
    if let Some(token) = emoji::emoji_token(c) {
        out.push(b' ');
        out.extend_from_slice(token.as_bytes());
        out.push(b' ');
        return;
    }
    if emoji::is_apostrophe(c) || emoji::is_dash(c) || c.is_whitespace() {
        out.push(b' ');
        return;
    }
    if emoji::is_dot(c) {
        out.push(b'.');
        return;
    }
    // Anything that decomposes to nothing (a lone combining sequence) leaves no trace.
    decompose_compatible(c, |d| {
        if is_combining_mark(d) || emoji::is_invisible(d) {
            return;
        }
        for l in d.to_lowercase() {
            emit_folded(l, out, 0);
        }
    });
}

/// Emit one decomposed, lowercased char, folding look-alikes; non-alphanumerics become a
/// space. Recurses (bounded) when case folding produced something that decomposes again.
fn emit_folded(l: char, out: &mut Vec<u8>, depth: u8) {
    if is_combining_mark(l) || emoji::is_invisible(l) {
        return;
    }
    if l.is_ascii() {
        let m = ASCII_MAP[usize::from(l as u8 & 0x7F)];
        if m != 0 {
            out.push(m);
        }
        return;
    }
    if let Some(f) = emoji::fold_letter(l) {
        out.extend_from_slice(f.as_bytes());
        return;
    }
    if emoji::is_dot(l) {
        out.push(b'.');
        return;
    }
    if !l.is_alphanumeric() || emoji::is_apostrophe(l) || emoji::is_dash(l) {
        out.push(b' ');
        return;
    }
    // Keep only characters that are stable under another round (NFKD + lowercase).
    let mut stable = true;
    let mut n = 0;
    decompose_compatible(l, |d| {
        n += 1;
        if d != l {
            stable = false;
        }
    });
    if n != 1 || l.to_lowercase().ne(std::iter::once(l)) {
        stable = false;
    }
    if stable {
        let mut buf = [0u8; 4];
        out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
    } else if depth < 3 {
        let mut parts: Vec<char> = Vec::new();
        decompose_compatible(l, |d| parts.extend(d.to_lowercase()));
        for p in parts {
            emit_folded(p, out, depth + 1);
        }
    }
}
