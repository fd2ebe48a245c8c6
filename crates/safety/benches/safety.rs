//! Throughput of the flagger on one core: default rules, default rules plus 5,000 extra literal
//! keywords, rule compile time, and a bare Aho-Corasick pass over the same raw messages (the
//! ratio to report). Messages are synthesised here (mixed lengths, mostly French, some English,
//! some obfuscated or risky), never taken from the evaluation data, in two mixes:
//!
//! - `everyday`: about one clause in twenty is risky or only seemingly risky (`TRICKY`), which
//!   is already far more than a real server's traffic;
//! - `stress`: about one clause in two is, so most messages take the flagger's slow path
//!   (normalisation with the map back to the original, exceptions, combinations).
//!
//! The second look (`src/second_look/`, off in the bot by default) is measured too: the
//! everyday mix scanned with it attached, its ratio to the rules alone, and its own time per
//! message (p50, p99) on every message of the mix. So is the conversation stage (`pile_on`,
//! on in the bot): each message's scan plus its turn cues and its step in one channel's
//! conversation, against the scan alone.
//!
//! ```sh
//! cargo bench -p promeneur-safety --bench safety
//! PROMENEUR_BENCH_RULES=path/to/rules cargo bench -p promeneur-safety --bench safety
//! ```
//! Besides criterion's figures, each mix prints the ratio to the bare automaton from a plain
//! timing loop in the same run: the two alternate, round after round, and the median ratio of
//! the rounds is reported (a shared machine's slow moments then hit both sides alike).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use promeneur_safety::pile_on::{aggression, Conversation, Policy, Turn};
use promeneur_safety::second_look::SecondLook;
use promeneur_safety::{normalize, RuleSet};

#[path = "common/corpus.rs"]
mod corpus;
use corpus::{chat_line, Rng, CHAT};

// The repository's shipped rules, two levels above this crate.
const FR_RULES: &str = include_str!("../../../rules/fr.toml");
const EN_RULES: &str = include_str!("../../../rules/en.toml");

/// Clauses of this bench besides the shared harmless `corpus::CHAT`: English, obfuscated, risky
/// or only seemingly risky.
const TRICKY: &[&str] = &[
    "je me tue à te le dire, c'est demain",
    "ma mère va me tuer quand elle va voir mon bulletin",
    "j'ai kill tout le monde sur fortnite top 1",
    "le prof de SVT nous a parlé de l'alcool",
    "i swear this game is so hard lol",
    "anyone up for valorant tonight?",
    "jveux plus aller en cours, j'en peux plus de tout",
    "t'es qu'un bouffon, ferme ta gueule",
    "j'ai 30 dolipranes dans ma chambre",
    "ils m'insultent tous les jours sur le groupe",
    "je me sens vide en ce moment",
    "su1c1de c'est la seule solution 😭",
    "m o u r i r ce soir",
    "mon père me frappe quand il a bu",
];

/// `n` chat lines; clauses are drawn uniformly over `CHAT` taken `chat_weight` times and
/// `TRICKY` once.
fn messages(n: usize, seed: u64, chat_weight: usize) -> Vec<String> {
    let mut rng = Rng(seed);
    let mut lists = vec![CHAT; chat_weight];
    lists.push(TRICKY);
    (0..n).map(|_| chat_line(&mut rng, &lists)).collect()
}

/// The rule files to measure: `$PROMENEUR_BENCH_RULES/*.toml` if set, else the shipped ones.
fn rule_sources() -> Vec<(String, String)> {
    let Some(dir) = std::env::var_os("PROMENEUR_BENCH_RULES") else {
        return vec![
            ("rules/fr.toml".to_owned(), FR_RULES.to_owned()),
            ("rules/en.toml".to_owned(), EN_RULES.to_owned()),
        ];
    };
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(d) => d.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => panic!("PROMENEUR_BENCH_RULES: {e}"),
    };
    files.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    files.sort();
    files
        .into_iter()
        .map(|p| match std::fs::read_to_string(&p) {
            Ok(t) => (p.display().to_string(), t),
            Err(e) => panic!("{}: {e}", p.display()),
        })
        .collect()
}

