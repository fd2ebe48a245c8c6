//! What the second look reads in a message: hashed character n-grams of each word (2 to 5
//! bytes, with the word's edges marked) and hashed words and word pairs, all taken from the
//! normalised text (so `j3 v€ux m0urir` and `je veux mourir` read the same). Each feature is a
//! bucket of a fixed-size table; a message's features all weigh the same, scaled so that
//! their vector has length one (short and long messages alike).

/// Buckets in the feature table (a power of two).
pub const BUCKETS: usize = 1 << 17;

/// The shortest and longest character n-grams, in bytes of the normalised text.
const MIN_GRAM: usize = 2;
const MAX_GRAM: usize = 5;

/// FNV-1a over a kind tag and some byte slices, into a bucket.
fn bucket(kind: u8, parts: &[&[u8]]) -> u32 {
    let mut h: u32 = 0x811c_9dc5 ^ u32::from(kind);
    h = h.wrapping_mul(0x0100_0193);
    for p in parts {
        for &b in *p {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0193);
    }
    h & (BUCKETS as u32 - 1)
}

/// The message's feature buckets, sorted and without duplicates, in `out`.
pub fn features(normalised: &str, out: &mut Vec<u32>) {
    out.clear();
    let words: Vec<&[u8]> = normalised
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::as_bytes)
        .collect();
    let mut padded = Vec::with_capacity(32);
    for (i, w) in words.iter().enumerate() {
        out.push(bucket(b'w', &[w]));
        if let Some(next) = words.get(i + 1) {
            out.push(bucket(b'b', &[w, next]));
        }
        padded.clear();
        padded.push(b'<');
        padded.extend_from_slice(w);
        padded.push(b'>');
        for n in MIN_GRAM..=MAX_GRAM {
            if padded.len() < n {
                break;
            }
            for gram in padded.windows(n) {
                out.push(bucket(b'c', &[gram]));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_stable_deduplicated_and_within_the_table() {
        let mut a = Vec::new();
        features("je veux mourir je veux", &mut a);
        let mut b = Vec::new();
        features("je veux mourir je veux", &mut b);
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert!(a.iter().all(|&f| (f as usize) < BUCKETS));
        // Words, pairs and n-grams: a three-word message has dozens of features.
        assert!(a.len() > 30, "{}", a.len());
        features("", &mut b);
        assert!(b.is_empty());
    }
}
