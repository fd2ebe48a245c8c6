//! The weekly digest as Markdown, for the coordination channel, `/bilan` and
//! `promeneur digest --format md`. Only counts, durations, staff names and links to threads:
//! the digest never names a young person nor quotes one.

use super::labels::{category_label, elapsed, outcome_label, severity_label};
use super::registry::*;
use super::text::{discord_timestamp, sanitize, truncate_chars};
use super::{render, Lang};
use crate::domain::digest::{Digest, Direction, WeekError};
use crate::safety::{Category, Severity};

/// Unanswered questions listed one by one, at most (a Discord message holds 2000 characters).
const MAX_WAITING_LINES: usize = 10;

/// The whole digest. "Rien à signaler" when the week had no activity.
pub fn digest_markdown(lang: Lang, d: &Digest) -> String {
    let week = d.week.clone();
    let from = d.from.to_string();
    let to = d.to.to_string();
    let partial = if d.partial {
        render(
            lang,
            &DIGEST_PARTIAL,
            &[("as_of", &discord_timestamp(d.cut_off_ms))],
        )
    } else {
        String::new()
    };
    let s = &d.summary;
    if s.is_empty() {
        return render(
            lang,
            &DIGEST_EMPTY,
            &[
                ("week", &week),
                ("from", &from),
                ("to", &to),
                ("partial", &partial),
            ],
        );
    }
    let q = &s.questions;
    let a = &s.alerts;
    let p = &s.permanences;
    let t = &d.trend;
    let n = |v: u32| v.to_string();
    let by_category = counts(
        lang,
        a.by_category.iter().filter_map(|(id, c)| {
            id.parse::<Category>()
                .ok()
                .map(|cat| (category_label(lang, cat), *c))
        }),
    );
    let by_severity = counts(
        lang,
        a.by_severity.iter().filter_map(|(id, c)| {
            id.parse::<Severity>()
                .ok()
                .map(|sev| (severity_label(lang, sev), *c))
        }),
    );
    let outcomes = counts(
        lang,
        a.outcomes
            .iter()
            .filter_map(|(id, c)| id.parse().ok().map(|o| (outcome_label(lang, o), *c))),
    );
    let rules = list(
        lang,
        a.false_positive_rules.iter().map(|r| {
            render(
                lang,
                &DIGEST_RULE_ITEM,
                &[
                    ("family", &sanitize(&r.family)),
                    ("share", &percent(lang, Some(r.share_pct))),
                    ("false_positives", &n(r.false_positives)),
                    ("closed", &n(r.closed)),
                ],
            )
        }),
    );
    let who = list(
        lang,
        p.by_promeneur.iter().map(|h| {
            render(
                lang,
                &DIGEST_WHO_ITEM,
                &[
                    ("name", &sanitize(&h.name)),
                    ("count", &n(h.count)),
                    ("hours", &elapsed(lang, h.minutes * 60_000)),
                ],
            )
        }),
    );
    let body = render(
        lang,
        &DIGEST_REPORT,
        &[
            ("week", &week),
            ("from", &from),
            ("to", &to),
            ("partial", &partial),
            ("asked", &n(q.asked)),
            ("asked_trend", &arrow(t.questions)),
            ("open", &n(q.open)),
            ("anonymous", &n(q.anonymous)),
            ("private", &n(q.private)),
            ("answered_pct", &percent(lang, q.answered_pct)),
            ("answered_trend", &arrow(t.answered_pct)),
            ("answer_median", &delay(lang, q.first_answer.median_ms)),
            ("answer_trend", &arrow(t.first_answer_median)),
            ("answer_p90", &delay(lang, q.first_answer.p90_ms)),
            ("waiting_count", &q.waiting_over_48h.len().to_string()),
            ("waiting", &waiting_lines(lang, d)),
            ("alerts", &n(a.flagged)),
            ("alerts_trend", &arrow(t.alerts)),
            ("by_category", &by_category),
            ("by_severity", &by_severity),
            ("take_median", &delay(lang, a.time_to_take.median_ms)),
            ("take_trend", &arrow(t.take_median)),
            ("take_p90", &delay(lang, a.time_to_take.p90_ms)),
            ("escalated", &n(a.escalated)),
            ("still_open", &n(a.still_open)),
            ("outcomes", &outcomes),
            ("false_positive_rules", &rules),
            ("dms_refused", &n(a.dms_refused)),
            ("resources", &n(s.resources_added)),
            ("held", &n(p.held)),
            ("hours", &elapsed(lang, p.minutes * 60_000)),
            ("who", &who),
        ],
    );
    tidy(&body)
}

