//! `/export` and `/journal` (coordinators): refusals, the export's answers, and the audit
//! list with the journal's action labels (`journal/actions.toml`, one per action).

use std::collections::HashMap;

use serde::Deserialize;

use super::registry::*;
use super::text::{sanitize, user_mention};
use super::{render, Lang};
use crate::domain::journal::{Action, Actor, Subject, SubjectId};
use crate::export::{ExportError, Field};

/// Either command, asked by someone who is not a coordinator.
pub fn journal_coordinators_only(lang: Lang) -> String {
    render(lang, &JOURNAL_COORDINATORS_ONLY, &[])
}

/// A date option that does not parse, named as the user typed it (`debut`, `fin`, `depuis`).
pub fn journal_bad_date(lang: Lang, field: &str, input: &str) -> String {
    render(
        lang,
        &JOURNAL_BAD_DATE,
        &[("field", field), ("input", &sanitize(input))],
    )
}

/// `/export` refused its range, naming the option at fault.
pub fn export_refused(lang: Lang, error: &ExportError) -> String {
    match error {
        ExportError::BadDate { input, .. } => {
            let field = match error.field() {
                Field::From => "debut",
                Field::To | Field::Format => "fin",
            };
            journal_bad_date(lang, field, input)
        }
        ExportError::Reversed { from, to } => render(
            lang,
            &JOURNAL_REVERSED,
            &[("from", &sanitize(from)), ("to", &sanitize(to))],
        ),
        ExportError::TooLong { days } => {
            render(lang, &JOURNAL_TOO_LONG, &[("days", &days.to_string())])
        }
        ExportError::BadFormat(f) => journal_bad_date(lang, "format", f),
    }
}

/// The answer that carries the file.
pub fn export_ready(lang: Lang, from: &str, to: &str, tz: &str, rows: u64) -> String {
    render(
        lang,
        &JOURNAL_EXPORT_READY,
        &[
            ("from", from),
            ("to", to),
            ("tz", tz),
            ("rows", &rows.to_string()),
        ],
    )
}

/// The export is over Discord's upload limit: the CLI command that does it.
pub fn export_too_big(
    lang: Lang,
    limit_mb: usize,
    guild: u64,
    from: &str,
    to: &str,
    format: &str,
) -> String {
    render(
        lang,
        &JOURNAL_EXPORT_TOO_BIG,
        &[
            ("limit", &limit_mb.to_string()),
            ("guild", &guild.to_string()),
            ("from", from),
            ("to", to),
            ("format", format),
        ],
    )
}

/// One line of `/journal`, as the flow read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine<'a> {
    /// Local time, already formatted.
    pub time: String,
    pub actor: &'a Actor,
    pub action: Action,
    pub subject: Subject,
    pub outcome: Option<&'a str>,
    pub note: Option<&'a str>,
}

#[derive(Debug, Default, Deserialize)]
struct Labels {
    #[serde(default)]
    unknown_staff: String,
    #[serde(default)]
    actions: HashMap<String, String>,
    #[serde(default)]
    subjects: HashMap<String, String>,
}

fn labels(lang: Lang) -> Labels {
    toml::from_str(&render(lang, &JOURNAL_ACTIONS, &[])).unwrap_or_default()
}

/// How `/journal` names an action (its id when the file lacks it: a test prevents that).
pub fn journal_action_label(lang: Lang, action: Action) -> String {
    labels(lang)
        .actions
        .remove(action.as_str())
        .unwrap_or_else(|| action.as_str().to_owned())
}

