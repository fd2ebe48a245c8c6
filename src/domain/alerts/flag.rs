//! A flag: one flagged message of an alert, with the excerpt the alert shows and where the
//! rules matched in it.

use std::collections::BTreeSet;

use crate::safety::{Category, Scan, Severity};

/// Longest excerpt kept for an alert, in bytes of the original message.
pub const MAX_EXCERPT_BYTES: usize = 1500;

/// Where a rule matched in the excerpt (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub rule: String,
}

/// A flagged message as the alert keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub alert_id: i64,
    pub message_id: u64,
    /// Who wrote the message (several people for a pile-on on one young person).
    pub author_id: u64,
    pub channel_id: u64,
    pub severity: Severity,
    pub categories: BTreeSet<Category>,
    /// The start of the message (at most [`MAX_EXCERPT_BYTES`]), erased with the alert.
    pub excerpt: String,
    pub spans: Vec<Span>,
    /// When the message was sent, or last edited, unix ms.
    pub at: i64,
    /// Set when the conversation stage flagged the message as the one that tipped a pile-on.
    pub conversation: Option<PileOnNote>,
}

/// What an alert shows of a pile-on (see `promeneur_safety::pile_on`): never any content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PileOnNote {
    /// The first message of the pile-on still in the conversation's memory, and its time.
    pub first_message: u64,
    pub first_at: i64,
    /// Aggressive messages aimed at the target in the window, and their distinct authors.
    pub messages: u32,
    pub authors: u32,
    /// The target's pseudonym, when the target could be told.
    pub target: Option<String>,
    /// Tipped by a plea: the target asked the others to stop, or a bystander called it out.
    pub plea: bool,
}

impl Flag {
    /// The flag of a scanned message: its excerpt (the start of the message, cut on a char
    /// boundary) and the matches that fall inside it.
    pub fn from_scan(
        alert_id: i64,
        (message_id, author_id): (u64, u64),
        channel_id: u64,
        content: &str,
        scan: &Scan,
        at: i64,
    ) -> Flag {
        let mut cut = content.len().min(MAX_EXCERPT_BYTES);
        while !content.is_char_boundary(cut) {
            cut -= 1;
        }
        let spans = scan
            .matches
            .iter()
            .filter(|m| m.end <= cut)
            .map(|m| Span {
                start: m.start,
                end: m.end,
                rule: m.rule.clone(),
            })
            .collect();
        Flag {
            alert_id,
            message_id,
            author_id,
            channel_id,
            severity: scan.severity,
            categories: scan.categories.iter().copied().collect(),
            excerpt: content[..cut].to_owned(),
            spans,
            at,
            conversation: None,
        }
    }
}

/// The distinct authors of `flags`, in the order they first wrote.
pub fn authors_of<'a>(flags: impl IntoIterator<Item = &'a Flag>) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    for f in flags {
        if !out.contains(&f.author_id) {
            out.push(f.author_id);
        }
    }
    out
}

/// The union of the categories of `flags`.
pub fn categories_of<'a>(flags: impl IntoIterator<Item = &'a Flag>) -> BTreeSet<Category> {
    flags
        .into_iter()
        .flat_map(|f| f.categories.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::Match;

    fn scan_with(matches: Vec<(usize, usize)>) -> Scan {
        Scan {
            flagged: true,
            severity: Severity::High,
            categories: vec![Category::Distress],
            matches: matches
                .into_iter()
                .map(|(start, end)| Match {
                    rule: "r".into(),
                    category: Category::Distress,
                    severity: Severity::High,
                    start,
                    end,
                })
                .collect(),
            ..Scan::default()
        }
    }

    #[test]
    fn a_long_message_is_cut_on_a_char_boundary_and_keeps_only_the_matches_inside() {
        let content = format!("{}é tail", "a".repeat(MAX_EXCERPT_BYTES - 1));
        let scan = scan_with(vec![(0, 3), (MAX_EXCERPT_BYTES, MAX_EXCERPT_BYTES + 4)]);
        let flag = Flag::from_scan(1, (2, 9), 3, &content, &scan, 0);
        assert_eq!(flag.excerpt.len(), MAX_EXCERPT_BYTES - 1);
        assert_eq!(flag.spans.len(), 1);
        assert_eq!(flag.categories, [Category::Distress].into());
    }
}
