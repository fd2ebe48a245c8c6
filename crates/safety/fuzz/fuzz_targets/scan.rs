//! Fuzz normalisation and matching: any bytes (lossily decoded) must scan without panicking,
//! with every span inside the original text on char boundaries, the same decision with and
//! without the shortcut for harmless messages, and normalisation idempotent.
//! Run: `cargo +nightly fuzz run scan` from `crates/safety/`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use promeneur_safety::{normalize, RuleSet};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("the shipped rules compile"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scan = rules().scan(&text);
    for m in &scan.matches {
        assert!(m.start < m.end && m.end <= text.len());
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
    }
    let full = rules().explain(&text);
    assert_eq!(
        (scan.flagged, scan.severity, &scan.categories, &scan.matches),
        (full.flagged, full.severity, &full.categories, &full.matches)
    );
    let once = normalize(&text);
    assert_eq!(normalize(&once), once);
});
