//! Scoring the flagger against labelled data: labelled TSV sets (the shared fr-youth set, and the
//! repository's own `eval/{fr,en}/{tune,tune2,tune3,holdout}.tsv`), the CyberAgressionAdo
//! chats, and the stance sets (`eval/{fr,en}/stance_{tune,holdout}.tsv`: who a flagged message
//! is about, see [`crate::stance`]).
//!
//! Dev-only: compiled with the `eval` feature, which this crate's tests and example enable
//! (through its dev-dependency on itself); the bot never builds it. Pure: callers read the
//! files (the shared data stays outside the repository, its directory comes from
//! `PROMENEUR_EVAL_DIR`) and pass their text here. Used by `examples/safety_eval.rs` (prints the
//! tables) and by the quality floors in `tests/safety.rs`.

use std::fmt;

mod chat;
mod stance;

pub use chat::*;
pub use stance::*;

use crate::{Category, RuleSet, Severity};

/// One line of `fr-youth-visible.tsv`.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// Empty for `none`.
    pub categories: Vec<Category>,
    pub severity: Severity,
    pub text: String,
}

/// Parses the fr-youth TSV (`categories<TAB>severity<TAB>text`, with a header line).
pub fn parse_youth_tsv(src: &str) -> Result<Vec<Labelled>, String> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let mut f = line.splitn(3, '\t');
        let (Some(cats), Some(sev), Some(text)) = (f.next(), f.next(), f.next()) else {
            return Err(format!("line {}: expected 3 tab-separated fields", i + 1));
        };
        let categories = if cats == "none" {
            Vec::new()
        } else {
            cats.split(',')
                .map(|c| c.trim().parse::<Category>())
                .collect::<Result<_, _>>()
                .map_err(|e| format!("line {}: {e}", i + 1))?
        };
        let severity = sev
            .parse::<Severity>()
            .map_err(|e| format!("line {}: {e}", i + 1))?;
        out.push(Labelled {
            categories,
            severity,
            text: text.to_owned(),
        });
    }
    Ok(out)
}

/// Recall and false-positive rate of one category on a labelled set.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryScore {
    pub category: Category,
    pub positives: usize,
    pub found: usize,
    /// `none` lines flagged with this category.
    pub false_positives: usize,
}

/// The scores of one labelled TSV set (fr-youth-visible, or one of the repository's `eval/`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelledScore {
    /// What was scored, e.g. `fr-youth-visible` or `eval/en/holdout.tsv`.
    pub name: String,
    pub lines: usize,
    pub none: usize,
    pub positives: usize,
    /// Positives flagged with any category.
    pub flagged: usize,
    pub high_critical: usize,
    pub high_critical_flagged: usize,
    /// `none` lines flagged.
    pub false_positives: usize,
    /// Positives whose severity equals the label.
    pub severity_exact: usize,
    pub categories: Vec<CategoryScore>,
}

pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl LabelledScore {
    pub fn recall(&self) -> f64 {
        ratio(self.flagged, self.positives)
    }
    pub fn high_critical_recall(&self) -> f64 {
        ratio(self.high_critical_flagged, self.high_critical)
    }
    pub fn fp_rate(&self) -> f64 {
        ratio(self.false_positives, self.none)
    }
    pub fn precision(&self) -> f64 {
        ratio(self.flagged, self.flagged + self.false_positives)
    }
}

/// Scans every line of a labelled set and scores the results.
pub fn score_labelled(rules: &RuleSet, name: &str, lines: &[Labelled]) -> LabelledScore {
    let mut r = LabelledScore {
        name: name.to_owned(),
        categories: Category::ALL
            .iter()
            .map(|&category| CategoryScore {
                category,
                positives: 0,
                found: 0,
                false_positives: 0,
            })
            .collect(),
        ..LabelledScore::default()
    };
    for l in lines {
        let scan = rules.scan(&l.text);
        r.lines += 1;
        if l.categories.is_empty() {
            r.none += 1;
            r.false_positives += usize::from(scan.flagged);
            for c in &scan.categories {
                r.categories[*c as usize].false_positives += 1;
            }
            continue;
        }
        r.positives += 1;
        r.flagged += usize::from(scan.flagged);
        r.severity_exact += usize::from(scan.severity == l.severity);
        if l.severity >= Severity::High {
            r.high_critical += 1;
            r.high_critical_flagged += usize::from(scan.flagged);
        }
        for c in &l.categories {
            let s = &mut r.categories[*c as usize];
            s.positives += 1;
            s.found += usize::from(scan.categories.contains(c));
        }
    }
    r
}

impl fmt::Display for LabelledScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} lines, {} none, {} positives",
            self.name, self.lines, self.none, self.positives
        )?;
        writeln!(f, "| category | positives | recall | FP (of none lines) |")?;
        writeln!(f, "|---|---|---|---|")?;
        for c in &self.categories {
            writeln!(
                f,
                "| {} | {} | {:.3} ({}/{}) | {:.3} ({}) |",
                c.category,
                c.positives,
                ratio(c.found, c.positives),
                c.found,
                c.positives,
                ratio(c.false_positives, self.none),
                c.false_positives
            )?;
        }
        writeln!(
            f,
            "| any (flagged) | {} | {:.3} ({}/{}) | {:.3} ({}/{}) |",
            self.positives,
            self.recall(),
            self.flagged,
            self.positives,
            self.fp_rate(),
            self.false_positives,
            self.none
        )?;
        writeln!(
            f,
            "| high+critical | {} | {:.3} ({}/{}) | |",
            self.high_critical,
            self.high_critical_recall(),
            self.high_critical_flagged,
            self.high_critical
        )?;
        writeln!(
            f,
            "precision {:.3}; severity exact on positives {:.3} ({}/{})",
            self.precision(),
            ratio(self.severity_exact, self.positives),
            self.severity_exact,
            self.positives
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stance;

    #[test]
    fn stance_lines_parse_and_a_wrong_header_is_refused() {
        let v = parse_stance_tsv(
            "stance\tcategories\ttext\naggression\tharassment\tt'es nul\nthird_party\tnone\tx\n",
        )
        .unwrap();
        assert_eq!(v[0].stance, Stance::Aggression);
        assert_eq!(v[0].categories, vec![Category::Harassment]);
        assert!(v[1].categories.is_empty());
        assert!(parse_stance_tsv("categories\tseverity\ttext\n").is_err());
        assert!(parse_stance_tsv("stance\tcategories\ttext\nboth\tnone\tx\n").is_err());
    }

    #[test]
    fn tsv_lines_parse_with_several_categories() {
        let v = parse_youth_tsv(
            "categories\tseverity\ttext\nharassment,distress\thigh\tx y\nnone\tnone\tz\n",
        )
        .unwrap();
        assert_eq!(
            v[0].categories,
            vec![Category::Harassment, Category::Distress]
        );
        assert!(v[1].categories.is_empty());
    }
}
