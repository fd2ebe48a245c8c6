//! `promeneur scan`: one JSON object per input line, or a human explanation with `--explain`.
//!
//! The contract (kept stable for other tools): read one message per line, write exactly one
//! JSON object per input line, in order, with `start`/`end` as byte offsets into the original
//! line. Lines that are not valid UTF-8 are converted lossily (offsets then refer to the
//! converted line) so that every input line still gets exactly one output line. `stance` says
//! who a flagged line is about (`self`, `aggression`, `third_party`; `null` when not flagged),
//! as the bot reads it to send its support to the right person.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::safety::{read_stance, RuleSet, Scan, StanceReading};

/// Options of `promeneur scan`.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Take the rules from this directory instead of the shipped set.
    pub rules_dir: Option<PathBuf>,
    /// Print a human-readable explanation instead of JSON Lines.
    pub explain: bool,
    /// Attach the second look (the learned model over the rules' answer).
    pub second_look: bool,
}

#[derive(Serialize)]
struct JsonMatch<'a> {
    rule: &'a str,
    category: &'a str,
    severity: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonScan<'a> {
    flagged: bool,
    severity: &'a str,
    categories: Vec<&'a str>,
    matches: Vec<JsonMatch<'a>>,
    /// Who a flagged line is about; `null` for a line not flagged.
    stance: Option<&'static str>,
}

/// Scans `input` line by line and writes one result per line to `output`.
pub fn run(opts: &ScanOptions, mut input: impl BufRead, mut output: impl Write) -> Result<()> {
    let rules = match &opts.rules_dir {
        Some(dir) => RuleSet::load(false, std::slice::from_ref(dir))
            .with_context(|| format!("loading rules from {}", dir.display()))?,
        None => RuleSet::builtin().context("loading the shipped rules")?,
    };
    let model = opts
        .second_look
        .then(|| std::sync::Arc::new(crate::safety::second_look::SecondLook::builtin()));
    let rules = rules.with_second_look(model);
    let mut raw = Vec::new();
    let mut line_no = 0usize;
    loop {
        raw.clear();
        let n = input
            .read_until(b'\n', &mut raw)
            .context("reading standard input")?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if raw.last() == Some(&b'\n') {
            raw.pop();
            if raw.last() == Some(&b'\r') {
                raw.pop();
            }
        }
        let line = String::from_utf8_lossy(&raw);
        let scan = if opts.explain {
            rules.explain(&line)
        } else {
            rules.scan(&line)
        };
        let stance = scan.flagged.then(|| read_stance(&line, &scan));
        if opts.explain {
            write_explanation(&mut output, line_no, &line, &scan, stance.as_ref())?;
        } else {
            serde_json::to_writer(&mut output, &to_json(&line, &scan, stance.as_ref()))
                .context("writing JSON")?;
            output.write_all(b"\n").context("writing output")?;
        }
    }
    output.flush().context("flushing output")?;
    Ok(())
}

/// The slice of `text` at `[start, end)`, or "" if it is not a valid char range (never expected).
fn slice(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

fn to_json<'a>(line: &'a str, scan: &'a Scan, stance: Option<&StanceReading>) -> JsonScan<'a> {
    JsonScan {
        flagged: scan.flagged,
        severity: scan.severity.as_str(),
        categories: scan.categories.iter().map(|c| c.as_str()).collect(),
        matches: scan
            .matches
            .iter()
            .map(|m| JsonMatch {
                rule: &m.rule,
                category: m.category.as_str(),
                severity: m.severity.as_str(),
                start: m.start,
                end: m.end,
                text: slice(line, m.start, m.end),
            })
            .collect(),
        stance: stance.map(|r| r.stance.as_str()),
    }
}

fn write_explanation(
    out: &mut impl Write,
    line_no: usize,
    line: &str,
    scan: &Scan,
    stance: Option<&StanceReading>,
) -> Result<()> {
    let cats: Vec<&str> = scan.categories.iter().map(|c| c.as_str()).collect();
    if scan.flagged {
        writeln!(
            out,
            "line {line_no}: FLAGGED {} [{}]",
            scan.severity,
            cats.join(", ")
        )?;
    } else {
        writeln!(out, "line {line_no}: not flagged")?;
    }
    for m in &scan.matches {
        writeln!(
            out,
            "  rule {} ({}, {}) matched \"{}\" at bytes {}..{}",
            m.rule,
            m.category,
            m.severity,
            slice(line, m.start, m.end),
            m.start,
            m.end
        )?;
        if let Some((_, parts)) = scan.combos.iter().find(|(id, _)| *id == m.rule) {
            for p in parts {
                writeln!(
                    out,
                    "    because of {} on \"{}\"",
                    p.rule,
                    slice(line, p.start, p.end)
                )?;
            }
        }
    }
    for x in &scan.exceptions {
        let effect = if x.to == crate::safety::Severity::None {
            "cancelled".to_owned()
        } else {
            format!("lowered from {} to {}", x.from, x.to)
        };
        writeln!(
            out,
            "  exception {} (\"{}\") {} rule {} on \"{}\"",
            x.exception,
            slice(line, x.exception_start, x.exception_end),
            effect,
            x.rule,
            slice(line, x.start, x.end)
        )?;
    }
    if let Some(r) = stance {
        let to = if r.addresses_someone {
            ", speaks to someone"
        } else {
            ""
        };
        if r.cues.is_empty() {
            writeln!(
                out,
                "  stance {}{to}: no cue of aggression or of a third person",
                r.stance
            )?;
        } else {
            writeln!(
                out,
                "  stance {}{to}, because of {}",
                r.stance,
                r.cues.join("; ")
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_lines(input: &[u8], explain: bool) -> String {
        let mut out = Vec::new();
        let opts = ScanOptions {
            rules_dir: None,
            explain,
            second_look: false,
        };
        run(&opts, input, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_input_line_gives_one_json_line_in_order() {
        let out = scan_lines(b"bonjour\n\nje veux mourir\n\xff\xfe invalide\nfin", false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 5);
        let v: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
        assert_eq!(v["flagged"], true);
        let texts: Vec<&str> = v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["text"].as_str())
            .collect();
        assert!(texts.contains(&"veux mourir"), "{texts:?}");
        let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(v["flagged"], false);
        assert_eq!(v["severity"], "none");
        assert!(v["categories"].as_array().unwrap().is_empty());
        assert!(v["stance"].is_null(), "{v}");
    }

    #[test]
    fn a_flagged_line_says_who_it_is_about() {
        let out = scan_lines(
            "on me harcèle tous les jours\nt'es qu'une grosse merde, personne veut de toi\nma pote se fait harceler par des filles de sa classe\nbonjour\n"
                .as_bytes(),
            false,
        );
        let stances: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["stance"].clone())
            .collect();
        assert_eq!(
            stances,
            vec![
                serde_json::json!("self"),
                serde_json::json!("aggression"),
                serde_json::json!("third_party"),
                serde_json::Value::Null
            ]
        );
        let out = scan_lines("t'es qu'une grosse merde\n".as_bytes(), true);
        assert!(
            out.contains("stance aggression, speaks to someone, because of"),
            "{out}"
        );
    }

    #[test]
    fn explain_names_the_rule_the_words_and_the_exception() {
        let out = scan_lines("jsuis mort de rire, je veux mourir mdr\n".as_bytes(), true);
        assert!(out.contains("fr.suicide.intent"), "{out}");
        assert!(out.contains("exception fr.idiom.death"), "{out}");
    }
}
