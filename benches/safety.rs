//! Throughput of the flagger on one core: default rules, default rules plus 5,000 extra literal
//! keywords, rule compile time, and a bare Aho-Corasick pass over the same raw messages (the
//! ratio to report). Messages are synthesised here (mixed lengths, mostly French, some English,
//! some obfuscated or risky), never taken from the evaluation data.
//!
//! ```sh
//! cargo bench --bench safety
//! ```

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use promeneur::domain::safety::RuleSet;

#[path = "common/corpus.rs"]
mod corpus;
use corpus::{chat_line, Rng, CHAT};

const FR_RULES: &str = include_str!("../rules/fr.toml");
const EN_RULES: &str = include_str!("../rules/en.toml");

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

fn messages(n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| chat_line(&mut rng, &[CHAT, TRICKY]))
        .collect()
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

/// Every term of the shipped rules, lowercased, for the bare automaton.
fn shipped_terms() -> Vec<String> {
    let mut terms = Vec::new();
    for src in [FR_RULES, EN_RULES] {
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
    let msgs = messages(2000, 42);
    let bytes: usize = msgs.iter().map(String::len).sum();
    eprintln!(
        "bench corpus: {} messages, {} bytes, {:.1} bytes/message",
        msgs.len(),
        bytes,
        bytes as f64 / msgs.len() as f64
    );
    let extra = extra_keywords_toml();
    let sources_extra = [
        ("rules/fr.toml", FR_RULES),
        ("rules/en.toml", EN_RULES),
        ("extra.toml", extra.as_str()),
    ];

    let mut compile = c.benchmark_group("compile");
    compile.sample_size(20);
    compile.bench_function("default_rules", |b| {
        b.iter(|| RuleSet::builtin().map(|r| r.rule_count()))
    });
    compile.bench_function("default_plus_5000_keywords", |b| {
        b.iter(|| RuleSet::from_sources(black_box(&sources_extra)).map(|r| r.rule_count()))
    });
    compile.finish();

    let default = match RuleSet::builtin() {
        Ok(r) => r,
        Err(e) => panic!("shipped rules: {e}"),
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
    let terms = shipped_terms();
    let bare = match AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .build(&terms)
    {
        Ok(a) => a,
        Err(e) => panic!("bare automaton: {e}"),
    };

    let mut scan = c.benchmark_group("scan");
    scan.throughput(Throughput::Elements(msgs.len() as u64));
    scan.bench_function(BenchmarkId::new("messages", "default_rules"), |b| {
        b.iter(|| {
            let mut flagged = 0usize;
            for m in &msgs {
                flagged += usize::from(default.scan(black_box(m)).flagged);
            }
            flagged
        })
    });
    scan.bench_function(
        BenchmarkId::new("messages", "default_plus_5000_keywords"),
        |b| {
            b.iter(|| {
                let mut flagged = 0usize;
                for m in &msgs {
                    flagged += usize::from(with_extra.scan(black_box(m)).flagged);
                }
                flagged
            })
        },
    );
    scan.bench_function(
        BenchmarkId::new("messages", "bare_aho_corasick_raw_text"),
        |b| {
            b.iter(|| {
                let mut hits = 0usize;
                for m in &msgs {
                    hits += bare.find_overlapping_iter(black_box(m.as_bytes())).count();
                }
                hits
            })
        },
    );
    scan.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
