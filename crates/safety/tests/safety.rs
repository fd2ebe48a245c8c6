//! Sensitive-content detection, end to end through the public API: properties of normalisation
//! and matching, robustness on hostile input, and the quality floors on the labelled data.
//!
//! The repository's own labelled sets (`eval/` at the repository root) are always scored. The
//! shared labelled data is NOT in the repository: set `PROMENEUR_EVAL_DIR` to a directory
//! holding `fr-youth-visible.tsv` and `cyberagression-v1/*.csv` (e.g. `../shared/eval`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use promeneur_safety::eval::{self, Chat, Labelled};
use promeneur_safety::normalize::{Normalized, Normalizer};
use promeneur_safety::second_look::SecondLook;
use promeneur_safety::{normalize, Category, RuleSet, Scan, Severity};
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| match RuleSet::builtin() {
        Ok(r) => r,
        Err(e) => panic!("the shipped rules must compile: {e}"),
    })
}

/// The shipped rules with the shipped second look (off in the bot unless configured).
fn with_second_look() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| match RuleSet::builtin() {
        Ok(r) => r.with_second_look(Some(Arc::new(SecondLook::builtin()))),
        Err(e) => panic!("the shipped rules must compile: {e}"),
    })
}

/// Every span lies inside the text, on char boundaries, and is not empty.
fn assert_spans_valid(text: &str, scan: &Scan) {
    let spans = scan
        .matches
        .iter()
        .map(|m| (m.start, m.end))
        .chain(scan.exceptions.iter().map(|x| (x.start, x.end)))
        .chain(
            scan.exceptions
                .iter()
                .map(|x| (x.exception_start, x.exception_end)),
        );
    for (s, e) in spans {
        assert!(
            s < e && e <= text.len(),
            "span {s}..{e} in {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "span {s}..{e} not on a char boundary of {text:?}"
        );
    }
    assert_eq!(scan.flagged, !scan.matches.is_empty());
    let max = scan
        .matches
        .iter()
        .map(|m| m.severity)
        .max()
        .unwrap_or(Severity::None);
    assert_eq!(scan.severity, max);
}

/// `scan` (with its shortcut for harmless messages) decides exactly as the full path
/// (`explain`); only the lists of exceptions and of signals of an unflagged message may be
/// shorter (empty when the shortcut settled it).
fn assert_same_decision(text: &str) {
    let (fast, full) = (rules().scan(text), rules().explain(text));
    if fast.flagged || !fast.exceptions.is_empty() {
        // The full path was taken: everything, explanations included, is the same.
        assert_eq!(fast, full, "{text:?}");
    } else {
        let signals = if fast.signals.is_empty() {
            Vec::new()
        } else {
            full.signals.clone()
        };
        let full = Scan {
            exceptions: Vec::new(),
            signals,
            ..full
        };
        assert_eq!(fast, full, "{text:?}");
    }
}

/// Characters that exercise every branch of normalisation.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => proptest::sample::select(vec![
            ' ', ' ', '.', '*', '_', '-', '\'', '’', '!', '@', '$', '|', '0', '1', '3', '4', '5',
            '7', '8', '2', '\n', '\t', 'é', 'è', 'ï', 'ç', 'œ', 'ß', 'İ', 'ǅ', 'ﬁ', 'Ω', 'ℌ',
            'а', 'е', 'о', 'р', 'с', 'х', 'α', 'ο', 'ν', 'Ａ', '𝐦', '\u{200B}', '\u{202E}',
            '\u{202D}', '\u{2066}', '\u{FEFF}', '\u{0301}', '\u{0336}', '\u{0489}', '\u{FE0F}',
            '\u{200D}', '💊', '🔪', '🩸', '🪢', '😭', '💀', '😂', '❤', '€', '·', '\u{0000}',
            '\u{007F}', '\u{0085}', 'ı', 'ſ', 'ǈ', 'ᴀ', '①', '½', '中', 'ع', 'ש',
        ]),
        1 => any::<char>(),
    ]
}

fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(tricky_char(), 0..80).prop_map(|v| v.into_iter().collect()),
        any::<String>(),
        "(je veux (m o u r i r|mouriiir|su1c1de|s\\.u\\.i\\.c\\.i\\.d\\.e)|t'es une p\\*te|j'ai 30 dolipranes ce soir|mdr) {0,3}[a-z ]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn spans_map_inside_the_original_on_char_boundaries(text in tricky_text()) {
        let scan = rules().scan(&text);
        assert_spans_valid(&text, &scan);
    }

    #[test]
    fn normalising_twice_changes_nothing(text in tricky_text()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn the_shortcut_for_harmless_messages_never_changes_a_result(text in tricky_text()) {
        assert_same_decision(&text);
    }

    #[test]
    fn the_text_only_normalisation_gives_the_same_text(text in tricky_text()) {
        let (mut n, mut with_map, mut text_only) =
            (Normalizer::default(), Normalized::default(), Normalized::default());
        for digits in [true, false] {
            n.run(&text, digits, &mut with_map);
            n.run_text_only(&text, digits, &mut text_only);
            prop_assert_eq!(with_map.text(), text_only.text());
            prop_assert_eq!(with_map.leet_digits, text_only.leet_digits);
        }
    }

    #[test]
    fn scanning_is_deterministic(text in tricky_text()) {
        prop_assert_eq!(rules().scan(&text), rules().scan(&text));
    }
}

#[test]
fn an_empty_or_blank_message_flags_nothing() {
    for t in ["", " ", "\n", "\u{200B}\u{200B}", "\u{202E}", "   \t  "] {
        let s = rules().scan(t);
        assert!(!s.flagged, "{t:?}");
        assert_spans_valid(t, &s);
    }
}

#[test]
fn a_64_kib_message_is_scanned_with_valid_spans() {
    let chunk = "bla bla je veux mourir 😭 ce soir, su1c1de s u i c i d e 🔪🩸 \u{202E}àéï ";
    let mut text = String::new();
    while text.len() < 64 * 1024 {
        text.push_str(chunk);
    }
    let s = rules().scan(&text);
    assert!(s.flagged);
    assert_eq!(s.severity, Severity::Critical);
    assert_spans_valid(&text, &s);
}

#[test]
fn zalgo_text_is_read_through() {
    let zalgo: String = "je veux mourir"
        .chars()
        .flat_map(|c| [c, '\u{0336}', '\u{0489}', '\u{035C}', '\u{0301}'])
        .collect();
    let s = rules().scan(&zalgo);
    assert!(s.categories.contains(&Category::SuicideSelfharm));
    assert_spans_valid(&zalgo, &s);
}

#[test]
fn right_to_left_overrides_and_zero_width_do_not_hide_words() {
    let text = "je \u{202E}veux\u{202C} mo\u{200B}u\u{200D}rir";
    let s = rules().scan(text);
    assert!(s.flagged);
    assert_spans_valid(text, &s);
}

#[test]
fn a_huge_message_of_one_repeated_character_is_handled() {
    for c in ['a', '*', '.', ' ', '1', '😭', '\u{0301}'] {
        let text: String = std::iter::repeat_n(c, 70_000).collect();
        let s = rules().scan(&text);
        assert_spans_valid(&text, &s);
    }
}

