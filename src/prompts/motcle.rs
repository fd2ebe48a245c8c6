//! `/motcle`: a guild's own keyword rules (test a text, add, remove, list) and the refusals of
//! what a coordinator typed, each naming the field.

use super::labels::{categories_label, category_label, severity_label};
use super::registry::*;
use super::text::{
    discord_relative_timestamp, neutralize_mentions, sanitize, truncate_chars, user_mention,
};
use super::{render, Lang};
use crate::domain::guild_rules::{
    rule_number, Field, GuildRule, InputError, Kind, NewRule, MAX_TERM_CHARS, SEVERITIES,
};
use crate::safety::{Category, Scan, Severity};

/// How many harmless lines a confirmation shows.
const CONFIRM_LINES: usize = 3;
/// How much of a quoted harmless line is shown.
const LINE_CHARS: usize = 200;

/// A rule's term as typed (a regex between slashes, in code), safe to show.
fn shown(rule: &NewRule) -> String {
    match rule.kind {
        Kind::Term => sanitize(&rule.term),
        // In code, where Markdown shows as typed; a backtick would end it, so none is kept.
        Kind::Regex => format!("`/{}/`", neutralize_mentions(&rule.term.replace('`', "'"))),
    }
}

/// The refusal of non-coordinators.
pub fn motcle_coordinators_only(lang: Lang) -> String {
    render(lang, &MOTCLE_COORDINATORS_ONLY, &[])
}

/// A refused field of `/motcle ajouter`, named.
pub fn motcle_input_error(lang: Lang, e: &InputError) -> String {
    let field = |f: &Field| f.to_string();
    match e {
        InputError::TooShort(f) => render(lang, &MOTCLE_ERR_TOO_SHORT, &[("field", &field(f))]),
        InputError::TooLong(f) => render(
            lang,
            &MOTCLE_ERR_TOO_LONG,
            &[("field", &field(f)), ("max", &MAX_TERM_CHARS.to_string())],
        ),
        InputError::BadRegex { field: f, reason } => render(
            lang,
            &MOTCLE_ERR_BAD_REGEX,
            &[("field", &field(f)), ("reason", &sanitize(reason))],
        ),
        InputError::CostlyRegex(f) => {
            render(lang, &MOTCLE_ERR_COSTLY_REGEX, &[("field", &field(f))])
        }
        InputError::RegexWithoutWords(f) => {
            render(lang, &MOTCLE_ERR_REGEX_WORDS, &[("field", &field(f))])
        }
        InputError::UnknownCategory(v) => {
            let expected: Vec<String> = Category::ALL
                .iter()
                .map(|c| format!("`{}` ({})", c.as_str(), category_label(lang, *c)))
                .collect();
            render(
                lang,
                &MOTCLE_ERR_CATEGORY,
                &[("value", &sanitize(v)), ("expected", &expected.join(", "))],
            )
        }
        InputError::UnknownSeverity(v) => {
            let expected: Vec<String> = SEVERITIES
                .iter()
                .map(|s| format!("`{}` ({})", s.as_str(), severity_label(lang, *s)))
                .collect();
            render(
                lang,
                &MOTCLE_ERR_SEVERITY,
                &[("value", &sanitize(v)), ("expected", &expected.join(", "))],
            )
        }
    }
}

/// `/motcle retirer` of a term the guild does not have.
pub fn motcle_not_found(lang: Lang, term: &str) -> String {
    render(lang, &MOTCLE_NOT_FOUND, &[("term", &sanitize(term.trim()))])
}

/// `/motcle ajouter` of a term the guild has.
pub fn motcle_exists(lang: Lang, rule: &NewRule) -> String {
    render(lang, &MOTCLE_EXISTS, &[("term", &shown(rule))])
}

/// A rule saved (at once, or once confirmed).
pub fn motcle_added(lang: Lang, rule: &NewRule) -> String {
    render(
        lang,
        &MOTCLE_ADDED,
        &[
            ("term", &shown(rule)),
            ("category", &category_label(lang, rule.category)),
            ("severity", &severity_label(lang, rule.severity)),
        ],
    )
}

