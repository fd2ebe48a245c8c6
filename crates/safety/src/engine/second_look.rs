//! The second look over the rules' answer (see `crate::second_look`): a `low` or `medium` flag
//! that the model reads as harmless is cancelled (never a `high` or `critical` one: "je veux
//! mourir" reads as harmless to a model that has seen "je vais mourir de rire" too often) (its matches listed as cancelled by
//! `second_look` for explanations); a message the rules let through that the model reads as
//! worrying is flagged `medium` under the categories it finds, with one match over the whole
//! message named `second_look`.

use crate::second_look::{SecondLook, RESCUE_FROM, VETO_BELOW};
use crate::{ExceptionApplied, Match, Scan, Severity};

/// The rule id a rescued message's match carries, and the exception id of a cancelled flag.
pub(crate) const SECOND_LOOK: &str = "second_look";

/// Messages with fewer words are left to the rules alone (a greeting, an emoji, "mdr").
const MIN_WORDS: usize = 3;

pub(super) fn decide(model: &SecondLook, normalised: &str, text: &str, first: Scan) -> Scan {
    if normalised.split(' ').filter(|w| !w.is_empty()).count() < MIN_WORDS {
        return first;
    }
    let look = model.look(normalised);
    if first.flagged {
        if first.severity >= Severity::High || look.risk >= VETO_BELOW {
            return first;
        }
        let mut out = Scan {
            exceptions: first.exceptions,
            ..Scan::default()
        };
        out.exceptions
            .extend(first.matches.into_iter().map(|m| ExceptionApplied {
                exception: SECOND_LOOK.to_owned(),
                rule: m.rule,
                from: m.severity,
                to: Severity::None,
                start: m.start,
                end: m.end,
                exception_start: 0,
                exception_end: text.len(),
            }));
        return out;
    }
    if look.risk < RESCUE_FROM {
        return first;
    }
    let categories = look.likely_categories();
    let matches = categories
        .iter()
        .map(|&category| Match {
            rule: SECOND_LOOK.to_owned(),
            category,
            severity: Severity::Medium,
            start: 0,
            end: text.len(),
        })
        .collect();
    Scan {
        flagged: true,
        severity: Severity::Medium,
        categories,
        matches,
        exceptions: first.exceptions,
        combos: Vec::new(),
        signals: first.signals,
    }
}
