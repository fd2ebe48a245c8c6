//! Scoring the stance reading ([`crate::stance`]) on the stance sets
//! (`eval/{fr,en}/stance_{tune,holdout}.tsv`): who a flagged message is about.

use std::fmt;

use super::ratio;
use crate::{read_stance, Category, RuleSet, Stance, StanceReading};

/// One line of a stance set (`stance<TAB>categories<TAB>text`).
#[derive(Debug, Clone)]
pub struct StanceLabelled {
    pub stance: Stance,
    /// The labelled categories (empty for `none`); informative, the scan decides.
    pub categories: Vec<Category>,
    pub text: String,
}

/// Parses a stance TSV: the header `stance<TAB>categories<TAB>text`, then one line per message.
pub fn parse_stance_tsv(src: &str) -> Result<Vec<StanceLabelled>, String> {
    let mut lines = src.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim_end() == "stance\tcategories\ttext" => {}
        _ => return Err("line 1: expected the header stance<TAB>categories<TAB>text".into()),
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let mut f = line.splitn(3, '\t');
        let (Some(stance), Some(cats), Some(text)) = (f.next(), f.next(), f.next()) else {
            return Err(format!("line {}: expected 3 tab-separated fields", i + 1));
        };
        let stance = stance
            .trim()
            .parse::<Stance>()
            .map_err(|e| format!("line {}: {e}", i + 1))?;
        let categories = match cats.trim() {
            "" | "none" => Vec::new(),
            cats => cats
                .split(',')
                .map(|c| c.trim().parse::<Category>())
                .collect::<Result<_, _>>()
                .map_err(|e| format!("line {}: {e}", i + 1))?,
        };
        out.push(StanceLabelled {
            stance,
            categories,
            text: text.to_owned(),
        });
    }
    Ok(out)
}

/// How well [`read_stance`] reads a stance set. Only lines the rules flag are read (the bot
/// reads the stance of flagged messages only); the others are counted apart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StanceScore {
    /// What was scored, e.g. `eval/fr/stance_tune.tsv`.
    pub name: String,
    pub lines: usize,
    /// Lines the rules do not flag at all, per labelled stance (indexed like [`Stance::ALL`]).
    pub unflagged: [usize; 3],
    /// Flagged lines: `confusion[label][read]`, indexed like [`Stance::ALL`].
    pub confusion: [[usize; 3]; 3],
}

impl StanceScore {
    /// Lines the rules flag (the ones whose stance is read).
    pub fn flagged(&self) -> usize {
        self.confusion.iter().flatten().sum()
    }
    pub fn unflagged_total(&self) -> usize {
        self.unflagged.iter().sum()
    }
    pub fn correct(&self) -> usize {
        (0..3).map(|i| self.confusion[i][i]).sum()
    }
    /// Stance accuracy among flagged lines.
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct(), self.flagged())
    }
    /// Flagged lines labelled `s`.
    pub fn labelled(&self, s: Stance) -> usize {
        self.confusion[s as usize].iter().sum()
    }
    /// Flagged lines read as `s`.
    pub fn read_as(&self, s: Stance) -> usize {
        self.confusion.iter().map(|row| row[s as usize]).sum()
    }
    pub fn precision(&self, s: Stance) -> f64 {
        ratio(self.confusion[s as usize][s as usize], self.read_as(s))
    }
    pub fn recall(&self, s: Stance) -> f64 {
        ratio(self.confusion[s as usize][s as usize], self.labelled(s))
    }
}

/// Scans every line of a stance set and reads the stance of those the rules flag.
pub fn score_stance(rules: &RuleSet, name: &str, lines: &[StanceLabelled]) -> StanceScore {
    let mut r = StanceScore {
        name: name.to_owned(),
        ..StanceScore::default()
    };
    for l in lines {
        r.lines += 1;
        let scan = rules.scan(&l.text);
        if !scan.flagged {
            r.unflagged[l.stance as usize] += 1;
            continue;
        }
        let read = read_stance(&l.text, &scan).stance;
        r.confusion[l.stance as usize][read as usize] += 1;
    }
    r
}

/// The flagged lines whose stance is read wrong: label, reading and text. For tune sets only:
/// whoever edits the cues must never see a holdout line.
pub fn stance_misses<'a>(
    rules: &RuleSet,
    lines: &'a [StanceLabelled],
) -> Vec<(Stance, StanceReading, &'a str)> {
    lines
        .iter()
        .filter_map(|l| {
            let scan = rules.scan(&l.text);
            if !scan.flagged {
                return None;
            }
            let read = read_stance(&l.text, &scan);
            (read.stance != l.stance).then_some((l.stance, read, l.text.as_str()))
        })
        .collect()
}

impl fmt::Display for StanceScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} lines, {} flagged, {} not flagged by the rules (self {}, aggression {}, third_party {})",
            self.name,
            self.lines,
            self.flagged(),
            self.unflagged_total(),
            self.unflagged[0],
            self.unflagged[1],
            self.unflagged[2]
        )?;
        writeln!(
            f,
            "| stance (flagged lines) | labelled | precision | recall | read as self | read as aggression | read as third_party |"
        )?;
        writeln!(f, "|---|---|---|---|---|---|---|")?;
        for s in Stance::ALL {
            let row = &self.confusion[s as usize];
            writeln!(
                f,
                "| {s} | {} | {:.3} ({}/{}) | {:.3} | {} | {} | {} |",
                self.labelled(s),
                self.precision(s),
                row[s as usize],
                self.read_as(s),
                self.recall(s),
                row[0],
                row[1],
                row[2]
            )?;
        }
        writeln!(
            f,
            "stance accuracy on flagged lines {:.3} ({}/{})",
            self.accuracy(),
            self.correct(),
            self.flagged()
        )
    }
}
