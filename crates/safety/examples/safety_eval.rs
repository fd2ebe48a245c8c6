//! Prints the flagger's quality tables.
//!
//! Always scored: the repository's own labelled sets,
//! `eval/{fr,en}/{tune,tune2,tune3,holdout}.tsv`, the blind sets `eval/fr/blind*.tsv` (see `eval/README.md`), and the stance sets
//! `eval/{fr,en}/stance_{tune,holdout}.tsv` (who a flagged message is about). Also scored when
//! `PROMENEUR_EVAL_DIR` names the shared data (which stays outside the repository):
//! `fr-youth-visible.tsv` and `cyberagression-v1/*.csv`.
//!
//! From the repository root:
//!
//! ```sh
//! PROMENEUR_EVAL_DIR=../shared/eval cargo run --release -p promeneur-safety --example safety_eval [-- --misses [--chat]]
//! ```
//! `--rules DIR` scores the `*.toml` rule files of DIR instead of the shipped (embedded) ones,
//! so a rule author can edit `rules/` and re-run without rebuilding: `-- --rules rules`.
//! `--second-look` scores the rules with the second look (`src/second_look/`) attached.
//! `--misses` also lists the lines the default rules get wrong, for rule authors: the tune sets
//! and the shared visible set only, with the stance read for flagged lines; and the stance
//! misses of `stance_tune.tsv`. Holdout misses are never printed: whoever edits the rules or the
//! stance cues must not see them, or the holdout figures stop measuring anything.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use promeneur_safety::eval::{self, Chat, Labelled};
use promeneur_safety::pile_on::Policy;
use promeneur_safety::second_look::SecondLook;
use promeneur_safety::{read_stance, Category, RuleSet};

fn read_tsv(path: &Path) -> Result<Vec<Labelled>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    eval::parse_youth_tsv(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn read_chats(dir: &Path) -> Result<Vec<Chat>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
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
        bail!("no chat CSV in {}", dir.display());
    }
    Ok(chats)
}

fn print_misses(rules: &RuleSet, name: &str, lines: &[Labelled]) {
    println!("\n# {name} misses (label -> got)");
    for l in lines {
        let s = rules.scan(&l.text);
        let cat_miss = l.categories.iter().any(|c| !s.categories.contains(c));
        if l.categories.is_empty() == s.flagged || cat_miss || l.severity != s.severity {
            let want: Vec<&str> = l.categories.iter().map(|c| c.as_str()).collect();
            let got: Vec<&str> = s.categories.iter().map(|c| c.as_str()).collect();
            let hit: Vec<&str> = s.matches.iter().map(|m| m.rule.as_str()).collect();
            let stance = if s.flagged {
                read_stance(&l.text, &s).stance.as_str()
            } else {
                "-"
            };
            println!(
                "{want:?}/{} -> {got:?}/{} {stance} {hit:?} | {}",
                l.severity, s.severity, l.text
            );
        }
    }
}

/// The conversation stage on harmless conversations: the `none` lines of the readable French
/// sets, in file order, as chats of 25 lines between four people 15 s apart. A proxy (no
/// real conversation), but any pile-on it reports is a false alarm.
fn harmless_chats(rules: &RuleSet, root: &Path) -> Result<eval::ChatScore> {
    let mut lines = Vec::new();
    for set in ["tune", "tune2", "tune3", "blind4", "blind5", "blind6"] {
        let path = root.join("fr").join(format!("{set}.tsv"));
        lines.extend(
            read_tsv(&path)?
                .into_iter()
                .filter(|l| l.categories.is_empty()),
        );
    }
    let chats: Vec<Chat> = lines
        .chunks(25)
        .enumerate()
        .map(|(i, chunk)| Chat {
            name: format!("harmless{i:02}"),
            messages: chunk
                .iter()
                .enumerate()
                .map(|(k, l)| eval::ChatMessage {
                    text: l.text.clone(),
                    aggressive: false,
                    threat: false,
                    author: format!("p{}", k % 4),
                    at_s: 15 * k as i64,
                    reply_to: None,
                })
                .collect(),
        })
        .collect();
    let stage = eval::Stage {
        policy: policy_from_env(),
    };
    Ok(eval::score_chats(
        rules,
        "harmless pseudo-chats (readable none lines)",
        &chats,
        Some(stage),
    ))
}

