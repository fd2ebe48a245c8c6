//! Trains the second look (`src/second_look/`) on the repository's own labelled sets and writes
//! `model/second_look.bin`; deterministic, so running it again rebuilds the same file.
//!
//! ```sh
//! cargo run -p promeneur-safety --example train_second_look
//! # a cross-set check: train without one set, then score it (rules alone, then with the model)
//! cargo run -p promeneur-safety --example train_second_look -- --without fr/blind5 --score fr/blind5 --no-write
//! ```
//!
//! Trained on: the tune sets, the blind sets and blind conversation sets already scored once
//! (their first, blind score is in `eval/README.md`). Never on a holdout, a blind set still
//! waiting for its first score, or the shared data outside the repository.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use promeneur_safety::eval::{self, Labelled};
use promeneur_safety::second_look::train::{train, Example, Settings};
use promeneur_safety::{Category, RuleSet};

/// The sets the shipped model learns from (`eval/<name>.tsv`).
const TRAINING: [&str; 11] = [
    "fr/tune",
    "fr/tune2",
    "fr/tune3",
    "fr/blind4",
    "fr/blind5",
    "fr/blind6",
    "fr/blind7",
    "fr/blind8",
    "en/tune",
    "en/tune2",
    "en/tune3",
];

/// The conversation sets it learns from too (`eval/<name>.tsv`, scored blind once): an
/// aggressive line is `harassment`, every other line harmless, so that it learns what real
/// chat looks like (banter, gaming rage, mockery without an insult word).
const CHATS: [&str; 2] = ["fr/chats_blind1", "fr/chats_blind2"];

/// Parses the repository's set `eval/<name>.tsv` with `parse`, naming the file in errors.
fn read_set<T>(name: &str, parse: fn(&str) -> Result<T, String>) -> Result<T> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../eval")
        .join(format!("{name}.tsv"));
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn read(name: &str) -> Result<Vec<Labelled>> {
    read_set(name, eval::parse_youth_tsv)
}

fn read_chats(name: &str) -> Result<Vec<eval::Chat>> {
    read_set(name, eval::parse_chat_tsv)
}

fn values<'a>(args: &'a [String], flag: &str) -> Vec<&'a str> {
    args.windows(2)
        .filter(|w| w[0] == flag)
        .map(|w| w[1].as_str())
        .collect()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let without = values(&args, "--without");
    let mut examples = Vec::new();
    for name in TRAINING.iter().filter(|n| !without.contains(n)) {
        for l in read(name)? {
            examples.push(Example::new(&l.text, &l.categories));
        }
        println!("training on eval/{name}.tsv");
    }
    for name in CHATS.iter().filter(|n| !without.contains(n)) {
        for chat in read_chats(name)? {
            for m in &chat.messages {
                let categories: &[Category] = if m.aggressive {
                    &[Category::Harassment]
                } else {
                    &[]
                };
                examples.push(Example::new(&m.text, categories));
            }
        }
        println!("training on eval/{name}.tsv (conversations)");
    }
    let mut settings = Settings::default();
    if let Some(v) = values(&args, "--epochs").first() {
        settings.epochs = v.parse()?;
    }
    if let Some(v) = values(&args, "--rate").first() {
        settings.rate = v.parse()?;
    }
    if let Some(v) = values(&args, "--l2").first() {
        settings.l2 = v.parse()?;
    }
    let model = train(&examples, settings);
    println!(
        "{} examples, model {} bytes",
        examples.len(),
        model.memory_usage()
    );
    if !args.iter().any(|a| a == "--no-write") {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("model/second_look.bin");
        std::fs::write(&out, model.to_bytes())?;
        println!("wrote {}", out.display());
    }
    let scored = values(&args, "--score");
    if !scored.is_empty() {
        let rules = RuleSet::builtin()?.with_second_look(None);
        let both = RuleSet::builtin()?.with_second_look(Some(Arc::new(model)));
        for name in scored {
            let lines = read(name)?;
            println!(
                "{}",
                eval::score_labelled(&rules, &format!("{name} (rules alone)"), &lines)
            );
            println!(
                "{}",
                eval::score_labelled(&both, &format!("{name} (rules + second look)"), &lines)
            );
        }
    }
    Ok(())
}
