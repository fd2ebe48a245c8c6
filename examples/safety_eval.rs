//! Prints the flagger's quality table on the labelled data in `$PROMENEUR_EVAL_DIR`
//! (fr-youth-visible.tsv and cyberagression-v1/*.csv). The data stays outside the repository.
//!
//! ```sh
//! PROMENEUR_EVAL_DIR=../shared/eval cargo run --release --example safety_eval [-- --misses]
//! ```
//! `--misses` also lists the lines the default rules get wrong (for rule authors).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use promeneur::domain::safety::eval::{self, Chat, Labelled};
use promeneur::domain::safety::RuleSet;

fn load(dir: &Path) -> Result<(Vec<Labelled>, Vec<Chat>)> {
    let tsv = dir.join("fr-youth-visible.tsv");
    let youth = eval::parse_youth_tsv(
        &std::fs::read_to_string(&tsv).with_context(|| format!("reading {}", tsv.display()))?,
    )
    .map_err(anyhow::Error::msg)?;
    let chat_dir = dir.join("cyberagression-v1");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&chat_dir)
        .with_context(|| format!("reading {}", chat_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    let mut chats = Vec::new();
    for p in paths {
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text =
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        chats.push(eval::parse_chat_csv(&name, &text).map_err(anyhow::Error::msg)?);
    }
    if chats.is_empty() {
        bail!("no chat CSV in {}", chat_dir.display());
    }
    Ok((youth, chats))
}

fn main() -> Result<()> {
    let Some(dir) = std::env::var_os("PROMENEUR_EVAL_DIR") else {
        bail!("set PROMENEUR_EVAL_DIR to the directory holding fr-youth-visible.tsv and cyberagression-v1/");
    };
    let (youth, chats) = load(Path::new(&dir))?;
    let rules = RuleSet::builtin()?;
    let report = eval::evaluate(&rules, &youth, &chats);
    print!("{report}");
    if std::env::args().any(|a| a == "--misses") {
        println!("\n# fr-youth misses (label -> got)");
        for l in &youth {
            let s = rules.scan(&l.text);
            let want: Vec<&str> = l.categories.iter().map(|c| c.as_str()).collect();
            let got: Vec<&str> = s.categories.iter().map(|c| c.as_str()).collect();
            let cat_miss = l.categories.iter().any(|c| !s.categories.contains(c));
            if l.categories.is_empty() == s.flagged || cat_miss || (l.severity != s.severity) {
                let rules_hit: Vec<&str> = s.matches.iter().map(|m| m.rule.as_str()).collect();
                println!(
                    "{:?}/{} -> {:?}/{} {:?} | {}",
                    want, l.severity, got, s.severity, rules_hit, l.text
                );
            }
        }
        if std::env::args().any(|a| a == "--chat") {
            println!("\n# chat misses and false positives");
            for c in &chats {
                for m in &c.messages {
                    let s = rules.scan(&m.text);
                    let h = s
                        .categories
                        .contains(&promeneur::domain::safety::Category::Harassment);
                    if m.aggressive != h {
                        let rules_hit: Vec<&str> =
                            s.matches.iter().map(|m| m.rule.as_str()).collect();
                        println!(
                            "{} {:?} | {}",
                            if m.aggressive { "MISS" } else { "FP  " },
                            rules_hit,
                            m.text
                        );
                    }
                }
            }
        }
    }
    Ok(())
}