/// The rule would flag labelled harmless lines: a few of them, above the confirm button.
pub fn motcle_confirm(lang: Lang, rule: &NewRule, lines: &[&str]) -> String {
    let quoted: Vec<String> = lines
        .iter()
        .take(CONFIRM_LINES)
        .map(|l| {
            render(
                lang,
                &MOTCLE_CONFIRM_LINE,
                &[("line", &sanitize(&truncate_chars(l, LINE_CHARS)))],
            )
        })
        .collect();
    render(
        lang,
        &MOTCLE_CONFIRM,
        &[
            ("term", &shown(rule)),
            ("count", &lines.len().to_string()),
            ("lines", &quoted.join("\n")),
        ],
    )
}

pub fn motcle_confirm_button(lang: Lang) -> String {
    render(lang, &MOTCLE_CONFIRM_BUTTON, &[])
}

/// A confirm button pressed when its rule no longer waits.
pub fn motcle_confirm_gone(lang: Lang) -> String {
    render(lang, &MOTCLE_CONFIRM_GONE, &[])
}

pub fn motcle_removed(lang: Lang, rule: &NewRule) -> String {
    render(lang, &MOTCLE_REMOVED, &[("term", &shown(rule))])
}

/// The guild's active rules, oldest first.
pub fn motcle_list(lang: Lang, rules: &[GuildRule]) -> String {
    if rules.is_empty() {
        return render(lang, &MOTCLE_LIST_EMPTY, &[]);
    }
    let lines: Vec<String> = rules
        .iter()
        .map(|r| {
            let exception = r
                .rule
                .exception
                .as_deref()
                .map(|x| render(lang, &MOTCLE_LIST_EXCEPTION, &[("exception", &sanitize(x))]))
                .unwrap_or_default();
            render(
                lang,
                &MOTCLE_LIST_ITEM,
                &[
                    ("id", &r.id.to_string()),
                    ("term", &shown(&r.rule)),
                    ("category", r.rule.category.as_str()),
                    ("severity", r.rule.severity.as_str()),
                    ("exception", &exception),
                    ("by", &user_mention(r.added_by)),
                    ("at", &discord_relative_timestamp(r.added_at)),
                ],
            )
        })
        .collect();
    render(
        lang,
        &MOTCLE_LIST,
        &[
            ("count", &rules.len().to_string()),
            ("lines", &lines.join("\n")),
        ],
    )
}

