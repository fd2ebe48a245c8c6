//! Small helpers shared by compilation and the scan engine: bit sets over rule or combo
//! indexes (`Vec<u64>` words), and the saturating `usize` to `u32` conversion used by the
//! compact tables.

/// Indexes of the set bits, in order.
pub(crate) fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
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

pub(crate) fn has_bit(bits: &[u64], i: u32) -> bool {
    bits.get(i as usize / 64)
        .is_some_and(|w| w & (1 << (i % 64)) != 0)
}

pub(crate) fn set_bit(bits: &mut [u64], i: u32) {
    if let Some(w) = bits.get_mut(i as usize / 64) {
        *w |= 1 << (i % 64);
    }
}

/// `x` as a `u32`, saturating (messages and rule sets stay far below 4 GiB / 4 G entries).
pub(crate) fn to_u32(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_bits_are_listed_in_order_across_words() {
        let mut bits = vec![0u64; 3];
        for i in [0, 5, 63, 64, 130] {
            set_bit(&mut bits, i);
        }
        assert_eq!(ones(&bits).collect::<Vec<_>>(), vec![0, 5, 63, 64, 130]);
        assert!(has_bit(&bits, 64) && !has_bit(&bits, 65));
        // Out of range: ignored, never a panic.
        set_bit(&mut bits, 1000);
        assert!(!has_bit(&bits, 1000));
    }
}