/// Blank lines left by empty optional parts are dropped, paragraphs kept.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if blank && !out.is_empty() {
            out.push('\n');
        }
        blank = false;
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// The trend's arrow after a number (with its space), or nothing.
fn arrow(d: Option<Direction>) -> String {
    d.map(|d| format!(" {}", d.arrow())).unwrap_or_default()
}

fn percent(lang: Lang, value: Option<f64>) -> String {
    match value {
        Some(v) => render(lang, &DIGEST_PERCENT, &[("value", &format!("{v}"))]),
        None => render(lang, &DIGEST_NOT_AVAILABLE, &[]),
    }
}

fn delay(lang: Lang, ms: Option<i64>) -> String {
    match ms {
        Some(ms) => elapsed(lang, ms),
        None => render(lang, &DIGEST_NOT_AVAILABLE, &[]),
    }
}

fn counts(lang: Lang, items: impl Iterator<Item = (String, u32)>) -> String {
    list(
        lang,
        items.map(|(label, count)| {
            render(
                lang,
                &DIGEST_COUNT_ITEM,
                &[("label", &label), ("count", &count.to_string())],
            )
        }),
    )
}

fn list(lang: Lang, items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        render(lang, &DIGEST_NONE, &[])
    } else {
        // Labels may hold commas ("idées suicidaires, automutilation").
        items.join(" ; ")
    }
}

pub(super) fn way_name(lang: Lang, way: &str) -> String {
    let template = match way {
        "anonymous" => &DIGEST_WAY_ANONYMOUS,
        "private" => &DIGEST_WAY_PRIVATE,
        _ => &DIGEST_WAY_OPEN,
    };
    render(lang, template, &[])
}

fn waiting_lines(lang: Lang, d: &Digest) -> String {
    let waiting = &d.summary.questions.waiting_over_48h;
    let mut lines: Vec<String> = waiting
        .iter()
        .take(MAX_WAITING_LINES)
        .map(|w| {
            let link = match &w.thread_id {
                Some(t) => format!("https://discord.com/channels/{}/{t}", d.guild_id),
                None => render(lang, &DIGEST_NO_THREAD, &[]),
            };
            render(
                lang,
                &DIGEST_WAITING_LINE,
                &[
                    ("link", &link),
                    ("way", &way_name(lang, w.way)),
                    ("age", &elapsed(lang, d.cut_off_ms - w.asked_at)),
                ],
            )
        })
        .collect();
    if waiting.len() > MAX_WAITING_LINES {
        lines.push(render(
            lang,
            &DIGEST_WAITING_MORE,
            &[("count", &(waiting.len() - MAX_WAITING_LINES).to_string())],
        ));
    }
    lines.join("\n")
}

/// `/bilan` refused to anyone but coordinators.
pub fn digest_coordinators_only(lang: Lang) -> String {
    render(lang, &DIGEST_COORDINATORS_ONLY, &[])
}

/// `/bilan semaine:` that names no week, or a week to come.
pub fn digest_week_refused(lang: Lang, error: &WeekError) -> String {
    match error {
        WeekError::Unreadable(input) => render(
            lang,
            &DIGEST_BAD_WEEK,
            &[(
                "input",
                &format!("`{}`", sanitize(&truncate_chars(input, 40))),
            )],
        ),
        WeekError::Future(week) => {
            render(lang, &DIGEST_FUTURE_WEEK, &[("week", &week.to_string())])
        }
    }
}
