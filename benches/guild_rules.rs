//! How long a guild's own rules take to compile (the swap `/motcle` waits for) and to try on
//! the labelled harmless lines, and what they add to a message's scan. Prints medians of
//! repeated rounds; `cargo bench --bench guild_rules` (or `--profile dev`).
//!
//! The guild set: 200 rules (180 terms, one in four with an exception; 20 regexes), beside
//! the shipped set's compile for scale.

use std::time::{Duration, Instant};

use promeneur::domain::guild_rules::{compile, would_flag, GuildRule, NewRule, Status};
use promeneur::safety::RuleSet;

const RULES: usize = 200;
const ROUNDS: usize = 15;

/// A made-up word for `i` (letters only: digits inside words read as leetspeak).
fn word(i: usize) -> String {
    let mut w = String::from("zq");
    let mut n = i;
    loop {
        w.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    w
}

fn rules() -> Vec<GuildRule> {
    let categories = ["harassment", "distress", "substances", "violence_threat"];
    let severities = ["low", "medium", "high", "critical"];
    (0..RULES)
        .map(|i| {
            let term = if i % 10 == 9 {
                format!("/{} (de|du) {}+/", word(i), word(i + 1000))
            } else if i % 3 == 0 {
                format!("{} {}*", word(i), word(i + 500))
            } else {
                word(i)
            };
            let exception = (i % 4 == 0).then(|| format!("pas {}", word(i)));
            let rule = NewRule::parse(
                &term,
                categories[i % categories.len()],
                severities[i % severities.len()],
                exception.as_deref(),
            )
            .expect("a valid generated rule");
            GuildRule {
                id: i as i64 + 1,
                guild_id: 1,
                rule,
                status: Status::Active,
                added_by: 2,
                added_at: 0,
                removed_by: None,
                removed_at: None,
            }
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn timed<T>(f: impl Fn() -> T) -> f64 {
    median(
        (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let rules = rules();
    let guild_ms = timed(|| compile(1, &rules).expect("the guild set compiles"));
    let set = compile(1, &rules).expect("the guild set compiles");
    println!(
        "guild set: {} rules, {} patterns: compile median {guild_ms:.2} ms",
        set.rule_count(),
        set.pattern_count()
    );
    let shipped_ms = median(
        (0..3)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(RuleSet::builtin().expect("shipped rules"));
                t.elapsed()
            })
            .collect(),
    );
    println!("shipped set: compile median {shipped_ms:.0} ms (for scale)");
    let one = &rules[1].rule;
    println!(
        "harmless-line check of one new term ({} lines): median {:.2} ms",
        promeneur::domain::guild_rules::harmless_lines().len(),
        timed(|| would_flag(one))
    );
    let shipped = RuleSet::builtin().expect("shipped rules");
    let lines: Vec<&str> = promeneur::domain::guild_rules::harmless_lines().to_vec();
    let alone = timed(|| {
        lines
            .iter()
            .map(|l| shipped.scan(l).flagged as usize)
            .sum::<usize>()
    });
    let both = timed(|| {
        lines
            .iter()
            .map(|l| {
                let mut s = shipped.scan(l);
                s.merge(set.scan(l));
                s.flagged as usize
            })
            .sum::<usize>()
    });
    let per = |ms: f64| ms * 1000.0 / lines.len() as f64;
    println!(
        "scan per message: shipped alone {:.1} us, shipped + guild set {:.1} us",
        per(alone),
        per(both)
    );
}