/// The conversation stage's policy, `PILE_ON_THRESHOLD` and `PILE_ON_MIN_WEIGHT` overriding the
/// defaults (to explore on the readable data only).
fn policy_from_env() -> Policy {
    let mut p = Policy::default();
    let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f32>().ok());
    if let Some(t) = var("PILE_ON_THRESHOLD") {
        p.threshold = t;
    }
    if let Some(w) = var("PILE_ON_MIN_WEIGHT") {
        p.min_weight = w;
    }
    if let Some(w) = var("PILE_ON_PLEA") {
        p.plea_threshold = w;
    }
    p
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let misses = args.iter().any(|a| a == "--misses");
    let rules = match args.iter().position(|a| a == "--rules") {
        Some(i) => {
            let Some(dir) = args.get(i + 1) else {
                bail!("--rules needs a directory");
            };
            RuleSet::load(false, &[PathBuf::from(dir)])?
        }
        None => RuleSet::builtin()?,
    };
    let rules = if args.iter().any(|a| a == "--second-look") {
        rules.with_second_look(Some(std::sync::Arc::new(SecondLook::builtin())))
    } else {
        rules
    };
    // The repository's `eval/`, two levels above this crate.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval");
    for lang in ["fr", "en"] {
        for set in [
            "tune", "tune2", "tune3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9",
            "holdout",
        ] {
            let path = root.join(lang).join(format!("{set}.tsv"));
            if set.starts_with("blind") && !path.exists() {
                continue;
            }
            let lines = read_tsv(&path)?;
            let name = format!("eval/{lang}/{set}.tsv");
            println!("{}", eval::score_labelled(&rules, &name, &lines));
            if misses && (set.starts_with("tune") || set.starts_with("blind")) {
                print_misses(&rules, &name, &lines);
            }
        }
    }
    for lang in ["fr", "en"] {
        for set in ["stance_tune", "stance_holdout"] {
            let path = root.join(lang).join(format!("{set}.tsv"));
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let lines = eval::parse_stance_tsv(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let name = format!("eval/{lang}/{set}.tsv");
            println!("{}", eval::score_stance(&rules, &name, &lines));
            if misses && set == "stance_tune" {
                println!("\n# {name} stance misses (label -> read, cues)");
                for (want, read, text) in eval::stance_misses(&rules, &lines) {
                    println!("{want} -> {} {:?} | {text}", read.stance, read.cues);
                }
            }
        }
    }
    print!("{}", harmless_chats(&rules, &root)?);
    if args.iter().any(|a| a == "--blind-chats") {
        // Each scored once, blind, before any tuning of the conversation stage on it
        // (eval/README.md); afterwards a tuning set.
        for round in 1.. {
            let path = root.join(format!("fr/chats_blind{round}.tsv"));
            if !path.exists() {
                break;
            }
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let chats = eval::parse_chat_tsv(&text).map_err(anyhow::Error::msg)?;
            let stage = eval::Stage {
                policy: policy_from_env(),
            };
            let name = format!("eval/fr/chats_blind{round}.tsv");
            print!("{}", eval::score_chats(&rules, &name, &chats, Some(stage)));
        }
    }
    let Some(dir) = std::env::var_os("PROMENEUR_EVAL_DIR") else {
        println!("shared data not scored: PROMENEUR_EVAL_DIR is not set");
        return Ok(());
    };
    let dir = PathBuf::from(dir);
    let youth = read_tsv(&dir.join("fr-youth-visible.tsv"))?;
    println!(
        "{}",
        eval::score_labelled(&rules, "fr-youth-visible", &youth)
    );
    if misses {
        print_misses(&rules, "fr-youth-visible", &youth);
    }
    let chats = read_chats(&dir.join("cyberagression-v1"))?;
    let stage = eval::Stage {
        policy: policy_from_env(),
    };
    print!(
        "{}",
        eval::score_chats(&rules, "cyberagression-v1", &chats, Some(stage))
    );
    if misses && args.iter().any(|a| a == "--chat") {
        println!("\n# chat misses and false positives");
        for c in &chats {
            for m in &c.messages {
                let s = rules.scan(&m.text);
                if m.aggressive != s.categories.contains(&Category::Harassment) {
                    let hit: Vec<&str> = s.matches.iter().map(|m| m.rule.as_str()).collect();
                    let tag = if m.aggressive { "MISS" } else { "FP  " };
                    println!("{tag} {hit:?} | {}", m.text);
                }
            }
        }
    }
    Ok(())
}