/// A long random loop over the same body as the fuzz target (`crates/safety/fuzz/`):
/// `PROMENEUR_FUZZ_ITERS` sets the number of inputs (default 20,000).
#[test]
fn random_bytes_never_crash_normalisation_or_matching() {
    let iters: u64 = std::env::var("PROMENEUR_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let alphabet: Vec<char> = "aeioumrstzçéèï *._-'!@$|0134578\n😭💊🔪\u{200B}\u{202E}\u{0301}аеοΩ"
        .chars()
        .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*: deterministic, no dependency.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    for _ in 0..iters {
        let len = (next() % 120) as usize;
        let bytes: Vec<u8> = if next() % 2 == 0 {
            (0..len).map(|_| next() as u8).collect()
        } else {
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect::<String>()
                .into_bytes()
        };
        let text = String::from_utf8_lossy(&bytes);
        let scan = rules().scan(&text);
        assert_spans_valid(&text, &scan);
        let once = normalize(&text);
        assert_eq!(normalize(&once), once, "{text:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Quality floors (measured; they may only rise)
// ---------------------------------------------------------------------------------------------

fn eval_dir() -> Option<PathBuf> {
    std::env::var_os("PROMENEUR_EVAL_DIR").map(PathBuf::from)
}

fn load_eval(dir: &Path) -> (Vec<Labelled>, Vec<Chat>) {
    let tsv = dir.join("fr-youth-visible.tsv");
    let text = std::fs::read_to_string(&tsv).unwrap_or_else(|e| {
        panic!(
            "PROMENEUR_EVAL_DIR is set but {} is unreadable: {e}",
            tsv.display()
        )
    });
    let youth = eval::parse_youth_tsv(&text).unwrap_or_else(|e| panic!("{}: {e}", tsv.display()));
    let chat_dir = dir.join("cyberagression-v1");
    let entries = std::fs::read_dir(&chat_dir).unwrap_or_else(|e| {
        panic!(
            "PROMENEUR_EVAL_DIR is set but {} is unreadable: {e}",
            chat_dir.display()
        )
    });
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no CSV in {}", chat_dir.display());
    let chats = paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            eval::parse_chat_csv(&name, &text).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    (youth, chats)
}

#[test]
fn quality_on_the_shared_data_stays_above_the_measured_floors() {
    let Some(dir) = eval_dir() else {
        println!("skipped: PROMENEUR_EVAL_DIR not set");
        return;
    };
    let (youth, chats) = load_eval(&dir);
    let r = eval::score_labelled(rules(), "fr-youth-visible", &youth);
    println!("{r}");
    // fr-youth-visible (targets: high+critical >= 0.95, overall >= 0.80, FP <= 5% of none).
    assert!(
        r.high_critical_recall() >= 0.99,
        "high+critical recall {}",
        r.high_critical_recall()
    );
    assert!(r.recall() >= 0.99, "recall {}", r.recall());
    assert!(r.fp_rate() <= 0.0, "FP rate {}", r.fp_rate());
    for c in &r.categories {
        let recall = c.found as f64 / c.positives.max(1) as f64;
        assert!(recall >= 0.99, "{} recall {recall}", c.category);
    }
    // cyberagression-v1 (issue 16's targets: by message, harassment recall >= 0.60 at <= 8%
    // false positives; by conversation, every chat flagged within its first 3 aggressive
    // messages). Measured: 0.605 at 0.080; with the conversation stage 0.612 at 0.080, and
    // 19 of 19 chats within 3 (the rules were tuned on this set: not a blind figure).
    let c = eval::score_chats(rules(), "cyberagression-v1", &chats, Some(stage()));
    println!("{c}");
    assert!(
        c.harassment_recall() >= 0.60,
        "harassment recall {}",
        c.harassment_recall()
    );
    assert!(c.fp_rate() <= 0.08, "chat FP rate {}", c.fp_rate());
    assert!(c.conversation_recall() >= 0.61, "{c}");
    assert!(c.conversation_fp_rate() <= 0.08, "{c}");
    let (alone, conversation, all) = c.flagged_within(3);
    assert_eq!((alone, conversation), (all, all), "{c}");
}

/// The conversation stage as the bot runs it.
fn stage() -> eval::Stage {
    eval::Stage {
        policy: promeneur_safety::pile_on::Policy::default(),
    }
}

/// One of the repository's conversation sets (`eval/fr/chats_blind<round>.tsv`), scored by
/// message and by conversation.
fn chat_set(round: u32) -> eval::ChatScore {
    chat_set_with(rules(), round)
}

fn chat_set_with(rules: &RuleSet, round: u32) -> eval::ChatScore {
    let path = eval_sets().join(format!("fr/chats_blind{round}.tsv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is part of the repository: {e}", path.display()));
    let chats = eval::parse_chat_tsv(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let c = eval::score_chats(rules, &path.display().to_string(), &chats, Some(stage()));
    println!("{c}");
    c
}

#[test]
fn quality_on_the_blind_conversations_stays_above_the_measured_floors() {
    // Round 1, scored blind once (rules alone 0.115 recall at 0.090 FP by message; 5 of 19
    // chats within 3 aggressive messages), then tuned on: 0.218 at 0.044; with the stage
    // 0.231 at 0.046, 9 of 19 within 3, 11 of 19 within 5; 6 of 11 harmless chats flagged.
    let c = chat_set(1);
    assert!(c.harassment_recall() >= 0.21 && c.fp_rate() <= 0.045, "{c}");
    assert!(c.conversation_fp_rate() <= 0.047, "{c}");
    assert!(
        c.flagged_within(3).1 >= 9 && c.flagged_within(5).1 >= 11,
        "{c}"
    );
    assert!(c.harmless_flagged().1 <= 6, "{c}");
    // Round 2, scored blind once after that tuning: 0.112 at 0.104 by message; with the stage
    // 0.116 at 0.104, 7 of 19 within 3, 10 of 19 within 5; 11 of 11 harmless chats flagged.
    let c = chat_set(2);
    assert!(c.harassment_recall() >= 0.11 && c.fp_rate() <= 0.105, "{c}");
    assert!(
        c.flagged_within(3).1 >= 7 && c.flagged_within(5).1 >= 10,
        "{c}"
    );
}

/// The repository's own labelled sets (`eval/` at the repository root).
fn eval_sets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval")
}

/// One of the repository's own labelled sets (`eval/<lang>/<set>.tsv`), always present.
fn repo_set(lang: &str, set: &str) -> eval::LabelledScore {
    repo_set_with(rules(), lang, set)
}

fn repo_set_with(rules: &RuleSet, lang: &str, set: &str) -> eval::LabelledScore {
    let path = eval_sets().join(lang).join(format!("{set}.tsv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is part of the repository: {e}", path.display()));
    let lines = eval::parse_youth_tsv(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let r = eval::score_labelled(rules, &format!("eval/{lang}/{set}.tsv"), &lines);
    println!("{r}");
    r
}

/// Floors for one repository set: overall recall, high+critical recall, FP rate (measured;
/// they may only rise).
fn assert_floors(r: &eval::LabelledScore, recall: f64, high_critical: f64, fp: f64) {
    assert!(
        r.recall() >= recall,
        "{}: recall {} < {recall}",
        r.name,
        r.recall()
    );
    assert!(
        r.high_critical_recall() >= high_critical,
        "{}: high+critical recall {} < {high_critical}",
        r.name,
        r.high_critical_recall()
    );
    assert!(
        r.fp_rate() <= fp,
        "{}: FP rate {} > {fp}",
        r.name,
        r.fp_rate()
    );
}

#[test]
fn quality_on_the_repository_sets_stays_above_the_measured_floors() {
    // Tune sets: rule authors read their misses. Holdout sets: nobody who edits the rules
    // reads them; they say how the rules do on wording their authors never saw.
    assert_floors(&repo_set("fr", "tune"), 0.96, 0.99, 0.0);
    assert_floors(&repo_set("fr", "tune2"), 0.98, 0.99, 0.0);
    assert_floors(&repo_set("fr", "tune3"), 0.98, 0.99, 0.0);
    assert_floors(&repo_set("fr", "holdout"), 0.75, 0.87, 0.06);
    // Blind sets: written by someone who saw no rule and no earlier set, scored once before
    // any tuning (fr/blind4 on 2026-12-06: recall 0.751, high+critical 0.753, FP 0.102). These
    // floors are that first blind score: the figure to expect on text nobody has read.
    assert_floors(&repo_set("fr", "blind4"), 0.75, 0.75, 0.11);
    // fr/blind5, another writer the same day, same rules: recall 0.707, h+c 0.732, FP 0.102.
    assert_floors(&repo_set("fr", "blind5"), 0.70, 0.73, 0.11);
    // fr/blind6, a third writer, scored blind once with the same rules: 0.811, 0.828, 0.107.
    assert_floors(&repo_set("fr", "blind6"), 0.81, 0.82, 0.11);
    // fr/blind7 (round 7, aimed at breadth), scored blind once: 0.752, 0.805, 0.139; the chat
    // exceptions added afterwards lowered its false positives to 0.124.
    assert_floors(&repo_set("fr", "blind7"), 0.75, 0.80, 0.125);
    // fr/blind8 (round 8), scored blind once with the rules of that day: 0.778, 0.834, 0.105.
    assert_floors(&repo_set("fr", "blind8"), 0.77, 0.83, 0.106);
    // fr/blind9 (round 9, a fifth of it chat), scored blind once: 0.729, 0.784, 0.102.
    assert_floors(&repo_set("fr", "blind9"), 0.72, 0.78, 0.103);
    assert_floors(&repo_set("en", "tune"), 0.99, 0.99, 0.0);
    assert_floors(&repo_set("en", "tune2"), 0.99, 0.99, 0.0);
    assert_floors(&repo_set("en", "tune3"), 0.99, 0.99, 0.01);
    assert_floors(&repo_set("en", "holdout"), 0.68, 0.78, 0.06);
}

/// One of the repository's stance sets (`eval/<lang>/stance_<set>.tsv`): only aggregate figures
/// are printed, never a line (the holdout's lines must stay unread).
fn stance_set(lang: &str, set: &str) -> eval::StanceScore {
    let path = eval_sets().join(lang).join(format!("stance_{set}.tsv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is part of the repository: {e}", path.display()));
    let lines = eval::parse_stance_tsv(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let r = eval::score_stance(rules(), &format!("eval/{lang}/stance_{set}.tsv"), &lines);
    println!("{r}");
    r
}

/// Floor on the stance accuracy among the lines the rules flag (measured; it may only rise).
/// Lines the rules do not flag are skipped: their stance is never read.
fn assert_stance_floor(r: &eval::StanceScore, accuracy: f64) {
    assert!(r.flagged() > 0, "{}: no line flagged", r.name);
    assert!(
        r.accuracy() >= accuracy,
        "{}: stance accuracy {} < {accuracy}",
        r.name,
        r.accuracy()
    );
}

#[test]
fn stance_reading_on_the_repository_sets_stays_above_the_measured_floors() {
    // Tune sets: whoever edits `rules/stance.toml` reads their misses. Holdout sets: nobody
    // who edits the cues reads them.
    // Measured: fr tune 0.992, fr holdout 0.881, en tune 0.972, en holdout 0.771 (before any
    // tuning: 0.590, 0.615, 0.507, 0.625).
    assert_stance_floor(&stance_set("fr", "tune"), 0.98);
    assert_stance_floor(&stance_set("fr", "holdout"), 0.86);
    assert_stance_floor(&stance_set("en", "tune"), 0.95);
    assert_stance_floor(&stance_set("en", "holdout"), 0.75);
}

#[test]
fn the_shortcut_agrees_with_the_full_path_on_every_labelled_line() {
    let root = eval_sets();
    let mut lines = 0;
    for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(entry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = file.path();
            if path.extension().is_none_or(|x| x != "tsv") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for line in text.lines().skip(1) {
                let msg = line.splitn(3, '\t').nth(2).unwrap_or(line);
                assert_same_decision(msg);
                lines += 1;
            }
        }
    }
    assert!(
        lines >= 800,
        "only {lines} labelled lines under {}",
        root.display()
    );
}

/// The examples the detection was specified with: how young people write distress, and the
/// hyperbole that must stay quiet.
#[test]
fn the_specification_examples_are_decided_right() {
    for (text, want) in [
        ("jveux plu vivr", Some(Severity::High)),
        ("s u i c i d e", Some(Severity::High)),
        ("su1c1de", Some(Severity::High)),
        ("💊💊 ce soir", Some(Severity::Critical)),
        (
            "j'ai 30 dolipranes et c'est pour ce soir",
            Some(Severity::Critical),
        ),
        ("je me tue à te le dire", None),
        ("mdr jsuis mort 💀", None),
        ("ce burger c'est une tuerie", None),
        ("j'ai pris un doliprane ce soir pour ma tête", None),
    ] {
        let s = rules().scan(text);
        match want {
            Some(severity) => {
                assert!(
                    s.categories.contains(&Category::SuicideSelfharm),
                    "{text:?}: {s:?}"
                );
                assert!(s.severity >= severity, "{text:?}: {}", s.severity);
            }
            None => assert!(!s.flagged, "{text:?}: {s:?}"),
        }
    }
}

#[test]
fn the_second_look_keeps_its_measured_figures_where_it_helps_and_where_it_hurts() {
    // The first model (trained on the tune sets and blind4/blind5) scored blind: fr/blind6
    // 0.895, 0.940, 0.040 (then cancelling flags up to `high`; now only `low` and `medium`);
    // fr/blind7 0.912, 0.912, 0.102; fr/blind8 0.947, 0.981, 0.084. The shipped model is
    // trained on those sets too and on the two blind conversation sets (after their blind
    // scores), so its figures on them are training figures; its figures on the holdouts
    // (unread) and on CyberAgression-v1 (never trained on) are not.
    let sl = with_second_look();
    assert_floors(&repo_set_with(sl, "fr", "blind6"), 0.96, 0.97, 0.041);
    assert_floors(&repo_set_with(sl, "fr", "blind7"), 0.95, 0.96, 0.085);
    assert_floors(&repo_set_with(sl, "fr", "blind8"), 0.97, 0.99, 0.052);
    // Its blind score on round 9 (never trained on): fr/blind9 0.920, 0.935, 0.058.
    assert_floors(&repo_set_with(sl, "fr", "blind9"), 0.92, 0.93, 0.059);
    // fr holdout 0.855, 0.945, 0.055; en holdout 0.856, 0.902, 0.078.
    assert_floors(&repo_set_with(sl, "fr", "holdout"), 0.85, 0.94, 0.056);
    assert_floors(&repo_set_with(sl, "en", "holdout"), 0.85, 0.90, 0.079);
    let Some(dir) = eval_dir() else {
        println!("skipped the shared data: PROMENEUR_EVAL_DIR not set");
        return;
    };
    // The third blind conversation set (never trained on): harassment 0.358 by message at
    // 0.088 false positives (rules alone 0.171 at 0.090).
    let c = chat_set_with(sl, 3);
    assert!(c.harassment_recall() >= 0.35 && c.fp_rate() <= 0.089, "{c}");
    assert!(c.flagged_within(3).1 >= 15, "{c}");
    // Where it hurts (why it is off by default): real teenagers' role-played chat, whose
    // aggression it reads as harmless and whose banter it flags.
    let (youth, chats) = load_eval(&dir);
    let r = eval::score_labelled(sl, "fr-youth-visible (second look)", &youth);
    println!("{r}");
    assert!(r.recall() >= 0.97 && r.fp_rate() <= 0.06, "{r}");
    let c = eval::score_chats(sl, "cyberagression-v1 (second look)", &chats, None);
    println!("{c}");
    // 0.415 harassment recall at 14.1% false positives, against 0.605 at 8.0% for the rules.
    assert!(c.harassment_recall() >= 0.41, "{c}");
    assert!(c.fp_rate() <= 0.142, "{c}");
}