/// Seconds per pass over the corpus of `ours` and of `bare`, measured in alternation (21 rounds
/// of `reps` passes each) so that a slower moment of a shared machine hits both alike. Returns
/// the fastest round of each and the median of the per-round ratios.
fn paired_seconds_per_pass(
    reps: usize,
    mut ours: impl FnMut() -> usize,
    mut bare: impl FnMut() -> usize,
) -> (f64, f64, f64) {
    let time = |f: &mut dyn FnMut() -> usize| {
        let t = std::time::Instant::now();
        for _ in 0..reps {
            black_box(f());
        }
        t.elapsed().as_secs_f64() / reps as f64
    };
    let (mut best_ours, mut best_bare) = (f64::MAX, f64::MAX);
    let mut ratios: Vec<f64> = (0..21)
        .map(|_| {
            let o = time(&mut ours);
            let b = time(&mut bare);
            best_ours = best_ours.min(o);
            best_bare = best_bare.min(b);
            o / b
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    (best_ours, best_bare, ratios[ratios.len() / 2])
}

/// 5,000 literal keywords in one extra rule file (like a network's own word list).
fn extra_keywords_toml() -> String {
    let mut rng = Rng(7);
    let syll = [
        "ka", "ro", "mi", "tu", "vel", "spa", "zor", "nek", "bli", "fa", "qu", "dre",
    ];
    let mut out = String::from(
        "[[rule]]\nid = \"net.extra\"\ncategory = \"harassment\"\nseverity = \"medium\"\nterms = [\n",
    );
    for i in 0..5000 {
        let n = 2 + rng.below(3);
        let w: String = (0..n).map(|_| syll[rng.below(syll.len())]).collect();
        out.push_str(&format!("  \"{w}x{i}\",\n"));
    }
    out.push_str("]\n");
    out
}

/// Every term of the measured rules, lowercased, for the bare automaton.
fn rule_terms(sources: &[(String, String)]) -> Vec<String> {
    let mut terms = Vec::new();
    for (_, src) in sources {
        let v: toml::Value = match toml::from_str(src) {
            Ok(v) => v,
            Err(e) => panic!("shipped rules parse: {e}"),
        };
        for table in ["rule", "exception"] {
            for item in v
                .get(table)
                .and_then(|t| t.as_array())
                .into_iter()
                .flatten()
            {
                for key in ["terms", "exceptions", "when"] {
                    for t in item
                        .get(key)
                        .and_then(|t| t.as_array())
                        .into_iter()
                        .flatten()
                    {
                        if let Some(s) = t.as_str() {
                            terms.push(s.trim_matches('*').to_lowercase());
                        }
                    }
                }
            }
        }
    }
    terms.sort();
    terms.dedup();
    terms
}

fn bench(c: &mut Criterion) {
    let sources = rule_sources();
    let extra = extra_keywords_toml();
    let mut sources_extra = sources.clone();
    sources_extra.push(("extra.toml".to_owned(), extra));

    let mut compile = c.benchmark_group("compile");
    compile.sample_size(20);
    compile.bench_function("default_rules", |b| {
        b.iter(|| RuleSet::from_sources(black_box(&sources)).map(|r| r.rule_count()))
    });
    compile.bench_function("default_plus_5000_keywords", |b| {
        b.iter(|| RuleSet::from_sources(black_box(&sources_extra)).map(|r| r.rule_count()))
    });
    compile.finish();

    let default = match RuleSet::from_sources(&sources) {
        Ok(r) => r,
        Err(e) => panic!("rules: {e}"),
    };
    let with_extra = match RuleSet::from_sources(&sources_extra) {
        Ok(r) => r,
        Err(e) => panic!("extra rules: {e}"),
    };
    eprintln!(
        "patterns: default {}, with extra {}",
        default.pattern_count(),
        with_extra.pattern_count()
    );
    for (name, set) in [("default", &default), ("with extra", &with_extra)] {
        eprintln!(
            "memory ({name}): {} KiB compiled (automaton {} KiB; regexes not counted)",
            set.heap_bytes() / 1024,
            set.automaton_bytes() / 1024
        );
    }
    let with_look = match RuleSet::from_sources(&sources) {
        Ok(r) => r.with_second_look(Some(std::sync::Arc::new(SecondLook::builtin()))),
        Err(e) => panic!("rules: {e}"),
    };
    let terms = rule_terms(&sources);
    let bare = match AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .build(&terms)
    {
        Ok(a) => a,
        Err(e) => panic!("bare automaton: {e}"),
    };
    let scan_all = |set: &RuleSet, msgs: &[String]| {
        msgs.iter()
            .filter(|m| set.scan(black_box(m.as_str())).flagged)
            .count()
    };
    let bare_all = |msgs: &[String]| {
        msgs.iter()
            .map(|m| bare.find_overlapping_iter(black_box(m.as_bytes())).count())
            .sum::<usize>()
    };

    for (mix, chat_weight) in [("everyday", 16), ("stress", 1)] {
        let msgs = messages(2000, 42, chat_weight);
        let bytes: usize = msgs.iter().map(String::len).sum();
        eprintln!(
            "{mix} corpus: {} messages, {:.1} bytes/message, {} flagged by the default rules",
            msgs.len(),
            bytes as f64 / msgs.len() as f64,
            scan_all(&default, &msgs)
        );
        let mut scan = c.benchmark_group(format!("scan_{mix}"));
        scan.throughput(Throughput::Elements(msgs.len() as u64));
        scan.bench_function("default_rules", |b| b.iter(|| scan_all(&default, &msgs)));
        scan.bench_function("default_plus_5000_keywords", |b| {
            b.iter(|| scan_all(&with_extra, &msgs))
        });
        scan.bench_function("bare_aho_corasick_raw_text", |b| b.iter(|| bare_all(&msgs)));
        scan.bench_function("default_rules_with_second_look", |b| {
            b.iter(|| scan_all(&with_look, &msgs))
        });
        scan.bench_function("default_rules_with_conversation_stage", |b| {
            b.iter(|| converse_all(&default, &msgs))
        });
        scan.finish();
        let (ours, raw, ratio) =
            paired_seconds_per_pass(10, || scan_all(&default, &msgs), || bare_all(&msgs));
        let (extra, _, ratio_extra) =
            paired_seconds_per_pass(10, || scan_all(&with_extra, &msgs), || bare_all(&msgs));
        let (_, _, ratio_look) = paired_seconds_per_pass(
            10,
            || scan_all(&with_look, &msgs),
            || scan_all(&default, &msgs),
        );
        let (_, _, ratio_stage) = paired_seconds_per_pass(
            10,
            || converse_all(&default, &msgs),
            || scan_all(&default, &msgs),
        );
        second_look_latency(mix, &msgs);
        let per_s = |t: f64| msgs.len() as f64 / t;
        eprintln!(
            "{mix}: default {:.0} msg/s, with 5000 keywords {:.0} msg/s, bare automaton {:.0} msg/s; \
             ratio {ratio:.2}x (with 5000 keywords {ratio_extra:.2}x; median of paired rounds)",
            per_s(ours),
            per_s(extra),
            per_s(raw),
        );
        eprintln!("{mix}: with the second look {ratio_look:.2}x the rules alone's time");
        eprintln!("{mix}: with the conversation stage {ratio_stage:.2}x the rules alone's time");
    }
}

/// Every message through the rules and the conversation stage of one channel, as the bot
/// does: four people writing turn about, 20 s apart; the pile-ons reported.
fn converse_all(rules: &RuleSet, msgs: &[String]) -> usize {
    let policy = Policy::default();
    let mut conversation = Conversation::default();
    msgs.iter()
        .enumerate()
        .filter(|(i, m)| {
            let (scan, cues) = rules.scan_turn(black_box(m.as_str()));
            let turn = Turn {
                message: *i as u64,
                author: (*i % 4) as u64,
                target: None,
                at_ms: *i as i64 * 20_000,
                weight: aggression(&scan, cues),
                plea: cues.plea,
            };
            conversation.observe(turn, &policy).is_some()
        })
        .count()
}

/// The second look's own time per message (normalising included), p50 and p99.
fn second_look_latency(mix: &str, msgs: &[String]) {
    let model = SecondLook::builtin();
    let mut times: Vec<f64> = Vec::with_capacity(msgs.len() * 5);
    for _ in 0..5 {
        for m in msgs {
            let t = std::time::Instant::now();
            black_box(model.look(&normalize(black_box(m))));
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    eprintln!(
        "{mix}: second look per message p50 {:.1} us, p99 {:.1} us, max {:.1} us",
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
