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

const FR_RULES: &str = include_str!("../rules/fr.toml");
const EN_RULES: &str = include_str!("../rules/en.toml");

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

const OPENERS: &[&str] = &[
    "wsh",
    "salut",
    "bonjour",
    "mdr",
    "jsp",
    "frr",
    "ptdr",
    "bon",
    "du coup",
    "sérieux",
    "ok",
    "eh",
    "les gars",
    "hey",
    "yo",
    "alors",
    "franchement",
    "bref",
    "sinon",
    "attends",
];
const CLAUSES: &[&str] = &[
    "on se retrouve au city après les cours",
    "qui vient au tournoi de foot samedi",
    "j'ai pas compris l'exo 3 de maths",
    "la permanence c'est mercredi 14h ?",
    "trop bien la sortie au lac aujourd'hui",
    "je suis mort de rire devant ta vidéo 😂",
    "c'est mortel ce son, envoie le lien",
    "je me tue à te le dire, c'est demain",
    "on a défoncé l'équipe d'en face 3-0",
    "j'ai raté le bus de 2 secondes, la honte",
    "quelqu'un a des fiches pour le bac de français",
    "ma mère va me tuer quand elle va voir mon bulletin",
    "ce burger c'est une tuerie",
    "j'ai kill tout le monde sur fortnite top 1",
    "vous faites quoi ce week-end",
    "le prof de SVT nous a parlé de l'alcool",
    "jsuis crevé, bonne nuit tout le monde",
    "c'est quand les résultats de Parcoursup",
    "je cherche un stage de 3e dans l'animation",
    "envoie moi le lien du serveur minecraft",
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
        .map(|_| {
            let mut m = String::new();
            if rng.next() % 3 == 0 {
                m.push_str(rng.pick(OPENERS));
                m.push(' ');
            }
            // 1 to 4 clauses: short chat lines dominate, some long ones.
            let clauses = match rng.next() % 10 {
                0..=5 => 1,
                6..=8 => 2,
                _ => 4,
            };
            for i in 0..clauses {
                if i > 0 {
                    m.push_str(", ");
                }
                m.push_str(rng.pick(CLAUSES));
            }
            m
        })
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
        let n = 2 + (rng.next() % 3) as usize;
        let w: String = (0..n)
            .map(|_| syll[(rng.next() % syll.len() as u64) as usize])
            .collect();
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
