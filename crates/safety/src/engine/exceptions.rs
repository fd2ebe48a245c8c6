//! Exceptions acting on hits: an inline exception of the rule cancels a hit it covers; shared
//! `[[exception]]` tables cancel or lower the hits of the rules they apply to, where their scope
//! asks. One function ([`RuleSet::after_exceptions`]) decides for the full pass and the
//! shortcut alike; the full pass also records each step for explanations.

use super::{overlaps, Hit, Span};
use crate::rules::{Action, Scope};
use crate::ruleset::{CompiledRule, RuleSet};
use crate::{ExceptionApplied, Scan, Severity};

/// Which exception acted on a hit.
#[derive(Debug, Clone, Copy)]
pub(super) enum Applied<'a> {
    /// One of the rule's own `exceptions`.
    Inline,
    /// A shared `[[exception]]`, by id.
    Shared(&'a str),
}

impl RuleSet {
    /// The one way exceptions act, for the full pass and the shortcut alike: an inline
    /// exception of the rule found over the hit (`inline`) cancels it; otherwise each of the
    /// rule's shared exceptions found where its scope asks (`shared(index, scope)`) cancels or
    /// lowers it, in order, until nothing is left. `applied` hears each step (label, from, to,
    /// where the exception's words were). Returns the severity left.
    pub(super) fn after_exceptions<S>(
        &self,
        rule: u32,
        mut sev: Severity,
        inline: impl FnOnce() -> Option<S>,
        mut shared: impl FnMut(u32, Scope) -> Option<S>,
        mut applied: impl FnMut(Applied<'_>, Severity, Severity, S),
    ) -> Severity {
        if let Some(at) = inline() {
            applied(Applied::Inline, sev, Severity::None, at);
            return Severity::None;
        }
        let r = &self.rules[rule as usize];
        for &xi in &r.exceptions {
            if sev == Severity::None {
                break;
            }
            let x = &self.exceptions[xi as usize];
            let Some(at) = shared(xi, x.scope) else {
                continue;
            };
            let to = match (x.action, r.severity) {
                (Action::Cancel, _) | (Action::Lower, None) => Severity::None,
                (Action::Lower, Some(_)) => sev.lowered(),
            };
            applied(Applied::Shared(&x.id), sev, to, at);
            sev = to;
        }
        sev
    }

    /// Applies inline and shared exceptions to `hits[from..]`, recording what changed.
    pub(super) fn apply_exceptions(
        &self,
        hits: &mut [Hit],
        from: usize,
        rule_exc: &[Span],
        exc: &[Span],
        out: &mut Scan,
    ) {
        if rule_exc.is_empty() && exc.is_empty() {
            return;
        }
        for h in hits.iter_mut().skip(from) {
            let (rule, span) = (h.rule, (h.s, h.e));
            h.sev = self.after_exceptions(
                rule,
                h.sev,
                || {
                    rule_exc
                        .iter()
                        .find(|x| x.id == rule && overlaps((x.s, x.e), span))
                },
                |xi, scope| {
                    exc.iter().find(|x| {
                        x.id == xi && (scope == Scope::Message || overlaps((x.s, x.e), span))
                    })
                },
                |label, from, to, at| {
                    record(out, label, &self.rules[rule as usize], from, to, span, at);
                },
            );
        }
    }
}

/// Adds one step of an exception on a flagging rule's hit to the scan's explanations.
fn record(
    out: &mut Scan,
    label: Applied<'_>,
    rule: &CompiledRule,
    from: Severity,
    to: Severity,
    span: (u32, u32),
    at: &Span,
) {
    if rule.severity.is_none() {
        // Cancelled signals are not worth explaining one by one.
        return;
    }
    let exception = match label {
        Applied::Inline => format!("{}#exceptions", rule.id),
        Applied::Shared(id) => id.to_owned(),
    };
    out.exceptions.push(ExceptionApplied {
        exception,
        rule: rule.id.clone(),
        from,
        to,
        start: span.0 as usize,
        end: span.1 as usize,
        exception_start: at.s as usize,
        exception_end: at.e as usize,
    });
}