/// `/journal`: the header and the lines, newest first, or the empty message. Staff are
/// mentions (the reply allows no ping), notes are the bot's own labels, sanitised anyway.
pub fn journal_list(lang: Lang, tz: &str, lines: &[AuditLine<'_>]) -> String {
    if lines.is_empty() {
        return render(lang, &JOURNAL_EMPTY, &[]);
    }
    let labels = labels(lang);
    let mut out = vec![render(
        lang,
        &JOURNAL_HEADER,
        &[("count", &lines.len().to_string()), ("tz", tz)],
    )];
    for l in lines {
        let who = match l.actor {
            Actor::Staff(id) => user_mention(*id),
            _ => labels.unknown_staff.clone(),
        };
        let action = labels
            .actions
            .get(l.action.as_str())
            .cloned()
            .unwrap_or_else(|| l.action.as_str().to_owned());
        let subject = match l.subject.columns() {
            (Some(kind), Some(id)) => {
                let id = match id {
                    SubjectId::Snowflake(s) => s.to_string(),
                    SubjectId::Number(n) => n.to_string(),
                };
                let words = labels.subjects.get(kind).cloned().unwrap_or_default();
                format!(" {words}{id}")
            }
            _ => String::new(),
        };
        let detail: Vec<String> = [l.outcome, l.note]
            .into_iter()
            .flatten()
            .map(sanitize)
            .collect();
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", detail.join(", "))
        };
        out.push(render(
            lang,
            &JOURNAL_LINE,
            &[
                ("time", &l.time),
                ("who", &who),
                ("action", &action),
                ("subject", &subject),
                ("detail", &detail),
            ],
        ));
    }
    out.join("\n")
}

/// `/export` and `/journal`: every refusal, both answers, a list and its empty form.
#[cfg(test)]
pub(super) fn all_texts(lang: Lang) -> Vec<String> {
    use super::command_description;
    use crate::export::Range;
    let mut out = vec![
        journal_coordinators_only(lang),
        journal_bad_date(lang, "depuis", "hier"),
        export_ready(lang, "2026-03-01", "2026-03-31", "Europe/Paris", 12),
        export_too_big(lang, 8, 1, "2025-01-01", "2025-12-31", "csv"),
        journal_list(lang, "Europe/Paris", &[]),
        journal_action_label(lang, Action::ExportMade),
    ];
    let tz = chrono_tz::UTC;
    for (from, to) in [
        ("x", "2026-01-01"),
        ("2026-02-01", "2026-01-01"),
        ("2024-01-01", "2026-01-01"),
    ] {
        if let Err(e) = Range::parse(from, to, tz) {
            out.push(export_refused(lang, &e));
        }
    }
    out.push(export_refused(lang, &ExportError::BadFormat("xlsx".into())));
    let staff = Actor::Staff(7);
    out.push(journal_list(
        lang,
        "Europe/Paris",
        &[AuditLine {
            time: "10/03 13:00".into(),
            actor: &staff,
            action: Action::AlertTaken,
            subject: Subject::Alert(1),
            outcome: None,
            note: Some("rows=3"),
        }],
    ));
    out.extend(command_description(lang, "export"));
    out.extend(command_description(lang, "journal"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_label_in_both_languages() {
        for lang in Lang::ALL {
            let labels = labels(lang);
            for action in Action::ALL {
                assert!(
                    labels.actions.contains_key(action.as_str()),
                    "prompts/{lang}/journal/actions.toml lacks {action}"
                );
            }
            for kind in [
                "message",
                "alert",
                "question",
                "resource",
                "permanence",
                "rule",
            ] {
                assert!(labels.subjects.contains_key(kind), "{lang}: {kind}");
            }
            assert!(!labels.unknown_staff.is_empty());
        }
    }

    #[test]
    fn a_line_names_the_staff_member_by_mention_and_the_subject_by_number() {
        let karim = Actor::Staff(42);
        let line = AuditLine {
            time: "10/03 13:00".into(),
            actor: &karim,
            action: Action::AlertClosed,
            subject: Subject::Alert(3),
            outcome: Some("oriente"),
            note: None,
        };
        let text = journal_list(Lang::Fr, "Europe/Paris", &[line]);
        assert!(
            text.contains("<@42> · a clos l'alerte n°3 (oriente)"),
            "{text}"
        );
    }
}