/// `/motcle tester`: what detection finds in `text` and why (the shipped rules and the
/// guild's), like `promeneur scan --explain`.
pub fn motcle_test(lang: Lang, text: &str, scan: &Scan) -> String {
    let slice = |s: usize, e: usize| sanitize(text.get(s..e).unwrap_or(""));
    let mut out = vec![if scan.flagged {
        render(
            lang,
            &MOTCLE_TEST_FLAGGED,
            &[
                ("severity", &severity_label(lang, scan.severity)),
                ("categories", &categories_label(lang, &scan.categories)),
            ],
        )
    } else {
        render(lang, &MOTCLE_TEST_CLEAN, &[])
    }];
    for m in &scan.matches {
        // A guild rule by its number, as `/motcle liste` shows it (its id holds the guild's).
        let (rule, origin) = match rule_number(&m.rule) {
            Some(n) => (format!("#{n}"), render(lang, &MOTCLE_TEST_GUILD_RULE, &[])),
            None => (m.rule.clone(), String::new()),
        };
        out.push(render(
            lang,
            &MOTCLE_TEST_MATCH,
            &[
                ("rule", &rule),
                ("origin", &origin),
                ("category", &category_label(lang, m.category)),
                ("severity", &severity_label(lang, m.severity)),
                ("text", &slice(m.start, m.end)),
            ],
        ));
        if let Some((_, parts)) = scan.combos.iter().find(|(id, _)| *id == m.rule) {
            for p in parts {
                out.push(render(
                    lang,
                    &MOTCLE_TEST_BECAUSE,
                    &[("rule", &p.rule), ("text", &slice(p.start, p.end))],
                ));
            }
        }
    }
    for x in &scan.exceptions {
        let args = [
            ("exception", x.exception.clone()),
            ("words", slice(x.exception_start, x.exception_end)),
            ("rule", x.rule.clone()),
            ("text", slice(x.start, x.end)),
            ("severity", severity_label(lang, x.to)),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        if x.to == Severity::None {
            out.push(render(lang, &MOTCLE_TEST_CANCELLED, &args[..4]));
        } else {
            out.push(render(lang, &MOTCLE_TEST_LOWERED, &args));
        }
    }
    out.join("\n")
}

/// Every `/motcle` text, for the prompts' coverage test.
#[cfg(test)]
pub(super) fn render_all(lang: Lang) -> Vec<String> {
    use crate::domain::guild_rules::Status;
    use crate::safety::{ExceptionApplied, Match};

    let rule = NewRule::parse(
        "gros naze",
        "harassment",
        "medium",
        Some("pas un gros naze"),
    )
    .expect("a valid rule");
    let mut out = vec![
        motcle_coordinators_only(lang),
        motcle_not_found(lang, "naze"),
        motcle_exists(lang, &rule),
        motcle_added(lang, &rule),
        motcle_confirm(lang, &rule, &["une ligne", "une autre"]),
        motcle_confirm_button(lang),
        motcle_confirm_gone(lang),
        motcle_removed(lang, &rule),
        motcle_list(lang, &[]),
        motcle_list(
            lang,
            &[GuildRule {
                id: 1,
                guild_id: 2,
                rule: rule.clone(),
                status: Status::Active,
                added_by: 3,
                added_at: 0,
                removed_by: None,
                removed_at: None,
            }],
        ),
    ];
    for e in [
        InputError::TooShort(Field::Terme),
        InputError::TooLong(Field::Exception),
        InputError::BadRegex {
            field: Field::Terme,
            reason: "unclosed group".into(),
        },
        InputError::CostlyRegex(Field::Terme),
        InputError::RegexWithoutWords(Field::Terme),
        InputError::UnknownCategory("x".into()),
        InputError::UnknownSeverity("y".into()),
    ] {
        out.push(motcle_input_error(lang, &e));
    }
    let text = "t'es un gros naze mdr";
    let m = |rule: &str| Match {
        rule: rule.into(),
        category: Category::Harassment,
        severity: Severity::Medium,
        start: 8,
        end: 17,
    };
    let x = |to| ExceptionApplied {
        exception: "x".into(),
        rule: "r".into(),
        from: Severity::High,
        to,
        start: 8,
        end: 17,
        exception_start: 18,
        exception_end: 21,
    };
    let scan = Scan {
        flagged: true,
        severity: Severity::Medium,
        categories: vec![Category::Harassment],
        matches: vec![m("guild.2.1"), m("combo")],
        exceptions: vec![x(Severity::None), x(Severity::Low)],
        combos: vec![("combo".into(), vec![m("part")])],
        signals: Vec::new(),
    };
    out.push(motcle_test(lang, text, &scan));
    out.push(motcle_test(lang, text, &Scan::default()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regex_shows_as_typed_in_code_and_never_pings() {
        let rule = NewRule::parse("/pendr(e|ai)/", "harassment", "low", None).unwrap();
        assert!(motcle_added(Lang::Fr, &rule).contains("« `/pendr(e|ai)/` »"));
        let hostile = NewRule {
            term: "ab`@everyone".into(),
            ..rule
        };
        let shown = motcle_removed(Lang::Fr, &hostile);
        assert!(
            !shown.contains("@everyone") && !shown.contains("ab`"),
            "{shown}"
        );
    }
}
